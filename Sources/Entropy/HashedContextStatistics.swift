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
    /// log2 of the number of buckets that merged contexts share (nil when none were merged).
    public let hashBits: Int?
    /// Bytes whose context was merged with others (0 when exact; n when all were).
    public let mergedPositions: Int
    /// n·Hk lies in [empiricalLowerBits, empiricalUpperBits] (equal when exact).
    public let empiricalLowerBits: Double
    public let empiricalUpperBits: Double
}

/// Orders 0…K counted over a stream in bounded memory, for inputs whose exact
/// analysis (`ContextStatistics`, 17 bytes per input byte) does not fit.
///
/// Each order has a table of (context, next byte) counts keyed by the real
/// context (the k bytes for k ≤ 7, a 56-bit hash of them above). While it fits,
/// the figures are exact. When it is half full and the budget allows no growth,
/// admission closes: contexts already seen keep their own counts (all their
/// occurrences, since each was admitted at its first), and a context first seen
/// later is merged into a bucket g(s) = top L bits of a 64-bit hash of s, in a
/// second table. If the first table still fills up, every context of the order
/// is merged into buckets, and L falls until the table has room. Bounds on n·Hk
/// (n·Hk = Σ_s T(s) with T(s) = c(s)·Ĥ(X | s) ≥ 0):
///
/// - upper: merging contexts is conditioning on a function of the context, and
///   conditioning on less never lowers entropy, so the merged figure is ≥ n·Hk
///   (this holds for the empirical distribution as for any other); also Hk ≤ H(k−1).
/// - lower: Σ over the contexts kept whole of T(s), a part of the sum (k ≤ 7).
///   Also, the input is cut into segments that each fit in memory, and each
///   segment's exact n_b·Hk is computed with the real preceding bytes as context:
///   the file's empirical joint distribution of (context, byte) is the mixture of
///   the segments' with weights n_b/n, and conditional entropy is concave in the
///   joint, so Σ_b n_b·Hk(b) ≤ n·Hk. Also Hk ≥ H(k+1). The largest lower bound is kept.
///
/// The adaptive code lengths from merged counts are those of an order-k coder
/// whose contexts are these buckets: a real coder (the decoder can track the
/// same tables and close admission at the same byte), so they stay achievable,
/// but they are not the exact order-k figures.
struct HashedContextStatistics {
    let maxOrder: Int
    let budget: Int
    let segmentSize: Int
    var counters: [OrderCounter]
    /// Previous 8 bytes, the latest in the low byte (0x00 before the start).
    var history: UInt64 = 0
    /// Previous bytes for orders above 8, latest at `ringPosition - 1`.
    var ring = [UInt8](repeating: 0, count: 64)
    var ringPosition = 0
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
        counters = (0...self.maxOrder).map { OrderCounter(order: $0) }
        segment = [UInt8](repeating: 0, count: self.segmentSize)
        segmentLowerBits = [Double](repeating: 0, count: self.maxOrder + 1)
    }

    var tableBytes: Int { counters.reduce(0) { $0 + $1.bytes } }
    var largestTable: Int { counters.map(\.largest).max() ?? 0 }

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
            var chain: UInt64 = 0
            for k in 0...K {
                // The context's value: its bytes (k ≤ 7) or a 56-bit hash chained from the 8-byte one.
                let context: UInt64
                if k <= 7 {
                    context = k == 0 ? 0 : h & (UInt64.max >> UInt64(64 - 8 * k))
                } else {
                    chain = k == 8 ? HashedContextStatistics.mix(h)
                                   : HashedContextStatistics.mix(chain ^ UInt64(ring[(ringPosition &- k) & 63]) &+ UInt64(k))
                    context = chain >> 8
                }
                if let event = counters[k].add(context: context, byte: x) { makeRoom(k, event) }
            }
            h = (h << 8) | x
            ring[ringPosition & 63] = b
            ringPosition &+= 1
        }
        history = h
        byteCount += bytes.count
    }

    /// Whether a table may grow from `bytes` to twice that, keeping room to
    /// rehash the largest table. Tables that keep contexts whole may take half
    /// the budget, lower orders first: order k counts only orders ≤ k, and a
    /// higher order is merged and shrunk if that makes the half overflow (low
    /// orders have fewer contexts and are worth keeping exact). Buckets (fallback
    /// or merged) may take what is left.
    private func mayGrow(_ bytes: Int, order k: Int? = nil) -> Bool {
        let reserve = Swift.max(largestTable, 2 * bytes)
        if let k {
            let lower = counters[0...k].reduce(0) { $0 + ($1.state == .merged ? 0 : $1.main.bytes + $1.contexts.bytes) }
            return lower + bytes + reserve <= budget / 2
        }
        return tableBytes + bytes + reserve <= budget
    }

    /// After order k grew: merge and shrink higher orders until the tables fit again.
    private mutating func shrinkAbove(_ k: Int) {
        var j = maxOrder
        while j > k && tableBytes + largestTable > budget {
            if counters[j].main.capacity > HashedPairTable.initialCapacity {
                counters[j].shrink()
            } else {
                j -= 1
            }
        }
    }

    private mutating func makeRoom(_ k: Int, _ event: OrderCounter.Event) {
        switch event {
        case .mainHalfFull, .contextsFull:
            if event == .mainHalfFull, mayGrow(counters[k].main.bytes, order: k) {
                counters[k].main.rehash(capacity: counters[k].main.capacity * 2, bucketBits: 64)
                shrinkAbove(k)
            } else if event == .contextsFull, mayGrow(counters[k].contexts.bytes, order: k) {
                counters[k].contexts.rehash(capacity: counters[k].contexts.capacity * 2, bucketBits: 64)
                shrinkAbove(k)
            } else {
                counters[k].state = .closed
            }
        case .mainFull:
            if counters[k].state == .merged, mayGrow(counters[k].main.bytes) {
                counters[k].main.rehash(capacity: counters[k].main.capacity * 2, bucketBits: counters[k].main.bucketBits)
            } else if counters[k].state == .merged {
                counters[k].main.coarsen()
            } else if !counters[k].evictLight() {
                counters[k].mergeAll()
            }
        case .fallbackFull:
            if mayGrow(counters[k].fallback.bytes) {
                counters[k].fallback.rehash(capacity: counters[k].fallback.capacity * 2,
                                            bucketBits: counters[k].fallback.bucketBits)
            } else {
                counters[k].fallback.coarsen()
            }
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
        let logTables = ContextStatistics.Tables(tableSize: tableSize, distinctSymbols: m)
        var orders: [OrderStatistics] = []
        var upper: [Double] = []
        var kept: [Double] = []
        var merged: [Int] = []
        for k in 0...maxOrder {
            var s = ContextStatistics.RunSums()
            var whole = 0.0
            var mergedCount = 0
            if n > 0 {
                let main = counters[k].main.sums(tables: logTables, tally: tableSize + 1)
                let fallback = counters[k].fallback.sums(tables: logTables, tally: tableSize + 1)
                s = main.adding(fallback)
                switch counters[k].state {
                case .open, .closed:
                    // Contexts kept whole: their part of n·Hk is exact (k ≤ 7: real contexts).
                    whole = k <= 7 ? Swift.max(0, main.contextCLogC - main.pairCLogC) : 0
                    mergedCount = fallback.symbols
                case .merged:
                    mergedCount = n
                }
            }
            let empirical = Swift.max(0, s.contextCLogC - s.pairCLogC)
            upper.append(Swift.min(empirical, upper.last ?? .infinity))
            kept.append(whole)
            merged.append(mergedCount)
            orders.append(OrderStatistics(
                order: k, symbolCount: n, distinctContexts: s.contexts, distinctPairs: s.pairs,
                empiricalBits: upper[k],
                ktBits: Swift.max(0, s.ktContext - s.ktPair),
                laplaceBits: Swift.max(0, s.lapContext - s.lapPair),
                ktInputAlphabetBits: Swift.max(0, s.ktmContext - s.ktPair) + 256,
                sparseBiasBits: Double(s.pairs - s.contexts) / (2 * M_LN2),
                lowerOrderSparse: orders.last?.isSparse ?? false))
        }
        // Closed but nothing merged: every context was still kept whole.
        func isExact(_ k: Int) -> Bool { k <= 7 && counters[k].state != .merged && merged[k] == 0 }
        // Lower bounds: exact where exact, else the best of the parts kept whole, the segments and H(k+1).
        var lower = [Double](repeating: 0, count: maxOrder + 1)
        var next = 0.0
        for k in stride(from: maxOrder, through: 0, by: -1) {
            lower[k] = isExact(k) ? upper[k] : Swift.min(upper[k], Swift.max(segmentLowerBits[k], kept[k], next))
            next = lower[k]
        }
        let bounds = (0...maxOrder).map { k -> OrderBound in
            let bits: Int? = switch counters[k].state {
            case .open: nil
            case .closed: merged[k] == 0 ? nil : counters[k].fallback.bucketBits
            case .merged: counters[k].main.bucketBits
            }
            return OrderBound(order: k, exact: isExact(k), hashBits: bits, mergedPositions: merged[k],
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

/// The tables of one order: `main` holds (context, byte) counts of the contexts
/// kept whole (then, once `merged`, of every context's bucket), `contexts` the
/// admitted contexts, `fallback` the buckets of contexts first seen after admission closed.
struct OrderCounter {
    enum State { case open, closed, merged }
    enum Event { case mainHalfFull, contextsFull, mainFull, fallbackFull }

    let order: Int
    var state = State.open
    var main: HashedPairTable
    var contexts: HashedPairTable
    var fallback: HashedPairTable

    init(order: Int) {
        self.order = order
        main = HashedPairTable(order: order, bucketBits: 64)
        contexts = HashedPairTable(order: order, bucketBits: 64)
        fallback = HashedPairTable(order: order, bucketBits: 56)
    }

    var bytes: Int { main.bytes + contexts.bytes + fallback.bytes }
    var largest: Int { Swift.max(main.bytes, contexts.bytes, fallback.bytes) }

    /// Counts one byte after `context`; returns what needs room, if anything.
    @inline(__always)
    mutating func add(context: UInt64, byte x: UInt64) -> Event? {
        switch state {
        case .open:
            guard main.add((context << 8) | x) else { return nil }
            if contexts.add(context) && contexts.isFull { return .contextsFull }
            return main.isHalfFull ? .mainHalfFull : nil
        case .closed:
            if main.increment((context << 8) | x) { return nil }
            let status = contexts.value(context)
            if status != 0 && status != Self.evicted {
                _ = main.add((context << 8) | x)
                return main.isFull ? .mainFull : nil
            }
            let bucket = HashedPairTable.bucket(of: context, order: order, bits: fallback.bucketBits)
            return fallback.add((bucket << 8) | x) && fallback.isFull ? .fallbackFull : nil
        case .merged:
            let bucket = HashedPairTable.bucket(of: context, order: order, bits: main.bucketBits)
            return main.add((bucket << 8) | x) && main.isFull ? .mainFull : nil
        }
    }

    /// Status in `contexts` of a context whose counts moved to the fallback buckets.
    static let evicted = UInt64(1) << 63

    /// Makes room in `main` by moving the lightest contexts kept whole (fewest
    /// occurrences so far) to the fallback buckets, for good: all of a context's
    /// counts move with it and its later occurrences go there too, so the
    /// partition stays a function of the context. False if that did not free
    /// enough (then everything is merged).
    mutating func evictLight() -> Bool {
        // Occurrences so far of each context kept whole, in its `contexts` entry (+1).
        contexts.transformValues { $0 == Self.evicted ? $0 : 1 }
        main.forEach { key, count in contexts.addValue(key >> 8, count) }
        var below: UInt64 = 2
        while main.isHalfFull && below < UInt64(1) << 40 {
            let limit = below
            contexts.transformValues { $0 != Self.evicted && $0 <= limit ? Self.evicted : $0 }
            let old = main
            main = HashedPairTable(order: order, bucketBits: 64, capacity: old.capacity)
            old.forEach { key, count in
                if contexts.value(key >> 8) == Self.evicted {
                    if fallback.isFull { fallback.coarsen() }
                    let bucket = HashedPairTable.bucket(of: key >> 8, order: order, bits: fallback.bucketBits)
                    _ = fallback.add((bucket << 8) | (key & 0xFF), times: count)
                } else {
                    _ = main.add(key, times: count)
                }
            }
            below *= 4
        }
        contexts.transformValues { $0 == Self.evicted ? $0 : 1 }
        return !main.isHalfFull
    }

    /// Merges every context and halves the table, to give memory to a lower order.
    mutating func shrink() {
        if state != .merged { mergeAll() }
        while main.used * 8 > main.capacity * 3 && main.bucketBits > 1 {
            main.rehash(capacity: main.capacity, bucketBits: main.bucketBits - 1)
        }
        if main.used * 8 <= main.capacity * 3 {
            main.rehash(capacity: main.capacity / 2, bucketBits: main.bucketBits)
        }
    }

    /// Every context into buckets: the kept ones and the fallback's, in one table
    /// (at most as many buckets as the fallback has, so its buckets map onto them).
    mutating func mergeAll() {
        let bits = Swift.min(main.capacity.trailingZeroBitCount - 1, fallback.bucketBits)
        contexts = HashedPairTable(order: order, bucketBits: 64, capacity: 1)
        main.rehash(capacity: main.capacity, bucketBits: bits)
        if main.isRoomy { main.coarsen() }
        let old = fallback
        fallback = HashedPairTable(order: order, bucketBits: bits, capacity: 1)
        old.forEach { key, count in
            // Merging never adds entries beyond 3/4: coarsen first when there.
            if main.isFull { main.coarsen() }
            let bucket = (key >> 8) >> UInt64(old.bucketBits - main.bucketBits)
            _ = main.add((bucket << 8) | (key & 0xFF), times: count)
        }
        state = .merged
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

    init(order: Int, bucketBits: Int, capacity: Int = initialCapacity) {
        self.order = order
        self.capacity = capacity
        keys = [UInt64](repeating: 0, count: capacity)
        counts = [UInt64](repeating: 0, count: capacity)
        self.bucketBits = bucketBits
    }

    var bytes: Int { capacity * 16 }
    /// More than 3/4 full.
    var isFull: Bool { used * 4 > capacity * 3 }
    /// More than half full.
    var isHalfFull: Bool { used * 2 > capacity }

    /// The bucket of a context value among 2^bits: from a hash of the bytes (k ≤ 7),
    /// or the top bits of the 56-bit hash that stands for the context (k ≥ 8).
    @inline(__always)
    static func bucket(of context: UInt64, order: Int, bits: Int) -> UInt64 {
        order <= 7 ? HashedContextStatistics.mix(context) >> UInt64(64 - bits) : context >> UInt64(56 - bits)
    }

    /// Adds one occurrence of a key already present; false (and nothing done) if absent.
    @inline(__always)
    mutating func increment(_ key: UInt64) -> Bool {
        let mask = capacity - 1
        var s = Self.slot(key, capacity)
        return keys.withUnsafeBufferPointer { k in
            counts.withUnsafeMutableBufferPointer { c in
                while c[s] != 0 {
                    if k[s] == key {
                        c[s] &+= 1
                        return true
                    }
                    s = (s &+ 1) & mask
                }
                return false
            }
        }
    }

    /// The count of `key`, 0 when absent.
    @inline(__always)
    func value(_ key: UInt64) -> UInt64 {
        let mask = capacity - 1
        var s = Self.slot(key, capacity)
        while counts[s] != 0 {
            if keys[s] == key { return counts[s] }
            s = (s &+ 1) & mask
        }
        return 0
    }

    /// Adds to the count of a key already present (nothing if absent).
    mutating func addValue(_ key: UInt64, _ amount: UInt64) {
        let mask = capacity - 1
        var s = Self.slot(key, capacity)
        while counts[s] != 0 {
            if keys[s] == key { counts[s] &+= amount; return }
            s = (s &+ 1) & mask
        }
    }

    /// Replaces every present count c by f(c) (f must not return 0).
    mutating func transformValues(_ f: (UInt64) -> UInt64) {
        for i in 0..<capacity where counts[i] != 0 { counts[i] = f(counts[i]) }
    }

    func forEach(_ body: (UInt64, UInt64) -> Void) {
        for i in 0..<capacity where counts[i] != 0 { body(keys[i], counts[i]) }
    }

    /// Halves the number of buckets (at least once, more while the table stays over 5/8 full).
    mutating func coarsen() {
        var bits = Swift.min(bucketBits == 64 ? 56 : bucketBits - 1, capacity.trailingZeroBitCount - 1)
        while true {
            rehash(capacity: capacity, bucketBits: bits)
            if !isRoomy || bits <= 1 { break }
            bits -= 1
        }
    }
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
                bucket = oldBits == 64 ? Self.bucket(of: bucket, order: order, bits: newBits)
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
        var symbols = 0
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
            symbols += total
        }
        used = 0
        for j in 0..<capacity { counts[j] = 0 }
        var result = ContextStatistics.sums(pairRuns: pairRuns, contextRuns: contextRuns, longPairRuns: longPairs,
                                            longContextRuns: longContexts, tables: tables)
        result.symbols = symbols
        return result
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
