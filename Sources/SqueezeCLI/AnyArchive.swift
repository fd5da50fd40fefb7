#if canImport(Glibc)
import Glibc
#endif
import SqueezeKit

/// What one decoded (or listed) input turned out to be: a `.sqz` stream, or a
/// plain gzip, bzip2, xz or zstd file recognised by its magic, as zstd's
/// command line recognises the others' formats.
enum ArchiveSummary {
    case sqz(FrameSummary)
    case foreign(ForeignSummary)

    /// Bytes of content, when known.
    var rawBytes: Int64? {
        switch self {
        case .sqz(let s): s.rawBytes
        case .foreign(let s): s.uncompressedBytes
        }
    }

    /// "lz77 -6, 3 blocks" or "gzip, 2 members": for -v lines.
    var description: String {
        switch self {
        case .sqz(let s):
            let frames = s.frames > 1 ? "\(English.count(s.frames, "frame")), " : ""
            return "\(s.method), \(frames)\(English.count(s.blocks, "block"))"
        case .foreign(let s):
            return s.format.rawValue + (s.members.map { ", " + English.count($0, s.format.memberName) } ?? "")
        }
    }
}

/// True when `error` (possibly wrapped by a foreign decoder) says the reader of
/// our output went away.
func isBrokenPipe(_ error: Error) -> Bool {
    if let e = error as? SqzError, e == .brokenPipe { return true }
    if let e = error as? ForeignError, case .io(.brokenPipe) = e { return true }
    return false
}

/// Decodes (or with `decode: false` only walks) whatever is on `fd`: a `.sqz`
/// stream, or a plain file of one of the formats `ForeignFormat` knows.
func decodeAnyArchive<K: ByteSink>(
    fd: Int32, to sink: inout K, decode: Bool, memoryLimit: Int, threads: Int = 1, outputDescriptor: Int32? = nil,
    recordBlocks: Bool = false, progress: ((Int64) -> Void)? = nil
) throws -> ArchiveSummary {
    var source = FileSource(fd: fd)
    let (format, prefix) = try ForeignFormat.sniff(&source)
    if let format {
        if decode {
            return .foreign(try format.decompress(prefix: prefix, from: source, to: &sink, memoryLimit: UInt64(memoryLimit),
                                                  progress: { progress?($0.uncompressedBytes) }))
        }
        return .foreign(try format.inspect(prefix: prefix, from: source, exact: false, memoryLimit: UInt64(memoryLimit)))
    }
    return .sqz(try SqzDecompressor(registry: .standard).decompress(
        from: PrefixedSource(prefix: prefix, source: source), to: &sink, decode: decode, memoryLimit: memoryLimit,
        threads: threads, outputDescriptor: outputDescriptor, recordBlocks: recordBlocks, progress: progress))
}

/// `fd` when it is an empty regular file written from its start, so a long-range
/// frame can read earlier output back from it instead of keeping its window in
/// memory; nil otherwise (a pipe, a terminal, a file opened for appending).
func readableBackOutput(_ fd: Int32) -> Int32? {
    var st = stat()
    guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size == 0,
          lseek(fd, 0, SEEK_CUR) == 0 else { return nil }
    let flags = fcntl(fd, F_GETFL)
    guard flags >= 0, flags & O_APPEND == 0, flags & O_ACCMODE == O_RDWR else { return nil }
    return fd
}
