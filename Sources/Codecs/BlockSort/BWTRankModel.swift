import Transforms
internal import CPrefetch
import Entropy
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which inputs of `BWTRankModel` run (static, so each set is compiled on its own).
protocol BWTModelParts {
    /// Counter (c): the previous byte with the candidate.
    static var pair: Bool { get }
    /// Counter (d): the last three ranks.
    static var history: Bool { get }
    /// The two secondary estimates after the mixer.
    static var secondary: Bool { get }
    /// Fast and slow average per counter; otherwise the slow one alone.
    static var dualRate: Bool { get }
}

/// A set of parts as bits: 1 the pair counter, 2 the history counter, 4 the
/// secondary estimates, 8 the dual-rate counters.
enum ModelPartSet<let bits: Int>: BWTModelParts {
    static var pair: Bool { bits & 1 != 0 }
    static var history: Bool { bits & 2 != 0 }
    static var secondary: Bool { bits & 4 != 0 }
    static var dualRate: Bool { bits & 8 != 0 }
}

/// The model `bwt` codes with (levels 6…9).
typealias AllModelParts = ModelPartSet<15>

/// The adaptive model of move-to-front ranks of a BWT block, coded as binary
/// decisions: "rank 0?", "rank 1?", … "rank 15?", then for r ≥ 16 the bucket
/// ⌊log2(r − 15)⌋ in unary and the bits below its top bit through a bit tree.
/// Structured binarization of MTF ranks follows Fenwick, "Block sorting text
/// compression", ACSC 1996; asking "rank k?" of the byte at list position k
/// lets that byte's identity be a context, as a PPM coder with exclusions
/// would (Cleary & Witten 1984).
///
/// Each decision has four predictions from probability counters, each a fast
/// and a slow adaptive average whose rates start at 1/1.5 and fall with the
/// number of updates (to 1/5.5 and 1/128.5), averaged. Their contexts are the
/// decision with (a) the length of the current zero run and the last nonzero
/// rank, (b) the candidate byte (the one at list position k for "rank k?",
/// k ≥ 1; otherwise the previous byte), (c) the previous byte and the
/// candidate (position 1 for "rank 0?"), or for the bucket and bit decisions
/// the byte at position 1 alone, (d) the last three ranks, capped. A
/// logistic mixer with weights per decision, zero-run length, last nonzero
/// rank and the rank before the last (capped at 3) combines them (a second
/// mixer averaged in gained 0.2% on Calgary-14 and cost 15% of the decoding
/// time). It is trained online by gradient descent on coding cost (Mahoney, "Adaptive weighing of context
/// models for lossless data compression", FIT report CS-2005-16), faster over
/// the first decisions of a payload. Two secondary estimates (adaptive maps
/// from the mixed probability in 33 interpolated steps, per decision with the
/// zero-run length and with the byte of (b)) refine the result.
///
/// Memory: about 20 MB of tables, whatever the block size.
///
/// `Parts` switches inputs off for `squeeze bench bwt`, which times the model
/// with fewer parts to show what each costs and buys; the codec always uses
/// `AllModelParts`. The switches are static, so each variant is compiled on
/// its own and the full model pays nothing for them.
struct BWTRankModel<Parts: BWTModelParts>: ~Copyable {
    /// Ranks asked for one by one ("rank k?" for k < 16); decisions 0…15 are those,
    /// 16…22 the bucket in unary, 23 + (1 << e | node) the bits below the bucket's top bit.
    static var unaryRanks: Int { 16 }
    static var bucketDecisions: Int { unaryRanks }
    static var bitDecisions: Int { unaryRanks + 7 }
    static var decisions: Int { bitDecisions + 256 }
    /// Mixer weight sets per decision, the bit decisions sharing one.
    static var mixerClasses: Int { bitDecisions + 1 }
    static var runBuckets: Int { 12 }
    static var lastBuckets: Int { 4 }
    /// Rank-history contexts: last rank (0…15), the one before (0…15), the one before that (0…7).
    static var historyContexts: Int { 16 * 16 * 8 }
    /// Mixer inputs: four counters and a bias; each weight set is padded to 8.
    static var inputs: Int { 5 }
    static var weightStride: Int { 8 }
    /// Mixer weight-set contexts per decision class: zero-run bucket, last nonzero rank's bucket, last rank (0, 1, 2, 3+).
    static var mixerContexts: Int { runBuckets * lastBuckets * 4 }
    static var mixerSets: Int { mixerClasses * mixerContexts }

    /// All counters and secondary maps in one allocation (`ModelTables`).
    let tables: UnsafeMutablePointer<UInt16>
    let tableCount: Int
    /// Per context four 16-bit words: fast P(1), slow P(1), update count, unused.
    var runCounters: UnsafeMutablePointer<UInt16>
    var byteCounters: UnsafeMutablePointer<UInt16>
    var pairCounters: UnsafeMutablePointer<UInt16>
    var historyCounters: UnsafeMutablePointer<UInt16>
    /// Weights in 16-bit fixed point, one set per decision class and mixer context.
    var weights: UnsafeMutablePointer<Int32>
    /// Secondary estimation: per decision and zero-run length, 33 probabilities over the stretched input.
    var sse: UnsafeMutablePointer<UInt16>
    /// Secondary estimation per decision and previous byte.
    var byteSSE: UnsafeMutablePointer<UInt16>
    /// Copies of the fixed tables, so the hot loop reads them without global-initialization checks.
    let stretch: UnsafeMutablePointer<Int16>
    let squash: UnsafeMutablePointer<UInt16>
    let rates: UnsafeMutablePointer<Int32>

    /// The state: zero-run length so far, bucket of the last nonzero rank.
    var run = 0
    var lastBucket = 0
    /// The bytes at move-to-front positions 0 (the previous byte) and 1, and the byte the current decision asks about.
    var previousByte = 0
    var front1 = 1
    var candidate = 1
    /// The last three ranks, capped at 15, 15 and 7, as a history context and as a history mixer set.
    var history = 0
    /// The rank before the last, capped at 3, part of the mixer context.
    var lastRank = 0
    var rank1 = 0
    var rank2 = 0
    /// Decisions coded so far (up to the end of the faster start of mixer training).
    var coded = 0

    static var runContexts: Int { decisions * runBuckets * lastBuckets }
    static var byteContexts: Int { decisions * 256 }
    static var pairContexts: Int { unaryRanks * 65536 + decisions * 256 }
    static var sseContexts: Int { decisions * runBuckets }
    /// Mixer learning: the error times 6 (plus up to 12 more while warming up, one less every 4096 decisions), over 2^14.
    static var learningRate: Int { 6 }
    static var warmupBoost: Int { 12 }
    static var warmupShift: Int { 12 }

    init() throws(CodecError) {
        let run = 4 * Self.runContexts, byte = 4 * Self.byteContexts, pair = 4 * Self.pairContexts
        let history = 4 * Self.decisions * Self.historyContexts
        let sse1 = 33 * Self.sseContexts, sse2 = 33 * Self.decisions * 256
        let total = run + byte + pair + history + sse1 + sse2
        // About 20 MB read at random: on huge pages (`LargeAllocation`).
        guard let block = LargeAllocation.tryAllocate(UInt16.self, count: total) else {
            throw .limitExceeded("bwt model tables of \(2 * total) bytes: out of memory")
        }
        tables = block
        tableCount = total
        runCounters = tables
        byteCounters = runCounters + run
        pairCounters = byteCounters + byte
        historyCounters = pairCounters + pair
        sse = historyCounters + history
        byteSSE = sse + sse1
        // Counters start at ½ with no updates: the first context's four words, then that pattern as 64-bit copies.
        tables[0] = 1 << 15
        tables[1] = 1 << 15
        tables[2] = 0
        tables[3] = 0
        let counterWords = run + byte + pair + history
        let pattern = UnsafeRawPointer(tables).load(as: UInt64.self)
        UnsafeMutableRawPointer(tables).bindMemory(to: UInt64.self, capacity: counterWords / 4)
            .update(repeating: pattern, count: counterWords / 4)
        UnsafeMutableRawPointer(tables).bindMemory(to: UInt16.self, capacity: total)
        // Secondary maps start as the identity: one row, then copies.
        for j in 0..<33 { sse[j] = LogisticTables.squash16((j - 16) * 128) }
        var row = 33
        while row < sse1 + sse2 {
            let n = Swift.min(row, sse1 + sse2 - row)
            (sse + row).update(from: sse, count: n)
            row += n
        }
        stretch = .allocate(capacity: 4096)
        stretch.initialize(from: LogisticTables.stretch16, count: 4096)
        squash = .allocate(capacity: 4096)
        squash.initialize(from: LogisticTables.squash16, count: 4096)
        rates = .allocate(capacity: 128)
        rates.initialize(from: LogisticTables.rates, count: 128)
        let sets = Self.mixerSets
        weights = .allocate(capacity: Self.weightStride * sets)
        weights.initialize(repeating: 0, count: Self.weightStride * sets)
        // The first three counters start at about 1/3 each; the history counter and the bias at 0.
        for k in 0..<sets {
            for j in 0..<3 { weights[Self.weightStride * k + j] = 22000 }
        }
    }

    deinit {
        LargeAllocation.deallocate(tables, count: tableCount)
        weights.deallocate()
        stretch.deallocate()
        squash.deallocate()
        rates.deallocate()
    }

    @inline(__always)
    static func runBucket(_ run: Int) -> Int {
        if run < 5 { return run }
        if run < 7 { return 5 }
        if run < 10 { return 6 }
        if run < 16 { return 7 }
        if run < 32 { return 8 }
        if run < 64 { return 9 }
        if run < 128 { return 10 }
        return 11
    }

    @inline(__always)
    static func lastBucket(_ rank: Int) -> Int { rank <= 2 ? rank - 1 : rank < 6 ? 2 : 3 }

    @inline(__always)
    func predict(_ c: UnsafeMutablePointer<UInt16>, _ i: Int) -> Int {
        Parts.dualRate ? Int(stretch[(Int(c[i]) &+ Int(c[i &+ 1])) &>> 5]) : Int(stretch[Int(c[i &+ 1]) &>> 4])
    }

    /// Moves both averages toward the bit; the rate is 1/(n + 1.5) for the
    /// n-th update, but never below 1/5.5 (fast) and 1/128.5 (slow).
    @inline(__always)
    func update(_ c: UnsafeMutablePointer<UInt16>, _ i: Int, _ target: Int) {
        let n = Int(c[i &+ 2])
        let f = Int(c[i]), s = Int(c[i &+ 1])
        let rf = Int(rates[Swift.min(n, 4)]), rs = Int(rates[n])
        if Parts.dualRate { c[i] = UInt16(truncatingIfNeeded: f &+ (((target &- f) &* rf) &>> 16)) }
        c[i &+ 1] = UInt16(truncatingIfNeeded: s &+ (((target &- s) &* rs) &>> 16))
        if n < 127 { c[i &+ 2] = UInt16(truncatingIfNeeded: n &+ 1) }
    }

    /// One mixer's output: the weighted sum of the inputs, clamped to the stretch range.
    @inline(__always)
    func mix(_ w: UnsafeMutablePointer<Int32>, _ s0: Int, _ s1: Int, _ s2: Int, _ s3: Int) -> Int {
        let dot = (Int(w[0]) &* s0 &+ Int(w[1]) &* s1 &+ Int(w[2]) &* s2 &+ Int(w[3]) &* s3 &+ Int(w[4]) &* 256) &>> 16
        return Swift.max(-2047, Swift.min(2047, dot))
    }

    /// Moves one mixer's weights down the gradient of the coding cost of its own output.
    @inline(__always)
    func train(_ w: UnsafeMutablePointer<Int32>, _ dot: Int, _ y: Bool, _ rate: Int,
               _ s0: Int, _ s1: Int, _ s2: Int, _ s3: Int) {
        let err = ((y ? 4096 : 0) &- (Int(squash[dot &+ 2048]) &>> 4)) &* rate
        w[0] = Int32(truncatingIfNeeded: Int(w[0]) &+ ((s0 &* err) &>> 14))
        w[1] = Int32(truncatingIfNeeded: Int(w[1]) &+ ((s1 &* err) &>> 14))
        w[2] = Int32(truncatingIfNeeded: Int(w[2]) &+ ((s2 &* err) &>> 14))
        w[3] = Int32(truncatingIfNeeded: Int(w[3]) &+ ((s3 &* err) &>> 14))
        w[4] = Int32(truncatingIfNeeded: Int(w[4]) &+ ((256 &* err) &>> 14))
    }

    /// Codes decision `d` (bit: the encoder's value) and updates every table on the way.
    @inline(__always)
    mutating func code<C: BinaryCoder>(_ bit: Bool, decision d: Int, runBucket rb: Int, _ coder: inout C) -> Bool {
        // Tables are laid out so that the decisions of one rank, which share the other context parts, lie close together.
        let runState = rb &* Self.lastBuckets &+ lastBucket
        let ia = 4 &* (runState &* Self.decisions &+ d)
        let unary = d < Self.unaryRanks
        let byte = unary && d > 0 ? candidate : previousByte
        let ib = 4 &* (d &* 256 &+ byte)
        let ic = 4 &* (unary ? (previousByte &<< 4 | d) &<< 8 | candidate : Self.unaryRanks &* 65536 &+ d &* 256 &+ front1)
        let ih = 4 &* (history &* Self.decisions &+ d)
        let sa = predict(runCounters, ia), sb = predict(byteCounters, ib)
        let sc = Parts.pair ? predict(pairCounters, ic) : 0, sh = Parts.history ? predict(historyCounters, ih) : 0
        let dm = Swift.min(d, Self.bitDecisions)
        let wa = weights + Self.weightStride &* ((runState &<< 2 | lastRank) &* Self.mixerClasses &+ dm)
        let dot = mix(wa, sa, sb, sc, sh)
        let pm = Int(squash[dot &+ 2048])
        // Secondary estimation, interpolated between two of 33 steps.
        let pos = (dot &+ 2048) &* 32
        let j = pos &>> 12
        let sWeight = pos & 4095
        let sIndex = (rb &* Self.decisions &+ d) &* 33 &+ j
        let bIndex = (d &* 256 &+ byte) &* 33 &+ j
        var p = pm
        if Parts.secondary {
            let se = (Int(sse[sIndex]) &* (4096 &- sWeight) &+ Int(sse[sIndex &+ 1]) &* sWeight) &>> 12
            let sy = (Int(byteSSE[bIndex]) &* (4096 &- sWeight) &+ Int(byteSSE[bIndex &+ 1]) &* sWeight) &>> 12
            p = (2 &* pm &+ 3 &* se &+ 3 &* sy) &>> 3
        }
        p = Swift.max(32, Swift.min(65504, p))
        let y = coder.code(bit, probabilityOfOne: UInt32(p))

        // Updates: counters, mixers, secondary maps.
        let target = y ? 65535 : 0
        update(runCounters, ia, target)
        update(byteCounters, ib, target)
        if Parts.pair { update(pairCounters, ic, target) }
        if Parts.history { update(historyCounters, ih, target) }
        let rate = Self.learningRate &+ Swift.max(0, Self.warmupBoost &- (coded &>> Self.warmupShift))
        if coded < Self.warmupBoost &<< Self.warmupShift { coded &+= 1 }
        train(wa, dot, y, rate, sa, sb, sc, sh)
        if Parts.secondary {
            Self.train(sse, sIndex, sWeight, target)
            Self.train(byteSSE, bIndex, sWeight, target)
        }
        return y
    }

    /// Moves the two map entries around the input toward the bit, each by its interpolation weight.
    @inline(__always)
    static func train(_ m: UnsafeMutablePointer<UInt16>, _ i: Int, _ w: Int, _ target: Int) {
        let a = Int(m[i]), b = Int(m[i &+ 1])
        m[i] = UInt16(truncatingIfNeeded: a &+ (((target &- a) &* (4096 &- w)) &>> 17))
        m[i &+ 1] = UInt16(truncatingIfNeeded: b &+ (((target &- b) &* w) &>> 17))
    }

    /// Asks the cache for the scattered rows "rank d?" (1 ≤ d < 16) will read
    /// when `c` is the byte at list position d: the counters of (b) and (c)
    /// and the byte's secondary map. Issued two decisions ahead, the misses overlap.
    @inline(__always)
    func prefetch(decision d: Int, candidate c: Int) {
        if Parts.pair { squeeze_prefetch(pairCounters + 4 &* ((previousByte &<< 4 | d) &<< 8 | c)) }
        squeeze_prefetch(byteCounters + 4 &* (d &* 256 &+ c))
        if Parts.secondary {
            let row = byteSSE + (d &* 256 &+ c) &* 33
            squeeze_prefetch(row)
            squeeze_prefetch(row + 32)
        }
    }

    /// The rank history after rank r.
    @inline(__always)
    mutating func remember(_ r: Int) {
        history = (Swift.min(r, 15) &<< 7 | Swift.min(rank1, 15) &<< 3 | Swift.min(rank2, 7))
        lastRank = Swift.min(rank1, 3)
        rank2 = rank1
        rank1 = r
    }

    /// Codes one rank (the encoder's value; the decoder passes 0) of a byte
    /// against the move-to-front list `mtf` before the byte is moved, and
    /// returns it, or -1 if the decoded bits name a rank above 255.
    @inline(__always)
    mutating func codeRank<C: BinaryCoder>(_ rank: Int, _ mtf: UnsafeMutablePointer<UInt8>, _ coder: inout C) -> Int {
        let rb = Self.runBucket(run)
        previousByte = Int(mtf[0])
        front1 = Int(mtf[1])
        candidate = front1
        prefetch(decision: 1, candidate: front1)
        prefetch(decision: 2, candidate: Int(mtf[2]))
        if code(rank == 0, decision: 0, runBucket: rb, &coder) {
            run &+= 1
            remember(0)
            return 0
        }
        run = 0
        var r = 1
        while r < Self.unaryRanks {
            candidate = Int(mtf[r])
            if r &+ 2 < Self.unaryRanks { prefetch(decision: r &+ 2, candidate: Int(mtf[r &+ 2])) }
            if code(rank == r, decision: r, runBucket: rb, &coder) { break }
            r &+= 1
        }
        if r == Self.unaryRanks {
            let v = rank &- (Self.unaryRanks &- 1) // 1…240 for the encoder
            let e = v > 0 ? Int.bitWidth &- 1 &- v.leadingZeroBitCount : 0
            var k = 0
            while k < 7 {
                if code(e == k, decision: Self.bucketDecisions &+ k, runBucket: rb, &coder) { break }
                k &+= 1
            }
            var node = 1
            for j in stride(from: k &- 1, through: 0, by: -1) {
                let bit = code((v &>> j) & 1 != 0, decision: Self.bitDecisions &+ ((1 &<< k) | node), runBucket: rb, &coder)
                node = node &<< 1 | (bit ? 1 : 0)
            }
            r = node &+ (Self.unaryRanks &- 1)
            if r > 255 { return -1 }
        }
        lastBucket = Self.lastBucket(r)
        remember(r)
        return r
    }
}


