import CBzip2
import Codecs

/// bzip2 (Seward; Burrows & Wheeler 1994 block sorting, then move-to-front,
/// run lengths and Huffman coding) through the system libbz2: each block is a
/// complete .bz2 stream, which `bzip2 -d` reads. The format carries a CRC32
/// per bzip2 block and one for the whole stream.
public struct Bzip2Codec: Codec {
    public let level: Int

    public init(level: Int = 9) { self.level = level }

    /// Level n sorts blocks of 100 000·n bytes; the format's block holds at most
    /// 19 bytes less than that (after its first run-length stage). Matching the
    /// container's block to it keeps one bzip2 block per container block on
    /// data without long runs, instead of a full block and a 19-byte straggler.
    public static let descriptor = CodecDescriptor(
        name: "bzip2", id: 129, summary: "bzip2 (system libbz2): BWT block sorting, MTF, RLE and Huffman coding",
        origin: .system, levels: Array(1...9), defaultLevel: 9, strongestLevel: 9,
        blockSize: { level in 100_000 * min(max(level, 1), 9) - 19 },
        make: { Bzip2Codec(level: $0) },
        // Output, payload and bzip2's decoder (about 4 bytes per block byte).
        decodeMemory: { _, n in 6 * n + (1 << 20) })

    /// libbz2 counts bytes in 32-bit `unsigned int`.
    static let chunkLimit = 1 << 30

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        guard (1...9).contains(level) else { throw .invalidParameter("bzip2 level \(level) is not in 1...9") }
        guard input.count <= Self.chunkLimit else {
            throw .invalidParameter("bzip2 blocks are limited to \(Self.chunkLimit) bytes, got \(input.count)")
        }
        // The bound documented by libbz2: 1% more than the input plus 600 bytes.
        let bound = input.count + input.count / 100 + 600
        let empty: CChar = 0
        _ = try out.withUnsafeAppendingSpace(maxCount: bound) { dst throws(CodecError) -> Int in
            guard let outBase = dst.baseAddress?.assumingMemoryBound(to: CChar.self) else {
                throw .library("bzip2: no output buffer")
            }
            var outCount = UInt32(dst.count)
            // libbz2 rejects a null source even for zero bytes.
            let source = input.baseAddress?.assumingMemoryBound(to: CChar.self)
            let result = withUnsafePointer(to: empty) { emptyPointer in
                squeeze_bz_buff_compress(outBase, &outCount, source ?? emptyPointer, UInt32(input.count), Int32(level))
            }
            guard result == BZ_OK else { throw .library("bzip2 compress: \(Self.describe(result))") }
            return Int(outCount)
        }
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        try Baselines.checkOriginalCount(originalCount, "bzip2")
        let stream = UnsafeMutablePointer<bz_stream>.allocate(capacity: 1)
        stream.initialize(to: bz_stream())
        defer { stream.deinitialize(count: 1); stream.deallocate() }
        // small = 0: the fast decoder; its memory (at most ~3.7 MB) is set by the
        // block size digit in the stream header, which the format caps at 9.
        let initResult = BZ2_bzDecompressInit(stream, 0, 0)
        guard initResult == BZ_OK else { throw .library("bzip2 decompress init: \(Self.describe(initResult))") }
        defer { BZ2_bzDecompressEnd(stream) }

        // One byte of room beyond `originalCount` detects a stream that holds more.
        _ = try out.withUnsafeAppendingSpace(maxCount: originalCount + 1) { dst throws(CodecError) -> Int in
            try Baselines.decodeStream("bzip2 stream", input: input, into: dst, originalCount: originalCount,
                                       chunkLimit: Self.chunkLimit) { i, o in
                let (result, step) = runBzip2(stream, i, o) { BZ2_bzDecompress($0) }
                let status: Baselines.DecodeStatus = switch result {
                case BZ_STREAM_END: .ended
                case BZ_OK: .going
                case BZ_DATA_ERROR, BZ_DATA_ERROR_MAGIC: .failed(.corrupt("bzip2: \(Self.describe(result))"))
                default: .failed(.library("bzip2 decompress: \(Self.describe(result))"))
                }
                return (status, step)
            }
        }
    }

    /// libbz2 returns bare codes; these are their meanings from its manual.
    static func describe(_ code: Int32) -> String {
        switch code {
        case BZ_DATA_ERROR: "data integrity error (bad block, CRC mismatch or invalid code)"
        case BZ_DATA_ERROR_MAGIC: "not a bzip2 stream (bad magic bytes)"
        case BZ_MEM_ERROR: "out of memory"
        case BZ_PARAM_ERROR: "invalid parameter"
        case BZ_SEQUENCE_ERROR: "calls in the wrong order"
        case BZ_OUTBUFF_FULL: "output buffer full"
        case BZ_CONFIG_ERROR: "library misconfigured"
        default: "error code \(code)"
        }
    }
}
