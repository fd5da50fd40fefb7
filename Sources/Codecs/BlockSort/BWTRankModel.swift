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
/// Each decision has two predictions, from two-rate probability counters
/// (a fast and a slow exponential average, averaged): one in the context of
/// the decision, the length of the current zero run and the last nonzero
/// rank; one in the context of the decision and the previous byte of the BWT
/// output. They are combined by a logistic mixer (weights trained online by
/// gradient descent on coding cost, Mahoney, "Adaptive weighing of context
/// models for lossless data compression", FIT tech. report CS-2005-16), then
/// refined by secondary estimation (an adaptive map from the mixed
/// probability, in 33 interpolated steps, and the zero-run context) averaged
/// with the mixer's output. Structured binarizations of MTF ranks follow
/// Fenwick, "Block sorting text compression", ACSC 1996.
///
/// Memory: about 0.8 MB of tables, whatever the block size.
struct BWTRankModel {
    /// Decisions: 0…2 rank 0/1/2, 3…9 bucket unary, 10 + (1 << e | node) mantissa bits.
    static let decisions = 266
    static let runBuckets = 12
    static let lastBuckets = 4
    static let mixerSets = 11

    /// Two 16-bit probabilities (fast, slow) per context, P(bit = 1).
    var runCounters: UnsafeMutablePointer<UInt16>
    var byteCounters: UnsafeMutablePointer<UInt16>
    var weights: UnsafeMutablePointer<Int32>
    /// Secondary estimation: per zero-run context, 33 probabilities over the stretched input.
    var sse: UnsafeMutablePointer<UInt16>

    /// The state: zero-run length so far, bucket of the last nonzero rank, previous byte.
    var run = 0
    var lastBucket = 0
    var previousByte = 0

    static let runContexts = decisions * runBuckets * lastBuckets
    static let byteContexts = decisions * 256
    static let sseContexts = 3 * runBuckets

    init() {
        runCounters = .allocate(capacity: 2 * Self.runContexts)
        runCounters.initialize(repeating: 1 << 15, count: 2 * Self.runContexts)
        byteCounters = .allocate(capacity: 2 * Self.byteContexts)
        byteCounters.initialize(repeating: 1 << 15, count: 2 * Self.byteContexts)
        weights = .allocate(capacity: 3 * Self.mixerSets)
        for k in 0..<Self.mixerSets {
            weights[3 * k] = 1 << 15
            weights[3 * k + 1] = 1 << 15
            weights[3 * k + 2] = 0
        }
        sse = .allocate(capacity: 33 * Self.sseContexts)
        for c in 0..<Self.sseContexts {
            for j in 0..<33 { sse[c * 33 + j] = UInt16(Swift.min(65535, Int(StretchTable.squash16((j - 16) * 128)))) }
        }
    }

    func deallocate() {
        runCounters.deallocate()
        byteCounters.deallocate()
        weights.deallocate()
        sse.deallocate()
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

    /// Codes decision `d` (bit: the encoder's value) and updates every table on the way.
    @inline(__always)
    mutating func code<C: BinaryCoder>(_ bit: Bool, decision d: Int, runBucket rb: Int, _ coder: inout C) -> Bool {
        let ia = 2 &* ((d &* Self.runBuckets &+ rb) &* Self.lastBuckets &+ lastBucket)
        let ib = 2 &* (d &* 256 &+ previousByte)
        let pa = (Int(runCounters[ia]) &+ Int(runCounters[ia &+ 1])) &>> 5
        let pb = (Int(byteCounters[ib]) &+ Int(byteCounters[ib &+ 1])) &>> 5
        let sa = Int(StretchTable.stretch(pa)), sb = Int(StretchTable.stretch(pb))
        let set = 3 &* Swift.min(d, Self.mixerSets &- 1)
        let w0 = Int(weights[set]), w1 = Int(weights[set &+ 1]), w2 = Int(weights[set &+ 2])
        var dot = (w0 &* sa &+ w1 &* sb &+ w2 &* 256) &>> 16
        dot = Swift.max(-2047, Swift.min(2047, dot))
        let pm = Int(StretchTable.squash16(dot))
        // Secondary estimation for the first three decisions, interpolated between two of 33 steps.
        var p = pm
        var sIndex = -1, sWeight = 0
        if d < 3 {
            let pos = (dot &+ 2048) &* 32
            let j = pos &>> 12
            sWeight = pos & 4095
            sIndex = (d &* Self.runBuckets &+ rb) &* 33 &+ j
            let se = (Int(sse[sIndex]) &* (4096 &- sWeight) &+ Int(sse[sIndex &+ 1]) &* sWeight) &>> 12
            p = (pm &+ 3 &* se) &>> 2
        }
        p = Swift.max(32, Swift.min(65504, p))
        let y = coder.code(bit, probabilityOfOne: UInt32(p))

        // Updates: counters, mixer (error in 12 bits), secondary map.
        let target = y ? 65535 : 0
        @inline(__always) func update(_ c: UnsafeMutablePointer<UInt16>, _ i: Int) {
            let f = Int(c[i]), s = Int(c[i &+ 1])
            c[i] = UInt16(truncatingIfNeeded: f &+ ((target &- f) &>> 4))
            c[i &+ 1] = UInt16(truncatingIfNeeded: s &+ ((target &- s) &>> 7))
        }
        update(runCounters, ia)
        update(byteCounters, ib)
        let err = ((y ? 4096 : 0) &- (pm &>> 4)) &* 6
        weights[set] = Int32(truncatingIfNeeded: w0 &+ ((sa &* err) &>> 14))
        weights[set &+ 1] = Int32(truncatingIfNeeded: w1 &+ ((sb &* err) &>> 14))
        weights[set &+ 2] = Int32(truncatingIfNeeded: w2 &+ ((256 &* err) &>> 14))
        if sIndex >= 0 {
            let a = Int(sse[sIndex]), b = Int(sse[sIndex &+ 1])
            sse[sIndex] = UInt16(truncatingIfNeeded: a &+ (((target &- a) &* (4096 &- sWeight)) &>> 18))
            sse[sIndex &+ 1] = UInt16(truncatingIfNeeded: b &+ (((target &- b) &* sWeight) &>> 18))
        }
        return y
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

    @inline(__always)
    static func squash16(_ x: Int) -> UInt16 {
        squashTable.withUnsafeBufferPointer { $0[(Swift.max(-2048, Swift.min(2047, x)) &+ 2048)] }
    }
}
