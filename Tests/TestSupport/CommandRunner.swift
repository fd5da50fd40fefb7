import Foundation

/// Runs the built `squeeze` executable (found beside the test bundle) for CLI tests.
public enum SqueezeCommand {
    public static var executablePath: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // On Linux the test runner is `<products>/squeezePackageTests.xctest`; the CLI sits beside it.
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("squeeze").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return TestCorpus.root.replacingOccurrences(of: "/corpora", with: "/.build/debug/squeeze")
    }

    public struct Result: Sendable {
        public let status: Int32
        public let stdout: [UInt8]
        public let stderr: String
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `squeeze ARGS` in `directory` with `input` on stdin; kills it after `timeout` seconds.
    public static func run(_ args: [String], in directory: String, input: [UInt8] = [], timeout: Double = 120) throws -> Result {
        try launch(executablePath, args, in: directory, input: input, timeout: timeout)
    }

    /// Runs a bash script in `directory` with the built `squeeze` first on PATH
    /// (pipes, tar -I, exit statuses of pipelines).
    public static func shell(_ script: String, in directory: String, timeout: Double = 120) throws -> Result {
        try launch("/bin/bash", ["-c", withSqueezeOnPath(script)], in: directory, input: [], timeout: timeout)
    }

    /// `script` preceded by putting the built squeeze first on PATH.
    static func withSqueezeOnPath(_ script: String) -> String {
        let bin = URL(fileURLWithPath: executablePath).deletingLastPathComponent().path
        return "export PATH=\"\(bin):$PATH\"; " + script
    }

    /// Runs a program with `input` on its standard input; with `holdInput` the
    /// input stays open (after `input` is written) until the program ends.
    static func launch(_ executable: String, _ args: [String], in directory: String, input: [UInt8], timeout: Double,
                       holdInput: Bool = false) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = errPipe
        try p.run()
        let writer = Thread {
            try? inPipe.fileHandleForWriting.write(contentsOf: Data(input))
            if !holdInput { try? inPipe.fileHandleForWriting.close() }
        }
        writer.start()
        defer { if holdInput { try? inPipe.fileHandleForWriting.close() } }
        nonisolated(unsafe) var out = Data()
        nonisolated(unsafe) var err = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { out = outPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { err = errPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            p.terminate()
            throw TestIOError(description: "\(executable) \(args.joined(separator: " ")) did not finish in \(timeout) s")
        }
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: [UInt8](out), stderr: String(decoding: err, as: UTF8.self))
    }

    /// A fresh empty directory under the system temporary directory.
    public static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("squeeze-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }
}

/// Small file helpers for tests that run the CLI in a temporary directory.
public enum TestFiles {
    public static func write(_ bytes: [UInt8], _ path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    public static func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Files in `dir`, sorted, hidden temporaries included (so a test sees one left behind).
    public static func listing(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    }
}

extension SqueezeCommand {
    /// Runs a bash command line under util-linux `script`, so its standard input,
    /// output and error are a terminal; returns what the terminal showed. The
    /// session's own input stays open until the command ends (script may end a
    /// session early when its input reaches end of file).
    public static func underTerminal(_ command: String, in directory: String, timeout: Double = 300) throws -> String {
        try launch("/usr/bin/script", ["-qec", withSqueezeOnPath(command), "/dev/null"],
                   in: directory, input: [], timeout: timeout, holdInput: true).stdoutText
    }
}
