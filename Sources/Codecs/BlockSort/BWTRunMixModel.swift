import Entropy

/// Which parts of `BWTRunMixModel` run, as bits (static, so each set is
/// compiled on its own): 1 a logistic mixer instead of the plain average,
/// 2 a secondary estimate after it, 4 a third counter on byte pairs, 16 the
/// older rank in counter (a)'s context, 32 ranks 1…8 asked one by one
/// instead of 1…4, 64 fresh counters start from counter (a).
enum RunMixParts<let bits: Int> {
    static var mixing: Bool { bits & 1 != 0 }
    static var secondary: Bool { bits & 2 != 0 }
    static var pair: Bool { bits & 4 != 0 }
    static var wide: Bool { bits & 16 != 0 }
    static var moreUnary: Bool { bits & 32 != 0 }
    static var inherit: Bool { bits & 64 != 0 }
}

/// The run model of `bwt` levels 1…5 since format 1 (`BWTRunModel` is
/// format 0, still decoded). Same shape: each run of equal bytes is one rank
/// and one length, every decision the plain average of counter (a), on the
/// last runs' buckets, and counter (b), on a byte. Three changes, measured
/// with `squeeze bench bwt` (docs/BLOCKSORT.md), took 0.25% off Calgary-14
/// and 0.85% off bible.txt at the same speed:
/// - Ranks 1…8 are asked one by one ("r = k?" with the candidate byte as
///   context), not 1…4: the candidate byte predicts better than a bucket.
/// - Counter (a) also sees the bucket of the rank two runs back (64 run
///   contexts instead of 16).
/// - A counter (b) never updated takes counter (a)'s probability instead of
///   ½, both to predict and as the start of its first update. With twice the
///   byte contexts, this is what keeps the first two changes from costing
///   bits on the small Calgary files.
///
/// The mixer, secondary-estimate and pair-counter parts are for
/// `squeeze bench bwt` only (`BWTCodec.ModelVariant.runsMixed`): together
/// they take a further 0.36% off Calgary-14 and 0.66% off bible.txt, but
/// more than double the decoding time.
///
/// Tables: 69,632 counters (136 KB); with the bench-only parts, 80 KB more.
struct BWTRunMixModel<let parts: Int>: ~Copyable {
    typealias Parts = RunMixParts<parts>
    /// Decision numbers: 0…7 "r = k + 1?", 8…14 the rank's bucket, 16…31
    /// its bits (by tree node), 32…47 the length's bucket, 48…63 its bits.
    static var decisions: Int { 64 }
    static var unaryRanks: Int { Parts.moreUnary ? 8 : 4 }
    static var runContexts: Int { Parts.wide ? 64 : 16 }
    /// Counters (a): decision × run contexts; (b): decision × 256 bytes × 4; the pair counters, hashed.
    static var byteBase: Int { decisions * runContexts }
    static var pairBase: Int { byteBase + decisions * 256 * 4 }
    static var pairBits: Int { 16 }
    static var counterCount: Int { pairBase + (Parts.pair ? 1 << pairBits : 0) }
    static var mixerSets: Int { decisions * 16 }

    let counters: UnsafeMutablePointer<UInt16>
    /// 65536 / (1.5·n + 1.5) for n = 0…15.
    let rates: UnsafeMutablePointer<Int32>
    let stretch: UnsafeMutablePointer<Int16>
    let squash: UnsafeMutablePointer<UInt16>
    /// Mixer weights (16-bit fixed point, three inputs and a bias per set) and secondary maps (33 steps per set).
    let weights: UnsafeMutablePointer<Int32>
    let apm: UnsafeMutablePointer<UInt16>
    /// Buckets (0…3) of the last run's rank and length, and of the rank before.
    var lastRank = 0
    var lastLength = 0
    var olderRank = 0

    init() {
        counters = .allocate(capacity: Self.counterCount)
        counters.initialize(repeating: 2048 << 4, count: Self.counterCount)
        rates = RunCounter.makeRates()
        let mixed = Parts.mixing || Parts.secondary
        stretch = .allocate(capacity: mixed ? 4096 : 1)
        squash = .allocate(capacity: mixed ? 4096 : 1)
        let sets = mixed ? Self.mixerSets : 1
        weights = .allocate(capacity: 4 * sets)
        apm = .allocate(capacity: 33 * sets)
        guard mixed else { return }
        stretch.initialize(from: LogisticTables.stretch16, count: 4096)
        squash.initialize(from: LogisticTables.squash16, count: 4096)
        for k in 0..<sets {
            // Start as the average of the inputs in the logistic domain.
            weights[4 * k] = Parts.pair ? 22000 : 32768
            weights[4 * k + 1] = Parts.pair ? 22000 : 32768
            weights[4 * k + 2] = Parts.pair ? 22000 : 0
            weights[4 * k + 3] = 0
            for j in 0..<33 { apm[33 * k + j] = LogisticTables.squash16[Swift.min(4095, j * 128)] }
        }
    }

    deinit {
        counters.deallocate()
        rates.deallocate()
        stretch.deallocate()
        squash.deallocate()
        weights.deallocate()
        apm.deallocate()
    }

    @inline(__always)
    static func pairIndex(_ d: Int, _ x: Int, _ y: Int) -> Int {
        pairBase &+ (((x &<< 8 | y) ^ (d &* 0x9E5)) & ((1 &<< pairBits) &- 1))
    }

    /// Codes decision `d` with counter (a) at index `a` (a 16-bit probability
    /// moving 1/32 toward each bit) and (b) at `b` (12-bit probability over a
    /// 4-bit update count), `c` the pair counter and `m` the mixer context
    /// when those parts run; updates them all.
    @inline(__always)
    func code<C: BinaryCoder>(_ bit: Bool, _ d: Int, _ a: Int, _ b: Int, _ c: Int, _ m: Int, _ coder: inout C) -> Bool {
        let ca = Int(counters[a])
        var cb = Int(counters[b])
        var cc = Parts.pair ? Int(counters[c]) : 0
        if Parts.inherit {
            // Count 0: never updated, so take (a)'s probability with count 0.
            let fresh = ca &>> 4 & ~15
            cb = cb & 15 == 0 ? fresh : cb
            if Parts.pair { cc = cc & 15 == 0 ? fresh : cc }
        }
        var p: Int
        var dot = 0, sa = 0, sb = 0, sc = 0
        let set = d &* 16 &+ m
        let w = weights + set &* 4
        if Parts.mixing {
            sa = Int(stretch[ca &>> 4]); sb = Int(stretch[cb &>> 4])
            if Parts.pair { sc = Int(stretch[cc &>> 4]) }
            dot = (Int(w[0]) &* sa &+ Int(w[1]) &* sb &+ Int(w[2]) &* sc &+ Int(w[3]) &* 256) &>> 16
            dot = Swift.max(-2047, Swift.min(2047, dot))
            p = Int(squash[dot &+ 2048])
        } else {
            p = ((ca &>> 4) &+ (cb &>> 4)) &<< 3
            if Parts.secondary { dot = Int(stretch[p &>> 4]) }
        }
        var sw = 0, ai = 0
        if Parts.secondary {
            let pos = (dot &+ 2048) &* 32
            sw = pos & 4095
            ai = set &* 33 &+ (pos &>> 12)
            let pa = (Int(apm[ai]) &* (4096 &- sw) &+ Int(apm[ai &+ 1]) &* sw) &>> 12
            p = (p &+ 3 &* pa) &>> 2
        }
        // Bounded away from 0 and 1 by one OR instead of two comparisons on the path to the coder: the
        // average is below 65,520, and setting bit 5 moves it by at most 32/65,536.
        p = Parts.mixing || Parts.secondary ? Swift.max(32, Swift.min(65504, p)) : p | 32
        let y = coder.code(bit, probabilityOfOne: UInt32(truncatingIfNeeded: p))
        counters[a] = UInt16(truncatingIfNeeded: ca &+ (((y ? 65535 : 0) &- ca) &>> 5))
        counters[b] = RunCounter.updated(cb, y, rates)
        if Parts.pair { counters[c] = RunCounter.updated(cc, y, rates) }
        if Parts.mixing {
            let err = ((y ? 4096 : 0) &- (Int(squash[dot &+ 2048]) &>> 4)) &* 6
            w[0] = Int32(truncatingIfNeeded: Int(w[0]) &+ ((sa &* err) &>> 14))
            w[1] = Int32(truncatingIfNeeded: Int(w[1]) &+ ((sb &* err) &>> 14))
            if Parts.pair { w[2] = Int32(truncatingIfNeeded: Int(w[2]) &+ ((sc &* err) &>> 14)) }
            w[3] = Int32(truncatingIfNeeded: Int(w[3]) &+ ((256 &* err) &>> 14))
        }
        if Parts.secondary {
            let target = y ? 65535 : 0
            let u = Int(apm[ai]), v = Int(apm[ai &+ 1])
            apm[ai] = UInt16(truncatingIfNeeded: u &+ (((target &- u) &* (4096 &- sw)) &>> 18))
            apm[ai &+ 1] = UInt16(truncatingIfNeeded: v &+ (((target &- v) &* sw) &>> 18))
        }
        return y
    }

    /// Codes one run as `BWTRunModel.codeRun` does (same arguments and results).
    @inline(__always)
    mutating func codeRun<C: BinaryCoder>(rank: Int, length: Int, first: Bool,
                                          _ mtf: UnsafeMutablePointer<UInt8>, _ coder: inout C) -> (rank: Int, length: Int)? {
        let ctx = lastRank &<< 2 | lastLength
        let actx = Parts.wide ? olderRank &<< 4 | ctx : ctx
        let ashift = Parts.wide ? 6 : 4
        let previous = Int(mtf[0])
        var r = 0
        if first {
            for k in stride(from: 7, through: 0, by: -1) {
                let bit = coder.code((rank &>> k) & 1 != 0, probabilityOfOne: 1 << 15)
                r = r &<< 1 | (bit ? 1 : 0)
            }
        } else {
            r = 1
            while r <= Self.unaryRanks {
                let d = r &- 1
                let candidate = Int(mtf[r])
                let b = Self.byteBase &+ ((d &<< 8 | candidate) &<< 2 | lastRank)
                if code(rank == r, d, d &<< ashift | actx, b, Self.pairIndex(d, previous, candidate), ctx, &coder) { break }
                r &+= 1
            }
            if r > Self.unaryRanks {
                // v = r − unaryRanks: ⌊log2 v⌋ in unary, then the bits below the top one.
                let v = rank &- Self.unaryRanks
                let e = v > 0 ? Int.bitWidth &- 1 &- v.leadingZeroBitCount : 0
                let prev4 = previous &<< 2
                let front1 = Int(mtf[1])
                var k = 0
                while k < 7 {
                    let d = 8 &+ k
                    if code(e == k, d, d &<< ashift | actx, Self.byteBase &+ (d &<< 10 | prev4 | lastRank),
                            Self.pairIndex(d, previous, front1), ctx, &coder) { break }
                    k &+= 1
                }
                var node = 1
                var j = k &- 1
                while j >= 0 {
                    let d = 16 &+ Swift.min(node, 15)
                    let bit = code((v &>> j) & 1 != 0, d, d &<< ashift | actx, Self.byteBase &+ (d &<< 10 | prev4),
                                   Self.pairIndex(d, previous, node & 255), ctx, &coder)
                    node = node &<< 1 | (bit ? 1 : 0)
                    j &-= 1
                }
                r = node &+ Self.unaryRanks
                if r > 255 { return nil }
            }
        }
        // The length: its bucket ⌊log2 L⌋ in unary, then the bits below the top one.
        let byte = first ? r : Int(mtf[r])
        let rb = RunCounter.rankBucket(r)
        let lc = rb &<< 2 | lastLength
        let alc = Parts.wide ? lastRank &<< 4 | lc : lc
        let e = length > 0 ? Int.bitWidth &- 1 &- length.leadingZeroBitCount : 0
        var k = 0
        while true {
            if k == 31 { return nil }
            let d = 32 &+ Swift.min(k, 15)
            if code(e == k, d, d &<< ashift | alc, Self.byteBase &+ ((d &<< 8 | byte) &<< 2 | lastLength),
                    Self.pairIndex(d, byte, previous), lc, &coder) { break }
            k &+= 1
        }
        var l = 1
        var j = k &- 1
        let bitRow = 48 &+ Swift.min(k, 7) &* 2
        while j >= 0 {
            let d = bitRow &+ (j == k &- 1 ? 1 : 0)
            let bit = code((length &>> j) & 1 != 0, d, d &<< ashift | alc, Self.byteBase &+ (d &<< 8 | byte) &<< 2,
                           Self.pairIndex(d, byte, previous), lc, &coder)
            l = l &<< 1 | (bit ? 1 : 0)
            j &-= 1
        }
        olderRank = lastRank
        lastRank = rb
        lastLength = RunCounter.lengthBucket(l)
        return (r, l)
    }
}

/// Format 1 of the run model (levels 1…5).
typealias SecondRunModel = BWTRunMixModel<112>
/// `SecondRunModel` with a mixer, a secondary estimate and pair counters, for the bench.
typealias MixedRunModel = BWTRunMixModel<119>
