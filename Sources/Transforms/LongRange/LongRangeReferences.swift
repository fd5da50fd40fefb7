import BitIO

/// One long repeat inside a block: `literalLength` bytes taken in order from the
/// residual, then `length` bytes copied from `distance` bytes back in the stream.
/// The source may lie in earlier blocks or earlier in this block, and may overlap
/// the bytes being produced (`distance < length` repeats a period of `distance` bytes).
public struct LongRangeReference: Equatable, Hashable, Sendable {
    public var literalLength: Int
    public var distance: Int64
    public var length: Int

    public init(literalLength: Int, distance: Int64, length: Int) {
        self.literalLength = literalLength
        self.distance = distance
        self.length = length
    }
}

/// The byte layout of one block's references (docs/LONG.md):
///
///     varint  N, the number of references
///     N × (varint literalLength, varint length, varint distance)
///     4       CRC32 (little-endian) of every byte before it
///
/// varints are unsigned LEB128 of at most 9 bytes, as everywhere in the `.sqz`
/// format. Bytes after the literal run of the last reference are residual literals
/// up to the block's raw size; they are not counted here.
public enum LongRangeReferenceSection {
    /// Appends the section for `references` to `out`.
    public static func encode(_ references: [LongRangeReference], into out: inout [UInt8]) {
        let from = out.count
        appendVarint(UInt64(references.count), to: &out)
        for r in references {
            appendVarint(UInt64(clamping: r.literalLength), to: &out)
            appendVarint(UInt64(clamping: r.length), to: &out)
            appendVarint(UInt64(clamping: r.distance), to: &out)
        }
        let crc = out[from...].withUnsafeBytes { CRC32.checksum($0) }
        for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k)))) }
    }

    /// The section as a new array.
    public static func encode(_ references: [LongRangeReference]) -> [UInt8] {
        var out: [UInt8] = []
        encode(references, into: &out)
        return out
    }

    /// Parses and validates one block's section.
    ///
    /// - Parameters:
    ///   - section: the section's bytes, its CRC32 included.
    ///   - rawSize: the block's raw size; literal runs and lengths must fit in it.
    ///   - window: the largest distance the stream allows.
    ///   - streamOffset: the block's first byte's stream offset (bytes produced before it);
    ///     no reference may reach before the stream's start.
    /// - Returns: the references; the residual must hold `rawSize` minus the sum of their lengths.
    /// - Throws: `CodecError.corrupt` naming what is wrong (checksum, a count, a length or a distance).
    public static func decode(_ section: UnsafeRawBufferPointer, rawSize: Int, window: Int64,
                              streamOffset: Int64) throws(CodecError) -> [LongRangeReference] {
        guard section.count >= 5 else {
            throw .corrupt("long-range references: section of \(section.count) bytes is shorter than the 5 bytes of an empty one")
        }
        guard rawSize >= 0, window >= 0, streamOffset >= 0 else {
            throw .invalidParameter("long-range references: raw size \(rawSize), window \(window) and stream offset \(streamOffset) must not be negative")
        }
        let body = UnsafeRawBufferPointer(rebasing: section[0..<(section.count - 4)])
        var stored: UInt32 = 0
        for k in 0..<4 { stored |= UInt32(section[section.count - 4 + k]) << (8 * UInt32(k)) }
        let actual = CRC32.checksum(body)
        guard stored == actual else {
            throw .corrupt("long-range references: checksum mismatch (stored \(hex(stored)), computed \(hex(actual)))")
        }
        var at = 0
        let n = try readVarint(body, &at, "reference count")
        // Each reference takes at least 3 bytes, and each copies at least one byte:
        // a count beyond either bound is damage, found before allocating for it.
        guard n <= UInt64((body.count - at) / 3), n <= UInt64(rawSize) else {
            throw .corrupt("long-range references: count \(n) does not fit in a section of \(section.count) bytes for a block of \(rawSize) bytes")
        }
        var refs: [LongRangeReference] = []
        refs.reserveCapacity(Int(n))
        var position = 0  // bytes of the block produced before the next reference
        for i in 0..<Int(n) {
            let lit = try readVarint(body, &at, "literal run of reference \(i + 1)")
            let len = try readVarint(body, &at, "length of reference \(i + 1)")
            let dist = try readVarint(body, &at, "distance of reference \(i + 1)")
            let room = UInt64(rawSize - position)
            guard lit <= room else {
                throw .corrupt("long-range references: literal run \(lit) of reference \(i + 1) passes the block end (\(room) bytes left)")
            }
            guard len >= 1, len <= room - lit else {
                throw .corrupt("long-range references: length \(len) of reference \(i + 1) is 0 or passes the block end (\(room - lit) bytes left)")
            }
            let here = streamOffset + Int64(position) + Int64(lit)
            guard dist >= 1, dist <= UInt64(window) else {
                throw .corrupt("long-range references: distance \(dist) of reference \(i + 1) is outside 1...\(window) (the window)")
            }
            guard Int64(dist) <= here else {
                throw .corrupt("long-range references: distance \(dist) of reference \(i + 1) reaches before the stream start (only \(here) bytes produced)")
            }
            position += Int(lit) + Int(len)
            refs.append(LongRangeReference(literalLength: Int(lit), distance: Int64(dist), length: Int(len)))
        }
        guard at == body.count else {
            throw .corrupt("long-range references: \(body.count - at) unexpected bytes after reference \(n)")
        }
        return refs
    }

    public static func decode(_ section: [UInt8], rawSize: Int, window: Int64, streamOffset: Int64) throws(CodecError) -> [LongRangeReference] {
        // Typed errors go out through the result: `withUnsafeBytes` only rethrows untyped ones.
        let result: Result<[LongRangeReference], CodecError> = section.withUnsafeBytes { s in
            do throws(CodecError) { return .success(try decode(s, rawSize: rawSize, window: window, streamOffset: streamOffset)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// At most 9 bytes (63 bits), so every value fits in Int64 and Int.
    static func readVarint(_ b: UnsafeRawBufferPointer, _ at: inout Int, _ what: String) throws(CodecError) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<9 {
            guard at < b.count else { throw .corrupt("long-range references: section ends inside the \(what)") }
            let byte = b[at]
            at += 1
            v |= UInt64(byte & 0x7F) << (7 * UInt64(k))
            if byte & 0x80 == 0 { return v }
        }
        throw .corrupt("long-range references: the \(what) is a varint longer than 9 bytes")
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - s.count) + s
    }
}
