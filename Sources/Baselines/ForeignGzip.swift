import CZlib

/// zlib's counts are 32-bit `uInt`; the drivers' buffers are far smaller, but
/// a caller's larger slice is cut rather than truncated silently.
private func zlibCount(_ n: Int) -> uInt { uInt(min(n, Int(UInt32.max))) }

private func zlibMessage(_ stream: UnsafeMutablePointer<z_stream>, _ code: Int32) -> String {
    if let msg = stream.pointee.msg { return String(cString: msg) }
    return "zlib error \(code)"
}

/// windowBits 15 (a 32 KiB window) plus 16: the gzip wrapper only (RFC 1952).
private let gzipWindowBits: Int32 = 15 + 16

/// Inflates one gzip member per `beginMember`; zlib checks each member's CRC32 and ISIZE.
final class GzipDecoder: ForeignCoder {
    private let stream: UnsafeMutablePointer<z_stream>
    private var started = false

    init() throws(ForeignError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let code = inflateInit2_(stream, gzipWindowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard code == Z_OK else {
            let why = zlibMessage(stream, code)
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw .library(.gzip, "inflateInit2: \(why)")
        }
        started = true
    }

    deinit {
        if started { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func beginMember(_ header: UnsafeRawBufferPointer, index: Int) -> CoderFailure? {
        if index > 0, inflateReset(stream) != Z_OK { return .library("inflateReset failed") }
        return nil
    }

    func step(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer, finish: Bool) -> CoderStep {
        let (code, result) = runZlib(stream, input, output) { inflate($0, Z_NO_FLUSH) }
        var step = result
        switch code {
        case Z_STREAM_END: step.ended = true
        case Z_OK, Z_BUF_ERROR: break  // progress made, or more input needed (the driver decides)
        case Z_DATA_ERROR: step.failure = .corrupt(zlibMessage(stream, code))
        case Z_NEED_DICT: step.failure = .corrupt("member needs a preset dictionary, which gzip never uses")
        case Z_MEM_ERROR: step.failure = .library("out of memory")
        default: step.failure = .library(zlibMessage(stream, code))
        }
        return step
    }
}

/// Deflates the whole input into one gzip member, as `gzip -N` writes it without a file name.
final class GzipEncoder: ForeignCoder {
    private let stream: UnsafeMutablePointer<z_stream>

    init(level: Int) throws(ForeignError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // memLevel 8 and the default strategy: what gzip itself uses.
        let code = deflateInit2_(stream, Int32(level), Z_DEFLATED, gzipWindowBits, 8, Z_DEFAULT_STRATEGY,
                                 zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard code == Z_OK else {
            let why = zlibMessage(stream, code)
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw .library(.gzip, "deflateInit2: \(why)")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func beginMember(_ header: UnsafeRawBufferPointer, index: Int) -> CoderFailure? { nil }

    func step(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer, finish: Bool) -> CoderStep {
        let (code, result) = runZlib(stream, input, output) { deflate($0, finish ? Z_FINISH : Z_NO_FLUSH) }
        var step = result
        switch code {
        case Z_STREAM_END: step.ended = true
        case Z_OK, Z_BUF_ERROR: break
        default: step.failure = .library("deflate: \(zlibMessage(stream, code))")
        }
        return step
    }
}

/// One call of the library over the given buffers, in either direction, and
/// how much of each it used.
func runZlib(
    _ stream: UnsafeMutablePointer<z_stream>, _ input: UnsafeRawBufferPointer,
    _ output: UnsafeMutableRawBufferPointer, _ call: (UnsafeMutablePointer<z_stream>) -> Int32
) -> (Int32, CoderStep) {
    let inCount = zlibCount(input.count), outCount = zlibCount(output.count)
    stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
    stream.pointee.avail_in = inCount
    stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
    stream.pointee.avail_out = outCount
    let code = call(stream)
    return (code, CoderStep(consumed: Int(inCount - stream.pointee.avail_in),
                            produced: Int(outCount - stream.pointee.avail_out)))
}
