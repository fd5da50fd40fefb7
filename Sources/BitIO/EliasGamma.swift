/// Elias γ code for n ≥ 1: ⌊log2 n⌋ zeros, then n in binary (which starts
/// with its leading one): 2⌊log2 n⌋ + 1 bits (Elias, "Universal codeword sets
/// and representations of the integers", IEEE Trans. IT-21, 1975).
///
/// n = 0 is outside the domain and is written as 1; use `encode(zeroBased:)`
/// for values that may be 0. Every n up to `UInt64.max` is supported.
public enum EliasGamma {
    /// ⌊log2 n⌋ for n ≥ 1 (0 for n = 0).
    @inlinable @inline(__always)
    static func floorLog2(_ n: UInt64) -> Int { 63 &- (n | 1).leadingZeroBitCount }

    @inlinable
    public static func codeLength(_ n: UInt64) -> Int { 2 &* floorLog2(n) &+ 1 }

    @inlinable @inline(__always)
    public static func encode(_ n: UInt64, to writer: inout BitWriter) {
        let v = n | UInt64(n == 0 ? 1 : 0)
        let l = floorLog2(v)
        if l <= 28 {
            // The l leading zeros are the zero high bits of a (2l+1)-bit field.
            writer.write(v, count: 2 &* l &+ 1)
        } else {
            writer.writeWide(0, count: l)
            writer.writeWide(v, count: l &+ 1)
        }
    }

    /// Encodes n ≥ 0 as γ(n + 1); n = `UInt64.max` is out of range and written as γ(`UInt64.max`).
    @inlinable @inline(__always)
    public static func encode(zeroBased n: UInt64, to writer: inout BitWriter) {
        encode(n == .max ? n : n &+ 1, to: &writer)
    }

    @inlinable @inline(__always)
    public static func decode(from reader: inout BitReader) throws(CodecError) -> UInt64 {
        if reader.available < 57 { reader.fill() }
        let zeros = reader.acc.leadingZeroBitCount
        if zeros <= 28 {
            // The codeword is n itself in 2·zeros + 1 bits, all loaded already.
            let length = 2 &* zeros &+ 1
            let n = reader.acc &>> UInt64(truncatingIfNeeded: 64 &- length)
            reader.acc &<<= UInt64(truncatingIfNeeded: length)
            reader.available &-= length
            return n
        }
        let l = try reader.readZerosBeforeOne(limit: 63)
        return reader.readWide(l &+ 1)
    }

    /// Inverse of `encode(zeroBased:)`.
    @inlinable @inline(__always)
    public static func decodeZeroBased(from reader: inout BitReader) throws(CodecError) -> UInt64 {
        try decode(from: &reader) &- 1
    }
}
