import ArgumentParser
import Foundation
import Grade
import SqueezeKit

/// `squeeze grade`: the autograder. docs/GRADE.md is the instructor's guide.
struct GradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grade",
        abstract: "Grade compression assignments: build and run each submission in a sandbox on a hidden corpus, rank them.",
        discussion: """
        `squeeze grade SUBMISSIONS --corpus HIDDEN --db grades.sqlite` grades every directory in \
        SUBMISSIONS: a Swift package whose product `codec` runs as `codec compress` and \
        `codec decompress` (standard input to standard output), or any program described by a \
        submission.json or submission.toml manifest (name, author, build, compress, decompress). \
        Each is built and run inside bubblewrap with CPU, memory, output-size and wall-clock \
        limits, no network and no writes outside its work directory; every round trip is \
        checked byte for byte. Every run is kept in the SQLite database; \
        `squeeze grade leaderboard --db FILE` ranks the latest run of each submission.

        Large classes: `--shard I/N` grades slice I (from 0) of N, each into its own database, \
        and `squeeze grade merge OUT.db IN.db…` combines them (docs/GRADE.md shows GNU \
        parallel, Slurm and Kubernetes).
        """,
        subcommands: [GradeRun.self, GradeLeaderboard.self, GradeMerge.self],
        defaultSubcommand: GradeRun.self
    )
}

struct GradeRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Grade every submission in a directory (the default subcommand).",
        discussion: """
        Limits: build and coding have their own. Memory is address space (RLIMIT_AS), CPU is \
        per process (RLIMIT_CPU), --timeout is wall-clock time per command, after which the \
        whole sandbox is killed and the remaining files of that submission are not run. A \
        submission that fails (does not build, crashes, hangs, runs out of memory, writes too \
        much, gives back other bytes, or tries to write outside its work directory) gets a row \
        saying so, and the run goes on.

        Examples:
          squeeze grade submissions/ --corpus hidden/ --db grades.sqlite
          squeeze grade submissions/ --corpus hidden/ --db grades.sqlite --only bob
          squeeze grade submissions/ --corpus hidden/ --db shard-3.sqlite --shard 3/8 --run-id "$SLURM_ARRAY_JOB_ID"
        """)

    @Argument(help: ArgumentHelp("The directory holding one subdirectory per submission.", valueName: "submissions"))
    var submissions: String

    @Option(help: ArgumentHelp("The hidden corpus: a directory of files the students have not seen.", valueName: "dir"))
    var corpus: String

    @Option(help: ArgumentHelp("The SQLite database of results (created on first use).", valueName: "file"))
    var db: String

    @Option(help: "Wall-clock seconds each compress or decompress command may run.")
    var timeout: Double = 60

    @Option(help: "CPU seconds each process of a command may use.")
    var cpu: Int = 30

    @Option(help: ArgumentHelp("Address space of each process of a command, e.g. 512M or 2G.", valueName: "size"))
    var memory = "1G"

    @Option(help: "A command may write at most this many times the original file's size, plus 1 MiB.")
    var outputFactor: Double = 4

    @Option(help: "Processes the submissions' user may have (applies when squeeze runs as root).")
    var processes: Int = 64

    @Option(help: "Wall-clock seconds the build may run.")
    var buildTimeout: Double = 600

    @Option(help: "CPU seconds each build process may use.")
    var buildCpu: Int = 1200

    @Option(help: ArgumentHelp("Address space of each build process.", valueName: "size"))
    var buildMemory = "8G"

    @Option(help: ArgumentHelp("Grade only slice I (counted from 0) of N of the sorted submissions.", valueName: "I/N"))
    var shard: String?

    @Option(help: ArgumentHelp("The run's id (shards of one run should share it); a new UUID by default.", valueName: "id"))
    var runId: String?

    @Option(help: ArgumentHelp("Grade only this submission (a directory name; repeatable), e.g. a resubmission.", valueName: "name"))
    var only: [String] = []

    @Option(name: [.customShort("j"), .long], help: "Submissions graded at once.")
    var jobs = 1

    @Option(help: ArgumentHelp("Baselines measured on the hidden corpus, as in compare.", valueName: "list"))
    var baselines = CandidateSelection.defaultBaselines

    @Option(help: ArgumentHelp("Where work directories go (default: a fresh temporary directory).", valueName: "dir"))
    var work: String?

    @Flag(help: "Keep each submission's work directory (its copy, build and outputs) for inspection.")
    var keepWork = false

    @Flag(help: "Run submissions WITHOUT isolation (limits only). Said loudly in every report. Only for trusted code.")
    var noSandbox = false

    @Flag(name: .shortAndLong, help: "Print only the summary table.")
    var quiet = false

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if timeout <= 0 || buildTimeout <= 0 { throw ValidationError("--timeout and --build-timeout must be above 0") }
        if cpu < 1 || buildCpu < 1 { throw ValidationError("--cpu and --build-cpu must be at least 1 second") }
        if outputFactor <= 0 { throw ValidationError("--output-factor must be above 0") }
    }

    func run() throws {
        var job = GradeJob(submissionsRoot: submissions, corpusPath: corpus, databasePath: db)
        var limits = GradeLimits()
        limits.runWallSeconds = timeout
        limits.runCPUSeconds = cpu
        limits.runMemoryBytes = try Self.size(memory, "--memory", within: (16 << 20)...(1 << 40))
        limits.outputFactor = outputFactor
        limits.runProcesses = processes
        limits.buildWallSeconds = buildTimeout
        limits.buildCPUSeconds = buildCpu
        limits.buildMemoryBytes = try Self.size(buildMemory, "--build-memory", within: (64 << 20)...(1 << 40))
        job.limits = limits
        job.sandboxed = !noSandbox
        if let shard {
            do { job.shard = try Shard.parse(shard) } catch { throw ValidationError(error.description) }
        }
        job.runID = runId
        job.only = only
        job.jobs = jobs
        job.baselines = baselines
        job.workRoot = work
        job.keepWork = keepWork
        job.command = "squeeze grade " + CommandLine.arguments.dropFirst().joined(separator: " ")
        if noSandbox {
            Terminal.warn("--no-sandbox: submissions run WITHOUT isolation, with your rights (network, every file you can write)")
        }
        let quiet = self.quiet
        let summary: GradeJob.Summary
        do {
            summary = try job.run { o in
                if !quiet { Terminal.errorLine("graded \(o.submission.id): \(o.status.rawValue)" + (o.reason.map { " — \($0)" } ?? "")) }
            }
        } catch {
            throw FileError(error.description)
        }
        let rows = summary.outcomes.map { o -> [String] in
            let ok = o.files.filter { $0.status == .ok }
            let original = ok.reduce(Int64(0)) { $0 + $1.originalBytes }
            let packed = ok.reduce(Int64(0)) { $0 + ($1.compressedBytes ?? 0) }
            let bpb = original > 0 ? Format.fixed(8 * Double(packed) / Double(original), 3) : "-"
            return [o.submission.id, o.status.rawValue, "\(ok.count)/\(o.files.count)", bpb, String(o.hash.prefix(10))]
        }
        print(TextTable.render(header: ["submission", "status", "files passed", "bits/byte (passed)", "hash"], rows: rows))
        var tail = "run \(summary.runID): \(English.count(summary.outcomes.count, "submission")) graded into \(db)"
        if summary.skippedByShard > 0 { tail += " (\(summary.skippedByShard) left to the other shards)" }
        print(tail + "; sandbox: \(summary.sandbox)")
        print("ranking: squeeze grade leaderboard --db \(db)")
    }
}

extension GradeRun {
    /// A size such as 512M or 2G, with the flag's own name in the message.
    static func size(_ text: String, _ flag: String, within range: ClosedRange<Int>) throws -> Int64 {
        guard let n = Format.parseSize(text) else { throw ValidationError("\(flag) '\(text)' is not a size such as 512M or 2G") }
        guard range.contains(n) else { throw ValidationError("\(flag) \(text) is outside \(Format.rangeText(range)), the range it accepts") }
        return Int64(n)
    }
}

struct GradeLeaderboard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leaderboard",
        abstract: "Rank the latest run of each submission; write Markdown and a self-contained HTML page.",
        discussion: """
        Scores are computed now, from the raw figures in the database, so changing the formula \
        (--weights or --config, keys: \(ScoreFormula.keys.joined(separator: ", "))) ranks the same \
        runs again without running anything. docs/GRADE.md explains the formula.

        Examples:
          squeeze grade leaderboard --db grades.sqlite -o site/
          squeeze grade leaderboard --db grades.sqlite --weights size=1,speed=0,failure=25
        """)

    @Option(help: ArgumentHelp("The grade database.", valueName: "file"))
    var db: String

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write leaderboard.md and leaderboard.html into this directory.", valueName: "dir"))
    var outputDirectory: String?

    @Option(help: ArgumentHelp("Write the Markdown leaderboard to this file.", valueName: "file"))
    var markdown: String?

    @Option(help: ArgumentHelp("Write the HTML leaderboard to this file.", valueName: "file"))
    var html: String?

    @Option(help: ArgumentHelp("Formula settings, e.g. size=0.7,speed=0.3,failure=20,low=zlib:9,high=xz:9e.", valueName: "k=v,…"))
    var weights: String?

    @Option(help: ArgumentHelp("A file of formula settings, one key = value a line (read before --weights).", valueName: "file"))
    var config: String?

    func run() throws {
        guard FileManager.default.fileExists(atPath: db) else { throw FileError("\(db): no such grade database") }
        var formula = ScoreFormula()
        do {
            if let config {
                guard let data = FileManager.default.contents(atPath: config) else { throw GradeError("\(config): cannot read") }
                try formula.apply(String(decoding: data, as: UTF8.self), source: config)
            }
            if let weights { try formula.apply(weights, source: "--weights") }
        } catch let e as GradeError {
            throw ValidationError(e.description)
        }
        let board: Leaderboard
        do { board = try Leaderboard.build(try GradeDatabase(path: db).contents(), formula: formula) } catch {
            throw FileError("\(db): \(error.description)")
        }
        var outputs: [(String, String)] = []
        if let dir = outputDirectory {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw FileError("\(dir): cannot create: \(error.localizedDescription)")
            }
            outputs += [(dir + "/leaderboard.md", board.markdown()), (dir + "/leaderboard.html", board.html())]
        }
        if let markdown { outputs.append((markdown, board.markdown())) }
        if let html { outputs.append((html, board.html())) }
        if outputs.isEmpty { print(board.markdown(), terminator: "") }
        for (path, text) in outputs {
            try ReportFile.write(text, to: path, overwrite: true)
        }
    }
}

struct GradeMerge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine grade databases (the shards of a run, or runs made elsewhere) into one.",
        discussion: """
        Every row of each input is copied into OUT (created when missing); rows already in OUT \
        stay as they are, so merging the same shard twice changes nothing. Shards that share a \
        --run-id become one run listing all its shards.
        """)

    @Argument(help: ArgumentHelp("The database to merge into.", valueName: "out.db"))
    var output: String

    @Argument(help: ArgumentHelp("Databases to merge from.", valueName: "in.db"))
    var inputs: [String]

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("name at least one database to merge from") }
    }

    func run() throws {
        do {
            let out = try GradeDatabase(path: output)
            for input in inputs {
                guard FileManager.default.fileExists(atPath: input) else { throw GradeError("\(input): no such grade database") }
                try out.merge(from: try GradeDatabase(path: input, readOnly: true))
            }
            let c = try out.contents()
            print("\(output): \(English.count(c.runs.count, "grade run")), \(English.count(c.submissions.count, "submission run"))")
        } catch let e as GradeError {
            throw FileError(e.description)
        }
    }
}
