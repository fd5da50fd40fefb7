import Foundation
import Testing
import SqueezeKit
import TestSupport

/// Splits CSV text into rows of fields (quoted fields may hold commas, quotes and newlines).
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], field = ""
    var quoted = false
    var chars = Array(text)[...]
    while let c = chars.popFirst() {
        if quoted {
            if c == "\"" {
                if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
            } else { field.append(c) }
        } else if c == "\"" { quoted = true
        } else if c == "," { row.append(field); field = ""
        } else if c == "\n" { row.append(field); rows.append(row); row = []; field = ""
        } else { field.append(c) }
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
}

@Suite struct ReportColumns {
    /// store and pairs over the tiny corpus (with an empty file: no bits/byte, no ratio), and xz -9e.
    func comparison() throws -> Comparison {
        let corpora = try CorpusWalker.walk([try tinyCorpus()])
        guard let xz = CodecRegistry.standard.named("xz"), let extreme = xz.level(parsing: "9e") else {
            Issue.record("xz with level 9e is not registered"); throw CancellationError()
        }
        let candidates: [Candidate] = [.codec(StoreCodec.descriptor, level: 0), .codec(PairRunCodec.descriptor, level: 1),
                                       .codec(xz, level: extreme)]
        return ComparisonRunner(candidates: candidates, estimates: true).run(corpora)
    }

    @Test func csvNumericColumnsHoldNumbersOrNothing() throws {
        let c = try comparison()
        #expect(c.failures.isEmpty)
        for masked in [false, true] {
            let rows = parseCSV(ReportWriter(c, command: "x", maskTimings: masked).csv())
            let header = rows[0]
            #expect(Set(header).count == header.count, "column names must be unique")
            let numeric = ["schema_version", "original_bytes", "level", "compressed_bytes", "bits_per_byte", "ratio",
                           "compress_mb_s", "decompress_mb_s", "peak_memory_bytes", "h0", "best_bound"]
            let columns = numeric.compactMap { header.firstIndex(of: $0) }
            #expect(columns.count == numeric.count, "missing a numeric column in \(header)")
            var emptyCells = 0
            for row in rows.dropFirst() {
                #expect(row.count == header.count)
                for i in columns {
                    let cell = row[i]
                    if cell.isEmpty { emptyCells += 1; continue }
                    #expect(Double(cell) != nil, "\(header[i]) = '\(cell)' is not a number")
                }
                let label = row[header.firstIndex(of: "level_label") ?? 0]
                if label == "9e" { #expect(row[header.firstIndex(of: "level") ?? 0] == "9") }
            }
            // The empty file has no bits/byte or ratio: those cells are empty, not "-".
            #expect(emptyCells > 0)
            #expect(rows.dropFirst().contains { $0.contains("9e") })
        }
    }

    @Test func jsonLevelIsANumberWithItsLabelBeside() throws {
        let c = try comparison()
        let data = Data(ReportWriter(c, command: "x").json().utf8)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(root["schemaVersion"] as? Int == ReportWriter.schemaVersion)
        let results = try #require(root["results"] as? [[String: Any]])
        #expect(!results.isEmpty)
        for r in results {
            let level = try #require(r["level"] as? NSNumber, "level must be a JSON number: \(r)")
            #expect(r["level"] as? String == nil && level.doubleValue == Double(level.intValue))
            let label = try #require(r["levelLabel"] as? String)
            #expect(label.hasPrefix(String(level.intValue)))
        }
        let xz = try #require(results.first { ($0["codec"] as? String) == "xz -9e" })
        #expect((xz["level"] as? NSNumber)?.intValue == 9 && xz["levelLabel"] as? String == "9e")
        let candidates = try #require(root["candidates"] as? [[String: Any]])
        #expect(candidates.allSatisfy { $0["level"] is NSNumber })
        // Not measured in this process: peak memory is absent, never a figure.
        #expect(results.allSatisfy { $0["peakMemoryBytes"] == nil })
        #expect(ReportWriter(c, command: "x").markdown().contains("| n/a |"))
    }

    @Test func countsAreSingularForOne() {
        #expect(English.count(1, "file") == "1 file")
        #expect(English.count(2, "file") == "2 files")
        #expect(English.count(0, "block") == "0 blocks")
        #expect(English.count(Int64(1), "byte") == "1 byte")
    }
}

@Suite struct CorpusSkipping {
    func directory(_ files: [String: String]) throws -> String {
        let dir = try SqueezeCommand.temporaryDirectory()
        for (name, text) in files {
            let path = dir + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
        return dir
    }

    @Test func onlyTheCorpusManifestAndItsReadmeAreSkipped() throws {
        let dir = try directory([
            "README.md": "about the corpus", "MANIFEST.tsv": "set\tfile\tbytes\tsha256\nx\ta\t1\t00\n",
            "README.txt": "a document", "MANIFEST.in": "include *", "a": "data", ".hidden": "h",
            "sub/README.md": "measured: no manifest here", "sub/b": "more",
        ])
        let (corpora, skipped) = try CorpusWalker.walk([dir], filter: CorpusFilter())
        let measured = corpora.flatMap { c in c.files.map { c.name == "sub" ? "sub/" + $0.name : $0.name } }
        #expect(measured == ["MANIFEST.in", "README.txt", "a", "sub/README.md", "sub/b"])
        #expect(skipped.map { ($0.path as NSString).lastPathComponent }.sorted() == [".hidden", "MANIFEST.tsv", "README.md"])
        #expect(skipped.filter { $0.reason == .corpusMetadata }.count == 2)
        let lines = CorpusWalker.describe(skipped)
        #expect(lines.contains { $0.contains("corpus metadata") && $0.contains("README.md") && $0.contains("MANIFEST.tsv") })
        #expect(lines.contains { $0.contains("1 file (hidden)") })
    }

    @Test func aManifestOfAnotherFormDoesNotMakeMetadata() throws {
        let dir = try directory(["README.md": "r", "MANIFEST.tsv": "name\tsize\n", "a": "data"])
        let (corpora, skipped) = try CorpusWalker.walk([dir], filter: CorpusFilter())
        #expect(corpora.flatMap(\.files).map(\.name) == ["MANIFEST.tsv", "README.md", "a"])
        #expect(skipped.isEmpty)
    }

    @Test func includeAndExcludeGlobs() throws {
        let dir = try directory(["a.txt": "1", "b.txt": "2", "c.bin": "3", "sub/d.txt": "4", "sub/e.bin": "5"])
        func names(_ f: CorpusFilter) throws -> [String] {
            try CorpusWalker.walk([dir], filter: f).corpora.flatMap(\.files).map(\.name)
        }
        #expect(try names(CorpusFilter(include: ["*.txt"])) == ["a.txt", "b.txt", "d.txt"])
        #expect(try names(CorpusFilter(exclude: ["*.txt"])) == ["c.bin", "e.bin"])
        #expect(try names(CorpusFilter(include: ["*.txt"], exclude: ["b*"])) == ["a.txt", "d.txt"])
        // A pattern with a slash matches the path below the directory given.
        #expect(try names(CorpusFilter(exclude: ["sub/*"])) == ["a.txt", "b.txt", "c.bin"])
        let skipped = try CorpusWalker.walk([dir], filter: CorpusFilter(exclude: ["sub/*"])).skipped
        #expect(skipped.map(\.reason) == [.excluded, .excluded])
        #expect(throws: CorpusError.self) { try CorpusWalker.walk([dir], filter: CorpusFilter(include: ["*.none"])) }
    }
}

@Suite struct HTMLReportReads {
    /// Every registered codec at its default and strongest level (31 or so, as in the committed
    /// report), with made-up sizes and speeds, over two files.
    func bigComparison() throws -> Comparison {
        let corpus = Corpus(name: "c", path: "/c", files: [CorpusFile(path: "/c/f1", name: "f1", size: 100_000),
                                                           CorpusFile(path: "/c/f2", name: "f2", size: 50_000)])
        let candidates = try CandidateSelection.select(algos: "all", baselines: "default", levels: "both", registry: .standard)
        #expect(candidates.count >= 25)
        var results: [RunResult] = []
        for file in corpus.files {
            for (i, c) in candidates.enumerated() {
                // Size falls and time rises with i, with some scatter, so the front has many members.
                let size = Int64(Double(file.size) * (0.9 - 0.02 * Double(i)) + Double((i * 7919) % 13) * 300)
                results.append(RunResult(corpus: "c", file: file.name, originalBytes: file.size, codec: c.label, codecName: c.codecName,
                                         level: c.levelLabel, origin: c.origin, compressedBytes: size,
                                         compressSeconds: 0.001 * pow(1.25, Double(i)) * Double(1 + (i * 31) % 3),
                                         decompressSeconds: 0.001, peakMemoryBytes: nil, status: "ok", error: nil))
            }
        }
        return Comparison(corpora: [corpus], candidates: candidates.map(CandidateInfo.init), results: results,
                          repeats: 1, jobs: 1, wallSeconds: 1)
    }

    /// The `<svg …>…</svg>` blocks of a page.
    func svgs(_ html: String) -> [String] {
        html.components(separatedBy: "<svg ").dropFirst().map { "<svg " + ($0.components(separatedBy: "</svg>").first ?? "") }
    }

    @Test func selfContainedWithAPickerForEveryCodec() throws {
        let c = try bigComparison()
        let html = ReportWriter(c, command: "squeeze compare c").html()
        for forbidden in ["<link", " src=", "@import", "url("] { #expect(!html.contains(forbidden), "\(forbidden) makes the page not self-contained") }
        #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http") == false)
        for i in c.candidates.indices { #expect(html.contains("data-pick=\"\(i)\"")) }
        #expect(html.contains("<script>"))
    }

    @Test func familiesShareAHueAndLevelsAreShades() throws {
        let c = try bigComparison()
        let palette = CandidatePalette(c.candidates)
        #expect(palette.families.count <= 11 && palette.families.count >= 8)
        func hue(_ color: String) -> String { String(color.dropFirst(4).prefix { $0 != "," }) }
        for (i, a) in c.candidates.enumerated() {
            for (j, b) in c.candidates.enumerated() where j > i {
                let sameFamily = palette.familyOf[i] == palette.familyOf[j]
                #expect((hue(palette.colors[i]) == hue(palette.colors[j])) == sameFamily || palette.families[palette.familyOf[i]].saturation == 0
                        || palette.families[palette.familyOf[j]].saturation == 0, "\(a.label) / \(b.label)")
                if sameFamily { #expect(palette.colors[i] != palette.colors[j], "\(a.label) and \(b.label) need different shades") }
            }
        }
        let ppm = c.candidates.indices.filter { c.candidates[$0].codec.hasPrefix("ppm") }
        #expect(Set(ppm.map { palette.familyOf[$0] }).count == 1)
    }

    @Test func onlyTheParetoFrontIsLabelledAndLabelsDoNotOverlap() throws {
        let c = try bigComparison()
        let front = Set(c.paretoFront(corpus: "c").map(\.codec))
        #expect(front.count >= 5)
        let charts = svgs(ReportWriter(c, command: "x").html())
        #expect(charts.count == 2)
        let pareto = try #require(charts.last)
        // Labels: <text data-c=…  x=… y=…>name</text>; axis texts carry no data-c.
        let pattern = #/<text data-c="\d+" x="([-0-9.]+)" y="([-0-9.]+)">([^<]*)</text>/#
        let labels = pareto.matches(of: pattern).map { (x: Double($0.1) ?? 0, y: Double($0.2) ?? 0, name: String($0.3)) }
        #expect(!labels.isEmpty)
        #expect(labels.allSatisfy { front.contains($0.name.replacingOccurrences(of: "&amp;", with: "&")) })
        // Every point still has its name on hover.
        #expect(pareto.components(separatedBy: "<title>").count - 1 == c.candidates.count)
        for (i, a) in labels.enumerated() {
            for b in labels[(i + 1)...] {
                let boxA = LabelBox(x0: a.x, y0: a.y - 11, x1: a.x + ReportWriter.textWidth(a.name), y1: a.y + 2)
                let boxB = LabelBox(x0: b.x, y0: b.y - 11, x1: b.x + ReportWriter.textWidth(b.name), y1: b.y + 2)
                #expect(!boxA.overlaps(boxB), "labels \(a.name) and \(b.name) overlap")
            }
        }
        // The per-file chart names files, not codecs: 31 codecs do not make 31 legend entries there.
        let fileChart = try #require(charts.first)
        #expect(fileChart.matches(of: #/<text /#).count < 20)
    }
}

/// The committed reports must be what the codecs produce today: a few rows of
/// reports/results.json (small files, fast codecs, ours and the system's) are
/// coded again and must give the committed sizes. When this fails, run scripts/make-reports.sh.
@Suite struct CommittedReports {
    static let reportPath = URL(fileURLWithPath: TestCorpus.root).deletingLastPathComponent().appendingPathComponent("reports/results.json").path
    static let rows: [(file: String, codec: String)] = [
        ("grammar.lsp", "huffman -2"), ("xargs.1", "arith -2"), ("fields.c", "lz77-huffman -6"),
        ("cp.html", "zlib -9"), ("grammar.lsp", "zstd -19"),
    ]

    @Test func sampledRowsMatchTheCodecs() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.reportPath))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let results = try #require(root["results"] as? [[String: Any]])
        var checked = 0
        for (file, label) in Self.rows {
            let row = try #require(results.first { $0["corpus"] as? String == "canterbury" && $0["file"] as? String == file && $0["codec"] as? String == label },
                                   "reports/results.json has no row for canterbury/\(file) with \(label)")
            let committed = try #require((row["compressedBytes"] as? NSNumber)?.int64Value)
            let name = try #require(row["codecName"] as? String)
            // Schema 2 has the label in levelLabel; schema 1 had it in level.
            let levelText = (row["levelLabel"] as? String) ?? (row["level"] as? String) ?? (row["level"] as? NSNumber)?.stringValue ?? ""
            let d = try #require(CodecRegistry.standard.named(name))
            let level = try #require(d.level(parsing: levelText), "\(name) has no level \(levelText)")
            let path = TestCorpus.root + "/canterbury/" + file
            let corpus = Corpus(name: "canterbury", path: TestCorpus.root + "/canterbury",
                                files: [CorpusFile(path: path, name: file, size: Int64(try TestCorpus.bytes("canterbury", file).count))])
            let measured = ComparisonRunner(candidates: [.codec(d, level: level)]).run([corpus]).results
            let now = try #require(measured.first)
            #expect(now.ok, "\(label) on \(file): \(now.error ?? "")")
            #expect(now.compressedBytes == committed,
                    "reports/results.json says \(label) codes \(file) to \(committed) bytes, today it gives \(now.compressedBytes ?? -1): run scripts/make-reports.sh")
            checked += 1
        }
        #expect(checked == Self.rows.count)
    }
}

@Suite struct ReportReading {
    @Test func aWrittenReportReadsBackToTheSameReports() throws {
        let corpora = try CorpusWalker.walk([try tinyCorpus()])
        let c = ComparisonRunner(candidates: [.codec(StoreCodec.descriptor, level: 0), .codec(PairRunCodec.descriptor, level: 1)],
                                 estimates: true).run(corpora)
        let w = ReportWriter(c, command: "squeeze compare tiny", environment: [("machine", "m")])
        let loaded = try ReportReader.read(Data(w.json().utf8), source: "results.json")
        #expect(loaded.command == "squeeze compare tiny" && loaded.environment.map(\.0) == ["machine"])
        let again = ReportWriter(loaded.comparison, command: loaded.command, maskTimings: true)
        let before = ReportWriter(c, command: "squeeze compare tiny", maskTimings: true)
        #expect(again.json() == before.json())
        #expect(again.markdown() == before.markdown())
        #expect(again.csv() == before.csv())
        // Speeds survive to the JSON's precision.
        let speeds = zip(loaded.comparison.results, c.results).compactMap { a, b in a.compressMBps.flatMap { x in b.compressMBps.map { (x, $0) } } }
        #expect(!speeds.isEmpty && speeds.allSatisfy { abs($0.0 / $0.1 - 1) < 1e-9 })
        #expect(throws: CorpusError.self) { try ReportReader.read(Data("{}".utf8), source: "x.json") }
    }
}

@Suite struct CandidateLists {
    /// `--algos all,auto` (what scripts/make-reports.sh runs): "all" may stand in a
    /// list, and a codec it already holds is measured once.
    @Test func allMayStandInAListAndACodecIsMeasuredOnce() throws {
        let all = try CandidateSelection.select(algos: "all", baselines: "none", levels: "default", registry: .standard).map(\.label)
        let listed = try CandidateSelection.select(algos: "huffman,all,lz77", baselines: "none", levels: "default", registry: .standard).map(\.label)
        #expect(listed.count == all.count && Set(listed) == Set(all))
        #expect(listed.first == all.first { $0.hasPrefix("huffman") })
        var withAuto = CodecRegistry.standard
        withAuto.register(AutoCodec.descriptor)
        let both = try CandidateSelection.select(algos: "all,auto", baselines: "none", levels: "both", registry: withAuto)
        #expect(both.filter { $0.codecName == AutoSelector.name }.map(\.levelLabel) == ["2", "3"])
        #expect(both.count == Set(both.map(\.label)).count)
    }
}
