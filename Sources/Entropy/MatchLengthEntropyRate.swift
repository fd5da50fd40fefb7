#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Transforms

/// The match-length entropy-rate estimator of Kontoyiannis, Algoet, Suhov &
/// Wyner, "Nonparametric entropy estimation for stationary processes and random
/// fields, with applications to English text" (IEEE Trans. Inf. Theory 44(3), 1998),
/// increasing-window form (their estimator built on Wyner & Ziv's and Ornstein &
/// Weiss's recurrence results).
///
/// For each position i ≥ 1, Λ_i is the length of the shortest string starting at
/// i that does not start anywhere in x[0..<i] (one more than the longest earlier
/// match; the earlier copy may run past i). Then
///     Ĥ = [ (1/(n−1)) Σ_{i=1}^{n−1} Λ_i / log2(i+1) ]^−1   bits per symbol.
/// (Position i sees a window of i symbols; log2(i+1) keeps i = 1 finite.)
///
/// Not a code length: it converges to the entropy rate of a stationary ergodic
/// source (for finite-memory sources — Markov chains, and hidden-Markov chains
/// with positive emission probabilities), but slowly, with a bias of order
/// 1/log n that makes it read a little low or high at any finite n.
///
/// Spread: batch means. The terms Λ_i / log2(i+1) are split into `batches`
/// consecutive batches; the standard error of their mean is the standard
/// deviation of the batch means over √batches, carried to Ĥ by the derivative of
/// 1/x (se(Ĥ) = Ĥ² · se(mean)). It measures sampling noise only, not the bias.
///
/// Cost: a suffix array, its LCP and the LPF array (Crochemore & Ilie 2008):
/// linear time, 12 bytes per input byte.
public struct MatchLengthRateEstimate: Sendable, Codable, Equatable {
    public let symbols: Int
    public let bitsPerSymbol: Double
    /// One standard error by batch means (bits per symbol); 0 when too short to say.
    public let standardError: Double
    public let batches: Int
    /// Mean of Λ_i over i = 1…n−1.
    public let meanMatchLength: Double
    /// The longest Λ_i seen.
    public let longestMatch: Int

    public static let assumptions = "stationary ergodic source; increasing window (each position matched "
        + "against everything before it); bias of order 1/log n; spread = batch-means standard error over "
        + "16 batches (sampling noise only)"
}

public enum MatchLengthEntropyRate {
    /// Inputs longer than this are not estimated (Int32 positions).
    public static let maximumCount = SuffixArray.maximumCount

    /// Λ_i for i = 0..<n (Λ_0 = 1: nothing comes before it).
    public static func matchLengths(_ bytes: [UInt8]) -> [Int32] {
        LongestPreviousFactor.lpf(bytes).map { $0 + 1 }
    }

    public static func estimate(_ bytes: [UInt8], batches: Int = 16) -> MatchLengthRateEstimate? {
        bytes.withUnsafeBytes { estimate($0, batches: batches) }
    }

    /// nil for fewer than 2 symbols or more than `maximumCount`.
    public static func estimate(_ input: UnsafeRawBufferPointer, batches: Int = 16) -> MatchLengthRateEstimate? {
        let n = input.count
        guard n >= 2, n <= maximumCount, let base = input.baseAddress else { return nil }
        let arrays = SuffixArrays(base.assumingMemoryBound(to: UInt8.self), count: n)
        return estimate(arrays, batches: batches)
    }

    /// From prepared arrays; consumes their LCP (the LPF pass overwrites it).
    static func estimate(_ arrays: borrowing SuffixArrays, batches: Int) -> MatchLengthRateEstimate {
        let n = arrays.count
        // The LPF pass reads sa, lcp and its stack to the end: its output needs a fourth buffer.
        let lpf = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        defer { lpf.deallocate() }
        LongestPreviousFactor.lpf(count: n, sa: arrays.sa, lcp: arrays.lcp, stack: arrays.scratch, into: lpf)

        let terms = n - 1
        let b = Swift.max(1, Swift.min(batches, terms / 2))
        var batchSums = [Double](repeating: 0, count: b)
        var total = 0.0
        var lengthSum = 0
        var longest = 0
        for i in 1..<n {
            let lambda = Int(lpf[i]) + 1
            lengthSum += lambda
            longest = Swift.max(longest, lambda)
            let term = Double(lambda) / log2(Double(i + 1))
            total += term
            batchSums[(i - 1) * b / terms] += term
        }
        let mean = total / Double(terms)
        let estimate = mean > 0 ? 1 / mean : 0
        var se = 0.0
        if b >= 2 {
            var means: [Double] = []
            for k in 0..<b {
                let lo = (k * terms + b - 1) / b, hi = ((k + 1) * terms + b - 1) / b
                if hi > lo { means.append(batchSums[k] / Double(hi - lo)) }
            }
            let m = means.reduce(0, +) / Double(means.count)
            let variance = means.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(Swift.max(1, means.count - 1))
            se = estimate * estimate * (variance / Double(means.count)).squareRoot()
        }
        return MatchLengthRateEstimate(symbols: n, bitsPerSymbol: estimate, standardError: se, batches: b,
                                       meanMatchLength: Double(lengthSum) / Double(terms), longestMatch: longest)
    }

    /// Bytes of memory `estimate` needs beside the input.
    public static func memory(count n: Int) -> Int { 16 * n + 4096 }
}

/// A text's suffix array and LCP array, with a scratch array of the same size
/// (ranks while the LCP is built, then the LPF pass's stack): built once for both
/// entropy-rate estimators. Owns its three buffers and frees them when it goes away.
struct SuffixArrays: ~Copyable {
    let count: Int
    let sa: UnsafeMutablePointer<Int32>
    let lcp: UnsafeMutablePointer<Int32>
    let scratch: UnsafeMutablePointer<Int32>

    /// `n` ≥ 1 and ≤ `SuffixArray.maximumCount`.
    init(_ text: UnsafePointer<UInt8>, count n: Int) {
        count = n
        sa = .allocate(capacity: n)
        lcp = .allocate(capacity: n)
        scratch = .allocate(capacity: n)
        SuffixArray.build(UnsafeRawBufferPointer(start: text, count: n), into: sa)
        LongestPreviousFactor.lcp(text, count: n, sa: sa, rank: scratch, into: lcp)
    }

    deinit { sa.deallocate(); lcp.deallocate(); scratch.deallocate() }
}

/// Both entropy-rate estimators over one suffix array (16 bytes per input byte
/// beside the input): the block entropies first, as the match lengths consume the LCP.
public enum EntropyRateEstimators {
    public static func estimate(_ input: UnsafeRawBufferPointer)
        -> (matchLength: MatchLengthRateEstimate?, blockEntropy: BlockEntropyRateEstimate?) {
        let n = input.count
        guard n >= 2, n <= SuffixArray.maximumCount, let base = input.baseAddress else { return (nil, nil) }
        let arrays = SuffixArrays(base.assumingMemoryBound(to: UInt8.self), count: n)
        let block = BlockEntropyRate.estimate(arrays, maximumContextLength: BlockEntropyRate.maximumContextLength,
                                              samplesPerBlock: BlockEntropyRate.samplesPerBlock)
        let match = MatchLengthEntropyRate.estimate(arrays, batches: 16)
        return (match, block)
    }
}
