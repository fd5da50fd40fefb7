#if canImport(Glibc)
import Glibc
#endif

/// One input file of a comparison.
public struct CorpusFile: Sendable, Hashable, Codable {
    public let path: String
    /// The file name within its corpus.
    public let name: String
    public let size: Int64
}

/// A directory of files compared together and totalled together.
public struct Corpus: Sendable, Codable {
    public let name: String
    public let path: String
    public var files: [CorpusFile]
}

public struct CorpusError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Walks paths into corpora: a directory's own files form one corpus (named
/// after the directory), each subdirectory is walked the same way; files named
/// on the command line form a corpus of their own. Order is sorted, so runs are
/// deterministic. Hidden files and the corpus documentation files (README*,
/// MANIFEST*) are skipped.
public enum CorpusWalker {
    public static func walk(_ paths: [String]) throws(CorpusError) -> [Corpus] {
        var corpora: [Corpus] = []
        var loose: [CorpusFile] = []
        for path in paths {
            var st = stat()
            guard stat(path, &st) == 0 else {
                throw CorpusError(description: "\(path): \(String(cString: strerror(errno)))")
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                let before = corpora.count
                try walkDirectory(path, into: &corpora)
                if corpora.count == before || corpora[before...].allSatisfy({ $0.files.isEmpty }) {
                    throw CorpusError(description: "\(path): no files to compare in this directory")
                }
            } else {
                loose.append(CorpusFile(path: path, name: baseName(path), size: Int64(st.st_size)))
            }
        }
        if !loose.isEmpty { corpora.insert(Corpus(name: "files", path: ".", files: loose), at: 0) }
        return corpora.filter { !$0.files.isEmpty }
    }

    static func baseName(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p.split(separator: "/").last.map(String.init) ?? p
    }

    static func isSkipped(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasPrefix("README") || name.hasPrefix("MANIFEST")
    }

    static func walkDirectory(_ path: String, into corpora: inout [Corpus]) throws(CorpusError) {
        guard let dir = opendir(path) else {
            throw CorpusError(description: "\(path): \(String(cString: strerror(errno)))")
        }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." && !isSkipped(name) { names.append(name) }
        }
        closedir(dir)
        names.sort()
        var files: [CorpusFile] = []
        var subdirectories: [String] = []
        let prefix = path.hasSuffix("/") ? path : path + "/"
        for name in names {
            let full = prefix + name
            var st = stat()
            guard stat(full, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFDIR: subdirectories.append(full)
            case S_IFREG: files.append(CorpusFile(path: full, name: name, size: Int64(st.st_size)))
            default: continue
            }
        }
        corpora.append(Corpus(name: baseName(path), path: path, files: files))
        for sub in subdirectories { try walkDirectory(sub, into: &corpora) }
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
