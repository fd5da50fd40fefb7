/// What both run models (format 0 `BWTRunModel`, format 1 `BWTRunMixModel`)
/// share: the buckets of the last run, and counter (b), a 12-bit probability
/// above a 4-bit update count that moves by 1/(1.5·n + 1.5).
enum RunCounter {
    /// 65536 / (1.5·n + 1.5) for n = 0…15.
    static func makeRates() -> UnsafeMutablePointer<Int32> {
        let rates = UnsafeMutablePointer<Int32>.allocate(capacity: 16)
        for n in 0..<16 { rates[n] = Int32(131_072 / (3 * n + 3)) }
        return rates
    }

    @inline(__always)
    static func rankBucket(_ r: Int) -> Int { r < 2 ? 0 : r < 3 ? 1 : r < 5 ? 2 : 3 }

    @inline(__always)
    static func lengthBucket(_ l: Int) -> Int { l < 2 ? 0 : l < 3 ? 1 : l < 5 ? 2 : 3 }

    /// Counter `c` after bit `y`.
    @inline(__always)
    static func updated(_ c: Int, _ y: Bool, _ rates: UnsafeMutablePointer<Int32>) -> UInt16 {
        let n = c & 15, p = c &>> 4
        let next = p &+ ((((y ? 4095 : 0) &- p) &* Int(rates[n])) &>> 16)
        return UInt16(truncatingIfNeeded: next &<< 4 | (n < 15 ? n &+ 1 : 15))
    }
}

/// The fast second stage of `bwt` levels 1…5 in payload format 0: the BWT
/// output as runs of equal bytes, each run coded as the move-to-front rank
/// of its byte and its length, both as binary decisions. Format 1
/// (`SecondRunModel`, a variation of this model) writes those levels now;
/// this one still decodes what earlier builds wrote.
///
/// Why runs: `BWTRankModel` asks "rank 0?" once per byte, and on text about
/// two bytes in three are rank 0. Here a run costs one length, so a byte
/// inside a run costs no decision. The first run of a sort block gives its
/// byte in 8 bits at probability ½. Every later run's byte differs from the
/// one before, so its rank r is at least 1:
///
/// - "r = 1?" … "r = 4?" in turn, each with the candidate byte (the byte at
///   that list position) as context. This is the exclusion idea of PPM.
/// - Then, for v = r − 4, ⌊log2 v⌋ in unary: "= 0?" … "= 6?", with none after
///   6. Then the bits of v below its top bit.
///
/// The run length L is coded the same way: ⌊log2 L⌋ in unary ("= 0?",
/// "= 1?", … up to 30), then the bits of L below its top bit.
///
/// Each decision's probability is the plain average of two adaptive counters.
/// There is no mixer: it would cost more time than it saves bits.
/// - Counter (a) takes the decision with the buckets of the last run's rank
///   and length (for a length: this run's rank and the last length). Its
///   contexts are few and busy, so it is a 16-bit probability that moves 1/32
///   of the way toward each bit.
/// - Counter (b) takes the decision with a byte: the candidate for "r = k?",
///   the byte at position 0 for the rest of the rank, this run's byte for the
///   length. For most decisions the last bucket is added too. Its contexts
///   are many and some are rare, so it is a 12-bit probability above a 4-bit
///   update count n. It moves toward each bit by 1/(1.5·n + 1.5), from 1/1.5
///   down to 1/24, so it learns fast at first and then settles.
///
/// The tables hold 66,560 counters (130 KB); they stay in the level-2 cache.
/// On bible.txt this makes about 1.9 decisions per byte; `BWTRankModel`
/// makes 2.4, each of them far dearer.
struct BWTRunModel: ~Copyable {
    /// Decision numbers: 0…3 "r = k + 1?", 8…14 the rank's bucket, 16…31
    /// its bits (by tree node), 32…47 the length's bucket, 48…63 its bits.
    static let decisions = 64
    static let unaryRanks = 4
    /// Counters (a): decision × 16 run contexts; then (b): decision × 256 bytes × 4.
    static let byteBase = decisions * 16
    static let counterCount = byteBase + decisions * 256 * 4

    let counters: UnsafeMutablePointer<UInt16>
    /// 65536 / (1.5·n + 1.5) for n = 0…15.
    let rates: UnsafeMutablePointer<Int32>
    /// Buckets (0…3) of the last run's rank and length.
    var lastRank = 0
    var lastLength = 0

    init() {
        counters = .allocate(capacity: Self.counterCount)
        counters.initialize(repeating: 2048 << 4, count: Self.counterCount)
        rates = RunCounter.makeRates()
    }

    deinit {
        counters.deallocate()
        rates.deallocate()
    }

    /// Codes one decision with counters `a` and `b` (indices into `counters`) and updates both.
    @inline(__always)
    func code<C: BinaryCoder>(_ bit: Bool, _ a: Int, _ b: Int, _ coder: inout C) -> Bool {
        let ca = Int(counters[a]), cb = Int(counters[b])
        let p = Swift.max(32, Swift.min(65504, ((ca &>> 4) &+ (cb &>> 4)) &<< 3))
        let y = coder.code(bit, probabilityOfOne: UInt32(truncatingIfNeeded: p))
        counters[a] = UInt16(truncatingIfNeeded: ca &+ (((y ? 65535 : 0) &- ca) &>> 5))
        counters[b] = RunCounter.updated(cb, y, rates)
        return y
    }

    /// Codes one run: for the encoder its byte's rank in `mtf` (before the
    /// byte moves to the front) and its length; the decoder passes zeros.
    /// `first`: the run opens a sort block, so its byte is sent whole (the
    /// list is then 0…255, so its rank is the byte itself). Returns the rank
    /// and the length, or nil if the decoded bits name a rank above 255 or
    /// a length of 2^31 or more.
    @inline(__always)
    mutating func codeRun<C: BinaryCoder>(rank: Int, length: Int, first: Bool,
                                          _ mtf: UnsafeMutablePointer<UInt8>, _ coder: inout C) -> (rank: Int, length: Int)? {
        let ctx = lastRank &<< 2 | lastLength
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
                let b = Self.byteBase &+ ((d &<< 8 | Int(mtf[r])) &<< 2 | lastRank)
                if code(rank == r, d &<< 4 | ctx, b, &coder) { break }
                r &+= 1
            }
            if r > Self.unaryRanks {
                let v = rank &- Self.unaryRanks // 1…251 for the encoder
                let e = v > 0 ? Int.bitWidth &- 1 &- v.leadingZeroBitCount : 0
                let previous = Int(mtf[0]) &<< 2
                var k = 0
                while k < 7 {
                    let d = 8 &+ k
                    if code(e == k, d &<< 4 | ctx, Self.byteBase &+ (d &<< 10 | previous | lastRank), &coder) { break }
                    k &+= 1
                }
                var node = 1
                var j = k &- 1
                while j >= 0 {
                    let d = 16 &+ Swift.min(node, 15)
                    let bit = code((v &>> j) & 1 != 0, d &<< 4 | ctx, Self.byteBase &+ (d &<< 10 | previous), &coder)
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
        let e = length > 0 ? Int.bitWidth &- 1 &- length.leadingZeroBitCount : 0
        var k = 0
        while true {
            if k == 31 { return nil }
            let d = 32 &+ Swift.min(k, 15)
            if code(e == k, d &<< 4 | lc, Self.byteBase &+ ((d &<< 8 | byte) &<< 2 | lastLength), &coder) { break }
            k &+= 1
        }
        var l = 1
        var j = k &- 1
        let bitRow = 48 &+ Swift.min(k, 7) &* 2
        while j >= 0 {
            let d = bitRow &+ (j == k &- 1 ? 1 : 0)
            let bit = code((length &>> j) & 1 != 0, d &<< 4 | lc, Self.byteBase &+ (d &<< 8 | byte) &<< 2, &coder)
            l = l &<< 1 | (bit ? 1 : 0)
            j &-= 1
        }
        lastRank = rb
        lastLength = RunCounter.lengthBucket(l)
        return (r, l)
    }
}
