import CLzma
import Codecs

/// LZMA2 (Pavlov's LZMA: LZ77 with a range-coded, context-modelled parse) in
/// the .xz format through the system liblzma: each block is a complete .xz
/// stream with one .xz block, which `xz -d` reads.
///
/// Levels 0–9 are xz's presets; 10–19 are the extreme presets 0e–9e (the same
/// dictionary, a slower and more thorough parse).
///
/// The integrity check is CRC32 rather than xz's default CRC64 or none: the
/// container already holds a CRC32 of every block, so a 64-bit check would buy
/// nothing, while having some check keeps the stream self-verifying like the
/// gzip and bzip2 baselines: a stream taken out of its container is still
/// verified by `xz -d`, and every damaged byte is caught (the damage tests
/// show no flip going unnoticed). It costs 4 bytes per block.
public struct XzCodec: Codec {
    /// 0–9, or 10–19 for the extreme presets 0e–9e.
    public let level: Int

    public init(level: Int = 6) { self.level = level }

    /// The dictionary size of each preset, as xz documents them.
    static let presetDictionarySize = [256 << 10, 1 << 20, 2 << 20, 4 << 20, 4 << 20,
                                       8 << 20, 8 << 20, 16 << 20, 32 << 20, 64 << 20]

    /// A block as large as the preset's dictionary (at least 1 MiB), so the
    /// encoder's window covers the whole block and the levels differ as in xz.
    public static let descriptor = CodecDescriptor(
        name: "xz", id: 130, summary: "LZMA2 in xz format (system liblzma): LZ77 with range coding",
        origin: .system, levels: Array(0...19), defaultLevel: 6, strongestLevel: 19,
        levelLabel: { $0 >= 10 ? "\($0 - 10)e" : String($0) },
        blockSize: { level in max(1 << 20, presetDictionarySize[min(max(level, 0), 19) % 10]) },
        make: { XzCodec(level: $0) },
        // Output, payload and the dictionary of the preset.
        decodeMemory: { level, n in 2 * n + presetDictionarySize[min(max(level, 0), 19) % 10] + (2 << 20) })

    /// Macros from lzma.h that Swift does not import.
    static let filterLZMA2: lzma_vli = 0x21
    static let filterEnd: lzma_vli = .max
    static let presetExtreme: UInt32 = 1 << 31
    static let minimumDictionarySize = 4096

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        guard (0...19).contains(level) else { throw .invalidParameter("xz level \(level) is not in 0...19 (0e-9e are 10...19)") }
        let options = UnsafeMutablePointer<lzma_options_lzma>.allocate(capacity: 1)
        options.initialize(to: lzma_options_lzma())
        let filters = UnsafeMutablePointer<lzma_filter>.allocate(capacity: 2)
        filters.initialize(to: lzma_filter(id: Self.filterLZMA2, options: UnsafeMutableRawPointer(options)))
        (filters + 1).initialize(to: lzma_filter(id: Self.filterEnd, options: nil))
        defer {
            filters.deinitialize(count: 2); filters.deallocate()
            options.deinitialize(count: 1); options.deallocate()
        }
        let preset = UInt32(level % 10) | (level >= 10 ? Self.presetExtreme : 0)
        guard lzma_lzma_preset(options, preset) == 0 else { throw .library("xz: preset \(level) not supported") }
        // A dictionary larger than the block finds nothing more; shrinking it to
        // the block saves the encoder's table set-up and the decoder's memory.
        let blockDictionary = UInt32(clamping: max(Self.minimumDictionarySize, input.count))
        options.pointee.dict_size = min(options.pointee.dict_size, blockDictionary)

        let bound = lzma_stream_buffer_bound(input.count)
        guard bound > 0 else { throw .invalidParameter("xz: \(input.count) bytes is too large for one stream") }
        _ = try out.withUnsafeAppendingSpace(maxCount: bound) { dst throws(CodecError) -> Int in
            var outPos = 0
            let result = lzma_stream_buffer_encode(
                filters, LZMA_CHECK_CRC32, nil,
                input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count,
                dst.baseAddress?.assumingMemoryBound(to: UInt8.self), &outPos, dst.count)
            guard result == LZMA_OK else { throw .library("xz encode: \(Self.describe(result))") }
            return outPos
        }
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        try Baselines.checkOriginalCount(originalCount, "xz")
        let stream = UnsafeMutablePointer<lzma_stream>.allocate(capacity: 1)
        stream.initialize(to: lzma_stream())  // all zero: LZMA_STREAM_INIT
        defer { stream.deinitialize(count: 1); stream.deallocate() }
        // Our encoder never uses a dictionary above the block size (rounded up
        // to the format's 2^n or 3·2^(n-1) steps, so under 2×); a stream that
        // asks for more memory than that is refused before liblzma allocates it.
        let memoryLimit = UInt64(2 * max(originalCount, Self.minimumDictionarySize) + (1 << 20))
        let initResult = lzma_stream_decoder(stream, memoryLimit, 0)
        guard initResult == LZMA_OK else { throw .library("xz decoder init: \(Self.describe(initResult))") }
        defer { lzma_end(stream) }

        // One byte of room beyond `originalCount` detects a stream that holds more.
        _ = try out.withUnsafeAppendingSpace(maxCount: originalCount + 1) { dst throws(CodecError) -> Int in
            try Baselines.decodeStream("xz stream", input: input, into: dst, originalCount: originalCount) { i, o in
                let (result, step) = runLzma(stream, i, o, finish: false)
                let status: Baselines.DecodeStatus = switch result {
                case LZMA_STREAM_END: .ended
                case LZMA_OK, LZMA_BUF_ERROR: .going
                case LZMA_MEMLIMIT_ERROR:
                    .failed(.limitExceeded("xz stream needs \(lzma_memusage(stream)) bytes of decoder memory, "
                                           + "more than \(memoryLimit) for a \(originalCount)-byte block"))
                case LZMA_FORMAT_ERROR, LZMA_OPTIONS_ERROR, LZMA_DATA_ERROR: .failed(.corrupt("xz: \(Self.describe(result))"))
                default: .failed(.library("xz decode: \(Self.describe(result))"))
                }
                return (status, step)
            }
        }
    }

    /// liblzma returns bare codes; these are their meanings from lzma/base.h.
    static func describe(_ code: lzma_ret) -> String {
        switch code {
        case LZMA_MEM_ERROR: "out of memory"
        case LZMA_MEMLIMIT_ERROR: "memory usage limit reached"
        case LZMA_FORMAT_ERROR: "not an xz stream (bad header)"
        case LZMA_OPTIONS_ERROR: "unsupported options or reserved bits set"
        case LZMA_DATA_ERROR: "compressed data is corrupt (or an integrity check failed)"
        case LZMA_BUF_ERROR: "no progress possible"
        case LZMA_PROG_ERROR: "invalid arguments"
        case LZMA_UNSUPPORTED_CHECK: "unsupported integrity check"
        default: "error code \(code.rawValue)"
        }
    }
}
