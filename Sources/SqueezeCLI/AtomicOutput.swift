#if canImport(Glibc)
import Glibc
#endif
import SqueezeKit

/// An error to report for one file: "squeeze: FILE: message".
struct FileError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// The temporary file of the output being written, removed by the signal
/// handler if the user interrupts us: an interrupted run leaves nothing behind.
nonisolated(unsafe) private var pendingTemporaryPath: UnsafeMutablePointer<CChar>? = nil

private func removePendingAndExit(_ signal: Int32) {
    if let p = pendingTemporaryPath { unlink(p) }
    _exit(128 + signal)
}

enum InterruptCleanup {
    static func install() {
        signal(SIGINT, removePendingAndExit)
        signal(SIGTERM, removePendingAndExit)
        signal(SIGHUP, removePendingAndExit)
        signal(SIGPIPE, SIG_IGN)
    }

    static func setPending(_ path: String?) {
        let old = pendingTemporaryPath
        pendingTemporaryPath = path.map { strdup($0) }
        free(old)
    }
}

/// Output written to a temporary file beside its final name, then fsynced and
/// renamed into place, so a failed or interrupted run never leaves a partial file.
struct AtomicOutput {
    let finalPath: String
    let temporaryPath: String
    let fd: Int32

    /// Creates the temporary file; refuses when `path` exists unless `force`.
    static func create(_ path: String, force: Bool) throws(FileError) -> AtomicOutput {
        var st = stat()
        if lstat(path, &st) == 0 {
            if !force { throw FileError("\(path) already exists; use -f to overwrite") }
            if (st.st_mode & S_IFMT) == S_IFDIR { throw FileError("\(path) is a directory") }
        }
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(dir.isEmpty ? "/" : dir)/.\(base).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw FileError("cannot create a file in \(dir): \(systemErrorMessage())") }
        let temp = String(cString: template.map { UInt8(bitPattern: $0) })
        InterruptCleanup.setPending(temp)
        return AtomicOutput(finalPath: path, temporaryPath: temp, fd: fd)
    }

    /// Makes the file durable and gives it its final name, and the input
    /// file's mode and times; without an input file, the mode a new file gets
    /// (0666 less the umask), not mkstemp's 0600.
    func commit(like input: stat?) throws(FileError) {
        if let input {
            fchmod(fd, input.st_mode & 0o7777)
            var times = [input.st_atim, input.st_mtim]
            futimens(fd, &times)
        } else {
            fchmod(fd, 0o666 & ~AtomicOutput.umaskValue)
        }
        guard fsync(fd) == 0 else {
            let msg = systemErrorMessage()
            discard()
            throw FileError("cannot write \(finalPath): \(msg)")
        }
        close(fd)
        guard rename(temporaryPath, finalPath) == 0 else {
            let msg = systemErrorMessage()
            unlink(temporaryPath)
            InterruptCleanup.setPending(nil)
            throw FileError("cannot rename to \(finalPath): \(msg)")
        }
        InterruptCleanup.setPending(nil)
    }

    /// The process's file-creation mask (read once; umask can only be read by setting it).
    static let umaskValue: mode_t = {
        let m = umask(0o022)
        umask(m)
        return m
    }()

    /// Removes the temporary file.
    func discard() {
        close(fd)
        unlink(temporaryPath)
        InterruptCleanup.setPending(nil)
    }
}

/// Writes a report, page, picture or generated file (`--html`, `--svg`,
/// `--plot`, `compare -o DIR`, `generate -o`). A regular file (or a new one) is
/// written to a temporary file and renamed into place, so a failure leaves the
/// old file or none; a device or FIFO (`/dev/stdout`, a pipe) is written in
/// place, never replaced by a file.
enum ReportFile {
    static func write(_ text: String, to path: String, overwrite: Bool) throws {
        let bytes = Array(text.utf8)
        try write(to: path, overwrite: overwrite) { sink in try bytes.withUnsafeBytes { try sink.write($0) } }
    }

    /// Opens `path` as the type says and lets `body` fill it.
    static func write(to path: String, overwrite: Bool, _ body: (inout FileSink) throws -> Void) throws {
        var st = stat()
        if stat(path, &st) == 0 {
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                throw FileError("\(path) is a directory")
            case S_IFREG:
                if !overwrite { throw FileError("\(path) already exists; use -f to overwrite") }
            default:
                let fd = open(path, O_WRONLY | O_CLOEXEC)
                guard fd >= 0 else { throw FileError("cannot open \(path): \(systemErrorMessage())") }
                defer { close(fd) }
                var sink = FileSink(fd: fd)
                try fill(&sink, path, body)
                return
            }
        }
        let out = try AtomicOutput.create(path, force: true)
        var sink = FileSink(fd: out.fd)
        do {
            try fill(&sink, path, body)
        } catch {
            out.discard()
            throw error
        }
        try out.commit(like: nil)
    }

    /// Runs `body` on `sink`, naming `path` in a write error (a reader that went
    /// away stays a broken pipe, which ends the program quietly).
    static func fill(_ sink: inout FileSink, _ path: String, _ body: (inout FileSink) throws -> Void) throws {
        do {
            try body(&sink)
        } catch let error as SqzError where error != .brokenPipe {
            if case .io(let message) = error { throw FileError("cannot write \(path): \(message)") }
            throw error
        }
    }
}
