#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock time and memory high-water marks of this process.
public enum Measurement {
    /// Monotonic seconds.
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// CPU seconds used by the calling thread: unlike wall time, not inflated
    /// when other processes share the cores (single-threaded codecs only).
    public static func threadCPUTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Resets the kernel's peak-RSS counter (VmHWM) of this process, so the next
    /// reading is the peak since now. Linux 4.0+; false where it is not allowed.
    @discardableResult
    public static func resetPeakMemory() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }

    /// Current (VmRSS) and peak (VmHWM) resident memory in bytes.
    public static func residentMemory() -> (current: Int64, peak: Int64) {
        let fd = open("/proc/self/status", O_RDONLY)
        guard fd >= 0 else { return (0, 0) }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 8192)
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        guard n > 0 else { return (0, 0) }
        let text = String(decoding: buf[0..<n], as: UTF8.self)
        func field(_ key: String) -> Int64 {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
            let digits = line.filter(\.isNumber)
            return (Int64(digits) ?? 0) * 1024
        }
        return (field("VmRSS:"), field("VmHWM:"))
    }

    public static func median(_ xs: [Double]) -> Double {
        guard !xs.isEmpty else { return 0 }
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
