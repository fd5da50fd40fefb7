#if canImport(Glibc)
import Glibc
#endif
import CArchive
import Codecs
import Container

/// What `create` wrote.
public struct ArchiveCreateSummary: Sendable {
    public var members = 0
    public var frame: FrameSummary
    /// Bytes of the whole file: content frame and index frame.
    public var fileBytes: Int64
    public var warnings: [String] = []
}

/// Writes a directory tree as an archive: a pax tar stream written by
/// libarchive, compressed block by block into one `.sqz` frame, followed by
/// the index frame (docs/ARCHIVE.md). Trees are walked in byte order of names,
/// so the same tree gives the same archive.
public struct ArchiveCreator {
    public let compressor: SqzCompressor
    /// Files never archived (device, inode): the output being written.
    public var excluded: [(dev: UInt64, ino: UInt64)] = []
    /// Told the bytes of file data read so far and the members written.
    public var progress: ((Int64, Int) -> Void)?

    public init(compressor: SqzCompressor) {
        self.compressor = compressor
    }

    /// Archives `paths` (relative to the current directory) into `sink`.
    public func create<K: ByteSink>(paths: [String], to sink: inout K) throws(ArchiveError) -> ArchiveCreateSummary {
        try withUTF8Locale { () throws(ArchiveError) -> ArchiveCreateSummary in
            let out = TarOutput(writer: SqzFrameWriter(compressor), sink: sink)
            defer { if let s = out.sink as? K { sink = s } }
            return try write(paths: paths, out: out)
        }
    }

    private func write(paths: [String], out: TarOutput) throws(ArchiveError) -> ArchiveCreateSummary {
        guard let a = archive_write_new() else { throw .library("libarchive: out of memory") }
        defer { archive_write_free(a) }
        archive_write_set_format_pax(a)
        // No blocking: every write reaches the callback at once, so the
        // stream offsets recorded for the index are exact, and no padding
        // follows the end-of-archive records.
        archive_write_set_bytes_per_block(a, 0)
        let context = Unmanaged.passUnretained(out).toOpaque()
        guard archive_write_open(a, context, nil, tarOutputWrite, nil) == ARCHIVE_OK else {
            throw .library(libraryMessage(a))
        }
        var walker = TreeWalker(excluded: excluded)
        var members = ArchiveIndex.MemberRecords()
        var dataRead: Int64 = 0
        var warnings: [String] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let cutsByKind = out.writer.compressor.auto != nil
        for path in paths {
            try walker.walk(path) { (item) throws(ArchiveError) in
                var fd: Int32 = -1
                defer { if fd >= 0 { close(fd) } }
                if item.kind == .file && item.size > 0 {
                    fd = item.diskPath.withCString { open($0, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
                    guard fd >= 0 else { throw .member(printable(item.name), "cannot open: \(String(cString: strerror(errno)))") }
                }
                // Auto mode: a member large enough to matter that is of another kind
                // than the block being filled starts a block of its own.
                var pending = 0
                let classed = cutsByKind && item.kind == .file && item.size >= Self.kindMemberBytes
                // When this member ends, the blocks after it are judged by their own bytes again.
                defer { if classed { out.writer.followingBlockKind = nil } }
                if classed {
                    pending = try readSome(fd, into: &buffer, limit: Int(Swift.min(Int64(buffer.count), item.size)), name: item.name)
                    let kind = buffer.withUnsafeBytes { AutoSelector.kind(AutoSelector.features(UnsafeRawBufferPointer(rebasing: $0[0..<Swift.min(pending, Self.kindSampleBytes)]))) }
                    if kind != out.writer.blockKind {
                        if out.writer.blockBytes >= Self.kindBlockBytes {
                            try out.endBlock()
                        }
                        out.writer.blockKind = kind
                    }
                    // Blocks this member runs on into hold it too; those after it are judged by their bytes.
                    out.writer.followingBlockKind = kind
                }
                let headerOffset = out.tarBytes
                guard let entry = archive_entry_new() else { throw .library("libarchive: out of memory") }
                defer { archive_entry_free(entry) }
                item.fill(entry)
                let rc = archive_write_header(a, entry)
                if let e = out.error { throw e }
                guard rc >= ARCHIVE_WARN else { throw .member(printable(item.name), libraryMessage(a)) }
                let dataOffset = out.tarBytes
                if item.kind == .file && item.size > 0 {
                    var left = item.size
                    while left > 0 {
                        let n: Int
                        if pending > 0 {
                            n = pending
                            pending = 0
                        } else {
                            n = try readSome(fd, into: &buffer, limit: Int(Swift.min(Int64(buffer.count), left)), name: item.name)
                        }
                        if n == 0 {
                            // The file shrank while we read it: libarchive pads the member with zeros.
                            warnings.append("\(printable(item.name)): file shrank while being read; padded with zeros")
                            break
                        }
                        let w = buffer.withUnsafeBytes { archive_write_data(a, $0.baseAddress!, n) }
                        if let e = out.error { throw e }
                        guard w == n else { throw .member(printable(item.name), libraryMessage(a)) }
                        left -= Int64(n)
                        dataRead += Int64(n)
                        progress?(dataRead, members.count)
                    }
                }
                guard archive_write_finish_entry(a) >= ARCHIVE_WARN else { throw .member(printable(item.name), libraryMessage(a)) }
                if let e = out.error { throw e }
                members.append(ArchiveMember(
                    name: item.name, kind: item.kind, mode: item.mode & 0o7777, size: item.kind == .file ? item.size : 0,
                    mtime: item.mtime, mtimeNanoseconds: item.mtimeNanoseconds, link: item.link,
                    headerOffset: headerOffset, dataOffset: dataOffset))
                progress?(dataRead, members.count)
            }
        }
        guard archive_write_close(a) == ARCHIVE_OK else {
            if let e = out.error { throw e }
            throw .library(libraryMessage(a))
        }
        do {
            let frame = try out.writer.finish(to: &out.sink)
            let payload = ArchiveIndex.encode(blocks: out.writer.blocks, frameSize: frame.frameBytes, members: members)
            let indexFrame = SkippableFrame.encode(kind: ArchiveIndex.kind, payload: payload)
            try indexFrame.withUnsafeBytes { p in try out.sink.write(p) }
            return ArchiveCreateSummary(members: members.count, frame: frame,
                                        fileBytes: frame.frameBytes + Int64(indexFrame.count), warnings: walker.warnings + warnings)
        } catch let e as SqzError {
            throw .container(e)
        } catch {
            throw .io("\(error)")
        }
    }
}

extension ArchiveCreator {
    /// Auto mode's block cuts (docs/ARCHIVE.md, "Codecs, and auto in archives"): members of at least
    /// `kindMemberBytes` are classed by their first `kindSampleBytes`; one of
    /// another kind than the block being filled ends that block, if it holds at
    /// least `kindBlockBytes` (smaller members join the block they fall in).
    static let kindMemberBytes: Int64 = 64 << 10
    static let kindSampleBytes = 256 << 10
    static let kindBlockBytes = 64 << 10
}

/// One read(2) of up to `limit` bytes into `buffer` (retried on EINTR); 0 at the end of the file.
private func readSome(_ fd: Int32, into buffer: inout [UInt8], limit: Int, name: [UInt8]) throws(ArchiveError) -> Int {
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, limit) }
        if n >= 0 { return n }
        if errno != EINTR { throw .member(printable(name), "read error: \(String(cString: strerror(errno)))") }
    }
}

/// Receives libarchive's output and compresses it.
final class TarOutput {
    var writer: SqzFrameWriter
    var sink: any ByteSink
    var tarBytes: Int64 = 0
    var error: ArchiveError?

    init(writer: SqzFrameWriter, sink: any ByteSink) {
        self.writer = writer
        self.sink = sink
    }

    func accept(_ p: UnsafeRawBufferPointer) -> Bool {
        // libarchive writes again after a failed write (closing the archive): the first error stands.
        guard error == nil else { return false }
        do {
            try writer.write(p, to: &sink)
        } catch {
            self.error = .container(error)
            return false
        }
        tarBytes += Int64(p.count)
        return true
    }

    /// Codes the block being filled now, shorter than the block size.
    func endBlock() throws(ArchiveError) {
        do {
            try writer.endBlock(to: &sink)
        } catch {
            throw .container(error)
        }
    }
}

private func tarOutputWrite(
    _ a: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ buffer: UnsafeRawPointer?, _ length: Int
) -> la_ssize_t {
    guard let context else { return -1 }
    let out = Unmanaged<TarOutput>.fromOpaque(context).takeUnretainedValue()
    guard length > 0, let buffer else { return 0 }
    return out.accept(UnsafeRawBufferPointer(start: buffer, count: length)) ? la_ssize_t(length) : -1
}

func libraryMessage(_ a: OpaquePointer?) -> String {
    guard let a, let m = archive_error_string(a) else { return "libarchive error" }
    let message = String(cString: m)
    // libarchive's "Write failed" or "Can't create 'x'" leave the reason in its errno.
    let code = archive_errno(a)
    guard code > 0, let reason = strerror(code).map({ String(cString: $0) }), !message.contains(reason) else { return message }
    return message + ": " + reason
}

/// Runs `body` with this thread's character set UTF-8, so libarchive writes
/// and reads pax names as UTF-8 whatever the user's locale (a name that is
/// not UTF-8 is stored as raw bytes, marked as such).
func withUTF8Locale<R>(_ body: () throws(ArchiveError) -> R) throws(ArchiveError) -> R {
    guard let utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil) else { return try body() }
    let old = uselocale(utf8)
    defer {
        uselocale(old)
        freelocale(utf8)
    }
    return try body()
}
