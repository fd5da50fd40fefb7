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

    @Flag(name: .shortAndLong, help: "Descend into directories: each file in them is handled beside itself (as gzip -r).")
    var recursive = false

    @Flag(name: .shortAndLong, help: "Print no warnings and no progress.")
    var quiet = false

    func validate(files: [String]) throws {
        if recursive && files.isEmpty { throw ValidationError("-r needs a directory or file to work on") }
        if output != nil && files.count > 1 { throw ValidationError("-o takes one input file; got \(files.count)") }
        // -r may find any number of files under a directory: one -o file would be written over and over.
        if recursive, let output, output != "-" {
            throw ValidationError("-o FILE and -r cannot be used together: -r writes each file beside itself (-c writes them all to standard output)")
        }
        if output != nil && output != "-" && toStdout { throw ValidationError("-o FILE and -c cannot be used together") }
        if remove && keep { throw ValidationError("--rm and -k contradict each other") }
        if verbose && quiet { throw ValidationError("-v and -q contradict each other") }
    }
}

/// `--memory`: the most memory a decoder may take, as zstd's option.
struct DecoderMemoryOption: ParsableArguments {
    @Option(name: .customLong("memory"),
            help: ArgumentHelp("Refuse archives that need more memory than this to decode, e.g. 256M, 4G (default: \(Format.bytes(Int64(CodecRegistry.standard.largestDecodeMemory))), enough for anything squeeze writes with default block sizes).", valueName: "limit"))
    var memory: String?

    /// Accepted limits: below 16 MiB nothing squeeze writes decodes; past 1 TiB is no limit.
    static let range = (16 << 20)...(1 << 40)

    func limit() throws -> Int {
        guard let memory else { return CodecRegistry.standard.largestDecodeMemory }
        return try Format.memoryLimit(memory, within: Self.range)
    }
}

/// `-T N` for the commands that decode: blocks decoded at once.
struct DecodeThreadsOption: ParsableArguments {
    @Option(name: [.customShort("T"), .long], help: ArgumentHelp("Blocks decoded at once (0: one per core, within --memory); output is the same for any value.", valueName: "n"))
    var threads: Int = 0

    func validate() throws {
        if threads < 0 { throw ValidationError("--threads must be 0 or more") }
    }

    /// The thread count to use: the given one, or one per online core.
    var resolved: Int { threads > 0 ? threads : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

enum Terminal {
    static var stdinIsTTY: Bool { isatty(0) == 1 }
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

    /// A size shown to the user ("1.3 GiB", "700 KiB", "12 bytes"): the container's formatter, rounded to nearest.
    static func bytes(_ n: Int64) -> String {
        SqzFormat.sizeText(Int(clamping: n), roundingUp: false)
    }

    /// A `--memory` value (decompress, test, list and estimate): a size within `range`.
    static func memoryLimit(_ text: String, within range: ClosedRange<Int>) throws -> Int {
        guard let n = parseSize(text) else {
            throw ValidationError("--memory '\(text)' is not a size such as 512M or 2G")
        }
        guard range.contains(n) else {
            throw ValidationError("--memory \(text) is outside \(rangeText(range)), the range it accepts")
        }
        return n
    }

    /// "16M…1T": a range of sizes in the units a user types.
    static func rangeText(_ range: ClosedRange<Int>) -> String {
        func short(_ n: Int) -> String {
            for (shift, unit) in [(40, "T"), (30, "G"), (20, "M"), (10, "K")] where n >= 1 << shift && n % (1 << shift) == 0 {
                return "\(n >> shift)\(unit)"
            }
            return String(n)
        }
        return "\(short(range.lowerBound))…\(short(range.upperBound))"
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
    /// What was opened (through a symbolic link, its target); for standard input, what fd 0 is.
    let info: stat?
    /// The path itself is a symbolic link (followed only with -f).
    let isLink: Bool
    var isStdin: Bool { path == "-" }
    var displayName: String { isStdin ? "(stdin)" : path }
    var isRegular: Bool { info.map { ($0.st_mode & S_IFMT) == S_IFREG } ?? false }

    /// Opens `path` ("-": standard input). With `strict` (compress and
    /// decompress, which may write beside the input and remove it), symbolic
    /// links and files that are not regular (FIFOs, devices) are refused unless
    /// `force`, as gzip does; test and list read anything.
    static func open(_ path: String, strict: Bool = false, force: Bool = false) throws(FileError) -> InputFile {
        if path == "-" {
            var st = stat()
            return InputFile(path: "-", fd: 0, info: fstat(0, &st) == 0 ? st : nil, isLink: false)
        }
        var link = stat()
        guard lstat(path, &link) == 0 else { throw FileError(systemErrorMessage()) }
        let isLink = (link.st_mode & S_IFMT) == S_IFLNK
        if strict && !force && isLink {
            throw FileError("is a symbolic link -- ignored (use -f to read what it points to)")
        }
        // O_NONBLOCK: opening a FIFO nobody writes to must not hang before we can refuse it.
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(systemErrorMessage()) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let message = systemErrorMessage()
            _ = Glibc.close(fd)
            throw FileError(message)
        }
        let kind = st.st_mode & S_IFMT
        if kind == S_IFDIR {
            _ = Glibc.close(fd)
            throw FileError("is a directory -- ignored")
        }
        if strict && !force && kind != S_IFREG {
            _ = Glibc.close(fd)
            throw FileError("is not a regular file -- ignored (use -f to read it anyway)")
        }
        // Back to blocking reads now that the kind of file is known.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return InputFile(path: path, fd: fd, info: st, isLink: isLink)
    }

    func close() {
        if fd > 2 { _ = Glibc.close(fd) }
    }

    var size: Int64? { isRegular ? info.map { Int64($0.st_size) } : nil }

    /// True when `path` names this very file (the same device and inode: the
    /// same name, a hard link, or a symbolic link to it).
    func isSameFile(as path: String) -> Bool {
        guard let info else { return false }
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        return st.st_dev == info.st_dev && st.st_ino == info.st_ino
    }
}

/// Runs `body` for each file, reporting failures as "squeeze: FILE: message" and
/// going on with the next; exits 1 at the end if any failed. A closed output
/// pipe ends the whole run at once (quietly, as gzip does).
func forEachFile(_ files: [String], _ body: (String) throws -> Void) throws {
    var failed = false
    for file in files.isEmpty ? ["-"] : files {
        do {
            try body(file)
        } catch where isBrokenPipe(error) {
            throw SqzError.brokenPipe
        } catch {
            failed = true
            Terminal.warn("\(file == "-" ? "(stdin)" : file): \(error)")
        }
    }
    if failed { throw ExitCode(1) }
}

extension OutputOptions {
    /// `-o -` means standard output, as for gzip, xz and zstd users.
    var writesToStdout: Bool { toStdout || output == "-" }
    var outputFile: String? { output == "-" ? nil : output }

    /// Refuses an output that is the input itself (same name, hard link or
    /// symbolic link), with or without -f, as zstd does: writing it would
    /// destroy the data being read, and --rm would then delete the result.
    func refuseSameFile(input: InputFile, outName: String) throws(FileError) {
        if input.isSameFile(as: outName) {
            throw FileError("the output \(outName) is the input file itself; refusing to overwrite it (choose another name with -o, or use -c)")
        }
    }

    /// Writes one result to standard output, or to `outName` through a temporary
    /// file renamed into place only after `check` accepts it; then honours --rm.
    /// On any failure the temporary file is removed and the input is untouched.
    func writeOutput<Summary>(
        input: InputFile, toStdout: Bool, outName: String,
        check: (String) throws -> Void = { _ in },
        produce: (inout FileSink) throws -> Summary
    ) throws -> Summary {
        let summary: Summary
        if toStdout {
            var sink = FileSink(fd: 1)
            summary = try produce(&sink)
        } else {
            try refuseSameFile(input: input, outName: outName)
            let out = try AtomicOutput.create(outName, force: force)
            do {
                var sink = FileSink(fd: out.fd)
                summary = try produce(&sink)
                try check(out.temporaryPath)
                // Mode as zstd gives it: the input file's, or 0666 less the umask from a pipe.
                try out.commit(like: input.isRegular ? input.info : nil)
            } catch {
                out.discard()
                throw error
            }
        }
        if remove && !input.isStdin && !toStdout {
            // Only a regular file that is not a symbolic link, and not the output
            // (refused above), is ever removed: the data of a link, a FIFO or a
            // device came from elsewhere.
            if input.isLink || !input.isRegular {
                if !quiet { Terminal.warn("\(input.path): not removed (\(input.isLink ? "a symbolic link" : "not a regular file"))") }
            } else if unlink(input.path) != 0 {
                throw FileError("cannot remove input: \(systemErrorMessage())")
            }
        }
        return summary
    }
}

extension OutputOptions {
    /// The files to work on: with -r, each directory named is replaced by the
    /// regular files under it (names in byte order, symbolic links not
    /// followed) for which `wanted` holds; without -r, `files` as given.
    func expanded(_ files: [String], wanted: (String) -> Bool) throws -> [String] {
        guard recursive else { return files }
        var out: [String] = []
        func walk(_ dir: String) {
            guard let d = opendir(dir) else {
                Terminal.warn("\(dir): \(systemErrorMessage())")
                return
            }
            var names: [String] = []
            while let e = readdir(d) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(d)
            for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                let path = dir.hasSuffix("/") ? dir + name : dir + "/" + name
                var st = stat()
                guard lstat(path, &st) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR: walk(path)
                case S_IFREG: if wanted(path) { out.append(path) }
                default: break   // links, FIFOs and devices are not touched, as gzip -r leaves them
                }
            }
        }
        for f in files {
            var st = stat()
            if f != "-", lstat(f, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { walk(f) } else { out.append(f) }
        }
        return out
    }
}
