/// Suffix arrays by induced sorting: SA-IS (Nong, Zhang & Chan, "Two Efficient
/// Algorithms for Linear Time Suffix Array Construction", IEEE Trans. Computers 2011;
/// DCC 2009). Linear time; the reduced problem is solved recursively by the same
/// algorithm over an Int32 alphabet, stored in the upper half of the output buffer.
///
/// Order: the n suffix start positions in increasing lexicographic order, where a
/// proper prefix sorts before the longer string (as if an end marker smaller than
/// every byte followed the input). The marker is virtual: it is not in the output.
///
/// Limits: indices are Int32, so n ≤ `maximumCount` (2³¹ − 2); tested up to 64 MiB.
/// Memory: the 4n-byte output plus n/8 + n/16 + … bytes of type bits (≤ n/4 bytes)
/// and the bucket tables: 2 KiB at the top level; a recursion level keeps its
/// buckets in the free middle of the output buffer when they fit (they do for
/// typical data) and allocates 4·k bytes otherwise (k = number of distinct LMS
/// substrings, k < n/2).
public enum SuffixArray {
    /// The largest input length whose positions and the virtual end fit in Int32.
    public static let maximumCount = Int(Int32.max) - 1

    /// Writes the sorted suffix starts of `input` into `sa[0..<input.count]`.
    /// `input.count` must not exceed `maximumCount` (nothing is written if it does).
    public static func build(_ input: UnsafeRawBufferPointer, into sa: UnsafeMutablePointer<Int32>) {
        let n = input.count
        guard n > 0, n <= maximumCount, let base = input.baseAddress else { return }
        if n == 1 { sa[0] = 0; return }
        let text = base.assumingMemoryBound(to: UInt8.self)
        sais(text, sa, n, 256, workspace: nil, workspaceCount: 0)
    }

    /// Convenience over arrays.
    public static func build(_ bytes: [UInt8]) -> [Int32] {
        guard !bytes.isEmpty, bytes.count <= maximumCount else { return [] }
        var sa = [Int32](repeating: 0, count: bytes.count)
        bytes.withUnsafeBytes { raw in
            sa.withUnsafeMutableBufferPointer { build(raw, into: $0.baseAddress!) }
        }
        return sa
    }

    // MARK: - SA-IS

    /// Bucket pointers for an alphabet of `k` symbols: `counts` (kept when there is
    /// room, else recounted from the text each time) and the moving pointers `heads`.
    @usableFromInline struct Buckets<Symbol: FixedWidthInteger> {
        let text: UnsafePointer<Symbol>
        let n: Int
        let k: Int
        let counts: UnsafeMutablePointer<Int32>?
        let pointers: UnsafeMutablePointer<Int32>

        @inline(__always) func count(into c: UnsafeMutablePointer<Int32>) {
            c.initialize(repeating: 0, count: k)
            for i in 0..<n { c[Int(text[i])] &+= 1 }
        }

        /// Sets `pointers[c]` to the first slot of bucket c (heads) or one past its last (ends).
        @inline(__always) func reset(ends: Bool) {
            let c: UnsafeMutablePointer<Int32>
            if let counts { c = counts } else { count(into: pointers); c = pointers }
            var sum: Int32 = 0
            if ends {
                for s in 0..<k { sum &+= c[s]; pointers[s] = sum }
            } else {
                for s in 0..<k { let t = c[s]; pointers[s] = sum; sum &+= t }
            }
        }
    }

    /// Type bits: 1 for S-type (suffix smaller than its right neighbour), 0 for L-type.
    @usableFromInline struct TypeBits {
        let words: UnsafeMutablePointer<UInt64>
        @inline(__always) func isS(_ i: Int) -> Bool { (words[i >> 6] >> UInt64(i & 63)) & 1 != 0 }
        @inline(__always) func setS(_ i: Int) { words[i >> 6] |= 1 << UInt64(i & 63) }
        /// Leftmost S-type: S-type with an L-type left neighbour (never position 0).
        @inline(__always) func isLMS(_ i: Int) -> Bool { i > 0 && isS(i) && !isS(i - 1) }
    }

    /// Sorts the suffixes of `text[0..<n]` (symbols in 0..<k) into `sa[0..<n]`.
    /// `workspace` is free Int32 memory this call may use for its buckets.
    static func sais<Symbol: FixedWidthInteger>(
        _ text: UnsafePointer<Symbol>, _ sa: UnsafeMutablePointer<Int32>, _ n: Int, _ k: Int,
        workspace: UnsafeMutablePointer<Int32>?, workspaceCount: Int
    ) {
        // Classify: position n−1 is L-type (the virtual end is smaller than anything).
        let wordCount = (n + 63) >> 6
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: wordCount)
        words.initialize(repeating: 0, count: wordCount)
        defer { words.deallocate() }
        let types = TypeBits(words: words)
        var nextIsS = false
        var i = n - 2
        while i >= 0 {
            let a = text[i], b = text[i + 1]
            let s = a < b || (a == b && nextIsS)
            if s { types.setS(i) }
            nextIsS = s
            i -= 1
        }

        // Bucket tables: in the workspace when there is room, else allocated.
        var owned: UnsafeMutablePointer<Int32>? = nil
        defer { owned?.deallocate() }
        let buckets: Buckets<Symbol>
        if let workspace, workspaceCount >= 2 * k {
            buckets = Buckets(text: text, n: n, k: k, counts: workspace + k, pointers: workspace)
        } else if let workspace, workspaceCount >= k {
            buckets = Buckets(text: text, n: n, k: k, counts: nil, pointers: workspace)
        } else {
            let p = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * k)
            owned = p
            buckets = Buckets(text: text, n: n, k: k, counts: p + k, pointers: p)
        }
        if let counts = buckets.counts { buckets.count(into: counts) }

        // Stage 1: LMS positions at the ends of their buckets, then induce.
        sa.initialize(repeating: -1, count: n)
        buckets.reset(ends: true)
        let ptr = buckets.pointers
        var lmsCount = 0
        i = n - 1
        while i >= 1 {
            if types.isLMS(i) {
                let c = Int(text[i])
                ptr[c] &-= 1
                sa[Int(ptr[c])] = Int32(truncatingIfNeeded: i)
                lmsCount += 1
            }
            i -= 1
        }
        induce(text, sa, n, buckets, types)

        if lmsCount == 0 { return }  // no LMS suffix: the induced order is complete

        // Stage 2: compact the sorted LMS substrings into sa[0..<lmsCount] and name them.
        var m = 0
        for j in 0..<n {
            let p = Int(sa[j])
            if types.isLMS(p) { sa[m] = Int32(truncatingIfNeeded: p); m += 1 }
        }
        // LMS positions are ≥ 2 apart, so p/2 gives each its own slot in sa[m..<n]:
        // first the length of its LMS substring, then its name.
        (sa + m).update(repeating: -1, count: n - m)
        do {
            // Right to left: the substring at an LMS p runs to the next LMS position;
            // the last one runs into the virtual end, a length no other can match.
            var next = n + 1
            var q = n - 1
            while q >= 1 {
                if types.isLMS(q) {
                    sa[m + (q >> 1)] = Int32(truncatingIfNeeded: next - q)
                    next = q + 1
                }
                q -= 1
            }
        }
        var name: Int32 = -1
        var previous = -1
        var previousLength = 0
        for j in 0..<m {
            let p = Int(sa[j])
            let length = Int(sa[m + (p >> 1)])
            // Equal symbols over the same length ending at an LMS position imply equal types.
            var equal = previous >= 0 && length == previousLength && p + length <= n && previous + length <= n
            if equal {
                var d = 0
                while d < length && text[p + d] == text[previous + d] { d += 1 }
                equal = d == length
            }
            if !equal { name &+= 1 }
            previous = p
            previousLength = length
            sa[m + (p >> 1)] = name
        }
        let names = Int(name) + 1
        // The reduced string, in text order, to the top of the buffer.
        var top = n - 1
        var j = n - 1
        while j >= m {
            if sa[j] >= 0 { sa[top] = sa[j]; top -= 1 }
            j -= 1
        }
        let reduced = sa + (n - m)

        // Stage 3: sort the reduced string (recursively unless all names differ).
        if names < m {
            let free = sa + m
            let freeCount = n - 2 * m
            sais(UnsafePointer(reduced), sa, m, names, workspace: freeCount > 0 ? free : nil, workspaceCount: freeCount)
        } else {
            for r in 0..<m { sa[Int(reduced[r])] = Int32(truncatingIfNeeded: r) }
        }

        // Stage 4: LMS positions in sorted order, at the ends of their buckets, induce again.
        var r = m - 1
        i = n - 1
        while i >= 1 {
            if types.isLMS(i) { reduced[r] = Int32(truncatingIfNeeded: i); r -= 1 }
            i -= 1
        }
        for q in 0..<m { sa[q] = reduced[Int(sa[q])] }
        (sa + m).update(repeating: -1, count: n - m)
        buckets.reset(ends: true)
        var q = m - 1
        while q >= 0 {
            let p = Int(sa[q])
            sa[q] = -1
            let c = Int(text[p])
            ptr[c] &-= 1
            sa[Int(ptr[c])] = Int32(truncatingIfNeeded: p)
            q -= 1
        }
        induce(text, sa, n, buckets, types)
    }

    /// Induces L-type suffixes left to right from the LMS seeds (and the virtual end),
    /// then S-type suffixes right to left.
    @inline(__always)
    static func induce<Symbol: FixedWidthInteger>(
        _ text: UnsafePointer<Symbol>, _ sa: UnsafeMutablePointer<Int32>, _ n: Int,
        _ buckets: Buckets<Symbol>, _ types: TypeBits
    ) {
        let ptr = buckets.pointers
        buckets.reset(ends: false)
        // The virtual end's left neighbour n−1 is L-type and comes first in its bucket.
        do {
            let c = Int(text[n - 1])
            sa[Int(ptr[c])] = Int32(truncatingIfNeeded: n - 1)
            ptr[c] &+= 1
        }
        for i in 0..<n {
            let j = Int(sa[i])
            if j > 0 {
                // j−1 is L-type iff text[j−1] ≥ text[j]: an LMS j has an L-type left
                // neighbour that is strictly greater, an L-type j passes its type on ties.
                let c = text[j - 1]
                if c >= text[j] {
                    let b = Int(c)
                    sa[Int(ptr[b])] = Int32(truncatingIfNeeded: j - 1)
                    ptr[b] &+= 1
                }
            }
        }
        buckets.reset(ends: true)
        var i = n - 1
        while i >= 0 {
            let j = Int(sa[i])
            if j > 0 {
                let c = text[j - 1], d = text[j]
                if c < d || (c == d && types.isS(j)) {
                    let b = Int(c)
                    ptr[b] &-= 1
                    sa[Int(ptr[b])] = Int32(truncatingIfNeeded: j - 1)
                }
            }
            i -= 1
        }
    }
}
