#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A benchmark that cannot run: the message goes to standard error and the exit status is 1.
public struct BenchError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Where every benchmark finds the bundled corpora, in this order: the directory
/// in $SQUEEZE_CORPORA, ./corpora, and the corpora directory of the package the
/// running executable was built in (.build/…/squeeze → the folder holding
/// Package.swift), so a bench runs the same from any directory.
public enum CorpusLocation {
    public static let environmentVariable = "SQUEEZE_CORPORA"

    /// The places looked at, each with how it was found.
    public static func candidates(environment: [String: String] = ProcessInfo.processInfo.environment,
                                  executable: String? = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        -> [(place: String, directory: String?)] {
        var out: [(String, String?)] = []
        let fromEnvironment = environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        out.append(("$\(environmentVariable)", fromEnvironment))
        out.append(("./corpora", FileManager.default.currentDirectoryPath + "/corpora"))
        out.append(("the package of \(executable ?? "this executable")", executable.flatMap(packageCorpora)))
        return out
    }

    /// The corpora directory beside the nearest Package.swift above the executable.
    static func packageCorpora(_ executable: String) -> String? {
        var dir = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while dir.path != "/" {
            if access(dir.appendingPathComponent("Package.swift").path, F_OK) == 0 {
                return dir.appendingPathComponent("corpora").path
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// The first corpora directory holding every one of `files` (paths like "large/bible.txt").
    public static func root(containing files: [String],
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(BenchError) -> String {
        var looked: [String] = []
        for (place, directory) in candidates(environment: environment) {
            guard let directory else { looked.append("\(place) (\(place.hasPrefix("$") ? "not set" : "none found"))"); continue }
            let missing = files.filter { access(directory + "/" + $0, R_OK) != 0 }
            if missing.isEmpty { return directory }
            looked.append("\(place) = \(directory) (no \(missing[0]))")
        }
        let wanted = files.count <= 3 ? files.joined(separator: ", ") : "\(files[0]) and \(files.count - 1) more"
        throw BenchError("cannot find the corpus file\(files.count == 1 ? "" : "s") \(wanted); looked in "
            + looked.joined(separator: ", ") + "; set \(environmentVariable) to the corpora directory or run from the repository")
    }

    /// One corpus file's path ("large/bible.txt" → ".../corpora/large/bible.txt").
    public static func file(_ relative: String) throws(BenchError) -> String {
        try root(containing: [relative]) + "/" + relative
    }

    /// `given` when a caller named a file, else the corpus file `relative`.
    public static func file(_ relative: String, unless given: String?) throws(BenchError) -> String {
        if let given { return given }
        return try file(relative)
    }

    /// The whole file, or a `BenchError` naming it.
    static func read(_ path: String) throws(BenchError) -> [UInt8] {
        do { return try CorpusWalker.read(path) } catch { throw BenchError("cannot read \(path): \(error.description)") }
    }
}
