#if canImport(Glibc)
import Glibc
#endif
import Codecs
import Container
import Dispatch
import Transforms

/// An archive opened for reading: the content frame's blocks (from the index,
/// or found by walking the block headers when the file has none, as for
/// `tar cf - dir | squeeze`), and the member index when there is one. Blocks
/// are read with pread and decoded on demand, several at once on `threads`.
public final class ArchiveFile {
    public let path: String
    let fd: Int32
    public let fileSize: Int64
    public let decoder: SqzBlockDecoder
    public let blocks: [BlockLocation]
    /// Raw (tar stream) offset where each block starts, and the total after the last.
    public let rawStarts: [Int64]
    public let index: ArchiveIndex?
    /// Where the end marker of the content frame starts.
    let endMarkerOffset: Int64
    public let threads: Int
    /// Blocks decoded so far: what random access saves is visible here.
    public internal(set) var blocksDecoded = 0
    /// A frame written with `--long`: its blocks are rebuilt in stream order
    /// from the first, as each may copy from any earlier one within the window.
    var rebuilder: LongRangeRebuilder?
    /// The next block the rebuilder expects.
    var nextInOrder = 0
    let memoryLimit: Int?

    public var rawSize: Int64 { rawStarts.last ?? 0 }

    public init(path: String, registry: CodecRegistry, memoryLimit: Int?, threads: Int = 1) throws(ArchiveError) {
        self.path = path
        self.threads = Swift.max(1, threads)
        self.memoryLimit = memoryLimit
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(String(cString: strerror(errno))) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .io("not a regular file (an archive is read with random access; for a pipe use squeeze -dc | tar -x)")
        }
        self.fd = fd
        fileSize = Int64(st.st_size)
        do {
            var head = try Self.read(fd, at: 0, count: SqzFormat.headerSize)
            if head.count == SqzFormat.headerSize, SqzBlockDecoder.headerSize(versionByte: head[4]) > head.count {
                head = try Self.read(fd, at: 0, count: SqzBlockDecoder.headerSize(versionByte: head[4]))
            }
            guard head.count >= SqzFormat.headerSize, head.count == SqzBlockDecoder.headerSize(versionByte: head[4]) else {
                throw ArchiveError.container(head.isEmpty ? .empty : .truncated("in the frame header"))
            }
            let decoder: SqzBlockDecoder
            do { decoder = try SqzBlockDecoder(frameHeader: head, registry: registry, memoryLimit: memoryLimit) }
            catch { throw ArchiveError.container(error) }
            self.decoder = decoder
            index = try Self.loadIndex(fd, fileSize: fileSize, frameHeaderSize: head.count)
            var blocks: [BlockLocation]
            if let index {
                blocks = index.blocks
                endMarkerOffset = blocks.last.map { $0.frameOffset + Int64($0.recordSize) } ?? Int64(head.count)
            } else {
                (blocks, endMarkerOffset) = try Self.walkBlocks(fd, decoder: decoder, headerSize: head.count, fileSize: fileSize)
            }
            var starts: [Int64] = [0]
            starts.reserveCapacity(blocks.count + 1)
            for b in blocks { starts.append(starts[starts.count - 1] + Int64(b.rawSize)) }
            self.blocks = blocks
            rawStarts = starts
        } catch let e as ArchiveError {
            close(fd)
            throw e
        } catch {
            close(fd)
            throw .io("\(error)")
        }
    }

    deinit { close(fd) }

    /// What each block used (codec, level, filter), read from the block headers
    /// the index points to; no payload is read or decoded.
    public func blockInfos() throws(ArchiveError) -> [BlockInfo] {
        var out: [BlockInfo] = []
        out.reserveCapacity(blocks.count)
        for (i, b) in blocks.enumerated() {
            let head = try Self.read(fd, at: b.frameOffset, count: Swift.min(SqzBlockDecoder.maxHeaderBytes, b.recordSize))
            do { out.append(try decoder.describe(headerBytes: head, index: i + 1)) } catch { throw .container(error) }
        }
        return out
    }

    static func read(_ fd: Int32, at offset: Int64, count: Int) throws(ArchiveError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, count - got, off_t(offset) + off_t(got)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io("read error: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            got += n
        }
        out.removeLast(count - got)
        return out
    }

    /// The index frame at the end of the file, found through its trailer; nil
    /// when the file does not end in one (a plain compressed tar).
    static func loadIndex(_ fd: Int32, fileSize: Int64, frameHeaderSize: Int) throws(ArchiveError) -> ArchiveIndex? {
        let tailSize = Int64(SkippableFrame.trailerSize)
        guard fileSize >= Int64(SqzFormat.headerSize) + Int64(SkippableFrame.headerSize) + tailSize else { return nil }
        let trailer = SkippableFrame.parseTrailer(try read(fd, at: fileSize - tailSize, count: Int(tailSize)))
        let frameBytes = UInt64(SkippableFrame.headerSize) + trailer.payloadSize + UInt64(tailSize)
        guard trailer.payloadSize < UInt64(fileSize), frameBytes < UInt64(fileSize) else { return nil }
        let start = fileSize - Int64(frameBytes)
        let head = try read(fd, at: start, count: SkippableFrame.headerSize)
        guard Array(head.prefix(4)) == SkippableFrame.magic else { return nil }
        let kind: [UInt8], size: UInt64
        do { (kind, size) = try SkippableFrame.parseHeader(head) } catch { throw .index("\(error)") }
        guard kind == ArchiveIndex.kind, size == trailer.payloadSize else { return nil }
        guard size <= UInt64(SkippableFrame.maxLoadedPayload) else { throw .index("larger than \(SkippableFrame.maxLoadedPayload) bytes") }
        let payload = try read(fd, at: start + Int64(SkippableFrame.headerSize), count: Int(size))
        guard CRC32.checksum(payload) == trailer.payloadCRC else { throw .index("checksum mismatch") }
        let index = try ArchiveIndex.decode(payload, firstBlockAt: Int64(frameHeaderSize))
        // The index describes the one content frame that starts the file and ends where the index begins.
        guard index.frameSize == start else {
            throw .index("it describes a content frame of \(index.frameSize) bytes, but \(start) bytes precede it")
        }
        return index
    }

    /// Finds the blocks of the file's one frame by reading their headers and
    /// skipping their payloads (nothing is decoded).
    static func walkBlocks(_ fd: Int32, decoder: SqzBlockDecoder, headerSize: Int, fileSize: Int64) throws(ArchiveError) -> ([BlockLocation], Int64) {
        var blocks: [BlockLocation] = []
        var offset = Int64(headerSize)
        while true {
            let head = try read(fd, at: offset, count: SqzBlockDecoder.maxHeaderBytes)
            let found: BlockLocation?
            do { found = try decoder.locate(headerBytes: head, index: blocks.count + 1) } catch { throw .container(error) }
            guard var block = found else {
                try checkNothingFollows(fd, endMarkerAt: offset, fileSize: fileSize)
                return (blocks, offset)
            }
            block.frameOffset = offset
            offset += Int64(block.recordSize)
            guard offset <= fileSize else { throw .container(.truncated("in block \(blocks.count + 1) data")) }
            blocks.append(block)
        }
    }

    /// A file without an index must be one frame: several (`cat a.sqz b.sqz`)
    /// would be a tar stream cut in pieces that this reader would half read.
    static func checkNothingFollows(_ fd: Int32, endMarkerAt offset: Int64, fileSize: Int64) throws(ArchiveError) {
        let end = try read(fd, at: offset, count: SqzBlockDecoder.maxHeaderBytes)
        // Tag, two varints, two CRC32s.
        var length = 1
        for _ in 0..<2 {
            while length < end.count && end[length] & 0x80 != 0 { length += 1 }
            length += 1
        }
        length += 8
        var at = offset + Int64(length)
        // Only skippable frames may follow, each one whole: a file cut inside one (an index
        // whose end was lost) is truncated, as `squeeze -t` says, not an archive without an index.
        while at < fileSize {
            let head = try read(fd, at: at, count: SkippableFrame.headerSize)
            guard Array(head.prefix(4)) == SkippableFrame.magic else {
                throw .io("holds more than one frame (or trailing data); decode it with squeeze -dc | tar -x")
            }
            guard head.count == SkippableFrame.headerSize else { throw .container(.truncated("in a skippable frame")) }
            let size: UInt64
            do { size = try SkippableFrame.parseHeader(head).payloadSize } catch { throw .container(error) }
            let whole = UInt64(SkippableFrame.headerSize) + UInt64(SkippableFrame.trailerSize)
            guard size <= UInt64(fileSize), UInt64(at) + whole + size <= UInt64(fileSize) else {
                throw .container(.truncated("in a skippable frame"))
            }
            at += Int64(whole + size)
        }
    }

    /// The block holding raw offset `at` (binary search).
    func block(holding at: Int64) -> Int {
        var lo = 0, hi = blocks.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if rawStarts[mid] <= at { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// The records of blocks `which`, read whole; nil for one the file cuts short.
    func records(_ which: [Int]) -> [[UInt8]?] {
        which.map { i in
            let b = blocks[i]
            let record = try? Self.read(fd, at: b.frameOffset, count: b.recordSize)
            return record?.count == b.recordSize ? record : nil
        }
    }

    /// Decodes blocks `which` (0-based), several at once; results in the same
    /// order. A block's failure is its own result, so a damaged block read
    /// ahead is reported only if it is needed, and as part of the member needing it.
    func decode(_ which: [Int]) -> [Result<ByteBuffer, ArchiveError>] {
        if decoder.header.window != nil { return decodeInOrder(which) }
        var results = [Result<ByteBuffer, SqzError>](repeating: .failure(.empty), count: which.count)
        let decoder = self.decoder
        let blockRecords = records(which)
        let one = { @Sendable (k: Int) -> Result<ByteBuffer, SqzError> in
            guard let record = blockRecords[k] else { return .failure(.truncated("in block \(which[k] + 1) data")) }
            return Result { () throws(SqzError) in try decoder.decode(record: record, index: which[k] + 1) }
        }
        if which.count == 1 {
            results[0] = one(0)
        } else {
            results.withUnsafeMutableBufferPointer { slots in
                nonisolated(unsafe) let out = slots
                DispatchQueue.concurrentPerform(iterations: which.count) { k in out[k] = one(k) }
            }
        }
        blocksDecoded += which.count
        return results.map { $0.mapError { .container($0) } }
    }

    /// Decodes the blocks of a long-range frame: every block up to the last one
    /// asked for, in order (their residuals `threads` at once), rebuilt through
    /// a history of the frame's window kept in memory. Asking for a block
    /// behind the rebuilder starts it again from the first block.
    func decodeInOrder(_ which: [Int]) -> [Result<ByteBuffer, ArchiveError>] {
        guard let last = which.max(), let first = which.min() else { return [] }
        var found: [Int: Result<ByteBuffer, ArchiveError>] = [:]
        if rebuilder == nil || first < nextInOrder {
            do throws(ArchiveError) { try startRebuilder() } catch {
                return which.map { _ in .failure(error) }
            }
        }
        let wanted = Set(which)
        let decoder = self.decoder
        while nextInOrder <= last {
            let batch = Array(nextInOrder...Swift.min(last, nextInOrder + threads - 1))
            let starts = batch.map { rawStarts[$0] }
            let blockRecords = records(batch)
            var results = [Result<SqzBlockDecoder.DecodedBlock, SqzError>](repeating: .failure(.empty), count: batch.count)
            results.withUnsafeMutableBufferPointer { slots in
                nonisolated(unsafe) let out = slots
                DispatchQueue.concurrentPerform(iterations: batch.count) { k in
                    guard let record = blockRecords[k] else { out[k] = .failure(.truncated("in block \(batch[k] + 1) data")); return }
                    out[k] = Result { () throws(SqzError) in try decoder.decode(record: record, index: batch[k] + 1, streamOffset: starts[k]) }
                }
            }
            blocksDecoded += batch.count
            for (k, i) in batch.enumerated() {
                let block: ByteBuffer
                do throws(ArchiveError) { block = try rebuild(results[k], index: i + 1) } catch {
                    // The rebuilder cannot go past a damaged block: what is wanted from here on fails with it.
                    rebuilder = nil
                    for w in which where w >= i { found[w] = .failure(error) }
                    return which.map { found[$0] ?? .failure(error) }
                }
                if wanted.contains(i) { found[i] = .success(block) }
                nextInOrder = i + 1
            }
        }
        return which.map { found[$0] ?? .failure(.io("block \($0 + 1) was not decoded")) }
    }

    private func startRebuilder() throws(ArchiveError) {
        guard let window = decoder.header.window else { return }
        do throws(SqzError) {
            try LongRangeRebuilder.checkWindowMemory(window: window, header: decoder.header, descriptor: decoder.descriptor, limit: memoryLimit,
                                                     what: "the long-range window of \(SqzFormat.sizeText(Int(window))) this archive was made with")
        } catch {
            throw .container(error)
        }
        do throws(CodecError) {
            // The history never needs more than the stream holds.
            let capacity = Int(Swift.min(window, Swift.max(rawSize, 1)))
            rebuilder = try LongRangeRebuilder(window: window, history: try InMemoryHistory(capacity: capacity))
        } catch {
            throw .container(.limitExceeded("long-range window of \(SqzFormat.sizeText(Int(window))): \(error)"))
        }
        nextInOrder = 0
    }

    private func rebuild(_ result: Result<SqzBlockDecoder.DecodedBlock, SqzError>, index: Int) throws(ArchiveError) -> ByteBuffer {
        let decoded: SqzBlockDecoder.DecodedBlock
        switch result {
        case .success(let d): decoded = d
        case .failure(let e): throw .container(e)
        }
        guard let rebuilder else { throw .io("block \(index): the long-range history is gone") }
        do throws(SqzError) {
            return ByteBuffer(try rebuilder.rebuildBlock(residual: decoded.residual, references: decoded.references,
                                                         rawSize: decoded.rawSize, rawCRC: decoded.rawCRC, index: index))
        } catch {
            throw .container(error)
        }
    }

    /// Checks the end marker against the blocks (used by `test` after every block decoded).
    func checkEndMarker(contentCRC: UInt32) throws(ArchiveError) {
        let bytes = try Self.read(fd, at: endMarkerOffset, count: SqzBlockDecoder.maxHeaderBytes)
        do throws(SqzError) {
            let end = try decoder.endMarker(bytes)
            guard end.rawSize == UInt64(rawSize), end.blocks == UInt64(blocks.count) else {
                throw SqzError.endCorrupt("its totals disagree with the blocks")
            }
            guard end.contentCRC == contentCRC else { throw SqzError.contentChecksumMismatch }
        } catch { throw .container(error) }
    }
}

/// The tar stream, or chosen ranges of it, handed to libarchive's read
/// callback a block at a time. Blocks are decoded ahead, `threads` at once.
final class TarFeed {
    let file: ArchiveFile
    /// Pieces of decoded blocks, in stream order: block, start and end within it.
    private var plan: [(block: Int, from: Int, to: Int)] = []
    private var next = 0
    private var ready: [Int: Result<ByteBuffer, ArchiveError>] = [:]
    private let piece: UnsafeMutableRawBufferPointer
    /// Zero records appended after chosen ranges, so the reader sees a proper end of archive.
    private var endRecords: Int
    var error: ArchiveError?
    /// CRC32 of everything handed out, for `test` (meaningful when the whole stream is fed).
    private(set) var content = CRC32()

    /// Feeds `ranges` (sorted, not overlapping) of the tar stream; nil: all of it.
    init(_ file: ArchiveFile, ranges: [Range<Int64>]? = nil) {
        self.file = file
        let all = [Int64(0)..<file.rawSize]
        for range in ranges ?? all where !range.isEmpty {
            var at = range.lowerBound
            while at < range.upperBound {
                let b = file.block(holding: at)
                let end = Swift.min(range.upperBound, file.rawStarts[b + 1])
                plan.append((b, Int(at - file.rawStarts[b]), Int(end - file.rawStarts[b])))
                at = end
            }
        }
        endRecords = ranges == nil ? 0 : 1024
        piece = .allocate(byteCount: Swift.max(file.decoder.header.blockSize, 1024), alignment: 16)
    }

    deinit { piece.deallocate() }

    /// The next piece of the stream; empty at its end, nil on an error (in `error`).
    func read() -> UnsafeRawBufferPointer? {
        guard next < plan.count else {
            if endRecords > 0 {
                let n = endRecords
                endRecords = 0
                piece.initializeMemory(as: UInt8.self, repeating: 0)
                return UnsafeRawBufferPointer(rebasing: piece[0..<n])
            }
            return UnsafeRawBufferPointer(start: piece.baseAddress, count: 0)
        }
        let step = plan[next]
        if ready[step.block] == nil {
            // Decode this block and the next distinct ones of the plan, up to `threads`.
            var want: [Int] = []
            var k = next
            while k < plan.count && want.count < file.threads {
                if ready[plan[k].block] == nil && want.last != plan[k].block { want.append(plan[k].block) }
                k += 1
            }
            for (i, result) in file.decode(want).enumerated() { ready[want[i]] = result }
        }
        let block: ByteBuffer
        switch ready[step.block] {
        case .success(let b): block = b
        case .failure(let e): error = e; return nil
        case nil: return nil
        }
        let n = step.to - step.from
        block.withUnsafeBytes { p in
            piece.baseAddress!.copyMemory(from: p.baseAddress! + step.from, byteCount: n)
        }
        next += 1
        // A block no later piece needs is let go.
        if next == plan.count || plan[next].block != step.block { ready[step.block] = nil }
        let out = UnsafeRawBufferPointer(rebasing: piece[0..<n])
        content.update(out)
        return out
    }
}
