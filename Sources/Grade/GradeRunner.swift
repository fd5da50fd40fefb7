#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import Harness
import SqueezeKit

/// How one submission, or one of its files, came out. Every value but `ok` is a failure
/// with a reason a student can act on; none of them stops the run.
public enum GradeStatus: String, Sendable, Codable, CaseIterable {
    case ok
    case invalidSubmission = "invalid-submission"
    case buildFailed = "build-failed"
    case buildTimeout = "build-timeout"
    case crashed
    case timeout
    case cpuLimit = "cpu-limit"
    case memoryLimit = "memory-limit"
    case outputLimit = "output-limit"
    case processLimit = "process-limit"
    case sandboxViolation = "sandbox-violation"
    case noOutput = "no-output"
    case wrongOutput = "wrong-output"
    case notRun = "not-run"
}

/// One hidden-corpus file coded by one submission.
public struct FileOutcome: Sendable, Equatable {
    public var file: String
    public var originalBytes: Int64
    public var compressedBytes: Int64?
    public var compressSeconds: Double?
    public var decompressSeconds: Double?
    public var compressCPUSeconds: Double?
    public var decompressCPUSeconds: Double?
    public var peakMemoryBytes: Int64?
    public var status: GradeStatus
    public var reason: String?

    public init(file: String, originalBytes: Int64, compressedBytes: Int64? = nil, compressSeconds: Double? = nil,
                decompressSeconds: Double? = nil, compressCPUSeconds: Double? = nil, decompressCPUSeconds: Double? = nil,
                peakMemoryBytes: Int64? = nil, status: GradeStatus, reason: String? = nil) {
        self.file = file
        self.originalBytes = originalBytes
        self.compressedBytes = compressedBytes
        self.compressSeconds = compressSeconds
        self.decompressSeconds = decompressSeconds
        self.compressCPUSeconds = compressCPUSeconds
        self.decompressCPUSeconds = decompressCPUSeconds
        self.peakMemoryBytes = peakMemoryBytes
        self.status = status
        self.reason = reason
    }
}

/// One submission graded once.
public struct SubmissionOutcome: Sendable {
    public var submission: Submission
    public var hash: String
    public var status: GradeStatus
    public var reason: String?
    public var buildSeconds: Double?
    public var buildLog: String
    public var files: [FileOutcome]
    public var startedAt: Date
    public var finishedAt: Date
}

/// Grades submissions on a hidden corpus: copies each into a work directory of its own,
/// builds it, codes every file in the sandbox, checks every round trip byte for byte,
/// and measures the system baselines on the same files in the same run.
public struct GradeRunner: Sendable {
    public var limits: GradeLimits
    public var sandbox: Sandbox
    /// Where work directories go (one per submission, removed afterwards unless `keepWork`).
    public var workRoot: String
    public var keepWork = false
    /// Submissions graded at once.
    public var jobs = 1
    /// Baseline codecs, as `compare --baselines` takes them.
    public var baselines = CandidateSelection.defaultBaselines

    public init(limits: GradeLimits, sandbox: Sandbox, workRoot: String) {
        self.limits = limits
        self.sandbox = sandbox
        self.workRoot = workRoot
    }

    /// The hidden corpus: every regular file under `path` (hidden files aside), sorted.
    public static func loadCorpus(_ path: String) throws(GradeError) -> (corpus: Corpus, hash: String) {
        let walked: (corpora: [Corpus], skipped: [SkippedFile])
        do { walked = try CorpusWalker.walk([path], filter: CorpusFilter()) } catch { throw GradeError(error.description) }
        // Subdirectories join the one corpus under their relative names: grading totals one corpus.
        var files: [CorpusFile] = []
        let root = path.hasSuffix("/") ? path : path + "/"
        for c in walked.corpora {
            for f in c.files {
                let rel = f.path.hasPrefix(root) ? String(f.path.dropFirst(root.count)) : f.name
                files.append(CorpusFile(path: f.path, name: rel, size: f.size))
            }
        }
        files.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        guard !files.isEmpty else { throw GradeError("\(path): the hidden corpus has no files") }
        var h = SHA256()
        for f in files {
            h.update(f.name)
            h.update([0])
            do { h.update(try CorpusWalker.read(f.path)) } catch { throw GradeError(error.description) }
            h.update([0])
        }
        return (Corpus(name: CorpusPaths.baseName(path), path: path, files: files), h.finish())
    }

    /// Measures the baselines in this process (their sizes are what scores are anchored to).
    public func measureBaselines(_ corpus: Corpus) throws(GradeError) -> [RunResult] {
        let candidates: [Candidate]
        do {
            candidates = try CandidateSelection.select(algos: "none", baselines: baselines, levels: "default", registry: .standard)
        } catch { throw GradeError(error.description) }
        let comparison = ComparisonRunner(candidates: candidates).run([corpus])
        // Keep the spec ("xz:9e") as the level field's partner: scoring anchors name baselines by spec.
        return comparison.results.map { r in
            var r = r
            r.codecName = candidates.first { $0.label == r.codec }?.spec ?? r.codecName
            return r
        }
    }

    /// Grades every submission (`jobs` at a time); `done` is called as each finishes, in any order.
    public func grade(_ submissions: [Submission], corpus: Corpus,
                      done: @escaping @Sendable (SubmissionOutcome) -> Void) {
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, submissions.count))) { _ in
            while let i = next.take(limit: submissions.count) {
                done(grade(submissions[i], corpus: corpus))
            }
        }
    }

    /// Grades one submission as a uid of its own.
    public func grade(_ s: Submission, corpus: Corpus) -> SubmissionOutcome {
        var runner = self
        runner.sandbox.unprivilegedID = Sandbox.freshUnprivilegedID()
        return runner.gradeOne(s, corpus: corpus)
    }

    func gradeOne(_ s: Submission, corpus: Corpus) -> SubmissionOutcome {
        let started = Date()
        var out = SubmissionOutcome(submission: s, hash: s.contentHash(), status: .ok, reason: nil, buildSeconds: nil,
                                    buildLog: "", files: [], startedAt: started, finishedAt: started)
        func failAll(_ status: GradeStatus, _ reason: String) {
            out.status = status
            out.reason = reason
            out.files = corpus.files.map {
                FileOutcome(file: $0.name, originalBytes: $0.size, status: .notRun, reason: "not run: \(status.rawValue)")
            }
            out.finishedAt = Date()
        }
        if let problem = s.problem {
            failAll(.invalidSubmission, problem)
            return out
        }
        let work = workRoot + "/" + s.id + "-" + UUID().uuidString.prefix(8)
        defer { if !keepWork { try? FileManager.default.removeItem(atPath: work) } }
        do {
            try prepareWork(s, work)
        } catch {
            failAll(.invalidSubmission, "cannot prepare the work directory: \(error)")
            return out
        }
        let src = work + "/src"
        if let build = s.build {
            let log = work + "/build.log"
            // Build output goes to one log (stdout and stderr together), shown when the build fails.
            let o: Sandbox.Outcome
            do {
                o = try sandbox.run(build + " 2>&1", work: work, directory: src, limits: buildLimits,
                                    stdout: log, stderrPath: log + ".err")
            } catch {
                failAll(.invalidSubmission, error.description)
                return out
            }
            out.buildSeconds = o.wallSeconds
            out.buildLog = Sandbox.tail(log, bytes: 4000)
            if !o.succeeded {
                let why = o.timedOut ? "the build ran past \(Self.seconds(limits.buildWallSeconds))"
                    : describeFailure(o) + Self.firstError(out.buildLog)
                failAll(o.timedOut ? .buildTimeout : .buildFailed, "build failed: " + why)
                return out
            }
        }
        var stopAfter: String?
        for file in corpus.files {
            if let stopAfter {
                out.files.append(FileOutcome(file: file.name, originalBytes: file.size, status: .notRun, reason: stopAfter))
                continue
            }
            let r = codeFile(s, file: file, work: work)
            if r.status == .timeout { stopAfter = "not run: \(file.name) timed out" }
            out.files.append(r)
        }
        if let first = out.files.first(where: { $0.status != .ok }) {
            out.status = first.status
            let failed = out.files.filter { $0.status != .ok }.count
            out.reason = "\(first.file): \(first.reason ?? first.status.rawValue)"
                + (failed > 1 ? " (\(failed) of \(out.files.count) files failed)" : "")
        }
        out.finishedAt = Date()
        return out
    }

    var buildLimits: Sandbox.Limits {
        Sandbox.Limits(cpuSeconds: limits.buildCPUSeconds, memoryBytes: limits.buildMemoryBytes, fileBytes: limits.buildOutputBytes,
                       processes: limits.buildProcesses, wallSeconds: limits.buildWallSeconds)
    }

    func runLimits(_ originalBytes: Int64) -> Sandbox.Limits {
        Sandbox.Limits(cpuSeconds: limits.runCPUSeconds, memoryBytes: limits.runMemoryBytes,
                       fileBytes: limits.outputLimit(originalBytes: originalBytes), processes: limits.runProcesses,
                       wallSeconds: limits.runWallSeconds)
    }

    func prepareWork(_ s: Submission, _ work: String) throws {
        let fm = FileManager.default
        for sub in ["src", "io", "home", "tmp"] { try fm.createDirectory(atPath: work + "/" + sub, withIntermediateDirectories: true) }
        for (rel, entry) in Submission.entries(under: s.directory) {
            let dest = work + "/src/" + rel
            try fm.createDirectory(atPath: (dest as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            switch entry {
            case .file: try fm.copyItem(atPath: s.directory + "/" + rel, toPath: dest)
            case .link(let target): try fm.createSymbolicLink(atPath: dest, withDestinationPath: target)
            }
        }
        try sandbox.prepare(work)
    }

    /// Compress, decompress, compare: one file through one submission.
    func codeFile(_ s: Submission, file: CorpusFile, work: String) -> FileOutcome {
        var r = FileOutcome(file: file.name, originalBytes: file.size, status: .ok)
        let io = work + "/io"
        let input = io + "/input", packed = io + "/packed", unpacked = io + "/unpacked"
        for p in [input, packed, unpacked] { unlink(p) }
        let original: [UInt8]
        do {
            original = try CorpusWalker.read(file.path)
            try Data(original).write(to: URL(fileURLWithPath: input))
            try sandbox.prepare(io)
        } catch {
            r.status = .notRun
            r.reason = "the grader could not stage the file: \(error)"
            return r
        }
        let limits = runLimits(file.size)
        func step(_ which: String, _ template: String, from: String, to: String) -> Sandbox.Outcome? {
            let files = template.contains("{in}")
            let command = files
                ? template.replacingOccurrences(of: "{in}", with: Submission.quote(from)).replacingOccurrences(of: "{out}", with: Submission.quote(to))
                : template
            do {
                let o = try sandbox.run(command, work: work, directory: work + "/src", limits: limits,
                                        stdin: files ? nil : from, stdout: files ? nil : to, stderrPath: work + "/\(which).err")
                if !o.succeeded {
                    (r.status, r.reason) = classify(o, limits: limits)
                    r.reason = "\(which): " + (r.reason ?? "")
                    return nil
                }
                return o
            } catch {
                r.status = .notRun
                r.reason = "\(which): \(error)"
                return nil
            }
        }
        guard let c = step("compress", s.compress, from: input, to: packed) else { return r }
        r.compressSeconds = c.wallSeconds
        r.compressCPUSeconds = c.cpuSeconds
        var st = stat()
        guard stat(packed, &st) == 0 else {
            r.status = .noOutput
            r.reason = "compress: wrote no output file"
            return r
        }
        r.compressedBytes = Int64(st.st_size)
        guard let d = step("decompress", s.decompress, from: packed, to: unpacked) else { return r }
        r.decompressSeconds = d.wallSeconds
        r.decompressCPUSeconds = d.cpuSeconds
        // The round trip, byte for byte.
        let back = FileManager.default.contents(atPath: unpacked).map { [UInt8]($0) }
        guard let back else {
            r.status = .noOutput
            r.reason = "decompress: wrote no output file"
            return r
        }
        if back != original {
            let firstDiff = zip(back, original).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(back.count, original.count)
            r.status = .wrongOutput
            r.reason = "round trip failed: decompressed \(English.count(back.count, "byte")), original \(English.count(original.count, "byte")), first difference at byte \(firstDiff)"
        }
        return r
    }

    /// Turns how a command ended into a status and a reason.
    func classify(_ o: Sandbox.Outcome, limits: Sandbox.Limits) -> (GradeStatus, String) {
        let err = o.stderrTail
        let said = err.isEmpty ? "" : ": " + Self.oneLine(err)
        if o.timedOut { return (.timeout, "still running after \(Self.seconds(limits.wallSeconds)) (wall clock); killed") }
        if o.signal == SIGXCPU || (o.signal == SIGKILL && o.cpuSeconds >= Double(limits.cpuSeconds) - 0.05) {
            return (.cpuLimit, "used its \(limits.cpuSeconds) s of CPU time")
        }
        if o.signal == SIGXFSZ {
            return (.outputLimit, "wrote more than the \(English.count(limits.fileBytes, "byte")) allowed for this file")
        }
        let lower = err.lowercased()
        if ["out of memory", "cannot allocate memory", "bad_alloc", "memoryerror", "memory exhausted", "failed to allocate",
            "allocation failed", "could not allocate"].contains(where: lower.contains) {
            return (.memoryLimit, "ran out of memory (limit \(limits.memoryBytes >> 20) MiB of address space)\(said)")
        }
        if lower.contains("cannot fork") || lower.contains("resource temporarily unavailable") {
            return (.processLimit, "could not start more processes (limit \(limits.processes) for its user)\(said)")
        }
        if lower.contains("read-only file system") || lower.contains("permission denied") {
            return (.sandboxViolation, "tried to write outside its work directory\(said)")
        }
        return (.crashed, describeFailure(o) + said)
    }

    func describeFailure(_ o: Sandbox.Outcome) -> String {
        if let s = o.signal { return "killed by \(Sandbox.signalName(s))" }
        return "exit status \(o.exitStatus ?? -1)"
    }

    static func oneLine(_ s: String) -> String {
        let lines = s.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let text = lines.suffix(3).joined(separator: " ⏎ ")
        return text.count > 300 ? "…" + text.suffix(300) : text
    }

    /// ": " and the compiler's first line that says "error", else the log's last lines.
    static func firstError(_ log: String) -> String {
        if let line = log.split(separator: "\n").first(where: { $0.lowercased().contains("error") }) {
            let t = line.trimmingCharacters(in: .whitespaces)
            return ": " + (t.count > 300 ? String(t.prefix(300)) + "…" : t)
        }
        return log.isEmpty ? "" : ": " + oneLine(log)
    }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : String(format: "%.1f s", s)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    func take(limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < limit else { return nil }
        next += 1
        return next - 1
    }
}
