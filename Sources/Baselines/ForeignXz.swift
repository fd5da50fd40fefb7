import CLzma

/// Decoder flags from lzma/container.h (macros Swift does not import).
private let lzmaTellUnsupportedCheck: UInt32 = 0x02

private func checkName(_ check: lzma_check) -> String {
    switch check {
    case LZMA_CHECK_NONE: "none"
    case LZMA_CHECK_CRC32: "CRC32"
    case LZMA_CHECK_CRC64: "CRC64"
    case LZMA_CHECK_SHA256: "SHA-256"
    default: "check \(check.rawValue)"
    }
}

/// Decodes one .xz stream per `beginMember`; the driver finds the next stream
/// after any stream padding (zero bytes, a multiple of 4), as `xz -d` reads
/// concatenated files. Decoding stream by stream (rather than with
/// LZMA_CONCATENATED) lets bytes after the last stream be told from a cut one.
/// liblzma enforces the memory limit before it allocates a dictionary.
final class XzDecoder: ForeignCoder, MemberStatistics {
    private let stream: UnsafeMutablePointer<lzma_stream>
    private let limit: UInt64?
    private var checks = CheckNames()
    private var streams = 0
    private(set) var memoryNeeded: UInt64?

    var memberCount: Int? { streams }
    var checkNames: String? { checks.joined }

    init(memoryLimit: UInt64?) {
        limit = memoryLimit
        stream = .allocate(capacity: 1)
        stream.initialize(to: lzma_stream())  // all zero: LZMA_STREAM_INIT
    }

    deinit {
        lzma_end(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func beginMember(_ header: UnsafeRawBufferPointer, index: Int) -> CoderFailure? {
        // Re-initialising the same lzma_stream reuses what it allocated.
        // LZMA_TELL_ANY_CHECK (0x04) reports the stream's check once its header is read.
        let code = lzma_stream_decoder(stream, limit ?? .max, lzmaTellUnsupportedCheck | 0x04)
        return code == LZMA_OK ? nil : .library("lzma_stream_decoder: \(XzCodec.describe(code))")
    }

    func step(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer, finish: Bool) -> CoderStep {
        let (code, result) = runLzma(stream, input, output, finish: finish)
        var step = result
        let usage = lzma_memusage(stream)
        if usage > 0 { memoryNeeded = max(memoryNeeded ?? 0, usage) }
        switch code {
        case LZMA_OK: break
        case LZMA_STREAM_END: step.ended = true
        case LZMA_GET_CHECK, LZMA_NO_CHECK:
            streams += 1
            checks.add(checkName(lzma_get_check(stream)))
        case LZMA_UNSUPPORTED_CHECK:
            step.failure = .unsupportedCheck("stream \(streams + 1) uses integrity check "
                + "\(lzma_get_check(stream).rawValue), which this liblzma cannot verify")
        case LZMA_MEMLIMIT_ERROR:
            step.failure = .memory(needed: lzma_memusage(stream), limit: limit ?? .max)
        case LZMA_BUF_ERROR:
            // No progress possible: with LZMA_FINISH, the input ended inside a stream.
            step.failure = finish ? .truncated : .library("no progress possible")
        case LZMA_FORMAT_ERROR:
            step.failure = .corrupt("not an .xz stream header")
        case LZMA_OPTIONS_ERROR, LZMA_DATA_ERROR:
            step.failure = .corrupt(XzCodec.describe(code))
        default:
            step.failure = .library(XzCodec.describe(code))
        }
        return step
    }
}

/// Compresses the whole input into one .xz stream with a CRC64 check, as `xz -N` does.
final class XzEncoder: ForeignCoder {
    private let stream: UnsafeMutablePointer<lzma_stream>

    init(level: Int) throws(ForeignError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: lzma_stream())
        let preset = UInt32(level % 10) | (level >= 10 ? XzCodec.presetExtreme : 0)
        let code = lzma_easy_encoder(stream, preset, LZMA_CHECK_CRC64)
        guard code == LZMA_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw .library(.xz, "lzma_easy_encoder: \(XzCodec.describe(code))")
        }
    }

    deinit {
        lzma_end(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func beginMember(_ header: UnsafeRawBufferPointer, index: Int) -> CoderFailure? { nil }

    func step(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer, finish: Bool) -> CoderStep {
        let (code, result) = runLzma(stream, input, output, finish: finish)
        var step = result
        switch code {
        case LZMA_OK: break
        case LZMA_STREAM_END: step.ended = true
        case LZMA_MEM_ERROR: step.failure = .library("out of memory")
        default: step.failure = .library(XzCodec.describe(code))
        }
        return step
    }
}

/// One `lzma_code` call over the given buffers, in either direction, and how
/// much of each it used.
func runLzma(
    _ stream: UnsafeMutablePointer<lzma_stream>, _ input: UnsafeRawBufferPointer,
    _ output: UnsafeMutableRawBufferPointer, finish: Bool
) -> (lzma_ret, CoderStep) {
    stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
    stream.pointee.avail_in = input.count
    stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
    stream.pointee.avail_out = output.count
    let code = lzma_code(stream, finish ? LZMA_FINISH : LZMA_RUN)
    return (code, CoderStep(consumed: input.count - stream.pointee.avail_in,
                            produced: output.count - stream.pointee.avail_out))
}
