#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One side of a binary arithmetic coder: the encoder codes the given bit and
/// returns it, the decoder ignores it and returns the decoded bit, so the
/// model code that drives them is written once and cannot drift apart.
protocol BinaryCoder {
    /// `p`: P(bit = 1) in 16 bits, 1…65535.
    mutating func code(_ bit: Bool, probabilityOfOne p: UInt32) -> Bool
}

extension RangeEncoder: BinaryCoder {
    @inline(__always)
    mutating func code(_ bit: Bool, probabilityOfOne p: UInt32) -> Bool {
        encodeBit(bit, probabilityOfOne: p)
        return bit
    }
}

extension RangeDecoder: BinaryCoder {
    @inline(__always)
    mutating func code(_ bit: Bool, probabilityOfOne p: UInt32) -> Bool {
        decodeBit(probabilityOfOne: p)
    }
}

/// The adaptive model of move-to-front ranks of a BWT block, coded as binary
/// decisions: "rank 0?", "rank 1?", "rank 2?", then for r ≥ 3 the bucket
/// ⌊log2(r − 2)⌋ in unary and the bits below its top bit through a bit tree.
///
/// Each decision has three predictions from probability counters, each a
/// fast and a slow adaptive average whose rates start at 1/1.5 and fall with
/// the number of updates (to 1/5.5 and 1/256), averaged. Their contexts are
/// the decision with (a) the length of the current zero run and the last
/// nonzero rank, (b) the previous byte of the BWT output, (c) the previous
/// byte and the byte at move-to-front position 1 (position 2 for "rank 2?"),
/// or for the later decisions that byte alone. A logistic mixer combines them
/// (weights per decision, zero-run length and last rank, trained online by
/// gradient descent on coding cost: Mahoney, "Adaptive weighing of context
/// models for lossless data compression", FIT report CS-2005-16). Two
/// secondary estimates (adaptive maps from the mixed probability in 33
/// interpolated steps, per decision with the zero-run length and with the
/// previous byte) refine it. Structured binarization of MTF ranks follows
/// Fenwick, "Block sorting text compression", ACSC 1996.
///
/// Memory: about 8 MB of tables, whatever the block size.
struct BWTRankModel {
    /// Decisions: 0…2 rank 0/1/2, 3…9 bucket unary, 10 + (1 << e | node) mantissa bits.
    static let decisions = 266
    static let runBuckets = 12
    static let lastBuckets = 4
    static let mixerSets = 11 * runBuckets * lastBuckets
    static let inputs = 4

    /// Per context four 16-bit words: fast P(1), slow P(1), update count, unused.
    var runCounters: UnsafeMutablePointer<UInt16>
    var byteCounters: UnsafeMutablePointer<UInt16>
    var pairCounters: UnsafeMutablePointer<UInt16>
    var weights: UnsafeMutablePointer<Int32>
    /// Secondary estimation: per decision and zero-run length, 33 probabilities over the stretched input.
    var sse: UnsafeMutablePointer<UInt16>
    /// Secondary estimation per decision and previous byte.
    var byteSSE: UnsafeMutablePointer<UInt16>
    /// Copies of the fixed tables, so the hot loop reads them without global-initialization checks.
    let stretch: UnsafeMutablePointer<Int16>
    let squash: UnsafeMutablePointer<UInt16>
    let rates: UnsafeMutablePointer<Int32>

    /// The state: zero-run length so far, bucket of the last nonzero rank, previous byte.
    var run = 0
    var lastBucket = 0
    var previousByte = 0
    /// The bytes at move-to-front positions 1 and 2 (position 0 is the previous byte).
    var front1 = 1
    var front2 = 2

    static let runContexts = decisions * runBuckets * lastBuckets
    static let byteContexts = decisions * 256
    static let pairContexts = 3 * 65536 + decisions * 256
    static let sseDecisions = decisions
    static let sseContexts = sseDecisions * runBuckets

    init() {
        stretch = .allocate(capacity: 4096)
        stretch.initialize(from: StretchTable.stretchTable, count: 4096)
        squash = .allocate(capacity: 4096)
        squash.initialize(from: StretchTable.squashTable, count: 4096)
        rates = .allocate(capacity: 256)
        rates.initialize(from: StretchTable.rateTable, count: 256)
        runCounters = Self.counters(Self.runContexts)
        byteCounters = Self.counters(Self.byteContexts)
        pairCounters = Self.counters(Self.pairContexts)
        weights = .allocate(capacity: Self.inputs * Self.mixerSets)
        for k in 0..<Self.mixerSets {
            weights[Self.inputs * k] = 22000
            weights[Self.inputs * k + 1] = 22000
            weights[Self.inputs * k + 2] = 22000
            weights[Self.inputs * k + 3] = 0
        }
        sse = Self.map(Self.sseContexts)
        byteSSE = Self.map(Self.sseDecisions * 256)
    }

    /// Secondary-estimation maps that start as the identity.
    static func map(_ contexts: Int) -> UnsafeMutablePointer<UInt16> {
        let m = UnsafeMutablePointer<UInt16>.allocate(capacity: 33 * contexts)
        for c in 0..<contexts {
            for j in 0..<33 { m[c * 33 + j] = StretchTable.squash16((j - 16) * 128) }
        }
        return m
    }

    static func counters(_ count: Int) -> UnsafeMutablePointer<UInt16> {
        let c = UnsafeMutablePointer<UInt16>.allocate(capacity: 4 * count)
        for k in 0..<count {
            c[4 * k] = 1 << 15
            c[4 * k + 1] = 1 << 15
            c[4 * k + 2] = 0
            c[4 * k + 3] = 0
        }
        return c
    }

    func deallocate() {
        runCounters.deallocate()
        byteCounters.deallocate()
        pairCounters.deallocate()
        weights.deallocate()
        sse.deallocate()
        byteSSE.deallocate()
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
        Int(stretch[(Int(c[i]) &+ Int(c[i &+ 1])) &>> 5])
    }

    /// Moves both averages toward the bit; the rate is 1/(n + 1.5) for the
    /// n-th update, but never below 1/5.5 (fast) and 1/256 (slow).
    @inline(__always)
    func update(_ c: UnsafeMutablePointer<UInt16>, _ i: Int, _ target: Int) {
        let n = Int(c[i &+ 2])
        let f = Int(c[i]), s = Int(c[i &+ 1])
        let rf = Int(rates[Swift.min(n, 4)]), rs = Int(rates[n])
        c[i] = UInt16(truncatingIfNeeded: f &+ (((target &- f) &* rf) &>> 16))
        c[i &+ 1] = UInt16(truncatingIfNeeded: s &+ (((target &- s) &* rs) &>> 16))
        if n < 255 { c[i &+ 2] = UInt16(truncatingIfNeeded: n &+ 1) }
    }

    /// Codes decision `d` (bit: the encoder's value) and updates every table on the way.
    @inline(__always)
    mutating func code<C: BinaryCoder>(_ bit: Bool, decision d: Int, runBucket rb: Int, _ coder: inout C) -> Bool {
        let ia = 4 &* ((d &* Self.runBuckets &+ rb) &* Self.lastBuckets &+ lastBucket)
        let ib = 4 &* (d &* 256 &+ previousByte)
        let pair = previousByte &<< 8 | (d == 2 ? front2 : front1)
        let ic = 4 &* (d < 3 ? d &* 65536 &+ pair : 3 &* 65536 &+ d &* 256 &+ front1)
        let sa = predict(runCounters, ia), sb = predict(byteCounters, ib), sc = predict(pairCounters, ic)
        let set = Self.inputs &* ((Swift.min(d, 10) &* Self.runBuckets &+ rb) &* Self.lastBuckets &+ lastBucket)
        let w0 = Int(weights[set]), w1 = Int(weights[set &+ 1]), w2 = Int(weights[set &+ 2]), w3 = Int(weights[set &+ 3])
        var dot = (w0 &* sa &+ w1 &* sb &+ w2 &* sc &+ w3 &* 256) &>> 16
        dot = Swift.max(-2047, Swift.min(2047, dot))
        let pm = Int(squash[dot &+ 2048])
        // Secondary estimation, interpolated between two of 33 steps.
        var p = pm
        var sIndex = -1, bIndex = 0, sWeight = 0
        if d < Self.sseDecisions {
            let pos = (dot &+ 2048) &* 32
            let j = pos &>> 12
            sWeight = pos & 4095
            sIndex = (d &* Self.runBuckets &+ rb) &* 33 &+ j
            bIndex = (d &* 256 &+ previousByte) &* 33 &+ j
            let se = (Int(sse[sIndex]) &* (4096 &- sWeight) &+ Int(sse[sIndex &+ 1]) &* sWeight) &>> 12
            let sb = (Int(byteSSE[bIndex]) &* (4096 &- sWeight) &+ Int(byteSSE[bIndex &+ 1]) &* sWeight) &>> 12
            p = (2 &* pm &+ 3 &* se &+ 3 &* sb) &>> 3
        }
        p = Swift.max(32, Swift.min(65504, p))
        let y = coder.code(bit, probabilityOfOne: UInt32(p))

        // Updates: counters, mixer (error in 12 bits), secondary map.
        let target = y ? 65535 : 0
        update(runCounters, ia, target)
        update(byteCounters, ib, target)
        update(pairCounters, ic, target)
        let err = ((y ? 4096 : 0) &- (pm &>> 4)) &* 6
        let lr = 14
        weights[set] = Int32(truncatingIfNeeded: w0 &+ ((sa &* err) &>> lr))
        weights[set &+ 1] = Int32(truncatingIfNeeded: w1 &+ ((sb &* err) &>> lr))
        weights[set &+ 2] = Int32(truncatingIfNeeded: w2 &+ ((sc &* err) &>> lr))
        weights[set &+ 3] = Int32(truncatingIfNeeded: w3 &+ ((256 &* err) &>> lr))
        if sIndex >= 0 {
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

    /// After each coded byte: the byte and the move-to-front list's next two become the contexts.
    @inline(__always)
    mutating func push(byte b: Int, front1 f1: UInt8, front2 f2: UInt8) {
        front1 = Int(f1)
        front2 = Int(f2)
        previousByte = b
    }

    /// Codes one rank (the encoder's value; the decoder passes 0) and returns it,
    /// or -1 if the decoded bits name a rank above 255.
    @inline(__always)
    mutating func codeRank<C: BinaryCoder>(_ rank: Int, _ coder: inout C) -> Int {
        let rb = Self.runBucket(run)
        if code(rank == 0, decision: 0, runBucket: rb, &coder) {
            run &+= 1
            return 0
        }
        run = 0
        var r: Int
        if code(rank == 1, decision: 1, runBucket: rb, &coder) {
            r = 1
        } else if code(rank == 2, decision: 2, runBucket: rb, &coder) {
            r = 2
        } else {
            let v = rank &- 2 // 1…253 for the encoder
            let e = v > 0 ? Int.bitWidth &- 1 &- v.leadingZeroBitCount : 0
            var k = 0
            while k < 7 {
                if code(e == k, decision: 3 &+ k, runBucket: rb, &coder) { break }
                k &+= 1
            }
            var node = 1
            for j in stride(from: k &- 1, through: 0, by: -1) {
                let bit = code((v &>> j) & 1 != 0, decision: 10 &+ ((1 &<< k) | node), runBucket: rb, &coder)
                node = node &<< 1 | (bit ? 1 : 0)
            }
            r = node &+ 2
            if r > 255 { return -1 }
        }
        lastBucket = Self.lastBucket(r)
        return r
    }
}

/// ln(p / (1 − p)) and its inverse in fixed point: stretch maps a 12-bit
/// probability to −2047…2047 (units of 1/256), squash16 maps back to 16 bits.
enum StretchTable {
    static let stretchTable: [Int16] = (0..<4096).map { i in
        let p = (Double(i) + 0.5) / 4096
        return Int16(Swift.max(-2047, Swift.min(2047, (log(p / (1 - p)) * 256).rounded())))
    }

    static let squashTable: [UInt16] = (0..<4096).map { i in
        let x = Double(i - 2048) / 256
        return UInt16(Swift.max(1, Swift.min(65535, (65536 / (1 + exp(-x))).rounded())))
    }

    @inline(__always)
    static func stretch(_ p12: Int) -> Int16 {
        stretchTable.withUnsafeBufferPointer { $0[p12 & 4095] }
    }

    /// 65536 / (n + 1.5), floored at 65536 / 256: counter update rates.
    static let rateTable: [Int32] = (0..<256).map { n in Int32(Swift.max(256.0, 65536 / (Double(n) + 1.5)).rounded()) }

    @inline(__always)
    static func squash16(_ x: Int) -> UInt16 {
        squashTable.withUnsafeBufferPointer { $0[(Swift.max(-2048, Swift.min(2047, x)) &+ 2048)] }
    }
}
