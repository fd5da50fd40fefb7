#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Transforms

/// Entropy rate from block entropies: H_m, the entropy of the m-symbol blocks
/// (all N − m + 1 overlapping ones), estimated with Grassberger's bias-corrected
/// estimator, and the conditional differences h_m = H_{m+1} − H_m, the entropy
/// of a symbol given the m before it. For a stationary source h_m falls to the
/// entropy rate h as m grows (and equals it from m = k on for an order-k Markov
/// chain); on a finite sample it keeps falling once the (m+1)-blocks are too many
/// to be counted reliably (most are seen once), so the estimate is h_m at the
/// longest block length that is still well sampled.
///
/// Estimator: P. Grassberger, "Entropy estimates from insufficient samplings"
/// (arXiv physics/0307138, 2003; the form of Schürmann & Grassberger, Chaos 6,
/// 1996, refined): Ĥ = ln N − (1/N) Σ_i c_i G(c_i), with G(c) = ψ(c) +
/// ½(−1)^c [ψ((c+1)/2) − ψ(c/2)], in nats (converted to bits here).
///
/// Stopping rule: h_m is used while the (m+1)-blocks are well sampled, that is
/// while their distinct count D_{m+1} ≤ N / `samplesPerBlock`; the estimate is h at
/// the largest such m (the last value before undersampling; no curve is fitted).
///
/// Spread: the standard error of the plug-in conditional log-loss at that m,
/// sqrt(Var[−log2 p̂(x | m before)] / N): its terms are martingale differences under
/// the fitted model, so the variance adds up. Sampling noise only, not bias.
///
/// Counting: every block length from one suffix array and its LCP array (the
/// m-blocks are runs of suffixes whose common prefix is ≥ m): one linear pass per
/// block length, 12 bytes per input byte.
public struct BlockEntropyRateEstimate: Sendable, Codable, Equatable {
    public struct Level: Sendable, Codable, Equatable {
        /// Block length m.
        public let blockLength: Int
        /// Overlapping m-blocks: N − m + 1.
        public let blocks: Int
        /// Distinct m-blocks seen.
        public let distinct: Int
        /// Grassberger's H_m, bits per block.
        public let grassbergerBits: Double
        /// Plug-in (maximum-likelihood) H_m, bits per block.
        public let plugInBits: Double
        /// h_{m} = Grassberger H_{m+1} − H_m, bits per symbol (nil at the last level).
        public let conditionalBits: Double?
        /// Plug-in conditional entropy of the next symbol given the m before, and its standard error.
        public let plugInConditionalBits: Double?
        public let conditionalStandardError: Double?
    }
    public let symbols: Int
    /// Levels m = 0, 1, 2, … as far as counted (one past the chosen m).
    public let levels: [Level]
    /// h at the chosen block length, bits per symbol.
    public let bitsPerSymbol: Double
    /// The chosen m: h_m uses blocks of m + 1 symbols.
    public let contextLength: Int
    public let standardError: Double
    /// Why it stopped at `contextLength`.
    public let stopReason: String

    public static let assumptions = "stationary source; h_m = H_{m+1} − H_m with Grassberger's (2003) bias-corrected "
        + "block entropies, taken at the longest m whose (m+1)-blocks are well sampled (distinct blocks ≤ N/\(BlockEntropyRate.samplesPerBlock)); "
        + "no extrapolation past it (reads high if h_m still falls there); spread = standard error of the conditional log-loss (sampling noise only)"
}

public enum BlockEntropyRate {
    /// Well sampled: at least this many blocks per distinct block.
    public static let samplesPerBlock = 32
    /// The longest context length considered.
    public static let maximumContextLength = 40
    public static let maximumCount = SuffixArray.maximumCount

    public static func estimate(_ bytes: [UInt8], maximumContextLength: Int = maximumContextLength,
                                samplesPerBlock: Int = samplesPerBlock) -> BlockEntropyRateEstimate? {
        bytes.withUnsafeBytes { estimate($0, maximumContextLength: maximumContextLength, samplesPerBlock: samplesPerBlock) }
    }

    /// nil for fewer than 2 symbols or more than `maximumCount`.
    public static func estimate(_ input: UnsafeRawBufferPointer, maximumContextLength: Int = maximumContextLength,
                                samplesPerBlock: Int = samplesPerBlock) -> BlockEntropyRateEstimate? {
        let n = input.count
        guard n >= 2, n <= maximumCount, let base = input.baseAddress else { return nil }
        let arrays = SuffixArrays(base.assumingMemoryBound(to: UInt8.self), count: n)
        return estimate(arrays, maximumContextLength: maximumContextLength, samplesPerBlock: samplesPerBlock)
    }

    /// From prepared arrays (read only).
    static func estimate(_ arrays: borrowing SuffixArrays, maximumContextLength: Int, samplesPerBlock: Int) -> BlockEntropyRateEstimate {
        let n = arrays.count
        let sa = arrays.sa, lcp = arrays.lcp
        var scans: [Scan] = []
        var stop = "reached the longest context length considered (\(maximumContextLength))"
        var undersampled = false
        for m in 0...(maximumContextLength + 1) {
            if m > n {
                stop = "input too short for \(m)-blocks"
                break
            }
            let s = scan(count: n, sa: sa, lcp: lcp, blockLength: m)
            scans.append(s)
            // h_{m−1} needs the m-blocks well sampled.
            if m >= 1 && s.distinct * samplesPerBlock > s.blocks {
                stop = "undersampled: \(s.distinct) distinct \(m)-blocks among \(s.blocks) (more than 1 in \(samplesPerBlock))"
                undersampled = true
                break
            }
        }
        var levels: [BlockEntropyRateEstimate.Level] = []
        for (m, s) in scans.enumerated() {
            let next = m + 1 < scans.count ? scans[m + 1] : nil
            levels.append(.init(blockLength: m, blocks: s.blocks, distinct: s.distinct, grassbergerBits: s.grassbergerBits,
                                plugInBits: s.plugInBits, conditionalBits: next.map { $0.grassbergerBits - s.grassbergerBits },
                                plugInConditionalBits: s.conditionalBits, conditionalStandardError: s.conditionalStandardError))
        }
        // The last level failed the test when undersampled: h of the level before it used its blocks too.
        let last = scans.count - 1
        let chosen = Swift.max(0, Swift.min(maximumContextLength, undersampled ? last - 2 : last - 1))
        let h = levels[chosen].conditionalBits ?? levels[chosen].plugInConditionalBits ?? 0
        return BlockEntropyRateEstimate(symbols: n, levels: levels, bitsPerSymbol: Swift.max(0, h), contextLength: chosen,
                                        standardError: levels[chosen].conditionalStandardError ?? 0, stopReason: stop)
    }

    struct Scan {
        var blocks = 0
        var distinct = 0
        var grassbergerBits = 0.0
        var plugInBits = 0.0
        var conditionalBits: Double?
        var conditionalStandardError: Double?
    }

    /// One pass over the suffix array for block length m: the m-block counts, and the
    /// counts of their one-symbol extensions for the plug-in conditional entropy.
    static func scan(count n: Int, sa: UnsafePointer<Int32>, lcp: UnsafePointer<Int32>, blockLength m: Int) -> Scan {
        var s = Scan()
        var sumCG = 0.0, sumCLogC = 0.0
        // Per parent (m-block): its children's (m+1-blocks') Σc, Σ c ln c, Σ c ln² c.
        var pCount = 0, pS1 = 0.0, pS2 = 0.0
        var condSum = 0.0, condSquares = 0.0, condCount = 0
        var parent = 0, child = 0
        func flushChild() {
            guard child > 0 else { return }
            let l = log(Double(child))
            pCount += child
            pS1 += Double(child) * l
            pS2 += Double(child) * l * l
            child = 0
        }
        func flushParent() {
            flushChild()
            guard parent > 0 else { return }
            s.distinct += 1
            sumCG += Double(parent) * grassbergerG(parent)
            sumCLogC += Double(parent) * log(Double(parent))
            if pCount > 0 {
                // Σ c ln(c/P) and Σ c ln²(c/P) over the children.
                let lp = log(Double(pCount))
                condSum += pS1 - Double(pCount) * lp
                condSquares += pS2 - 2 * lp * pS1 + Double(pCount) * lp * lp
                condCount += pCount
            }
            pCount = 0; pS1 = 0; pS2 = 0
            parent = 0
        }
        for r in 0..<n {
            let length = n - Int(sa[r])
            let common = Int(lcp[r])
            if length < m {
                flushParent()
                continue
            }
            if parent > 0 && common >= m {
                parent += 1
            } else {
                flushParent()
                parent = 1
            }
            if length < m + 1 {
                flushChild()
            } else if child > 0 && common >= m + 1 {
                child += 1
            } else {
                flushChild()
                child = 1
            }
        }
        flushParent()
        // One empty block at m = 0 (H_0 = 0).
        let blocks = m == 0 ? 1 : n - m + 1
        s.blocks = blocks
        let ln2 = log(2.0)
        s.grassbergerBits = m == 0 ? 0 : Swift.max(0, (log(Double(blocks)) - sumCG / Double(blocks)) / ln2)
        s.plugInBits = m == 0 ? 0 : (log(Double(blocks)) - sumCLogC / Double(blocks)) / ln2
        if condCount > 0 {
            let mean = -condSum / Double(condCount)
            let variance = Swift.max(0, condSquares / Double(condCount) - mean * mean)
            s.conditionalBits = mean / ln2
            s.conditionalStandardError = (variance / Double(condCount)).squareRoot() / ln2
        }
        return s
    }

    /// Grassberger's estimate in bits of the entropy of a distribution seen through these counts.
    public static func grassbergerEntropy(counts: [Int]) -> Double {
        let total = counts.reduce(0, +)
        guard total > 0 else { return 0 }
        let sum = counts.reduce(0.0) { $1 > 0 ? $0 + Double($1) * grassbergerG($1) : $0 }
        return (log(Double(total)) - sum / Double(total)) / log(2.0)
    }

    /// Grassberger's G(c) = ψ(c) + ½(−1)^c [ψ((c+1)/2) − ψ(c/2)] for c ≥ 1, by the
    /// recursion G(1) = −γ − ln 2, G(2) = 2 − γ − ln 2, G(2k+1) = G(2k),
    /// G(2k+2) = G(2k) + 2/(2k+1), tabulated up to `gTableSize`; past it the
    /// asymptotic series ln c − 1/(2c) − 1/(12c²) + (−1)^c (1/(2c) + 1/(4c²)).
    public static func grassbergerG(_ c: Int) -> Double {
        if c < gTableSize { return gTable[c] }
        let x = Double(c)
        let sign: Double = c & 1 == 0 ? 1 : -1
        return log(x) - 1 / (2 * x) - 1 / (12 * x * x) + sign * (1 / (2 * x) + 1 / (4 * x * x))
    }

    static let gTableSize = 1 << 16
    static let eulerGamma = 0.577_215_664_901_532_860_6
    static let gTable: [Double] = {
        var g = [Double](repeating: 0, count: gTableSize)
        let ln2 = log(2.0)
        g[1] = -eulerGamma - ln2
        g[2] = 2 - eulerGamma - ln2
        var c = 3
        while c < gTableSize {
            if c & 1 == 1 { g[c] = g[c - 1] } else { g[c] = g[c - 2] + 2 / Double(c - 1) }
            c += 1
        }
        return g
    }()
}
