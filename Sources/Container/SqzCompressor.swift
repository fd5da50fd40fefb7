import Codecs
import Dispatch

/// Totals of one compression or decompression run.
public struct FrameSummary: Sendable, Equatable {
    public var header: FrameHeader
    public var codecName: String
    public var levelLabel: String
    public var blocks = 0
    /// Blocks kept raw because the codec did not make them smaller.
    public var storedBlocks = 0
    public var rawBytes: Int64 = 0
    /// The whole frame's size in bytes.
    public var frameBytes: Int64 = 0
    public var contentCRC: UInt32 = 0
    /// True when every block was decoded and every checksum matched.
    public var verified = false
    /// Frames read one after another (`cat a.sqz b.sqz`); 1 for a single frame.
    public var frames = 1

    /// This summary and the one of the frame that follows it, as one: sizes
    /// and blocks add up; codec and level list each distinct value once.
    public func followed(by next: FrameSummary) -> FrameSummary {
        var s = self
        s.frames += next.frames
        s.blocks += next.blocks
        s.storedBlocks += next.storedBlocks
        s.rawBytes += next.rawBytes
        s.frameBytes += next.frameBytes
        s.verified = verified && next.verified
        if s.codecName.split(separator: "+").map(String.init).contains(next.codecName) == false {
            s.codecName += "+" + next.codecName
        }
        if s.levelLabel.split(separator: "+").map(String.init).contains(next.levelLabel) == false {
            s.levelLabel += "+" + next.levelLabel
        }
        return s
    }

    /// Compressed size / raw size.
    public var ratio: Double { rawBytes == 0 ? 0 : Double(frameBytes) / Double(rawBytes) }
}

/// Writes a `.sqz` frame: splits the input into blocks, codes them (several
/// at once on several threads), and keeps a block raw when coding does not help.
public struct SqzCompressor: Sendable {
    public let descriptor: CodecDescriptor
    public let level: Int
    public let blockSize: Int
    /// Blocks coded at the same time; memory is about 2 × threads × blockSize.
    public let threads: Int

    public init(descriptor: CodecDescriptor, level: Int? = nil, blockSize: Int? = nil, threads: Int = 1) throws(SqzError) {
        let lv = level ?? descriptor.defaultLevel
        guard descriptor.levels.contains(lv), let level8 = UInt8(exactly: lv) else {
            throw .unsupportedLevel(codec: descriptor.name, level: UInt8(clamping: lv))
        }
        _ = level8
        let bs = blockSize ?? descriptor.blockSize(lv)
        guard bs >= SqzFormat.minBlockSize, bs <= SqzFormat.maxBlockSize else {
            throw .limitExceeded("block size \(bs) is outside \(SqzFormat.minBlockSize)...\(SqzFormat.maxBlockSize)")
        }
        self.descriptor = descriptor
        self.level = lv
        self.blockSize = bs
        self.threads = Swift.max(1, Swift.min(threads, 64))
    }

    /// Compresses all of `source` into `sink`; `progress` is told the raw bytes consumed so far.
    public func compress<S: ByteSource, K: ByteSink>(
        from source: inout S, to sink: inout K, progress: ((Int64) -> Void)? = nil
    ) throws(SqzError) -> FrameSummary {
        let header = SqzFormat.header(codecID: descriptor.id, level: UInt8(level), blockSize: blockSize)
        try sink.write(header)
        var summary = FrameSummary(
            header: FrameHeader(version: SqzFormat.version, codecID: descriptor.id, level: UInt8(level), blockSize: blockSize),
            codecName: descriptor.name, levelLabel: descriptor.label(forLevel: level))
        summary.frameBytes = Int64(header.count)
        var content = CRC32()
        let codec = descriptor.make(level)
        var raws = [[UInt8]](repeating: [], count: threads)

        while true {
            // Read up to `threads` blocks.
            var batch = 0
            while batch < threads {
                var buf = raws[batch]
                if buf.count != blockSize { buf = [UInt8](repeating: 0, count: blockSize) }
                let n = try withMutableBytes(&buf) { (raw) throws(SqzError) -> Int in
                    try readFully(&source, into: raw)
                }
                if n == 0 { raws[batch] = buf; break }
                if n < blockSize { buf.removeLast(blockSize - n) }
                raws[batch] = buf
                batch += 1
                if n < blockSize { break }
            }
            if batch == 0 { break }

            let records = Self.encodeBatch(raws, count: batch, codec: codec)
            for i in 0..<batch {
                let record: BlockRecord
                switch records[i] {
                case .success(let r): record = r
                case .failure(let e): throw .encodeFailed(e)
                }
                raws[i].withUnsafeBytes { content.update($0) }
                try sink.write(record.header)
                try record.payload.withUnsafeBytes { (p: UnsafeRawBufferPointer) throws(SqzError) in try sink.write(p) }
                summary.blocks += 1
                if record.stored { summary.storedBlocks += 1 }
                summary.rawBytes += Int64(raws[i].count)
                summary.frameBytes += Int64(record.header.count + record.payload.count)
                progress?(summary.rawBytes)
            }
            if raws[batch - 1].count < blockSize { break }
        }

        var end: [UInt8] = [SqzFormat.Tag.end.rawValue]
        SqzFormat.appendVarint(UInt64(summary.rawBytes), to: &end)
        SqzFormat.appendVarint(UInt64(summary.blocks), to: &end)
        SqzFormat.appendLE32(content.value, to: &end)
        SqzFormat.appendLE32(CRC32.checksum(end), to: &end)
        try sink.write(end)
        summary.frameBytes += Int64(end.count)
        summary.contentCRC = content.value
        summary.verified = true
        return summary
    }

    struct BlockRecord: Sendable {
        var header: [UInt8]
        var payload: ByteBuffer
        var stored: Bool
    }

    /// Codes one block; falls back to a stored block when coding does not shrink it.
    static func encodeBlock(_ raw: [UInt8], codec: any Codec) -> Result<BlockRecord, CodecError> {
        var coded = ByteBuffer(capacity: raw.count / 2 + 64)
        do {
            try raw.withUnsafeBytes { r in try codec.encode(r, into: &coded) }
        } catch let e as CodecError {
            return .failure(e)
        } catch {
            return .failure(.library("\(error)"))
        }
        let stored = coded.count >= raw.count
        let payload = stored ? ByteBuffer(raw) : coded
        var h: [UInt8] = [stored ? SqzFormat.Tag.stored.rawValue : SqzFormat.Tag.coded.rawValue]
        SqzFormat.appendVarint(UInt64(raw.count), to: &h)
        SqzFormat.appendVarint(UInt64(payload.count), to: &h)
        SqzFormat.appendLE32(CRC32.checksum(raw), to: &h)
        SqzFormat.appendLE32(CRC32.checksum(h), to: &h)
        return .success(BlockRecord(header: h, payload: payload, stored: stored))
    }

    static func encodeBatch(_ raws: [[UInt8]], count: Int, codec: any Codec) -> [Result<BlockRecord, CodecError>] {
        if count == 1 { return [encodeBlock(raws[0], codec: codec)] }
        var results = [Result<BlockRecord, CodecError>](repeating: .failure(.truncated), count: count)
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let out = slots
            DispatchQueue.concurrentPerform(iterations: count) { i in
                out[i] = encodeBlock(raws[i], codec: codec)
            }
        }
        return results
    }
}
