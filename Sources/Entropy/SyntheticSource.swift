#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number
/// generators", ACM TOMS 47(4), 2021), its 256-bit state filled from the seed
/// by SplitMix64 (Steele, Lea & Flood 2014), as its authors recommend. Integer
/// only, so a seed gives the same stream on every machine.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform double in [0, 1) from the top 53 bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

/// A distribution over `count` symbols held as 32-bit integer thresholds: a
/// symbol is drawn by comparing the top 32 bits of one PRNG output with them, so
/// sampling is exact integer arithmetic, and `probabilities` are the exact
/// probabilities of what is drawn (the given ones rounded to multiples of 2^−32).
public struct QuantizedDistribution: Sendable, Equatable {
    /// Cumulative upper bounds, the last = 2^32; a symbol of probability 0 repeats the bound before it.
    public let thresholds: [UInt64]
    public var probabilities: [Double] {
        var last: UInt64 = 0
        return thresholds.map { t -> Double in
            defer { last = t }
            return Double(t - last) * 0x1p-32
        }
    }
    public var count: Int { thresholds.count }

    /// nil unless the weights are finite, non-negative and not all 0 (they are normalised).
    public init?(_ weights: [Double]) {
        guard !weights.isEmpty, weights.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
        let total = weights.reduce(0, +)
        guard total > 0 else { return nil }
        var cumulative = 0.0
        var out: [UInt64] = []
        for w in weights {
            cumulative += w / total
            out.append(UInt64((Swift.min(cumulative, 1) * 0x1p32).rounded()))
        }
        // Rounding must not lose the top: the last bound is exactly 2^32.
        out[out.count - 1] = 1 << 32
        thresholds = out
    }

    @inline(__always)
    func draw(_ u: UInt64) -> Int {
        let x = u >> 32
        var i = 0
        while i < thresholds.count - 1 && x >= thresholds[i] { i += 1 }
        return i
    }

    /// Entropy in bits.
    public var entropy: Double {
        probabilities.reduce(0) { $0 - ($1 > 0 ? $1 * log2($1) : 0) }
    }
}

/// Sources whose entropy rate is known, for checking estimators: i.i.d. symbols,
/// Markov chains of order 1–3, and a hidden-Markov chain. Symbols are written one
/// byte each: 'a', 'b', … for alphabets of up to 26 symbols, else byte values
/// 0…A−1; so bits per symbol and bits per byte are the same figure.
///
/// Every process is started in its stationary distribution, so every position
/// has the same law and the rate holds from the first byte.
public enum SyntheticSource: Sendable, Equatable {
    /// Independent symbols with this distribution.
    case iid(QuantizedDistribution)
    /// Order-k chain: `rows[c]` is the next-symbol law after context c, where c =
    /// Σ_j s_{t−j} A^{j−1} (the latest symbol in the lowest digit); A^k rows.
    case markov(order: Int, rows: [QuantizedDistribution])
    /// Hidden states with `transitions` (S rows of S), each emitting a symbol by `emissions` (S rows of A).
    case hmm(transitions: [QuantizedDistribution], emissions: [QuantizedDistribution])

    public var alphabetSize: Int {
        switch self {
        case .iid(let p): return p.count
        case .markov(_, let rows): return rows.first?.count ?? 0
        case .hmm(_, let e): return e.first?.count ?? 0
        }
    }

    // MARK: Defaults

    /// 1/2, 1/4, 1/8, 1/8: entropy 1.75 bits exactly.
    public static let defaultProbabilities = [0.5, 0.25, 0.125, 0.125]

    /// An order-k chain over `alphabet` symbols whose rows are drawn from `seed`:
    /// each row's weights are u³ + 0.02 for uniform u (skewed, every transition possible).
    public static func seededMarkov(order: Int, alphabet: Int, seed: UInt64) -> SyntheticSource? {
        guard (1...3).contains(order), (2...256).contains(alphabet) else { return nil }
        var rng = Xoshiro256StarStar(seed: seed ^ 0x6D61_7472_6978) // "matrix": apart from the data stream
        var rows: [QuantizedDistribution] = []
        for _ in 0..<Int(pow(Double(alphabet), Double(order))) {
            let w = (0..<alphabet).map { _ -> Double in let u = rng.nextUnit(); return u * u * u + 0.02 }
            guard let q = QuantizedDistribution(w) else { return nil }
            rows.append(q)
        }
        return .markov(order: order, rows: rows)
    }

    /// Two hidden states that stay put for about 20 and 10 symbols, one emitting
    /// mostly 'a', the other mostly 'c' and 'd'.
    public static let defaultHMM: SyntheticSource = {
        let t = [[0.95, 0.05], [0.1, 0.9]].compactMap(QuantizedDistribution.init)
        let e = [[0.7, 0.1, 0.1, 0.1], [0.1, 0.1, 0.4, 0.4]].compactMap(QuantizedDistribution.init)
        return .hmm(transitions: t, emissions: e)
    }()

    // MARK: Generation

    /// `count` symbols, the same for the same seed on every machine.
    public func generate(count: Int, seed: UInt64) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var generator = SyntheticGenerator(self, seed: seed)
        out.withUnsafeMutableBufferPointer { generator.fill($0) }
        return out
    }

    /// The stationary law of the Markov contexts or the hidden states (power iteration;
    /// the chains here have every transition possible, so it converges). Empty for i.i.d.
    public var stationary: [Double] {
        let next: [[Double]]
        let map: (Int, Int) -> Int
        switch self {
        case .iid: return []
        case .markov(_, let rows):
            let a = alphabetSize, high = rows.count / a
            next = rows.map(\.probabilities)
            map = { c, s in (c % high) * a + s }
        case .hmm(let t, _):
            next = t.map(\.probabilities)
            map = { _, s in s }
        }
        let states = next.count
        var pi = [Double](repeating: 1 / Double(states), count: states)
        var step = [Double](repeating: 0, count: states)
        for _ in 0..<1_000_000 {
            // The lazy chain (P + I)/2 has the same stationary law and converges even when P is periodic.
            for i in 0..<states { step[i] = pi[i] / 2 }
            for c in 0..<states where pi[c] > 0 {
                for (s, q) in next[c].enumerated() where q > 0 { step[map(c, s)] += pi[c] * q / 2 }
            }
            var change = 0.0
            for i in 0..<states { change += abs(step[i] - pi[i]) }
            swap(&pi, &step)
            if change < 1e-15 { break }
        }
        return pi
    }

    /// The entropy rate: exact for i.i.d. and Markov sources, Birch's bounds for the
    /// hidden-Markov one.
    public var entropyRate: EntropyRate {
        switch self {
        case .iid(let p):
            return EntropyRate(bitsPerSymbol: p.entropy, lower: p.entropy, upper: p.entropy, exact: true, conditioningLength: 0)
        case .markov(let order, let rows):
            let pi = stationary
            var h = 0.0
            for (c, row) in rows.enumerated() { h += pi[c] * row.entropy }
            return EntropyRate(bitsPerSymbol: h, lower: h, upper: h, exact: true, conditioningLength: order)
        case .hmm(let t, let e):
            return HiddenMarkovEntropyRate.bounds(transitions: t.map(\.probabilities), emissions: e.map(\.probabilities),
                                                  initial: stationary)
        }
    }
}

/// Draws a source's symbols piece by piece (the pieces joined are what
/// `generate(count:seed:)` gives for the total), so any length streams in bounded memory.
public struct SyntheticGenerator: Sendable {
    let source: SyntheticSource
    var rng: Xoshiro256StarStar
    /// Markov context or hidden state; drawn from the stationary law on the first symbol.
    var state = -1
    let start: QuantizedDistribution?
    let letters: Bool

    public init(_ source: SyntheticSource, seed: UInt64) {
        self.source = source
        rng = Xoshiro256StarStar(seed: seed)
        start = QuantizedDistribution(source.stationary)
        letters = source.alphabetSize <= 26
    }

    public mutating func fill(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        guard let p = buffer.baseAddress else { return }
        let count = buffer.count
        switch source {
        case .iid(let dist):
            for i in 0..<count { p[i] = UInt8(truncatingIfNeeded: dist.draw(rng.next())) }
        case .markov(_, let rows):
            guard let start else { return }
            let a = source.alphabetSize, high = rows.count / a
            if state < 0 { state = start.draw(rng.next()) }
            var context = state
            for i in 0..<count {
                let s = rows[context].draw(rng.next())
                p[i] = UInt8(truncatingIfNeeded: s)
                // Drop the oldest symbol (highest digit), shift, put the new one lowest.
                context = (context % high) * a + s
            }
            state = context
        case .hmm(let transitions, let emissions):
            guard let start else { return }
            if state < 0 { state = start.draw(rng.next()) }
            var hidden = state
            for i in 0..<count {
                p[i] = UInt8(truncatingIfNeeded: emissions[hidden].draw(rng.next()))
                hidden = transitions[hidden].draw(rng.next())
            }
            state = hidden
        }
        if letters { for i in 0..<count { p[i] &+= 0x61 } }
    }
}

/// A source's entropy rate in bits per symbol (= bits per byte: one byte per symbol).
public struct EntropyRate: Sendable, Codable, Equatable {
    /// The rate, or for a hidden-Markov source the midpoint of its bounds.
    public let bitsPerSymbol: Double
    public let lower: Double
    public let upper: Double
    /// True for i.i.d. and Markov sources (closed form); false when only bounds are known.
    public let exact: Bool
    /// Markov order, or for the bounds the number of past symbols conditioned on.
    public let conditioningLength: Int
}

/// Birch's bounds on a hidden-Markov entropy rate (J. J. Birch, "Approximations
/// for the entropy for functions of Markov chains", Ann. Math. Statist. 33, 1962;
/// Cover & Thomas, Elements of Information Theory, 2nd ed., Theorem 4.5.1):
///     H(Y_m | Y_{m−1}, …, Y_1, X_1) ≤ H ≤ H(Y_m | Y_{m−1}, …, Y_1),
/// both converging to H as m grows. Computed exactly by summing over every output
/// string of length m with forward probabilities, m increased until the bounds
/// are within 10^−7 bits or A^m reaches `maximumStrings`.
public enum HiddenMarkovEntropyRate {
    public static let maximumStrings = 1 << 22

    public static func bounds(transitions: [[Double]], emissions: [[Double]], initial: [Double]) -> EntropyRate {
        let states = transitions.count
        let a = emissions.first?.count ?? 0
        guard states > 0, a > 0 else { return EntropyRate(bitsPerSymbol: 0, lower: 0, upper: 0, exact: true, conditioningLength: 0) }
        var previousJoint = 0.0, previousConditional = 0.0
        var lower = 0.0, upper = Double.infinity
        var m = 1
        var strings = a
        while true {
            let (joint, conditional) = blockEntropies(length: m, transitions: transitions, emissions: emissions, initial: initial)
            upper = joint - previousJoint
            lower = conditional - previousConditional
            previousJoint = joint
            previousConditional = conditional
            if upper - lower < 1e-7 || strings > maximumStrings / a { break }
            m += 1
            strings *= a
        }
        return EntropyRate(bitsPerSymbol: (lower + upper) / 2, lower: lower, upper: upper, exact: false, conditioningLength: m - 1)
    }

    /// H(Y_1…Y_m) and H(Y_1…Y_m | X_1) in bits, by depth-first enumeration of output strings.
    static func blockEntropies(length m: Int, transitions: [[Double]], emissions: [[Double]],
                               initial: [Double]) -> (joint: Double, conditional: Double) {
        let s = transitions.count
        let a = emissions[0].count
        // forward[d][x1 * s + x] = P(y_1..y_d, X_{d+1} = x | X_1 = x1)
        var forward = [[Double]](repeating: [Double](repeating: 0, count: s * s), count: m + 1)
        for x in 0..<s { forward[0][x * s + x] = 1 }
        var joint = 0.0, conditional = 0.0
        func visit(_ d: Int) {
            if d == m {
                var p = 0.0
                for x1 in 0..<s {
                    var q = 0.0
                    for x in 0..<s { q += forward[d][x1 * s + x] }
                    if q > 0 { conditional -= initial[x1] * q * log2(q) }
                    p += initial[x1] * q
                }
                if p > 0 { joint -= p * log2(p) }
                return
            }
            for y in 0..<a {
                var any = false
                for x1 in 0..<s {
                    for next in 0..<s {
                        var sum = 0.0
                        for x in 0..<s { sum += forward[d][x1 * s + x] * emissions[x][y] * transitions[x][next] }
                        forward[d + 1][x1 * s + next] = sum
                        if sum > 0 { any = true }
                    }
                }
                if any { visit(d + 1) }
            }
        }
        visit(0)
        return (joint, conditional)
    }
}
