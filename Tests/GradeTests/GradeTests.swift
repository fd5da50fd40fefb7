#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Grade
import Harness
import Testing
import TestSupport

/// A hidden corpus and the fixture submissions (Fixtures/submissions) copied into a temporary directory.
struct GradeFixture: Sendable {
    let root: String
    var corpus: String { root + "/corpus" }
    var submissions: String { root + "/submissions" }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/submissions").path
    static let marker = "/tmp/squeeze-grade-escape-marker"

    /// The fixtures named (all when nil), and a small corpus: text, skewed bytes, a tiny file.
    static func make(_ names: [String]? = nil) throws -> GradeFixture {
        let root = try SqueezeCommand.temporaryDirectory()
        let f = GradeFixture(root: root)
        let fm = FileManager.default
        try fm.createDirectory(atPath: f.corpus, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: f.submissions, withIntermediateDirectories: true)
        var words = ""
        var rng = SplitMix64(seed: 7)
        let vocabulary = ["the", "entropy", "of", "a", "source", "is", "coded", "in", "bits", "per", "symbol", "and", "Huffman", "arithmetic"]
        while words.utf8.count < 12_000 { words += vocabulary[Int(rng.next() % UInt64(vocabulary.count))] + (rng.next() % 9 == 0 ? ".\n" : " ") }
        try Data(words.utf8).write(to: URL(fileURLWithPath: f.corpus + "/text.txt"))
        try Data(Generators.skewed(6000)).write(to: URL(fileURLWithPath: f.corpus + "/skewed.bin"))
        try Data("abracadabra abracadabra".utf8).write(to: URL(fileURLWithPath: f.corpus + "/tiny.txt"))
        for name in try names ?? fm.contentsOfDirectory(atPath: fixtures) {
            try fm.copyItem(atPath: fixtures + "/" + name, toPath: f.submissions + "/" + name)
        }
        return f
    }

    /// Small limits, so a hanging submission costs four seconds (enough for the others on a busy machine).
    static var limits: GradeLimits {
        var l = GradeLimits()
        l.runWallSeconds = 4
        l.runCPUSeconds = 2
        l.runMemoryBytes = 256 << 20
        l.buildWallSeconds = 120
        return l
    }

    func job(db: String) -> GradeJob {
        var job = GradeJob(submissionsRoot: submissions, corpusPath: corpus, databasePath: db)
        job.limits = Self.limits
        job.jobs = 2
        job.workRoot = root + "/work"
        return job
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// One graded run of every fixture, shared by the tests that read it (grading takes seconds).
enum FullRun {
    static let result: Result<(GradeFixture, String), GradeError> = {
        unlink(GradeFixture.marker)
        do {
            let f = try GradeFixture.make()
            let db = f.root + "/grades.sqlite"
            _ = try f.job(db: db).run()
            return .success((f, db))
        } catch let e as GradeError {
            return .failure(e)
        } catch {
            return .failure(GradeError("\(error)"))
        }
    }()

    static func get() throws -> (fixture: GradeFixture, db: String) { try result.get() }
}

@Suite struct GradeFixtureTests {
    @Test func everyBadSubmissionGetsItsRowAndTheGoodOnesRankFirst() throws {
        let (_, db) = try FullRun.get()
        let board = try Leaderboard.build(try GradeDatabase(path: db).contents(), formula: ScoreFormula())
        let byName = Dictionary(uniqueKeysWithValues: board.entries.map { ($0.run.submission, $0) })
        #expect(board.entries.count == 9)
        let expected: [String: GradeStatus] = [
            "good": .ok, "slow": .ok, "swift-rle": .ok, "crashing": .crashed, "wrong": .wrongOutput, "hanging": .timeout,
            "memory-hog": .memoryLimit, "no-build": .buildFailed, "writes-outside": .sandboxViolation,
        ]
        for (name, status) in expected {
            #expect(byName[name]?.run.status == status.rawValue, "\(name): \(byName[name]?.run.status ?? "missing") — \(byName[name]?.run.reason ?? "")")
        }
        // Ranking: the strong coder, the same coder slower, the weak one that works, then every failure.
        #expect(board.entries.prefix(3).map(\.run.submission) == ["good", "slow", "swift-rle"])
        #expect(Set(board.entries.dropFirst(3).map(\.run.submission)) == Set(expected.keys).subtracting(["good", "slow", "swift-rle"]))
        let good = try #require(byName["good"]), slow = try #require(byName["slow"])
        #expect(good.points.bitsPerByte == slow.points.bitsPerByte)
        #expect(good.points.speedPoints > slow.points.speedPoints)
        #expect(good.points.sizePoints > 90, "xz -6e should score near the xz -9e anchor: \(good.points.sizePoints)")
        for e in board.entries.dropFirst(3) {
            #expect(e.points.failedFiles == 3)
            #expect(e.points.score < (byName["swift-rle"]?.points.score ?? 0))
            #expect(!(e.run.reason ?? "").isEmpty, "\(e.run.submission) has no reason")
        }
        // Reasons a student can act on.
        #expect(byName["crashing"]?.run.reason?.contains("SIGSEGV") == true)
        #expect(byName["wrong"]?.run.reason?.contains("round trip failed") == true)
        #expect(byName["hanging"]?.run.reason?.contains("still running after 4 s") == true)
        #expect(byName["hanging"]?.files.filter { $0.status == GradeStatus.notRun.rawValue }.count == 2)
        #expect(byName["memory-hog"]?.run.reason?.contains("out of memory") == true)
        #expect(byName["no-build"]?.run.reason?.contains("error") == true)
        #expect(byName["writes-outside"]?.run.reason?.contains("Read-only file system") == true)
        // The write outside never happened.
        #expect(!FileManager.default.fileExists(atPath: GradeFixture.marker))
        // Author and codec name come from the manifests; the Swift package has none.
        #expect(good.run.author == "Ada Good" && good.run.codecName == "xz-wrapper")
        #expect(byName["swift-rle"]?.run.kind == "swift-package")
    }

    @Test func everyPassingFileWasCheckedAndSizedAgainstTheBaselines() throws {
        let (_, db) = try FullRun.get()
        let c = try GradeDatabase(path: db).contents()
        #expect(c.runs.count == 1)
        #expect(Set(c.baselines.map(\.spec)) == ["zlib:9", "bzip2:9", "xz:9e", "zstd:19", "zstd:3"])
        let good = try #require(c.submissions.first { $0.submission == "good" })
        let files = try #require(c.files[good.id])
        #expect(files.map(\.file) == ["skewed.bin", "text.txt", "tiny.txt"])
        for f in files {
            #expect(f.ok && (f.compressedBytes ?? 0) > 0 && (f.compressCPUSeconds ?? 0) > 0)
        }
        // The RLE coder makes text larger: more than 8 bits per byte, and still a passing row.
        let rle = try #require(c.submissions.first { $0.submission == "swift-rle" })
        let text = try #require(c.files[rle.id]?.first { $0.file == "text.txt" })
        #expect(text.ok && (text.compressedBytes ?? 0) > text.originalBytes)
    }

    @Test func leaderboardPagesAreSelfContained() throws {
        let (_, db) = try FullRun.get()
        let board = try Leaderboard.build(try GradeDatabase(path: db).contents(), formula: ScoreFormula())
        let html = board.html()
        #expect(html.components(separatedBy: "<svg").count - 1 == 3)
        // No network: the only URL is the SVG namespace, which is a name, not a fetch.
        #expect(!html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http"))
        #expect(!html.contains("<script src") && !html.contains("<link"))
        for name in ["good", "slow", "swift-rle", "hanging", "memory-hog"] { #expect(html.contains(name)) }
        let md = board.markdown()
        #expect(md.contains("| 1 | good (xz-wrapper) | Ada Good | ok |"))
        #expect(md.contains("sandbox-violation") && md.contains("zlib -9 (low anchor"))
        #expect(!md.contains("NOT ISOLATED"))
    }

    @Test func changingTheFormulaReranksWithoutGradingAgain() throws {
        let (_, db) = try FullRun.get()
        let contents = try GradeDatabase(path: db).contents()
        var onlySpeed = ScoreFormula()
        try onlySpeed.apply("size=0, speed=1, failure=0", source: "test")
        let board = try Leaderboard.build(contents, formula: onlySpeed)
        let slow = try #require(board.entries.first { $0.run.submission == "slow" })
        let good = try #require(board.entries.first { $0.run.submission == "good" })
        #expect(slow.rank > good.rank)
        #expect(board.entries.allSatisfy { $0.points.score == $0.points.speedPoints })
        // Other anchors: size points follow 100 × (L − b) / (L − H) with the new H.
        var otherAnchor = ScoreFormula()
        try otherAnchor.apply("high=zstd:19, size-cap=1000", source: "test")
        let reanchored = try Leaderboard.build(contents, formula: otherAnchor)
        let l = try #require(reanchored.baselines.first { $0.spec == "zlib:9" }?.bitsPerByte)
        let h = try #require(reanchored.baselines.first { $0.spec == "zstd:19" }?.bitsPerByte)
        let top = try #require(reanchored.entries.first { $0.run.submission == "good" })
        #expect(abs(top.points.sizePoints - 100 * (l - top.points.bitsPerByte) / (l - h)) < 1e-9)
        var missing = ScoreFormula()
        try missing.apply("low=lz77:6", source: "test")
        #expect(throws: GradeError.self) { try Leaderboard.build(contents, formula: missing) }
    }

    @Test func shardsMergedEqualOneRun() throws {
        let (full, fullDB) = try FullRun.get()
        let root = try SqueezeCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var shardDBs: [String] = []
        for i in 0..<3 {
            var job = full.job(db: root + "/shard-\(i).sqlite")
            job.shard = try Shard.parse("\(i)/3")
            job.runID = "class-run"
            job.workRoot = root + "/work"
            let summary = try job.run()
            #expect(summary.outcomes.count == [3, 3, 3][i])
            shardDBs.append(root + "/shard-\(i).sqlite")
        }
        let merged = try GradeDatabase(path: root + "/merged.sqlite")
        for p in shardDBs { try merged.merge(from: try GradeDatabase(path: p, readOnly: true)) }
        try merged.merge(from: try GradeDatabase(path: shardDBs[0]))  // twice: changes nothing
        let a = try GradeDatabase(path: fullDB).contents(), b = try merged.contents()
        #expect(b.runs.count == 1 && b.runs.first?.shards == "0/3,1/3,2/3")
        #expect(b.submissions.count == a.submissions.count)
        // Same rows apart from timings.
        func rows(_ c: GradeDatabase.Contents) -> [String] {
            var out: [String] = []
            for s in c.submissions {
                out.append("\(s.submission) \(s.status) \(s.hash) \(s.reason ?? "")")
                for f in c.files[s.id] ?? [] {
                    out.append("  \(s.submission) \(f.file) \(f.status) \(f.compressedBytes ?? -1) \(f.reason ?? "")")
                }
            }
            return out.sorted()
        }
        #expect(rows(a) == rows(b))
        func baselines(_ c: GradeDatabase.Contents) -> [String] { c.baselines.map { "\($0.spec) \($0.file) \($0.compressedBytes ?? -1)" }.sorted() }
        #expect(baselines(a) == baselines(b))
        // Same ranking and scores when speed (the only timing) is left out.
        var sizeOnly = ScoreFormula()
        try sizeOnly.apply("speed=0", source: "test")
        let ra = try Leaderboard.build(a, formula: sizeOnly).entries, rb = try Leaderboard.build(b, formula: sizeOnly).entries
        #expect(ra.map(\.run.submission) == rb.map(\.run.submission))
        #expect(ra.map(\.points.score) == rb.map(\.points.score))
    }
}

@Suite struct GradeHistoryTests {
    @Test func aResubmissionIsANewRowAndTheLatestIsRanked() throws {
        let f = try GradeFixture.make(["good", "wrong"])
        defer { f.remove() }
        let db = f.root + "/grades.sqlite"
        _ = try f.job(db: db).run()
        // The student resubmits the weaker gzip, and only that submission is graded again.
        try Data(#"{"name": "gzip-wrapper", "author": "Ada Good", "compress": "gzip -9 -c", "decompress": "gzip -dc"}"#.utf8)
            .write(to: URL(fileURLWithPath: f.submissions + "/good/submission.json"))
        var again = f.job(db: db)
        again.only = ["good"]
        #expect(try again.run().outcomes.map(\.submission.id) == ["good"])
        let c = try GradeDatabase(path: db).contents()
        #expect(c.runs.count == 2 && c.submissions.count == 3)
        let goods = c.submissions.filter { $0.submission == "good" }
        #expect(goods.count == 2 && Set(goods.map(\.hash)).count == 2)
        let board = try Leaderboard.build(c, formula: ScoreFormula())
        #expect(board.entries.map(\.run.submission) == ["good", "wrong"])
        #expect(board.entries.first?.run.codecName == "gzip-wrapper" && board.entries.first?.attempts == 2)
        #expect(board.entries.last?.attempts == 1)
        let history = board.history.filter { $0.run.submission == "good" }
        #expect(history.map(\.run.codecName) == ["xz-wrapper", "gzip-wrapper"])
        #expect((history[0].points?.sizePoints ?? 0) > (history[1].points?.sizePoints ?? 0))
        var unknown = f.job(db: db)
        unknown.only = ["nobody"]
        #expect(throws: GradeError.self) { try unknown.run() }
    }
}

@Suite struct GradeIsolationTests {
    /// A loopback listener outside the sandbox: reachable from here, not from inside.
    static func listener() throws -> (fd: Int32, port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard fd >= 0, bound else { throw GradeError("cannot listen on loopback") }
        return (fd, UInt16(bigEndian: addr.sin_port))
    }

    @Test func noNetworkNoCorpusNoOtherSubmissions() throws {
        let f = try GradeFixture.make(["good"])
        defer { f.remove() }
        let (fd, port) = try Self.listener()
        defer { close(fd) }
        // Reachable from outside the sandbox: the probe below would succeed unsandboxed.
        #expect(system("bash -c 'exec 3<>/dev/tcp/127.0.0.1/\(port)' 2>/dev/null") == 0)
        let probe = f.submissions + "/probe"
        try FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        let compress = "test ! -e \(f.corpus)/text.txt || exit 9; test ! -e \(f.submissions)/good || exit 10; "
            + "bash -c 'exec 3<>/dev/tcp/127.0.0.1/\(port)' 2>/dev/null && exit 11; "
            + "echo ok > $HOME/note && echo ok > $TMPDIR/note && echo ok > note || exit 12; cat"
        try Data("compress = \"\(compress)\"\ndecompress = \"cat\"\n".utf8).write(to: URL(fileURLWithPath: probe + "/submission.toml"))
        let summary = try f.job(db: f.root + "/g.sqlite").run()
        let row = try #require(summary.outcomes.first { $0.submission.id == "probe" })
        #expect(row.status == .ok, "\(row.reason ?? "")")
    }

    @Test func withoutTheSandboxTheWriteHappensAndTheReportSaysSo() throws {
        unlink(GradeFixture.marker)
        let f = try GradeFixture.make(["writes-outside"])
        defer { f.remove(); unlink(GradeFixture.marker) }
        var job = f.job(db: f.root + "/g.sqlite")
        job.sandboxed = false
        let summary = try job.run()
        #expect(summary.outcomes.first?.status == .ok)
        #expect(FileManager.default.fileExists(atPath: GradeFixture.marker))
        let board = try Leaderboard.build(try GradeDatabase(path: f.root + "/g.sqlite").contents(), formula: ScoreFormula())
        #expect(board.markdown().contains("NOT ISOLATED") && board.html().contains("NOT ISOLATED"))
    }

    @Test func aWorkDirectoryTheSubmissionsCannotReachIsAClearError() throws {
        let f = try GradeFixture.make(["good"])
        defer { f.remove() }
        try FileManager.default.createDirectory(atPath: f.root + "/closed", withIntermediateDirectories: true)
        chmod(f.root + "/closed", 0o700)
        var job = f.job(db: f.root + "/g.sqlite")
        job.workRoot = f.root + "/closed/work"
        // Only a grader running as root hands the work to another user; otherwise the run is fine.
        if getuid() == 0 {
            #expect(throws: GradeError.self) { try job.run() }
        } else {
            #expect(try job.run().outcomes.first?.status == .ok)
        }
    }

    @Test func missingBubblewrapIsAClearError() {
        do {
            _ = try Sandbox.locateBubblewrap(searchPath: "/nonexistent")
            Issue.record("found a bwrap in /nonexistent")
        } catch {
            #expect(error.description.contains("apt-get install bubblewrap") && error.description.contains("--no-sandbox"))
        }
    }
}

@Suite struct GradeUnitTests {
    @Test func manifestsInBothFormats() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        func sub(_ name: String, _ file: String, _ text: String) throws -> Submission {
            try fm.createDirectory(atPath: dir + "/" + name, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name + "/" + file))
            return Submission.load(dir + "/" + name)
        }
        let t = try sub("t", "submission.toml", "# comment\nname = \"tt\"\nauthor = 'A B'\ncompress = \"x {in} {out}\"\ndecompress = y\n")
        #expect(t.problem == nil && t.displayName == "tt" && t.author == "A B" && t.compress == "x {in} {out}" && t.decompress == "y")
        let j = try sub("j", "submission.json", #"{"compress": "a", "decompress": "b", "build": "make"}"#)
        #expect(j.problem == nil && j.build == "make" && j.displayName == "j")
        #expect(try sub("m", "submission.toml", "compress = a\n").problem?.contains("no decompress") == true)
        #expect(try sub("u", "submission.toml", "compress = a\ndecompress = b\ncolour = red\n").problem?.contains("unknown key 'colour'") == true)
        #expect(try sub("h", "submission.toml", "compress = a {in}\ndecompress = b\n").problem?.contains("only one of {in} and {out}") == true)
        #expect(try sub("bad", "submission.json", "[1]").problem?.contains("not a JSON object") == true)
        let p = try sub("pkg", "Package.swift", "// swift-tools-version:5.9\n")
        #expect(p.kind == .swiftPackage && p.build == "swift build -c release --product codec" && p.compress == ".build/release/codec compress")
        try fm.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        #expect(Submission.load(dir + "/empty").problem?.contains("neither a Swift package") == true)
        // Hidden directories are not submissions; the rest come sorted.
        try fm.createDirectory(atPath: dir + "/.git", withIntermediateDirectories: true)
        #expect(try Submission.discover(dir).map(\.id) == ["bad", "empty", "h", "j", "m", "pkg", "t", "u"])
    }

    @Test func contentHashFollowsTheBytesNotTheBuildProducts() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("compress = a\ndecompress = b\n".utf8).write(to: URL(fileURLWithPath: dir + "/submission.toml"))
        let h1 = Submission.load(dir).contentHash()
        try FileManager.default.createDirectory(atPath: dir + "/.build", withIntermediateDirectories: true)
        try Data("object".utf8).write(to: URL(fileURLWithPath: dir + "/.build/x.o"))
        #expect(Submission.load(dir).contentHash() == h1)
        // A link to / is hashed by its target's name, not walked.
        try FileManager.default.createSymbolicLink(atPath: dir + "/everything", withDestinationPath: "/")
        let h2 = Submission.load(dir).contentHash()
        #expect(h2 != h1)
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/extra.c"))
        #expect(Submission.load(dir).contentHash() != h2)
    }

    @Test func sha256KnownAnswers() {
        #expect(ContentHash.sha256(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ContentHash.sha256(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ContentHash.sha256(Array(String(repeating: "a", count: 1000).utf8)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func formulaSettingsAndPoints() throws {
        var f = ScoreFormula()
        try f.apply("size = 1\nspeed=0 # no\n", source: "cfg")
        #expect(f.size == 1 && f.speed == 0)
        #expect(throws: GradeError.self) { try f.apply("colour=red", source: "cfg") }
        #expect(throws: GradeError.self) { try f.apply("size=lots", source: "cfg") }
        func file(_ orig: Int64, _ packed: Int64?, ok: Bool = true) -> GradeDatabase.FileResult {
            .init(FileOutcome(file: "f", originalBytes: orig, compressedBytes: packed, compressSeconds: 0.1, decompressSeconds: 0.1,
                              compressCPUSeconds: 0.05, decompressCPUSeconds: 0.05, status: ok ? .ok : .crashed), submissionRunId: "x")
        }
        // At the low anchor 0 size points, at the high one 100, a failed file counts as stored and costs the penalty.
        #expect(abs(f.points([file(1000, 500)], low: 4, high: 2).sizePoints) < 1e-9)
        #expect(abs(f.points([file(1000, 250)], low: 4, high: 2).sizePoints - 100) < 1e-9)
        let failed = f.points([file(1000, 250), file(1000, nil, ok: false)], low: 4, high: 2)
        #expect(failed.failedFiles == 1 && abs(failed.bitsPerByte - 5) < 1e-9 && failed.score == 0 - 10)
        var g = ScoreFormula()
        try g.apply("speed-floor=1,speed-target=100", source: "w")
        // 1000 bytes in 0.1 s of CPU = 0.01 MB/s: below the floor, 0 points.
        #expect(g.points([file(1000, 250)], low: 4, high: 2).speedPoints == 0)
    }

    @Test func shardsPartitionTheWork() throws {
        let items = Array(0..<23)
        var seen: [Int] = []
        for i in 0..<4 { seen += try Shard.parse("\(i)/4").select(items) }
        #expect(seen.sorted() == items)
        #expect(try Shard.parse("1/4").select(items) == [1, 5, 9, 13, 17, 21])
        for bad in ["4/4", "-1/2", "1", "a/b", "0/0"] { #expect(throws: CorpusError.self) { try Shard.parse(bad) } }
    }
}

@Suite struct GradeCLITests {
    /// The command line end to end: two shards into two databases, merged, ranked into Markdown and HTML.
    @Test func gradeShardsMergeAndLeaderboard() throws {
        let f = try GradeFixture.make(["good", "wrong", "crashing"])
        defer { f.remove() }
        let limits = ["--corpus", f.corpus, "--timeout", "5", "--cpu", "2", "--memory", "256M", "--work", f.root + "/work", "--run-id", "cli"]
        for i in 0..<2 {
            let r = try SqueezeCommand.run(["grade", f.submissions, "--db", "s\(i).sqlite", "--shard", "\(i)/2"] + limits, in: f.root)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdoutText.contains("left to the other shards"))
        }
        let merge = try SqueezeCommand.run(["grade", "merge", "all.sqlite", "s0.sqlite", "s1.sqlite"], in: f.root)
        #expect(merge.status == 0 && merge.stdoutText.contains("1 grade run, 3 submission runs"), "\(merge.stdoutText) \(merge.stderr)")
        let board = try SqueezeCommand.run(["grade", "leaderboard", "--db", "all.sqlite", "-o", "site"], in: f.root)
        #expect(board.status == 0, "\(board.stderr)")
        let md = try String(contentsOfFile: f.root + "/site/leaderboard.md", encoding: .utf8)
        let html = try String(contentsOfFile: f.root + "/site/leaderboard.html", encoding: .utf8)
        #expect(md.contains("| 1 | good (xz-wrapper) |") && md.contains("| wrong-output |") && md.contains("| crashed |"))
        #expect(md.contains("| cli | ") && md.contains("| 0/2,1/2 |"))
        #expect(html.contains("<svg") && html.contains("wrong-output"))
        let printed = try SqueezeCommand.run(["grade", "leaderboard", "--db", "all.sqlite", "--weights", "size=1,speed=0,failure=50"], in: f.root)
        #expect(printed.stdoutText.contains("score = 1 × size points + 0 × speed points − 50 × failed files"))
        let unknown = try SqueezeCommand.run(["grade", "leaderboard", "--db", "all.sqlite", "--weights", "colour=red"], in: f.root)
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown key 'colour'"))
        // Merge inputs are opened read-only and must be grade databases.
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: f.root + "/junk.sqlite"))
        let junk = try SqueezeCommand.run(["grade", "merge", "all.sqlite", "junk.sqlite"], in: f.root)
        #expect(junk.status == 1 && junk.stderr.contains("junk.sqlite"), "\(junk.stderr)")
        let missing = try SqueezeCommand.run(["grade", "leaderboard", "--db", "nothing.sqlite"], in: f.root)
        #expect(missing.status == 1 && missing.stderr.contains("nothing.sqlite: no such grade database"))
    }
}

@Suite struct GradeLimitTests {
    /// Each limit has its own status: too much output, too much CPU, too many processes.
    @Test func eachLimitHasItsOwnStatus() throws {
        let f = try GradeFixture.make([])
        defer { f.remove() }
        let subs: [(String, String)] = [
            ("bigout", "head -c 50000000 /dev/zero"),
            ("spinner", "while :; do :; done"),
            ("forkbomb", "for i in $(seq 100); do sleep 2 & done; wait"),
        ]
        for (name, compress) in subs {
            try FileManager.default.createDirectory(atPath: f.submissions + "/" + name, withIntermediateDirectories: true)
            try Data("compress = \"\(compress)\"\ndecompress = \"cat\"\n".utf8)
                .write(to: URL(fileURLWithPath: f.submissions + "/\(name)/submission.toml"))
        }
        var job = f.job(db: f.root + "/g.sqlite")
        job.limits.runCPUSeconds = 1
        job.limits.runWallSeconds = 30
        // Few processes, so the bomb never crowds out submissions other tests grade meanwhile.
        job.limits.runProcesses = 12
        let summary = try job.run()
        let status = Dictionary(uniqueKeysWithValues: summary.outcomes.map { ($0.submission.id, $0) })
        #expect(status["bigout"]?.status == .outputLimit, "\(status["bigout"]?.reason ?? "")")
        #expect(status["spinner"]?.status == .cpuLimit, "\(status["spinner"]?.reason ?? "")")
        // RLIMIT_NPROC binds only users other than root: the grader drops to one only when it is root.
        #expect(status["forkbomb"]?.status == (getuid() == 0 ? .processLimit : .ok), "\(status["forkbomb"]?.reason ?? "")")
    }
}
