import Container

/// One member of an archive as the index records it.
public struct ArchiveMember: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        case file = 0, directory = 1, symlink = 2, hardlink = 3, other = 4
        public var letter: Character {
            switch self {
            case .file: "-"
            case .directory: "d"
            case .symlink: "l"
            case .hardlink: "h"
            case .other: "?"
            }
        }
    }
    /// The name in the tar stream, without a trailing slash; raw bytes (not always UTF-8).
    public var name: [UInt8]
    public var kind: Kind
    /// Permission bits, with setuid, setgid and sticky (st_mode & 07777).
    public var mode: UInt32
    /// Bytes of data in the tar stream (0 for all but regular files).
    public var size: Int64
    public var mtime: Int64
    public var mtimeNanoseconds: Int32
    /// Target of a symbolic or hard link.
    public var link: [UInt8]
    /// Where the member's headers (pax extended header, then ustar header) start in the tar stream.
    public var headerOffset: Int64
    /// Where its data starts.
    public var dataOffset: Int64

    public init(name: [UInt8], kind: Kind, mode: UInt32, size: Int64, mtime: Int64, mtimeNanoseconds: Int32,
                link: [UInt8], headerOffset: Int64, dataOffset: Int64) {
        self.name = name
        self.kind = kind
        self.mode = mode
        self.size = size
        self.mtime = mtime
        self.mtimeNanoseconds = mtimeNanoseconds
        self.link = link
        self.headerOffset = headerOffset
        self.dataOffset = dataOffset
    }

    /// Where its data ends in the tar stream, padded to a 512-byte record.
    public var endOffset: Int64 { dataOffset + (size + 511) / 512 * 512 }
    public var displayName: String { printable(name) }
}

/// The trailing index of an archive: where each block of the content frame
/// lies and which part of the tar stream holds each member. Payload of a
/// skippable frame of kind "TIDX"; docs/ARCHIVE.md has the layout.
public struct ArchiveIndex: Sendable, Equatable {
    public static let kind: [UInt8] = Array("TIDX".utf8)
    public static let version: UInt8 = 1

    public var blocks: [BlockLocation]
    public var members: [ArchiveMember]
    /// Bytes of the content frame (header to end marker); the index frame follows it.
    public var frameSize: Int64

    public init(blocks: [BlockLocation], members: [ArchiveMember], frameSize: Int64) {
        self.blocks = blocks
        self.members = members
        self.frameSize = frameSize
    }

    public var rawSize: Int64 { blocks.reduce(0) { $0 + Int64($1.rawSize) } }

    public func encode() -> [UInt8] {
        var records = MemberRecords()
        for m in members { records.append(m) }
        return Self.encode(blocks: blocks, frameSize: frameSize, members: records)
    }

    /// The payload from blocks and members already encoded one by one (what
    /// `archive create` keeps while it writes: a few dozen bytes per member
    /// instead of a structure with two arrays each).
    public static func encode(blocks: [BlockLocation], frameSize: Int64, members: MemberRecords) -> [UInt8] {
        var out: [UInt8] = [version]
        putVarint(UInt64(frameSize), &out)
        putVarint(UInt64(blocks.count), &out)
        for b in blocks {
            putVarint(UInt64(b.recordSize), &out)
            putVarint(UInt64(b.rawSize), &out)
            out.append(b.stored ? 1 : 0)
        }
        putVarint(UInt64(members.count), &out)
        out += members.bytes
        return out
    }

    /// Members in their index encoding, appended as they are written.
    public struct MemberRecords: Sendable {
        public private(set) var bytes: [UInt8] = []
        public private(set) var count = 0
        /// The last member's header offset and end (offsets are stored as differences).
        public private(set) var lastHeaderOffset: Int64 = 0
        public private(set) var lastEndOffset: Int64 = 0

        public init() {}

        public mutating func append(_ m: ArchiveMember) {
            putBytes(m.name, &bytes)
            bytes.append(m.kind.rawValue)
            putVarint(UInt64(m.mode), &bytes)
            putVarint(UInt64(m.size), &bytes)
            putVarint(UInt64(bitPattern: (m.mtime << 1) ^ (m.mtime >> 63)), &bytes)  // zigzag: times before 1970 stay short
            putVarint(UInt64(m.mtimeNanoseconds), &bytes)
            putBytes(m.link, &bytes)
            // Offsets as differences: each member starts after the one before.
            putVarint(UInt64(m.headerOffset - lastHeaderOffset), &bytes)
            putVarint(UInt64(m.dataOffset - m.headerOffset), &bytes)
            lastHeaderOffset = m.headerOffset
            lastEndOffset = m.endOffset
            count += 1
        }
    }

    /// Parses and checks an index payload. Every count is checked against the
    /// bytes left before anything is reserved for it, and every offset against
    /// the content's size, so a hostile index costs no more memory than its size.
    /// `firstBlockAt`: the content frame's header size (16 bytes in version 1,
    /// 20 in version 2), where its first block starts.
    public static func decode(_ payload: [UInt8], firstBlockAt: Int64 = Int64(SqzFormat.headerSize)) throws(ArchiveError) -> ArchiveIndex {
        var r = IndexReader(bytes: payload)
        guard try r.byte() == version else { throw .index("unknown index version") }
        let frameSize = Int64(try r.varint(max: UInt64(Int64.max)))
        let blockCount = Int(try r.varint(max: UInt64(payload.count / 3)))
        var blocks: [BlockLocation] = []
        blocks.reserveCapacity(blockCount)
        var offset = firstBlockAt
        for _ in 0..<blockCount {
            let record = Int(try r.varint(max: UInt64(SqzFormat.maxBlockSize + 64)))
            let raw = Int(try r.varint(max: UInt64(SqzFormat.maxBlockSize)))
            let stored = try r.byte()
            guard record > 0, raw > 0, stored <= 1 else { throw .index("a block entry is malformed") }
            blocks.append(BlockLocation(frameOffset: offset, recordSize: record, rawSize: raw, stored: stored == 1))
            offset += Int64(record)
        }
        guard offset < frameSize else { throw .index("its blocks run past the end of the content frame") }
        let rawSize = blocks.reduce(Int64(0)) { $0 + Int64($1.rawSize) }
        let memberCount = Int(try r.varint(max: UInt64(payload.count / 10)))
        var members: [ArchiveMember] = []
        members.reserveCapacity(memberCount)
        var previousHeader: Int64 = 0
        for _ in 0..<memberCount {
            let name = try r.field()
            guard let kind = ArchiveMember.Kind(rawValue: try r.byte()) else { throw .index("unknown member type") }
            let mode = UInt32(try r.varint(max: 0o7777))
            let size = Int64(try r.varint(max: UInt64(rawSize)))
            let zig = try r.varint(max: UInt64.max)
            let mtime = Int64(bitPattern: zig >> 1) ^ -Int64(bitPattern: zig & 1)
            let nanos = Int32(try r.varint(max: 999_999_999))
            let link = try r.field()
            let header = previousHeader + Int64(try r.varint(max: UInt64(rawSize)))
            let data = header + Int64(try r.varint(max: UInt64(rawSize)))
            let m = ArchiveMember(name: name, kind: kind, mode: mode, size: size, mtime: mtime,
                                  mtimeNanoseconds: nanos, link: link, headerOffset: header, dataOffset: data)
            guard m.endOffset <= rawSize else { throw .index("member '\(m.displayName)' lies past the end of the content") }
            if let last = members.last, header < last.endOffset {
                throw .index("member '\(m.displayName)' overlaps the one before it")
            }
            members.append(m)
            previousHeader = header
        }
        guard r.atEnd else { throw .index("bytes left over after the last member") }
        return ArchiveIndex(blocks: blocks, members: members, frameSize: frameSize)
    }
}

private func putVarint(_ value: UInt64, _ out: inout [UInt8]) {
    var v = value
    while v >= 0x80 {
        out.append(UInt8(v & 0x7F) | 0x80)
        v >>= 7
    }
    out.append(UInt8(v))
}

private func putBytes(_ b: [UInt8], _ out: inout [UInt8]) {
    putVarint(UInt64(b.count), &out)
    out += b
}

/// Bounds-checked reading of an index payload.
private struct IndexReader {
    let bytes: [UInt8]
    var at = 0
    var atEnd: Bool { at == bytes.count }

    mutating func byte() throws(ArchiveError) -> UInt8 {
        guard at < bytes.count else { throw .index("truncated") }
        at += 1
        return bytes[at - 1]
    }

    mutating func varint(max: UInt64) throws(ArchiveError) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<10 {
            let b = try byte()
            if i == 9 && b > 1 { break }
            v |= UInt64(b & 0x7F) << (7 * UInt64(i))
            if b & 0x80 == 0 {
                guard v <= max else { throw .index("a field is out of range (\(v))") }
                return v
            }
        }
        throw .index("a number is longer than 64 bits")
    }

    mutating func field() throws(ArchiveError) -> [UInt8] {
        let n = Int(try varint(max: UInt64(bytes.count)))
        guard n <= bytes.count - at else { throw .index("truncated") }
        defer { at += n }
        return Array(bytes[at..<(at + n)])
    }
}
