/// Plain-text rendering of an explanation, for a terminal or a pipe.
public enum ExplanationText {
    public static func render(_ e: Explanation) -> String {
        var out = e.title + "\n" + String(repeating: "=", count: e.title.count) + "\n"
        out += "input: \(e.input.shown) (\(e.input.count) symbol\(e.input.count == 1 ? "" : "s"))\n"
        for (i, step) in e.steps.enumerated() {
            let heading = "\(i + 1). \(step.title)"
            out += "\n" + heading + "\n" + String(repeating: "-", count: heading.count) + "\n"
            if !step.text.isEmpty { out += wrap(step.text, width: 78) + "\n" }
            if let lines = step.lines { out += lines.map { "  " + $0 }.joined(separator: "\n") + "\n" }
            if let table = step.table { out += render(table) }
        }
        if !e.summary.isEmpty {
            out += "\nSummary\n-------\n"
            let width = e.summary.map { $0.name.count }.max() ?? 0
            for f in e.summary {
                out += "  " + f.name + String(repeating: " ", count: width - f.name.count) + "  " + f.value + "\n"
            }
        }
        return out
    }

    public static func render(_ t: Explanation.Table) -> String {
        let columns = t.columns.count
        var widths = t.columns.map { $0.count }
        for row in t.rows {
            for (i, cell) in row.prefix(columns).enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for i in 0..<columns {
                let cell = i < cells.count ? cells[i] : ""
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                let right = i < t.alignRight.count && t.alignRight[i]
                parts.append(right ? pad + cell : cell + pad)
            }
            var s = "  " + parts.joined(separator: "  ")
            while s.last == " " { s.removeLast() }
            return s
        }
        var out = line(t.columns) + "\n"
        out += "  " + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in t.rows { out += line(row) + "\n" }
        return out
    }

    /// Greedy word wrap that keeps existing line breaks.
    static func wrap(_ text: String, width: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { para -> String in
            var lines: [String] = []
            var current = ""
            for word in para.split(separator: " ") {
                if !current.isEmpty && current.count + 1 + word.count > width {
                    lines.append(current)
                    current = ""
                }
                current += (current.isEmpty ? "" : " ") + word
            }
            lines.append(current)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
