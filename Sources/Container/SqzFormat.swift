import Codecs

/// Constants and small encoders of the `.sqz` frame; docs/FORMAT.md has the layout.
public enum SqzFormat {
    public static let magic: [UInt8] = [0x89, 0x53, 0x51, 0x5A] // "\x89SQZ"
    /// The version written when no long-range stage is used: every reader since
    /// the first reads it.
    public static let version: UInt8 = 1
    /// Version 2: a 20-byte header with the long-range window, and per block its
    /// codec, level and filter ids and a long-range reference section (docs/FORMAT.md).
    public static let version2: UInt8 = 2
    /// The versions this build reads.
    public static let readableVersions: ClosedRange<UInt8> = 1...2
    /// Bytes of a version-1 header, and the first bytes of every header (through the block size and a CRC32 in version 1).
    public static let headerSize = 16
    public static let headerSizeV2 = 20
    /// Flag bit of a version-2 header: blocks carry long-range references.
    public static let longRangeFlag: UInt8 = 1
    /// Long-range windows a frame may declare: 2^10 … 2^40 bytes.
    public static let windowLogRange: ClosedRange<UInt8> = 10...40
    public static let fileExtension = ".sqz"
    /// The codec id a version-2 frame header carries in auto mode: no codec of
    /// its own, every block names its codec (never a registered codec's id).
    public static let autoCodecID: UInt8 = 255

    /// Largest block a frame may declare. Checked before any allocation, so a
    /// hostile header costs at most this much memory (and only once the data is there).
    public static let maxBlockSize = 256 << 20
    public static let minBlockSize = 1 << 10

    enum Tag: UInt8 {
        case end = 0
        case coded = 1
        case stored = 2
    }

    /// A size for messages and tables: "64 MiB", "1.5 GiB", "700 KiB", "12 bytes",
    /// to a tenth of its unit. `roundingUp` (the default) is for a need, which
    /// must never be understated; sizes that are only shown round to nearest.
    /// The one size formatter of the package: the CLI's and the plain-format
    /// readers' messages use it too.
    public static func sizeText(_ n: Int, roundingUp: Bool = true) -> String {
        if n < 1 << 10 { return n == 1 ? "1 byte" : "\(n) bytes" }
        for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] where n >= 1 << shift {
            // Exact in a Double up to 2^53 bytes (a division by a power of two loses nothing).
            let tenths = Int((Double(n) * 10 / Double(1 << shift)).rounded(roundingUp ? .up : .toNearestOrAwayFromZero))
            return tenths % 10 == 0 ? "\(tenths / 10) \(unit)" : "\(tenths / 10).\(tenths % 10) \(unit)"
        }
        return "\(n) bytes"
    }

    /// A size as a `--memory` argument that covers `n`: whole MiB, rounded up.
    public static func sizeArgument(_ n: Int) -> String {
        "\((n + (1 << 20) - 1) >> 20)M"
    }

    /// LEB128 unsigned varint.
    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func appendLE32(_ value: UInt32, to out: inout [UInt8]) {
        for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(i)))) }
    }

    static func readLE32(_ b: [UInt8], _ at: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(b[at + $1]) << (8 * UInt32($1)) }
    }

    /// Frame header: magic, version, codec id, level, flags, block size, CRC32 of the 12 bytes before it.
    static func header(codecID: UInt8, level: UInt8, blockSize: Int) -> [UInt8] {
        var h = magic + [version, codecID, level, 0]
        appendLE32(UInt32(blockSize), to: &h)
        appendLE32(CRC32.checksum(h), to: &h)
        return h
    }

    /// Version-2 header: as version 1 through the block size, then the window
    /// log (0: no long-range stage), three zero bytes, and a CRC32 of the 16 bytes before it.
    static func headerV2(codecID: UInt8, level: UInt8, blockSize: Int, windowLog: UInt8) -> [UInt8] {
        var h = magic + [version2, codecID, level, windowLog > 0 ? longRangeFlag : 0]
        appendLE32(UInt32(blockSize), to: &h)
        h += [windowLog, 0, 0, 0]
        appendLE32(CRC32.checksum(h), to: &h)
        return h
    }

    /// The smallest window log whose window holds `window` bytes (within `windowLogRange`).
    public static func windowLog(for window: Int64) -> UInt8 {
        var log: UInt8 = windowLogRange.lowerBound
        while log < windowLogRange.upperBound && Int64(1) << Int64(log) < window { log += 1 }
        return log
    }
}

/// What a frame header says.
public struct FrameHeader: Sendable, Equatable {
    public let version: UInt8
    public let codecID: UInt8
    public let level: UInt8
    public let blockSize: Int
    /// log2 of the long-range window; 0 when the frame has no long-range stage (always in version 1).
    public var windowLog: UInt8 = 0

    public init(version: UInt8, codecID: UInt8, level: UInt8, blockSize: Int, windowLog: UInt8 = 0) {
        self.version = version
        self.codecID = codecID
        self.level = level
        self.blockSize = blockSize
        self.windowLog = windowLog
    }

    /// Bytes of the header itself.
    public var size: Int { version >= SqzFormat.version2 ? SqzFormat.headerSizeV2 : SqzFormat.headerSize }
    /// An auto-mode frame: version 2 with the reserved codec id; every block names its codec.
    public var isAuto: Bool { version >= SqzFormat.version2 && codecID == SqzFormat.autoCodecID }
    /// The long-range window in bytes, nil without one.
    public var window: Int64? { windowLog > 0 ? Int64(1) << Int64(windowLog) : nil }
}
