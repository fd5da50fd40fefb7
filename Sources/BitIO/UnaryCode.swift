/// Unary code for n ≥ 0: n zero bits, then a one bit (n + 1 bits).
///
/// Zeros come first so that the length prefix of Elias γ is exactly this
/// code and a decoder finds the end with one leading-zero count
/// (Elias 1975; Salomon, "Variable-length Codes for Data Compression", 2007, §2.1).
public enum UnaryCode {
    /// Largest n `decode` accepts unless told otherwise: a longer run of zeros is corrupt.
    public static let defaultLimit: UInt64 = 1 << 32

    /// n + 1 (saturating at `Int.max` for absurd n).
    @inlinable
    public static func codeLength(_ n: UInt64) -> Int {
        n >= UInt64(Int.max) ? Int.max : Int(n) &+ 1
    }

    /// Writes n zeros and a one; long runs go out 56 zeros per write.
    @inlinable @inline(__always)
    public static func encode(_ n: UInt64, to writer: inout BitWriter) {
        var zeros = n
        while zeros > 56 {
            writer.write(0, count: 56)
            zeros &-= 56
        }
        writer.write(1, count: Int(truncatingIfNeeded: zeros) &+ 1)
    }

    /// Reads a unary number; more than `limit` zeros is `.corrupt`, zeros
    /// running past the end of the input are `.truncated`.
    @inlinable @inline(__always)
    public static func decode(from reader: inout BitReader, limit: UInt64 = defaultLimit) throws(CodecError) -> UInt64 {
        let n = try reader.readZerosBeforeOne(limit: Int(clamping: limit))
        reader.skip(1)
        return UInt64(truncatingIfNeeded: n)
    }
}
