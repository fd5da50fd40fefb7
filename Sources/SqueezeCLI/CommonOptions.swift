import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import SqueezeKit

/// Options shared by compress and decompress, named as gzip, xz and zstd name them.
struct OutputOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Overwrite existing output files; write compressed data to a terminal.")
    var force = false

    @Flag(name: [.customShort("k"), .long], help: "Keep input files (the default, as with zstd; accepted for gzip habits).")
    var keep = false

    @Flag(name: .customLong("rm"), help: "Remove each input file once its output is complete and verified.")
    var remove = false

    @Flag(name: [.customShort("c"), .customLong("stdout")], help: "Write to standard output; keep input files.")
    var toStdout = false

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write to this file (one input only).", valueName: "file"))
    var output: String?

    @Flag(name: .shortAndLong, help: "Report each file's sizes and ratio on standard error.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print no warnings and no progress.")
    var quiet = false

    func validate(files: [String]) throws {
        if output != nil && files.count > 1 { throw ValidationError("-o takes one input file; got \(files.count)") }
        if output != nil && toStdout { throw ValidationError("-o and -c cannot be used together") }
        if remove && keep { throw ValidationError("--rm and -k contradict each other") }
        if verbose && quiet { throw ValidationError("-v and -q contradict each other") }
    }
}

enum Terminal {
    static var stderrIsTTY: Bool { isatty(2) == 1 }
    static var stdoutIsTTY: Bool { isatty(1) == 1 }

    static func warn(_ message: String) {
        errorText("squeeze: \(message)\n")
    }

    static func errorLine(_ message: String) {
        errorText(message + "\n")
    }

    /// Writes to standard error as is (unbuffered, no newline added).
    static func errorText(_ text: String) {
        var m = text
        m.withUTF8 { p in _ = write(2, p.baseAddress, p.count) }
    }
}

/// Progress on standard error for long work, only on a terminal.
struct ProgressLine {
    let name: String
    let total: Int64?
    let enabled: Bool
    var lastUpdate: Double = 0

    init(name: String, total: Int64?, quiet: Bool) {
        self.name = name
        self.total = total
        enabled = !quiet && Terminal.stderrIsTTY && (total ?? Int64.max) > 16 << 20
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    mutating func update(_ done: Int64) {
        guard enabled else { return }
        let t = Self.now()
        guard t - lastUpdate > 0.2 else { return }
        lastUpdate = t
        let mib = Double(done) / 1_048_576
        let text = total.map { $0 > 0 ? "\(Int(Double(done) * 100 / Double($0)))% of " + Format.bytes($0) : "" } ?? ""
        Terminal.errorText("\r\u{1B}[K\(name): \(Format.fixed(mib, 1)) MiB \(text)")
    }

    /// Names the step in progress (for work that is not counted in bytes).
    mutating func show(_ step: String) {
        guard enabled else { return }
        lastUpdate = Self.now()
        Terminal.errorText("\r\u{1B}[K\(name): \(step)…")
    }

    func finish() {
        guard enabled else { return }
        Terminal.errorText("\r\u{1B}[K")
    }
}

enum Format {
    static func fixed(_ v: Double, _ digits: Int) -> String {
        guard v.isFinite else { return "-" }
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        let r = (abs(v) * p).rounded()
        let whole = Int(r / p)
        var frac = String(Int(r) % Int(p))
        while frac.count < digits { frac = "0" + frac }
        return (v < 0 && r > 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + frac : "")
    }

    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(n)
        var u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        return u == 0 ? "\(n) B" : "\(fixed(v, v < 10 ? 2 : 1)) \(units[u])"
    }

    /// Parses "65536", "64K", "64KiB", "1M", "16MiB", "1T".
    static func parseSize(_ text: String) -> Int? {
        var s = text.uppercased()
        var mult = 1
        let suffixes: [(String, Int)] = [("KIB", 1 << 10), ("MIB", 1 << 20), ("GIB", 1 << 30), ("TIB", 1 << 40),
                                         ("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("TB", 1 << 40),
                                         ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("T", 1 << 40), ("B", 1)]
        for (suffix, m) in suffixes where s.hasSuffix(suffix) {
            s.removeLast(suffix.count)
            mult = m
            break
        }
        guard let n = Int(s), n >= 0, n <= Int.max / mult else { return nil }
        return n * mult
    }
}

/// An open input file (or standard input) with its metadata.
struct InputFile {
    let path: String
    let fd: Int32
    let info: stat?
    var isStdin: Bool { info == nil }
    var displayName: String { isStdin ? "(stdin)" : path }

    static func open(_ path: String) throws(FileError) -> InputFile {
        if path == "-" { return InputFile(path: "-", fd: 0, info: nil) }
        var st = stat()
        guard stat(path, &st) == 0 else { throw FileError(systemErrorMessage()) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw FileError("is a directory -- ignored") }
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else { throw FileError(systemErrorMessage()) }
        return InputFile(path: path, fd: fd, info: st)
    }

    func close() {
        if fd > 2 { _ = Glibc.close(fd) }
    }

    var size: Int64? { info.map { Int64($0.st_size) } }
}

/// Runs `body` for each file, reporting failures as "squeeze: FILE: message" and
/// going on with the next; exits 1 at the end if any failed.
func forEachFile(_ files: [String], _ body: (String) throws -> Void) throws {
    var failed = false
    for file in files.isEmpty ? ["-"] : files {
        do {
            try body(file)
        } catch {
            failed = true
            Terminal.warn("\(file == "-" ? "(stdin)" : file): \(error)")
        }
    }
    if failed { throw ExitCode(1) }
}

extension OutputOptions {
    /// Writes one result to standard output, or to `outName` through a temporary
    /// file renamed into place only after `check` accepts it; then honours --rm.
    /// On any failure the temporary file is removed and the input is untouched.
    func writeOutput(
        input: InputFile, toStdout: Bool, outName: String,
        check: (String) throws -> Void = { _ in },
        produce: (inout FileSink) throws -> FrameSummary
    ) throws -> FrameSummary {
        let summary: FrameSummary
        if toStdout {
            var sink = FileSink(fd: 1)
            summary = try produce(&sink)
        } else {
            let out = try AtomicOutput.create(outName, force: force)
            do {
                var sink = FileSink(fd: out.fd)
                summary = try produce(&sink)
                try check(out.temporaryPath)
                try out.commit(like: input.info)
            } catch {
                out.discard()
                throw error
            }
        }
        if remove && !input.isStdin && !toStdout {
            if unlink(input.path) != 0 { throw FileError("cannot remove input: \(systemErrorMessage())") }
        }
        return summary
    }
}
