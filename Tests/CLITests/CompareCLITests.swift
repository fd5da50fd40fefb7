import Foundation
import Testing
import TestSupport

/// Runs `executable ARGS` in `directory` with exactly `environment` (plus PATH), capturing both streams.
private func run(_ executable: String, _ args: [String], in directory: String,
                 environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = args
    p.currentDirectoryURL = URL(fileURLWithPath: directory)
    var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

private func squeeze(_ args: [String], in directory: String) throws -> (status: Int32, out: String, err: String) {
    try run(SqueezeCommand.executablePath, args, in: directory)
}

private func jsonRows(_ text: String) throws -> [[String: Any]] {
    let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    return try #require(root["results"] as? [[String: Any]])
}

@Suite struct CompareCLITests {
    /// The issue's case: lz77 -6 and zstd -19 on alice29.txt after another file ran first
    /// showed a peak of 0. With --isolate each figure is the codec's own; without it, none is shown.
    @Test func peakMemoryIsTheCodecsOwnWhateverRanBefore() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        for f in ["alice29.txt", "asyoulik.txt"] {
            try Data(try TestCorpus.bytes("canterbury", f)).write(to: URL(fileURLWithPath: "\(dir)/\(f)"))
        }
        let common = ["compare", "--algos", "lz77:6", "--baselines", "zstd:19", "--no-estimates", "-q", "--format", "json"]
        let both = try squeeze(common + ["--isolate", "asyoulik.txt", "alice29.txt"], in: dir)
        #expect(both.status == 0, "\(both.err)")
        let alone = try squeeze(common + ["--isolate", "alice29.txt"], in: dir)
        #expect(alone.status == 0, "\(alone.err)")
        let rowsBoth = try jsonRows(both.out), rowsAlone = try jsonRows(alone.out)
        #expect(rowsBoth.count == 4 && rowsAlone.count == 2)
        for r in rowsBoth {
            let peak = try #require((r["peakMemoryBytes"] as? NSNumber)?.int64Value, "no peak memory in \(r)")
            // Any real coder of a 125-152 kB file touches well over 64 KiB and far less than 1 GiB.
            #expect(peak > 64 << 10 && peak < 1 << 30, "\(r["codec"] ?? "")/\(r["file"] ?? ""): \(peak) bytes")
        }
        for codec in ["lz77 -6", "zstd -19"] {
            let second = try #require(rowsBoth.first { $0["codec"] as? String == codec && $0["file"] as? String == "alice29.txt" })
            let single = try #require(rowsAlone.first { $0["codec"] as? String == codec })
            let a = Double((second["peakMemoryBytes"] as? NSNumber)?.int64Value ?? 0)
            let b = Double((single["peakMemoryBytes"] as? NSNumber)?.int64Value ?? 0)
            #expect(a > 0.6 * b && a < 1.6 * b, "\(codec) on alice29.txt: \(Int(a)) bytes after another file, \(Int(b)) alone")
        }
        // In one process the figure would depend on what ran before: it is not given.
        let shared = try squeeze(common + ["asyoulik.txt", "alice29.txt"], in: dir)
        #expect(shared.status == 0)
        #expect(try jsonRows(shared.out).allSatisfy { $0["peakMemoryBytes"] == nil })
        let md = try squeeze(["compare", "--algos", "lz77:6", "--baselines", "none", "--no-estimates", "-q", "--format", "markdown", "alice29.txt"], in: dir)
        #expect(md.out.contains("| n/a |"))
    }

    @Test func csvCellsAreNumbersOrEmptyAndJSONLevelsAreNumbers() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try Data().write(to: URL(fileURLWithPath: "\(dir)/empty"))
        try Data(try TestCorpus.bytes("canterbury", "grammar.lsp")).write(to: URL(fileURLWithPath: "\(dir)/grammar.lsp"))
        let args = ["compare", "--algos", "huffman", "--baselines", "xz:9e", "-q", "empty", "grammar.lsp"]
        let csv = try squeeze(args + ["--csv"], in: dir)
        #expect(csv.status == 0, "\(csv.err)")
        let lines = csv.out.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(lines.first)
        for name in ["original_bytes", "level", "compressed_bytes", "bits_per_byte", "ratio", "compress_mb_s",
                     "decompress_mb_s", "peak_memory_bytes", "h0", "best_bound"] {
            let i = try #require(header.firstIndex(of: name))
            for row in lines.dropFirst() {
                #expect(row[i].isEmpty || Double(row[i]) != nil, "\(name) = '\(row[i])'")
            }
        }
        #expect(!csv.out.contains(",-,"))
        let json = try squeeze(args + ["--format", "json"], in: dir)
        let xz = try #require(try jsonRows(json.out).first { $0["codecName"] as? String == "xz" })
        #expect((xz["level"] as? NSNumber)?.intValue == 9 && xz["levelLabel"] as? String == "9e")
    }

    @Test func onlyTheCorpusMetadataIsSkippedAndItIsNamed() throws {
        let corpora = TestCorpus.root
        let parent = (corpora as NSString).deletingLastPathComponent
        let r = try squeeze(["compare", "corpora", "--algos", "store", "--baselines", "none", "--no-estimates",
                             "--include", "grammar.lsp", "--include", "xargs.1"], in: parent)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("corpus metadata") && r.err.contains("corpora/README.md") && r.err.contains("corpora/MANIFEST.tsv"))
        #expect(r.err.contains("not matched by --include"))
        #expect(r.out.contains("canterbury: 2 files"))
        let quiet = try squeeze(["compare", "corpora/canterbury", "--algos", "store", "--baselines", "none", "--no-estimates",
                                 "--exclude", "*.txt", "--exclude", "[k-z]*", "-q"], in: parent)
        #expect(quiet.status == 0 && quiet.err.isEmpty, "\(quiet.err)")
        #expect(quiet.out.contains("canterbury: 3 files"))  // cp.html, fields.c, grammar.lsp
        // Elsewhere a README is data like any other file.
        let dir = try SqueezeCommand.temporaryDirectory()
        try Data("notes".utf8).write(to: URL(fileURLWithPath: "\(dir)/README"))
        try Data("list".utf8).write(to: URL(fileURLWithPath: "\(dir)/MANIFEST.txt"))
        let docs = try squeeze(["compare", dir, "--algos", "store", "--baselines", "none", "--no-estimates", "--csv"], in: dir)
        #expect(docs.status == 0, "\(docs.err)")
        #expect(docs.out.contains(",README,") && docs.out.contains(",MANIFEST.txt,"))
    }

    @Test func formatOptionAndItsAliases() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try Data(try TestCorpus.bytes("canterbury", "xargs.1")).write(to: URL(fileURLWithPath: "\(dir)/x"))
        let base = ["compare", "--algos", "store", "--baselines", "none", "--no-estimates", "-q", "x"]
        func first(_ extra: [String]) throws -> String {
            let r = try squeeze(base + extra, in: dir)
            #expect(r.status == 0, "\(extra): \(r.err)")
            return String(r.out.prefix(15))
        }
        let text = try first([]), markdown = try first(["--format", "markdown"]), csv = try first(["--format", "csv"])
        let json = try first(["--format", "json"]), html = try first(["--format", "html"])
        #expect(text.hasPrefix("files: 1 file"))
        #expect(markdown.hasPrefix("# squeeze"))
        #expect(csv.hasPrefix("schema_version"))
        #expect(json.hasPrefix("{"))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(try first(["--format", "text"]) == text && first(["--format", "table"]) == text)
        #expect(try first(["--format", "md"]) == markdown && first(["--markdown"]) == markdown)
        #expect(try first(["--csv"]) == csv && first(["--json"]) == json && first(["--html"]) == html)
        let clash = try squeeze(base + ["--csv", "--format", "json"], in: dir)
        #expect(clash.status == 2 && clash.err.contains("one output format"))
        // -o DIR still writes all four reports whatever goes to stdout.
        let written = try squeeze(base + ["--format", "json", "-o", "out"], in: dir)
        #expect(written.status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/out").sorted()
                == ["results.csv", "results.html", "results.json", "results.md"])
    }

    @Test func committedReportRendersAgainWithoutMeasuring() throws {
        let repo = (TestCorpus.root as NSString).deletingLastPathComponent
        let r = try squeeze(["compare", "--from-json", "reports/results.json", "--format", "html"], in: repo)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasPrefix("<!DOCTYPE html>") && r.out.contains("data-pick=\"0\""))
        let bad = try squeeze(["compare", "--from-json", "README.md"], in: repo)
        #expect(bad.status == 1 && bad.err.contains("README.md"))
    }

    @Test func countsAreSingularForOne() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try Data([1]).write(to: URL(fileURLWithPath: "\(dir)/one"))
        let r = try squeeze(["compare", "--algos", "store", "--baselines", "none", "--no-estimates", "one"], in: dir)
        #expect(r.status == 0)
        #expect(r.out.contains("files: 1 file, 1 byte"))
        #expect(r.err.contains("squeeze: 1 run in"))
        let md = try squeeze(["compare", "--algos", "store", "--baselines", "none", "--no-estimates", "-q", "--markdown", "one"], in: dir)
        #expect(md.out.contains("(1 file, 1 byte)") && md.out.contains("1 timed run per figure"))
        for bad in ["1 files", "1 runs", "1 bytes", "1 blocks"] {
            #expect(!(r.out + r.err + md.out).contains(bad))
        }
    }
}

@Suite struct BenchCLITests {
    /// A copy of the executable outside the package, so the package's corpora cannot be found.
    func lonelyExecutable() throws -> (dir: String, exe: String) {
        let dir = try SqueezeCommand.temporaryDirectory()
        let exe = dir + "/squeeze"
        try FileManager.default.copyItem(atPath: SqueezeCommand.executablePath, toPath: exe)
        return (dir, exe)
    }

    @Test func missingCorpusIsAnErrorOnStandardError() throws {
        let (dir, exe) = try lonelyExecutable()
        for bench in ["lzw", "lz77", "bwt", "ppm", "ppm-memory", "blocksort", "baselines", "entropy", "long"] {
            let r = try run(exe, ["bench", bench], in: dir)
            #expect(r.status == 1, "bench \(bench): status \(r.status)")
            #expect(r.out.isEmpty, "bench \(bench) printed on stdout: \(r.out)")
            #expect(r.err.contains("squeeze: bench \(bench): cannot find the corpus") && r.err.contains("SQUEEZE_CORPORA")
                    && r.err.contains("\(dir)/corpora"), "\(r.err)")
        }
        let wrong = try run(exe, ["bench", "lzw"], in: dir, environment: ["SQUEEZE_CORPORA": dir + "/nowhere"])
        #expect(wrong.status == 1 && wrong.err.contains("\(dir)/nowhere"))
    }

    @Test func corpusFoundThroughTheEnvironmentFromAnyDirectory() throws {
        let (dir, exe) = try lonelyExecutable()
        let corpora = dir + "/elsewhere/corpora"
        try FileManager.default.createDirectory(atPath: corpora + "/large", withIntermediateDirectories: true)
        let text = try TestCorpus.bytes("canterbury", "alice29.txt")
        try Data(text).write(to: URL(fileURLWithPath: corpora + "/large/bible.txt"))
        let r = try run(exe, ["bench", "lzw"], in: dir, environment: ["SQUEEZE_CORPORA": corpora])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains(corpora + "/large/bible.txt") && r.out.contains("\(text.count) bytes"))
    }
}
