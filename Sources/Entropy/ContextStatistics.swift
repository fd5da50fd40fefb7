#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The figures for one context order k, all in bits for the whole input.
///
/// Conventions (shared by every order so that order k+1 refines order k):
/// the context of byte i is the k bytes before it, and bytes before the start
/// of the input count as 0x00. Every one of the n bytes is predicted, so
/// `empiricalBits` = n·Hk and the adaptive code lengths cover all n bytes.
public struct OrderStatistics: Sendable, Codable, Equatable {
    /// k: how many preceding bytes form the context.
    public let order: Int
    /// n: number of predicted bytes (the input size).
    public let symbolCount: Int
    /// Number of distinct k-byte contexts that occur (D_k).
    public let distinctContexts: Int
    /// Number of distinct (context, next byte) pairs that occur (P_k).
    public let distinctPairs: Int
    /// n·Hk: Σ over contexts s and bytes x of −c(s,x)·log2(c(s,x)/c(s)).
    public let empiricalBits: Double
    /// Adaptive order-k code length with the Krichevsky–Trofimov estimator
    /// over 256 byte values: P(x | s) = (c(s,x) + 1/2) / (c(s) + 128).
    public let ktBits: Double
    /// Adaptive order-k code length with Laplace's estimator over 256 byte
    /// values: P(x | s) = (c(s,x) + 1) / (c(s) + 256).
    public let laplaceBits: Double
    /// KT over the m byte values that occur in the input, P = (c + 1/2)/(c(s) + m/2),
    /// plus 256 bits that tell the decoder which m values occur.
    public let ktInputAlphabetBits: Double
    /// Miller–Madow estimate of how far n·Hk lies below the true conditional
    /// entropy because of sparse counts: (P_k − D_k) / (2 ln 2) bits.
    public let sparseBiasBits: Double

    /// Hk in bits per byte.
    public var conditionalEntropy: Double { symbolCount > 0 ? empiricalBits / Double(symbolCount) : 0 }
    /// The best of the adaptive code lengths for this order.
    public var bestAdaptiveBits: Double { Swift.min(ktBits, laplaceBits, ktInputAlphabetBits) }

    /// True when the contexts are too sparse for Hk to mean much: the
    /// Miller–Madow bias exceeds 5% of n·Hk (or Hk is 0 while contexts still
    /// split), at this order or at a lower one (longer contexts are sparser
    /// still). Such an Hk mostly measures how unique long contexts are in a
    /// finite file, not the source; see docs/ESTIMATE.md.
    public let isSparse: Bool

    /// The criterion for this order alone.
    static func sparse(symbolCount: Int, distinctContexts: Int, distinctPairs: Int, order: Int,
                       empiricalBits: Double, sparseBiasBits: Double) -> Bool {
        if symbolCount == 0 { return false }
        if empiricalBits <= 0 { return distinctPairs > distinctContexts || (distinctContexts > 1 && order > 0 && distinctContexts * 2 > symbolCount) }
        return sparseBiasBits > 0.05 * empiricalBits
    }

    public init(order: Int, symbolCount: Int, distinctContexts: Int, distinctPairs: Int,
                empiricalBits: Double, ktBits: Double, laplaceBits: Double,
                ktInputAlphabetBits: Double, sparseBiasBits: Double, lowerOrderSparse: Bool = false) {
        self.order = order
        self.symbolCount = symbolCount
        self.distinctContexts = distinctContexts
        self.distinctPairs = distinctPairs
        self.empiricalBits = empiricalBits
        self.ktBits = ktBits
        self.laplaceBits = laplaceBits
        self.ktInputAlphabetBits = ktInputAlphabetBits
        self.sparseBiasBits = sparseBiasBits
        self.isSparse = lowerOrderSparse || Self.sparse(
            symbolCount: symbolCount, distinctContexts: distinctContexts, distinctPairs: distinctPairs, order: order,
            empiricalBits: empiricalBits, sparseBiasBits: sparseBiasBits)
    }
}

/// Context statistics for orders 0…K in K+1 linear passes (sorted contexts).
///
/// Method: an LSD radix sort of positions. After stable counting-sort passes
/// by the byte at offset 0, −1, …, −k, positions are sorted by the (k+1)-gram
/// ending at them with the predicted byte least significant, so every context
/// is a contiguous run and every (context, byte) pair a sub-run. One more pass
/// by the byte at −(k+1) gives order k+1, so all orders come from the same two
/// index arrays; each pass also scans the runs of the previous order. The
/// adaptive code lengths need only the final counts: an additive estimator's
/// sequential probability of a sequence is Π_x Γ(c_x+a)/Γ(a) · Γ(A·a)/Γ(n+A·a)
/// whatever the order of arrival (Krichevsky & Trofimov 1981; Cover & Thomas,
/// Elements of Information Theory, 13.2).
///
/// Two implementations of the same passes: for orders ≤ 7 and inputs up to
/// 256 MiB each position carries its 8-gram as a UInt64 key (sequential memory
/// access, about 16 MB/s for orders 0…6 at any size); otherwise positions are
/// UInt32 indexes into the input (random access, slower on large inputs).
///
/// Memory: key method 17n bytes (two key arrays and the padded input), at most
/// 4.3 GiB; index method 9n bytes (two index arrays and the padded input), 9 GiB
/// for a 1 GiB input; plus < 4 MiB of tables. Inputs must be shorter than 2^32 bytes.
public struct ContextStatistics: Sendable {
    public let orders: [OrderStatistics]
    /// Number of distinct byte values in the input (m).
    public let alphabetSize: Int

    public static let maximumOrder = 32
    /// Positions are UInt32: only the first `maximumInputSize` bytes are analysed
    /// (callers that can meet larger inputs should refuse or split them).
    public static let maximumInputSize = Int(UInt32.max) - 1

    /// Statistics for orders 0…`maxOrder` (clamped to 0…`maximumOrder`).
    /// `preceding`: the bytes just before `bytes` (a block of a longer input), used
    /// as the first contexts instead of the 0x00 padding.
    public static func compute(_ bytes: UnsafeRawBufferPointer, maxOrder: Int,
                               preceding: UnsafeRawBufferPointer? = nil) -> ContextStatistics {
        let n = Swift.min(bytes.count, maximumInputSize)
        let bytes = UnsafeRawBufferPointer(rebasing: bytes[0..<n])
        let K = Swift.max(0, Swift.min(maxOrder, maximumOrder))
        let histogram = EmpiricalEntropy.histogram(bytes)
        let m = histogram.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        guard n > 0 else {
            let zero = (0...K).map {
                OrderStatistics(order: $0, symbolCount: 0, distinctContexts: 0, distinctPairs: 0, empiricalBits: 0,
                                ktBits: 0, laplaceBits: 0, ktInputAlphabetBits: 0, sparseBiasBits: 0)
            }
            return ContextStatistics(orders: zero, alphabetSize: 0)
        }

        let tableSize = Swift.min(n, 1 << 16)
        let tables = Tables(tableSize: tableSize, distinctSymbols: m)

        // Padded copy: `front` zero bytes, the input, 8 zero bytes for word loads.
        let front = K + 8
        var padded = [UInt8](repeating: 0, count: front + n + 8)
        padded.withUnsafeMutableBytes { dst in
            dst.baseAddress!.advanced(by: front).copyMemory(from: bytes.baseAddress!, byteCount: n)
            if let preceding, let base = preceding.baseAddress {
                let c = Swift.min(front, preceding.count)
                dst.baseAddress!.advanced(by: front - c).copyMemory(from: base + (preceding.count - c), byteCount: c)
            }
        }

        var result: [OrderStatistics] = []
        result.reserveCapacity(K + 1)
        func append(_ k: Int, _ stats: RunSums) {
            result.append(OrderStatistics(
                order: k, symbolCount: n, distinctContexts: stats.contexts, distinctPairs: stats.pairs,
                empiricalBits: Swift.max(0, stats.contextCLogC - stats.pairCLogC),
                ktBits: Swift.max(0, stats.ktContext - stats.ktPair),
                laplaceBits: Swift.max(0, stats.lapContext - stats.lapPair),
                ktInputAlphabetBits: Swift.max(0, stats.ktmContext - stats.ktPair) + 256,
                sparseBiasBits: Double(stats.pairs - stats.contexts) / (2 * M_LN2),
                lowerOrderSparse: result.last?.isSparse ?? false))
        }
        if K <= 7 && n <= keyMethodMaximumInput {
            let all = sortedKeyStatistics(padded: padded, front: front, n: n, K: K, histogram: histogram, tables: tables)
            for (k, stats) in all.enumerated() { append(k, stats) }
            return ContextStatistics(orders: result, alphabetSize: m)
        }
        var indexA = [UInt32](repeating: 0, count: n)
        var indexB = [UInt32](repeating: 0, count: n)

        padded.withUnsafeBytes { yRaw in
            let y = yRaw.baseAddress!
            // Order 0 sort: counting sort of positions by their own byte.
            indexA.withUnsafeMutableBufferPointer { a in
                var start = [Int](repeating: 0, count: 256)
                var s = 0
                for v in 0..<256 { start[v] = s; s += histogram[v] }
                for i in 0..<n {
                    let b = Int(y.load(fromByteOffset: front + i, as: UInt8.self))
                    a[start[b]] = UInt32(i)
                    start[b] += 1
                }
            }
            // shifted[v] = number of positions whose byte at offset −j is v (bytes before the start are 0).
            var shifted = histogram
            for k in 0...K {
                // Histogram of the byte at offset −(k+1), from the one at −k.
                shifted[Int(y.load(fromByteOffset: front + n - 1 - k, as: UInt8.self))] -= 1
                shifted[Int(y.load(fromByteOffset: front - 1 - k, as: UInt8.self))] += 1
                let scatter = k < K
                let stats = indexA.withUnsafeBufferPointer { src in
                    indexB.withUnsafeMutableBufferPointer { dst in
                        scanAndScatter(y: y, front: front, n: n, k: k, src: src, dst: dst,
                                       histogram: shifted, scatter: scatter, tables: tables)
                    }
                }
                append(k, stats)
                if scatter { swap(&indexA, &indexB) }
            }
        }
        return ContextStatistics(orders: result, alphabetSize: m)
    }

    /// Peak bytes `compute` allocates for `count` input bytes (its copy of them included).
    public static func peakMemory(count n: Int, maxOrder: Int) -> Int {
        let perByte = maxOrder <= 7 && n <= keyMethodMaximumInput ? 17 : 9
        let tables = 8 * 8 * (Swift.min(n, 1 << 16) + 1)
        return perByte * n + tables + 64 * 1024
    }

    /// Inputs up to this size (and orders ≤ 7) use the faster key method (16 bytes per input byte).
    public static let keyMethodMaximumInput = 256 << 20

    /// Key method for orders ≤ 7: each position carries its 8-gram as a UInt64
    /// (predicted byte in byte 0, the byte k back in byte k), so the LSD passes
    /// and the run scans read memory sequentially instead of jumping around the
    /// input. Same order of passes and the same runs as the index method.
    private static func sortedKeyStatistics(padded: [UInt8], front: Int, n: Int, K: Int, histogram: [Int],
                                            tables: Tables) -> [RunSums] {
        var keysA = [UInt64](repeating: 0, count: n)
        var keysB = [UInt64](repeating: 0, count: n)
        var out: [RunSums] = []
        padded.withUnsafeBytes { y in
            keysB.withUnsafeMutableBufferPointer { b in
                // Pass 0: counting sort by byte 0 (the predicted byte) straight from the text.
                var next = [Int](repeating: 0, count: 256)
                var s = 0
                for v in 0..<256 { next[v] = s; s += histogram[v] }
                for i in 0..<n {
                    let key = UInt64(bigEndian: y.loadUnaligned(fromByteOffset: front + i - 7, as: UInt64.self))
                    let v = Int(truncatingIfNeeded: key & 0xFF)
                    b[next[v]] = key
                    next[v] += 1
                }
            }
        }
        var shifted = histogram
        for k in 0...K {
            padded.withUnsafeBytes { y in
                shifted[Int(y[front + n - 1 - k])] -= 1
                shifted[Int(y[front - 1 - k])] += 1
            }
            let scatter = k < K
            let tally = Swift.min(n, 1 << 16) + 1
            var pairRuns = [Int](repeating: 0, count: tally)
            var contextRuns = [Int](repeating: 0, count: tally)
            var longPairRuns: [Int] = []
            var longContextRuns: [Int] = []
            var next = [Int](repeating: 0, count: 256)
            var s = 0
            for v in 0..<256 { next[v] = s; s += shifted[v] }
            let gramMask: UInt64 = k == 7 ? .max : (1 << UInt64(8 * (k + 1))) - 1
            let contextMask = gramMask & ~0xFF
            let nextShift = UInt64(8 * (k + 1) & 63)
            keysB.withUnsafeBufferPointer { src in
                keysA.withUnsafeMutableBufferPointer { dst in
                    next.withUnsafeMutableBufferPointer { next in
                        pairRuns.withUnsafeMutableBufferPointer { pairTally in
                            contextRuns.withUnsafeMutableBufferPointer { contextTally in
                                var pairRun = 0
                                var contextRun = 0
                                var previous = src[0] & gramMask
                                for j in 0..<n {
                                    let key = src[j]
                                    if scatter {
                                        let v = Int(truncatingIfNeeded: (key >> nextShift) & 0xFF)
                                        dst[next[v]] = key
                                        next[v] &+= 1
                                    }
                                    let x = (key & gramMask) ^ previous
                                    previous = key & gramMask
                                    let pairEnds = x != 0 ? 1 : 0
                                    let contextEnds = (x & contextMask) != 0 ? 1 : 0
                                    if pairRun < tally && contextRun < tally {
                                        pairTally[pairRun &* pairEnds] &+= 1
                                        contextTally[contextRun &* contextEnds] &+= 1
                                        pairRun = pairRun &* (1 &- pairEnds) &+ 1
                                        contextRun = contextRun &* (1 &- contextEnds) &+ 1
                                    } else {
                                        if contextEnds != 0 {
                                            if contextRun < tally { contextTally[contextRun] += 1 } else { longContextRuns.append(contextRun) }
                                            contextRun = 0
                                        }
                                        if pairEnds != 0 {
                                            if pairRun < tally { pairTally[pairRun] += 1 } else { longPairRuns.append(pairRun) }
                                            pairRun = 0
                                        }
                                        pairRun &+= 1
                                        contextRun &+= 1
                                    }
                                }
                                pairTally[0] = 0
                                contextTally[0] = 0
                                if pairRun < tally { pairTally[pairRun] += 1 } else { longPairRuns.append(pairRun) }
                                if contextRun < tally { contextTally[contextRun] += 1 } else { longContextRuns.append(contextRun) }
                            }
                        }
                    }
                }
            }
            out.append(sums(pairRuns: pairRuns, contextRuns: contextRuns, longPairRuns: longPairRuns,
                            longContextRuns: longContextRuns, tables: tables))
            if scatter { swap(&keysA, &keysB) }
        }
        return out
    }

    struct Tables {
        let cLogC: CountEntropyTable
        let ktPair: CountLogTable
        let ktContext: CountLogTable
        let lapPair: CountLogTable
        let lapContext: CountLogTable
        let ktmContext: CountLogTable

        /// The tables for counts up to `tableSize`, with `distinctSymbols` byte values in use.
        init(tableSize: Int, distinctSymbols m: Int) {
            cLogC = CountEntropyTable(maxCount: tableSize)
            ktPair = CountLogTable(offset: 0.5, maxCount: tableSize)
            ktContext = CountLogTable(offset: 128, maxCount: tableSize)
            lapPair = CountLogTable(offset: 1, maxCount: tableSize)
            lapContext = CountLogTable(offset: 256, maxCount: tableSize)
            ktmContext = CountLogTable(offset: Double(m) / 2, maxCount: tableSize)
        }
    }

    /// Scans the runs of order k in `src` (sorted for order k) and, when
    /// `scatter`, stably counting-sorts `src` by the byte at offset −(k+1) into `dst`.
    /// Run lengths are only tallied in the loop (how many runs of each length);
    /// the logarithms are applied once per distinct length afterwards.
    private static func scanAndScatter(
        y: UnsafeRawPointer, front: Int, n: Int, k: Int,
        src: UnsafeBufferPointer<UInt32>, dst: UnsafeMutableBufferPointer<UInt32>,
        histogram: [Int], scatter: Bool, tables: Tables
    ) -> RunSums {
        var next = [Int](repeating: 0, count: 256)
        var s = 0
        for v in 0..<256 { next[v] = s; s += histogram[v] }
        let tally = Swift.min(n, 1 << 16) + 1
        var pairRuns = [Int](repeating: 0, count: tally)
        var contextRuns = [Int](repeating: 0, count: tally)
        var longPairRuns: [Int] = []
        var longContextRuns: [Int] = []
        next.withUnsafeMutableBufferPointer { next in
            pairRuns.withUnsafeMutableBufferPointer { pairTally in
                contextRuns.withUnsafeMutableBufferPointer { contextTally in
                    var contextRun = 0
                    var pairRun = 0
                    var previous = -1
                    @inline(__always) func closePair() {
                        if pairRun < tally { pairTally[pairRun] += 1 } else { longPairRuns.append(pairRun) }
                        pairRun = 0
                    }
                    @inline(__always) func closeContext() {
                        if contextRun < tally { contextTally[contextRun] += 1 } else { longContextRuns.append(contextRun) }
                        contextRun = 0
                    }
                    if k < 8 && n > 0 {
                        // Fast path: the (k+1)-gram ending at p is one word (symbol in the top
                        // byte); runs are closed without branches (slot 0 of a tally is a sink).
                        let shift = UInt64(8 * (7 - k))
                        let contextMask: UInt64 = k == 0 ? 0 : (UInt64.max >> UInt64(64 - 8 * k))
                        @inline(__always) func gram(_ p: Int) -> UInt64 {
                            UInt64(littleEndian: y.loadUnaligned(fromByteOffset: p &- 7, as: UInt64.self)) >> shift
                        }
                        var previousGram = gram(front &+ Int(src[0]))
                        for j in 0..<n {
                            let p = front &+ Int(src[j])
                            let g = gram(p)
                            if scatter {
                                let b = Int(y.load(fromByteOffset: p &- k &- 1, as: UInt8.self))
                                dst[next[b]] = UInt32(truncatingIfNeeded: p &- front)
                                next[b] &+= 1
                            }
                            let x = g ^ previousGram
                            let pairEnds = x != 0 ? 1 : 0
                            let contextEnds = (x & contextMask) != 0 ? 1 : 0
                            if pairRun < tally && contextRun < tally {
                                pairTally[pairRun &* pairEnds] &+= 1
                                contextTally[contextRun &* contextEnds] &+= 1
                                pairRun = pairRun &* (1 &- pairEnds) &+ 1
                                contextRun = contextRun &* (1 &- contextEnds) &+ 1
                            } else {
                                if contextEnds != 0 { closeContext() }
                                if pairEnds != 0 { closePair() }
                                pairRun &+= 1
                                contextRun &+= 1
                            }
                            previousGram = g
                        }
                        // Slot 0 counted the positions where no run ended.
                        pairTally[0] = 0
                        contextTally[0] = 0
                    } else {
                        for j in 0..<n {
                            let p = front &+ Int(src[j])
                            if scatter {
                                let b = Int(y.load(fromByteOffset: p &- k &- 1, as: UInt8.self))
                                dst[next[b]] = UInt32(truncatingIfNeeded: p &- front)
                                next[b] &+= 1
                            }
                            if previous >= 0 {
                                if !sameBytes(y, endingBefore: p, and: previous, length: k) {
                                    closePair()
                                    closeContext()
                                } else if y.load(fromByteOffset: p, as: UInt8.self) != y.load(fromByteOffset: previous, as: UInt8.self) {
                                    closePair()
                                }
                            }
                            pairRun &+= 1
                            contextRun &+= 1
                            previous = p
                        }
                    }
                    if n > 0 {
                        closePair()
                        closeContext()
                    }
                }
            }
        }
        return sums(pairRuns: pairRuns, contextRuns: contextRuns, longPairRuns: longPairRuns,
                    longContextRuns: longContextRuns, tables: tables)
    }

    /// Turns run-length tallies into the sums of the closed forms.
    static func sums(pairRuns: [Int], contextRuns: [Int], longPairRuns: [Int], longContextRuns: [Int],
                             tables: Tables) -> RunSums {
        let tally = pairRuns.count
        var sums = RunSums()
        func addPairs(_ c: Int, _ times: Int) {
            let t = Double(times)
            sums.pairs += times
            sums.pairCLogC += t * tables.cLogC.cLogC(c)
            sums.ktPair += t * tables.ktPair.rising(c)
            sums.lapPair += t * tables.lapPair.rising(c)
        }
        func addContexts(_ c: Int, _ times: Int) {
            let t = Double(times)
            sums.contexts += times
            sums.contextCLogC += t * tables.cLogC.cLogC(c)
            sums.ktContext += t * tables.ktContext.rising(c)
            sums.lapContext += t * tables.lapContext.rising(c)
            sums.ktmContext += t * tables.ktmContext.rising(c)
        }
        for c in 1..<tally {
            if pairRuns[c] > 0 { addPairs(c, pairRuns[c]) }
            if contextRuns[c] > 0 { addContexts(c, contextRuns[c]) }
        }
        for c in longPairRuns { addPairs(c, 1) }
        for c in longContextRuns { addContexts(c, 1) }
        return sums
    }

    /// Whether the `length` bytes before offset `a` equal those before `b`
    /// (needs at least 8 readable bytes before each; the padding gives them).
    @inline(__always)
    private static func sameBytes(_ y: UnsafeRawPointer, endingBefore a: Int, and b: Int, length: Int) -> Bool {
        var left = length
        var ea = a
        var eb = b
        while left >= 8 {
            if y.loadUnaligned(fromByteOffset: ea - 8, as: UInt64.self)
                != y.loadUnaligned(fromByteOffset: eb - 8, as: UInt64.self) { return false }
            ea -= 8
            eb -= 8
            left -= 8
        }
        if left == 0 { return true }
        // Little-endian: the byte just before `ea` is the word's top byte.
        let shift = UInt64(8 * (8 - left))
        let wa = UInt64(littleEndian: y.loadUnaligned(fromByteOffset: ea - 8, as: UInt64.self)) >> shift
        let wb = UInt64(littleEndian: y.loadUnaligned(fromByteOffset: eb - 8, as: UInt64.self)) >> shift
        return wa == wb
    }

    struct RunSums {
        /// Bytes counted (Σ of the pair counts); filled by the hashed tables only.
        var symbols = 0
        var contexts = 0
        var pairs = 0
        var contextCLogC = 0.0
        var pairCLogC = 0.0
        var ktContext = 0.0
        var ktPair = 0.0
        var lapContext = 0.0
        var lapPair = 0.0
        var ktmContext = 0.0

        /// The sums over the union of two disjoint sets of contexts.
        func adding(_ o: RunSums) -> RunSums {
            RunSums(symbols: symbols + o.symbols, contexts: contexts + o.contexts, pairs: pairs + o.pairs,
                    contextCLogC: contextCLogC + o.contextCLogC, pairCLogC: pairCLogC + o.pairCLogC,
                    ktContext: ktContext + o.ktContext, ktPair: ktPair + o.ktPair, lapContext: lapContext + o.lapContext,
                    lapPair: lapPair + o.lapPair, ktmContext: ktmContext + o.ktmContext)
        }
    }

    private init(orders: [OrderStatistics], alphabetSize: Int) {
        self.orders = orders
        self.alphabetSize = alphabetSize
    }
}
