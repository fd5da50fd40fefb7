import Foundation
import Harness

extension Leaderboard {
    static func esc(_ s: String) -> String { ReportWriter.escape(s) }

    static func statusClass(_ status: String) -> String { status == GradeStatus.ok.rawValue ? "ok" : "bad" }

    /// One page, no network: the ranking, a score chart, bits/byte against speed, every
    /// file's bits/byte (the compare report's chart), the baselines and the history.
    public func html() -> String {
        var h = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>squeeze grade leaderboard</title>
        <style>
        body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222;max-width:1400px}
        table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 7px;vertical-align:top}
        td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}
        .ok{color:#176317;font-weight:600}.bad{color:#b00;font-weight:700}.why{max-width:38em;font-size:12px;color:#444}
        .warn{background:#fde8e8;border:2px solid #b00;padding:.6em 1em;font-weight:700}
        .chart{overflow-x:auto}svg text{font:11px system-ui,sans-serif}code{font-size:12px}
        </style></head><body>
        <h1>Leaderboard</h1>
        <p>\(Self.markdownBold(header))</p>

        """
        if let w = unisolatedWarning {
            h += "<p class=\"warn\">⚠ NOT ISOLATED: \(w.runs) --no-sandbox; \(w.consequence)</p>\n"
        }
        h += "<p>Sandbox: \(Self.esc(corpus.sandbox)).</p>\n<p>Scoring: \(Self.esc(formula.explanation))</p>\n"
        h += rankingTable.html
        h += "<h2>Scores</h2>\n<div class=\"chart\">\(scoreChart())</div>\n"
        h += "<h2>Bits per byte against speed</h2>\n<p>Submissions that passed at least one file; dashed lines are the baselines' "
            + "bits per byte on the whole corpus. Hover over a point for its figures.</p>\n<div class=\"chart\">\(speedChart())</div>\n"
        let (comparison, c) = fileComparison()
        h += "<h2>Bits per byte of each file</h2>\n<p>Failed files are left out of the chart; the table below names them.</p>\n"
        h += "<div class=\"chart\">\(ReportWriter(comparison, command: "").fileChart(c, CandidatePalette(comparison.candidates)))</div>\n"
        h += fileTable.html
        h += "<h2>Baselines</h2>\n" + baselineTable(roleColumn: true).html
        h += "<h2>History</h2>\n<p>Every run of every submission, oldest first; a new hash is a resubmission.</p>\n" + historyTable.html
        h += "<h2>Grade runs</h2>\n" + runsTable.html
        return h + "</body></html>\n"
    }

    static func markdownBold(_ s: String) -> String {
        var out = "", bold = false
        var rest = Substring(esc(s))
        while let r = rest.range(of: "**") {
            out += rest[..<r.lowerBound] + (bold ? "</b>" : "<b>")
            bold.toggle()
            rest = rest[r.upperBound...]
        }
        return out + rest
    }

    /// The latest runs and the baselines as a `Comparison`, for the compare report's per-file chart.
    func fileComparison() -> (Comparison, Corpus) {
        let files = corpusFiles.map { CorpusFile(path: $0.name, name: $0.name, size: $0.bytes) }
        let corpus = Corpus(name: corpus.corpusName, path: corpus.corpusName, files: files)
        var candidates: [CandidateInfo] = []
        var results: [RunResult] = []
        for e in entries {
            candidates.append(CandidateInfo(label: e.run.submission, codec: e.run.submission, level: "", origin: "external"))
            for f in e.files {
                results.append(RunResult(corpus: corpus.name, file: f.file, originalBytes: f.originalBytes, codec: e.run.submission,
                                         codecName: e.run.submission, level: "", origin: "external",
                                         compressedBytes: f.ok ? f.compressedBytes : nil, status: f.ok ? "ok" : "failed", error: f.reason))
            }
        }
        for b in baselines {
            candidates.append(CandidateInfo(label: b.label, codec: b.spec, level: "", origin: "system"))
            for f in b.files {
                results.append(RunResult(corpus: corpus.name, file: f.file, originalBytes: f.originalBytes, codec: b.label, codecName: b.spec,
                                         level: "", origin: "system", compressedBytes: f.compressedBytes, status: f.status))
            }
        }
        return (Comparison(corpora: [corpus], candidates: candidates, results: results, repeats: 1, jobs: 1, wallSeconds: 0), corpus)
    }

    /// Horizontal bars, best first; failing submissions in red, their bars below zero when penalties pass their points.
    func scoreChart() -> String {
        let nameW = (entries.map { ReportWriter.textWidth($0.run.submission) }.max() ?? 60) + 14
        let left = max(90, nameW), plotW = 560.0, rowH = 22.0, top = 10.0, bottom = 36.0
        let lo = min(0, (entries.map(\.points.score).min() ?? 0)), hi = max(100, entries.map(\.points.score).max() ?? 100)
        let width = left + plotW + 70, height = top + Double(max(1, entries.count)) * rowH + bottom
        func x(_ v: Double) -> Double { left + (v - lo) / (hi - lo) * plotW }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"scores\">"
        let step = (hi - lo) > 200 ? 50.0 : 25.0
        var t = (lo / step).rounded(.down) * step
        while t <= hi + 1e-9 {
            if t >= lo - 1e-9 {
                s += "<line x1=\"\(Self.f(x(t), 1))\" x2=\"\(Self.f(x(t), 1))\" y1=\"\(top)\" y2=\"\(height - bottom)\" stroke=\"\(t == 0 ? "#888" : "#e3e3e3")\"/>"
                s += "<text x=\"\(Self.f(x(t), 1))\" y=\"\(height - bottom + 14)\" text-anchor=\"middle\">\(Int(t))</text>"
            }
            t += step
        }
        s += "<text x=\"\(left + plotW / 2)\" y=\"\(height - 6)\" text-anchor=\"middle\">score (→ better)</text>"
        for (i, e) in entries.enumerated() {
            let y = top + Double(i) * rowH
            let v = e.points.score
            let x0 = x(min(0, v)), x1 = x(max(0, v))
            let ok = e.run.status == GradeStatus.ok.rawValue
            s += "<text x=\"\(left - 8)\" y=\"\(y + rowH / 2 + 4)\" text-anchor=\"end\">\(Self.esc(e.run.submission))</text>"
            s += "<rect x=\"\(Self.f(x0, 1))\" y=\"\(y + 4)\" width=\"\(Self.f(max(1, x1 - x0), 1))\" height=\"\(rowH - 8)\" "
            s += "fill=\"\(ok ? "hsl(130,45%,48%)" : "hsl(0,65%,55%)")\"><title>\(Self.esc(e.run.submission)): \(Self.f(v, 1)) "
            s += "(\(Self.esc(e.run.status)))</title></rect>"
            s += "<text x=\"\(Self.f(max(x1, x(0)) + 4, 1))\" y=\"\(y + rowH / 2 + 4)\">\(Self.f(v, 1))\(ok ? "" : " " + Self.esc(e.run.status))</text>"
        }
        return s + "</svg>"
    }

    /// Bits per byte (whole corpus, failed files as stored) against MB/s, log scale; baselines as dashed lines.
    func speedChart() -> String {
        let shown = entries.filter { $0.points.mbPerSecond != nil }
        let w = 760.0, hgt = 380.0, left = 56.0, right = 110.0, top = 16.0, bottom = 44.0
        let axis = LogAxis(shown.compactMap(\.points.mbPerSecond), floor: 1e-4, empty: (-1, 1), left: left, width: w - left - right)
        let ys = shown.map(\.points.bitsPerByte) + baselines.compactMap(\.bitsPerByte)
        let ylo = 0.0, yhi = max(1, ((ys.max() ?? 8) * 1.1).rounded(.up))
        func x(_ mbps: Double) -> Double { axis.x(mbps) }
        func y(_ v: Double) -> Double { top + (yhi - v) / (yhi - ylo) * (hgt - top - bottom) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(hgt))\" role=\"img\" aria-label=\"bits per byte against speed\">"
        s += axis.grid(top: top, bottom: hgt - bottom, coordinate: { Self.f($0, 1) }, label: { ReportWriter.tick(pow(10, $0), digits: 4) })
        let ystep = yhi > 10 ? 2.0 : 1.0
        for t in stride(from: ylo, through: yhi, by: ystep) {
            s += "<line x1=\"\(left)\" x2=\"\(w - right)\" y1=\"\(Self.f(y(t), 1))\" y2=\"\(Self.f(y(t), 1))\" stroke=\"#e3e3e3\"/>"
            s += "<text x=\"\(left - 6)\" y=\"\(Self.f(y(t) + 4, 1))\" text-anchor=\"end\">\(Int(t))</text>"
        }
        s += "<text x=\"\((left + w - right) / 2)\" y=\"\(hgt - 8)\" text-anchor=\"middle\">MB/s, compress + decompress CPU time (log scale) →</text>"
        s += "<text transform=\"translate(14,\((top + hgt - bottom) / 2)) rotate(-90)\" text-anchor=\"middle\">bits/byte (↓ better)</text>"
        var taken: [LabelBox] = []
        for b in baselines {
            guard let v = b.bitsPerByte else { continue }
            s += "<line x1=\"\(left)\" x2=\"\(w - right)\" y1=\"\(Self.f(y(v), 1))\" y2=\"\(Self.f(y(v), 1))\" stroke=\"hsl(190,25%,55%)\" stroke-dasharray=\"5 3\">"
            s += "<title>\(Self.esc(b.label)): \(Self.f(v, 3)) bits/byte</title></line>"
            // Labels right of the plot, nudged apart when baselines lie close together.
            let tw = ReportWriter.textWidth(b.label)
            for k in 0..<12 {
                // 0, +13, −13, +26, … from the line, alternating.
                let ly = y(v) + 4 + Double((k + 1) / 2) * (k % 2 == 1 ? 13 : -13)
                let box = LabelBox(x0: w - right + 4, y0: ly - 11, x1: w - right + 4 + tw, y1: ly + 2)
                guard box.y0 >= 0, box.y1 <= hgt, !taken.contains(where: { $0.overlaps(box) }) else { continue }
                taken.append(box)
                s += "<text x=\"\(w - right + 4)\" y=\"\(Self.f(ly, 1))\" fill=\"hsl(190,25%,35%)\">\(Self.esc(b.label))</text>"
                break
            }
        }
        var points: [LabelBox] = []
        for e in shown {
            guard let m = e.points.mbPerSecond else { continue }
            let px = x(m), py = y(e.points.bitsPerByte)
            let ok = e.run.status == GradeStatus.ok.rawValue
            s += "<circle cx=\"\(Self.f(px, 1))\" cy=\"\(Self.f(py, 1))\" r=\"5\" fill=\"\(ok ? "hsl(130,45%,48%)" : "hsl(0,65%,55%)")\" stroke=\"#0008\">"
            s += "<title>\(Self.esc(e.run.submission)): \(Self.f(e.points.bitsPerByte, 3)) bits/byte, \(Self.f(m, 2)) MB/s</title></circle>"
            points.append(LabelBox(x0: px - 6, y0: py - 6, x1: px + 6, y1: py + 6))
        }
        taken += points
        for e in shown {
            guard let m = e.points.mbPerSecond else { continue }
            let px = x(m), py = y(e.points.bitsPerByte), tw = ReportWriter.textWidth(e.run.submission)
            for (dx, dy) in [(9.0, 4.0), (-9 - tw, 4), (-tw / 2, -9), (-tw / 2, 17), (9, -10), (9, 18), (-9 - tw, -10), (-9 - tw, 18)] {
                let box = LabelBox(x0: px + dx - 1, y0: py + dy - 11, x1: px + dx + tw + 1, y1: py + dy + 3)
                guard box.x0 >= left, box.x1 <= w - right, box.y0 >= top, box.y1 <= hgt - bottom,
                      !taken.contains(where: { $0.overlaps(box) }) else { continue }
                taken.append(box)
                s += "<text x=\"\(Self.f(px + dx, 1))\" y=\"\(Self.f(py + dy, 1))\">\(Self.esc(e.run.submission))</text>"
                break
            }
        }
        return s + "</svg>"
    }
}
