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

    public func markdown() -> String {
        var md = "# Leaderboard\n\n\(header)\n\n"
        if !unisolated.isEmpty {
            md += "> **⚠ NOT ISOLATED:** \(English.count(unisolated.count, "grade run")) on this corpus ran with `--no-sandbox`: "
                + "submissions had the grader's own rights (network, every writable file). Do not trust these results for grading.\n\n"
        }
        md += "Sandbox: \(corpus.sandbox).\n\n"
        md += "Scoring: \(formula.explanation)\n\n"
        md += "| rank | submission | author | status | score | bits/byte | size pts | speed pts | MB/s | failed files | submitted | runs | hash | reason |\n"
        md += "|---:|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|---|\n"
        for e in entries {
            let name = e.run.codecName == e.run.submission ? e.run.submission : "\(e.run.submission) (\(e.run.codecName))"
            md += "| \(e.rank) | \(Self.cell(name)) | \(Self.cell(e.run.author)) | \(e.run.status) | \(Self.f(e.points.score, 1)) | "
            md += "\(Self.f(e.points.bitsPerByte, 3)) | \(Self.f(e.points.sizePoints, 1)) | \(Self.f(e.points.speedPoints, 1)) | "
            md += "\(Self.f(e.points.mbPerSecond, 2)) | \(e.points.failedFiles) | \(Self.date(e.run.startedAt)) | \(e.attempts) | "
            md += "\(e.run.hash.prefix(10)) | \(Self.cell(e.run.reason ?? "")) |\n"
        }
        md += "\n## Baselines (measured in the same run, in-process)\n\n| baseline | bits/byte |\n|---|---:|\n"
        for b in baselines {
            let role = b.spec == formula.low || b.label == formula.low ? " (low anchor: 0 points)"
                : b.spec == formula.high || b.label == formula.high ? " (high anchor: 100 points)" : ""
            md += "| \(b.label)\(role) | \(Self.f(b.bitsPerByte, 3)) |\n"
        }
        md += "\n## Bits per byte of each file\n\n"
        let cols = entries.map(\.run.submission) + baselines.map(\.label)
        md += "| file | bytes | " + cols.map(Self.cell).joined(separator: " | ") + " |\n"
        md += "|---|---:|" + String(repeating: "---:|", count: cols.count) + "\n"
        for f in corpusFiles {
            var cells = [Self.cell(f.name), String(f.bytes)]
            for e in entries {
                guard let r = e.files.first(where: { $0.file == f.name }) else { cells.append(""); continue }
                cells.append(r.ok ? Self.f(r.compressedBytes.map { 8 * Double($0) / Double(max(1, r.originalBytes)) }, 3) : r.status)
            }
            for b in baselines {
                let r = b.files.first { $0.file == f.name }
                cells.append(Self.f(r?.compressedBytes.map { 8 * Double($0) / Double(max(1, r?.originalBytes ?? 1)) }, 3))
            }
            md += "| " + cells.joined(separator: " | ") + " |\n"
        }
        md += "\n## History (every run of every submission)\n\n| submission | submitted | corpus | hash | status | score | bits/byte | reason |\n"
        md += "|---|---|---|---|---|---:|---:|---|\n"
        for h in history {
            md += "| \(Self.cell(h.run.submission)) | \(Self.date(h.run.startedAt)) | \(Self.cell(h.corpusName)) | \(h.run.hash.prefix(10)) | "
            md += "\(h.run.status) | \(Self.f(h.points?.score, 1)) | \(Self.f(h.points?.bitsPerByte, 3)) | \(Self.cell(h.run.reason ?? "")) |\n"
        }
        md += "\n## Grade runs\n\n| run | started | shards | corpus | sandbox | command |\n|---|---|---|---|---|---|\n"
        for r in runs {
            md += "| \(r.id.prefix(8)) | \(Self.date(r.startedAt)) | \(r.shards.isEmpty ? "whole" : r.shards) | \(Self.cell(r.corpusName)) | "
            md += "\(Self.cell(r.sandbox)) | `\(Self.cell(r.command))` |\n"
        }
        return md
    }
}
