#if canImport(Glibc)
import Glibc
#endif
import CArchive

/// One file found by the walk, with what its tar header needs.
struct TreeItem {
    /// The member name (no leading '/' or './', no trailing '/').
    var name: [UInt8]
    /// Where the file is on disk.
    var diskPath: [UInt8]
    var kind: ArchiveMember.Kind
    var mode: UInt32
    var size: Int64
    var mtime: Int64
    var mtimeNanoseconds: Int32
    var link: [UInt8] = []
    var uid: UInt32
    var gid: UInt32
    var rdev: UInt64

    func fill(_ e: OpaquePointer) {
        name.withCString { archive_entry_copy_pathname(e, $0) }
        archive_entry_set_mode(e, mode_t(mode))
        archive_entry_set_size(e, kind == .file ? la_int64_t(size) : 0)
        archive_entry_set_mtime(e, time_t(mtime), Int(mtimeNanoseconds))
        archive_entry_set_uid(e, la_int64_t(uid))
        archive_entry_set_gid(e, la_int64_t(gid))
        if let u = UserNames.user(uid) { archive_entry_copy_uname(e, u) }
        if let g = UserNames.group(gid) { archive_entry_copy_gname(e, g) }
        switch kind {
        case .symlink: link.withCString { archive_entry_copy_symlink(e, $0) }
        case .hardlink: link.withCString { archive_entry_copy_hardlink(e, $0) }
        case .other: archive_entry_set_rdev(e, dev_t(rdev))
        default: break
        }
    }
}

/// Names of users and groups, looked up once each.
enum UserNames {
    nonisolated(unsafe) private static var users: [UInt32: String?] = [:]
    nonisolated(unsafe) private static var groups: [UInt32: String?] = [:]

    static func user(_ id: UInt32) -> String? {
        if let known = users[id] { return known }
        let name = getpwuid(id).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
        users[id] = name
        return name
    }

    static func group(_ id: UInt32) -> String? {
        if let known = groups[id] { return known }
        let name = getgrgid(id).flatMap { $0.pointee.gr_name.map { String(cString: $0) } }
        groups[id] = name
        return name
    }
}

/// Walks the paths given to `create`: each directory before what it holds,
/// names in byte order, symbolic links stored as links (never followed), a
/// file with several names stored once and then as hard links to that name.
struct TreeWalker {
    let excluded: [(dev: UInt64, ino: UInt64)]
    private var seen: [FileID: [UInt8]] = [:]
    var warnings: [String] = []

    struct FileID: Hashable {
        var dev: UInt64
        var ino: UInt64
    }

    init(excluded: [(dev: UInt64, ino: UInt64)]) {
        self.excluded = excluded
    }

    mutating func walk(_ path: String, _ visit: (TreeItem) throws(ArchiveError) -> Void) throws(ArchiveError) {
        let disk = Array(path.utf8)
        let name = try Self.memberName(disk)
        try visitPath(disk, name: name, visit)
    }

    /// The member name of a path given on the command line, as tar forms it:
    /// leading '/' and './' removed. A '..' component is refused: the archive
    /// would hold a name no safe extractor accepts.
    static func memberName(_ path: [UInt8]) throws(ArchiveError) -> [UInt8] {
        let parts = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        var kept: [[UInt8]] = []
        for p in parts {
            if p.elementsEqual([UInt8(ascii: ".")]) { continue }
            if p.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                throw .member(printable(path), "has a '..' component; name it without '..' (or use -C DIR)")
            }
            kept.append(Array(p))
        }
        return Array(kept.joined(separator: [UInt8(ascii: "/")]))
    }

    private mutating func visitPath(_ disk: [UInt8], name: [UInt8], _ visit: (TreeItem) throws(ArchiveError) -> Void) throws(ArchiveError) {
        var st = stat()
        guard disk.withCString({ lstat($0, &st) }) == 0 else {
            throw .member(printable(disk), String(cString: strerror(errno)))
        }
        let id = FileID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))
        if excluded.contains(where: { $0.dev == id.dev && $0.ino == id.ino }) { return }
        let type = st.st_mode & S_IFMT
        var item = TreeItem(name: name, diskPath: disk, kind: .other, mode: UInt32(st.st_mode), size: 0,
                            mtime: Int64(st.st_mtim.tv_sec), mtimeNanoseconds: Int32(st.st_mtim.tv_nsec),
                            uid: st.st_uid, gid: st.st_gid, rdev: UInt64(st.st_rdev))
        switch type {
        case S_IFREG:
            if st.st_nlink > 1, let first = seen[id] {
                item.kind = .hardlink
                item.link = first
            } else {
                item.kind = .file
                item.size = Int64(st.st_size)
                if st.st_nlink > 1 { seen[id] = name }
            }
        case S_IFDIR:
            item.kind = .directory
        case S_IFLNK:
            item.kind = .symlink
            var target = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = disk.withCString { p in target.withUnsafeMutableBufferPointer { readlink(p, $0.baseAddress!, $0.count) } }
            guard n >= 0 else { throw .member(printable(disk), "cannot read the link: \(String(cString: strerror(errno)))") }
            item.link = Array(target[0..<n])
        case S_IFSOCK:
            warnings.append("\(printable(disk)): socket ignored")
            return
        default:
            item.kind = .other
        }
        if !isValidUTF8(name) || name.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            warnings.append("\(printable(disk)): name is not UTF-8 or has control characters; "
                + "archived, but `squeeze archive extract` refuses such names (tar extracts them)")
        }
        if !name.isEmpty { try visit(item) }
        guard type == S_IFDIR else { return }
        for child in try Self.children(disk) {
            let childDisk = disk.last == UInt8(ascii: "/") ? disk + child : disk + [UInt8(ascii: "/")] + child
            let childName = name.isEmpty ? child : name + [UInt8(ascii: "/")] + child
            try visitPath(childDisk, name: childName, visit)
        }
    }

    /// A directory's entries in byte order, without '.' and '..'.
    static func children(_ dir: [UInt8]) throws(ArchiveError) -> [[UInt8]] {
        guard let d = dir.withCString({ opendir($0) }) else {
            throw .member(printable(dir), "cannot read the directory: \(String(cString: strerror(errno)))")
        }
        defer { closedir(d) }
        var names: [[UInt8]] = []
        while let ent = readdir(d) {
            let name = withUnsafeBytes(of: &ent.pointee.d_name) { raw in
                Array(raw.prefix(while: { $0 != 0 }))
            }
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            names.append(name)
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }
}

extension Array where Element == UInt8 {
    /// Calls `body` with these bytes as a NUL-terminated C string.
    func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        try (self + [0]).withUnsafeBufferPointer { p in
            try p.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }
}
