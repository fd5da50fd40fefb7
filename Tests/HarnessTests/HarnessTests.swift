import Foundation
import Testing
import SqueezeKit
import TestSupport

/// Halves nothing and doubles nothing: a codec whose output is the input with
/// every run of equal bytes written as (count, byte) — deterministic sizes for golden reports.
struct PairRunCodec: Codec {
    static let descriptor = CodecDescriptor(
        name: "pairs", id: 251, summary: "test only", levels: [1], defaultLevel: 1,
        blockSize: { _ in 1000 }, make: { _ in PairRunCodec() })

    func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        var i = 0
        while i < input.count {
            var run = 1
            while i + run < input.count, input[i + run] == input[i], run < 255 { run += 1 }
            out.append(UInt8(run)); out.append(input[i])
            i += run
        }
    }

    func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        var i = 0
        while i + 1 < input.count {
            for _ in 0..<Int(input[i]) { out.append(input[i + 1]) }
            i += 2
        }
    }
}

/// A codec that decodes wrongly: the harness must report it, loudly.
struct BrokenCodec: Codec {
    static let descriptor = CodecDescriptor(
        name: "broken", id: 252, summary: "test only", levels: [1], defaultLevel: 1,
        make: { _ in BrokenCodec() })
    func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) { out.append(contentsOf: input) }
    func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        out.append(contentsOf: input)
        if originalCount > 0 { out.truncate(to: out.count - 1); out.append(0xEE) }
    }
}

/// A tiny corpus with fixed contents: two corpora (the directory and a subdirectory).
func tinyCorpus() throws -> String {
    let dir = try SqueezeCommand.temporaryDirectory()
    try FileManager.default.createDirectory(atPath: dir + "/tiny/sub", withIntermediateDirectories: true)
    try Data([UInt8](repeating: 65, count: 3000) + Array("hello, world\n".utf8)).write(to: URL(fileURLWithPath: dir + "/tiny/runs.txt"))
    try Data(Generators.random(2500, seed: 7)).write(to: URL(fileURLWithPath: dir + "/tiny/noise.bin"))
    try Data().write(to: URL(fileURLWithPath: dir + "/tiny/empty"))
    // Corpus metadata as corpora/ carries it: skipped because the manifest has corpora/'s header.
    try Data("skipped".utf8).write(to: URL(fileURLWithPath: dir + "/tiny/README.md"))
    try Data("set\tfile\tbytes\tsha256\n".utf8).write(to: URL(fileURLWithPath: dir + "/tiny/MANIFEST.tsv"))
    try Data((0..<4000).map { UInt8($0 / 100 % 256) }).write(to: URL(fileURLWithPath: dir + "/tiny/sub/steps"))
    return dir + "/tiny"
}

let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path

/// Compares with the committed golden file; `SQUEEZE_UPDATE_GOLDEN=1` rewrites it.
func expectGolden(_ text: String, _ name: String) throws {
    let path = goldenDirectory + "/" + name
    if ProcessInfo.processInfo.environment["SQUEEZE_UPDATE_GOLDEN"] == "1" {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
    let golden = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text == golden, "\(name) differs from its golden file (SQUEEZE_UPDATE_GOLDEN=1 to accept)")
}

@Suite struct HarnessReports {
    func run(_ descriptors: [CodecDescriptor], externals: [ExternalCodec] = []) throws -> Comparison {
        let corpora = try CorpusWalker.walk([try tinyCorpus()])
        let candidates = descriptors.map { Candidate.codec($0, level: $0.defaultLevel) } + externals.map(Candidate.external)
        return ComparisonRunner(candidates: candidates).run(corpora)
    }

    @Test func walkIsSortedAndSkipsDocumentation() throws {
        let corpora = try CorpusWalker.walk([try tinyCorpus()])
        #expect(corpora.map(\.name) == ["tiny", "sub"])
        #expect(corpora[0].files.map(\.name) == ["empty", "noise.bin", "runs.txt"])
        #expect(corpora[1].files.map(\.name) == ["steps"])
    }

    @Test func goldenReports() throws {
        let c = try run([StoreCodec.descriptor, PairRunCodec.descriptor])
        #expect(c.failures.isEmpty)
        let w = ReportWriter(c, command: "squeeze compare tiny", maskTimings: true)
        try expectGolden(w.markdown(), "tiny.md")
        try expectGolden(w.csv(), "tiny.csv")
        try expectGolden(w.json(), "tiny.json")
        #expect(w.html().contains("<svg"))
    }

    @Test func bestAndTotals() throws {
        let c = try run([StoreCodec.descriptor, PairRunCodec.descriptor])
        #expect(c.best(corpus: "tiny", file: "runs.txt")?.codec == "pairs")
        #expect(c.best(corpus: "tiny", file: "noise.bin")?.codec == "store")
        let totals = c.totals(corpus: "tiny")
        let storeTotal = totals.first { $0.codec == "store" }?.compressedBytes
        #expect(storeTotal == Int64(5513))
        #expect(c.recommendation(corpus: "sub", file: "steps").hasPrefix("steps: pairs gives the smallest output"))
    }

    @Test func brokenRoundTripIsALoudFailure() throws {
        let c = try run([StoreCodec.descriptor, BrokenCodec.descriptor])
        let failed = c.failures
        #expect(failed.count == 3)  // every non-empty file
        #expect(failed.allSatisfy { $0.codec == "broken" && ($0.error ?? "").contains("ROUND TRIP FAILED") && $0.compressedBytes == nil })
        #expect(ReportWriter(c, command: "x", maskTimings: true).markdown().contains("Failures (3)"))
    }

    @Test func externalCodecsGoodAndBad() throws {
        let good = ExternalCodec(name: "gzip-cli", compress: "gzip -9 -c {in} > {out}", decompress: "gzip -dc {in} > {out}")
        let wrong = ExternalCodec(name: "wrong", compress: "cp {in} {out}", decompress: "head -c 10 {in} > {out}")
        let crash = ExternalCodec(name: "crash", compress: "kill -9 $$", decompress: "cp {in} {out}")
        let exits = ExternalCodec(name: "exits", compress: "cp {in} {out}; exit 3", decompress: "cp {in} {out}")
        let slow = ExternalCodec(name: "slow", compress: "sleep 5; cp {in} {out}", decompress: "cp {in} {out}", timeout: 0.5)
        let c = try run([], externals: [good, wrong, crash, exits, slow])
        let rows = c.results(corpus: "tiny").filter { $0.file == "runs.txt" }
        #expect(rows.first { $0.codec == "gzip-cli" }?.ok == true)
        #expect(rows.first { $0.codec == "wrong" }?.error?.contains("ROUND TRIP FAILED") == true)
        #expect(rows.first { $0.codec == "crash" }?.error?.contains("signal") == true)
        #expect(rows.first { $0.codec == "exits" }?.error?.contains("exit status 3") == true)
        #expect(rows.first { $0.codec == "slow" }?.error?.contains("timed out") == true)
        #expect(c.results.count == 4 * 5)
    }

    /// An external program's peak memory is its own (the shell and what it
    /// starts), not this process's: after this test has touched 256 MiB, `cp`
    /// must report far less, and a command that holds 96 MiB at least that.
    /// (wait4's ru_maxrss of a child spawned from here carries this process's peak.)
    @Test func externalPeakMemoryIsTheCommandsOwn() throws {
        // Touched through mmap, which no optimizer can drop: this process's peak is now past 256 MiB.
        let size = 256 << 20
        let big = try #require(mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        #expect(big != MAP_FAILED)
        memset(big, 1, size)
        munmap(big, size)
        let input = NSTemporaryDirectory() + "squeeze-peak-\(getpid())"
        try Data("peak".utf8).write(to: URL(fileURLWithPath: input))
        defer { try? FileManager.default.removeItem(atPath: input); try? FileManager.default.removeItem(atPath: input + ".out") }
        let small = try ExternalCodec(name: "cp", compress: "cp {in} {out}", decompress: "cp {in} {out}")
            .run("cp {in} {out}", input: input, output: input + ".out")
        let smallPeak = try #require(small.peakMemory)
        #expect(smallPeak < 64 << 20, "cp reported \(smallPeak >> 20) MiB")
        let holds = try ExternalCodec(name: "holds", compress: "", decompress: "")
            .run("python3 -c 'import time; b = b\"x\" * (96 << 20); time.sleep(0.2)' && cp {in} {out}", input: input, output: input + ".out")
        let heldPeak = try #require(holds.peakMemory)
        #expect(heldPeak >= 96 << 20, "python3 holding 96 MiB reported \(heldPeak >> 20) MiB")
    }

    @Test func externalSpecParsing() throws {
        let e = try ExternalCodec.parse("x=a {in} {out}::b {in} {out}")
        #expect(e.name == "x" && e.compress == "a {in} {out}" && e.decompress == "b {in} {out}")
        #expect(throws: CorpusError.self) { try ExternalCodec.parse("x=a {in}::b {in} {out}") }
        #expect(throws: CorpusError.self) { try ExternalCodec.parse("no-equals") }
    }

    @Test func unreadableOrEmptyInputsAreClearErrors() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        #expect(throws: CorpusError.self) { try CorpusWalker.walk([dir]) }
        #expect(throws: CorpusError.self) { try CorpusWalker.walk([dir + "/missing"]) }
    }

    @Test func parallelJobsGiveTheSameSizes() throws {
        let corpora = try CorpusWalker.walk([try tinyCorpus()])
        let cands = [Candidate.codec(PairRunCodec.descriptor, level: 1), .codec(StoreCodec.descriptor, level: 0)]
        let a = ComparisonRunner(candidates: cands, jobs: 1).run(corpora)
        let b = ComparisonRunner(candidates: cands, repeats: 2, jobs: 3).run(corpora)
        #expect(a.results.map(\.compressedBytes) == b.results.map(\.compressedBytes))
        #expect(a.results.map(\.file) == b.results.map(\.file))
    }
}
