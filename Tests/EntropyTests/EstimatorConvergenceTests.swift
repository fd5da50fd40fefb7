import Testing
import Entropy
#if canImport(Glibc)
import Glibc
#endif

/// The synthetic sources the estimators are validated on (the ones `squeeze generate` writes).
enum ValidationSource: String, CaseIterable, CustomTestStringConvertible {
    case iid, markov1, markov2, markov3, hmm
    var testDescription: String { rawValue }

    var source: SyntheticSource {
        switch self {
        case .iid: return .iid(QuantizedDistribution(SyntheticSource.defaultProbabilities)!)
        case .markov1: return SyntheticSource.seededMarkov(order: 1, alphabet: 4, seed: 1)!
        case .markov2: return SyntheticSource.seededMarkov(order: 2, alphabet: 4, seed: 1)!
        case .markov3: return SyntheticSource.seededMarkov(order: 3, alphabet: 4, seed: 1)!
        case .hmm: return SyntheticSource.defaultHMM
        }
    }
}

enum RateEstimator: String, CaseIterable, CustomTestStringConvertible {
    case matchLength, blockEntropy, adaptiveOrderK, ppm, ctw, lz78, empiricalHk
    var testDescription: String { rawValue }

    /// The context length of CTW here: the sources' largest order (3), so every Markov
    /// source is inside the model class; depth 4 would cost a quarter more time for nothing.
    static let ctwDepth = 3
    /// The order of the empirical Hk: the largest order of the adaptive estimators (5),
    /// at least every Markov source's order.
    static let hkOrder = 5

    func bitsPerSymbol(_ x: [UInt8]) -> Double {
        let n = Double(x.count)
        switch self {
        case .matchLength: return MatchLengthEntropyRate.estimate(x)?.bitsPerSymbol ?? .nan
        case .blockEntropy: return BlockEntropyRate.estimate(x)?.bitsPerSymbol ?? .nan
        case .adaptiveOrderK:
            let s = x.withUnsafeBytes { ContextStatistics.compute($0, maxOrder: 5) }
            return (s.orders.map(\.bestAdaptiveBits).min() ?? .nan) / n
        case .ppm: return PPMEstimator.estimate(x, maxOrder: 5).bits / n
        case .ctw: return CTWEstimator.estimate(x, depth: Self.ctwDepth).bits / n
        case .lz78: return LZEntropyEstimator.lz78(x).rateEstimateBits / n
        case .empiricalHk:
            return EmpiricalEntropy.conditionalEntropies(x, maxOrder: Self.hkOrder).last ?? .nan
        }
    }

    /// The lengths the estimator is run at; the checks compare the last with the first.
    /// CTW stops at 2^17: it codes 8 binary decisions per byte through depth+1 nodes each
    /// (about 0.3 MB/s), so 2^20 on five sources would take ~15 s of the test's budget,
    /// and at 2^17 its model cost is already within the tolerance below.
    var sizes: [Int] {
        switch self {
        case .ctw: return [1 << 14, 1 << 17]
        default: return [1 << 14, 1 << 17, 1 << 20]
        }
    }

    /// How much larger than at 2^14 the last error may be. CTW's model cost on the i.i.d.
    /// source is below the sampling noise already at 2^14 (−log2 p of a symbol has a
    /// standard deviation of 0.83 bits there, ±0.0065 at 2^14, ±0.0023 at 2^17): measured
    /// 0.0028 at 2^14 and 0.0044 at 2^17, so its slack is that noise, not 0.001.
    var shrinkSlack: Double { self == .ctw ? 0.005 : 1e-3 }

    /// Stated tolerance at the last size (2^20; CTW 2^17), bits per symbol, against the true
    /// rate (for the HMM, against the nearer Birch bound). The match-length estimator converges like 1/log n
    /// and reads about 10% low at 2^20 (measured 0.03-0.165 bits); block entropies at the
    /// last well-sampled length are within 0.001; adaptive order-k pays the model cost
    /// (about (A−1)·A^k·log2(n)/(2n) bits) and, on the HMM, for its finite memory.
    /// PPM-D order 5 pays an escape for every new (context, symbol) and up to 4^5 contexts
    /// fill slowly: 0.30 above at 2^14, 0.019-0.025 at 2^20. CTW at depth 3 (≥ every Markov
    /// order) is close already at 2^17 (≤ 0.01 on the Markov chains); the HMM has unbounded
    /// memory, so depth 3 stays 0.018 above its Birch upper bound. The LZ78 figure
    /// c·log2(c)/n converges like O(log log n / log n), from above: still 0.06-0.24 high at
    /// 2^20, so its tolerance is wide. The empirical H5 (k ≥ every Markov order) approaches
    /// from below, low by about (A−1)·A^k/(2n·ln 2) = 0.002 at 2^20 for A = 4, k = 5.
    var tolerance: Double {
        switch self {
        case .matchLength: return 0.17
        case .blockEntropy: return 0.005
        case .adaptiveOrderK: return 0.01
        case .ppm: return 0.035
        case .ctw: return 0.03
        case .lz78: return 0.3
        case .empiricalHk: return 0.005
        }
    }
}

/// Item: every estimator converges to the exact rate of every synthetic source:
/// the error at the largest n (2^20; CTW 2^17) is within the estimator's stated tolerance and smaller than at 2^14.
@Suite struct EstimatorConvergenceTests {
    @Test(arguments: RateEstimator.allCases, ValidationSource.allCases)
    func convergesToTheTrueRate(estimator: RateEstimator, source: ValidationSource) {
        let truth = source.source.entropyRate
        let sizes = estimator.sizes
        let data = source.source.generate(count: sizes.last!, seed: 42)
        var errors: [Double] = []
        for n in sizes {
            let estimate = estimator.bitsPerSymbol(Array(data.prefix(n)))
            // Against the nearer bound for the HMM (the rate lies between them).
            let error = estimate < truth.lower ? truth.lower - estimate : estimate > truth.upper ? estimate - truth.upper : 0
            errors.append(error)
            if estimator == .empiricalHk {
                // Hk with k ≥ the order is the plug-in conditional entropy: it reads low.
                #expect(estimate < truth.upper, "\(estimator) on \(source) at n = \(n): \(estimate) not below \(truth.upper)")
            }
            print("convergence \(estimator.rawValue) \(source.rawValue) n=\(n) truth=\(truth.bitsPerSymbol) estimate=\(estimate) error=\(error)")
        }
        #expect(errors.last! <= estimator.tolerance, "\(estimator) on \(source): errors \(errors)")
        #expect(errors.last! <= errors.first! + estimator.shrinkSlack, "\(estimator) on \(source): errors \(errors) do not shrink")
    }
}
