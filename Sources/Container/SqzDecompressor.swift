import Codecs
import Dispatch
import Transforms

/// Reads `.sqz` frames: checks every field against limits before allocating,
/// decodes each block, and verifies the block and whole-content checksums.
public struct SqzDecompressor: Sendable {
    public let registry: CodecRegistry

    public init(registry: CodecRegistry) {
        self.registry = registry
    }

    /// Decodes every frame in `source` into `sink`: one frame, or several
    /// written one after another (`squeeze -c a b`, `cat a.sqz b.sqz`), as gzip
    /// and zstd accept. With `decode: false` only the structure is read (for
    /// `list`): payloads are skipped, checksums of the headers are still
    /// checked, and `verified` stays false. A frame or block that needs more
    /// than `memoryLimit` bytes to decode is refused before anything is
    /// allocated for it.
    ///
    /// With `threads` above 1, that many blocks are decoded at once (fewer when
    /// the memory limit does not cover them all); the output is the same.
    ///
    /// A long-range frame (version 2) needs the output within its window:
    /// with `outputDescriptor`, a regular file `sink` writes to from its offset 0,
    /// that is read back (no memory); otherwise the window is kept in memory and
    /// counts against `memoryLimit`.
    public func decompress<S: ByteSource, K: ByteSink>(
        from source: S, to sink: inout K, decode: Bool = true, memoryLimit: Int? = nil, threads: Int = 1,
        outputDescriptor: Int32? = nil, recordBlocks: Bool = false, progress: ((Int64) -> Void)? = nil
    ) throws(SqzError) -> FrameSummary {
        var reader = BufferedReader(source)
        var total: FrameSummary? = nil
        var content = CRC32()
        repeat {
            let frame = try decodeFrame(&reader, index: (total?.frames ?? 0) + 1, to: &sink, content: &content,
                                        decode: decode, memoryLimit: memoryLimit, threads: threads,
                                        rawBefore: total?.rawBytes ?? 0, blocksBefore: total?.blocks ?? 0,
                                        outputDescriptor: outputDescriptor, recordBlocks: recordBlocks, progress: progress)
            total = total.map { $0.followed(by: frame) } ?? frame
            try skipSkippableFrames(&reader)
        } while try reader.fill()
        guard var summary = total else { throw .empty }
        summary.frameBytes = reader.consumed
        summary.contentCRC = content.value
        summary.verified = decode
        return summary
    }

    /// The codec a frame header names, checked. An auto frame (version 2) names
    /// none: every block names its own, and the frame stands for `store`.
    func frameDescriptor(_ header: FrameHeader) throws(SqzError) -> CodecDescriptor {
        if header.isAuto {
            guard let store = registry.withID(StoreCodec.descriptor.id) else { throw .unknownCodec(header.codecID) }
            return store
        }
        guard let descriptor = registry.withID(header.codecID) else { throw .unknownCodec(header.codecID) }
        guard descriptor.levels.contains(Int(header.level)) else {
            throw .unsupportedLevel(codec: descriptor.name, level: header.level)
        }
        return descriptor
    }

    /// Throws `memoryLimit` when decoding one block of a frame with this
    /// header needs more than `limit` bytes (nil: no limit).
    func checkMemory(_ header: FrameHeader, descriptor: CodecDescriptor, limit: Int?) throws(SqzError) {
        guard let limit else { return }
        let need = descriptor.decodeMemory(Int(header.level), header.blockSize)
        if need > limit {
            throw .memoryLimit(needed: need, limit: limit,
                               what: "\(descriptor.name) -\(descriptor.label(forLevel: Int(header.level))) with blocks of \(SqzFormat.sizeText(header.blockSize))")
        }
    }

    private func decodeFrame<S: ByteSource, K: ByteSink>(
        _ reader: inout BufferedReader<S>, index frameIndex: Int, to sink: inout K, content allContent: inout CRC32,
        decode: Bool, memoryLimit: Int?, threads: Int, rawBefore: Int64, blocksBefore: Int, outputDescriptor: Int32?,
        recordBlocks: Bool, progress: ((Int64) -> Void)?
    ) throws(SqzError) -> FrameSummary {
        let first = frameIndex == 1
        let start = reader.consumed
        var head: [UInt8] = []
        guard try reader.readExact(SqzFormat.headerSize, into: &head) else {
            if head.isEmpty { throw .empty }
            if !SqzFormat.magic.starts(with: head.prefix(4)) { throw first ? .notSqz : .trailingData }
            throw .truncated("in the frame header" + (first ? "" : " of frame \(frameIndex)"))
        }
        if !first && Array(head[0..<4]) != SqzFormat.magic { throw .trailingData }
        if head[4] == SqzFormat.version2 {
            var rest: [UInt8] = []
            guard try reader.readExact(SqzFormat.headerSizeV2 - SqzFormat.headerSize, into: &rest) else {
                throw .truncated("in the frame header" + (first ? "" : " of frame \(frameIndex)"))
            }
            head += rest
        }
        let header = try parseHeader(head)
        let descriptor = try frameDescriptor(header)
        if decode { try checkMemory(header, descriptor: descriptor, limit: memoryLimit) }
        let codec = descriptor.make(header.isAuto ? descriptor.defaultLevel : Int(header.level))
        // Codecs a version-2 block names, by (id, level); the frame's own first.
        var codecs: [Int: (CodecDescriptor, any Codec)] = [Int(header.codecID) << 8 | Int(header.level): (descriptor, codec)]
        // The long-range stage: the output within the window, read back from the
        // output file or kept in memory (then counted against the limit).
        var rebuilder: LongRangeRebuilder? = nil
        var windowMemory = 0
        if decode, let window = header.window {
            let history: any LongRangeHistory
            if let fd = outputDescriptor {
                history = FileHistory(descriptor: fd, fileOffset: rawBefore, name: "the output")
            } else {
                windowMemory = Int(window)
                try LongRangeRebuilder.checkWindowMemory(window: window, header: header, descriptor: descriptor, limit: memoryLimit,
                                                         what: "a long-range window of \(SqzFormat.sizeText(Int(window))) kept in memory, as the output is not a regular file")
                do throws(CodecError) { history = try InMemoryHistory(capacity: Int(window)) } catch {
                    throw .limitExceeded("long-range window of \(SqzFormat.sizeText(Int(window))): \(error)")
                }
            }
            do throws(CodecError) { rebuilder = try LongRangeRebuilder(window: window, history: history) } catch {
                throw .limitExceeded("long-range window: \(error)")
            }
        }
        var summary = FrameSummary(header: header, codecName: header.isAuto ? "auto" : descriptor.name,
                                   levelLabel: header.isAuto ? String(header.level) : descriptor.label(forLevel: Int(header.level)))
        var content = CRC32()
        var payload: [UInt8] = []
        var decoded = ByteBuffer()
        // Blocks decoded at once: no more than the memory limit covers.
        let oneBlock = descriptor.decodeMemory(Int(header.level), header.blockSize) + header.blockSize
        let batch = Swift.max(1, Swift.min(threads, memoryLimit.map { ($0 - windowMemory) / Swift.max(1, oneBlock) } ?? threads, 64))
        var pending: [(block: BlockHeader, payload: [UInt8], index: Int, references: [LongRangeReference])] = []
        // Checks a decoded block (after rebuilding it from its residual and references)
        // and writes it: blocks leave here in stream order.
        func emit(_ decoded: ByteBuffer, _ block: BlockHeader, _ references: [LongRangeReference], index: Int) throws(SqzError) {
            var rebuilt: [UInt8]? = nil
            if let rebuilder {
                rebuilt = try rebuilder.rebuildBlock(residual: decoded, references: references, rawSize: block.rawSize,
                                                     rawCRC: block.rawCRC, index: index)
            }
            let write = { (p: UnsafeRawBufferPointer) throws(SqzError) in
                // The block's checksum is checked by now: the content's follows from it.
                content.append(checksum: block.rawCRC, count: p.count)
                allContent.append(checksum: block.rawCRC, count: p.count)
                try sink.write(p)
            }
            if let rebuilt { try withBytes(rebuilt, write) } else { try decoded.withUnsafeBytes(write) }
        }
        // Decodes the pending blocks together, then checks and writes them in order.
        func flush() throws(SqzError) {
            guard !pending.isEmpty else { return }
            var results = [Result<ByteBuffer, SqzError>](repeating: .failure(.empty), count: pending.count)
            let work = pending
            let level = Int(header.level)
            let known = codecs
            results.withUnsafeMutableBufferPointer { slots in
                nonisolated(unsafe) let out = slots
                DispatchQueue.concurrentPerform(iterations: work.count) { k in
                    var buffer = ByteBuffer()
                    let (d, c) = known[work[k].block.codecKey(frame: header)] ?? (descriptor, codec)
                    out[k] = Result { () throws(SqzError) in
                        try decodeBlock(work[k].block, payload: work[k].payload, index: work[k].index, codec: c,
                                        descriptor: d, level: work[k].block.level ?? level, memoryLimit: memoryLimit,
                                        into: &buffer)
                        return buffer
                    }
                }
            }
            pending.removeAll()
            for (k, r) in results.enumerated() {
                let block: ByteBuffer
                switch r {
                case .success(let b): block = b
                case .failure(let e): throw e
                }
                try emit(block, work[k].block, work[k].references, index: work[k].index)
                progress?(rawBefore + summary.rawBytes - work[(k + 1)...].reduce(0) { $0 + Int64($1.block.rawSize) })
            }
        }
        do throws(SqzError) {
            while true {
                // Blocks are numbered through all frames, so a message names one place.
                let index = blocksBefore + summary.blocks + 1
                let label = "block \(index)"
                guard let tagByte = try reader.readByte() else { throw .truncated("before \(label) (no end marker)") }
                if tagByte == SqzFormat.Tag.end.rawValue {
                    try flush()
                    try readEnd(&reader, summary: summary, content: content, decoded: decode)
                    break
                }
                guard let tag = SqzFormat.Tag(rawValue: tagByte) else {
                    throw .blockHeaderCorrupt(block: index, "unknown block type 0x\(String(tagByte, radix: 16))")
                }
                var block = try readBlockHeader(&reader, tag: tag, index: index, frame: header)
                guard try reader.readExact(block.payloadSize, into: &payload) else {
                    throw .truncated("in \(label) data")
                }
                let references = try readReferences(&reader, block: &block, index: index, frame: header,
                                                    streamOffset: summary.rawBytes)
                if decode, header.version >= SqzFormat.version2, codecs[block.codecKey(frame: header)] == nil {
                    codecs[block.codecKey(frame: header)] = try blockCodec(block, index: index, memoryLimit: memoryLimit)
                }
                if recordBlocks { summary.blockList.append(blockInfo(block, stored: tag == .stored, index: index, frame: header)) }
                summary.blocks += 1
                summary.rawBytes += Int64(block.rawSize)
                if tag == .stored { summary.storedBlocks += 1 }

                guard decode else { continue }
                if batch > 1 {
                    pending.append((block, payload, index, references))
                    payload = []
                    if pending.count == batch { try flush() }
                    continue
                }
                let (d, c) = codecs[block.codecKey(frame: header)] ?? (descriptor, codec)
                try decodeBlock(block, payload: payload, index: index, codec: c, descriptor: d,
                                level: block.level ?? Int(header.level), memoryLimit: memoryLimit, into: &decoded)
                try emit(decoded, block, references, index: index)
                progress?(rawBefore + summary.rawBytes)
            }
        } catch {
            // What the blocks before a damaged one decode to is still written, as with one thread.
            if pending.count > 0, (try? flush()) == nil { pending.removeAll() }
            throw error
        }
        summary.frameBytes = reader.consumed - start
        summary.contentCRC = content.value
        summary.verified = decode
        return summary
    }

    /// Reads only the frame's structure (sizes, block count), without decoding.
    public func list<S: ByteSource>(from source: S) throws(SqzError) -> FrameSummary {
        var sink = DiscardingSink()
        return try decompress(from: source, to: &sink, decode: false)
    }

    /// Skips the skippable frames (an archive's index) that may follow a frame.
    /// Their payload is read through (its checksum checked), never kept.
    private func skipSkippableFrames<S: ByteSource>(_ reader: inout BufferedReader<S>) throws(SqzError) {
        while try reader.peek(4) == SkippableFrame.magic {
            var head: [UInt8] = []
            guard try reader.readExact(SkippableFrame.headerSize, into: &head) else {
                throw .truncated("in a skippable frame header")
            }
            let (_, size) = try SkippableFrame.parseHeader(head)
            var crc = CRC32()
            guard try reader.skip(size, { crc.update($0) }) else { throw .truncated("in a skippable frame") }
            var tail: [UInt8] = []
            guard try reader.readExact(SkippableFrame.trailerSize, into: &tail) else {
                throw .truncated("in a skippable frame trailer")
            }
            let trailer = SkippableFrame.parseTrailer(tail)
            guard trailer.payloadSize == size, trailer.payloadCRC == crc.value else {
                throw .headerCorrupt("skippable frame: its trailer disagrees with its header or payload")
            }
        }
    }

    /// A block's header fields, checked against the frame's limits.
    struct BlockHeader {
        var tag: SqzFormat.Tag
        var rawSize: Int
        var payloadSize: Int
        var rawCRC: UInt32
        /// Version 2: the block's own codec id, level and filter id (nil in version 1: the frame's).
        var codecID: UInt8? = nil
        var level: Int? = nil
        var filter: BlockFilter = .none
        /// Bytes of the long-range reference section after the payload (version 2).
        var sectionSize = 0
        /// Bytes the payload decodes to: the raw size less what the references supply.
        var residualSize: Int
        /// The raw CRC32 is checked after the long-range rebuild, not on the payload's output.
        var checkedAfterRebuild = false

        func codecKey(frame: FrameHeader) -> Int { Int(codecID ?? frame.codecID) << 8 | (level ?? Int(frame.level)) }
    }

    /// What a block's header says it holds and used: sizes, codec, level, filter.
    func blockInfo(_ block: BlockHeader, stored: Bool, index: Int, frame header: FrameHeader) -> BlockInfo {
        let d = registry.withID(block.codecID ?? header.codecID)
        let lv = block.level ?? Int(header.level)
        return BlockInfo(index: index, rawSize: block.rawSize, payloadSize: block.payloadSize, stored: stored,
                         codec: stored ? "store" : d?.name ?? "?", level: stored ? "" : d?.label(forLevel: lv) ?? String(lv),
                         filter: block.filter)
    }

    /// Reads the rest of a block header after its tag byte and checks every
    /// size before anything is allocated for it.
    func readBlockHeader<S: ByteSource>(
        _ reader: inout BufferedReader<S>, tag: SqzFormat.Tag, index: Int, frame header: FrameHeader
    ) throws(SqzError) -> BlockHeader {
        let label = "block \(index)"
        var fields: [UInt8] = [tag.rawValue]
        let v2 = header.version >= SqzFormat.version2
        var ids: [UInt8] = []
        var filterParameter: UInt8? = nil
        if v2 {
            guard try reader.readExact(3, into: &ids) else { throw .truncated("in \(label) header") }
            fields += ids
            // Delta's stride follows its id; it is covered by the header CRC32 like every field.
            if BlockFilter.hasParameter(id: ids[2]) {
                guard let p = try reader.readByte() else { throw .truncated("in \(label) header") }
                filterParameter = p
                fields.append(p)
            }
        }
        guard let raw = try reader.readVarint(), let coded = try reader.readVarint() else {
            throw .truncated("in \(label) header")
        }
        fields += raw.bytes + coded.bytes
        var sectionSize: UInt64 = 0
        if v2 {
            guard let section = try reader.readVarint() else { throw .truncated("in \(label) header") }
            fields += section.bytes
            sectionSize = section.value
        }
        var crcBytes: [UInt8] = []
        guard try reader.readExact(8, into: &crcBytes) else { throw .truncated("in \(label) header") }
        let rawCRC = SqzFormat.readLE32(crcBytes, 0)
        fields += crcBytes[0..<4]
        guard CRC32.checksum(fields) == SqzFormat.readLE32(crcBytes, 4) else {
            throw .blockHeaderCorrupt(block: index, "header checksum mismatch")
        }
        guard raw.value >= 1, raw.value <= UInt64(header.blockSize) else {
            throw .blockHeaderCorrupt(block: index, "raw size \(raw.value) outside 1...\(header.blockSize)")
        }
        let rawSize = Int(raw.value)
        let longRange = header.window != nil
        switch tag {
        case .stored where !longRange && coded.value != raw.value:
            throw .blockHeaderCorrupt(block: index, "stored block of \(coded.value) bytes declares \(rawSize) raw bytes")
        case .stored where coded.value > raw.value:
            throw .blockHeaderCorrupt(block: index, "stored block of \(coded.value) bytes exceeds its raw size \(rawSize)")
        case .coded where coded.value > raw.value:
            throw .blockHeaderCorrupt(block: index, "coded size \(coded.value) exceeds raw size \(rawSize)")
        case .end:
            throw .blockHeaderCorrupt(block: index, "an end marker where a block was expected")
        default: break
        }
        // A reference takes at most three 9-byte varints and covers at least one byte.
        guard sectionSize <= UInt64(rawSize) * 27 + 32, longRange || sectionSize == 0 else {
            throw .blockHeaderCorrupt(block: index, "long-range section of \(sectionSize) bytes for \(rawSize) raw bytes")
        }
        var filter = BlockFilter.none
        if v2 {
            switch BlockFilter.from(id: ids[2], parameter: filterParameter) {
            case .success(let f): filter = f
            case .failure(let e): throw .blockHeaderCorrupt(block: index, e.description)
            }
        }
        return BlockHeader(tag: tag, rawSize: rawSize, payloadSize: Int(coded.value), rawCRC: rawCRC,
                           codecID: v2 ? ids[0] : nil, level: v2 ? Int(ids[1]) : nil, filter: filter,
                           sectionSize: Int(sectionSize), residualSize: rawSize, checkedAfterRebuild: longRange)
    }

    /// Reads a block's long-range reference section (after its payload), checks it
    /// against the block and the frame's window, and sets the block's residual size.
    /// No section: no references. `streamOffset`: where the block starts in the output.
    func readReferences<S: ByteSource>(
        _ reader: inout BufferedReader<S>, block: inout BlockHeader, index: Int, frame header: FrameHeader, streamOffset: Int64
    ) throws(SqzError) -> [LongRangeReference] {
        guard block.sectionSize > 0 else { return [] }
        var section: [UInt8] = []
        guard try reader.readExact(block.sectionSize, into: &section) else {
            throw .truncated("in block \(index) long-range references")
        }
        guard let window = header.window else {
            throw .blockHeaderCorrupt(block: index, "long-range references in a frame without a window")
        }
        let references: [LongRangeReference]
        do throws(CodecError) {
            references = try LongRangeReferenceSection.decode(section, rawSize: block.rawSize, window: window, streamOffset: streamOffset)
        } catch {
            throw .blockCorrupt(block: index, error)
        }
        block.residualSize = block.rawSize - references.reduce(0) { $0 + $1.length }
        if block.tag == .stored && block.payloadSize != block.residualSize {
            throw .blockHeaderCorrupt(block: index, "stored block of \(block.payloadSize) bytes, but its references leave \(block.residualSize)")
        }
        return references
    }

    /// The codec a version-2 block names, checked: known, its level valid, and
    /// its memory within the limit.
    func blockCodec(_ block: BlockHeader, index: Int, memoryLimit: Int?) throws(SqzError) -> (CodecDescriptor, any Codec) {
        let id = block.codecID ?? 0
        guard let d = registry.withID(id) else {
            throw .blockHeaderCorrupt(block: index, "unknown codec id \(id)")
        }
        let level = block.level ?? d.defaultLevel
        guard d.levels.contains(level) else {
            throw .blockHeaderCorrupt(block: index, "\(d.name) has no level \(level)")
        }
        if let limit = memoryLimit, d.decodeMemory(level, block.rawSize) > limit {
            throw .memoryLimit(needed: d.decodeMemory(level, block.rawSize), limit: limit,
                               what: "block \(index): \(d.name) -\(d.label(forLevel: level))")
        }
        return (d, d.make(level))
    }

    /// Decodes one block's payload into `decoded` (replacing its contents) and
    /// checks its size and CRC32.
    func decodeBlock(
        _ block: BlockHeader, payload: [UInt8], index: Int, codec: any Codec, descriptor: CodecDescriptor,
        level: Int, memoryLimit: Int?, into decoded: inout ByteBuffer
    ) throws(SqzError) {
        let rawSize = block.rawSize
        if block.tag == .coded, let limit = memoryLimit, let extra = descriptor.payloadMemory {
            let need = descriptor.decodeMemory(level, rawSize)
                + payload.withUnsafeBytes { extra($0, rawSize) }
            if need > limit {
                throw .memoryLimit(needed: need, limit: limit,
                                   what: "block \(index): the \(descriptor.name) model it declares")
            }
        }
        decoded.removeAll()
        let expected = block.residualSize
        decoded.reserve(expected)
        if block.tag == .stored {
            try withBytes(payload) { (p) throws(SqzError) in decoded.append(contentsOf: p) }
        } else {
            let r: Result<Void, CodecError> = payload.withUnsafeBytes { p in
                Result { () throws(CodecError) in try codec.decode(p, originalCount: expected, into: &decoded) }
            }
            if case .failure(let e) = r { throw .blockCorrupt(block: index, e) }
        }
        guard decoded.count == expected else {
            throw .blockCorrupt(block: index, .corrupt("decoded \(decoded.count) bytes, expected \(expected)"))
        }
        if block.filter != .none {
            // The filter's inverse, in place on what the codec produced (the residual
            // in a long-range frame); it accepts any bytes, the CRC32 below tells.
            decoded.withUnsafeMutableStorage { all in
                block.filter.invert(UnsafeMutableRawBufferPointer(rebasing: all[0..<expected]))
            }
        }
        if block.checkedAfterRebuild { return }
        let ok = decoded.withUnsafeBytes { (p: UnsafeRawBufferPointer) -> Bool in CRC32.checksum(p) == block.rawCRC }
        guard ok else { throw .checksumMismatch(block: index) }
    }

    func parseHeader(_ h: [UInt8]) throws(SqzError) -> FrameHeader {
        guard h.count >= SqzFormat.headerSize, Array(h[0..<4]) == SqzFormat.magic else { throw .notSqz }
        let v2 = h[4] == SqzFormat.version2
        if v2 && h.count < SqzFormat.headerSizeV2 { throw .truncated("in the frame header (version 2 has 20 bytes)") }
        let crcAt = v2 ? 16 : 12
        guard CRC32.checksum(Array(h[0..<crcAt])) == SqzFormat.readLE32(h, crcAt) else {
            // A wrong version with a valid checksum is reported as such below;
            // a damaged header cannot be trusted for anything.
            throw .headerCorrupt("header checksum mismatch")
        }
        guard SqzFormat.readableVersions.contains(h[4]) else { throw .unsupportedVersion(h[4]) }
        let flags = h[7]
        guard flags & ~(v2 ? SqzFormat.longRangeFlag : 0) == 0 else {
            throw .headerCorrupt("unknown flags 0x\(String(flags, radix: 16))")
        }
        let bs = Int(SqzFormat.readLE32(h, 8))
        guard bs >= SqzFormat.minBlockSize, bs <= SqzFormat.maxBlockSize else {
            throw .limitExceeded("declared block size \(bs) bytes is outside \(SqzFormat.minBlockSize)...\(SqzFormat.maxBlockSize)")
        }
        var windowLog: UInt8 = 0
        if v2 {
            windowLog = h[12]
            guard h[13] == 0, h[14] == 0, h[15] == 0 else { throw .headerCorrupt("reserved header bytes are not zero") }
            let longRange = flags & SqzFormat.longRangeFlag != 0
            guard longRange == (windowLog != 0), windowLog == 0 || SqzFormat.windowLogRange.contains(windowLog) else {
                throw .headerCorrupt("long-range window log \(windowLog) (flags 0x\(String(flags, radix: 16)))")
            }
        }
        return FrameHeader(version: h[4], codecID: h[5], level: h[6], blockSize: bs, windowLog: windowLog)
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

extension LongRangeRebuilder {
    /// Rebuilds block `index` (1-based, for errors) of a long-range frame from
    /// its decoded residual and references, and checks it against the CRC32
    /// its header carries: the one place both the stream decoder and archives
    /// do so.
    public func rebuildBlock(residual: ByteBuffer, references: [LongRangeReference], rawSize: Int,
                             rawCRC: UInt32, index: Int) throws(SqzError) -> [UInt8] {
        let bytes: [UInt8]
        do throws(CodecError) {
            bytes = try residual.withUnsafeBytes { (r) throws(CodecError) in
                try rebuild(residual: r, references: references, rawSize: rawSize)
            }
        } catch {
            throw .blockCorrupt(block: index, error)
        }
        guard CRC32.checksum(bytes) == rawCRC else { throw .checksumMismatch(block: index) }
        return bytes
    }

    /// Throws `.memoryLimit` if a window of `window` bytes kept in memory, beside
    /// one block's decoding, is more than `limit` (`what` says which window).
    public static func checkWindowMemory(window: Int64, header: FrameHeader, descriptor: CodecDescriptor,
                                         limit: Int?, what: String) throws(SqzError) {
        guard let limit else { return }
        let need = Int(window) + descriptor.decodeMemory(Int(header.level), header.blockSize)
        if need > limit { throw .memoryLimit(needed: need, limit: limit, what: what) }
    }
}
