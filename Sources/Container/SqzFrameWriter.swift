import Codecs
import Transforms

/// Where one block of a frame went, so that an index can find it again
/// without reading the frame.
public struct BlockLocation: Sendable, Equatable {
    /// Offset of the block's tag byte from the start of the frame.
    public var frameOffset: Int64
    /// The block's header and payload, in bytes.
    public var recordSize: Int
    public var rawSize: Int
    /// Kept raw because coding did not make it smaller.
    public var stored: Bool

    public init(frameOffset: Int64, recordSize: Int, rawSize: Int, stored: Bool) {
        self.frameOffset = frameOffset
        self.recordSize = recordSize
        self.rawSize = rawSize
        self.stored = stored
    }
}

/// Writes one `.sqz` frame from bytes handed to it piece by piece (a reader
/// pulls with `write(from:to:)`, a producer such as libarchive pushes with
/// `write(_:to:)`). Up to `threads` blocks are gathered and coded at once.
/// Records where every block went (`blocks`).
public struct SqzFrameWriter {
    public let compressor: SqzCompressor
    public private(set) var summary: FrameSummary
    public private(set) var blocks: [BlockLocation] = []
    private var raws: [[UInt8]]
    /// The class of each waiting block's data, as `blockKind` was when it was cut.
    private var kinds: [AutoSelector.Kind?] = []
    /// Full blocks waiting in `raws`, their bytes, and the bytes in the one being filled.
    private var filled = 0
    private var waitingBytes = 0
    private var current = 0
    /// In auto mode, what the block being filled holds, when the caller knows it
    /// better than the block's bytes tell (an archive's members, without their tar
    /// headers): auto then codes the block for that kind (`AutoSelector.choose`).
    public var blockKind: AutoSelector.Kind?
    /// What `blockKind` becomes when this block ends: the kind of data that goes on
    /// into the next block (a member longer than what is left of this one), or nil
    /// when the next block is to be judged by its own bytes.
    public var followingBlockKind: AutoSelector.Kind?
    private var content = CRC32()
    private let codec: any Codec
    private var started = false
    /// The long-range matcher, made when the frame starts (nil without the stage).
    private var matcher: LongRangeMatcher?
    /// True while blocks are being coded and written, and after an error stopped that
    /// halfway: the frame is then broken, and every later call throws rather than
    /// write after the gap (libarchive writes again after a failed write).
    private var broken = false
    private static let brokenError = SqzError.io("the frame was left incomplete by an earlier error")
    private let windowLog: UInt8

    public init(_ compressor: SqzCompressor) {
        self.compressor = compressor
        let d = compressor.descriptor
        windowLog = compressor.longRange.map { SqzFormat.windowLog(for: $0.window) } ?? 0
        let named = compressor.headerCodec
        summary = FrameSummary(
            header: FrameHeader(version: compressor.writesVersion2 ? SqzFormat.version2 : SqzFormat.version,
                                codecID: named.id, level: named.level, blockSize: compressor.blockSize, windowLog: windowLog),
            codecName: compressor.auto != nil ? AutoSelector.name : d.name,
            levelLabel: compressor.auto != nil ? String(compressor.level) : d.label(forLevel: compressor.level))
        codec = d.make(compressor.level)
        raws = [[UInt8](repeating: 0, count: compressor.blockSize)]
    }

    /// Raw bytes taken so far (coded or still waiting in a block).
    public var rawBytesAccepted: Int64 { summary.rawBytes + Int64(waitingBytes + current) }

    /// Raw bytes in the block being filled.
    public var blockBytes: Int { current }

    private mutating func startIfNeeded<K: ByteSink>(_ sink: inout K) throws(SqzError) {
        if broken { throw Self.brokenError }
        guard !started else { return }
        started = true
        let header: [UInt8]
        if let settings = compressor.longRange {
            let window = Int64(1) << Int64(windowLog)
            do throws(CodecError) {
                let history = try InMemoryHistory(capacity: Int(window))
                matcher = try LongRangeMatcher(window: window, hashTableBytes: settings.hashTableBytes, history: history)
            } catch {
                throw .encodeFailed(error)
            }
            header = SqzFormat.headerV2(codecID: compressor.headerCodec.id, level: compressor.headerCodec.level,
                                        blockSize: compressor.blockSize, windowLog: windowLog)
        } else if compressor.writesVersion2 {
            header = SqzFormat.headerV2(codecID: compressor.headerCodec.id, level: compressor.headerCodec.level,
                                        blockSize: compressor.blockSize, windowLog: 0)
        } else {
            header = SqzFormat.header(codecID: compressor.descriptor.id, level: UInt8(compressor.level),
                                      blockSize: compressor.blockSize)
        }
        try sink.write(header)
        summary.frameBytes = Int64(header.count)
    }

    /// Takes `bytes`; codes and writes blocks as they fill.
    public mutating func write<K: ByteSink>(_ bytes: UnsafeRawBufferPointer, to sink: inout K) throws(SqzError) {
        try startIfNeeded(&sink)
        var from = 0
        while from < bytes.count {
            let n = Swift.min(bytes.count - from, compressor.blockSize - current)
            let at = current
            raws[filled].withUnsafeMutableBytes { dst in
                dst.baseAddress!.advanced(by: at).copyMemory(from: bytes.baseAddress!.advanced(by: from), byteCount: n)
            }
            current += n
            from += n
            if current == compressor.blockSize { try blockFilled(&sink) }
        }
    }

    /// Reads from `source` straight into the block being filled; false once the source has ended.
    public mutating func write<S: ByteSource, K: ByteSink>(from source: inout S, to sink: inout K) throws(SqzError) -> Bool {
        try startIfNeeded(&sink)
        let want = compressor.blockSize - current
        let at = current
        let got = try withMutableBytes(&raws[filled]) { (raw) throws(SqzError) -> Int in
            try readFully(&source, into: UnsafeMutableRawBufferPointer(rebasing: raw[at...]))
        }
        current += got
        if current == compressor.blockSize { try blockFilled(&sink) }
        return got == want
    }

    /// Ends the block being filled here, shorter than the block size (an archive
    /// starts a new block where its members change kind); nothing when it is empty.
    public mutating func endBlock<K: ByteSink>(to sink: inout K) throws(SqzError) {
        if broken { throw Self.brokenError }
        guard current > 0 else { return }
        raws[filled].removeLast(compressor.blockSize - current)
        try blockFilled(&sink)
    }

    /// The block being filled joins those waiting to be coded.
    private mutating func queueBlock() {
        if kinds.count <= filled { kinds.append(blockKind) } else { kinds[filled] = blockKind }
        blockKind = followingBlockKind
        waitingBytes += current
        filled += 1
        current = 0
    }

    private mutating func blockFilled<K: ByteSink>(_ sink: inout K) throws(SqzError) {
        queueBlock()
        if filled == compressor.threads {
            try flush(count: filled, to: &sink)
        } else if raws.count == filled {
            raws.append([UInt8](repeating: 0, count: compressor.blockSize))
        }
    }

    /// Codes the first `count` buffers of `raws` (in parallel) and writes them in order.
    /// With the long-range stage, each block first goes through the matcher, in
    /// stream order; the residuals are what the codec codes.
    private mutating func flush<K: ByteSink>(count: Int, to sink: inout K) throws(SqzError) {
        broken = true
        var sections: [[UInt8]] = []
        let records: [Result<SqzCompressor.BlockPayload, CodecError>]
        if let matcher {
            var residuals: [[UInt8]] = []
            for i in 0..<count {
                let block = try withBytes(raws[i]) { (r) throws(SqzError) -> LongRangeBlock in
                    do throws(CodecError) { return try matcher.process(r) } catch { throw .encodeFailed(error) }
                }
                residuals.append(block.residual)
                // No references: no section (size 0), not an empty one.
                sections.append(block.references.isEmpty ? [] : LongRangeReferenceSection.encode(block.references))
            }
            records = compressor.encodeBatch(residuals, count: count, codec: codec, kinds: kinds)
        } else {
            records = compressor.encodeBatch(raws, count: count, codec: codec, kinds: kinds)
        }
        for i in 0..<count {
            let record: SqzCompressor.BlockPayload
            switch records[i] {
            case .success(let r): record = r
            case .failure(let e): throw .encodeFailed(e)
            }
            let rawCRC = raws[i].withUnsafeBytes { CRC32.checksum($0) }
            content.append(checksum: rawCRC, count: raws[i].count)
            let section = matcher == nil ? [] : sections[i]
            let header = !compressor.writesVersion2
                ? SqzCompressor.blockHeader(stored: record.stored, rawSize: raws[i].count,
                                            payloadSize: record.payload.count, rawCRC: rawCRC)
                : SqzCompressor.blockHeaderV2(stored: record.stored, codecID: record.codecID,
                                              level: record.level, filter: record.filter, rawSize: raws[i].count,
                                              payloadSize: record.payload.count, sectionSize: section.count, rawCRC: rawCRC)
            try sink.write(header)
            try record.payload.withUnsafeBytes { (p: UnsafeRawBufferPointer) throws(SqzError) in try sink.write(p) }
            if !section.isEmpty { try sink.write(section) }
            let size = header.count + record.payload.count + section.count
            blocks.append(BlockLocation(frameOffset: summary.frameBytes, recordSize: size,
                                        rawSize: raws[i].count, stored: record.stored))
            if compressor.auto != nil {
                let d = BuiltinCodecs.all.first { $0.id == record.codecID }
                var info = BlockInfo(index: summary.blocks + 1, rawSize: raws[i].count, payloadSize: record.payload.count,
                                     stored: record.stored, codec: record.stored ? "store" : d?.name ?? "?",
                                     level: record.stored ? "" : d?.label(forLevel: Int(record.level)) ?? String(record.level),
                                     filter: record.filter)
                info.reason = record.reason
                summary.blockList.append(info)
            }
            summary.blocks += 1
            if record.stored { summary.storedBlocks += 1 }
            summary.rawBytes += Int64(raws[i].count)
            summary.frameBytes += Int64(size)
        }
        // Blocks ended early are refilled from the start: back to full size.
        for i in 0..<count where raws[i].count < compressor.blockSize {
            raws[i].append(contentsOf: repeatElement(0, count: compressor.blockSize - raws[i].count))
        }
        filled = 0
        waitingBytes = 0
        broken = false
    }

    /// Codes what is left and writes the end marker.
    public mutating func finish<K: ByteSink>(to sink: inout K) throws(SqzError) -> FrameSummary {
        try startIfNeeded(&sink)
        if current > 0 {
            raws[filled].removeLast(compressor.blockSize - current)
            queueBlock()
        }
        if filled > 0 { try flush(count: filled, to: &sink) }
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
}
