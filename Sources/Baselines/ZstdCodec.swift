import CZstd
import Codecs

/// zstd (Collet & Kucherawy, RFC 8878) through the system libzstd: each block
/// is one zstd frame with its content size and a content checksum, so the
/// stream is what `zstd -c` writes and `zstd -d` reads it.
///
/// The checksum (32 bits of XXH64) duplicates the container's CRC32 but keeps
/// the stream self-verifying like the other baselines' native formats; it costs
/// 4 bytes per block.
public struct ZstdCodec: Codec {
    public let level: Int

    public init(level: Int = 3) { self.level = level }

    /// Levels 20–22 are zstd's "ultra" levels: the library takes them as plain
    /// levels (only the command-line tool wants `--ultra`). Their windows go up to
    /// 2^27 bytes, which decoders accept by default.
    public static let descriptor = CodecDescriptor(
        name: "zstd", id: 131, summary: "zstd (system libzstd): LZ77 with Huffman and FSE (tANS) coding",
        origin: .system, levels: Array(1...22), defaultLevel: 3, strongestLevel: 19,
        blockSize: { level in
            // At least the level's window (zstd's parameter tables), so a block
            // never hides matches the format could reach.
            switch level {
            case ...16: 4 << 20
            case 17...19: 8 << 20
            case 20: 32 << 20
            case 21: 64 << 20
            default: 128 << 20
            }
        },
        make: { ZstdCodec(level: $0) },
        // Output, payload and a window of at most the block.
        decodeMemory: { _, n in 3 * n + (4 << 20) })

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        guard (1...22).contains(level) else { throw .invalidParameter("zstd level \(level) is not in 1...22") }
        let bound = ZSTD_compressBound(input.count)
        guard ZSTD_isError(bound) == 0 else { throw .invalidParameter("zstd: \(input.count) bytes is too large for one frame") }
        let level = Int32(level)
        try ZstdContextPool.shared.withCompressor { cctx throws(CodecError) in
            try ZstdCodec.check(ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters), "reset")
            try ZstdCodec.check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level), "level")
            try ZstdCodec.check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1), "checksum flag")
            try ZstdCodec.check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1), "content size flag")
            _ = try out.withUnsafeAppendingSpace(maxCount: bound) { dst throws(CodecError) -> Int in
                let written = ZSTD_compress2(cctx, dst.baseAddress, dst.count, input.baseAddress, input.count)
                try ZstdCodec.check(written, "compress")
                return written
            }
        }
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        try Baselines.checkOriginalCount(originalCount, "zstd")
        // Exactly one frame, whole: a short frame is truncation, anything after it is damage.
        let frameSize = ZSTD_findFrameCompressedSize(input.baseAddress, input.count)
        if ZSTD_isError(frameSize) != 0 {
            throw ZstdCodec.errorCode(frameSize) == ZSTD_error_srcSize_wrong
                ? .truncated : .corrupt("zstd frame: \(ZstdCodec.message(frameSize))")
        }
        guard frameSize == input.count else {
            throw .corrupt("zstd: \(input.count - frameSize) bytes after the end of the frame")
        }
        let declared = ZSTD_getFrameContentSize(input.baseAddress, input.count)
        if declared != ZstdCodec.contentSizeUnknown, declared != UInt64(originalCount) {
            throw .corrupt("zstd frame declares \(declared) bytes, expected \(originalCount)")
        }
        // One-shot decoding into exactly `originalCount` bytes: the library
        // refuses to write more (dstSize_tooSmall) and needs no window buffer of its own.
        try ZstdContextPool.shared.withDecompressor { dctx throws(CodecError) in
            _ = try out.withUnsafeAppendingSpace(maxCount: originalCount) { dst throws(CodecError) -> Int in
                let produced = ZSTD_decompressDCtx(dctx, dst.baseAddress, dst.count, input.baseAddress, input.count)
                if ZSTD_isError(produced) != 0 {
                    switch ZstdCodec.errorCode(produced) {
                    case ZSTD_error_dstSize_tooSmall: throw .corrupt("zstd frame decodes to more than \(originalCount) bytes")
                    case ZSTD_error_srcSize_wrong: throw .truncated
                    case ZSTD_error_memory_allocation: throw .library("zstd: \(ZstdCodec.message(produced))")
                    default: throw .corrupt("zstd: \(ZstdCodec.message(produced))")
                    }
                }
                guard produced == originalCount else {
                    throw .corrupt("zstd frame decodes to \(produced) bytes, expected \(originalCount)")
                }
                return produced
            }
        }
    }

    /// ZSTD_CONTENTSIZE_UNKNOWN: a macro Swift does not import.
    static let contentSizeUnknown = UInt64.max

    static func errorCode(_ result: Int) -> ZSTD_ErrorCode { ZSTD_getErrorCode(result) }

    static func message(_ result: Int) -> String { String(cString: ZSTD_getErrorName(result)) }

    static func check(_ result: Int, _ what: String) throws(CodecError) {
        if ZSTD_isError(result) != 0 { throw .library("zstd \(what): \(message(result))") }
    }
}
