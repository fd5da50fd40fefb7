/// Elias δ code for n ≥ 1: the bit length N = ⌊log2 n⌋ + 1 in γ, then the
/// N − 1 bits of n below its leading one:
/// ⌊log2 n⌋ + 2⌊log2(⌊log2 n⌋ + 1)⌋ + 1 bits (Elias 1975).
///
/// n = 0 is outside the domain and is written as 1; use `encode(zeroBased:)`
/// for values that may be 0. Every n up to `UInt64.max` is supported.
public enum EliasDelta {
    @inlinable
    public static func codeLength(_ n: UInt64) -> Int {
        let l = EliasGamma.floorLog2(n)
        return l &+ EliasGamma.codeLength(UInt64(l &+ 1))
    }

    @inlinable @inline(__always)
    public static func encode(_ n: UInt64, to writer: inout BitWriter) {
        let v = n | UInt64(n == 0 ? 1 : 0)
        let l = EliasGamma.floorLog2(v)
        let lengthBits = 2 &* EliasGamma.floorLog2(UInt64(l &+ 1)) &+ 1
        let low = v ^ (1 &<< UInt64(truncatingIfNeeded: l))
        if l &+ lengthBits <= 57 {
            writer.write(UInt64(l &+ 1) &<< UInt64(truncatingIfNeeded: l) | low, count: l &+ lengthBits)
        } else {
            writer.write(UInt64(l &+ 1), count: lengthBits)
            writer.writeWide(low, count: l)
        }
    }

    /// Encodes n ≥ 0 as δ(n + 1); n = `UInt64.max` is out of range and written as δ(`UInt64.max`).
    @inlinable @inline(__always)
    public static func encode(zeroBased n: UInt64, to writer: inout BitWriter) {
        encode(n == .max ? n : n &+ 1, to: &writer)
    }

    @inlinable @inline(__always)
    public static func decode(from reader: inout BitReader) throws(CodecError) -> UInt64 {
        // The length prefix is γ of 1...64, so at most 6 zeros.
        let lengthZeros = try reader.readZerosBeforeOne(limit: 6)
        let bitLength = Int(truncatingIfNeeded: reader.read(lengthZeros &+ 1))
        if bitLength > 64 {
            throw .corrupt("Elias delta: length \(bitLength) exceeds 64 bits at bit \(reader.bitPosition)")
        }
        let l = bitLength &- 1
        return (1 &<< UInt64(truncatingIfNeeded: l)) | reader.readWide(l)
    }

    /// Inverse of `encode(zeroBased:)`.
    @inlinable @inline(__always)
    public static func decodeZeroBased(from reader: inout BitReader) throws(CodecError) -> UInt64 {
        try decode(from: &reader) &- 1
    }
}
