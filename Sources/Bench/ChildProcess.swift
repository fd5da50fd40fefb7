#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Other programs run by the benchmarks (system tools, peers such as zpaq and
/// 7-Zip, this executable as a process): one way to start a child with its
/// standard streams on files and to collect its exit status, wall time, CPU
/// time and peak memory.
public enum ChildProcess {
    /// One run: wall seconds, user + system CPU seconds, peak RSS in bytes, exit status, standard error.
    public struct Run: Sendable {
        public var seconds: Double
        public var cpuSeconds: Double
        public var peakRSS: Int64
        public var status: Int32
        public var errorText: String
    }

    /// Runs `argv` with standard input from `stdin`, standard output to
    /// `stdout` and standard error captured. `searchPath`: look `argv[0]` up
    /// on PATH. Without `peakMemory`: started directly, wall time around spawn
    /// and wait. With it: started by a small python3 that forks, execs and
    /// wait4s it, and reports its ru_maxrss and wall time. A child started by
    /// this process directly would report at least this process's own peak,
    /// which Linux carries across exec into ru_maxrss; a grandchild forked by a
    /// small process starts from that process's few MiB.
    public static func run(_ argv: [String], stdin: String = "/dev/null", stdout: String,
                           searchPath: Bool = false, peakMemory: Bool = false) -> Run {
        let errPath = "/tmp/squeeze-bench-\(getpid())-stderr", resultPath = "/tmp/squeeze-bench-\(getpid())-rusage"
        defer { unlink(errPath); unlink(resultPath) }
        let command = peakMemory ? ["python3", "-c", rusageScript, resultPath] + argv : argv
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let args: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { args.forEach { free($0) } }
        var pid: pid_t = 0
        let t0 = Measurement.now()
        let rc = searchPath || peakMemory ? posix_spawnp(&pid, command[0], &actions, nil, args, environ)
                                          : posix_spawn(&pid, command[0], &actions, nil, args, environ)
        guard rc == 0 else {
            return Run(seconds: 0, cpuSeconds: 0, peakRSS: 0, status: -1, errorText: "cannot run \(command[0]): \(String(cString: strerror(rc)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            if errno != EINTR { return Run(seconds: 0, cpuSeconds: 0, peakRSS: 0, status: -1, errorText: "wait4: \(systemErrorMessage())") }
        }
        let seconds = Measurement.now() - t0
        func time(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        let cpu = time(usage.ru_utime) + time(usage.ru_stime)
        let text = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        // Exited normally: the low 7 bits are 0 and the status is the next 8.
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard peakMemory else {
            return Run(seconds: seconds, cpuSeconds: cpu, peakRSS: Int64(usage.ru_maxrss) * 1024, status: exit, errorText: text)
        }
        let fields = ((try? String(contentsOfFile: resultPath, encoding: .utf8)) ?? "").split(separator: " ")
        guard exit == 0, fields.count == 3, let code = Int32(fields[0]), let kib = Int64(fields[1]),
              let wall = Double(fields[2].trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return Run(seconds: seconds, cpuSeconds: cpu, peakRSS: 0, status: exit == 0 ? -1 : exit,
                       errorText: "python3 (which measures the child) failed: " + text)
        }
        return Run(seconds: wall, cpuSeconds: cpu, peakRSS: kib * 1024, status: code, errorText: text)
    }

    /// The user + system CPU seconds of `argv` (found on PATH), or nil if it
    /// could not run or did not exit with status 0.
    static func cpuSeconds(_ argv: [String], stdin: String = "/dev/null", stdout: String) -> Double? {
        let r = run(argv, stdin: stdin, stdout: stdout, searchPath: true)
        return r.status == 0 ? r.cpuSeconds : nil
    }

    /// Whether `name` is an executable on PATH.
    static func isInstalled(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { access("\($0)/\(name)", X_OK) == 0 }
    }

    /// argv: result file, then the command. Writes "exit-code ru_maxrss-KiB wall-seconds".
    static let rusageScript = """
        import os, sys, time
        out, argv = sys.argv[1], sys.argv[2:]
        t = time.monotonic()
        pid = os.fork()
        if pid == 0:
            try:
                os.execv(argv[0], argv)
            finally:
                os._exit(127)
        _, status, ru = os.wait4(pid, 0)
        t = time.monotonic() - t
        with open(out, "w") as f:
            f.write("%d %d %.6f" % (os.waitstatus_to_exitcode(status), ru.ru_maxrss, t))
        """
}
