import Transforms
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
    /// The long-range stage, nil when off (then a version-1 frame is written, as before).
    public let longRange: LongRangeSettings?

    public init(descriptor: CodecDescriptor, level: Int? = nil, blockSize: Int? = nil, threads: Int = 1,
                longRange: LongRangeSettings? = nil) throws(SqzError) {
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
        if let w = longRange?.window, w < 1 << 10 || w > Int64(1) << Int64(SqzFormat.windowLogRange.upperBound) {
            throw .limitExceeded("long-range window \(w) bytes is outside 1 KiB...1 TiB")
        }
        self.longRange = longRange
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

    /// A coded block's payload, or its raw bytes when coding did not shrink them.
    struct BlockPayload: Sendable {
        var payload: ByteBuffer
        var stored: Bool
    }

    /// Codes one block; falls back to storing it when coding does not shrink it.
    static func encodeBlock(_ raw: [UInt8], codec: any Codec) -> Result<BlockPayload, CodecError> {
        // Room for a little more than the block (past it, the block is stored
        // anyway), so the coder never regrows it; only what it writes is resident.
        var coded = ByteBuffer(capacity: raw.count + raw.count / 64 + 1024)
        do {
            try raw.withUnsafeBytes { r in try codec.encode(r, into: &coded) }
        } catch let e as CodecError {
            return .failure(e)
        } catch {
            return .failure(.library("\(error)"))
        }
        let stored = coded.count >= raw.count
        return .success(BlockPayload(payload: stored ? ByteBuffer(raw) : coded, stored: stored))
    }

    /// A version-1 block header: tag, raw size, payload size, CRC32 of the raw bytes, CRC32 of the header.
    static func blockHeader(stored: Bool, rawSize: Int, payloadSize: Int, rawCRC: UInt32) -> [UInt8] {
        var h: [UInt8] = [stored ? SqzFormat.Tag.stored.rawValue : SqzFormat.Tag.coded.rawValue]
        SqzFormat.appendVarint(UInt64(rawSize), to: &h)
        SqzFormat.appendVarint(UInt64(payloadSize), to: &h)
        SqzFormat.appendLE32(rawCRC, to: &h)
        SqzFormat.appendLE32(CRC32.checksum(h), to: &h)
        return h
    }

    /// A version-2 block header: tag, codec id, level, filter id, raw size, payload
    /// size, reference-section size, CRC32 of the raw bytes, CRC32 of the header.
    static func blockHeaderV2(stored: Bool, codecID: UInt8, level: UInt8, filter: UInt8, rawSize: Int,
                              payloadSize: Int, sectionSize: Int, rawCRC: UInt32) -> [UInt8] {
        var h: [UInt8] = [stored ? SqzFormat.Tag.stored.rawValue : SqzFormat.Tag.coded.rawValue, codecID, level, filter]
        SqzFormat.appendVarint(UInt64(rawSize), to: &h)
        SqzFormat.appendVarint(UInt64(payloadSize), to: &h)
        SqzFormat.appendVarint(UInt64(sectionSize), to: &h)
        SqzFormat.appendLE32(rawCRC, to: &h)
        SqzFormat.appendLE32(CRC32.checksum(h), to: &h)
        return h
    }

    static func encodeBatch(_ raws: [[UInt8]], count: Int, codec: any Codec) -> [Result<BlockPayload, CodecError>] {
        if count == 1 { return [encodeBlock(raws[0], codec: codec)] }
        var results = [Result<BlockPayload, CodecError>](repeating: .failure(.truncated), count: count)
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let out = slots
            DispatchQueue.concurrentPerform(iterations: count) { i in
                out[i] = encodeBlock(raws[i], codec: codec)
            }
        }
        return results
    }
}

/// The long-range stage in front of the block coders (docs/LONG.md): repeats up to
/// `window` bytes back are replaced by references, kept in each block's reference section.
public struct LongRangeSettings: Sendable, Equatable {
    /// Bytes back a reference may reach; rounded up to a power of two (the frame
    /// stores its log). The encoder keeps this much of the input in memory (pages
    /// are committed only as input arrives): reading it back from the input file
    /// instead would trust a file that may change while it is read, and a match
    /// verified against changed bytes would decode to something else.
    public var window: Int64
    /// The matcher's hash table.
    public var hashTableBytes: Int

    public init(window: Int64, hashTableBytes: Int = 16 << 20) {
        self.window = window
        self.hashTableBytes = hashTableBytes
    }

    /// zstd's default `--long` window (2^27), which squeeze follows.
    public static let defaultWindow: Int64 = 1 << 27
    /// The largest window `--long` accepts.
    public static let maxWindow: Int64 = 1 << 31
}
