#if canImport(Glibc)
import Glibc
#endif
import CArchive
import Container

/// How `extract` may touch the disk. The defaults are the safe ones.
public struct ExtractOptions: Sendable {
    /// Replace existing files (-f); without it an existing name is refused.
    public var overwrite = false
    /// Restore owners (--same-owner; only root can).
    public var sameOwner = false
    /// Keep setuid and setgid bits; by default they are cleared.
    public var keepSetID = false
    /// Most bytes of file data to write in all (--max-output); nil: no limit.
    public var maxOutput: Int64?
    /// Members to extract (a directory brings what is under it); empty: all.
    public var members: [String] = []

    public init() {}
}

public struct ExtractSummary: Sendable {
    public var members = 0
    public var dataBytes: Int64 = 0
    public var blocksDecoded = 0
    public var blocksTotal = 0
}

/// Extracts members to disk through libarchive's disk writer, with its
/// refusals of absolute paths, '..' and paths through symbolic links, and
/// checks of our own in front of them (docs/ARCHIVE.md, "Security model").
/// Each member is complete or absent: a member whose data fails is removed.
public enum ArchiveExtractor {
    /// Longest name accepted, in bytes, and deepest nesting.
    public static let maxNameBytes = 4095
    public static let maxDepth = 1024

    /// Extracts into `directory` (which must exist). Changes the process's
    /// working directory while it runs, as tar does, so that every name
    /// libarchive sees is relative and checked as such; restores it after.
    public static func extract(
        _ file: ArchiveFile, into directory: String, options: ExtractOptions,
        listing: ((ArchiveMember) -> Void)? = nil
    ) throws(ArchiveError) -> ExtractSummary {
        let selection = options.members.map { Array($0.utf8) }.map(normalized)
        var matched = [Bool](repeating: false, count: selection.count)
        /// Whether the member is wanted (every member when no names are given); marks every
        /// name that selects it as found (`src src/a.c`, or a name given twice).
        func selected(_ name: [UInt8]) -> Bool {
            if selection.isEmpty { return true }
            let n = normalized(name)
            var any = false
            for (i, s) in selection.enumerated() where n == s || (n.count > s.count && n.starts(with: s) && n[s.count] == UInt8(ascii: "/")) {
                matched[i] = true
                any = true
            }
            return any
        }

        // With an index, only the stream ranges of the chosen members are decoded.
        var ranges: [Range<Int64>]? = nil
        // The members the stream will show, in order, when the index says so: a
        // damaged block met while reading a header is reported as the next one's.
        var feedOrder: [ArchiveMember]? = nil
        if let index = file.index, !selection.isEmpty {
            var chosen = Set<Int>()
            for (i, m) in index.members.enumerated() {
                guard selected(m.name) else { continue }
                chosen.insert(i)
                // A hard link needs the file it names, which comes earlier.
                if m.kind == .hardlink, let t = index.members[..<i].lastIndex(where: { $0.name == normalized(m.link) || $0.name == m.link }) {
                    chosen.insert(t)
                }
            }
            if let missing = matched.firstIndex(of: false) { throw .notFound(options.members[missing]) }
            var merged: [Range<Int64>] = []
            for i in chosen.sorted() {
                let m = index.members[i]
                if let last = merged.last, last.upperBound == m.headerOffset {
                    merged[merged.count - 1] = last.lowerBound..<m.endOffset
                } else {
                    merged.append(m.headerOffset..<m.endOffset)
                }
            }
            ranges = merged
            feedOrder = chosen.sorted().map { index.members[$0] }
        } else if let index = file.index {
            feedOrder = index.members
        }

        let saved = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard saved >= 0 else { throw .io("cannot open the current directory: \(String(cString: strerror(errno)))") }
        defer {
            _ = fchdir(saved)
            close(saved)
        }
        guard chdir(directory) == 0 else { throw .io("\(directory): \(String(cString: strerror(errno)))") }

        return try withUTF8Locale { () throws(ArchiveError) -> ExtractSummary in
            let feed = TarFeed(file, ranges: ranges)
            let reader = try TarReader(feed)
            guard let w = archive_write_disk_new() else { throw .library("libarchive: out of memory") }
            defer { archive_write_free(w) }
            var flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM
                | ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_SECURE_SYMLINKS
            if !options.overwrite { flags |= ARCHIVE_EXTRACT_NO_OVERWRITE }
            if options.sameOwner && geteuid() == 0 {
                flags |= ARCHIVE_EXTRACT_OWNER
                archive_write_disk_set_standard_lookup(w)
            }
            archive_write_disk_set_options(w, flags)

            var policy = ExtractionPolicy(options: options)
            var summary = ExtractSummary()
            var previous: [UInt8]? = nil
            var seen = 0
            while true {
                let entry: OpaquePointer
                do throws(ArchiveError) {
                    guard let e = try reader.next(after: previous) else { break }
                    entry = e
                } catch {
                    if let damage = feed.error, let order = feedOrder, seen < order.count {
                        throw damage.about(member: order[seen].name)
                    }
                    throw error
                }
                seen += 1
                let name = entryName(entry)
                previous = name
                // With an index the feed holds only the chosen members (and the files their hard links need).
                guard ranges != nil || selected(name) else {
                    guard archive_read_data_skip(reader.handle) >= ARCHIVE_WARN else { throw reader.failure("skipping").about(member: name) }
                    continue
                }
                let m = member(entry, headerOffset: 0, dataOffset: 0)
                if normalized(name) == [UInt8(ascii: ".")] {
                    // "./" stands for the target directory itself, which we leave as it is.
                    guard archive_read_data_skip(reader.handle) >= ARCHIVE_WARN else { throw reader.failure("skipping") }
                    continue
                }
                try policy.check(m, declaredSize: Int64(archive_entry_size(entry)))
                if !options.keepSetID {
                    archive_entry_set_perm(entry, archive_entry_perm(entry) & ~mode_t(0o6000))
                }
                if archive_write_header(w, entry) < ARCHIVE_WARN {
                    throw ArchiveError.member(m.displayName, libraryMessage(w))
                }
                if m.kind == .file {
                    do throws(ArchiveError) {
                        summary.dataBytes += try copyData(reader, to: w, member: m, policy: &policy)
                    } catch {
                        // Atomic per member: what was written of it goes.
                        _ = name.withCString { unlink($0) }
                        throw error
                    }
                }
                if archive_write_finish_entry(w) < ARCHIVE_WARN {
                    if m.kind == .file { _ = name.withCString { unlink($0) } }
                    throw ArchiveError.member(m.displayName, libraryMessage(w))
                }
                policy.extracted(m)
                summary.members += 1
                listing?(m)
            }
            if let missing = matched.firstIndex(of: false) { throw .notFound(options.members[missing]) }
            // Directory times and modes are set last, once nothing more goes into them.
            if archive_write_close(w) < ARCHIVE_WARN { throw .library("finishing: \(libraryMessage(w))") }
            summary.blocksDecoded = file.blocksDecoded
            summary.blocksTotal = file.blocks.count
            return summary
        }
    }

    private static func copyData(
        _ reader: TarReader, to w: OpaquePointer, member m: ArchiveMember, policy: inout ExtractionPolicy
    ) throws(ArchiveError) -> Int64 {
        var total: Int64 = 0
        while true {
            var buffer: UnsafeRawPointer?
            var size = 0
            var offset: la_int64_t = 0
            let rc = archive_read_data_block(reader.handle, &buffer, &size, &offset)
            if rc == ARCHIVE_EOF { return total }
            guard rc >= ARCHIVE_WARN else { throw reader.dataFailure().about(member: m.name) }
            try policy.wrote(Int64(size), member: m)
            // libarchive's disk writer reports a failed write(2) (a full disk) as ARCHIVE_WARN,
            // not as a failure: any status below ARCHIVE_OK means the data did not reach the file.
            guard archive_write_data_block(w, buffer, size, offset) >= ARCHIVE_OK else {
                throw .member(m.displayName, libraryMessage(w))
            }
            total += Int64(size)
        }
    }
}

/// Strips leading "./" and trailing "/" so names compare as the user types them.
func normalized(_ name: [UInt8]) -> [UInt8] {
    var n = name[...]
    while n.count > 2 && n.starts(with: [UInt8(ascii: "."), UInt8(ascii: "/")]) { n = n.dropFirst(2) }
    while n.count > 1 && n.last == UInt8(ascii: "/") { n = n.dropLast() }
    return Array(n)
}

/// Our checks on each member before libarchive sees it. They repeat what
/// libarchive's SECURE flags enforce (so a refusal names the member and the
/// reason in our words, whatever the library version) and add what it does
/// not: hard links only to files extracted earlier, names that are not
/// printable, depth, an existing file without -f, the total output limit.
struct ExtractionPolicy {
    let options: ExtractOptions
    private var files = Set<[UInt8]>()
    private var symlinks = Set<[UInt8]>()
    private var written: Int64 = 0

    init(options: ExtractOptions) {
        self.options = options
    }

    func check(_ m: ArchiveMember, declaredSize: Int64) throws(ArchiveError) {
        let name = normalized(m.name)
        try checkName(name, m, what: "name")
        if m.kind == .other {
            throw .member(m.displayName, "is a device, FIFO or socket; not extracted")
        }
        // A symbolic link made earlier in this run must not redirect a later member.
        let parts = name.split(separator: UInt8(ascii: "/"))
        var prefix: [UInt8] = []
        for p in parts.dropLast() {
            prefix += (prefix.isEmpty ? [] : [UInt8(ascii: "/")]) + p
            if symlinks.contains(prefix) {
                throw .member(m.displayName, "would be written through the symbolic link '\(printable(prefix))' extracted before it")
            }
        }
        if m.kind == .hardlink {
            let target = normalized(m.link)
            try checkName(target, m, what: "hard link target")
            guard files.contains(target) else {
                throw .member(m.displayName, "is a hard link to '\(printable(m.link))', which is not a file extracted before it from this archive")
            }
        }
        if m.kind == .symlink {
            guard !m.link.contains(where: { $0 < 0x20 || $0 == 0x7F }), isValidUTF8(m.link) else {
                throw .member(m.displayName, "its link target has control characters or is not UTF-8")
            }
        }
        if !options.overwrite {
            var st = stat()
            if name.withCString({ lstat($0, &st) }) == 0 && !(m.kind == .directory && (st.st_mode & S_IFMT) == S_IFDIR) {
                throw .member(m.displayName, "already exists; not overwritten (use -f to replace it)")
            }
        }
        if let limit = options.maxOutput, m.kind == .file, declaredSize > limit - written {
            throw .member(m.displayName, "declares \(SqzFormat.sizeText(Int(clamping: declaredSize))), more than the \(SqzFormat.sizeText(Int(clamping: limit))) --max-output allows"
                + (written > 0 ? " after the \(SqzFormat.sizeText(Int(clamping: written))) already written" : ""))
        }
    }

    private func checkName(_ name: [UInt8], _ m: ArchiveMember, what: String) throws(ArchiveError) {
        if name.isEmpty { throw .member(m.displayName, "empty \(what)") }
        if name.first == UInt8(ascii: "/") { throw .member(m.displayName, "\(what) is an absolute path") }
        let parts = name.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        if parts.contains(where: { $0.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) }) {
            throw .member(m.displayName, "\(what) has a '..' component")
        }
        if name.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw .member(m.displayName, "\(what) has control characters")
        }
        if !isValidUTF8(name) { throw .member(m.displayName, "\(what) is not valid UTF-8") }
        if name.count > ArchiveExtractor.maxNameBytes {
            throw .member(String(m.displayName.prefix(60)) + "…", "\(what) is \(name.count) bytes long, more than \(ArchiveExtractor.maxNameBytes)")
        }
        if parts.count > ArchiveExtractor.maxDepth {
            throw .member(String(m.displayName.prefix(60)) + "…", "\(what) is \(parts.count) levels deep, more than \(ArchiveExtractor.maxDepth)")
        }
    }

    /// Counts data as it is written; the declared size was checked, this catches a stream that lies.
    mutating func wrote(_ n: Int64, member m: ArchiveMember) throws(ArchiveError) {
        written += n
        if let limit = options.maxOutput, written > limit {
            throw .member(m.displayName, "output passes the \(SqzFormat.sizeText(Int(clamping: limit))) --max-output allows")
        }
    }

    mutating func extracted(_ m: ArchiveMember) {
        let name = normalized(m.name)
        switch m.kind {
        case .file, .hardlink: files.insert(name)
        case .symlink: symlinks.insert(name)
        default: break
        }
    }
}
