import BitIO

/// The Burrows–Wheeler transform (Burrows & Wheeler, "A Block-sorting Lossless Data
/// Compression Algorithm", DEC SRC Research Report 124, 1994), computed from a suffix
/// array (SA-IS) rather than by sorting rotations.
///
/// Convention: sort the n+1 suffixes of S (n = input.count) including the empty one,
/// with an implicit terminator smaller than every byte. Row r's last column is
/// L[r] = S[SA'[r] − 1], except for the row of the suffix starting at 0, whose last
/// column is the terminator. The output is L without that row (exactly n bytes), and
/// `primaryIndex` is that row's number in 0…n. Row 0 is always the empty suffix, so for
/// n ≥ 1 the output starts with S[n−1] and the primary index is in 1…n.
public enum BurrowsWheeler {
    /// Writes the transform of `input` into `output` (at least `input.count` bytes) and
    /// returns the primary index; for an empty input writes nothing and returns 0.
    /// Allocates an n×Int32 suffix array. Inputs beyond `SuffixArray.maximumCount` bytes
    /// are not supported (nothing is written and 0 is returned).
    public static func forward(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        let n = input.count
        guard n > 0, n <= SuffixArray.maximumCount, output.count >= n,
              let src = input.baseAddress, let dstBase = output.baseAddress else { return 0 }
        let sa = LargeAllocation.allocate(Int32.self, count: n)
        defer { LargeAllocation.deallocate(sa, count: n) }
        SuffixArray.build(input, into: sa)
        let s = src.assumingMemoryBound(to: UInt8.self)
        let dst = dstBase.assumingMemoryBound(to: UInt8.self)
        dst[0] = s[n - 1]
        var primary = 0
        var o = 1
        for r in 0..<n {
            let p = Int(sa[r])
            if p == 0 {
                primary = r + 1
            } else {
                dst[o] = s[p - 1]
                o += 1
            }
        }
        return primary
    }

    /// Inverts `forward`: writes `input.count` bytes into `output`. Throws
    /// `.corrupt` on a primary index outside 1…n (n ≥ 1) or 0 (n = 0), and
    /// `.invalidParameter` if `output` is too small. Any bytes with a valid index
    /// decode to some n bytes: the LF mapping is a permutation, so the walk stays in bounds.
    /// Memory: two tables of n+1 entries, 4 bytes each below 16 Mi bytes, else 8 bytes
    /// (8n or 16n bytes), on huge pages where the system offers them.
    public static func inverse(_ input: UnsafeRawBufferPointer, primaryIndex: Int,
                               into output: UnsafeMutableRawBufferPointer) throws(CodecError) {
        let n = input.count
        if n == 0 {
            guard primaryIndex == 0 else { throw .corrupt("BWT primary index \(primaryIndex) for an empty block") }
            return
        }
        guard primaryIndex >= 1, primaryIndex <= n else {
            throw .corrupt("BWT primary index \(primaryIndex) outside 1…\(n)")
        }
        guard n <= SuffixArray.maximumCount else { throw .limitExceeded("BWT block of \(n) bytes") }
        guard output.count >= n, let srcBase = input.baseAddress, let dstBase = output.baseAddress else {
            throw .invalidParameter("BWT output buffer of \(output.count) bytes for \(n)")
        }
        let l = srcBase.assumingMemoryBound(to: UInt8.self)
        let dst = dstBase.assumingMemoryBound(to: UInt8.self)
        if n < (1 << 24) {
            decode(l, n, primaryIndex, dst, as: UInt32.self)
        } else {
            decode(l, n, primaryIndex, dst, as: UInt64.self)
        }
    }

    /// Walks the rows from both ends of the text at once (Burrows & Wheeler 1994,
    /// algorithm D): forward from the primary row with the successor vector ψ, backward
    /// from row 0 with the LF mapping. The two walks are independent chains of random
    /// reads, so the processor overlaps their cache misses. Each table entry packs the
    /// next row (above the low 8 bits) and the byte to emit (low 8 bits).
    @inline(__always)
    static func decode<Word: FixedWidthInteger & UnsignedInteger>(
        _ l: UnsafePointer<UInt8>, _ n: Int, _ primary: Int, _ dst: UnsafeMutablePointer<UInt8>, as: Word.Type
    ) {
        // Bucket starts in the first column of the n+1 rows: the terminator takes row 0.
        let start = UnsafeMutablePointer<Int>.allocate(capacity: 256)
        defer { start.deallocate() }
        do {
            start.initialize(repeating: 0, count: 256)
            for i in 0..<n { start[Int(l[i])] += 1 }
            var sum = 1
            for c in 0..<256 { let t = start[c]; start[c] = sum; sum += t }
        }
        let psi = LargeAllocation.allocate(Word.self, count: n + 1)
        let lf = LargeAllocation.allocate(Word.self, count: n + 1)
        defer { LargeAllocation.deallocate(psi, count: n + 1); LargeAllocation.deallocate(lf, count: n + 1) }
        // ψ of row 0 (the terminator's row) is the primary row; LF of the primary row is row 0.
        psi[0] = Word(truncatingIfNeeded: primary) << 8
        lf[primary] = 0
        // Row r of the full last column is l[r] before the primary row, l[r−1] after it.
        for r in 0..<primary {
            let c = Int(l[r])
            let f = start[c]
            psi[f] = (Word(truncatingIfNeeded: r) << 8) | Word(truncatingIfNeeded: c)
            lf[r] = (Word(truncatingIfNeeded: f) << 8) | Word(truncatingIfNeeded: c)
            start[c] = f + 1
        }
        var r = primary + 1
        while r <= n {
            let c = Int(l[r - 1])
            let f = start[c]
            psi[f] = (Word(truncatingIfNeeded: r) << 8) | Word(truncatingIfNeeded: c)
            lf[r] = (Word(truncatingIfNeeded: f) << 8) | Word(truncatingIfNeeded: c)
            start[c] = f + 1
            r += 1
        }
        // Forward: S[0..<half] from the primary row; backward: S[half..<n] from row 0.
        let half = n / 2
        var forwardRow = primary
        var backwardRow = 0
        var k = 0
        var b = n - 1
        while k < half {
            let e = psi[forwardRow]
            let g = lf[backwardRow]
            dst[k] = UInt8(truncatingIfNeeded: e)
            dst[b] = UInt8(truncatingIfNeeded: g)
            forwardRow = Int(truncatingIfNeeded: e >> 8)
            backwardRow = Int(truncatingIfNeeded: g >> 8)
            k += 1
            b -= 1
        }
        if b >= k {  // n odd: one byte left in the middle
            dst[b] = UInt8(truncatingIfNeeded: lf[backwardRow])
        }
    }

    /// Convenience over arrays.
    public static func forward(_ bytes: [UInt8]) -> (bwt: [UInt8], primaryIndex: Int) {
        var out = [UInt8](repeating: 0, count: bytes.count)
        let primary = bytes.withUnsafeBytes { i in out.withUnsafeMutableBytes { o in forward(i, into: o) } }
        return (out, primary)
    }

    public static func inverse(_ bwt: [UInt8], primaryIndex: Int) throws(CodecError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: bwt.count)
        let result: Result<Void, CodecError> = bwt.withUnsafeBytes { i in
            out.withUnsafeMutableBytes { o in
                do throws(CodecError) { try inverse(i, primaryIndex: primaryIndex, into: o); return .success(()) }
                catch { return .failure(error) }
            }
        }
        try result.get()
        return out
    }
}
