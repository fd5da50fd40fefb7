/// Optimal length-limited prefix-code lengths by the package-merge algorithm
/// (Larmore & Hirschberg, "A fast algorithm for optimal length-limited Huffman
/// codes", JACM 37(3), 1990): the cheapest code whose longest word is at most
/// `limit` bits, in O(n·limit) time.
public enum HuffmanCodeLengths {
    /// The longest code length any table in this package may use.
    public static let maxLimit = 15

    /// Code lengths for `frequencies` (one per symbol; 0 = unused, gets length 0).
    /// A single used symbol gets length 1 so that it still has a code word.
    /// Throws `.invalidParameter` if `limit` is outside 1...15 or more symbols are
    /// used than `limit` bits can address.
    public static func compute(_ frequencies: [UInt32], limit: Int = maxLimit) throws(CodecError) -> [UInt8] {
        guard limit >= 1, limit <= maxLimit else {
            throw .invalidParameter("Huffman length limit \(limit) is outside 1...\(maxLimit)")
        }
        var lengths = [UInt8](repeating: 0, count: frequencies.count)
        // Used symbols, rarest first (ties by symbol, so the result is deterministic).
        var used: [Int] = []
        used.reserveCapacity(frequencies.count)
        for (s, f) in frequencies.enumerated() where f > 0 { used.append(s) }
        let n = used.count
        if n == 0 { return lengths }
        if n == 1 { lengths[used[0]] = 1; return lengths }
        guard n <= 1 << limit else {
            throw .invalidParameter("\(n) symbols do not fit in codes of at most \(limit) bits")
        }
        used.sort { frequencies[$0] != frequencies[$1] ? frequencies[$0] < frequencies[$1] : $0 < $1 }
        let leafWeight = used.map { UInt64(frequencies[$0]) }

        // isLeaf[d] marks, for the list at depth d (0 = the top, limit-1 = the
        // deepest, which holds only leaves), which items are leaves rather than packages.
        var isLeaf = [[Bool]](repeating: [], count: limit)
        var deeper: [UInt64] = leafWeight
        isLeaf[limit - 1] = [Bool](repeating: true, count: n)
        if limit >= 2 {
            for d in stride(from: limit - 2, through: 0, by: -1) {
                // Package adjacent pairs of the deeper list, then merge with the leaves.
                let packageCount = deeper.count / 2
                var merged: [UInt64] = []
                var flags: [Bool] = []
                merged.reserveCapacity(n + packageCount)
                flags.reserveCapacity(n + packageCount)
                var i = 0, p = 0
                while i < n || p < packageCount {
                    let pw = p < packageCount ? deeper[2 * p] + deeper[2 * p + 1] : UInt64.max
                    if i < n && leafWeight[i] <= pw {
                        merged.append(leafWeight[i]); flags.append(true); i += 1
                    } else {
                        merged.append(pw); flags.append(false); p += 1
                    }
                }
                deeper = merged
                isLeaf[d] = flags
            }
        }
        // Take the 2n-2 cheapest items at the top; every leaf met in the chosen
        // prefix of each depth adds one bit to that symbol's length.
        var take = 2 * n - 2
        for d in 0..<limit {
            guard take > 0 else { break }
            var leaves = 0
            let flags = isLeaf[d]
            for k in 0..<Swift.min(take, flags.count) where flags[k] { leaves += 1 }
            for k in 0..<leaves { lengths[used[k]] += 1 }
            take = 2 * (take - leaves)
        }
        return lengths
    }

    /// The Kraft sum Σ 2^-length over used symbols, as an exact fraction of 2^15
    /// (a prefix code exists iff it is at most 2^15).
    public static func kraftSum(_ lengths: [UInt8]) -> Int {
        var sum = 0
        for l in lengths where l > 0 {
            if l > 15 { return Int.max }
            sum += 1 << (15 - Int(l))
        }
        return sum
    }
}
