import Foundation
import Testing
import TestSupport

/// Runs the real command-line compressors (gzip, bzip2, xz, zstd) on byte strings.
enum ToolRunner {
    /// The tool's path if it is installed on PATH.
    static func find(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The tool's path; a missing tool fails the test (scripts/setup.sh installs them all).
    static func require(_ tool: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(find(tool), "\(tool) is not installed: run scripts/setup.sh", sourceLocation: sourceLocation)
    }

    /// Runs `tool args` with `stdin` written to a temporary file and returns its
    /// standard output; throws if it exits non-zero or writes to standard error.
    static func run(_ tool: String, _ args: [String], stdin: [UInt8]) throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory
        let inputURL = dir.appendingPathComponent("squeeze-baseline-\(UUID().uuidString)")
        try Data(stdin).write(to: inputURL)
        defer { try? FileManager.default.removeItem(at: inputURL) }
        let errorURL = dir.appendingPathComponent("squeeze-baseline-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorURL) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = args
        let input = try FileHandle(forReadingFrom: inputURL)
        defer { try? input.close() }
        let errors = try FileHandle(forWritingTo: errorURL)
        defer { try? errors.close() }
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let message = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0, message.isEmpty else {
            throw BaselineTestError( "\(tool) \(args.joined(separator: " ")) exited with "
                              + "\(process.terminationStatus): \(message)")
        }
        return [UInt8](data)
    }
}
