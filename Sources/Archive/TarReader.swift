#if canImport(Glibc)
import Glibc
#endif
import CArchive
import Container

/// libarchive reading a tar stream that a `TarFeed` supplies.
final class TarReader {
    let feed: TarFeed
    let handle: OpaquePointer

    init(_ feed: TarFeed) throws(ArchiveError) {
        guard let r = archive_read_new() else { throw .library("libarchive: out of memory") }
        self.feed = feed
        handle = r
        archive_read_support_format_tar(r)
        guard archive_read_open(r, Unmanaged.passUnretained(feed).toOpaque(), nil, tarFeedRead, nil) == ARCHIVE_OK else {
            // deinit frees the handle: every stored property is set by now.
            throw feed.error ?? .library("reading the tar stream: \(libraryMessage(r))")
        }
    }

    deinit { archive_read_free(handle) }

    /// The error behind a failed libarchive call: damaged data from the feed,
    /// else libarchive's message about the tar stream.
    func failure(_ what: String) -> ArchiveError {
        if let e = feed.error { return .library("\(e) (\(what))") }
        return .library("\(what): \(libraryMessage(handle))")
    }

    /// The error behind a failed read of a member's data: the damaged block itself when there is one.
    func dataFailure() -> ArchiveError {
        feed.error ?? .library(libraryMessage(handle))
    }

    /// The next entry, or nil at the end of the archive.
    func next(after previous: [UInt8]?) throws(ArchiveError) -> OpaquePointer? {
        var entry: OpaquePointer?
        let rc = archive_read_next_header(handle, &entry)
        if rc == ARCHIVE_EOF { return nil }
        guard rc >= ARCHIVE_WARN, let entry else {
            let where_ = previous.map { "after member '\(printable($0))'" } ?? "at the start"
            throw failure("reading the tar header \(where_)")
        }
        return entry
    }

    /// Reads (and drops) the current entry's data, so every block under it is decoded and checked.
    func readData(of name: [UInt8]) throws(ArchiveError) -> Int64 {
        var total: Int64 = 0
        while true {
            var buffer: UnsafeRawPointer?
            var size = 0
            var offset: la_int64_t = 0
            let rc = archive_read_data_block(handle, &buffer, &size, &offset)
            if rc == ARCHIVE_EOF { return total }
            guard rc >= ARCHIVE_WARN else { throw dataFailure().about(member: name) }
            total += Int64(size)
        }
    }
}

private func tarFeedRead(
    _ a: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ buffer: UnsafeMutablePointer<UnsafeRawPointer?>?
) -> la_ssize_t {
    guard let context, let buffer else { return -1 }
    let feed = Unmanaged<TarFeed>.fromOpaque(context).takeUnretainedValue()
    guard let piece = feed.read() else { return -1 }  // the reason is in feed.error
    buffer.pointee = piece.baseAddress
    return la_ssize_t(piece.count)
}

/// An entry's name as raw bytes, without a trailing '/'.
func entryName(_ entry: OpaquePointer) -> [UInt8] {
    guard let p = archive_entry_pathname(entry) else { return [] }
    var name = Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p)))
    while name.count > 1 && name.last == UInt8(ascii: "/") { name.removeLast() }
    return name
}

func entryLink(_ entry: OpaquePointer) -> [UInt8] {
    guard let p = archive_entry_hardlink(entry) ?? archive_entry_symlink(entry) else { return [] }
    return Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p)))
}

/// The index's view of an entry read from the tar stream.
func member(_ entry: OpaquePointer, headerOffset: Int64, dataOffset: Int64) -> ArchiveMember {
    let mode = UInt32(archive_entry_mode(entry))
    let kind: ArchiveMember.Kind
    if archive_entry_hardlink(entry) != nil {
        kind = .hardlink
    } else {
        switch mode & UInt32(Glibc.S_IFMT) {
        case UInt32(Glibc.S_IFREG): kind = .file
        case UInt32(Glibc.S_IFDIR): kind = .directory
        case UInt32(Glibc.S_IFLNK): kind = .symlink
        default: kind = .other
        }
    }
    return ArchiveMember(
        name: entryName(entry), kind: kind, mode: mode & 0o7777,
        size: kind == .file ? Int64(archive_entry_size(entry)) : 0,
        mtime: Int64(archive_entry_mtime(entry)), mtimeNanoseconds: Int32(archive_entry_mtime_nsec(entry)),
        link: entryLink(entry), headerOffset: headerOffset, dataOffset: dataOffset)
}

/// Listing and testing whole archives.
public enum ArchiveReading {
    /// The members: from the index without decoding anything, or, for a
    /// compressed tar without one, by decoding the stream and reading its headers.
    public static func members(of file: ArchiveFile) throws(ArchiveError) -> [ArchiveMember] {
        if let index = file.index { return index.members }
        return try withUTF8Locale { () throws(ArchiveError) -> [ArchiveMember] in
            let reader = try TarReader(TarFeed(file))
            var out: [ArchiveMember] = []
            while let entry = try reader.next(after: out.last?.name) {
                let at = Int64(archive_read_header_position(reader.handle))
                out.append(member(entry, headerOffset: at, dataOffset: at))
            }
            return out
        }
    }

    /// The blocks (0-based) holding a member's headers and data.
    public static func blocks(of m: ArchiveMember, in file: ArchiveFile) -> ClosedRange<Int> {
        guard !file.blocks.isEmpty else { return 0...0 }
        return file.block(holding: m.headerOffset)...file.block(holding: Swift.max(m.headerOffset, m.endOffset - 1))
    }

    /// Decodes every block, checks every checksum and the end marker, reads
    /// every member through libarchive, and checks the index against the
    /// stream: the same members, at the offsets it says. Returns the member count.
    public static func test(_ file: ArchiveFile) throws(ArchiveError) -> Int {
        try withUTF8Locale { () throws(ArchiveError) -> Int in
            let feed = TarFeed(file)
            let reader = try TarReader(feed)
            var count = 0
            var previous: [UInt8]? = nil
            while let entry = try reader.next(after: previous) {
                let name = entryName(entry)
                if let index = file.index {
                    guard count < index.members.count else { throw .index("the stream holds more members than the index") }
                    let expected = index.members[count]
                    let at = Int64(archive_read_header_position(reader.handle))
                    guard expected.name == name, expected.headerOffset == at else {
                        throw .index("member \(count + 1) is '\(printable(name))' at offset \(at) in the stream, "
                            + "but the index says '\(expected.displayName)' at \(expected.headerOffset)")
                    }
                }
                _ = try reader.readData(of: name)
                previous = name
                count += 1
            }
            if let index = file.index, index.members.count != count {
                throw .index("the index lists \(index.members.count) members, the stream holds \(count)")
            }
            // The stream's zero records and any padding after them: decode the rest.
            while let piece = feed.read(), piece.count > 0 {}
            if let e = feed.error { throw e }
            try file.checkEndMarker(contentCRC: feed.content.value)
            return count
        }
    }
}
