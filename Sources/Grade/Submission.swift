#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Harness

/// One student's entry: a directory holding either a Swift package (product `codec`,
/// run as `codec compress` / `codec decompress` from standard input to standard
/// output) or a manifest naming the commands, for any language. See docs/GRADE.md.
public struct Submission: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case swiftPackage = "swift-package"
        case commands
    }

    /// The directory name: the submission's identity across resubmissions.
    public var id: String
    public var directory: String
    public var kind: Kind
    /// The codec's own name from the manifest (the directory name when none is given).
    public var displayName: String
    public var author: String
    /// Run once, in the submission's copy, before any file is coded; nil when nothing is built.
    public var build: String?
    /// Shell commands; with both `{in}` and `{out}` they read and write files, else standard input to standard output.
    public var compress: String
    public var decompress: String
    /// Set when the manifest could not be read: the submission gets a row saying so, and nothing runs.
    public var problem: String?

    /// Manifest file names, tried in this order.
    public static let manifestNames = ["submission.json", "submission.toml"]

    /// Swift packages are built in release mode with the product named in the manifest (default `codec`).
    static func swiftCommands(product: String) -> (build: String, compress: String, decompress: String) {
        let q = quote(product)
        return ("swift build -c release --product \(q)", ".build/release/\(q) compress", ".build/release/\(q) decompress")
    }

    static func quote(_ s: String) -> String {
        s.allSatisfy({ $0.isLetter || $0.isNumber || "-_./".contains($0) }) && !s.isEmpty
            ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Reads one submission directory.
    public static func load(_ directory: String) -> Submission {
        let id = CorpusPaths.baseName(directory)
        var s = Submission(id: id, directory: directory, kind: .commands, displayName: id, author: "",
                           build: nil, compress: "", decompress: "", problem: nil)
        let fm = FileManager.default
        let isPackage = fm.fileExists(atPath: directory + "/Package.swift")
        var fields: [String: String] = [:]
        for name in manifestNames where fm.fileExists(atPath: directory + "/" + name) {
            do {
                fields = try parseManifest(directory + "/" + name)
            } catch {
                s.problem = error.description
                return s
            }
            break
        }
        s.displayName = fields["name"].flatMap { $0.isEmpty ? nil : $0 } ?? id
        s.author = fields["author"] ?? ""
        if let compress = fields["compress"], let decompress = fields["decompress"] {
            s.compress = compress
            s.decompress = decompress
            s.build = fields["build"].flatMap { $0.isEmpty ? nil : $0 }
            s.kind = isPackage ? .swiftPackage : .commands
        } else if isPackage {
            let c = swiftCommands(product: fields["product"] ?? "codec")
            s.kind = .swiftPackage
            s.build = fields["build"] ?? c.build
            s.compress = c.compress
            s.decompress = c.decompress
        } else if fields.isEmpty {
            s.problem = "\(directory): neither a Swift package (Package.swift) nor a manifest (\(manifestNames.joined(separator: " or ")))"
        } else {
            let missing = ["compress", "decompress"].filter { fields[$0] == nil }
            s.problem = "\(directory): the manifest names no \(missing.joined(separator: " and ")) command"
        }
        if s.problem == nil {
            for (which, command) in [("compress", s.compress), ("decompress", s.decompress)]
            where command.contains("{in}") != command.contains("{out}") {
                s.problem = "\(directory): the \(which) command has only one of {in} and {out}; give both, or neither to use standard input and output"
            }
        }
        return s
    }

    /// Every subdirectory of `root` (hidden ones aside), sorted by name so shards agree.
    public static func discover(_ root: String) throws(GradeError) -> [Submission] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: root) } catch {
            throw GradeError("\(root): cannot list the submissions directory: \(error.localizedDescription)")
        }
        var isDir: ObjCBool = false
        let dirs = names.filter { !$0.hasPrefix(".") }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .filter { FileManager.default.fileExists(atPath: root + "/" + $0, isDirectory: &isDir) && isDir.boolValue }
        guard !dirs.isEmpty else { throw GradeError("\(root): no submission directories in it") }
        return dirs.map { load(root + "/" + $0) }
    }

    /// Manifest fields from JSON (an object of strings) or TOML-like `key = "value"` lines.
    static func parseManifest(_ path: String) throws(GradeError) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw GradeError("\(path): cannot read") }
        if path.hasSuffix(".json") {
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw GradeError("\(path): not a JSON object such as {\"compress\": \"…\", \"decompress\": \"…\"}")
            }
            var out: [String: String] = [:]
            for (k, v) in object {
                guard let s = v as? String else { throw GradeError("\(path): \"\(k)\" must be a string") }
                out[k] = s
            }
            return try checkKeys(out, path)
        }
        var out: [String: String] = [:]
        for (n, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else { throw GradeError("\(path):\(n + 1): expected key = \"value\"") }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
                if q == "\"" { value = value.replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\") }
            }
            out[key] = value
        }
        return try checkKeys(out, path)
    }

    static let knownKeys: Set<String> = ["name", "author", "build", "compress", "decompress", "product"]

    static func checkKeys(_ fields: [String: String], _ path: String) throws(GradeError) -> [String: String] {
        if let unknown = fields.keys.sorted().first(where: { !knownKeys.contains($0) }) {
            throw GradeError("\(path): unknown key '\(unknown)'; known: \(knownKeys.sorted().joined(separator: ", "))")
        }
        return fields
    }

    /// SHA-256 over the relative paths and contents of every file (build products and .git
    /// left out; a symbolic link counts by its target's name, never followed).
    public func contentHash() -> String {
        var h = SHA256()
        for (rel, kind) in Self.entries(under: directory) {
            h.update(rel)
            h.update([0])
            switch kind {
            case .file: h.update([UInt8](FileManager.default.contents(atPath: directory + "/" + rel) ?? Data()))
            case .link(let target): h.update("-> " + target)
            }
            h.update([0])
        }
        return h.finish()
    }

    /// Directories a submission may carry but that are never copied or hashed.
    static let ignored: Set<String> = [".build", ".git", ".swiftpm"]

    enum Entry: Equatable {
        case file
        case link(String)
    }

    /// Regular files and symbolic links below `root`, sorted, found without following links
    /// (a link to / must not make the grader walk the whole disk); other kinds are left out.
    static func entries(under root: String) -> [(String, Entry)] {
        var out: [(String, Entry)] = []
        func walk(_ rel: String) {
            let path = rel.isEmpty ? root : root + "/" + rel
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
            for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where !ignored.contains(name) {
                let r = rel.isEmpty ? name : rel + "/" + name
                var st = stat()
                guard lstat(root + "/" + r, &st) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR: walk(r)
                case S_IFREG: out.append((r, .file))
                case S_IFLNK:
                    let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: root + "/" + r)) ?? ""
                    out.append((r, .link(target)))
                default: continue
                }
            }
        }
        walk("")
        return out
    }

    static func files(under root: String) -> [String] { entries(under: root).map(\.0) }
}

/// An error of the grader itself (not of a submission, which gets a row instead).
public struct GradeError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

enum CorpusPaths {
    static func baseName(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p.split(separator: "/").last.map(String.init) ?? p
    }
}
