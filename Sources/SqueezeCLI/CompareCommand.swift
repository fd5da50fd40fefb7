import ArgumentParser
import Foundation
import SqueezeKit

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run every codec over a corpus, check every round trip, and report size, speed and memory.",
        discussion: """
        Directories are walked in sorted order; the files directly in a directory form one \
        corpus (totals are per corpus), and each subdirectory is a corpus of its own. Hidden \
        files, and README.md and MANIFEST.tsv beside a corpus manifest (as in corpora/), are \
        skipped and named on standard error; --include and --exclude choose files by shell \
        glob (matched against the file name, or against the path below the directory when the \
        pattern holds a "/"). Files named on the command line are always measured.

        Output: --format picks what goes to standard output (text, the default, markdown, \
        csv, json or html; --markdown, --csv, --json and --html are short for it, as in \
        `squeeze estimate`). -o DIR also writes all four reports, results.{md,csv,json,html}.

        Each file is coded in memory by each codec in the codec's default block size, decoded \
        and compared with the original: a failed round trip is an error row (and exit status \
        1), never a silent number. Speeds are medians of --repeat timed runs over data already \
        in memory; reading files and checking results are outside the timed regions.

        Fair timings: by default one file is coded at a time. With -j N, N files run at once \
        on N threads, which is faster overall but makes the codecs share cores and memory \
        bandwidth, so speeds are lower.

        Peak memory is measured only with --isolate, which codes each file with each of our \
        codecs in a fresh `squeeze` process (a few ms more per run): inside one long process, \
        memory the allocator kept from earlier codecs hides a codec's growth, so the figure \
        would depend on what ran before. Without --isolate it is reported as n/a. External \
        programs always run as processes; theirs is the whole process's peak.

        External programs join with --external NAME='COMPRESS {in} {out}'::'DECOMPRESS {in} {out}' \
        (run through /bin/sh; timed as whole processes, so start-up time counts), or with \
        --external-file FILE.json holding [{"name":…,"compress":…,"decompress":…}].

        Scale out: --shard I/N measures only slice I (counted from 0) of N of the files, taken \
        round-robin in walk order, so N machines (GNU parallel, a Slurm array, a Kubernetes \
        Indexed Job; see docs/GRADE.md) can share a corpus; `squeeze compare --from-json \
        s0.json s1.json …` merges their results.json files into the report one run would give.

        Examples:
          squeeze compare corpora/canterbury
          squeeze compare corpora/ --levels both -o reports/
          squeeze compare corpora/calgary --algos huffman,arith:3 --baselines xz:9e
          squeeze compare corpora/calgary --external ppmd='7zz a -m0=PPMd {out} {in}'::'7zz e -so {in} > {out}'
          squeeze compare --recommend corpora/large/bible.txt
        """)

    @Argument(help: ArgumentHelp("Corpus directories or files.", valueName: "path"))
    var paths: [String] = []

    @Option(help: ArgumentHelp("Our codecs: all, none, or a list like huffman,arith:3 (all,auto: every codec and auto mode).", valueName: "list"))
    var algos = "all"

    @Option(help: ArgumentHelp("System baselines: default (\(CandidateSelection.defaultBaselines)), none, or a list.", valueName: "list"))
    var baselines = "default"

    @Option(help: ArgumentHelp("Levels of our codecs named without one: default, strongest, both, all, or a list.", valueName: "levels"))
    var levels = "default"

    @Option(help: "Timed runs per figure (the median is reported).")
    var `repeat` = 1

    @Option(name: [.customShort("j"), .long], help: "Files run at once (see the note on fair timings).")
    var jobs = 1

    @Option(help: ArgumentHelp("What to print on standard output: text, markdown, csv, json or html.", valueName: "format"))
    var format: ReportFormat?

    @Flag(help: "Same as --format markdown.")
    var markdown = false

    @Flag(help: "Same as --format csv.")
    var csv = false

    @Flag(help: "Same as --format json.")
    var json = false

    @Flag(help: "Same as --format html.")
    var html = false

    @Option(help: ArgumentHelp("Measure only files matching this glob (repeatable).", valueName: "glob"))
    var include: [String] = []

    @Option(help: ArgumentHelp("Leave out files matching this glob (repeatable).", valueName: "glob"))
    var exclude: [String] = []

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Also write results.{md,csv,json,html} into this directory.", valueName: "dir"))
    var outputDirectory: String?

    @Option(help: ArgumentHelp("An external codec: NAME='CMD {in} {out}'::'CMD {in} {out}' (repeatable).", valueName: "spec"))
    var external: [String] = []

    @Option(help: ArgumentHelp("A JSON file listing external codecs.", valueName: "file"))
    var externalFile: String?

    @Option(help: "Seconds an external command may run before it counts as failed.")
    var timeout: Double = 300

    @Option(help: ArgumentHelp("Print a one-line recommendation for this file and stop.", valueName: "file"))
    var recommend: String?

    @Flag(help: "Leave out the H0 and best-bound columns (computed as `squeeze estimate` does, untimed).")
    var noEstimates = false

    @Flag(help: "Run each of our codecs on each file in a fresh process, so its peak memory can be measured.")
    var isolate = false

    @Option(parsing: .upToNextOption,
            help: ArgumentHelp("Measure nothing: render the reports again from results.json files written earlier; several are merged (the shards of one run).", valueName: "file"))
    var fromJson: [String] = []

    @Option(help: ArgumentHelp("Measure only slice I (counted from 0) of N of the corpus files; merge the slices' JSON with --from-json.", valueName: "I/N"))
    var shard: String?

    @Option(help: .hidden)
    var measureChild: String?

    @Flag(name: .shortAndLong, help: "No progress line and no list of skipped files.")
    var quiet = false

    /// The same names as `squeeze estimate --format`, plus html; "table" and "md"
    /// (this command's earlier names) still work.
    enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
        case text, markdown, csv, json, html

        init?(argument: String) {
            switch argument {
            case "table": self = .text
            case "md": self = .markdown
            default: self.init(rawValue: argument)
            }
        }

        static var allValueStrings: [String] { allCases.map(\.rawValue) }
    }

    /// The format chosen by --format or one of its short flags (one at most).
    var chosenFormat: ReportFormat {
        get throws {
            var chosen: [ReportFormat] = format.map { [$0] } ?? []
            for (on, f) in [(markdown, ReportFormat.markdown), (csv, .csv), (json, .json), (html, .html)] where on {
                if !chosen.contains(f) { chosen.append(f) }
            }
            guard chosen.count <= 1 else {
                throw ValidationError("choose one output format; got \(chosen.map(\.rawValue).joined(separator: " and "))")
            }
            return chosen.first ?? .text
        }
    }

    struct ExternalSpec: Codable {
        var name: String
        var compress: String
        var decompress: String
        var timeout: Double?
    }

    func validate() throws {
        if paths.isEmpty && recommend == nil && fromJson.isEmpty { throw ValidationError("give a corpus directory or files to compare (e.g. corpora/)") }
        if `repeat` < 1 { throw ValidationError("--repeat must be at least 1") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        _ = try chosenFormat
        if let shard {
            do { _ = try Shard.parse(shard) } catch { throw ValidationError(error.description) }
            if recommend != nil { throw ValidationError("--shard measures a slice of a corpus; --recommend measures one file") }
        }
    }

    /// The standard codecs and auto mode as a block codec (`AutoCodec`).
    static let registryWithAuto: CodecRegistry = {
        var r = CodecRegistry.standard
        r.register(AutoCodec.descriptor)
        return r
    }()

    func run() throws {
        if let measureChild {
            // The child side of --isolate: one codec, one file, a JSON row on stdout.
            guard paths.count == 1 else { throw ValidationError("--measure-child takes one file") }
            print(ComparisonRunner.childMeasurement(spec: measureChild, path: paths[0], repeats: `repeat`, registry: Self.registryWithAuto),
                  terminator: "")
            return
        }
        if !fromJson.isEmpty {
            var loaded: [ReportReader.Loaded] = []
            for file in fromJson {
                guard let data = FileManager.default.contents(atPath: file) else { throw FileError("\(file): cannot read") }
                do { loaded.append(try ReportReader.read(data, source: file)) } catch { throw FileError(error.description) }
            }
            if loaded.count == 1, let one = loaded.first {
                try emit(one.comparison, command: one.command, environment: one.environment)
                return
            }
            let merged: Comparison
            do { merged = try Comparison.merging(loaded.map(\.comparison), sources: fromJson) } catch { throw FileError(error.description) }
            let commands = loaded.map(\.command).filter { !$0.isEmpty }
            let command = (commands.first ?? "squeeze compare") + (commands.count > 1 ? " (and \(commands.count - 1) more shards)" : "")
            try emit(merged, command: command, environment: loaded.first?.environment ?? [])
            return
        }
        var candidates: [Candidate]
        do {
            // Auto mode is measured when named (`--algos auto:3,...` or `all,auto`), not as part of "all" alone.
            let registry = algos.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix(AutoSelector.name) }
                ? Self.registryWithAuto : .standard
            candidates = try CandidateSelection.select(algos: algos, baselines: baselines, levels: levels, registry: registry)
            for spec in external { candidates.append(.external(try ExternalCodec.parse(spec, timeout: timeout))) }
        } catch {
            throw ValidationError(error.description)
        }
        if let externalFile {
            guard let data = FileManager.default.contents(atPath: externalFile) else {
                throw FileError("\(externalFile): cannot read")
            }
            let specs: [ExternalSpec]
            do { specs = try JSONDecoder().decode([ExternalSpec].self, from: data) } catch {
                throw FileError("\(externalFile): not a JSON list of {name, compress, decompress}: \(error)")
            }
            candidates += specs.map { .external(ExternalCodec(name: $0.name, compress: $0.compress, decompress: $0.decompress, timeout: $0.timeout ?? timeout)) }
        }
        guard !candidates.isEmpty else { throw ValidationError("no codecs selected") }

        let corpora: [Corpus]
        do {
            let walked = try CorpusWalker.walk(recommend.map { [$0] } ?? paths, filter: CorpusFilter(include: include, exclude: exclude))
            if let shard {
                corpora = Comparison.shardFiles(walked.corpora, try Shard.parse(shard))
            } else {
                corpora = walked.corpora
            }
            if !quiet { for line in CorpusWalker.describe(walked.skipped) { Terminal.warn(line) } }
        } catch {
            throw FileError(error.description)
        }
        guard !corpora.isEmpty else { throw FileError("\(paths.joined(separator: " ")): no files to compare") }

        let showProgress = !quiet && Terminal.stderrIsTTY
        let started = Measurement.now()
        var runner = ComparisonRunner(candidates: candidates, repeats: `repeat`, jobs: jobs, estimates: !noEstimates && recommend == nil)
        if isolate {
            guard let exe = Isolation.currentExecutable else { throw FileError("--isolate: cannot find this program's path (/proc/self/exe)") }
            runner.isolation = .squeeze(executable: exe)
        }
        let report: @Sendable (ComparisonRunner.Progress) -> Void = { p in
            let elapsed = Measurement.now() - started
            let eta = p.bytesDone > 0 ? elapsed * Double(p.bytesTotal - p.bytesDone) / Double(p.bytesDone) : 0
            let left = p.bytesDone > 0 ? " · about \(Int(eta.rounded())) s left" : ""
            Terminal.errorText("\r\u{1B}[K[\(p.filesDone)/\(p.filesTotal)] \(p.file) · \(p.codec)" + left)
        }
        let comparison = runner.run(corpora, progress: showProgress ? report : nil)
        if showProgress { Terminal.errorText("\r\u{1B}[K") }

        if let recommend {
            let corpus = corpora[0]
            print(comparison.recommendation(corpus: corpus.name, file: corpus.files.first?.name ?? recommend))
            if !comparison.failures.isEmpty { throw ExitCode(1) }
            return
        }

        let command = "squeeze " + CommandLine.arguments.dropFirst().joined(separator: " ")
        try emit(comparison, command: command, environment: Self.environment())
        let overhead = 100 * comparison.harnessOverhead
        if !quiet {
            Terminal.errorLine("squeeze: \(English.count(comparison.results.count, "run")) in \(Format.fixed(comparison.wallSeconds, 1)) s; "
                + "codecs timed for \(Format.fixed(comparison.timedSeconds, 1)) s, estimates \(Format.fixed(comparison.estimateSeconds, 1)) s "
                + "(harness overhead \(Format.fixed(overhead, 1))%)")
        }
        if !comparison.failures.isEmpty {
            for f in comparison.failures { Terminal.warn("\(f.corpus)/\(f.file): \(f.codec): \(f.error ?? "failed")") }
            throw ExitCode(1)
        }
    }

    /// Prints the chosen format and writes all four reports under -o DIR.
    func emit(_ comparison: Comparison, command: String, environment: [(String, String)]) throws {
        let writer = ReportWriter(comparison, command: command, environment: environment)
        switch try chosenFormat {
        case .text: print(tableSummary(comparison))
        case .markdown: print(writer.markdown(), terminator: "")
        case .csv: print(writer.csv(), terminator: "")
        case .json: print(writer.json(), terminator: "")
        case .html: print(writer.html(), terminator: "")
        }
        if let dir = outputDirectory {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                let reports: [(String, String)] = [("results.md", writer.markdown()), ("results.csv", writer.csv()),
                                                   ("results.json", writer.json()), ("results.html", writer.html())]
                for (name, text) in reports {
                    try ReportFile.write(text, to: dir + "/" + name, overwrite: true)
                }
            } catch let error as FileError {
                throw error
            } catch {
                throw FileError("\(dir): cannot write reports: \(error.localizedDescription)")
            }
        }
    }

    static func environment() -> [(String, String)] {
        var env: [(String, String)] = []
        var u = utsname()
        uname(&u)
        let machine = withUnsafeBytes(of: u.machine) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        let release = withUnsafeBytes(of: u.release) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        env.append(("machine", "\(machine), \(ProcessInfo.processInfo.activeProcessorCount) cores, Linux \(release)"))
        for (name, version) in BaselineVersions.all { env.append((name, version)) }
        return env
    }

    func tableSummary(_ c: Comparison) -> String {
        var out: [String] = []
        for corpus in c.corpora {
            let bytes = corpus.files.reduce(Int64(0)) { $0 + $1.size }
            out.append("\(corpus.name): \(English.count(corpus.files.count, "file")), \(English.count(bytes, "byte"))")
            let rows = c.totals(corpus: corpus.name).map { t in
                [t.codec, String(t.compressedBytes), Format.fixed(t.bitsPerByte, 3), Format.fixed(t.ratio, 3),
                 Format.fixed(t.compressMBps, 1), Format.fixed(t.decompressMBps, 1), t.failed == 0 ? "ok" : "\(t.failed) FAILED"]
            }
            out.append(TextTable.render(header: ["codec", "compressed", "bits/byte", "ratio", "comp MB/s", "decomp MB/s", "round trip"], rows: rows))
            out.append("recommendation: " + c.recommendation(corpus: corpus.name))
            out.append("")
        }
        return out.joined(separator: "\n")
    }
}
