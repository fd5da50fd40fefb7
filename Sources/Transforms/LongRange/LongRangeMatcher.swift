import BitIO
internal import CPrefetch

/// One block after the long-range stage: the bytes no reference covers, in order,
/// and the references that rebuild the rest (`LongRangeRebuilder`).
public struct LongRangeBlock: Equatable, Sendable {
    public var residual: [UInt8]
    public var references: [LongRangeReference]
    public init(residual: [UInt8], references: [LongRangeReference]) {
        self.residual = residual
        self.references = references
    }
}

/// Finds repeats of at least `minMatch` bytes at any distance up to `window` in one
/// stream, block after block, and cuts them out (docs/LONG.md).
///
/// We follow the scheme of zstd's long-distance matcher (`--long`, zstd 1.3.2, 2017;
/// `lib/compress/zstd_ldm.c`), written anew: a gear rolling hash (Xia et al.,
/// "Ddelta", Performance Evaluation 2014; FastCDC, USENIX ATC 2016) over the last 32 bytes is updated at
/// every byte; positions whose hash has its top `anchorSpacingLog` bits zero are
/// content-defined anchors (so the same content anchors at the same places wherever
/// it occurs, as in rsync/LBFS chunking); each anchor is looked up in and then
/// inserted into a bucketed table of (stream offset, 16-bit tag). A candidate is
/// verified byte by byte against the history, never trusted from its hash, then
/// extended backwards into the pending literals and forwards to the block end.
///
/// Memory: the table (`hashTableBytes`, fixed at init) plus the history's own. Anchors
/// are about `2^anchorSpacingLog` bytes apart; by default the spacing grows with
/// window / table entries so a GiB window keeps a small table (repeats shorter than a
/// few spacings may then be missed). A match that runs to a block's end is tried again
/// at the same distance at the next block's start, so a long repeat crosses blocks
/// with one reference per block.
public final class LongRangeMatcher {
    public let window: Int64
    public let minMatch: Int
    /// The shortest reference whose source lies inside the same block (≥ minMatch).
    public let localMinMatch: Int
    public let hashTableBytes: Int
    public let anchorSpacingLog: Int
    public let history: any LongRangeHistory

    /// Bytes hashed per anchor (the gear hash shifts 2 bits per byte in 64 bits).
    public static let hashedBytes = 32
    static let bucketEntries = 4
    /// Measured (docs/LONG.md): cutting repeats of 64…1023 bytes out of a block that
    /// also holds their source makes lz77 -6 on the Canterbury files 0.5% larger; from
    /// 1024 bytes on it costs 0.03%.
    public static let defaultLocalMinMatch = 1024

    /// Stream offset of the next block's first byte.
    public private(set) var streamOffset: Int64
    /// Anchors looked up and candidates verified so far (for the benchmark).
    public private(set) var anchors = 0
    public private(set) var verifications = 0

    private let table: UnsafeMutablePointer<UInt64>
    private let bucketCount: Int
    private let bucketShift: UInt64
    private var hash: UInt64 = 0
    /// Distance of the last reference when it ran to the previous block's end.
    private var carryDistance: Int64 = 0
    private let scratch: UnsafeMutableRawPointer
    private let gearTable: UnsafeMutablePointer<UInt64>
    /// Anchors found but not yet looked up (block index, mixed hash): a ring of `pending`.
    private let pendingIndex: UnsafeMutablePointer<Int>
    private let pendingKey: UnsafeMutablePointer<UInt64>
    static let pending = 8
    static let scratchSize = 1 << 16

    /// - Parameters:
    ///   - window: the largest distance a reference may have, 1 ... 2^40.
    ///   - minMatch: the shortest reference, 8 ... 65536 (default 64).
    ///   - localMinMatch: the shortest reference whose source lies in the same block
    ///     (which the block coder finds itself); default 1024, never below `minMatch`.
    ///   - hashTableBytes: the anchor table's size, 4 KiB ... 4 GiB (rounded down to a power of two).
    ///   - anchorSpacingLog: log2 of the mean anchor spacing, 0 ... 16; nil picks
    ///     max(log2(window / table entries), log2(minMatch / 2)).
    ///   - history: the stream so far (empty or holding everything before this matcher's first block).
    public init(window: Int64, minMatch: Int = 64, localMinMatch: Int? = nil, hashTableBytes: Int = 16 << 20,
                anchorSpacingLog: Int? = nil, history: any LongRangeHistory) throws(CodecError) {
        guard window >= 1, window <= 1 << 40 else { throw .invalidParameter("long-range window \(window) is outside 1...2^40") }
        guard minMatch >= 8, minMatch <= 65536 else { throw .invalidParameter("long-range minimum match \(minMatch) is outside 8...65536") }
        guard hashTableBytes >= 4096, hashTableBytes <= 1 << 32 else {
            throw .invalidParameter("long-range hash table of \(hashTableBytes) bytes is outside 4 KiB...4 GiB")
        }
        if let s = anchorSpacingLog, !(0...16).contains(s) { throw .invalidParameter("anchor spacing log \(s) is outside 0...16") }
        var entries = 1
        while entries * 2 * 8 <= hashTableBytes { entries *= 2 }
        let buckets = entries / Self.bucketEntries
        var spacing = 0
        while (Int64(entries) << spacing) < window && spacing < 16 { spacing += 1 }
        var floorLog = 0
        while (2 << floorLog) <= minMatch / 2 { floorLog += 1 }
        self.anchorSpacingLog = anchorSpacingLog ?? Swift.max(spacing, floorLog)
        self.window = window
        self.minMatch = minMatch
        self.localMinMatch = Swift.max(minMatch, localMinMatch ?? Self.defaultLocalMinMatch)
        self.hashTableBytes = entries * 8
        self.history = history
        self.streamOffset = history.end
        bucketCount = buckets
        bucketShift = UInt64(64 - buckets.trailingZeroBitCount)
        table = LargeAllocation.allocate(UInt64.self, count: entries)
        table.initialize(repeating: 0, count: entries)
        scratch = UnsafeMutableRawPointer.allocate(byteCount: Self.scratchSize, alignment: 16)
        gearTable = UnsafeMutablePointer<UInt64>.allocate(capacity: 256)
        gearTable.initialize(from: Self.gear, count: 256)
        pendingIndex = .allocate(capacity: Self.pending)
        pendingKey = .allocate(capacity: Self.pending)
    }

    deinit {
        LargeAllocation.deallocate(table, count: bucketCount * Self.bucketEntries)
        scratch.deallocate()
        gearTable.deallocate()
        pendingIndex.deallocate()
        pendingKey.deallocate()
    }

    /// 256 random 64-bit values, fixed for all time (SplitMix64 from seed 0x5153_5A4C, "LZQS"):
    /// changing them changes which references are found, never whether a stream decodes.
    static let gear: [UInt64] = {
        var state: UInt64 = 0x5153_5A4C
        return (0..<256).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }()

    /// Cuts the long repeats out of the next block of the stream and appends the
    /// block to the history.
    public func process(_ block: UnsafeRawBufferPointer) throws(CodecError) -> LongRangeBlock {
        var residual: [UInt8] = []
        residual.reserveCapacity(block.count)
        var refs: [LongRangeReference] = []
        guard let p = block.baseAddress, block.count > 0 else { return LongRangeBlock(residual: [], references: []) }
        guard history.end == streamOffset else {
            throw .invalidParameter("long-range matcher: history ends at \(history.end), expected \(streamOffset)")
        }
        let n = block.count
        let blockStart = streamOffset
        var litStart = 0   // first byte of the pending literal run
        var covered = 0    // bytes before this index are in a literal run already emitted or in a match

        func emit(_ from: Int, _ length: Int, _ distance: Int64) {
            residual.append(contentsOf: UnsafeRawBufferPointer(start: p + litStart, count: from - litStart))
            refs.append(LongRangeReference(literalLength: from - litStart, distance: distance, length: length))
            litStart = from + length
            covered = litStart
        }

        carry: if carryDistance > 0 {
            let d = carryDistance
            carryDistance = 0
            guard blockStart - d >= history.start else { break carry }
            let f = try forwardLength(p, n, blockStart, from: 0, distance: d)
            if f >= minMatch || f == n {
                emit(0, f, d)
                if f == n { carryDistance = d }
            }
        }

        // Table work lags the hash by up to `Self.pending` anchors: each anchor's bucket
        // is prefetched when it is found and used a few hundred bytes later, so the
        // cache miss on a table of megabytes overlaps hashing. The table sees the same
        // lookups and inserts in the same order as without the lag.
        let bShift = bucketShift
        func resolve(_ i: Int, _ mixed: UInt64) throws(CodecError) {
            let bucket = table + Int(mixed >> bShift) * Self.bucketEntries
            let tag = (mixed >> (bShift - 16)) & 0xFFFF
            let here = blockStart + Int64(i)
            if i >= covered {
                anchors += 1
                var best = 0, bestBack = 0, bestDistance: Int64 = 0
                for e in 0..<Self.bucketEntries {
                    let entry = bucket[e]
                    guard entry & 0xFFFF == tag else { continue }
                    let pos = Int64(bitPattern: entry >> 16)
                    let d = here - pos
                    guard pos != 0, d >= 1, d <= window, pos >= history.start else { continue }
                    verifications += 1
                    let f = try forwardLength(p, n, blockStart, from: i, distance: d)
                    let b = try backwardLength(p, blockStart, from: i, limit: litStart, distance: d)
                    // A source inside this block is one the block coder sees itself.
                    let needed = Int64(i - b) >= d ? localMinMatch : minMatch
                    if f + b >= needed && f + b > best { best = f + b; bestBack = b; bestDistance = d }
                }
                if best > 0 {
                    emit(i - bestBack, best, bestDistance)
                    if covered == n { carryDistance = bestDistance }
                }
            }
            // Newest first: the oldest entry of the bucket drops out.
            bucket[3] = bucket[2]; bucket[2] = bucket[1]; bucket[1] = bucket[0]
            bucket[0] = UInt64(bitPattern: here) << 16 | tag
        }

        var h = hash
        // An anchor is a hash with its top anchorSpacingLog bits zero.
        let anchorMax = UInt64.max >> UInt64(anchorSpacingLog)
        let g = gearTable
        let lagI = pendingIndex, lagKey = pendingKey
        var head = 0, lagging = 0
        var i = 0
        while i < n {
            h = (h << 2) &+ g[Int(p.load(fromByteOffset: i, as: UInt8.self))]
            i += 1
            if h > anchorMax { continue }
            let mixed = h &* 0x9E37_79B9_7F4A_7C15
            squeeze_prefetch(table + Int(mixed >> bShift) * Self.bucketEntries)
            if lagging == Self.pending {
                try resolve(lagI[head], lagKey[head])
                head = (head + 1) & (Self.pending - 1)
                lagging -= 1
            }
            let slot = (head + lagging) & (Self.pending - 1)
            lagI[slot] = i
            lagKey[slot] = mixed
            lagging += 1
        }
        while lagging > 0 {
            try resolve(lagI[head], lagKey[head])
            head = (head + 1) & (Self.pending - 1)
            lagging -= 1
        }
        hash = h
        if litStart < n { residual.append(contentsOf: UnsafeRawBufferPointer(start: p + litStart, count: n - litStart)) }
        try history.append(block)
        streamOffset += Int64(n)
        return LongRangeBlock(residual: residual, references: refs)
    }

    /// `count` bytes of the stream at absolute offset `offset` (< the block start): in
    /// the history's memory when it holds them in one piece, else copied to scratch.
    @inline(__always)
    private func historyBytes(_ offset: Int64, _ count: Int) throws(CodecError) -> UnsafeRawPointer {
        if let q = history.contiguous(at: offset, count: count) { return q }
        try history.read(at: offset, count: count, into: scratch)
        return UnsafeRawPointer(scratch)
    }

    /// How many bytes from block index `i` on equal those `d` bytes earlier in the stream.
    private func forwardLength(_ p: UnsafeRawPointer, _ n: Int, _ blockStart: Int64, from i: Int, distance d: Int64) throws(CodecError) -> Int {
        var len = 0
        var chunk = 256
        while i + len < n {
            let src = blockStart + Int64(i + len) - d
            if src >= blockStart {
                return len + Self.commonPrefix(p + i + len, p + Int(src - blockStart), n - i - len)
            }
            let k = Swift.min(n - i - len, Int(Swift.min(blockStart - src, Int64(chunk))))
            let c = Self.commonPrefix(p + i + len, try historyBytes(src, k), k)
            len += c
            if c < k { return len }
            chunk = Swift.min(chunk * 4, Self.scratchSize)
        }
        return len
    }

    /// How many bytes before block index `i`, down to `limit`, equal those `d` bytes earlier.
    private func backwardLength(_ p: UnsafeRawPointer, _ blockStart: Int64, from i: Int, limit: Int, distance d: Int64) throws(CodecError) -> Int {
        var len = 0
        var chunk = 64
        while i - len > limit {
            let at = i - len
            let srcEnd = blockStart + Int64(at) - d  // one past the source byte compared first
            let c: Int, k: Int
            if srcEnd > blockStart {
                k = Swift.min(at - limit, Int(srcEnd - blockStart))
                c = Self.commonSuffix(p + at, p + Int(srcEnd - blockStart), k)
            } else {
                let available = srcEnd - history.start
                if available <= 0 { return len }
                k = Int(Swift.min(Int64(Swift.min(at - limit, chunk)), available))
                c = Self.commonSuffix(p + at, try historyBytes(srcEnd - Int64(k), k) + k, k)
            }
            len += c
            if c < k { return len }
            chunk = Swift.min(chunk * 4, Self.scratchSize)
        }
        return len
    }

    /// Length of the common prefix of `a` and `b`, at most `n`, 8 bytes at a time.
    @inline(__always)
    static func commonPrefix(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Int {
        var k = 0
        while k + 8 <= n {
            let x = a.loadUnaligned(fromByteOffset: k, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            if x != 0 { return k + UInt64(littleEndian: x).trailingZeroBitCount / 8 }
            k += 8
        }
        while k < n && a.load(fromByteOffset: k, as: UInt8.self) == b.load(fromByteOffset: k, as: UInt8.self) { k += 1 }
        return k
    }

    /// Length of the common suffix of the `n` bytes ending at `a` and at `b`.
    @inline(__always)
    static func commonSuffix(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Int {
        var k = 0
        while k + 8 <= n {
            let x = a.loadUnaligned(fromByteOffset: -k - 8, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: -k - 8, as: UInt64.self)
            if x != 0 { return k + UInt64(littleEndian: x).leadingZeroBitCount / 8 }
            k += 8
        }
        while k < n && a.load(fromByteOffset: -k - 1, as: UInt8.self) == b.load(fromByteOffset: -k - 1, as: UInt8.self) { k += 1 }
        return k
    }
}
