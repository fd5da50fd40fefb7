#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Precomputed cumulative logarithms so that the estimators turn final counts
/// into code lengths without calling `lgamma` per context.
///
/// `rising(c)` = Σ_{j<c} log2(j + offset) = log2 Γ(c + offset) / Γ(offset): the
/// log of the rising factorial that appears in the closed form of every
/// additive (Dirichlet) estimator's sequential probability. Counts beyond the
/// table fall back to `lgamma`, so the table size (and memory) is bounded.
@usableFromInline
struct CountLogTable {
    @usableFromInline let offset: Double
    @usableFromInline let values: [Double]
    @usableFromInline let base: Double

    /// Entries at most `1 << 20` (8 MiB), whatever `maxCount` is.
    init(offset: Double, maxCount: Int) {
        self.offset = offset
        let size = Swift.min(Swift.max(maxCount, 1), 1 << 20) + 1
        var v = [Double](repeating: 0, count: size)
        var acc = 0.0
        for c in 1..<size {
            acc += log2(Double(c - 1) + offset)
            v[c] = acc
        }
        values = v
        base = lgamma(offset)
    }

    @inlinable
    func rising(_ c: Int) -> Double {
        if c < values.count { return values[c] }
        return (lgamma(Double(c) + offset) - base) / M_LN2
    }
}

/// `c · log2 c` for counts, tabulated for small counts.
@usableFromInline
struct CountEntropyTable {
    @usableFromInline let values: [Double]

    init(maxCount: Int) {
        let size = Swift.min(Swift.max(maxCount, 1), 1 << 20) + 1
        var v = [Double](repeating: 0, count: size)
        for c in 1..<size { v[c] = Double(c) * log2(Double(c)) }
        values = v
    }

    @inlinable
    func cLogC(_ c: Int) -> Double {
        if c < values.count { return values[c] }
        return Double(c) * log2(Double(c))
    }
}
