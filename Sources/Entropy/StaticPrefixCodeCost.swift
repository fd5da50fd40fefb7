/// What a static order-0 Huffman code costs on a histogram, table included
/// (Huffman 1952; optimal lengths by the two-queue method of van Leeuwen 1976,
/// exact and unlimited in length — this is a measurement, the production coder
/// with length limits lives elsewhere in the module).
///
/// Table cost, as a canonical code would send it: a 256-bit map of the byte
/// values present, 5 bits giving the width w = ⌈log2(maxLength + 1)⌉, then w
/// bits per present value for its code length. A single-valued input gets
/// length 0 (the decoder knows n), so the payload is 0 bits.
public struct StaticPrefixCodeCost: Sendable, Codable, Equatable {
    /// Code length per byte value (0 for absent values).
    public let lengths: [Int]
    /// Σ count · length.
    public let payloadBits: Int
    public let tableBits: Int
    public var totalBits: Int { payloadBits + tableBits }
    public var maxLength: Int { lengths.max() ?? 0 }

    public init(histogram: [Int]) {
        let lengths = Self.optimalLengths(histogram)
        self.lengths = lengths
        var payload = 0
        for (c, l) in zip(histogram, lengths) { payload += c * l }
        payloadBits = payload
        let present = histogram.filter { $0 > 0 }.count
        let maxLength = lengths.max() ?? 0
        let width = maxLength == 0 ? 0 : Int.bitWidth - maxLength.leadingZeroBitCount
        tableBits = present == 0 ? 0 : 256 + 5 + width * present
    }

    /// Optimal (Huffman) code lengths for `counts` (0 for zero counts).
    public static func optimalLengths(_ counts: [Int]) -> [Int] {
        let leaves = counts.indices.filter { counts[$0] > 0 }.sorted { (counts[$0], $0) < (counts[$1], $1) }
        var lengths = [Int](repeating: 0, count: counts.count)
        guard leaves.count > 1 else { return lengths }
        // Nodes 0..<m are leaves in increasing weight; internal nodes are
        // created in increasing weight too, so two queues give the two smallest.
        let m = leaves.count
        var weight = leaves.map { counts[$0] }
        var parent = [Int](repeating: -1, count: 2 * m - 1)
        weight.reserveCapacity(2 * m - 1)
        var leafNext = 0
        var innerNext = m
        func takeSmallest() -> Int {
            if leafNext < m && (innerNext >= weight.count || weight[leafNext] <= weight[innerNext]) {
                leafNext += 1
                return leafNext - 1
            }
            innerNext += 1
            return innerNext - 1
        }
        while weight.count < 2 * m - 1 {
            let a = takeSmallest()
            let b = takeSmallest()
            parent[a] = weight.count
            parent[b] = weight.count
            weight.append(weight[a] + weight[b])
        }
        // Depths: the root is the last node; parents always come later.
        var depth = [Int](repeating: 0, count: 2 * m - 1)
        for v in stride(from: 2 * m - 3, through: 0, by: -1) { depth[v] = depth[parent[v]] + 1 }
        for (i, s) in leaves.enumerated() { lengths[s] = depth[i] }
        return lengths
    }
}
