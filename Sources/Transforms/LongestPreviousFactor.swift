/// Longest common prefixes of neighbouring suffixes, and for each position the
/// longest factor starting there that also starts earlier in the text.
///
/// LCP: Kasai, Lee, Arimura, Arikawa & Park, "Linear-Time Longest-Common-Prefix
/// Computation in Suffix Arrays and Its Applications" (CPM 2001): in text order the
/// common prefix with the suffix ranked just before shrinks by at most one per step.
///
/// LPF: Crochemore & Ilie, "Computing Longest Previous Factor in linear time and
/// applications" (Information Processing Letters 106, 2008): each suffix's nearest
/// text-earlier neighbours in suffix-array order, on either side, found with one
/// stack pass, are the only candidates for its longest earlier match.
public enum LongestPreviousFactor {
    /// `lcp[r]` = length of the common prefix of the suffixes ranked r−1 and r
    /// (`lcp[0]` = 0). `rank` is scratch of n entries. All buffers hold n entries.
    public static func lcp(_ text: UnsafePointer<UInt8>, count n: Int, sa: UnsafePointer<Int32>,
                           rank: UnsafeMutablePointer<Int32>, into lcp: UnsafeMutablePointer<Int32>) {
        guard n > 0 else { return }
        for r in 0..<n { rank[Int(sa[r])] = Int32(r) }
        var h = 0
        lcp[0] = 0
        for i in 0..<n {
            let r = Int(rank[i])
            if r == 0 { h = 0; continue }
            let j = Int(sa[r - 1])
            while i + h < n && j + h < n && text[i + h] == text[j + h] { h += 1 }
            lcp[r] = Int32(h)
            if h > 0 { h -= 1 }
        }
    }

    /// `lpf[i]` = the longest l such that text[i..<i+l] also starts at some j < i
    /// (the earlier copy may overlap position i). Consumes `lcp` (overwritten as
    /// scratch); `stack` is scratch of n entries.
    public static func lpf(count n: Int, sa: UnsafePointer<Int32>, lcp: UnsafeMutablePointer<Int32>,
                           stack: UnsafeMutablePointer<Int32>, into lpf: UnsafeMutablePointer<Int32>) {
        guard n > 0 else { return }
        // The stack holds ranks whose text positions increase upwards; lcp[t] of an entry
        // is its common prefix with the entry below it (its nearest earlier position on
        // the left). Rank n is a virtual suffix at position −1 that empties the stack.
        var depth = 1
        stack[0] = 0
        for r in 1...n {
            let position = r < n ? Int(sa[r]) : -1
            var current = r < n ? Int(lcp[r]) : 0
            while depth > 0 {
                let t = Int(stack[depth - 1])
                let tPosition = Int(sa[t])
                let tLCP = Int(lcp[t])
                if position < tPosition {
                    // r is t's nearest earlier position on the right.
                    lpf[tPosition] = Int32(Swift.max(tLCP, current))
                    current = Swift.min(tLCP, current)
                } else if current <= tLCP {
                    // t's right-hand candidate lies beyond r, so shares no more than `current`.
                    lpf[tPosition] = Int32(tLCP)
                } else {
                    break
                }
                depth -= 1
            }
            if r < n {
                stack[depth] = Int32(r)
                depth += 1
                lcp[r] = Int32(current)
            }
        }
    }

    /// Convenience over arrays: the LPF of `bytes` (uses SA-IS).
    public static func lpf(_ bytes: [UInt8]) -> [Int32] {
        let n = bytes.count
        guard n > 0, n <= SuffixArray.maximumCount else { return [] }
        let sa = SuffixArray.build(bytes)
        var rank = [Int32](repeating: 0, count: n)
        var lcpArray = [Int32](repeating: 0, count: n)
        var out = [Int32](repeating: 0, count: n)
        bytes.withUnsafeBufferPointer { t in
            sa.withUnsafeBufferPointer { s in
                rank.withUnsafeMutableBufferPointer { k in
                    lcpArray.withUnsafeMutableBufferPointer { l in
                        out.withUnsafeMutableBufferPointer { o in
                            lcp(t.baseAddress!, count: n, sa: s.baseAddress!, rank: k.baseAddress!, into: l.baseAddress!)
                            lpf(count: n, sa: s.baseAddress!, lcp: l.baseAddress!, stack: k.baseAddress!, into: o.baseAddress!)
                        }
                    }
                }
            }
        }
        return out
    }
}
