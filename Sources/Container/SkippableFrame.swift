import Codecs

/// A frame that carries metadata beside the content and that every reader of
/// content skips: `squeeze -d` writes nothing for it. The archive layer keeps
/// its member index in one after the content's frame (docs/ARCHIVE.md).
///
/// Layout: magic `89 53 51 53` ("\x89SQS"), a 4-byte kind, the payload size P
/// (8 bytes, little-endian), CRC32 of those 16 bytes; the payload; then a
/// trailer of the payload's CRC32 and P again, so the frame can also be found
/// by reading backwards from the end of a file.
public enum SkippableFrame {
    public static let magic: [UInt8] = [0x89, 0x53, 0x51, 0x53]
    public static let headerSize = 20
    public static let trailerSize = 12
    /// Largest payload `load` accepts; skipping has no limit because it allocates nothing.
    public static let maxLoadedPayload = 1 << 30

    /// The bytes of a frame of this kind (4 bytes, e.g. "TIDX") around `payload`.
    public static func encode(kind: [UInt8], payload: [UInt8]) -> [UInt8] {
        precondition(kind.count == 4, "a skippable frame's kind has 4 bytes")
        var out = magic + kind
        appendLE64(UInt64(payload.count), to: &out)
        SqzFormat.appendLE32(CRC32.checksum(out), to: &out)
        out += payload
        SqzFormat.appendLE32(CRC32.checksum(payload), to: &out)
        appendLE64(UInt64(payload.count), to: &out)
        return out
    }

    /// Kind and payload size of a 20-byte header; checks magic and checksum.
    public static func parseHeader(_ h: [UInt8]) throws(SqzError) -> (kind: [UInt8], payloadSize: UInt64) {
        guard h.count == headerSize, Array(h[0..<4]) == magic else { throw .headerCorrupt("not a skippable frame") }
        guard CRC32.checksum(Array(h[0..<16])) == SqzFormat.readLE32(h, 16) else {
            throw .headerCorrupt("skippable frame header checksum mismatch")
        }
        return (Array(h[4..<8]), readLE64(h, 8))
    }

    /// Payload CRC32 and size from a 12-byte trailer.
    public static func parseTrailer(_ t: [UInt8]) -> (payloadCRC: UInt32, payloadSize: UInt64) {
        (SqzFormat.readLE32(t, 0), readLE64(t, 4))
    }

    static func appendLE64(_ value: UInt64, to out: inout [UInt8]) {
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    static func readLE64(_ b: [UInt8], _ at: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[at + $1]) << (8 * UInt64($1)) }
    }
}
