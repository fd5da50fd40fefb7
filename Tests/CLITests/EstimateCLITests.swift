import Foundation
import Testing
import TestSupport

private struct ExecutableNotFound: Error, CustomStringConvertible { let description: String }

/// Runs the built `squeeze` executable (found beside the test bundle in the build products directory).
private func squeeze(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var candidates = [products.appendingPathComponent("squeeze")]
    // `swift test` may run the bundle from inside an .xctest directory.
    candidates.append(products.deletingLastPathComponent().appendingPathComponent("squeeze"))
    for p in ["release", "debug"] {
        candidates.append(URL(fileURLWithPath: TestCorpus.root).deletingLastPathComponent()
            .appendingPathComponent(".build/\(p)/squeeze"))
    }
    guard let exe = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw ExecutableNotFound(description: "squeeze executable not found near \(products.path)")
    }
    let process = Process()
    process.executableURL = exe
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

private func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
    let path = NSTemporaryDirectory() + "squeeze-estimate-\(getpid())-\(name)"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite struct EstimateCLITests {
    @Test func oneScreenForOneFile() throws {
        let r = try squeeze(["estimate", "\(TestCorpus.root)/calgary/paper1"])
        #expect(r.status == 0)
        #expect(r.out.contains("Achievable ≈"))
        #expect(r.out.contains("PPM order 5"))
        #expect(r.out.split(separator: "\n").count < 60)
    }

    @Test func jsonHasTheHandComputedH0() throws {
        let path = try temporaryFile("abra", Array("abracadabra".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try squeeze(["estimate", "--json", "--order", "16", path])
        #expect(r.status == 0)
        let doc = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        let file = (doc?["files"] as? [[String: Any]])?.first
        let h0 = file?["h0"] as? Double ?? -1
        #expect(abs(h0 - 2.0404) < 0.00005)
        #expect((file?["orders"] as? [Any])?.count == 17)
        #expect(file?["best"] != nil)
    }

    @Test func emptyAndOneByteFiles() throws {
        let empty = try temporaryFile("empty", [])
        defer { try? FileManager.default.removeItem(atPath: empty) }
        for path in [empty, "\(TestCorpus.root)/artificial/a.txt"] {
            let r = try squeeze(["estimate", path])
            #expect(r.status == 0, "\(path): \(r.err)")
            #expect(!r.out.contains("nan") && !r.out.contains("inf"))
        }
    }

    @Test func severalFilesCsvAndTotal() throws {
        let files = ["calgary/paper1", "calgary/progc", "artificial/aaa.txt"].map { "\(TestCorpus.root)/\($0)" }
        let table = try squeeze(["estimate"] + files)
        #expect(table.status == 0)
        #expect(table.out.contains("total"))
        let csv = try squeeze(["estimate", "--csv"] + files)
        let lines = csv.out.split(separator: "\n")
        #expect(lines.count == 5) // header, 3 files, total
        #expect(lines.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == lines[0].split(separator: ",").count })
    }

    @Test func plotIsAnSVG() throws {
        let svg = NSTemporaryDirectory() + "squeeze-estimate-\(getpid()).svg"
        defer { try? FileManager.default.removeItem(atPath: svg) }
        let r = try squeeze(["estimate", "--plot", svg, "\(TestCorpus.root)/calgary/progc"])
        #expect(r.status == 0)
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.hasPrefix("<?xml") && text.contains("<svg") && text.hasSuffix("</svg>\n"))
        #expect(text.contains("<polyline"))
    }

    // Item: messages. File errors read "squeeze: FILE: reason" (as compress and decompress say
    // them) with exit 1; usage errors exit 2 and show the estimate usage.
    @Test func errorsNameTheFileAsTheRestOfTheCLIDoes() throws {
        let r = try squeeze(["estimate", "/nonexistent/dir/file.bin"])
        #expect(r.status == 1)
        #expect(r.err.hasPrefix("squeeze: /nonexistent/dir/file.bin: "), "\(r.err)")
        #expect(!r.err.contains("Error:"))
        let d = try squeeze(["estimate", TestCorpus.root])
        #expect(d.status == 1)
        #expect(d.err.hasPrefix("squeeze: \(TestCorpus.root): "), "\(d.err)")
        let bad = try squeeze(["estimate", "--order", "99", "\(TestCorpus.root)/artificial/a.txt"])
        #expect(bad.status == 2)
        #expect(bad.err.contains("--order must be in 0…32"))
        #expect(bad.err.contains("Usage: squeeze estimate"))
        let format = try squeeze(["estimate", "--format", "xml", "\(TestCorpus.root)/artificial/a.txt"])
        #expect(format.status == 2)
        #expect(format.err.contains("Usage: squeeze estimate"))
    }

    // Item: --memory accepts only its documented range and says which.
    @Test func memoryOutsideItsRangeIsRefusedWithTheRange() throws {
        let file = "\(TestCorpus.root)/artificial/a.txt"
        for value in ["1K", "47M", "2T", "lots"] {
            let r = try squeeze(["estimate", "--memory", value, file])
            #expect(r.status == 2, "--memory \(value)")
            #expect(r.err.contains(value == "lots" ? "is not a size" : "48M…1T"), "\(r.err)")
        }
        for value in ["48M", "512M", "2G", "1T"] {
            let r = try squeeze(["estimate", "--memory", value, file])
            #expect(r.status == 0, "--memory \(value): \(r.err)")
        }
    }

    // Item: estimate - reads standard input, with the same figures as the file.
    @Test func dashReadsStandardInput() throws {
        let path = "\(TestCorpus.root)/canterbury/fields.c"
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let fromFile = try SqueezeCommand.run(["estimate", "--format", "csv", path], in: TestCorpus.root)
        let fromStdin = try SqueezeCommand.run(["estimate", "--format", "csv", "-"], in: TestCorpus.root, input: bytes)
        #expect(fromStdin.status == 0, "\(fromStdin.stderr)")
        let a = fromFile.stdoutText.split(separator: "\n")
        let b = fromStdin.stdoutText.split(separator: "\n")
        #expect(a.count == 2 && b.count == 2)
        #expect(a.first == b.first)
        // Same row but for the name.
        #expect(a.last?.split(separator: ",").dropFirst() == b.last?.split(separator: ",").dropFirst())
        #expect(b.last?.hasPrefix("(stdin),") == true)
        let twice = try SqueezeCommand.run(["estimate", "-", "-"], in: TestCorpus.root, input: bytes)
        #expect(twice.status == 2)
    }

    // Item: CSV column names are unique (h0 was there twice), with and without --compare.
    @Test func csvColumnNamesAreUnique() throws {
        let files = ["canterbury/grammar.lsp", "canterbury/xargs.1"].map { "\(TestCorpus.root)/\($0)" }
        for extra in [[], ["--compare"], ["--order", "12"]] {
            let r = try squeeze(["estimate", "--csv"] + extra + files)
            #expect(r.status == 0)
            let lines = r.out.split(separator: "\n")
            let header = lines[0].split(separator: ",").map(String.init)
            #expect(Set(header).count == header.count, "duplicates: \(header.filter { h in header.filter { $0 == h }.count > 1 })")
            #expect(lines.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == header.count })
            #expect(header.contains("h0") && header.contains("approximate"))
        }
    }

    // Item: --markdown says it was generated by the script only when the script says so.
    @Test func markdownClaimsTheScriptOnlyWhenTold() throws {
        let file = "\(TestCorpus.root)/canterbury/grammar.lsp"
        let plain = try squeeze(["estimate", "--markdown", file])
        #expect(plain.status == 0)
        #expect(!plain.out.contains("Generated by"))
        #expect(!plain.out.contains("make-estimate-report"))
        #expect(plain.out.contains("squeeze estimate --markdown"))
        let scripted = try squeeze(["estimate", "--format", "markdown", "--generated-by", "scripts/make-estimate-report.sh", file])
        #expect(scripted.status == 0)
        #expect(scripted.out.contains("Generated by `scripts/make-estimate-report.sh`"))
        // The command shown is the one to rerun, without the provenance option.
        #expect(scripted.out.contains("    squeeze estimate --format markdown \(file)"))
        let notMarkdown = try squeeze(["estimate", "--generated-by", "x", file])
        #expect(notMarkdown.status == 2)
        let script = try String(contentsOfFile: TestCorpus.root + "/../scripts/make-estimate-report.sh", encoding: .utf8)
        #expect(script.contains("--generated-by scripts/make-estimate-report.sh"))
    }

    // Item: one option style: --format names the formats, the old flags are aliases.
    @Test func formatOptionAndItsAliases() throws {
        let file = "\(TestCorpus.root)/canterbury/xargs.1"
        for (format, flag) in [("csv", "--csv"), ("markdown", "--markdown"), ("text", nil)] as [(String, String?)] {
            let a = try squeeze(["estimate", "--format", format, file])
            let b = try squeeze(["estimate"] + (flag.map { [$0] } ?? []) + [file])
            #expect(a.status == 0 && b.status == 0)
            // Markdown shows the command line, which differs; compare from the first table on.
            let cut: (String) -> Substring = { s in s.range(of: "## Summary").map { r in s[r.lowerBound...] } ?? s[...] }
            #expect(cut(a.out) == cut(b.out), "--format \(format)")
        }
        let json = try squeeze(["estimate", "--format", "json", file])
        let doc = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        #expect(doc?["tool"] as? String == "squeeze estimate")
        let same = try squeeze(["estimate", "--format", "json", "--json", file])
        #expect(same.status == 0)
        let clash = try squeeze(["estimate", "--format", "json", "--csv", file])
        #expect(clash.status == 2)
        #expect(clash.err.contains("choose one output format"))
        let two = try squeeze(["estimate", "--json", "--markdown", file])
        #expect(two.status == 2)
    }
}

// MARK: - Large inputs

/// Text-like bytes: words of a synthetic vocabulary drawn with a skewed law, so
/// that high orders have many contexts (as in real text) and the input is not a repeat.
private func syntheticText(_ count: Int, seed: UInt64) -> [UInt8] {
    var rng = SplitMix64(seed: seed)
    let letters = Array("etaoinshrdlucmfwypvbgkjqxz".utf8)
    let vocabulary: [[UInt8]] = (0..<5000).map { _ in
        let length = 2 + Int(rng.next() % 8)
        return (0..<length).map { _ in letters[Int(min(rng.next() % 26, rng.next() % 26))] }
    }
    var out: [UInt8] = []
    out.reserveCapacity(count + 16)
    while out.count < count {
        let r = Double(rng.next() >> 11) / Double(1 << 53)
        let word = vocabulary[Int(Double(vocabulary.count) * r * r * r)]
        out += word
        out.append(rng.next() % 11 == 0 ? 0x0A : 0x20)
    }
    return Array(out.prefix(count))
}

@Suite(.serialized) struct EstimateLargeInputTests {
    // Item: a memory bound. 16 MB would need about 18 × 16 = 290 MB exactly; with
    // --memory 48M it is streamed, the process's peak RSS (VmHWM, read by the child
    // itself) stays under the limit, and every format says which figures are approximate.
    @Test func peakMemoryStaysUnderTheLimit() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/big.txt"
        try Data(syntheticText(16 << 20, seed: 7)).write(to: URL(fileURLWithPath: path))
        let limit = 48 << 20
        let r = try SqueezeCommand.run(["estimate", "--memory", "48M", "--format", "json", path], in: dir, timeout: 900)
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout)) as? [String: Any]
        let memory = doc?["memory"] as? [String: Any]
        let peak = memory?["peakResidentBytes"] as? Int ?? Int.max
        #expect(memory?["limit"] as? Int == limit)
        #expect(peak < limit, "peak RSS \(peak) bytes, limit \(limit)")
        let file = (doc?["files"] as? [[String: Any]])?.first
        let approximation = file?["approximation"] as? [String: Any]
        #expect(approximation != nil)
        let orders = file?["orders"] as? [[String: Any]] ?? []
        #expect(orders.count == 7)
        #expect(orders.contains { $0["exact"] as? Bool == false })
        #expect(orders.first?["exact"] as? Bool == true)
        for o in orders {
            let hk = o["hk"] as? Double ?? -1, low = o["hkLower"] as? Double ?? 9, high = o["hkUpper"] as? Double ?? -1
            #expect(low <= hk + 1e-9 && hk <= high + 1e-9 && low >= 0, "order \(o["order"] ?? "?")")
        }
        // CTW and the arith models need the input in memory: not computed, and said so.
        #expect(file?["ctw"] == nil || file?["ctw"] is NSNull)
        #expect((approximation?["skipped"] as? [String])?.contains("arith-model-2") == true)
    }

    // Item: the bounds hold. A file analysed both ways: every exact Hk lies in the
    // interval the bounded run gives, the exact orders agree, and the text, CSV and
    // Markdown outputs mark the approximate figures with how far off they can be.
    @Test func boundedIntervalsHoldTheExactFigures() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/mid.txt"
        try Data(syntheticText(3 << 19, seed: 11)).write(to: URL(fileURLWithPath: path))
        func orders(_ args: [String]) throws -> [[String: Any]] {
            let r = try SqueezeCommand.run(["estimate", "--format", "json"] + args + [path], in: dir, timeout: 900)
            #expect(r.status == 0, "\(r.stderr)")
            let doc = try JSONSerialization.jsonObject(with: Data(r.stdout)) as? [String: Any]
            return ((doc?["files"] as? [[String: Any]])?.first?["orders"] as? [[String: Any]]) ?? []
        }
        let exact = try orders([])
        let bounded = try orders(["--memory", "48M"])
        #expect(exact.count == 7 && bounded.count == 7)
        for (e, b) in zip(exact, bounded) {
            let truth = e["hk"] as? Double ?? -1
            #expect(e["exact"] as? Bool == true)
            let low = b["hkLower"] as? Double ?? 9, high = b["hkUpper"] as? Double ?? -1
            #expect(low - 1e-9 <= truth && truth <= high + 1e-9, "order \(e["order"] ?? "?"): \(truth) not in [\(low), \(high)]")
            if b["exact"] as? Bool == true { #expect(abs((b["hk"] as? Double ?? -1) - truth) < 1e-9) }
        }
        #expect(bounded.contains { $0["exact"] as? Bool == false })

        let text = try SqueezeCommand.run(["estimate", "--memory", "48M", path], in: dir, timeout: 900).stdoutText
        #expect(text.contains("≈ approximate:"))
        #expect(text.contains("off by at most"))
        #expect(text.contains("Not computed (need the input in memory): arith-model-0"))
        let csv = try SqueezeCommand.run(["estimate", "--memory", "48M", "--format", "csv", path], in: dir, timeout: 900)
        let lines = csv.stdoutText.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let column = lines[0].firstIndex(of: "approximate") ?? 0
        #expect(lines[1][column] == "1")
        let exactColumn = lines[0].firstIndex(of: "exact6") ?? 0
        #expect(lines[1][exactColumn] == "0")
        let md = try SqueezeCommand.run(["estimate", "--memory", "48M", "--format", "markdown", path], in: dir, timeout: 900)
        #expect(md.stdoutText.contains("≈"))
        #expect(md.stdoutText.contains("off by at most"))
        // Fits: exact, and said nowhere to be approximate.
        let small = try squeeze(["estimate", "--format", "csv", "\(TestCorpus.root)/canterbury/fields.c"])
        let smallLines = small.out.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(smallLines[1][smallLines[0].firstIndex(of: "approximate") ?? 0] == "0")
    }

    // Past the limit --compare reads the file again for each codec, block by block:
    // the codecs' sizes are those of an exact run; standard input cannot be read again.
    @Test func compareWorksPastTheLimitOnAFile() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/c.txt"
        let bytes = syntheticText(1_200_000, seed: 13)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        func codecs(_ args: [String]) throws -> (approximate: Bool, sizes: [String: Int]) {
            let r = try SqueezeCommand.run(["estimate", "--compare", "--format", "json"] + args + [path], in: dir, timeout: 900)
            #expect(r.status == 0, "\(r.stderr)")
            let doc = try JSONSerialization.jsonObject(with: Data(r.stdout)) as? [String: Any]
            let file = (doc?["files"] as? [[String: Any]])?.first
            var sizes: [String: Int] = [:]
            for c in file?["codecs"] as? [[String: Any]] ?? [] {
                #expect(c["verified"] as? Bool == true)
                sizes["\(c["codec"] ?? "?") \(c["level"] ?? "?")"] = c["compressedBytes"] as? Int
            }
            return (file?["approximation"] is [String: Any], sizes)
        }
        let exact = try codecs([])
        let bounded = try codecs(["--memory", "48M"])
        #expect(!exact.approximate && bounded.approximate)
        #expect(!exact.sizes.isEmpty)
        #expect(exact.sizes == bounded.sizes)
        // squeeze stops reading standard input when it refuses: the writer must not die of SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let piped = try SqueezeCommand.run(["estimate", "--compare", "--memory", "48M", "-"], in: dir, input: bytes)
        #expect(piped.status == 1)
        #expect(piped.stderr.hasPrefix("squeeze: (stdin): --compare reads the input again"), "\(piped.stderr)")
    }

    // Item: progress on a terminal only. Under script(1) standard error is a
    // terminal and the progress line appears; with -q, or when standard error is
    // a pipe, nothing is written there.
    @Test func progressOnlyOnATerminal() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/in.txt"
        try Data(syntheticText(2 << 20, seed: 5)).write(to: URL(fileURLWithPath: path))
        func underTerminal(_ extra: String) throws -> String {
            // Through a pipe: the size is unknown, so progress shows however small the input.
            try SqueezeCommand.underTerminal("cat '\(path)' | squeeze estimate \(extra) --memory 48M - > /dev/null; echo status=$?", in: dir)
        }
        let shown = try underTerminal("")
        #expect(shown.contains("status=0"), "\(shown)")
        #expect(shown.contains("(stdin): "), "\(shown)")
        #expect(shown.contains("MiB"))
        let quiet = try underTerminal("-q")
        #expect(!quiet.contains("(stdin): "), "\(quiet)")
        let piped = try SqueezeCommand.run(["estimate", "--memory", "48M", path], in: dir, timeout: 900)
        #expect(piped.status == 0)
        #expect(piped.stderr.isEmpty, "\(piped.stderr)")
    }
}

// MARK: - The committed report

/// Item: reports/estimate-canterbury.md must match what the code computes now.
/// A few rows are recomputed (entropy figures to the report's three decimals, the
/// best codec recompressed at the named level), and the codec table must list
/// every registered codec at its strongest level. Regenerate with
/// scripts/make-estimate-report.sh when this fails.
@Suite struct EstimateReportIsCurrentTests {
    static func f(_ x: Double) -> String { String(format: "%.3f", x) }

    /// Rows of the first Markdown table after `heading`, cells trimmed, keyed by the first cell.
    static func table(_ text: String, after heading: String) -> (header: [String], rows: [String: [String]]) {
        guard let start = text.range(of: heading) else { return ([], [:]) }
        var header: [String] = []
        var rows: [String: [String]] = [:]
        for line in text[start.upperBound...].split(separator: "\n") {
            if line.hasPrefix("## ") { break }
            guard line.hasPrefix("|") else { if !header.isEmpty && !rows.isEmpty { break } else { continue } }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if header.isEmpty { header = cells; continue }
            if cells.first?.hasPrefix("---") == true { continue }
            if let key = cells.first { rows[key] = cells }
        }
        return (header, rows)
    }

    @Test(arguments: ["grammar.lsp", "xargs.1", "fields.c"])
    func committedReportIsCurrent(file: String) throws {
        let report = try String(contentsOfFile: TestCorpus.root + "/../reports/estimate-canterbury.md", encoding: .utf8)
        #expect(report.contains("Generated by `scripts/make-estimate-report.sh`"))
        let summary = Self.table(report, after: "## Summary")
        let row = try #require(summary.rows[file], "no row for \(file) in the committed report")
        func cell(_ name: String) -> String {
            guard let i = summary.header.firstIndex(of: name), i < row.count else { return "(no column \(name))" }
            return row[i]
        }
        let r = try SqueezeCommand.run(["estimate", "--format", "json", "--compare", "canterbury/\(file)"], in: TestCorpus.root)
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout)) as? [String: Any]
        let now = try #require((doc?["files"] as? [[String: Any]])?.first)
        let n = now["bytes"] as? Int ?? 0
        func bpb(_ bits: Any?) -> Double { (bits as? Double ?? .nan) / Double(n) }
        let orders = now["orders"] as? [[String: Any]] ?? []
        let reliable = now["highestReliableOrder"] as? Int ?? -1
        let adaptive = orders.compactMap { o -> Double? in
            guard let a = o["ktBits"] as? Double, let b = o["laplaceBits"] as? Double, let c = o["ktUsedAlphabetBits"] as? Double else { return nil }
            return min(a, b, c)
        }.min() ?? .nan
        let best = now["best"] as? [String: Any]
        var grouped = ""
        for (i, c) in String(n).reversed().enumerated() {
            if i > 0 && i % 3 == 0 { grouped.append(",") }
            grouped.append(c)
        }
        #expect(cell("bytes") == String(grouped.reversed()))
        #expect(cell("H0") == Self.f(now["h0"] as? Double ?? .nan))
        #expect(cell("Hk (k)") == "\(Self.f(orders[reliable]["hk"] as? Double ?? .nan)) (\(reliable))")
        #expect(cell("adaptive") == Self.f(adaptive / Double(n)))
        #expect(cell("PPM") == Self.f(bpb((now["ppm"] as? [String: Any])?["bits"])))
        #expect(cell("LZ78") == Self.f(bpb((now["lz78"] as? [String: Any])?["codeBits"])))
        #expect(cell("best") == Self.f(best?["bitsPerByte"] as? Double ?? .nan))
        #expect(cell("by") == best?["id"] as? String)

        // Every Hk of the by-order table.
        let hk = Self.table(report, after: "## Empirical Hk by order")
        let hkRow = hk.rows[file] ?? []
        for (k, o) in orders.enumerated() where k + 1 < hkRow.count {
            #expect(hkRow[k + 1].replacingOccurrences(of: "\\*", with: "") == Self.f(o["hk"] as? Double ?? .nan), "H\(k)")
        }

        // The best codec, recompressed at the named level, gives the size the report shows, and nothing smaller.
        let codecs = now["codecs"] as? [[String: Any]] ?? []
        let named = cell("best codec").split(separator: " ").map(String.init)
        #expect(named.count == 2, "best codec cell '\(cell("best codec"))' names a codec and a level")
        let run = codecs.first { $0["codec"] as? String == named.first && $0["level"] as? String == named.last }
        let bytes = try #require(run?["compressedBytes"] as? Int, "\(named.joined(separator: " ")) not run by --compare")
        #expect(cell("b/B") == Self.f(Double(bytes) * 8 / Double(n)))
        let smallest = codecs.filter { $0["verified"] as? Bool == true }.compactMap { $0["compressedBytes"] as? Int }.min()
        #expect(smallest == bytes, "a codec now beats \(named.joined(separator: " ")) on \(file)")

        // The codec table lists every registered codec (but store) at its strongest level.
        let codecTable = Self.table(report, after: "## Codecs at their strongest levels")
        let listed = Array(codecTable.header.dropFirst(2))
        let registered = codecs.map { "\($0["codec"] as? String ?? "?") \($0["level"] as? String ?? "?")" }
        #expect(listed == registered)
    }
}
