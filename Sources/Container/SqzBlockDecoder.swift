import Codecs
import Transforms

/// Decodes single blocks of a frame, for a reader that knows where each block
/// record lies (the archive index) and wants some of them, not the whole stream.
/// Blocks are independent, so one decoder may decode several blocks at once.
public struct SqzBlockDecoder: Sendable {
    public let header: FrameHeader
    public let descriptor: CodecDescriptor
    let codec: any Codec
    let memoryLimit: Int?
    let decompressor: SqzDecompressor

    /// Checks the frame header (16 bytes in version 1, 20 in version 2; see
    /// `headerSize(versionByte:)`) and the memory one block needs, as a full decode would.
    public init(frameHeader bytes: [UInt8], registry: CodecRegistry, memoryLimit: Int?) throws(SqzError) {
        guard bytes.count >= SqzFormat.headerSize, bytes.count == Self.headerSize(versionByte: bytes[4]) else {
            throw .truncated("in the frame header")
        }
        decompressor = SqzDecompressor(registry: registry)
        let header = try decompressor.parseHeader(bytes)
        // An auto frame names no codec: each block names its own.
        let descriptor = try decompressor.frameDescriptor(header)
        try decompressor.checkMemory(header, descriptor: descriptor, limit: memoryLimit)
        self.header = header
        self.descriptor = descriptor
        self.codec = descriptor.make(header.isAuto ? descriptor.defaultLevel : Int(header.level))
        self.memoryLimit = memoryLimit
    }

    /// Bytes of a frame header whose fifth byte (the version) is `versionByte`.
    public static func headerSize(versionByte: UInt8) -> Int {
        versionByte == SqzFormat.version2 ? SqzFormat.headerSizeV2 : SqzFormat.headerSize
    }

    /// One block as decoded from its record alone: in a frame with a long-range
    /// window, `residual` still lacks what `references` supply from earlier
    /// output (see `LongRangeRebuilder`); otherwise it is the block, CRC-checked.
    public struct DecodedBlock {
        public var residual: ByteBuffer
        public var references: [LongRangeReference]
        public var rawSize: Int
        /// The CRC32 of the rebuilt block, to check after the rebuild.
        public var rawCRC: UInt32
    }

    /// Decodes one block record (tag, header fields, payload and reference
    /// section, exactly) and checks its CRC32; `index` (1-based) names the
    /// block in errors. Only for frames without a long-range window.
    public func decode(record: [UInt8], index: Int) throws(SqzError) -> ByteBuffer {
        guard header.window == nil else {
            throw .blockHeaderCorrupt(block: index, "its frame has long-range references: decode it with decode(record:index:streamOffset:)")
        }
        return try decode(record: record, index: index, streamOffset: 0).residual
    }

    /// Decodes one block record of any frame; `streamOffset` is where the
    /// block starts in the frame's output (long-range references are relative to it).
    public func decode(record: [UInt8], index: Int, streamOffset: Int64) throws(SqzError) -> DecodedBlock {
        var reader = BufferedReader(MemorySource(record))
        guard let tagByte = try reader.readByte() else { throw .truncated("before block \(index)") }
        guard let tag = SqzFormat.Tag(rawValue: tagByte) else {
            throw .blockHeaderCorrupt(block: index, "unknown block type 0x\(String(tagByte, radix: 16))")
        }
        var block = try decompressor.readBlockHeader(&reader, tag: tag, index: index, frame: header)
        guard reader.consumed + Int64(block.payloadSize) + Int64(block.sectionSize) == Int64(record.count) else {
            throw .blockHeaderCorrupt(block: index, "its sizes disagree with the index")
        }
        var payload: [UInt8] = []
        guard try reader.readExact(block.payloadSize, into: &payload) else { throw .truncated("in block \(index) data") }
        let references = try decompressor.readReferences(&reader, block: &block, index: index, frame: header,
                                                         streamOffset: streamOffset)
        // A version-2 block may name its own codec and level.
        var (d, c, level) = (descriptor, codec, Int(header.level))
        if header.version >= SqzFormat.version2, block.codecKey(frame: header) != Int(header.codecID) << 8 | Int(header.level) {
            (d, c) = try decompressor.blockCodec(block, index: index, memoryLimit: memoryLimit)
            level = block.level ?? d.defaultLevel
        }
        var decoded = ByteBuffer()
        try decompressor.decodeBlock(block, payload: payload, index: index, codec: c, descriptor: d,
                                     level: level, memoryLimit: memoryLimit, into: &decoded)
        return DecodedBlock(residual: decoded, references: references, rawSize: block.rawSize, rawCRC: block.rawCRC)
    }

    /// Most bytes a block header or an end marker takes (tag, version 2's codec,
    /// level, filter id and filter parameter, three 9-byte varints, two CRC32s).
    public static let maxHeaderBytes = 1 + 4 + 9 + 9 + 9 + 8

    /// Where a block ends, from the first bytes of its record (up to
    /// `maxHeaderBytes`, fewer at the end of a file), without its payload:
    /// for finding blocks in a frame that has no index. Nil at the end marker.
    public func locate(headerBytes: [UInt8], index: Int) throws(SqzError) -> BlockLocation? {
        guard let (tag, block, size) = try readHeader(headerBytes, index: index) else { return nil }
        return BlockLocation(frameOffset: 0, recordSize: size + block.payloadSize + block.sectionSize,
                             rawSize: block.rawSize, stored: tag == .stored)
    }

    /// What a block used (codec, level, filter) and its sizes, from the first bytes of
    /// its record as for `locate`, without its payload (`archive list -v`).
    public func describe(headerBytes: [UInt8], index: Int) throws(SqzError) -> BlockInfo {
        guard let (tag, block, _) = try readHeader(headerBytes, index: index) else {
            throw .blockHeaderCorrupt(block: index, "an end marker where a block was expected")
        }
        return decompressor.blockInfo(block, stored: tag == .stored, index: index, frame: header)
    }

    /// A block's tag and checked header from the first bytes of its record, and the
    /// header's size in bytes; nil at the end marker.
    private func readHeader(_ headerBytes: [UInt8], index: Int) throws(SqzError) -> (SqzFormat.Tag, SqzDecompressor.BlockHeader, Int)? {
        var reader = BufferedReader(MemorySource(headerBytes))
        guard let tagByte = try reader.readByte() else { throw .truncated("before block \(index) (no end marker)") }
        if tagByte == SqzFormat.Tag.end.rawValue { return nil }
        guard let tag = SqzFormat.Tag(rawValue: tagByte) else {
            throw .blockHeaderCorrupt(block: index, "unknown block type 0x\(String(tagByte, radix: 16))")
        }
        let block = try decompressor.readBlockHeader(&reader, tag: tag, index: index, frame: header)
        return (tag, block, Int(reader.consumed))
    }

    /// The fields of an end marker, from its tag byte on; checks its CRC32.
    public func endMarker(_ bytes: [UInt8]) throws(SqzError) -> (rawSize: UInt64, blocks: UInt64, contentCRC: UInt32) {
        var reader = BufferedReader(MemorySource(bytes))
        guard try reader.readByte() == SqzFormat.Tag.end.rawValue else { throw .endCorrupt("missing") }
        guard let total = try reader.readVarint(), let count = try reader.readVarint() else {
            throw .truncated("in the end marker")
        }
        var crcs: [UInt8] = []
        guard try reader.readExact(8, into: &crcs) else { throw .truncated("in the end marker") }
        let fields = [SqzFormat.Tag.end.rawValue] + total.bytes + count.bytes + Array(crcs[0..<4])
        guard CRC32.checksum(fields) == SqzFormat.readLE32(crcs, 4) else { throw .endCorrupt("checksum mismatch") }
        return (total.value, count.value, SqzFormat.readLE32(crcs, 0))
    }
}
