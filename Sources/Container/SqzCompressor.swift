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
    /// Each block's codec, level and filter, when the reader was asked to record them (`list -v`).
    public var blockList: [BlockInfo] = []

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
        s.blockList += next.blockList
        if s.codecName.split(separator: "+").map(String.init).contains(next.codecName) == false {
            s.codecName += "+" + next.codecName
        }
        if s.levelLabel.split(separator: "+").map(String.init).contains(next.levelLabel) == false {
            s.levelLabel += "+" + next.levelLabel
        }
        return s
    }

    /// Codec and level as a user names them: `lz77 -6`, or `auto:2` for auto mode.
    public var method: String { Self.method(codecName: codecName, levelLabel: levelLabel) }

    /// `lz77 -6`, or `auto:2` for auto mode.
    public static func method(codecName: String, levelLabel: String) -> String {
        codecName == AutoSelector.name ? "\(codecName):\(levelLabel)" : "\(codecName) -\(levelLabel)"
    }

    /// Compressed size / raw size.
    public var ratio: Double { rawBytes == 0 ? 0 : Double(frameBytes) / Double(rawBytes) }
}

/// What one block of a frame used, as its header says.
public struct BlockInfo: Sendable, Equatable {
    /// 1-based, counted through all frames.
    public var index: Int
    public var rawSize: Int
    public var payloadSize: Int
    public var stored: Bool
    /// The codec's name and level label ("lz77", "9"), or "?" for an id this build does not know.
    public var codec: String
    public var level: String
    public var filter: BlockFilter
    /// Why auto chose this (written by the compressor in auto mode; a reader cannot know it).
    public var reason: String = ""

    public init(index: Int, rawSize: Int, payloadSize: Int, stored: Bool, codec: String, level: String, filter: BlockFilter) {
        self.index = index
        self.rawSize = rawSize
        self.payloadSize = payloadSize
        self.stored = stored
        self.codec = codec
        self.level = level
        self.filter = filter
    }
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
    /// The filter run over each block before the codec (nil: none). A frame with
    /// a filter is version 2, which names it per block.
    public let filter: FilterSetting?
    /// Auto mode (docs/AUTO.md): each block's filter and codec are chosen from
    /// its contents at this effort (`AutoSelector.levels`); `descriptor` and
    /// `level` are then only the fallback for a setting without auto.
    public let auto: AutoSelector?

    /// Whether the frame is version 2 (per-block codec and filter ids).
    public var writesVersion2: Bool { longRange != nil || filter != nil || auto != nil }

    public init(descriptor: CodecDescriptor, level: Int? = nil, blockSize: Int? = nil, threads: Int = 1,
                longRange: LongRangeSettings? = nil, filter: FilterSetting? = nil) throws(SqzError) {
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
        self.filter = filter == .fixed(.none) ? nil : filter
        self.auto = nil
    }

    /// Auto mode at effort `autoLevel` (`AutoSelector.levels`): every block
    /// chooses its own filter and codec among this package's codecs.
    public init(autoLevel: Int, blockSize: Int? = nil, threads: Int = 1,
                longRange: LongRangeSettings? = nil) throws(SqzError) {
        guard AutoSelector.levels.contains(autoLevel) else {
            throw .unsupportedLevel(codec: AutoSelector.name, level: UInt8(clamping: autoLevel))
        }
        let selector = AutoSelector(level: autoLevel)
        let bs = blockSize ?? selector.blockSize
        guard bs >= SqzFormat.minBlockSize, bs <= SqzFormat.maxBlockSize else {
            throw .limitExceeded("block size \(bs) is outside \(SqzFormat.minBlockSize)...\(SqzFormat.maxBlockSize)")
        }
        if let w = longRange?.window, w < 1 << 10 || w > Int64(1) << Int64(SqzFormat.windowLogRange.upperBound) {
            throw .limitExceeded("long-range window \(w) bytes is outside 1 KiB...1 TiB")
        }
        self.descriptor = StoreCodec.descriptor
        self.level = autoLevel
        self.blockSize = bs
        self.threads = Swift.max(1, Swift.min(threads, 64))
        self.longRange = longRange
        self.filter = nil
        self.auto = selector
    }

    /// The codec id and level the frame header names: auto's reserved id in auto mode.
    var headerCodec: (id: UInt8, level: UInt8) {
        auto != nil ? (SqzFormat.autoCodecID, UInt8(level)) : (descriptor.id, UInt8(level))
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
        /// What the block header names (version 2): codec, level and filter.
        var codecID: UInt8 = 0
        var level: UInt8 = 0
        var filter: BlockFilter = .none
        /// Why auto chose this (for `list -v` it is not stored; kept for tests and the bench).
        var reason: String = ""
    }

    /// How one block is to be coded: codec, level, filter.
    struct BlockPlan: @unchecked Sendable {
        var descriptorID: UInt8
        var level: Int
        var codec: any Codec
        var filter: BlockFilter
        var reason: String = ""
        /// A block that ends up stored names `store` (auto mode) rather than the planned codec.
        var storedNamesStore = false
    }

    /// The plan for one block: the fixed codec with the filter setting, or what auto
    /// chooses (told the class of the block's data when the caller knows it).
    func plan(_ raw: UnsafeRawBufferPointer, codec: any Codec, kind: AutoSelector.Kind? = nil) -> BlockPlan {
        if let auto { return auto.choose(raw, hint: kind) }
        return BlockPlan(descriptorID: descriptor.id, level: level, codec: codec,
                         filter: filter?.resolve(raw) ?? .none)
    }

    /// Codes one block; falls back to storing it when coding does not shrink it.
    /// A stored block keeps its raw (unfiltered) bytes and names no filter.
    static func encodeBlock(_ raw: [UInt8], plan: BlockPlan) -> Result<BlockPayload, CodecError> {
        // Room for a little more than the block (past it, the block is stored
        // anyway), so the coder never regrows it; only what it writes is resident.
        var coded = ByteBuffer(capacity: raw.count + raw.count / 64 + 1024)
        do {
            if plan.filter == .none {
                try raw.withUnsafeBytes { r in try plan.codec.encode(r, into: &coded) }
            } else {
                // One copy per block: the filter works in place and the raw bytes stay for the CRC.
                var filtered = raw
                filtered.withUnsafeMutableBytes { plan.filter.apply($0) }
                try filtered.withUnsafeBytes { r in try plan.codec.encode(r, into: &coded) }
            }
        } catch let e as CodecError {
            return .failure(e)
        } catch {
            return .failure(.library("\(error)"))
        }
        let stored = coded.count >= raw.count
        if stored {
            let named = plan.storedNamesStore ? (StoreCodec.descriptor.id, 0) : (plan.descriptorID, plan.level)
            return .success(BlockPayload(payload: ByteBuffer(raw), stored: true, codecID: named.0,
                                         level: UInt8(clamping: named.1), filter: .none, reason: plan.reason))
        }
        return .success(BlockPayload(payload: coded, stored: false, codecID: plan.descriptorID,
                                     level: UInt8(clamping: plan.level), filter: plan.filter, reason: plan.reason))
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

    /// A version-2 block header: tag, codec id, level, filter id (and the filter's
    /// parameter byte, delta's stride), raw size, payload size, reference-section
    /// size, CRC32 of the raw bytes, CRC32 of the header.
    static func blockHeaderV2(stored: Bool, codecID: UInt8, level: UInt8, filter: BlockFilter, rawSize: Int,
                              payloadSize: Int, sectionSize: Int, rawCRC: UInt32) -> [UInt8] {
        var h: [UInt8] = [stored ? SqzFormat.Tag.stored.rawValue : SqzFormat.Tag.coded.rawValue, codecID, level, filter.id]
        if let p = filter.parameter { h.append(p) }
        SqzFormat.appendVarint(UInt64(rawSize), to: &h)
        SqzFormat.appendVarint(UInt64(payloadSize), to: &h)
        SqzFormat.appendVarint(UInt64(sectionSize), to: &h)
        SqzFormat.appendLE32(rawCRC, to: &h)
        SqzFormat.appendLE32(CRC32.checksum(h), to: &h)
        return h
    }

    /// Codes `count` blocks, each planned from its own bytes (and its kind in
    /// `kinds`, when given) only, so the output is the same for any number of threads.
    func encodeBatch(_ raws: [[UInt8]], count: Int, codec: any Codec,
                     kinds: [AutoSelector.Kind?] = []) -> [Result<BlockPayload, CodecError>] {
        let one: @Sendable (Int) -> Result<BlockPayload, CodecError> = { i in
            let kind = i < kinds.count ? kinds[i] : nil
            let p = raws[i].withUnsafeBytes { plan($0, codec: codec, kind: kind) }
            return Self.encodeBlock(raws[i], plan: p)
        }
        if count == 1 { return [one(0)] }
        var results = [Result<BlockPayload, CodecError>](repeating: .failure(.truncated), count: count)
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let out = slots
            DispatchQueue.concurrentPerform(iterations: count) { i in
                out[i] = one(i)
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
