import BitIO
import Codecs
import Transforms

/// `squeeze explain bwt`: the sorted matrix of our BurrowsWheeler (the suffix
/// convention with a terminator), its last column and primary index, then the
/// move-to-front and recency-rank values of that column (Burrows & Wheeler 1994).
public struct BWTExplainer: Explainer {
    public static let name = "bwt"
    public static let summary = "sorted rotations, last column, primary index, then MTF and ranks"

    /// Up to this many bytes the whole matrix is drawn; beyond, its first rows, cut.
    static let fullMatrix = 40
    static let partialRows = 20
    static let partialWidth = 48

    public init() {}

    /// One byte as a single matrix cell: printable ASCII, ␣ for a space, · for others.
    static func cell(_ b: UInt8) -> String {
        switch b {
        case 0x20: "␣"
        case 0x21...0x7E: String(UnicodeScalar(b))
        default: "·"
        }
    }

    /// The n+1 rows of our convention: row r starts at text position `starts[r]`
    /// of S$ (row 0 is the terminator's own rotation, "$S").
    static func rowStarts(_ bytes: [UInt8]) -> [Int] {
        [bytes.count] + SuffixArray.build(bytes).map { Int($0) }
    }

    /// The rotation of S$ that starts at `start`, as cells, at most `width` of them.
    static func rotation(_ bytes: [UInt8], start: Int, width: Int) -> [String] {
        let n = bytes.count
        var cells: [String] = []
        var p = start
        for _ in 0..<min(width, n + 1) {
            cells.append(p == n ? "$" : cell(bytes[p]))
            p = p == n ? 0 : p + 1
        }
        return cells
    }

    /// The textbook convention (no end marker): the n rotations of S sorted, their
    /// last column and the row of S itself (the first such row if S is periodic).
    static func rotationConvention(_ bytes: [UInt8]) -> (last: [UInt8], index: Int) {
        let n = bytes.count
        let order = (0..<n).sorted { a, b in
            for k in 0..<n {
                let x = bytes[(a + k) % n], y = bytes[(b + k) % n]
                if x != y { return x < y }
            }
            return a < b
        }
        let last = order.map { bytes[($0 + n - 1) % n] }
        let index = order.firstIndex(where: { s in (0..<n).allSatisfy { bytes[(s + $0) % n] == bytes[$0] } }) ?? 0
        return (last, index)
    }

    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        let bytes = input.bytes
        let n = bytes.count
        guard n > 0 else { throw ExplainError("bwt: the input is empty; give some text") }
        guard n < SuffixArray.maximumCount else { throw ExplainError("bwt: the input is too large (\(n) bytes)") }
        let limit = max(1, input.options.detailLimit)
        let (bwt, primary) = BurrowsWheeler.forward(bytes)
        let starts = Self.rowStarts(bytes)
        // The last column read off the matrix, terminator dropped, must be what BurrowsWheeler wrote.
        let fromMatrix = starts.compactMap { $0 == 0 ? nil : bytes[$0 - 1] }
        guard fromMatrix == bwt, starts[primary] == 0 else {
            throw ExplainError("internal: the sorted matrix disagrees with BurrowsWheeler.forward")
        }
        var steps: [Explanation.Step] = []
        let full = n <= Self.fullMatrix
        let shownRows = full ? n + 1 : Self.partialRows
        let width = full ? n + 1 : Self.partialWidth
        var lines: [String] = []
        let rowWidth = String(n).count
        var drawn = Array(0..<shownRows)
        if primary >= shownRows { drawn.append(primary) }   // the primary row, past a gap
        for r in drawn {
            if r == primary && r >= shownRows { lines.append(String(repeating: " ", count: rowWidth) + "  ⋮") }
            let cells = Self.rotation(bytes, start: starts[r], width: width)
            let lastCell = full ? cells[n] : (starts[r] == 0 ? "$" : Self.cell(bytes[starts[r] - 1]))
            let body = full ? cells[0..<n].joined() : cells.joined() + "…"
            let label = String(repeating: " ", count: rowWidth - String(r).count) + String(r)
            lines.append("\(label)  \(body)  \(lastCell)" + (r == primary ? "   ← primary index (the row of S$)" : ""))
        }
        steps.append(Explanation.Step(
            title: "Sort the rotations of S$",
            text: """
            Our BurrowsWheeler appends an implicit terminator $ that sorts before every byte and \
            sorts the n+1 rotations of S$ — the same order as the suffixes of S, which is how it \
            really computes them (a suffix array, SA-IS, not a sort of rotations). The first column \
            F is the sorted bytes; the last column L is the byte before each suffix. \
            \(full ? "" : "Only the first \(shownRows) of \(n + 1) rows are drawn, each cut to \(width) characters. ")\
            ($ is the terminator, ␣ a space, · any other unprintable byte.)
            """,
            lines: lines))

        let lastColumn = starts.map { $0 == 0 ? "$" : Self.cell(bytes[$0 - 1]) }.joined()
        var convention = """
            Reading L top to bottom gives \(full ? "\"\(lastColumn)\"" : "the column") with $ in row \(primary). \
            Our transform writes L without the $ (\(n) bytes: \
            "\(ExplainInput.printable(bwt, limit: 60))") and the primary index \(primary), the row of \
            S$ itself, from which the inverse walks back (row 0 is always $S, so L starts with the \
            last byte of S and the primary index is in 1…n).
            """
        var table: Explanation.Table?
        if n <= 64 {
            let textbook = Self.rotationConvention(bytes)
            convention += """
                 The textbook convention without an end marker sorts only the n rotations of S: \
                its last column is "\(ExplainInput.printable(textbook.last))" and S is row \(textbook.index) \
                (counting from 0). Both invert; the terminator makes every row distinct and lets a \
                suffix array do the sorting.
                """
            table = Explanation.Table(columns: ["convention", "last column", "primary index"], rows: [
                ["ours (S$, $ dropped)", ExplainInput.printable(bwt), "\(primary)"],
                ["rotations of S (textbook)", ExplainInput.printable(textbook.last), "\(textbook.index)"],
            ], alignRight: [false, false, true])
        }
        steps.append(Explanation.Step(title: "The last column and the primary index", text: convention, table: table))

        let mtf = MoveToFront.encode(bwt)
        let ranks = RecencyRank.encode(bwt)
        let summarised = n > limit
        var rows: [[String]] = []
        for i in 0..<min(n, limit) {
            rows.append(["\(i)", ExplainInput.printable(bwt[i]), "\(mtf[i])", ranks[i] >= 256 ? "new \(ranks[i])" : "\(ranks[i])"])
        }
        let zeros = mtf.filter { $0 == 0 }.count
        steps.append(Explanation.Step(
            title: "Move-to-front and recency ranks of L",
            text: """
            L groups equal bytes (they precede similar contexts), so move-to-front turns it into \
            mostly small numbers: \(zeros) of \(n) MTF values are 0. MTF starts from the list \
            0, 1, …, 255, so a byte's first rank is about its value; the recency rank instead \
            escapes a first occurrence as 256 + the byte, and otherwise equals the MTF rank \
            (the number of distinct bytes since its last occurrence).\
            \(summarised ? " Only the first \(limit) of \(n) values are listed." : "")
            """,
            table: Explanation.Table(columns: ["i", "L[i]", "MTF", "recency rank"], rows: rows,
                                     alignRight: [true, false, true, true])))

        let gammaMTF = mtf.reduce(0) { $0 + EliasGamma.codeLength(UInt64($1) + 1) }
        let gammaRank = ranks.reduce(0) { $0 + EliasGamma.codeLength(UInt64($1) + 1) }
        let gammaInput = RecencyRank.encode(bytes).reduce(0) { $0 + EliasGamma.codeLength(UInt64($1) + 1) }
        steps.append(Explanation.Step(
            title: "Why it helps",
            text: """
            Written with Elias γ of value + 1 (as our rank codec at level 1 writes them), the \
            recency ranks of L take \(gammaRank) bits; the recency ranks of S itself would take \
            \(gammaInput) bits. The sort moved bytes next to others with the same following \
            context, so recent bytes repeat. (Our bwt codec codes the MTF ranks with adaptive binary \
            arithmetic coding — runs and ranks at levels 1–5, context-mixed ranks at 6–9 — rather \
            than with a fixed universal code.)
            """))

        let summary: [Explanation.Fact] = [
            Explanation.Fact(name: "last column (L)", value: "\"" + ExplainInput.printable(bwt, limit: 60) + "\""),
            Explanation.Fact(name: "primary index", value: "\(primary)", number: Double(primary)),
            Explanation.Fact(name: "MTF zeros", value: "\(zeros) of \(n)", number: Double(zeros)),
            Explanation.Fact(name: "γ bits, MTF of L", value: "\(gammaMTF) bits", number: Double(gammaMTF)),
            Explanation.Fact(name: "γ bits, recency ranks of L", value: "\(gammaRank) bits", number: Double(gammaRank)),
            Explanation.Fact(name: "γ bits, recency ranks of S", value: "\(gammaInput) bits", number: Double(gammaInput)),
        ]
        return Explanation(algorithm: Self.name, title: "Burrows–Wheeler transform of \"\(ExplainInput.printable(bytes, limit: 40))\"",
                           input: ExplainFormat.input(input, summarised: summarised || !full), steps: steps, summary: summary,
                           picture: Self.picture(bytes, starts: starts, primary: primary, rows: shownRows, width: width, full: full))
    }

    /// The matrix as an SVG: one cell per character, the last column shaded,
    /// the primary row outlined.
    static func picture(_ bytes: [UInt8], starts: [Int], primary: Int, rows: Int, width: Int, full: Bool) -> String {
        let n = bytes.count
        let cell = 20, left = 44, top = 40
        let columns = full ? n + 1 : width + 2
        let w = left + columns * cell + 20, h = top + rows * cell + 20
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" font-family=\"monospace\" font-size=\"14\">\n"
        s += "<rect width=\"\(w)\" height=\"\(h)\" fill=\"white\"/>\n"
        let lastX = left + (columns - 1) * cell
        s += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(cell)\" height=\"\(rows * cell)\" fill=\"#dbe9f6\"/>\n"
        s += "<rect class=\"last-column\" x=\"\(lastX)\" y=\"\(top)\" width=\"\(cell)\" height=\"\(rows * cell)\" fill=\"#ffe08a\"/>\n"
        s += "<text x=\"\(left + cell / 2)\" y=\"\(top - 10)\" text-anchor=\"middle\">F</text>\n"
        s += "<text x=\"\(lastX + cell / 2)\" y=\"\(top - 10)\" text-anchor=\"middle\">L</text>\n"
        for r in 0..<rows {
            let y = top + r * cell
            s += "<text x=\"\(left - 8)\" y=\"\(y + 15)\" text-anchor=\"end\" fill=\"#666\">\(r)</text>\n"
            var cells = rotation(bytes, start: starts[r], width: full ? n + 1 : width)
            if !full { cells += ["…", starts[r] == 0 ? "$" : BWTExplainer.cell(bytes[starts[r] - 1])] }
            for (c, ch) in cells.enumerated() {
                s += "<text x=\"\(left + c * cell + cell / 2)\" y=\"\(y + 15)\" text-anchor=\"middle\">\(ExplainFormat.xml(ch))</text>\n"
            }
            if r == primary {
                s += "<rect class=\"primary\" x=\"\(left)\" y=\"\(y)\" width=\"\(columns * cell)\" height=\"\(cell)\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\"/>\n"
            }
        }
        s += "</svg>\n"
        return s
    }
}
