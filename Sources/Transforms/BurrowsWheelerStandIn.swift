import BitIO

/// STAND-IN for the suffix-array BWT of the `sais` branch, with the same API;
/// the lead deletes this file when merging that branch.
///
/// The Burrows–Wheeler transform (Burrows & Wheeler, "A block-sorting lossless
/// data compression algorithm", SRC report 124, 1994) over the n + 1 suffixes
/// of S including the empty one (an implicit terminator below every byte).
/// L[i] = S[SA[i] − 1]; the row of the suffix starting at 0 (the terminator
/// row) is left out, so the output has exactly n bytes, and its index is the
/// primary index (1…n for n ≥ 1, 0 for n = 0).
///
/// The suffix array is built by prefix doubling with radix sorting (Manber &
/// Myers, "Suffix arrays: a new method for on-line string searches", SIAM J.
/// Comput. 22(5), 1993): O(n log n) worst case, a few passes on text.
public enum BurrowsWheeler {
    /// Writes the BWT of `input` into `output` (at least `input.count` bytes)
    /// and returns the primary index.
    public static func forward(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        let n = input.count
        guard n > 0, output.count >= n else { return 0 }
        let rows = n + 1
        let sa = UnsafeMutableBufferPointer<Int32>.allocate(capacity: rows)
        let rank = UnsafeMutableBufferPointer<Int32>.allocate(capacity: rows)
        let tmp = UnsafeMutableBufferPointer<Int32>.allocate(capacity: rows)
        let newRank = UnsafeMutableBufferPointer<Int32>.allocate(capacity: rows)
        let count = UnsafeMutableBufferPointer<Int32>.allocate(capacity: Swift.max(rows + 1, 257))
        defer { sa.deallocate(); rank.deallocate(); tmp.deallocate(); newRank.deallocate(); count.deallocate() }

        // Ranks by first symbol: the empty suffix 0, byte b → b + 1.
        for i in 0..<n { rank[i] = Int32(input[i]) &+ 1 }
        rank[n] = 0
        var buckets = 257
        for k in 0..<buckets { count[k] = 0 }
        for i in 0..<rows { count[Int(rank[i])] &+= 1 }
        var sum: Int32 = 0
        for k in 0..<buckets { let c = count[k]; count[k] = sum; sum &+= c }
        for i in 0..<rows { let r = Int(rank[i]); sa[Int(count[r])] = Int32(i); count[r] &+= 1 }
        // Dense ranks (equal first symbol, equal rank), numbered from 0.
        var classes = 0
        for r in 0..<rows {
            if r > 0 && rank[Int(sa[r])] != rank[Int(sa[r - 1])] { classes &+= 1 }
            newRank[Int(sa[r])] = Int32(classes)
        }
        for i in 0..<rows { rank[i] = newRank[i] }
        classes &+= 1

        var h = 1
        while classes < rows {
            // Order by the second key rank[i + h]: suffixes with i + h > n first
            // (their rank is already final), then in SA order of i + h.
            var w = 0
            for i in (rows - Swift.min(h, rows))..<rows { tmp[w] = Int32(i); w &+= 1 }
            for r in 0..<rows {
                let j = Int(sa[r])
                if j >= h { tmp[w] = Int32(j &- h); w &+= 1 }
            }
            // Stable counting sort by the first key.
            buckets = classes
            for k in 0..<buckets { count[k] = 0 }
            for i in 0..<rows { count[Int(rank[i])] &+= 1 }
            sum = 0
            for k in 0..<buckets { let c = count[k]; count[k] = sum; sum &+= c }
            for r in 0..<rows {
                let i = Int(tmp[r])
                let k = Int(rank[i])
                sa[Int(count[k])] = Int32(i)
                count[k] &+= 1
            }
            // New ranks from the (first, second) key pairs.
            var c = 0
            newRank[Int(sa[0])] = 0
            for r in 1..<rows {
                let a = Int(sa[r]), b = Int(sa[r - 1])
                let sa2 = a &+ h < rows ? rank[a &+ h] : -1
                let sb2 = b &+ h < rows ? rank[b &+ h] : -1
                if rank[a] != rank[b] || sa2 != sb2 { c &+= 1 }
                newRank[a] = Int32(c)
            }
            for i in 0..<rows { rank[i] = newRank[i] }
            classes = c &+ 1
            h &*= 2
        }

        var primary = 0
        var w = 0
        for r in 0..<rows {
            let j = Int(sa[r])
            if j == 0 { primary = r; continue }
            output[w] = input[j &- 1]
            w &+= 1
        }
        return primary
    }

    /// Inverts `forward`: writes the `input.count` original bytes into `output`.
    /// Throws `.corrupt` when the primary index is out of range or the input
    /// is not the transform of any string.
    public static func inverse(_ input: UnsafeRawBufferPointer, primaryIndex: Int,
                               into output: UnsafeMutableRawBufferPointer) throws(CodecError) {
        let n = input.count
        guard output.count >= n else { throw .invalidParameter("BWT output of \(output.count) bytes for \(n)") }
        if n == 0 {
            guard primaryIndex == 0 else { throw .corrupt("BWT primary index \(primaryIndex) for an empty block") }
            return
        }
        guard primaryIndex >= 1, primaryIndex <= n else {
            throw .corrupt("BWT primary index \(primaryIndex) outside 1...\(n)")
        }
        let p = primaryIndex
        // LF mapping over the n + 1 rows: row r (r ≠ p) holds byte input[r − (r > p)].
        var start = [Int](repeating: 0, count: 256)
        for i in 0..<n { start[Int(input[i])] &+= 1 }
        var sum = 1
        for c in 0..<256 { let k = start[c]; start[c] = sum; sum &+= k }
        let lf = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: n + 1)
        defer { lf.deallocate() }
        lf[p] = 0
        for i in 0..<n {
            let c = Int(input[i])
            lf[i < p ? i : i &+ 1] = UInt32(start[c])
            start[c] &+= 1
        }
        // Walk back from the empty suffix (row 0), one byte per step.
        var row = 0
        var k = n
        while k > 0 {
            guard row != p else { throw .corrupt("BWT of \(n) bytes with primary index \(p) is not a single cycle") }
            k &-= 1
            output[k] = input[row < p ? row : row &- 1]
            row = Int(lf[row])
        }
        guard row == p else { throw .corrupt("BWT of \(n) bytes does not end at primary index \(p)") }
    }

    public static func forward(_ bytes: [UInt8]) -> (bwt: [UInt8], primaryIndex: Int) {
        var out = [UInt8](repeating: 0, count: bytes.count)
        let p = bytes.withUnsafeBytes { i in out.withUnsafeMutableBytes { o in forward(i, into: o) } }
        return (out, p)
    }

    public static func inverse(_ bwt: [UInt8], primaryIndex: Int) throws(CodecError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: bwt.count)
        let result: Result<Void, CodecError> = bwt.withUnsafeBytes { i in
            out.withUnsafeMutableBytes { o in
                Result { () throws(CodecError) in try inverse(i, primaryIndex: primaryIndex, into: o) }
            }
        }
        try result.get()
        return out
    }
}
