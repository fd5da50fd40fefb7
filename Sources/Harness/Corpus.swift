#if canImport(Glibc)
import Glibc
#endif

/// One input file of a comparison.
public struct CorpusFile: Sendable, Hashable, Codable {
    public let path: String
    /// The file name within its corpus.
    public let name: String
    public let size: Int64

    public init(path: String, name: String, size: Int64) {
        self.path = path
        self.name = name
        self.size = size
    }
}

/// A directory of files compared together and totalled together.
public struct Corpus: Sendable, Codable {
    public let name: String
    public let path: String
    public var files: [CorpusFile]

    public init(name: String, path: String, files: [CorpusFile]) {
        self.name = name
        self.path = path
        self.files = files
    }
}

public struct CorpusError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// A file the walk left out, and why (the command prints these, so nothing is skipped silently).
public struct SkippedFile: Sendable, Equatable {
    public enum Reason: String, Sendable {
        /// README.md and MANIFEST.tsv beside a corpus manifest of this repository's form.
        case corpusMetadata = "corpus metadata"
        case hidden
        case excluded = "excluded by --exclude"
        case notIncluded = "not matched by --include"
        case notRegular = "not a regular file"
        /// stat failed: a dangling link, or no permission.
        case unreadable = "cannot be read"
    }
    public let path: String
    public let reason: Reason
}

/// Which files of a walked directory are measured: shell globs (fnmatch) tried
/// against the file name, or, for a pattern holding a "/", against the path
/// below the directory named on the command line ("calgary/paper*").
public struct CorpusFilter: Sendable {
    public var include: [String]
    public var exclude: [String]

    public init(include: [String] = [], exclude: [String] = []) {
        self.include = include
        self.exclude = exclude
    }

    static func matches(_ pattern: String, name: String, relativePath: String) -> Bool {
        fnmatch(pattern, pattern.contains("/") ? relativePath : name, 0) == 0
    }

    /// nil when the file is measured, else why not.
    func reason(name: String, relativePath: String) -> SkippedFile.Reason? {
        if !include.isEmpty, !include.contains(where: { Self.matches($0, name: name, relativePath: relativePath) }) {
            return .notIncluded
        }
        if exclude.contains(where: { Self.matches($0, name: name, relativePath: relativePath) }) { return .excluded }
        return nil
    }
}

/// Walks paths into corpora: a directory's own files form one corpus (named
/// after the directory), each subdirectory is walked the same way; files named
/// on the command line form a corpus of their own and are never filtered.
/// Order is sorted, so runs are deterministic. Hidden files, and README.md and
/// MANIFEST.tsv in a directory whose MANIFEST.tsv is a corpus manifest (header
/// "set, file, bytes, sha256", as `corpora/` has), are left out and reported.
public enum CorpusWalker {
    public static func walk(_ paths: [String]) throws(CorpusError) -> [Corpus] {
        try walk(paths, filter: CorpusFilter()).corpora
    }

    public static func walk(_ paths: [String], filter: CorpusFilter) throws(CorpusError) -> (corpora: [Corpus], skipped: [SkippedFile]) {
        var corpora: [Corpus] = []
        var loose: [CorpusFile] = []
        var skipped: [SkippedFile] = []
        for path in paths {
            var st = stat()
            guard stat(path, &st) == 0 else {
                throw CorpusError(description: "\(path): \(String(cString: strerror(errno)))")
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                let before = corpora.count
                try walkDirectory(path, relative: "", filter: filter, into: &corpora, skipped: &skipped)
                if corpora.count == before || corpora[before...].allSatisfy({ $0.files.isEmpty }) {
                    throw CorpusError(description: "\(path): no files to compare in this directory"
                        + (skipped.isEmpty ? "" : " (\(English.count(skipped.count, "file")) skipped)"))
                }
            } else {
                loose.append(CorpusFile(path: path, name: baseName(path), size: Int64(st.st_size)))
            }
        }
        if !loose.isEmpty { corpora.insert(Corpus(name: "files", path: ".", files: loose), at: 0) }
        return (corpora.filter { !$0.files.isEmpty }, skipped)
    }

    static func baseName(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p.split(separator: "/").last.map(String.init) ?? p
    }

    /// The header line of `corpora/MANIFEST.tsv`: a directory holding such a
    /// manifest is a corpus root, and its README.md and MANIFEST.tsv describe the corpus.
    static let manifestHeader = "set\tfile\tbytes\tsha256"

    static func isCorpusManifest(_ path: String) -> Bool {
        guard let bytes = try? read(path, limit: 256) else { return false }
        let header = String(decoding: bytes.prefix { $0 != 0x0A }, as: UTF8.self)
        // Later columns (origin, licence) may follow the four that identify a manifest.
        return header == manifestHeader || header.hasPrefix(manifestHeader + "\t")
    }

    static func walkDirectory(_ path: String, relative: String, filter: CorpusFilter,
                              into corpora: inout [Corpus], skipped: inout [SkippedFile]) throws(CorpusError) {
        guard let dir = opendir(path) else {
            throw CorpusError(description: "\(path): \(String(cString: strerror(errno)))")
        }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(dir)
        names.sort()
        let prefix = path.hasSuffix("/") ? path : path + "/"
        let metadata: Set<String> = names.contains("MANIFEST.tsv") && isCorpusManifest(prefix + "MANIFEST.tsv")
            ? ["README.md", "MANIFEST.tsv"] : []
        var files: [CorpusFile] = []
        var subdirectories: [(String, String)] = []
        for name in names {
            let full = prefix + name
            if name.hasPrefix(".") { skipped.append(SkippedFile(path: full, reason: .hidden)); continue }
            var st = stat()
            guard stat(full, &st) == 0 else { skipped.append(SkippedFile(path: full, reason: .unreadable)); continue }
            let rel = relative.isEmpty ? name : relative + "/" + name
            switch st.st_mode & S_IFMT {
            case S_IFDIR: subdirectories.append((full, rel))
            case S_IFREG:
                if metadata.contains(name) { skipped.append(SkippedFile(path: full, reason: .corpusMetadata)); continue }
                if let why = filter.reason(name: name, relativePath: rel) { skipped.append(SkippedFile(path: full, reason: why)); continue }
                files.append(CorpusFile(path: full, name: name, size: Int64(st.st_size)))
            default: skipped.append(SkippedFile(path: full, reason: .notRegular))
            }
        }
        corpora.append(Corpus(name: baseName(path), path: path, files: files))
        for (sub, rel) in subdirectories {
            try walkDirectory(sub, relative: rel, filter: filter, into: &corpora, skipped: &skipped)
        }
    }

    /// A one-line account of skipped files per reason, naming up to `shown` of each.
    public static func describe(_ skipped: [SkippedFile], shown: Int = 6) -> [String] {
        var lines: [String] = []
        var reasons: [SkippedFile.Reason] = []
        for s in skipped where !reasons.contains(s.reason) { reasons.append(s.reason) }
        for reason in reasons {
            let paths = skipped.filter { $0.reason == reason }.map(\.path)
            let more = paths.count > shown ? ", and \(paths.count - shown) more" : ""
            lines.append("skipped \(English.count(paths.count, "file")) (\(reason.rawValue)): "
                + paths.prefix(shown).joined(separator: ", ") + more)
        }
        return lines
    }

    /// The first `limit` bytes of a file.
    static func read(_ path: String, limit: Int) throws(CorpusError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CorpusError(description: "\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: limit)
        let n = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, limit) }
        return n > 0 ? Array(out.prefix(n)) : []
    }

    /// Reads a whole file into memory.
    public static func read(_ path: String) throws(CorpusError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CorpusError(description: "\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        fstat(fd, &st)
        var out = [UInt8](repeating: 0, count: Int(st.st_size))
        var filled = 0
        while filled < out.count {
            let n = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw CorpusError(description: "\(path): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            filled += n
        }
        if filled < out.count { out.removeLast(out.count - filled) }
        return out
    }
}
