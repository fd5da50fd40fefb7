import CZlib
import Codecs

/// Deflate (Deutsch, RFC 1951) in a gzip member (RFC 1952) through the system
/// zlib: each block is a complete gzip member, so `gzip -d` reads the stream.
/// The member carries its own CRC32 and length, as gzip's format requires.
public struct ZlibCodec: Codec {
    public let level: Int

    public init(level: Int = 6) { self.level = level }

    /// Deflate sees only a 32 KiB window, so a larger block gains nothing but
    /// latency; 1 MiB keeps per-block overhead (18 bytes of gzip framing) small.
    public static let descriptor = CodecDescriptor(
        name: "zlib", id: 128, summary: "deflate in gzip format (system zlib): LZ77 with Huffman coding",
        origin: .system, levels: Array(1...9), defaultLevel: 6, strongestLevel: 9,
        blockSize: { _ in 1 << 20 },
        make: { ZlibCodec(level: $0) })

    /// windowBits 15 (a 32 KiB window) plus 16: write and accept only the gzip wrapper.
    static let gzipWindowBits: Int32 = 15 + 16
    /// zlib counts input and output in 32-bit `uInt`; larger buffers go in pieces.
    static let chunkLimit = 1 << 30

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        guard (1...9).contains(level) else { throw .invalidParameter("zlib level \(level) is not in 1...9") }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deinitialize(count: 1); stream.deallocate() }
        let initResult = deflateInit2_(stream, Int32(level), Z_DEFLATED, Self.gzipWindowBits, 8, Z_DEFAULT_STRATEGY,
                                       zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initResult == Z_OK else { throw .library("zlib deflateInit2: \(Self.message(stream, initResult))") }
        defer { deflateEnd(stream) }

        // deflateBound counts the gzip header and trailer once the stream is set up.
        let bound = Int(deflateBound(stream, uLong(input.count)))
        _ = try out.withUnsafeAppendingSpace(maxCount: bound) { dst throws(CodecError) -> Int in
            var inPos = 0, outPos = 0
            while true {
                let inChunk = min(input.count - inPos, Self.chunkLimit)
                let outChunk = min(dst.count - outPos, Self.chunkLimit)
                let flush = inPos + inChunk == input.count ? Z_FINISH : Z_NO_FLUSH
                let (result, step) = runZlib(stream, UnsafeRawBufferPointer(rebasing: input[inPos..<(inPos + inChunk)]),
                                             UnsafeMutableRawBufferPointer(rebasing: dst[outPos..<(outPos + outChunk)])) { deflate($0, flush) }
                let consumed = step.consumed, produced = step.produced
                inPos += consumed
                outPos += produced
                if result == Z_STREAM_END { return outPos }
                guard result == Z_OK || result == Z_BUF_ERROR else {
                    throw .library("zlib deflate: \(Self.message(stream, result))")
                }
                guard consumed > 0 || produced > 0 else { throw .library("zlib deflate: output exceeds deflateBound") }
            }
        }
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        try Baselines.checkOriginalCount(originalCount, "gzip")
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deinitialize(count: 1); stream.deallocate() }
        let initResult = inflateInit2_(stream, Self.gzipWindowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initResult == Z_OK else { throw .library("zlib inflateInit2: \(Self.message(stream, initResult))") }
        defer { inflateEnd(stream) }

        // One byte of room beyond `originalCount`: if inflate fills it, the
        // member holds more than it should, and nothing past it is ever written.
        _ = try out.withUnsafeAppendingSpace(maxCount: originalCount + 1) { dst throws(CodecError) -> Int in
            try Baselines.decodeStream("gzip member", input: input, into: dst, originalCount: originalCount,
                                       chunkLimit: Self.chunkLimit) { i, o in
                let (result, step) = runZlib(stream, i, o) { inflate($0, Z_NO_FLUSH) }
                let status: Baselines.DecodeStatus = switch result {
                case Z_STREAM_END: .ended
                case Z_OK, Z_BUF_ERROR: .going
                case Z_NEED_DICT: .failed(.corrupt("gzip member asks for a preset dictionary"))
                case Z_DATA_ERROR: .failed(.corrupt("gzip: \(Self.message(stream, result))"))
                default: .failed(.library("zlib inflate: \(Self.message(stream, result))"))
                }
                return (status, step)
            }
        }
    }

    static func message(_ stream: UnsafeMutablePointer<z_stream>, _ code: Int32) -> String {
        if let msg = stream.pointee.msg { return String(cString: msg) }
        return "error code \(code)"
    }
}
