#if canImport(Glibc)
import Glibc
#endif
import Codecs
import Foundation

/// Peak memory needs a process of its own: in a long run, memory freed by one
/// codec stays resident (the allocator keeps it) and pools such as zstd's
/// contexts stay warm, so a later codec can grow without touching a new page
/// and show a peak of 0. A fresh child process per (file, codec) measures only
/// that codec; `squeeze compare --isolate` runs each of our codecs that way.
public struct Isolation: Sendable {
    /// The program to start, normally `squeeze` itself.
    public var executable: String
    /// Arguments that make `executable` run `ComparisonRunner.childMeasurement`
    /// for (candidate spec, file path, repeats) and print its JSON on standard output.
    public var arguments: @Sendable (_ spec: String, _ path: String, _ repeats: Int) -> [String]

    public init(executable: String, arguments: @escaping @Sendable (String, String, Int) -> [String]) {
        self.executable = executable
        self.arguments = arguments
    }

    /// `squeeze compare --measure-child SPEC --repeat N PATH`, with this process's executable.
    public static func squeeze(executable: String) -> Isolation {
        Isolation(executable: executable) { spec, path, repeats in
            ["compare", "--measure-child", spec, "--repeat", String(repeats), "--", path]
        }
    }

    /// The running executable (/proc/self/exe), or nil.
    public static var currentExecutable: String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }

    /// Measures `candidate` on `file` in a child process; the row says "failed" with the
    /// child's own words when it could not be measured.
    func measure(_ candidate: Candidate, spec: String, corpus: String, file: CorpusFile, repeats: Int) -> RunResult {
        var failed = ComparisonRunner.failed(corpus, file, candidate, "")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments(spec, file.path, repeats)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch {
            failed.error = "cannot start the measuring process \(executable): \(error.localizedDescription)"
            return failed
        }
        // Read both pipes before waiting, so a chatty child cannot block on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let errReader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        errReader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while errReader.isExecuting || !errReader.isFinished { usleep(1000) }
        let stderrText = String(decoding: errData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard p.terminationReason == .exit, p.terminationStatus == 0 else {
            let how = p.terminationReason == .exit ? "exit status \(p.terminationStatus)" : "signal \(p.terminationStatus)"
            failed.error = "measuring process ended with \(how)" + (stderrText.isEmpty ? "" : ": \(stderrText)")
            return failed
        }
        guard var r = try? JSONDecoder().decode(RunResult.self, from: outData) else {
            failed.error = "measuring process printed no result" + (stderrText.isEmpty ? "" : ": \(stderrText)")
            return failed
        }
        // The child knows the file by its path only; the parent names the corpus and the row.
        r.corpus = corpus
        r.file = file.name
        r.codec = candidate.label
        return r
    }
}

extension Candidate {
    /// "lz77:6", "xz:9e": how `--algos`/`--baselines` and the child process name it; nil for external programs.
    public var spec: String? {
        switch self {
        case .codec(let d, let level): "\(d.name):\(d.label(forLevel: level))"
        case .external: nil
        }
    }
}

extension ComparisonRunner {
    /// The child side of `Isolation`: measures one codec (spec "name:level") on one file,
    /// peak memory included, and returns the row as JSON. Errors are rows too.
    public static func childMeasurement(spec: String, path: String, repeats: Int, registry: CodecRegistry) -> String {
        let file = CorpusFile(path: path, name: CorpusWalker.baseName(path), size: 0)
        let row: RunResult
        do {
            let candidates = try CandidateSelection.parse(spec, registry: registry, levels: "default")
            guard candidates.count == 1, let c = candidates.first else {
                throw CorpusError(description: "\(spec): names \(candidates.count) candidates, not one")
            }
            let data = try CorpusWalker.read(path)
            let runner = ComparisonRunner(candidates: [c], repeats: repeats)
            row = runner.measure(c, data: data, corpus: "", file: file, memory: true)
        } catch {
            row = RunResult(corpus: "", file: file.name, originalBytes: 0, codec: spec, codecName: spec, level: "",
                            origin: "", status: "failed", error: "\(error)")
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        guard let data = try? enc.encode(row) else { return "{}" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
