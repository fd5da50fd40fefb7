#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Harness

/// One `squeeze grade` invocation: finds the submissions (this shard's slice of them),
/// measures the baselines, grades each submission in the sandbox and records it all
/// in the database as it goes, so a run cut short keeps what it finished.
public struct GradeJob: Sendable {
    public var submissionsRoot: String
    public var corpusPath: String
    public var databasePath: String
    public var limits = GradeLimits()
    public var sandboxed = true
    public var shard = Shard.whole
    /// Shards of one run share an id (e.g. Slurm's array job id) so the merged database shows one run.
    public var runID: String?
    /// Grade only these submissions (directory names), e.g. one resubmission; all when empty.
    public var only: [String] = []
    public var jobs = 1
    public var baselines = CandidateSelection.defaultBaselines
    /// Where work directories are made; a fresh temporary directory when nil.
    public var workRoot: String?
    public var keepWork = false
    public var command = "squeeze grade"

    public init(submissionsRoot: String, corpusPath: String, databasePath: String) {
        self.submissionsRoot = submissionsRoot
        self.corpusPath = corpusPath
        self.databasePath = databasePath
    }

    public struct Summary: Sendable {
        public var runID: String
        public var outcomes: [SubmissionOutcome]
        public var skippedByShard: Int
        public var sandbox: String
    }

    public func run(progress: (@Sendable (SubmissionOutcome) -> Void)? = nil) throws(GradeError) -> Summary {
        let mode: Sandbox.Mode = sandboxed ? .bubblewrap(path: try Sandbox.locateBubblewrap()) : .none
        for tool in ["prlimit"] + (sandboxed && getuid() == 0 ? ["setpriv"] : []) where !Self.onPath(tool) {
            throw GradeError("\(tool) (util-linux) is not on PATH; the grader sets limits with it")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: corpusPath, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw GradeError("\(corpusPath): the hidden corpus must be a directory (the sandbox hides it from submissions)")
        }
        var all = try Submission.discover(submissionsRoot)
        if !only.isEmpty {
            if let unknown = only.first(where: { name in !all.contains { $0.id == name } }) {
                throw GradeError("\(submissionsRoot): no submission named '\(unknown)'")
            }
            all = all.filter { only.contains($0.id) }
        }
        let mine = shard.select(all)
        let (corpus, corpusHash) = try GradeRunner.loadCorpus(corpusPath)
        let fm = FileManager.default
        let root: String
        if let workRoot {
            do { try fm.createDirectory(atPath: workRoot, withIntermediateDirectories: true) } catch {
                throw GradeError("\(workRoot): cannot create the work directory: \(error.localizedDescription)")
            }
            root = Self.absolute(workRoot)
        } else {
            root = fm.temporaryDirectory.appendingPathComponent("squeeze-grade-\(UUID().uuidString.prefix(8))").path
            do { try fm.createDirectory(atPath: root, withIntermediateDirectories: true) } catch {
                throw GradeError("\(root): cannot create the work directory: \(error.localizedDescription)")
            }
        }
        defer { if workRoot == nil && !keepWork { try? fm.removeItem(atPath: root) } }
        // The work root must be reachable by the unprivileged user that runs submissions.
        chmod(root, 0o755)
        let hidden = [Self.absolute(corpusPath), Self.absolute(submissionsRoot), root]
        let sandbox = Sandbox(mode: mode, hidden: hidden)
        try Self.preflight(sandbox, root: root)
        var runner = GradeRunner(limits: limits, sandbox: sandbox, workRoot: root)
        runner.jobs = jobs
        runner.keepWork = keepWork
        runner.baselines = baselines
        let db = try GradeDatabase(path: databasePath)
        let id = runID ?? UUID().uuidString
        let started = Date()
        let baselineRows = try runner.measureBaselines(corpus)
        let limitsJSON = (try? JSONEncoder().encode(limits)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let sandboxText = sandbox.description
        try db.begin(GradeDatabase.Run(id: id, startedAt: started, finishedAt: started, command: command,
                                       shards: shard.count == 1 ? "" : shard.description, corpusName: corpus.name,
                                       corpusHash: corpusHash, corpusFiles: corpus.files.count,
                                       corpusBytes: corpus.files.reduce(0) { $0 + $1.size }, limits: limitsJSON,
                                       sandbox: sandboxText, host: ProcessInfo.processInfo.hostName),
                     baselines: baselineRows)
        let collected = Collected()
        runner.grade(mine, corpus: corpus) { outcome in
            do { try db.record(outcome, runId: id) } catch { collected.fail(GradeError("\(error)")) }
            collected.add(outcome)
            progress?(outcome)
        }
        if let e = collected.error { throw e }
        try db.finish(runId: id, at: Date())
        let byName = Dictionary(collected.outcomes.map { ($0.submission.id, $0) }, uniquingKeysWith: { a, _ in a })
        return Summary(runID: id, outcomes: mine.compactMap { byName[$0.id] }, skippedByShard: all.count - mine.count, sandbox: sandboxText)
    }

    /// Starts the sandbox once with `true`, so a machine where bubblewrap cannot make its
    /// namespaces fails here with bubblewrap's own words, not as every submission "crashing".
    static func preflight(_ sandbox: Sandbox, root: String) throws(GradeError) {
        if sandbox.dropsPrivileges {
            // The submissions' user must be able to reach its work directory.
            var dir = URL(fileURLWithPath: root).deletingLastPathComponent().path
            while dir != "/" && !dir.isEmpty {
                var st = stat()
                if stat(dir, &st) == 0, st.st_mode & S_IXOTH == 0 {
                    throw GradeError("\(root): the submissions' unprivileged user cannot reach it, because \(dir) is not "
                        + "searchable by others (chmod o+x \(dir), or give --work a directory elsewhere)")
                }
                dir = URL(fileURLWithPath: dir).deletingLastPathComponent().path
            }
        }
        let work = root + "/preflight"
        do { try FileManager.default.createDirectory(atPath: work + "/src", withIntermediateDirectories: true) } catch {
            throw GradeError("\(work): cannot create: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(atPath: work) }
        try sandbox.prepare(work)
        let limits = Sandbox.Limits(cpuSeconds: 5, memoryBytes: 256 << 20, fileBytes: 1 << 20, processes: 16, wallSeconds: 30)
        let o = try sandbox.run("true", work: work, directory: work + "/src", limits: limits, stderrPath: root + "/preflight.err")
        defer { unlink(root + "/preflight.err") }
        guard o.succeeded else {
            throw GradeError("the sandbox does not start on this machine (\(sandbox.description)): "
                + (o.stderrTail.isEmpty ? "exit status \(o.exitStatus ?? -1)" : o.stderrTail)
                + "; bubblewrap needs root or unprivileged user namespaces (docs/GRADE.md)")
        }
    }

    static func absolute(_ path: String) -> String {
        let p = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: p).standardizedFileURL.path
    }

    static func onPath(_ tool: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").contains {
            access("\($0)/\(tool)", X_OK) == 0
        }
    }
}

final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var outcomes: [SubmissionOutcome] = []
    private(set) var error: GradeError?
    func add(_ o: SubmissionOutcome) { lock.lock(); outcomes.append(o); lock.unlock() }
    func fail(_ e: GradeError) { lock.lock(); if error == nil { error = e }; lock.unlock() }
}
