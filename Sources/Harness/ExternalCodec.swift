#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Any program as a codec: two shell command templates with `{in}` and `{out}`
/// placeholders, e.g. `7zz a -m0=PPMd {out} {in}` — so a student's assignment
/// in any language can be checked and ranked beside ours.
public struct ExternalCodec: Sendable, Codable, Equatable {
    public let name: String
    public let compress: String
    public let decompress: String
    /// Seconds each command may run before it is killed and reported as failed.
    public var timeout: Double

    public init(name: String, compress: String, decompress: String, timeout: Double = 300) {
        self.name = name
        self.compress = compress
        self.decompress = decompress
        self.timeout = timeout
    }

    /// Parses `NAME=COMPRESS_CMD::DECOMPRESS_CMD`.
    public static func parse(_ spec: String, timeout: Double = 300) throws(CorpusError) -> ExternalCodec {
        guard let eq = spec.firstIndex(of: "=") else {
            throw CorpusError(description: "--external wants NAME='COMPRESS {in} {out}'::'DECOMPRESS {in} {out}', got '\(spec)'")
        }
        let name = String(spec[..<eq])
        let rest = String(spec[spec.index(after: eq)...])
        let parts = rest.components(separatedBy: "::")
        guard !name.isEmpty, parts.count == 2, parts.allSatisfy({ $0.contains("{in}") && $0.contains("{out}") }) else {
            throw CorpusError(description: "--external \(name): both commands must contain {in} and {out}, separated by ::")
        }
        return ExternalCodec(name: name, compress: parts[0], decompress: parts[1], timeout: timeout)
    }

    public struct RunOutcome: Sendable {
        public var seconds: Double
        /// Peak resident memory of the command (the shell and everything it
        /// started), sampled from /proc every millisecond; nil when no sample
        /// could be read.
        public var peakMemory: Int64?
    }

    /// Runs one command template with the paths filled in (each shell-quoted).
    public func run(_ template: String, input: String, output: String) throws(CorpusError) -> RunOutcome {
        let command = template.replacingOccurrences(of: "{in}", with: Self.quote(input)).replacingOccurrences(of: "{out}", with: Self.quote(output))
        let start = Measurement.now()
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { argv.forEach { free($0) } }
        let rc = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
        guard rc == 0 else { throw CorpusError(description: "\(name): cannot start /bin/sh: \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        // Not wait4's ru_maxrss: a child spawned from this process (vfork and
        // exec) inherits this process's own peak into it, so every program
        // would report at least what the comparison itself had used.
        var peak: Int64?
        while true {
            if let rss = Self.residentBytes(ofTree: pid) { peak = Swift.max(peak ?? 0, rss) }
            let r = wait4(pid, &status, WNOHANG, &usage)
            if r == pid { break }
            if r < 0 && errno != EINTR { throw CorpusError(description: "\(name): wait failed") }
            if Measurement.now() - start > timeout {
                kill(pid, SIGKILL)
                _ = wait4(pid, &status, 0, &usage)
                throw CorpusError(description: "\(name): timed out after \(Int(timeout)) s: \(command)")
            }
            usleep(1000)
        }
        let seconds = Measurement.now() - start
        let exited = (status & 0x7F) == 0
        let code = (status >> 8) & 0xFF
        guard exited else { throw CorpusError(description: "\(name): killed by signal \(status & 0x7F): \(command)") }
        guard code == 0 else { throw CorpusError(description: "\(name): exit status \(code): \(command)") }
        return RunOutcome(seconds: seconds, peakMemory: peak)
    }

    /// Resident bytes of `pid` and all its descendants (VmRSS in
    /// /proc/PID/status, children from /proc/PID/task/PID/children), or nil when
    /// `pid`'s own figure cannot be read (it has exited, or there is no /proc).
    static func residentBytes(ofTree pid: pid_t) -> Int64? {
        var total: Int64 = 0
        var pending = [pid]
        var first = true
        while let p = pending.popLast() {
            guard let status = readSmallFile("/proc/\(p)/status"),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
                  let kib = Int64(line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") else {
                if first { return nil }
                continue
            }
            first = false
            total += kib * 1024
            if let children = readSmallFile("/proc/\(p)/task/\(p)/children") {
                pending += children.split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
        }
        return total
    }

    /// A /proc file's text (they report a size of 0, so read until the end), or nil.
    static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func quote(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
