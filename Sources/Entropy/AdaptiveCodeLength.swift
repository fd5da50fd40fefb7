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

    /// The same code length computed symbol by symbol, as a coder would:
    /// slow (a dictionary per context), for cross-checks and tests only.
    public static func sequentialBits(_ bytes: [UInt8], order: Int, estimator: AdaptiveEstimator = .kt,
                                      alphabetSize: Int = 256) -> Double {
        var contextTotals: [[UInt8]: Int] = [:]
        var pairCounts: [[UInt8]: Int] = [:]
        let padded = [UInt8](repeating: 0, count: order) + bytes
        var total = 0.0
        for i in 0..<bytes.count {
            let context = Array(padded[i..<(i + order)])
            let pair = context + [bytes[i]]
            let p = probability(count: pairCounts[pair, default: 0], contextTotal: contextTotals[context, default: 0],
                                estimator: estimator, alphabetSize: alphabetSize)
            total -= log2(p)
            pairCounts[pair, default: 0] += 1
            contextTotals[context, default: 0] += 1
        }
        return total
    }
}
