/// Elias ω (recursive) code for n ≥ 1: groups that each give the bit length
/// of the next, starting from 1, ending with n's own binary and a 0
/// (Elias 1975). Length: ω(1) = 1, ω(n) = ⌊log2 n⌋ + 1 + ω(⌊log2 n⌋).
///
/// n = 0 is outside the domain and is written as 1; use `encode(zeroBased:)`
/// for values that may be 0. Every n up to `UInt64.max` is supported.
public enum EliasOmega {
    @inlinable
    public static func codeLength(_ n: UInt64) -> Int {
        var length = 1
        var v = n
        while v > 1 {
            let l = EliasGamma.floorLog2(v)
            length &+= l &+ 1
            v = UInt64(l)
        }
        return length
    }

    @inlinable
    public static func encode(_ n: UInt64, to writer: inout BitWriter) {
        writeGroups(n, to: &writer)
        writer.write(0, count: 1)
    }

    /// Writes the groups for v > 1 (the group of ⌊log2 v⌋ first); at most six levels deep.
    @inlinable
    static func writeGroups(_ v: UInt64, to writer: inout BitWriter) {
        guard v > 1 else { return }
        let l = EliasGamma.floorLog2(v)
        writeGroups(UInt64(l), to: &writer)
        writer.writeWide(v, count: l &+ 1)
    }

    /// Encodes n ≥ 0 as ω(n + 1); n = `UInt64.max` is out of range and written as ω(`UInt64.max`).
    @inlinable
    public static func encode(zeroBased n: UInt64, to writer: inout BitWriter) {
        encode(n == .max ? n : n &+ 1, to: &writer)
    }

    /// Each group is longer than the value before it, so a valid code has at most
    /// six groups; a group that would need more than 64 bits is corrupt.
    @inlinable
    public static func decode(from reader: inout BitReader) throws(CodecError) -> UInt64 {
        var n: UInt64 = 1
        while reader.readBit() {
            if n >= 64 {
                throw reader.isOverrun ? .truncated
                    : .corrupt("Elias omega: group of \(n + 1) bits exceeds 64 at bit \(reader.bitPosition)")
            }
            // The one just read is the leading bit of the group.
            n = (1 &<< n) | reader.readWide(Int(n))
        }
        return n
    }

    /// Inverse of `encode(zeroBased:)`.
    @inlinable
    public static func decodeZeroBased(from reader: inout BitReader) throws(CodecError) -> UInt64 {
        try decode(from: &reader) &- 1
    }
}
