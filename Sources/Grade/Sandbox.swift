#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Harness

/// Runs a command in bubblewrap with resource limits: the grader never builds its
/// own isolation. Inside: the whole file system read-only, the submission's work
/// directory writable, the hidden corpus, the other submissions and the grader's
/// work root hidden under empty tmpfs mounts, no network, its own PID, IPC and UTS
/// namespaces, a minimal /dev. When the grader is root the command runs as nobody
/// with no capabilities and no_new_privs (setpriv), so RLIMIT_NPROC applies.
/// Limits are set by prlimit (util-linux) just before the command. See docs/GRADE.md.
public struct Sandbox: Sendable {
    public enum Mode: Sendable, Equatable {
        case bubblewrap(path: String)
        /// `--no-sandbox`: limits and a work directory, but no isolation at all.
        case none
    }

    public var mode: Mode
    /// Directories the command must not see (the hidden corpus, other submissions, the work root).
    public var hidden: [String]
    /// The uid/gid the command runs as when the grader is root: a fresh one for every
    /// submission (RLIMIT_NPROC counts a user's processes, so a fork bomb must not starve
    /// submissions graded beside it, by this process or by another shard on the machine).
    public var unprivilegedID: UInt32 = Sandbox.freshUnprivilegedID()

    /// 10^9 + 256 × (pid mod 10^6) + a counter mod 256: unique among the graders running on one
    /// machine (pids differ) and among one grader's concurrent submissions; below 2^31, where
    /// some tools break, and in a range that accounts do not use (docs/GRADE.md).
    public static func freshUnprivilegedID() -> UInt32 {
        uidLock.lock()
        defer { uidLock.unlock() }
        uidCounter &+= 1
        return 1_000_000_000 + 256 * UInt32(getpid() % 1_000_000) + uidCounter % 256
    }

    public static let firstUnprivilegedID: UInt32 = 1_000_000_000
    nonisolated(unsafe) private static var uidCounter: UInt32 = 0
    private static let uidLock = NSLock()

    public init(mode: Mode, hidden: [String]) {
        self.mode = mode
        self.hidden = hidden
    }

    /// bubblewrap from PATH, or an error that says how to get it.
    public static func locateBubblewrap(searchPath: String? = nil) throws(GradeError) -> String {
        let path = searchPath ?? ((ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin")
        for dir in path.split(separator: ":").map(String.init) {
            let p = dir + "/bwrap"
            if access(p, X_OK) == 0 { return p }
        }
        throw GradeError("bubblewrap (bwrap) is not installed: the grader runs submissions only inside it. "
            + "Install it (apt-get install bubblewrap, or scripts/setup.sh), or pass --no-sandbox to run them unisolated")
    }

    public var description: String {
        switch mode {
        case .bubblewrap(let path):
            let version = (try? Self.capture([path, "--version"]))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "bwrap"
            return version + (getuid() == 0 ? ", as a fresh unprivileged uid per submission, no capabilities" : "")
        case .none: return "NONE (--no-sandbox): submissions ran unisolated, with the grader's own rights"
        }
    }

    public var dropsPrivileges: Bool { getuid() == 0 && mode != .none }

    /// One command's limits.
    public struct Limits: Sendable {
        public var cpuSeconds: Int
        public var memoryBytes: Int64
        public var fileBytes: Int64
        public var processes: Int
        public var wallSeconds: Double
    }

    /// How a command ended.
    public struct Outcome: Sendable {
        public var wallSeconds: Double
        /// User + system CPU of the sandbox and every process it waited for.
        public var cpuSeconds: Double
        /// Not a submission's peak: posix_spawn's child shares the grader's memory until it execs,
        /// so ru_maxrss starts at the grader's own size. Kept for the sandbox's own use only.
        public var peakMemoryBytes: Int64
        public var exitStatus: Int32?
        public var signal: Int32?
        public var timedOut: Bool
        /// The last few hundred bytes of standard error.
        public var stderrTail: String

        public var succeeded: Bool { !timedOut && signal == nil && exitStatus == 0 }
    }

    /// Makes `work` (and everything in it) the unprivileged user's, so the command can write there.
    public func prepare(_ work: String) throws(GradeError) {
        guard dropsPrivileges else { return }
        let uid = unprivilegedID
        var failed: String?
        func own(_ path: String) { if lchown(path, uid, uid) != 0 && failed == nil { failed = path } }
        own(work)
        if let e = FileManager.default.enumerator(atPath: work) {
            while let rel = e.nextObject() as? String { own(work + "/" + rel) }
        }
        if let failed { throw GradeError("\(failed): cannot hand it to uid \(uid): \(String(cString: strerror(errno)))") }
    }

    /// The argv that runs `shellCommand` with `/bin/sh -c` in `directory` under `limits`.
    func argv(_ shellCommand: String, work: String, directory: String, limits: Limits) -> [String] {
        let env = ProcessInfo.processInfo.environment
        let path = env["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        var args: [String] = []
        switch mode {
        case .bubblewrap(let bwrap):
            args = [bwrap, "--die-with-parent", "--new-session", "--unshare-net", "--unshare-pid", "--unshare-ipc",
                    "--unshare-uts", "--unshare-cgroup-try", "--hostname", "grade",
                    // Without --as-pid-1 bwrap's own init reaps the command and its CPU time never
                    // reaches our wait4; with it, the shell below is PID 1 and waits for the command.
                    "--as-pid-1",
                    "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
            for h in hidden where FileManager.default.fileExists(atPath: h) { args += ["--tmpfs", h] }
            args += ["--bind", work, work, "--chdir", directory, "--clearenv",
                     "--setenv", "PATH", path, "--setenv", "HOME", work + "/home", "--setenv", "TMPDIR", work + "/tmp",
                     "--setenv", "LANG", "C.UTF-8", "--"]
            if dropsPrivileges {
                args += ["setpriv", "--reuid", String(unprivilegedID), "--regid", String(unprivilegedID), "--clear-groups",
                         "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all", "--"]
            }
        case .none:
            // No mount namespace to chdir in: a shell changes directory, then env clears the environment.
            args = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory, "/usr/bin/env", "-i", "PATH=\(path)", "HOME=\(work)/home", "TMPDIR=\(work)/tmp", "LANG=C.UTF-8"]
        }
        // Soft limit below the hard one: at the soft limit the kernel sends SIGXCPU, a clear
        // signal; with both equal it sends SIGKILL first, which reads like any other kill.
        args += ["prlimit", "--cpu=\(limits.cpuSeconds):\(limits.cpuSeconds + 1)", "--as=\(limits.memoryBytes)", "--fsize=\(limits.fileBytes)", "--core=0"]
        if dropsPrivileges { args.append("--nproc=\(limits.processes)") }
        // Two shells: the outer one waits (so CPU time adds up) and is the one that is PID 1, which
        // ignores signals it sends itself; the submission's command is never PID 1, so it dies as usual.
        args += ["--", "/bin/sh", "-c", "/bin/sh -c \"$1\"; exit $?", "grade", shellCommand]
        return args
    }

    /// Runs `shellCommand` with standard input and output from/to the given files (nil: /dev/null),
    /// standard error to `stderrPath`. Never throws for what the command does; only when it cannot start.
    public func run(_ shellCommand: String, work: String, directory: String, limits: Limits,
                    stdin: String? = nil, stdout: String? = nil, stderrPath: String) throws(GradeError) -> Outcome {
        let args = argv(shellCommand, work: work, directory: directory, limits: limits)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // A process group of its own, so a timeout kills everything it started.
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attr, 0)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attr, &none)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        let cArgs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let start = Measurement.now()
        let rc = posix_spawnp(&pid, args[0], &actions, &attr, cArgs, environ)
        guard rc == 0 else { throw GradeError("cannot start \(args[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        var timedOut = false
        var pause: UInt32 = 500
        while true {
            let r = wait4(pid, &status, WNOHANG, &usage)
            if r == pid { break }
            if r < 0 && errno != EINTR { break }
            if Measurement.now() - start > limits.wallSeconds {
                timedOut = true
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                _ = wait4(pid, &status, 0, &usage)
                break
            }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
        let wall = Measurement.now() - start
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
        var exit: Int32?
        var sig: Int32?
        if (status & 0x7F) == 0 {
            let code = (status >> 8) & 0xFF
            // bwrap and sh report a child killed by signal S as exit status 128 + S.
            if code > 128 && code < 128 + 65 { sig = code - 128 } else { exit = code }
        } else {
            sig = status & 0x7F
        }
        if timedOut { sig = nil; exit = nil }
        return Outcome(wallSeconds: wall, cpuSeconds: cpu, peakMemoryBytes: Int64(usage.ru_maxrss) * 1024,
                       exitStatus: exit, signal: sig, timedOut: timedOut, stderrTail: Self.tail(stderrPath, bytes: 600))
    }

    /// The last `bytes` of a file as text, cut at a line start when it can be.
    static func tail(_ path: String, bytes: Int) -> String {
        guard let h = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? h.close() }
        let size = (try? h.seekToEnd()) ?? 0
        let from = size > UInt64(bytes) ? size - UInt64(bytes) : 0
        try? h.seek(toOffset: from)
        var text = String(decoding: h.readDataToEndOfFile(), as: UTF8.self)
        if from > 0, let nl = text.firstIndex(of: "\n") { text = String(text[text.index(after: nl)...]) }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func capture(_ argv: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: argv[0])
        p.arguments = Array(argv.dropFirst())
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Signal names for rows a person reads.
    static func signalName(_ s: Int32) -> String {
        let names: [Int32: String] = [SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT", SIGKILL: "SIGKILL", SIGBUS: "SIGBUS",
                                      SIGILL: "SIGILL", SIGTRAP: "SIGTRAP", SIGFPE: "SIGFPE", SIGXCPU: "SIGXCPU",
                                      SIGXFSZ: "SIGXFSZ", SIGTERM: "SIGTERM", SIGPIPE: "SIGPIPE"]
        return names[s].map { "signal \(s) (\($0))" } ?? "signal \(s)"
    }
}
