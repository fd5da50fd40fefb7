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
    /// Blocks coded at the same time. Memory is `threads` × (the block, its
    /// coded output, the codec's working set): for lz77 -6 and 8 MiB blocks
    /// about 8 + 2 + 36 MiB (docs/ARCHIVE.md, "Memory").
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
        var writer = SqzFrameWriter(self)
        while try writer.write(from: &source, to: &sink) {
            progress?(writer.summary.rawBytes)
        }
        let summary = try writer.finish(to: &sink)
        progress?(summary.rawBytes)
        return summary
    }

    struct BlockRecord: Sendable {
        var header: [UInt8]
        var payload: ByteBuffer
        var stored: Bool
    }

    /// Codes one block; falls back to a stored block when coding does not shrink it.
    static func encodeBlock(_ raw: [UInt8], codec: any Codec) -> Result<BlockRecord, CodecError> {
        // Room for a little more than the block (past it, the block is stored
        // anyway), so the coder never regrows it; only what it writes is resident.
        var coded = ByteBuffer(untouchedCapacity: raw.count + raw.count / 64 + 1024)
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
