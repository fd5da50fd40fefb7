#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The additive estimators an adaptive order-k coder can use.
public enum AdaptiveEstimator: String, Sendable, Codable, CaseIterable {
    /// Krichevsky–Trofimov (1981): add 1/2 to every count.
    case kt
    /// Laplace: add 1 to every count.
    case laplace

    /// The pseudo-count added to every symbol's count.
    public var pseudoCount: Double { self == .kt ? 0.5 : 1 }
}

/// What an ideal one-pass order-k arithmetic coder pays, learning included.
///
/// Convention (the cross-check with the `arith` codec relies on it): byte i is
/// coded with the probability
///
///     P(x | s) = (c(s, x) + a) / (c(s) + A·a)
///
/// where s is the k bytes before i (bytes before the start of the input are
/// 0x00), c(s, x) and c(s) count the earlier positions with context s (and
/// next byte x), a = 1/2 (KT) or 1 (Laplace), and A is the alphabet size (256
/// for bytes). Counts are never halved or scaled. The code length is
/// Σ −log2 P over all n bytes, with no end-of-data or header cost.
public enum AdaptiveCodeLength {
    /// The coding probability of one symbol under the convention above.
    @inlinable
    public static func probability(count: Int, contextTotal: Int, estimator: AdaptiveEstimator,
                                   alphabetSize: Int = 256) -> Double {
        let a = estimator.pseudoCount
        return (Double(count) + a) / (Double(contextTotal) + Double(alphabetSize) * a)
    }

    /// Total code length in bits of `bytes` under the order-k estimator over
    /// 256 byte values (computed from final counts in closed form; exact).
    public static func bits(_ bytes: UnsafeRawBufferPointer, order: Int, estimator: AdaptiveEstimator = .kt) -> Double {
        let stats = ContextStatistics.compute(bytes, maxOrder: order)
        guard let last = stats.orders.last else { return 0 }
        return estimator == .kt ? last.ktBits : last.laplaceBits
    }

    public static func bits(_ bytes: [UInt8], order: Int, estimator: AdaptiveEstimator = .kt) -> Double {
        bytes.withUnsafeBytes { bits($0, order: order, estimator: estimator) }
    }

    /// Code length under any additive (Dirichlet) estimator, P(x | s) =
    /// (c(s,x) + a) / (c(s) + A·a) with a = `pseudoCount` > 0, same context
    /// convention, computed in closed form from the counts (sorting the
    /// (k+1)-grams; order ≤ 7). For cross-checks with coders whose counts are
    /// scaled: an initial count 1 and increment 32 is a = 1/32 (until the
    /// coder rescales its counts, which this does not model).
    public static func bits(_ bytes: UnsafeRawBufferPointer, order: Int, pseudoCount a: Double,
                            alphabetSize: Int = 256) -> Double {
        let n = bytes.count
        let k = Swift.max(0, Swift.min(order, 7))
        guard n > 0, a > 0 else { return 0 }
        var padded = [UInt8](repeating: 0, count: 8 + n)
        for i in 0..<n { padded[8 + i] = bytes[i] }
        let gramMask: UInt64 = k == 7 ? .max : (1 << UInt64(8 * (k + 1))) - 1
        // Byte 0 of a key is the predicted byte, byte j the byte j back.
        // Sorted, the predicted byte (least significant) varies fastest within a context.
        let keys = padded.withUnsafeBytes { y in
            (0..<n).map { i in UInt64(bigEndian: y.loadUnaligned(fromByteOffset: i + 1, as: UInt64.self)) & gramMask }
        }.sorted()
        let A = Double(alphabetSize)
        func rising(_ c: Int, _ offset: Double) -> Double { (lgamma(Double(c) + offset) - lgamma(offset)) / M_LN2 }
        var total = 0.0
        var i = 0
        while i < n {
            let context = keys[i] >> 8
            var j = i
            while j < n && keys[j] >> 8 == context {
                var l = j
                while l < n && keys[l] == keys[j] { l += 1 }
                total -= rising(l - j, a)
                j = l
            }
            total += rising(j - i, A * a)
            i = j
        }
        return Swift.max(0, total)
    }

    /// The same code length computed symbol by symbol, as a coder would:
    /// slow (a dictionary per context), for cross-checks and tests only.
    public static func sequentialBits(_ bytes: [UInt8], order: Int, estimator: AdaptiveEstimator = .kt,
                                      alphabetSize: Int = 256) -> Double {
        sequentialBits(bytes, order: order, pseudoCount: estimator.pseudoCount, alphabetSize: alphabetSize)
    }

    /// `sequentialBits` for any pseudo-count a: P = (c + a) / (c(s) + A·a).
    public static func sequentialBits(_ bytes: [UInt8], order: Int, pseudoCount a: Double,
                                      alphabetSize: Int = 256) -> Double {
        var contextTotals: [[UInt8]: Int] = [:]
        var pairCounts: [[UInt8]: Int] = [:]
        let padded = [UInt8](repeating: 0, count: order) + bytes
        var total = 0.0
        for i in 0..<bytes.count {
            let context = Array(padded[i..<(i + order)])
            let pair = context + [bytes[i]]
            let p = (Double(pairCounts[pair, default: 0]) + a)
                / (Double(contextTotals[context, default: 0]) + Double(alphabetSize) * a)
            total -= log2(p)
            pairCounts[pair, default: 0] += 1
            contextTotals[context, default: 0] += 1
        }
        return total
    }
}
