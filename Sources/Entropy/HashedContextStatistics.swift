#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How close one order's empirical figure is when it was counted in bounded memory.
public struct OrderBound: Sendable, Codable, Equatable {
    public let order: Int
    /// The counts are those of the real k-byte contexts (no two contexts merged).
    public let exact: Bool
    /// log2 of the number of context buckets when contexts were merged by a hash (nil when exact).
    public let hashBits: Int?
    /// n·Hk lies in [empiricalLowerBits, empiricalUpperBits] (equal when exact).
    public let empiricalLowerBits: Double
    public let empiricalUpperBits: Double
}

/// Orders 0…K counted over a stream in bounded memory, for inputs whose exact
/// analysis (`ContextStatistics`, 17 bytes per input byte) does not fit.
///
/// Each order has an open-addressing table of (context, next byte) counts.
/// While the tables fit, the keys are the real (k+1)-grams (k ≤ 7) and the
/// figures are exact. When a table is full and the budget allows no growth,
/// its contexts are merged: a context s is replaced by the bucket
/// g(s) = top L bits of a 64-bit hash of s, and L falls until the table has room
/// (orders above 7 are hashed from the start, L ≤ 56). The bounds:
///
/// - upper: merging contexts is conditioning on a function of the context, and
///   conditioning on less never lowers entropy, so n·H(X | g(S)) ≥ n·Hk (this holds
///   for the empirical distribution as for any other). Also Hk ≤ H(k−1).
/// - lower: the input is also cut into segments that each fit in memory, and
///   each segment's exact n_b·Hk is computed with the real preceding bytes as
///   context. The file's empirical joint distribution of (context, byte) is the
///   mixture of the segments' with weights n_b/n, and conditional entropy is
///   concave in the joint, so Σ_b n_b·Hk(b) ≤ n·Hk. Also Hk ≥ H(k+1).
///
/// The adaptive code lengths from merged counts are those of an order-k coder
/// whose contexts are the buckets: a real coder (the decoder can hash the same
/// way), so they stay achievable, but they are not the exact order-k figures.
struct HashedContextStatistics {
    let maxOrder: Int
    let budget: Int
    let segmentSize: Int
    var tables: [HashedPairTable]
    /// Previous 8 bytes, the latest in the low byte (0x00 before the start).
    var history: UInt64 = 0
    /// Previous bytes for orders above 8, latest at `ringPosition - 1`.
    var ring = [UInt8](repeating: 0, count: 64)
    var ringPosition = 0
    var contextHashes: [UInt64]
    var segment: [UInt8]
    var segmentCount = 0
    /// The bytes before the current segment (for its first contexts).
    var tail = [UInt8](repeating: 0, count: ContextStatistics.maximumOrder + 8)
    var segmentLowerBits: [Double]
    var byteCount = 0

    /// `budget`: bytes for the tables; `segmentSize`: bytes per exact segment.
    init(maxOrder: Int, budget: Int, segmentSize: Int) {
        self.maxOrder = Swift.max(0, Swift.min(maxOrder, ContextStatistics.maximumOrder))
        self.budget = budget
        self.segmentSize = Swift.max(1, segmentSize)
        tables = (0...self.maxOrder).map { HashedPairTable(order: $0) }
        contextHashes = [UInt64](repeating: 0, count: self.maxOrder + 1)
        segment = [UInt8](repeating: 0, count: self.segmentSize)
        segmentLowerBits = [Double](repeating: 0, count: self.maxOrder + 1)
    }

    var tableBytes: Int { tables.reduce(0) { $0 + $1.bytes } }

    /// Bytes held now: the tables, the segment buffer and a segment's exact analysis.
    var memoryUsed: Int {
        tableBytes + segment.count + ContextStatistics.peakMemory(count: segmentSize, maxOrder: maxOrder)
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let take = Swift.min(bytes.count - offset, segmentSize - segmentCount)
            let piece = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)])
            count(piece)
            segment.withUnsafeMutableBytes { s in
                (s.baseAddress! + segmentCount).copyMemory(from: piece.baseAddress!, byteCount: take)
            }
            segmentCount += take
            offset += take
            if segmentCount == segmentSize { closeSegment() }
        }
    }

    private mutating func count(_ bytes: UnsafeRawBufferPointer) {
        let K = maxOrder
        var h = history
        for b in bytes {
            let x = UInt64(b)
            // Hashes of contexts longer than 8 bytes, chained from the 8-byte one.
            if K >= 8 {
                var c = Self.mix(h)
                contextHashes[8] = c
                if K > 8 {
                    for k in 9...K {
                        let older = ring[(ringPosition &- k) & 63]
                        c = Self.mix(c ^ UInt64(older) &+ UInt64(k))
                        contextHashes[k] = c
                    }
                }
            }
            for k in 0...K {
                let key: UInt64
                let bits = tables[k].bucketBits
                if k <= 7 {
                    let context = k == 0 ? 0 : h & (UInt64.max >> UInt64(64 - 8 * k))
                    key = bits == 64 ? (context << 8) | x : ((Self.mix(context) >> UInt64(64 - bits)) << 8) | x
                } else {
                    key = ((contextHashes[k] >> UInt64(64 - bits)) << 8) | x
                }
                if tables[k].add(key) && tables[k].isFull { makeRoom(k) }
            }
            h = (h << 8) | x
            ring[ringPosition & 63] = b
            ringPosition &+= 1
        }
        history = h
        byteCount += bytes.count
    }

    /// Grows table k if the budget allows (keeping room to rehash the largest
    /// table later), else merges its contexts until it has room.
    private mutating func makeRoom(_ k: Int) {
        let grown = tables[k].bytes * 2
        let largest = Swift.max(grown, tables.map(\.bytes).max() ?? 0)
        if tableBytes + tables[k].bytes + largest <= budget {
            tables[k].rehash(capacity: tables[k].capacity * 2, bucketBits: tables[k].bucketBits)
            return
        }
        let capacityBits = tables[k].capacity.trailingZeroBitCount
        var bits = Swift.min(tables[k].bucketBits == 64 ? 56 : tables[k].bucketBits - 1, capacityBits - 1)
        while true {
            tables[k].rehash(capacity: tables[k].capacity, bucketBits: bits)
            if !tables[k].isRoomy || bits <= 1 { break }
            bits -= 1
        }
    }

    private mutating func closeSegment() {
        guard segmentCount > 0 else { return }
        let stats = segment.withUnsafeBytes { s in
            tail.withUnsafeBytes { t in
                ContextStatistics.compute(UnsafeRawBufferPointer(rebasing: s[0..<segmentCount]), maxOrder: maxOrder,
                                          preceding: t)
            }
        }
        for o in stats.orders { segmentLowerBits[o.order] += o.empiricalBits }
        // Keep the last bytes as the next segment's preceding context.
        let keep = tail.count
        if segmentCount >= keep {
            for i in 0..<keep { tail[i] = segment[segmentCount - keep + i] }
        } else {
            tail.removeFirst(segmentCount)
            tail.append(contentsOf: segment[0..<segmentCount])
        }
        segmentCount = 0
    }

    /// The figures of every order and how close each is to the exact one.
    mutating func finish(histogram: [Int]) -> (orders: [OrderStatistics], bounds: [OrderBound]) {
        closeSegment()
        let n = byteCount
        let m = histogram.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        let tableSize = Swift.min(Swift.max(n, 1), 1 << 16)
        let logTables = ContextStatistics.Tables(
            cLogC: CountEntropyTable(maxCount: tableSize),
            ktPair: CountLogTable(offset: 0.5, maxCount: tableSize),
            ktContext: CountLogTable(offset: 128, maxCount: tableSize),
            lapPair: CountLogTable(offset: 1, maxCount: tableSize),
            lapContext: CountLogTable(offset: 256, maxCount: tableSize),
            ktmContext: CountLogTable(offset: Double(m) / 2, maxCount: tableSize))
        var orders: [OrderStatistics] = []
        var upper: [Double] = []
        for k in 0...maxOrder {
            let s = n == 0 ? ContextStatistics.RunSums() : tables[k].sums(tables: logTables, tally: tableSize + 1)
            let empirical = Swift.max(0, s.contextCLogC - s.pairCLogC)
            upper.append(Swift.min(empirical, upper.last ?? .infinity))
            orders.append(OrderStatistics(
                order: k, symbolCount: n, distinctContexts: s.contexts, distinctPairs: s.pairs,
                empiricalBits: upper[k],
                ktBits: Swift.max(0, s.ktContext - s.ktPair),
                laplaceBits: Swift.max(0, s.lapContext - s.lapPair),
                ktInputAlphabetBits: Swift.max(0, s.ktmContext - s.ktPair) + 256,
                sparseBiasBits: Double(s.pairs - s.contexts) / (2 * M_LN2),
                lowerOrderSparse: orders.last?.isSparse ?? false))
        }
        // Lower bounds: exact where exact, else the segments', raised by Hk ≥ H(k+1).
        var lower = [Double](repeating: 0, count: maxOrder + 1)
        var next = 0.0
        for k in stride(from: maxOrder, through: 0, by: -1) {
            let exact = tables[k].bucketBits == 64
            lower[k] = exact ? upper[k] : Swift.min(upper[k], Swift.max(segmentLowerBits[k], next))
            next = lower[k]
        }
        let bounds = (0...maxOrder).map { k in
            OrderBound(order: k, exact: tables[k].bucketBits == 64,
                       hashBits: tables[k].bucketBits == 64 ? nil : tables[k].bucketBits,
                       empiricalLowerBits: lower[k], empiricalUpperBits: upper[k])
        }
        return (orders, bounds)
    }

    /// A 64-bit mixer (xor-shift and odd multipliers) so that the top bits of
    /// the result depend on every bit of the context.
    @inline(__always)
    static func mix(_ v: UInt64) -> UInt64 {
        var x = v &+ 0x9E37_79B9_7F4A_7C15
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        return x ^ (x >> 31)
    }
}

/// (context bucket, byte) → count, open addressing with linear probing.
/// A slot with count 0 is empty. Keys are `bucket << 8 | byte`.
struct HashedPairTable {
    let order: Int
    var keys: [UInt64]
    var counts: [UInt64]
    var capacity: Int
    var used = 0
    /// 64: keys are the real (k+1)-grams; else contexts merged into 2^bucketBits buckets.
    var bucketBits: Int

    static let initialCapacity = 1 << 10

    init(order: Int) {
        self.order = order
        capacity = Self.initialCapacity
        keys = [UInt64](repeating: 0, count: capacity)
        counts = [UInt64](repeating: 0, count: capacity)
        bucketBits = order <= 7 ? 64 : 56
    }

    var bytes: Int { capacity * 16 }
    /// More than 3/4 full.
    var isFull: Bool { used * 4 > capacity * 3 }
    /// More than 5/8 full: after merging, merge further.
    var isRoomy: Bool { used * 8 > capacity * 5 }

    @inline(__always)
    static func slot(_ key: UInt64, _ capacity: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - capacity.trailingZeroBitCount))
    }

    /// Adds one occurrence; true when the key is new.
    @inline(__always)
    mutating func add(_ key: UInt64, times: UInt64 = 1) -> Bool {
        let mask = capacity - 1
        var s = Self.slot(key, capacity)
        return keys.withUnsafeMutableBufferPointer { k in
            counts.withUnsafeMutableBufferPointer { c in
                while true {
                    if c[s] == 0 {
                        k[s] = key
                        c[s] = times
                        used += 1
                        return true
                    }
                    if k[s] == key {
                        c[s] &+= times
                        return false
                    }
                    s = (s &+ 1) & mask
                }
            }
        }
    }

    /// Moves the counts into a table of `capacity` slots with contexts merged to `bucketBits`.
    mutating func rehash(capacity newCapacity: Int, bucketBits newBits: Int) {
        let oldKeys = keys
        let oldCounts = counts
        let oldBits = bucketBits
        keys = []
        counts = []
        keys = [UInt64](repeating: 0, count: newCapacity)
        counts = [UInt64](repeating: 0, count: newCapacity)
        capacity = newCapacity
        used = 0
        bucketBits = newBits
        for i in 0..<oldKeys.count where oldCounts[i] != 0 {
            let key = oldKeys[i]
            let byte = key & 0xFF
            var bucket = key >> 8
            if oldBits != newBits {
                bucket = oldBits == 64 ? HashedContextStatistics.mix(bucket) >> UInt64(64 - newBits)
                                       : bucket >> UInt64(oldBits - newBits)
            }
            _ = add((bucket << 8) | byte, times: oldCounts[i])
        }
    }

    /// The closed-form sums over contexts (buckets) and pairs. Sorts the
    /// entries in place by key, so that each context's pairs are adjacent.
    mutating func sums(tables: ContextStatistics.Tables, tally: Int) -> ContextStatistics.RunSums {
        var n = 0
        for i in 0..<capacity where counts[i] != 0 {
            keys[n] = keys[i]
            counts[n] = counts[i]
            n += 1
        }
        keys.withUnsafeMutableBufferPointer { k in
            counts.withUnsafeMutableBufferPointer { c in Self.sort(k.baseAddress!, c.baseAddress!, 0, n - 1) }
        }
        var pairRuns = [Int](repeating: 0, count: tally)
        var contextRuns = [Int](repeating: 0, count: tally)
        var longPairs: [Int] = []
        var longContexts: [Int] = []
        var i = 0
        while i < n {
            let context = keys[i] >> 8
            var total = 0
            while i < n && keys[i] >> 8 == context {
                let c = Int(counts[i])
                if c < tally { pairRuns[c] += 1 } else { longPairs.append(c) }
                total += c
                i += 1
            }
            if total < tally { contextRuns[total] += 1 } else { longContexts.append(total) }
        }
        used = 0
        for j in 0..<capacity { counts[j] = 0 }
        return ContextStatistics.sums(pairRuns: pairRuns, contextRuns: contextRuns, longPairRuns: longPairs,
                                      longContextRuns: longContexts, tables: tables)
    }

    /// In-place quicksort of keys[lo…hi] (distinct) carrying counts along;
    /// recurses on the smaller side so the stack stays O(log n).
    static func sort(_ k: UnsafeMutablePointer<UInt64>, _ c: UnsafeMutablePointer<UInt64>, _ low: Int, _ high: Int) {
        var lo = low
        var hi = high
        while hi - lo > 16 {
            let mid = lo + (hi - lo) / 2
            // Median of three as the pivot.
            let a = k[lo], b = k[mid], d = k[hi]
            let pivot = a < b ? (b < d ? b : (a < d ? d : a)) : (a < d ? a : (b < d ? d : b))
            var i = lo
            var j = hi
            while i <= j {
                while k[i] < pivot { i += 1 }
                while k[j] > pivot { j -= 1 }
                if i <= j {
                    let tk = k[i], tc = c[i]
                    k[i] = k[j]; c[i] = c[j]
                    k[j] = tk; c[j] = tc
                    i += 1
                    j -= 1
                }
            }
            if j - lo < hi - i {
                sort(k, c, lo, j)
                lo = i
            } else {
                sort(k, c, i, hi)
                hi = j
            }
        }
        if hi <= lo { return }
        for i in (lo + 1)...hi {
            let key = k[i], count = c[i]
            var j = i - 1
            while j >= lo && k[j] > key {
                k[j + 1] = k[j]
                c[j + 1] = c[j]
                j -= 1
            }
            k[j + 1] = key
            c[j + 1] = count
        }
    }
}
