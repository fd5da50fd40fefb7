import Foundation
import Harness

/// The ranking of the latest run of every submission on one hidden corpus, with the
/// baselines, each file's figures and the whole history; written as Markdown and as a
/// self-contained HTML page (inline SVG charts, no network).
public struct Leaderboard: Sendable {
    public struct Entry: Sendable {
        public var rank: Int
        public var run: GradeDatabase.SubmissionRun
        public var files: [GradeDatabase.FileResult]
        public var points: ScoreFormula.Points
        /// Runs of this submission in the database (all corpora).
        public var attempts: Int
    }

    public struct BaselineTotal: Sendable {
        public var spec: String
        public var label: String
        public var bitsPerByte: Double?
        public var files: [GradeDatabase.BaselineResult]
    }

    public struct HistoryRow: Sendable {
        public var run: GradeDatabase.SubmissionRun
        public var points: ScoreFormula.Points?
        public var corpusName: String
    }

    public var formula: ScoreFormula
    public var corpus: GradeDatabase.Run
    public var corpusFiles: [(name: String, bytes: Int64)]
    public var entries: [Entry]
    public var baselines: [BaselineTotal]
    public var history: [HistoryRow]
    public var runs: [GradeDatabase.Run]
    /// Runs of the ranked corpus that were not sandboxed (said loudly at the top).
    public var unisolated: [GradeDatabase.Run]

    /// Ranks the latest run of each submission on the corpus of the latest grade run.
    public static func build(_ c: GradeDatabase.Contents, formula: ScoreFormula) throws(GradeError) -> Leaderboard {
        guard let latest = c.runs.max(by: { $0.startedAt < $1.startedAt }) else {
            throw GradeError("the database holds no grade runs yet: run `squeeze grade SUBMISSIONS --corpus DIR --db FILE` first")
        }
        let runsByID = Dictionary(c.runs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let anchors = try anchorTotals(c, corpusHash: latest.corpusHash, formula: formula)
        var byCorpusAnchors: [String: (Double, Double)?] = [latest.corpusHash: (anchors.low, anchors.high)]
        func points(_ s: GradeDatabase.SubmissionRun) -> ScoreFormula.Points? {
            guard let run = runsByID[s.runId] else { return nil }
            if byCorpusAnchors[run.corpusHash] == nil {
                byCorpusAnchors[run.corpusHash] = (try? anchorTotals(c, corpusHash: run.corpusHash, formula: formula)).map { ($0.low, $0.high) }
            }
            guard let a = byCorpusAnchors[run.corpusHash] ?? nil else { return nil }
            return formula.points(c.files[s.id] ?? [], low: a.0, high: a.1)
        }
        // The latest run of each submission on this corpus.
        var latestBySubmission: [String: GradeDatabase.SubmissionRun] = [:]
        for s in c.submissions where runsByID[s.runId]?.corpusHash == latest.corpusHash {
            if let seen = latestBySubmission[s.submission], seen.startedAt >= s.startedAt { continue }
            latestBySubmission[s.submission] = s
        }
        var entries: [Entry] = latestBySubmission.values.map { s in
            Entry(rank: 0, run: s, files: c.files[s.id] ?? [], points: points(s) ?? formula.points([], low: 0, high: 0),
                  attempts: c.submissions.filter { $0.submission == s.submission }.count)
        }
        entries.sort { a, b in
            if a.points.score != b.points.score { return a.points.score > b.points.score }
            if a.points.bitsPerByte != b.points.bitsPerByte { return a.points.bitsPerByte < b.points.bitsPerByte }
            return a.run.submission.utf8.lexicographicallyPrecedes(b.run.submission.utf8)
        }
        for i in entries.indices { entries[i].rank = i + 1 }
        let history = c.submissions.sorted { ($0.submission, $0.startedAt) < ($1.submission, $1.startedAt) }.map {
            HistoryRow(run: $0, points: points($0), corpusName: runsByID[$0.runId]?.corpusName ?? "?")
        }
        let sameCorpus = c.runs.filter { $0.corpusHash == latest.corpusHash }
        return Leaderboard(formula: formula, corpus: latest, corpusFiles: anchors.files, entries: entries, baselines: anchors.totals,
                           history: history, runs: c.runs, unisolated: sameCorpus.filter { $0.sandbox.hasPrefix("NONE") })
    }

    struct Anchors {
        var low: Double
        var high: Double
        var totals: [BaselineTotal]
        var files: [(name: String, bytes: Int64)]
    }

    /// The baselines measured on one corpus (from its earliest run that measured them).
    static func anchorTotals(_ c: GradeDatabase.Contents, corpusHash: String, formula: ScoreFormula) throws(GradeError) -> Anchors {
        let runIDs = c.runs.filter { $0.corpusHash == corpusHash }.map(\.id)
        guard let source = runIDs.first(where: { id in c.baselines.contains { $0.runId == id } }) else {
            throw GradeError("no baselines were measured on this corpus, so there is nothing to score against")
        }
        let rows = c.baselines.filter { $0.runId == source }
        var specs: [String] = []
        for r in rows where !specs.contains(r.spec) { specs.append(r.spec) }
        let totals = specs.map { spec -> BaselineTotal in
            let files = rows.filter { $0.spec == spec }
            let ok = files.allSatisfy { $0.status == "ok" && $0.compressedBytes != nil }
            let original = files.reduce(Int64(0)) { $0 + $1.originalBytes }
            let packed = files.reduce(Int64(0)) { $0 + ($1.compressedBytes ?? 0) }
            return BaselineTotal(spec: spec, label: files.first?.label ?? spec,
                                 bitsPerByte: ok && original > 0 ? 8 * Double(packed) / Double(original) : nil, files: files)
        }
        func anchor(_ spec: String, _ which: String) throws(GradeError) -> Double {
            guard let t = totals.first(where: { $0.spec == spec || $0.label == spec }) else {
                throw GradeError("the \(which) anchor \(spec) was not measured; baselines measured: \(specs.joined(separator: ", ")) "
                    + "(choose one with --weights \(which)=SPEC, or grade again with --baselines)")
            }
            guard let b = t.bitsPerByte else { throw GradeError("the \(which) anchor \(spec) failed on this corpus") }
            return b
        }
        var files: [(String, Int64)] = []
        for r in rows where !files.contains(where: { $0.0 == r.file }) { files.append((r.file, r.originalBytes)) }
        return Anchors(low: try anchor(formula.low, "low"), high: try anchor(formula.high, "high"), totals: totals, files: files)
    }

    // MARK: text

    static func f(_ v: Double?, _ digits: Int) -> String {
        guard let v, v.isFinite else { return "-" }
        return String(format: "%.\(digits)f", v)
    }

    static func date(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return f.string(from: d)
    }

    static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    var corpusBytes: Int64 { corpusFiles.reduce(0) { $0 + $1.bytes } }

    var header: String {
        "Hidden corpus **\(corpus.corpusName)**: \(English.count(corpusFiles.count, "file")), \(English.count(corpusBytes, "byte")) "
            + "(SHA-256 \(corpus.corpusHash.prefix(12))…). Latest grade run \(Self.date(corpus.startedAt))."
    }

    /// The warning said at the top of both pages when a run of this corpus was not sandboxed;
    /// the page adds its own emphasis and punctuation.
    var unisolatedWarning: (runs: String, consequence: String)? {
        guard !unisolated.isEmpty else { return nil }
        return ("\(English.count(unisolated.count, "grade run")) on this corpus ran with",
                "submissions had the grader's own rights (network, every writable file). Do not trust these results for grading.")
    }

    public func markdown() -> String {
        var md = "# Leaderboard\n\n\(header)\n\n"
        if let w = unisolatedWarning {
            md += "> **⚠ NOT ISOLATED:** \(w.runs) `--no-sandbox`: \(w.consequence)\n\n"
        }
        md += "Sandbox: \(corpus.sandbox).\n\n"
        md += "Scoring: \(formula.explanation)\n\n"
        md += rankingTable.markdown
        md += "\n## Baselines (measured in the same run, in-process)\n\n" + baselineTable(roleColumn: false).markdown
        md += "\n## Bits per byte of each file\n\n" + fileTable.markdown
        md += "\n## History (every run of every submission)\n\n" + historyTable.markdown
        md += "\n## Grade runs\n\n" + runsTable.markdown
        return md
    }

    // MARK: tables

    /// One table of the leaderboard, built once and written both as Markdown and as HTML,
    /// so the two pages always show the same columns and figures.
    struct Table {
        struct Column {
            var title: String
            var numeric = false
        }

        /// How a cell is set in HTML; Markdown shows the text (a command in backticks).
        enum Style {
            case column, plain, status, code, command, why
            case failed(reason: String)
        }

        struct Cell {
            var text: String
            var style = Style.column
            init(_ text: String, _ style: Style = .column) { self.text = text; self.style = style }
        }

        var columns: [Column]
        var rows: [[Cell]]

        init(_ columns: [Column], _ rows: [[Cell]]) { self.columns = columns; self.rows = rows }

        var markdown: String {
            var s = "| " + columns.map { Leaderboard.cell($0.title) }.joined(separator: " | ") + " |\n"
            s += "|" + columns.map { $0.numeric ? "---:|" : "---|" }.joined() + "\n"
            for row in rows {
                let cells = row.map { c -> String in
                    if case .command = c.style { return "`\(Leaderboard.cell(c.text))`" }
                    return Leaderboard.cell(c.text)
                }
                s += "| " + cells.joined(separator: " | ") + " |\n"
            }
            return s
        }

        var html: String {
            var s = "<table><tr>" + columns.map { "<th>\(Leaderboard.esc($0.title))</th>" }.joined() + "</tr>\n"
            for row in rows {
                s += "<tr>"
                for (c, column) in zip(row, columns) {
                    let text = Leaderboard.esc(c.text)
                    switch c.style {
                    case .column: s += column.numeric ? "<td class=\"n\">\(text)</td>" : "<td>\(text)</td>"
                    case .plain: s += "<td>\(text)</td>"
                    case .status: s += "<td class=\"\(Leaderboard.statusClass(c.text))\">\(text)</td>"
                    case .code, .command: s += "<td><code>\(text)</code></td>"
                    case .why: s += "<td class=\"why\">\(text)</td>"
                    case .failed(let reason): s += "<td class=\"bad\" title=\"\(Leaderboard.esc(reason))\">\(text)</td>"
                    }
                }
                s += "</tr>\n"
            }
            return s + "</table>\n"
        }
    }

    static func text(_ title: String) -> Table.Column { Table.Column(title: title) }
    static func number(_ title: String) -> Table.Column { Table.Column(title: title, numeric: true) }

    var rankingTable: Table {
        let columns = [Self.number("rank"), Self.text("submission"), Self.text("author"), Self.text("status"), Self.number("score"),
                       Self.number("bits/byte"), Self.number("size pts"), Self.number("speed pts"), Self.number("MB/s"),
                       Self.number("failed files"), Self.text("submitted"), Self.number("runs"), Self.text("hash"), Self.text("reason")]
        return Table(columns, entries.map { e -> [Table.Cell] in
            let name = e.run.codecName == e.run.submission ? e.run.submission : "\(e.run.submission) (\(e.run.codecName))"
            return [.init(String(e.rank)), .init(name), .init(e.run.author), .init(e.run.status, .status), .init(Self.f(e.points.score, 1)),
                    .init(Self.f(e.points.bitsPerByte, 3)), .init(Self.f(e.points.sizePoints, 1)), .init(Self.f(e.points.speedPoints, 1)),
                    .init(Self.f(e.points.mbPerSecond, 2)), .init(String(e.points.failedFiles)), .init(Self.date(e.run.startedAt)),
                    .init(String(e.attempts)), .init(String(e.run.hash.prefix(10)), .code), .init(e.run.reason ?? "", .why)]
        })
    }

    func role(_ b: BaselineTotal) -> String {
        b.spec == formula.low || b.label == formula.low ? "low anchor: 0 points"
            : b.spec == formula.high || b.label == formula.high ? "high anchor: 100 points" : ""
    }

    /// The role in a column of its own (HTML) or after the label (Markdown).
    func baselineTable(roleColumn: Bool) -> Table {
        if roleColumn {
            return Table([Self.text("baseline"), Self.number("bits/byte"), Self.text("role")],
                         baselines.map { [.init($0.label), .init(Self.f($0.bitsPerByte, 3)), .init(role($0))] })
        }
        return Table([Self.text("baseline"), Self.number("bits/byte")], baselines.map { b in
            let r = role(b)
            return [.init(b.label + (r.isEmpty ? "" : " (\(r))")), .init(Self.f(b.bitsPerByte, 3))]
        })
    }

    /// Bits per byte of every file for each submission, then each baseline.
    var fileTable: Table {
        let columns = [Self.text("file"), Self.number("bytes")] + (entries.map(\.run.submission) + baselines.map(\.label)).map(Self.number)
        return Table(columns, corpusFiles.map { f in
            var cells: [Table.Cell] = [.init(f.name), .init(String(f.bytes))]
            for e in entries {
                guard let r = e.files.first(where: { $0.file == f.name }) else { cells.append(.init("", .plain)); continue }
                cells.append(r.ok ? .init(Self.f(r.compressedBytes.map { 8 * Double($0) / Double(max(1, r.originalBytes)) }, 3))
                                  : .init(r.status, .failed(reason: r.reason ?? "")))
            }
            for b in baselines {
                let r = b.files.first { $0.file == f.name }
                cells.append(.init(Self.f(r?.compressedBytes.map { 8 * Double($0) / Double(max(1, r?.originalBytes ?? 1)) }, 3)))
            }
            return cells
        })
    }

    var historyTable: Table {
        let columns = [Self.text("submission"), Self.text("submitted"), Self.text("corpus"), Self.text("hash"), Self.text("status"),
                       Self.number("score"), Self.number("bits/byte"), Self.text("reason")]
        return Table(columns, history.map { h in
            [.init(h.run.submission), .init(Self.date(h.run.startedAt)), .init(h.corpusName), .init(String(h.run.hash.prefix(10)), .code),
             .init(h.run.status, .status), .init(Self.f(h.points?.score, 1)), .init(Self.f(h.points?.bitsPerByte, 3)),
             .init(h.run.reason ?? "", .why)]
        })
    }

    var runsTable: Table {
        let columns = ["run", "started", "shards", "corpus", "sandbox", "command"].map(Self.text)
        return Table(columns, runs.map { r in
            [.init(String(r.id.prefix(8)), .code), .init(Self.date(r.startedAt)), .init(r.shards.isEmpty ? "whole" : r.shards),
             .init(r.corpusName), .init(r.sandbox), .init(r.command, .command)]
        })
    }
}
