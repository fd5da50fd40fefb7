import BitIO
import Entropy
import Foundation

/// Huffman coding as squeeze's `huffman` codec does it: byte counts, code
/// lengths from `HuffmanCodeLengths.compute` (package-merge, limit 15 unless
/// `--limit` says otherwise), code words from `CanonicalHuffmanCode`. The
/// textbook merges are shown beside them because that is how the lecture
/// builds the tree; both give an optimal code, though ties may shape it differently.
public struct HuffmanExplainer: Explainer {
    public static let name = "huffman"
    public static let summary = "symbol counts, the code tree, the canonical code, total bits against n·H0, the Kraft sum (--limit L: length-limited)"
    public init() {}

    /// What the explanation computes, for tests and for the steps.
    public struct Walkthrough: Sendable {
        public var counts: [Int]            // 256 entries
        public var symbols: [Int]           // used byte values, ascending
        public var lengths: [UInt8]         // 256 entries, as the coder uses them
        public var unlimitedLengths: [UInt8]
        public var codes: [Int: String]     // symbol → code word as 0s and 1s
        public var totalBits: Int
        public var unlimitedTotalBits: Int
        public var mergeTotalBits: Int      // cost of the tree Huffman's merges build
        public var merges: [String]
        public var h0: Double
        /// Σ 2^-length as a fraction of 2^15 (HuffmanCodeLengths.kraftSum).
        public var kraft: Int
        public var limit: Int
    }

    public static func walkthrough(_ bytes: [UInt8], limit: Int?) throws(ExplainError) -> Walkthrough {
        guard !bytes.isEmpty else { throw ExplainError("the input is empty: give a file or --text with at least one symbol") }
        let limit = limit ?? HuffmanCodeLengths.maxLimit
        let counts = EmpiricalEntropy.histogram(bytes)
        let symbols = (0..<256).filter { counts[$0] > 0 }
        let freq = counts.map { UInt32(clamping: $0) }
        let lengths: [UInt8]
        let unlimited: [UInt8]
        let code: CanonicalHuffmanCode
        do {
            lengths = try HuffmanCodeLengths.compute(freq, limit: limit)
            unlimited = try HuffmanCodeLengths.compute(freq, limit: HuffmanCodeLengths.maxLimit)
            code = try CanonicalHuffmanCode(lengths: lengths)
        } catch {
            throw ExplainError("--limit \(limit): \(error)")
        }
        var codes: [Int: String] = [:]
        for s in symbols {
            codes[s] = ExplainFormat.binary(UInt64(code.code(of: s)), width: Int(lengths[s]))
        }
        let (merges, depths) = huffmanMerges(counts: counts, symbols: symbols)
        var mergeTotal = 0
        for s in symbols { mergeTotal += counts[s] * depths[s, default: 0] }
        return Walkthrough(
            counts: counts, symbols: symbols, lengths: lengths, unlimitedLengths: unlimited, codes: codes,
            totalBits: code.codedBits(frequencies: freq),
            unlimitedTotalBits: symbols.reduce(0) { $0 + counts[$1] * Int(unlimited[$1]) },
            mergeTotalBits: mergeTotal, merges: merges,
            h0: EmpiricalEntropy.entropy(counts: counts),
            kraft: HuffmanCodeLengths.kraftSum(lengths), limit: limit)
    }

    /// Huffman's procedure: join the two lightest trees until one is left
    /// (ties: the older tree first, so the list is reproducible). Returns the
    /// merges as lines and each symbol's depth in the resulting tree.
    static func huffmanMerges(counts: [Int], symbols: [Int]) -> ([String], [Int: Int]) {
        struct Tree { var weight: Int; var order: Int; var name: String; var leaves: [Int] }
        var forest = symbols.enumerated().map { Tree(weight: counts[$1], order: $0, name: ExplainInput.printable(UInt8($1)), leaves: [$1]) }
        var depth: [Int: Int] = [:]
        if symbols.count == 1 { depth[symbols[0]] = 1 }
        var lines: [String] = []
        var order = forest.count
        while forest.count > 1 {
            forest.sort { ($0.weight, $0.order) < ($1.weight, $1.order) }
            let a = forest.removeFirst(), b = forest.removeFirst()
            for s in a.leaves + b.leaves { depth[s, default: 0] += 1 }
            let joined = a.name.count + b.name.count <= 16 ? a.name + b.name : "t\(order)"
            lines.append("\(a.name) (\(a.weight)) + \(b.name) (\(b.weight)) → \(joined) (\(a.weight + b.weight))")
            forest.append(Tree(weight: a.weight + b.weight, order: order, name: joined, leaves: a.leaves + b.leaves))
            order += 1
        }
        return (lines, depth)
    }

    /// The code tree of the canonical code: node 0 is the root; a leaf has a symbol.
    struct CodeTree {
        var children: [[Int?]] = [[nil, nil]]
        var symbol: [Int?] = [nil]
        var weight: [Int] = [0]

        init(codes: [Int: String], counts: [Int]) {
            for (s, word) in codes.sorted(by: { $0.key < $1.key }) {
                var node = 0
                weight[0] += counts[s]
                for c in word {
                    let side = c == "1" ? 1 : 0
                    if let next = children[node][side] {
                        node = next
                    } else {
                        children.append([nil, nil]); symbol.append(nil); weight.append(0)
                        children[node][side] = children.count - 1
                        node = children.count - 1
                    }
                    weight[node] += counts[s]
                }
                symbol[node] = s
            }
        }

        /// A text drawing, one node per line: "├─0─ a 5".
        func drawing() -> [String] {
            var lines = ["(\(weight[0]))"]
            func walk(_ node: Int, _ prefix: String) {
                let kids = (0..<2).compactMap { side in children[node][side].map { (side, $0) } }
                for (i, (side, child)) in kids.enumerated() {
                    let last = i == kids.count - 1
                    let label = symbol[child].map { "\(ExplainInput.printable(UInt8($0)))  \(weight[child])" } ?? "(\(weight[child]))"
                    lines.append(prefix + (last ? "└─" : "├─") + "\(side)─ " + label)
                    walk(child, prefix + (last ? "     " : "│    "))
                }
            }
            walk(0, "")
            return lines
        }

        /// An SVG picture: leaves spread evenly along the bottom of their
        /// depth, each parent centred over its children, edges labelled 0/1.
        func svg(title: String) -> String {
            var x = [Double](repeating: 0, count: children.count)
            var depth = [Int](repeating: 0, count: children.count)
            var nextLeaf = 0.0
            func place(_ node: Int, _ d: Int) {
                depth[node] = d
                let kids = children[node].compactMap { $0 }
                if kids.isEmpty {
                    x[node] = nextLeaf; nextLeaf += 1
                } else {
                    for k in kids { place(k, d + 1) }
                    x[node] = kids.map { x[$0] }.reduce(0, +) / Double(kids.count)
                }
            }
            place(0, 0)
            let dx = 64.0, dy = 90.0, margin = 40.0
            let width = Int(margin * 2 + dx * Swift.max(nextLeaf - 1, 1))
            let height = Int(margin * 2 + dy * Double(depth.max() ?? 0) + 20)
            func px(_ n: Int) -> Double { margin + x[n] * dx }
            func py(_ n: Int) -> Double { margin + Double(depth[n]) * dy }
            func f(_ v: Double) -> String { String(format: "%.1f", v) }
            var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"14\" role=\"img\">"
            s += "<title>\(ExplanationHTML.escape(title))</title>"
            for n in 0..<children.count {
                for side in 0..<2 {
                    guard let c = children[n][side] else { continue }
                    s += "<line x1=\"\(f(px(n)))\" y1=\"\(f(py(n)))\" x2=\"\(f(px(c)))\" y2=\"\(f(py(c)))\" stroke=\"#667\" stroke-width=\"1.5\"/>"
                    let mx = (px(n) + px(c)) / 2 + (side == 0 ? -9 : 9), my = (py(n) + py(c)) / 2 + 5
                    s += "<text x=\"\(f(mx))\" y=\"\(f(my))\" text-anchor=\"middle\" fill=\"#a33\" font-weight=\"bold\">\(side)</text>"
                }
            }
            for n in 0..<children.count {
                if let sym = symbol[n] {
                    s += "<rect x=\"\(f(px(n) - 16))\" y=\"\(f(py(n) - 14))\" width=\"32\" height=\"26\" rx=\"4\" fill=\"#e8f0fe\" stroke=\"#335\"/>"
                    s += "<text x=\"\(f(px(n)))\" y=\"\(f(py(n) + 5))\" text-anchor=\"middle\" font-family=\"monospace\" font-size=\"15\">\(ExplanationHTML.escape(ExplainInput.printable(UInt8(sym))))</text>"
                    s += "<text x=\"\(f(px(n)))\" y=\"\(f(py(n) + 30))\" text-anchor=\"middle\" fill=\"#555\" font-size=\"12\">\(weight[n])</text>"
                } else {
                    s += "<circle cx=\"\(f(px(n)))\" cy=\"\(f(py(n)))\" r=\"16\" fill=\"#fff\" stroke=\"#335\"/>"
                    s += "<text x=\"\(f(px(n)))\" y=\"\(f(py(n) + 5))\" text-anchor=\"middle\" font-size=\"13\">\(weight[n])</text>"
                }
            }
            return s + "</svg>"
        }
    }

    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        let bytes = input.bytes
        let w = try Self.walkthrough(bytes, limit: input.options.lengthLimit)
        let n = bytes.count
        let summarised = n > input.options.detailLimit
        let nH0 = Double(n) * w.h0
        let show = { (s: Int) in ExplainInput.printable(UInt8(s)) }
        var steps: [Explanation.Step] = []

        // 1. Counts (past --detail with many symbols, the commonest; the code table below lists all).
        let counted = summarised && w.symbols.count > 40
            ? w.symbols.sorted { (w.counts[$0], $1) > (w.counts[$1], $0) }.prefix(40).sorted()
            : w.symbols
        steps.append(Explanation.Step(
            title: "Count the symbols",
            text: "The coder reads the whole input first and counts each byte: n = \(n) symbols, \(w.symbols.count) distinct. "
                + "A symbol of probability p carries −log2 p bits of information, so the best any code can average is "
                + "H0 = Σ p·(−log2 p) = \(ExplainFormat.fixed(w.h0)) bits per symbol, n·H0 = \(ExplainFormat.fixed(nH0, 2)) bits in all."
                + (counted.count < w.symbols.count ? " (The \(counted.count) commonest symbols are listed.)" : ""),
            table: Explanation.Table(
                columns: ["symbol", "count", "p", "−log2 p"],
                rows: counted.map { s in
                    let p = Double(w.counts[s]) / Double(n)
                    return [show(s), "\(w.counts[s])", ExplainFormat.fixed(p), ExplainFormat.fixed(-log2(p), 3)]
                },
                alignRight: [false, true, true, true])))

        // 2. Huffman's merges (the textbook construction).
        if !summarised && w.symbols.count > 1 {
            steps.append(Explanation.Step(
                title: "Huffman's merges",
                text: "Start with one tree per symbol, weighted by its count. Repeatedly join the two lightest trees "
                    + "(ties: the older first) until one tree is left; a symbol's code length is its depth. "
                    + "This tree costs \(ExplainFormat.count(w.mergeTotalBits, "bit")).",
                lines: w.merges))
        }

        // 3. The tree squeeze's code uses.
        let tree = CodeTree(codes: w.codes, counts: w.counts)
        let drawTree = !summarised && w.symbols.count <= 64
        let limitText = input.options.lengthLimit == nil
            ? "the limit of \(HuffmanCodeLengths.maxLimit) bits the codec always uses"
            : "your limit of \(w.limit) bits"
        let same = w.unlimitedTotalBits == w.mergeTotalBits
            ? "It costs \(ExplainFormat.count(w.unlimitedTotalBits, "bit")) without a limit — the same as Huffman's merges; ties can give a different tree of the same cost."
            : "It costs \(ExplainFormat.count(w.unlimitedTotalBits, "bit")) without a limit."
        steps.append(Explanation.Step(
            title: "The code tree squeeze builds",
            text: "squeeze computes the code lengths with package-merge (Larmore & Hirschberg 1990, HuffmanCodeLengths.compute), "
                + "which finds the cheapest prefix code whose longest word fits \(limitText). \(same) "
                + "Only the lengths are stored in the file; the code words follow canonically (shorter words first, "
                + "ties by byte value), so this is the tree the decoder rebuilds. Left edges are 0, right edges 1."
                + (drawTree ? "" : " (The tree is not drawn for \(summarised ? "inputs past --detail" : "more than 64 symbols").)"),
            lines: drawTree ? tree.drawing() : nil,
            svg: drawTree ? tree.svg(title: "Canonical Huffman code tree") : nil))

        // 4. Code table.
        steps.append(Explanation.Step(
            title: "The canonical code",
            text: "Each symbol's code word, its length against its information −log2 p, and the bits it costs over the whole input. "
                + "A length can be below −log2 p for one symbol, but never on average below H0.",
            table: Explanation.Table(
                columns: ["symbol", "count", "−log2 p", "length", "code word", "count × length"],
                rows: w.symbols.sorted { (w.lengths[$0], $0) < (w.lengths[$1], $1) }.map { s in
                    let p = Double(w.counts[s]) / Double(n)
                    return [show(s), "\(w.counts[s])", ExplainFormat.fixed(-log2(p), 3), "\(w.lengths[s])",
                            w.codes[s] ?? "", "\(w.counts[s] * Int(w.lengths[s]))"]
                },
                alignRight: [false, true, true, true, false, true])))

        // 5. Length limit.
        if input.options.lengthLimit != nil {
            let changed = w.symbols.filter { w.lengths[$0] != w.unlimitedLengths[$0] }
            steps.append(Explanation.Step(
                title: "The length limit",
                text: "With --limit \(w.limit) no code word may be longer than \(w.limit) bits. "
                    + (changed.isEmpty
                        ? "The optimal code already fits, so nothing changes."
                        : "Package-merge finds the cheapest code that fits: \(ExplainFormat.count(changed.count, "symbol")) change length, "
                            + "and the total grows from \(w.unlimitedTotalBits) to \(w.totalBits) bits."),
                table: Explanation.Table(
                    columns: ["symbol", "count", "unlimited", "limited"],
                    rows: w.symbols.map { s in [show(s), "\(w.counts[s])", "\(w.unlimitedLengths[s])", "\(w.lengths[s])"] },
                    alignRight: [false, true, true, true])))
        }

        // 6. Totals and Kraft.
        let kraftText = ExplainFormat.fraction(w.kraft, 1 << 15)
        var totals: [String] = []
        if w.symbols.count <= 16 {
            totals.append("total = " + w.symbols.map { "\(w.counts[$0])·\(w.lengths[$0])" }.joined(separator: " + ") + " = \(w.totalBits) bits")
            totals.append("Kraft sum = " + w.symbols.map { "2^-\(w.lengths[$0])" }.joined(separator: " + ") + " = \(kraftText)")
        } else {
            totals.append("total = Σ count·length = \(w.totalBits) bits")
            totals.append("Kraft sum = Σ 2^-length = \(kraftText)")
        }
        totals.append("n·H0 = \(n) × \(ExplainFormat.fixed(w.h0)) = \(ExplainFormat.fixed(nH0, 2)) bits")
        totals.append("redundancy = \(ExplainFormat.fixed(Double(w.totalBits) - nH0, 2)) bits (\(ExplainFormat.fixed((Double(w.totalBits) - nH0) / Double(n))) bits/symbol)")
        if !summarised {
            let message = bytes.map { w.codes[Int($0)] ?? "" }.joined(separator: " ")
            totals.append("coded: " + ExplainFormat.abbreviated(message, limit: 200))
        }
        steps.append(Explanation.Step(
            title: "Total bits and the Kraft sum",
            text: "The coded input is Σ count × length bits (the code-length table in the file header comes on top). "
                + "Huffman's total is within one bit per symbol of n·H0. The Kraft sum Σ 2^-length is at most 1 for every prefix code; "
                + "it is exactly 1 when the tree has no unused branch.",
            lines: totals))

        let maxLength = Int(w.symbols.map { w.lengths[$0] }.max() ?? 0)
        var summary: [Explanation.Fact] = [
            .init(name: "symbols", value: "\(n)", number: Double(n)),
            .init(name: "distinct symbols", value: "\(w.symbols.count)", number: Double(w.symbols.count)),
            .init(name: "total", value: ExplainFormat.count(w.totalBits, "bit"), number: Double(w.totalBits)),
            .init(name: "n·H0", value: ExplainFormat.fixed(nH0, 2) + " bits", number: nH0),
            .init(name: "average length", value: ExplainFormat.fixed(Double(w.totalBits) / Double(n)) + " bits/symbol", number: Double(w.totalBits) / Double(n)),
            .init(name: "H0", value: ExplainFormat.fixed(w.h0) + " bits/symbol", number: w.h0),
            .init(name: "Kraft sum", value: kraftText, number: Double(w.kraft) / Double(1 << 15)),
            .init(name: "longest code", value: ExplainFormat.count(maxLength, "bit"), number: Double(maxLength)),
        ]
        if input.options.lengthLimit != nil {
            summary.append(.init(name: "total without limit", value: ExplainFormat.count(w.unlimitedTotalBits, "bit"), number: Double(w.unlimitedTotalBits)))
        }
        return Explanation(
            algorithm: Self.name,
            title: "Huffman coding of \"\(ExplainInput.printable(bytes, limit: 40))\"",
            input: .init(shown: input.shown, count: n, summarised: summarised),
            steps: steps, summary: summary,
            picture: w.symbols.count <= 64 ? tree.svg(title: "Canonical Huffman code tree") : nil)
    }
}
