import Codecs

/// Reads `.sqz` frames: checks every field against limits before allocating,
/// decodes each block, and verifies the block and whole-content checksums.
public struct SqzDecompressor: Sendable {
    public let registry: CodecRegistry

    public init(registry: CodecRegistry) {
        self.registry = registry
    }

    /// Decodes the frame in `source` into `sink`. With `decode: false` only the
    /// structure is read (for `list`): payloads are skipped, checksums of the
    /// headers are still checked, and `verified` stays false.
    public func decompress<S: ByteSource, K: ByteSink>(
        from source: S, to sink: inout K, decode: Bool = true, progress: ((Int64) -> Void)? = nil
    ) throws(SqzError) -> FrameSummary {
        var reader = BufferedReader(source)
        var head: [UInt8] = []
        guard try reader.readExact(SqzFormat.headerSize, into: &head) else {
            if head.isEmpty { throw .empty }
            if !SqzFormat.magic.starts(with: head.prefix(4)) { throw .notSqz }
            throw .truncated("in the frame header")
        }
        let header = try parseHeader(head)
        guard let descriptor = registry.withID(header.codecID) else { throw .unknownCodec(header.codecID) }
        guard descriptor.levels.contains(Int(header.level)) else {
            throw .unsupportedLevel(codec: descriptor.name, level: header.level)
        }
        let codec = descriptor.make(Int(header.level))
        var summary = FrameSummary(header: header, codecName: descriptor.name,
                                   levelLabel: descriptor.label(forLevel: Int(header.level)))
        var content = CRC32()
        var payload: [UInt8] = []
        var decoded = ByteBuffer()

        while true {
            let index = summary.blocks + 1
            guard let tagByte = try reader.readByte() else { throw .truncated("before block \(index) (no end marker)") }
            if tagByte == SqzFormat.Tag.end.rawValue {
                try readEnd(&reader, summary: summary, content: content, decoded: decode)
                break
            }
            guard let tag = SqzFormat.Tag(rawValue: tagByte) else {
                throw .blockHeaderCorrupt(block: index, "unknown block type 0x\(String(tagByte, radix: 16))")
            }
            var fields: [UInt8] = [tagByte]
            guard let raw = try reader.readVarint(), let coded = try reader.readVarint() else {
                throw .truncated("in block \(index) header")
            }
            fields += raw.bytes + coded.bytes
            var crcBytes: [UInt8] = []
            guard try reader.readExact(8, into: &crcBytes) else { throw .truncated("in block \(index) header") }
            let rawCRC = SqzFormat.readLE32(crcBytes, 0)
            fields += crcBytes[0..<4]
            guard CRC32.checksum(fields) == SqzFormat.readLE32(crcBytes, 4) else {
                throw .blockHeaderCorrupt(block: index, "header checksum mismatch")
            }
            // Sizes are checked before anything is allocated for them.
            guard raw.value >= 1, raw.value <= UInt64(header.blockSize) else {
                throw .blockHeaderCorrupt(block: index, "raw size \(raw.value) outside 1...\(header.blockSize)")
            }
            let rawSize = Int(raw.value)
            switch tag {
            case .stored where coded.value != raw.value:
                throw .blockHeaderCorrupt(block: index, "stored block of \(coded.value) bytes declares \(rawSize) raw bytes")
            case .coded where coded.value > raw.value:
                throw .blockHeaderCorrupt(block: index, "coded size \(coded.value) exceeds raw size \(rawSize)")
            default: break
            }
            guard try reader.readExact(Int(coded.value), into: &payload) else {
                throw .truncated("in block \(index) data")
            }
            summary.blocks += 1
            summary.rawBytes += Int64(rawSize)
            if tag == .stored { summary.storedBlocks += 1 }

            guard decode else { continue }
            decoded.removeAll()
            decoded.reserve(rawSize)
            if tag == .stored {
                try withBytes(payload) { (p) throws(SqzError) in decoded.append(contentsOf: p) }
            } else {
                let r: Result<Void, CodecError> = payload.withUnsafeBytes { p in
                    Result { () throws(CodecError) in try codec.decode(p, originalCount: rawSize, into: &decoded) }
                }
                if case .failure(let e) = r { throw .blockCorrupt(block: index, e) }
            }
            guard decoded.count == rawSize else {
                throw .blockCorrupt(block: index, .corrupt("decoded \(decoded.count) bytes, expected \(rawSize)"))
            }
            let ok: Bool = decoded.withUnsafeBytes { (p: UnsafeRawBufferPointer) -> Bool in
                content.update(p)
                return CRC32.checksum(p) == rawCRC
            }
            guard ok else { throw .checksumMismatch(block: index) }
            try decoded.withUnsafeBytes { (p: UnsafeRawBufferPointer) throws(SqzError) in try sink.write(p) }
            progress?(summary.rawBytes)
        }
        guard try !reader.fill() else { throw .trailingData }
        summary.frameBytes = reader.consumed
        summary.contentCRC = content.value
        summary.verified = decode
        return summary
    }

    /// Reads only the frame's structure (sizes, block count), without decoding.
    public func list<S: ByteSource>(from source: S) throws(SqzError) -> FrameSummary {
        var sink = DiscardingSink()
        return try decompress(from: source, to: &sink, decode: false)
    }

    func parseHeader(_ h: [UInt8]) throws(SqzError) -> FrameHeader {
        guard Array(h[0..<4]) == SqzFormat.magic else { throw .notSqz }
        guard CRC32.checksum(Array(h[0..<12])) == SqzFormat.readLE32(h, 12) else {
            // A wrong version with a valid checksum is reported as such below;
            // a damaged header cannot be trusted for anything.
            throw .headerCorrupt("header checksum mismatch")
        }
        guard h[4] == SqzFormat.version else { throw .unsupportedVersion(h[4]) }
        guard h[7] == 0 else { throw .headerCorrupt("unknown flags 0x\(String(h[7], radix: 16))") }
        let bs = Int(SqzFormat.readLE32(h, 8))
        guard bs >= SqzFormat.minBlockSize, bs <= SqzFormat.maxBlockSize else {
            throw .limitExceeded("declared block size \(bs) bytes is outside \(SqzFormat.minBlockSize)...\(SqzFormat.maxBlockSize)")
        }
        return FrameHeader(version: h[4], codecID: h[5], level: h[6], blockSize: bs)
    }

    private func readEnd<S: ByteSource>(
        _ reader: inout BufferedReader<S>, summary: FrameSummary, content: CRC32, decoded: Bool
    ) throws(SqzError) {
        guard let total = try reader.readVarint(), let count = try reader.readVarint() else {
            throw .truncated("in the end marker")
        }
        var crcs: [UInt8] = []
        guard try reader.readExact(8, into: &crcs) else { throw .truncated("in the end marker") }
        let fields = [SqzFormat.Tag.end.rawValue] + total.bytes + count.bytes + Array(crcs[0..<4])
        guard CRC32.checksum(fields) == SqzFormat.readLE32(crcs, 4) else {
            throw .endCorrupt("checksum mismatch")
        }
        guard total.value == UInt64(summary.rawBytes) else {
            throw .endCorrupt("total size \(total.value) disagrees with the blocks (\(summary.rawBytes) bytes)")
        }
        guard count.value == UInt64(summary.blocks) else {
            throw .endCorrupt("block count \(count.value) disagrees with the blocks read (\(summary.blocks))")
        }
        if decoded, SqzFormat.readLE32(crcs, 0) != content.value { throw .contentChecksumMismatch }
    }
}
