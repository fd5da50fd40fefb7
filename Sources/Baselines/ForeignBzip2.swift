import CBzip2

/// libbz2's counts are 32-bit `unsigned int`.
private func bzCount(_ n: Int) -> UInt32 { UInt32(min(n, Int(UInt32.max))) }

/// Decodes one bzip2 stream per `beginMember`. Each stream's header digit sets
/// its block size, hence its memory: bzip2's manual gives 100k + 4 × block size
/// for the fast decoder and 100k + 2.5 × block size for the small one
/// (`bzip2 -s`), which this falls back to when only it fits the limit.
final class Bzip2Decoder: ForeignCoder, MemberStatistics {
    private let stream: UnsafeMutablePointer<bz_stream>
    private var active = false
    private let memoryLimit: UInt64?
    private(set) var memoryNeeded: UInt64?

    var memberCount: Int? { nil }
    var checkNames: String? { "CRC32" }

    init(memoryLimit: UInt64?) {
        self.memoryLimit = memoryLimit
        stream = .allocate(capacity: 1)
        stream.initialize(to: bz_stream())
    }

    deinit {
        if active { BZ2_bzDecompressEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    static func memory(blockDigit: Int, small: Bool) -> UInt64 {
        let block = UInt64(blockDigit) * 100_000
        return 100_000 + (small ? block * 5 / 2 : block * 4)
    }

    func beginMember(_ header: UnsafeRawBufferPointer, index: Int) -> CoderFailure? {
        if active {
            BZ2_bzDecompressEnd(stream)
            stream.pointee = bz_stream()
            active = false
        }
        // A damaged header digit is left to libbz2 to reject; assume the largest block.
        var digit = 9
        if header.count >= 4, (0x31...0x39).contains(header[3]) { digit = Int(header[3]) - 0x30 }
        var small = false
        var need = Self.memory(blockDigit: digit, small: false)
        if let limit = memoryLimit, need > limit {
            small = true
            need = Self.memory(blockDigit: digit, small: true)
            if need > limit { return .memory(needed: need, limit: limit) }
        }
        memoryNeeded = max(memoryNeeded ?? 0, need)
        let code = BZ2_bzDecompressInit(stream, 0, small ? 1 : 0)
        guard code == BZ_OK else { return .library("BZ2_bzDecompressInit: \(Bzip2Codec.describe(code))") }
        active = true
        return nil
    }

    func step(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer, finish: Bool) -> CoderStep {
        let (code, result) = runBzip2(stream, input, output) { BZ2_bzDecompress($0) }
        var step = result
        switch code {
        case BZ_STREAM_END: step.ended = true
        case BZ_OK: break
        case BZ_DATA_ERROR, BZ_DATA_ERROR_MAGIC: step.failure = .corrupt(Bzip2Codec.describe(code))
        case BZ_MEM_ERROR: step.failure = .library("out of memory")
        default: step.failure = .library(Bzip2Codec.describe(code))
        }
        return step
    }
}

/// Compresses the whole input into one bzip2 stream, as `bzip2 -N` does.
final class Bzip2Encoder: ForeignCoder {
    private let stream: UnsafeMutablePointer<bz_stream>

    init(level: Int) throws(ForeignError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: bz_stream())
        // workFactor 0: the library's default (30), as the bzip2 tool uses.
        let code = BZ2_bzCompressInit(stream, Int32(level), 0, 0)
        guard code == BZ_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw .library(.bzip2, "BZ2_bzCompressInit: \(Bzip2Codec.describe(code))")
        }
    }

    deinit {
        BZ2_bzCompressEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func beginMember(_ header: UnsafeRawBufferPointer, index: Int) -> CoderFailure? { nil }

    func step(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer, finish: Bool) -> CoderStep {
        let (code, result) = runBzip2(stream, input, output) { BZ2_bzCompress($0, finish ? BZ_FINISH : BZ_RUN) }
        var step = result
        switch code {
        case BZ_STREAM_END: step.ended = true
        case BZ_RUN_OK, BZ_FINISH_OK: break
        default: step.failure = .library("BZ2_bzCompress: \(Bzip2Codec.describe(code))")
        }
        return step
    }
}

/// One call of the library over the given buffers, in either direction, and
/// how much of each it used.
func runBzip2(
    _ stream: UnsafeMutablePointer<bz_stream>, _ input: UnsafeRawBufferPointer,
    _ output: UnsafeMutableRawBufferPointer, _ call: (UnsafeMutablePointer<bz_stream>) -> Int32
) -> (Int32, CoderStep) {
    let inCount = bzCount(input.count), outCount = bzCount(output.count)
    squeeze_bz_set_input(stream, input.baseAddress?.assumingMemoryBound(to: CChar.self), inCount)
    stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: CChar.self)
    stream.pointee.avail_out = outCount
    let code = call(stream)
    return (code, CoderStep(consumed: Int(inCount - stream.pointee.avail_in),
                            produced: Int(outCount - stream.pointee.avail_out)))
}
