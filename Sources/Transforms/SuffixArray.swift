internal import CPrefetch

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
/// Memory: the 4n-byte output and little else. There is no type array (L/S types are
/// derived from neighbouring symbols where they are needed) and the top level's bucket
/// tables take 2 KiB. A recursion level keeps its text and buckets in the free part of
/// the output buffer when they fit — the gap between its output and its text, or what
/// the level above left of its own workspace, whichever is larger (on bible.txt,
/// world192.txt and E.coli they fit at every level: nothing else is allocated) — else
/// allocates 4·k bytes (k = number of distinct LMS substrings, k < n/2; the worst case,
/// k near n/2, is 2n bytes for that level; levels that allocate keep it through the
/// recursion, and as each has under half the symbols of the one above, all of them
/// together stay under 4n).
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

    /// How many entries ahead the scans ask for the memory a later step will read at
    /// random: enough to cover a cache miss, few enough that the line is still there.
    @inline(__always) static var prefetchDistance: Int { 24 }

    /// How far ahead of a bucket's moving pointer the induce scans ask for the slots it
    /// will write next: a cache line (16 entries). Every bucket is a write stream, far
    /// more streams than the hardware prefetcher follows (5% faster on bible.txt).
    @inline(__always) static var frontierDistance: Int { 16 }

    /// Bucket pointers for an alphabet of `k` symbols: `counts` (kept when there is
    /// room, else recounted from the text each time) and the moving `pointers`.
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

    /// Sorts the suffixes of `text[0..<n]` (symbols in 0..<k) into `sa[0..<n]`.
    /// `workspace` is free Int32 memory this call may use for its buckets.
    /// No type array: a suffix's L/S type is derived where it is needed from the
    /// neighbouring symbols (and, in the right-to-left pass, from where it sits in its
    /// bucket), so the only memory besides `sa` is the bucket tables.
    static func sais<Symbol: FixedWidthInteger>(
        _ text: UnsafePointer<Symbol>, _ sa: UnsafeMutablePointer<Int32>, _ n: Int, _ k: Int,
        workspace: UnsafeMutablePointer<Int32>?, workspaceCount: Int
    ) {
        // Bucket tables: in the workspace when there is room, else allocated.
        var owned: UnsafeMutablePointer<Int32>? = nil
        defer { owned?.deallocate() }
        let buckets: Buckets<Symbol>
        // What the buckets leave of the workspace: the recursion may use it too.
        var spare = workspace
        var spareCount = workspace == nil ? 0 : workspaceCount
        if let workspace, workspaceCount >= 2 * k {
            buckets = Buckets(text: text, n: n, k: k, counts: workspace + k, pointers: workspace)
            spare = workspace + 2 * k
            spareCount = workspaceCount - 2 * k
        } else if let workspace, workspaceCount >= k {
            buckets = Buckets(text: text, n: n, k: k, counts: nil, pointers: workspace)
            spare = workspace + k
            spareCount = workspaceCount - k
        } else if k <= 256 {  // the top level: 2 KiB
            let p = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * k)
            owned = p
            buckets = Buckets(text: text, n: n, k: k, counts: p + k, pointers: p)
        } else {  // a reduced problem with no room to spare: only the pointers, 4k bytes
            let p = UnsafeMutablePointer<Int32>.allocate(capacity: k)
            owned = p
            buckets = Buckets(text: text, n: n, k: k, counts: nil, pointers: p)
        }
        if let counts = buckets.counts { buckets.count(into: counts) }

        // Stage 1: LMS positions at the ends of their buckets, then induce; the
        // right-to-left pass marks the LMS suffixes it places (as ~p).
        sa.update(repeating: -1, count: n)
        buckets.reset(ends: true)
        let ptr = buckets.pointers
        var lmsCount = 0
        forEachLMS(text, n) { p in
            let c = Int(text[p])
            let q = Int(ptr[c]) &- 1
            ptr[c] = Int32(truncatingIfNeeded: q)
            sa[q] = Int32(truncatingIfNeeded: p)
            squeeze_prefetch(sa + q - frontierDistance)
            lmsCount += 1
        }
        induce(text, sa, n, buckets, markLMS: true)

        if lmsCount == 0 { return }  // no LMS suffix: the induced order is complete

        // Stage 2: compact the sorted LMS substrings (the marked entries) into
        // sa[0..<m] and name them.
        // Branch-free (the marks fall at random): every entry is written to sa[m], and
        // m moves on past the marked ones; the last unmarked write lands in sa[m..<n],
        // which is overwritten next.
        var m = 0
        for j in 0..<n {
            let v = sa[j]
            sa[m] = ~v
            m &+= v < -1 ? 1 : 0
        }
        // LMS positions are ≥ 2 apart, so p/2 gives each its own slot in sa[m..<n]:
        // first the length of its LMS substring, then its name.
        (sa + m).update(repeating: -1, count: n - m)
        do {
            // The substring at an LMS p runs to the next LMS position; the last one
            // runs into the virtual end, a length no other can match.
            var next = n + 1
            forEachLMS(text, n) { q in
                sa[m + (q >> 1)] = Int32(truncatingIfNeeded: next - q)
                next = q + 1
            }
        }
        let width = MemoryLayout<Symbol>.stride
        var name: Int32 = -1
        var previous = -1
        var previousLength = 0
        for j in 0..<m {
            do {  // the next comparisons' random reads, requested early
                let a = Int(sa[Swift.min(j &+ prefetchDistance, m &- 1)])
                squeeze_prefetch(sa + m + (a >> 1))
                squeeze_prefetch(text + a)
            }
            let p = Int(sa[j])
            let length = Int(sa[m + (p >> 1)])
            // Equal symbols over the same length ending at an LMS position imply equal types.
            var equal = previous >= 0 && length == previousLength && p + length <= n && previous + length <= n
            if equal {
                if length &* width <= 8 && Swift.max(p, previous) &* width &+ 8 <= n &* width {
                    // Short substrings (most of them, on bytes): one masked 8-byte comparison.
                    let a = UInt64(littleEndian: UnsafeRawPointer(text + p).loadUnaligned(as: UInt64.self))
                    let b = UInt64(littleEndian: UnsafeRawPointer(text + previous).loadUnaligned(as: UInt64.self))
                    let bits = UInt64(truncatingIfNeeded: length &* width &* 8)
                    let mask = bits >= 64 ? ~UInt64(0) : (1 &<< bits) &- 1
                    equal = (a ^ b) & mask == 0
                } else {
                    var d = 0
                    while d < length && text[p + d] == text[previous + d] { d += 1 }
                    equal = d == length
                }
            }
            name &+= equal ? 0 : 1
            previous = p
            previousLength = length
            sa[m + (p >> 1)] = name
        }
        let names = Int(name) + 1
        // The reduced string, in text order, to the top of the buffer.
        // Branch-free like the compaction: top ≥ j, and the last write that is not
        // kept lands below the reduced string, in memory nothing reads as data.
        var top = n - 1
        var j = n - 1
        while j >= m {
            let v = sa[j]
            sa[top] = v
            top &-= v >= 0 ? 1 : 0
            j -= 1
        }
        let reduced = sa + (n - m)

        // Stage 3: sort the reduced string (recursively unless all names differ).
        if names < m {
            // The workspace is whichever is larger: the gap between the reduced
            // problem's output and its text, or what our own workspace has left.
            var free: UnsafeMutablePointer<Int32>? = sa + m
            var freeCount = n - 2 * m
            if spareCount > freeCount { free = spare; freeCount = spareCount }
            sais(UnsafePointer(reduced), sa, m, names, workspace: freeCount > 0 ? free : nil, workspaceCount: freeCount)
        } else {
            for r in 0..<m { sa[Int(reduced[r])] = Int32(truncatingIfNeeded: r) }
        }

        // Stage 4: LMS positions in sorted order, at the ends of their buckets, induce again.
        var r = m - 1
        forEachLMS(text, n) { p in
            reduced[r] = Int32(truncatingIfNeeded: p)
            r -= 1
        }
        for q in 0..<m {
            squeeze_prefetch(reduced + Int(sa[Swift.min(q &+ prefetchDistance, m &- 1)]))
            sa[q] = reduced[Int(sa[q])]
        }
        (sa + m).update(repeating: -1, count: n - m)
        buckets.reset(ends: true)
        var q = m - 1
        while q >= 0 {
            squeeze_prefetch(text + Int(sa[Swift.max(q &- prefetchDistance, 0)]))
            let p = Int(sa[q])
            sa[q] = -1
            let c = Int(text[p])
            ptr[c] &-= 1
            sa[Int(ptr[c])] = Int32(truncatingIfNeeded: p)
            q -= 1
        }
        induce(text, sa, n, buckets, markLMS: false)
    }

    /// Calls `body` with every LMS position (S-type with an L-type left neighbour) from
    /// n−1 down to 1. Position n−1 is L-type (the virtual end is smaller than anything),
    /// i is S-type if text[i] < text[i+1] or they are equal and i+1 is S-type. About a
    /// third of the positions of text are LMS, at no regular interval, so a branch per
    /// position would mispredict often; and the type recurrence is a serial chain. So
    /// 64 positions at a time: two masks from independent comparisons (<, ≤), then the
    /// recurrence for the whole word by one addition — a type "carries" through equal
    /// neighbours as a carry through 1 bits, with "<" generating it — and the body runs
    /// once per set bit of the word's LMS mask.
    @inline(__always)
    static func forEachLMS<Symbol: FixedWidthInteger>(
        _ text: UnsafePointer<Symbol>, _ n: Int, _ body: (Int) -> Void
    ) {
        // Bit j of a block's word is position hi − j (hi = lo + 63), so that the type
        // flows from bit j−1 (the right neighbour) to bit j, the direction of carries.
        // Positions below 0 count as S-type, so that position 0 is never LMS.
        var lo = n - 64
        var upper: UInt64 = 0  // S bits of the block above (none yet: no LMS bits, no carry)
        var upperLo = 0
        while true {
            var less: UInt64 = 0, lessOrEqual: UInt64 = 0
            let top = Swift.min(lo &+ 63, n - 2)  // position n−1 keeps bit 0 clear: L-type
            let bottom = Swift.max(lo, 0)
            var p = top
            var j = UInt64(truncatingIfNeeded: lo &+ 63 &- top)
            var right = text[p + 1]
            while p >= bottom {
                let c = text[p]
                less |= UInt64(truncatingIfNeeded: c < right ? 1 : 0) &<< j
                lessOrEqual |= UInt64(truncatingIfNeeded: c <= right ? 1 : 0) &<< j
                right = c
                p -= 1
                j &+= 1
            }
            if lo < 0 {
                let negative = ~UInt64(0) &<< UInt64(truncatingIfNeeded: 64 &+ lo)
                less |= negative
                lessOrEqual |= negative
            }
            // The carry into bit j is the type of position hi − j + 1; it enters the
            // word from the lowest position of the block above.
            let carries = (lessOrEqual &+ less &+ (upper &>> 63)) ^ lessOrEqual ^ less
            let sType = less | (lessOrEqual & carries)
            // LMS: S-type with an L-type left neighbour (bit j+1; the block above's
            // lowest position has this word's bit 0 below it).
            forEachSetBit(upper & ~((upper &>> 1) | (sType &<< 63)), below: upperLo &+ 63, body)
            if lo <= 0 {  // the lowest block: the position below it is negative, S-type
                forEachSetBit(sType & ~((sType &>> 1) | (1 &<< 63)), below: lo &+ 63, body)
                return
            }
            upper = sType
            upperLo = lo
            lo -= 64
        }
    }

    /// Calls `body` with `hi − j` for every set bit j of `mask`, lowest first.
    @inline(__always)
    static func forEachSetBit(_ mask: UInt64, below hi: Int, _ body: (Int) -> Void) {
        var mask = mask
        while mask != 0 {
            body(hi &- mask.trailingZeroBitCount)
            mask &= mask &- 1
        }
    }

    /// Induces L-type suffixes left to right from the LMS seeds (and the virtual end),
    /// then S-type suffixes right to left. With `markLMS` (stage 1) the LMS suffixes
    /// the second pass places are stored complemented: they induce nothing further in
    /// that pass, and stage 2 finds them by their sign without knowing the types.
    @inline(__always)
    static func induce<Symbol: FixedWidthInteger>(
        _ text: UnsafePointer<Symbol>, _ sa: UnsafeMutablePointer<Int32>, _ n: Int,
        _ buckets: Buckets<Symbol>, markLMS: Bool
    ) {
        let ptr = buckets.pointers
        buckets.reset(ends: false)
        // The virtual end's left neighbour n−1 is L-type and comes first in its bucket.
        do {
            let c = Int(text[n - 1])
            sa[Int(ptr[c])] = Int32(truncatingIfNeeded: n - 1)
            ptr[c] &+= 1
        }
        let last = n - 1
        for i in 0..<n {
            do {  // the symbol a later step reads; v ^ (v >> 31) maps −1 and ~p to ≥ 0
                let v = sa[Swift.min(i &+ prefetchDistance, last)]
                squeeze_prefetch(text + Int(v ^ (v >> 31)) - 1)
            }
            let j = Int(sa[i])
            if j > 0 {
                // j−1 is L-type iff text[j−1] ≥ text[j]: an LMS j has an L-type left
                // neighbour that is strictly greater, an L-type j passes its type on ties.
                let c = text[j - 1]
                if c >= text[j] {
                    let b = Int(c)
                    let q = Int(ptr[b])
                    sa[q] = Int32(truncatingIfNeeded: j - 1)
                    squeeze_prefetch(sa + q + frontierDistance)
                    ptr[b] = Int32(truncatingIfNeeded: q + 1)
                }
            }
        }
        buckets.reset(ends: true)
        var i = n - 1
        while i >= 0 {
            do {
                let v = sa[Swift.max(i &- prefetchDistance, 0)]
                squeeze_prefetch(text + Int(v ^ (v >> 31)) - 1)
            }
            let j = Int(sa[i])
            if j > 0 {
                // j−1 is S-type iff text[j−1] < text[j], or they are equal and j is
                // S-type. In this pass the S-type suffixes of bucket d fill it from the
                // end, all before the scan reaches its L-type part, so j (at slot i of
                // bucket d) is S-type exactly when i is at or past the bucket's pointer.
                let c = text[j - 1], d = text[j]
                if c < d || (c == d && Int32(truncatingIfNeeded: i) >= ptr[Int(d)]) {
                    let b = Int(c)
                    ptr[b] &-= 1
                    var v = Int32(truncatingIfNeeded: j - 1)
                    // j−1 is S-type; it is LMS iff its left neighbour is greater.
                    if markLMS && j >= 2 && text[j - 2] > c { v = ~v }
                    let q = Int(ptr[b])
                    sa[q] = v
                    squeeze_prefetch(sa + q - frontierDistance)
                }
            }
            i -= 1
        }
    }
}
