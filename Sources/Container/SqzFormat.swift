import Codecs

/// Constants and small encoders of the `.sqz` frame; docs/FORMAT.md has the layout.
public enum SqzFormat {
    public static let magic: [UInt8] = [0x89, 0x53, 0x51, 0x5A] // "\x89SQZ"
    public static let version: UInt8 = 1
    public static let headerSize = 16
    public static let fileExtension = ".sqz"

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
}

/// What a frame header says.
public struct FrameHeader: Sendable, Equatable {
    public let version: UInt8
    public let codecID: UInt8
    public let level: UInt8
    public let blockSize: Int
}
