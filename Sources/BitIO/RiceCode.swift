/// Golomb–Rice code with parameter k (0...63) for n ≥ 0: the quotient
/// n >> k in unary (zeros, then a one), then the k low bits of n:
/// ⌊n / 2^k⌋ + 1 + k bits (Rice, "Some practical universal noiseless coding
/// techniques", JPL 79-22, 1979; the Golomb code with m = 2^k).
///
/// The quotient is written in full, so pick k near log2 of the typical n:
/// a huge n with a small k makes a huge code. `decode` rejects quotients
/// above `UnaryCode.defaultLimit` and any whose value would not fit in 64 bits.
public enum RiceCode {
    /// Valid parameters.
    public static let parameterRange = 0...63

    @inlinable
    public static func codeLength(_ n: UInt64, k: Int) -> Int {
        let k = clamp(k)
        return UnaryCode.codeLength(n &>> UInt64(truncatingIfNeeded: k)) &+ k
    }

    @inlinable @inline(__always)
    static func clamp(_ k: Int) -> Int { Swift.min(Swift.max(k, 0), 63) }

    /// Writes n with parameter k (k outside 0...63 is clamped into it).
    @inlinable @inline(__always)
    public static func encode(_ n: UInt64, k: Int, to writer: inout BitWriter) {
        let k = clamp(k)
        let q = n &>> UInt64(truncatingIfNeeded: k)
        let low = n & ((1 &<< UInt64(truncatingIfNeeded: k)) &- 1)
        if q &+ 1 &+ UInt64(truncatingIfNeeded: k) <= 57 {
            // q zeros, a one, k low bits: one field whose high zeros are the quotient.
            let field = (1 &<< UInt64(truncatingIfNeeded: k)) | low
            writer.write(field, count: Int(truncatingIfNeeded: q) &+ 1 &+ k)
        } else {
            UnaryCode.encode(q, to: &writer)
            writer.writeWide(low, count: k)
        }
    }

    @inlinable @inline(__always)
    public static func decode(k: Int, from reader: inout BitReader) throws(CodecError) -> UInt64 {
        guard parameterRange.contains(k) else { throw .invalidParameter("Rice parameter k = \(k) is not in 0...63") }
        // Fast path: the whole codeword is within the 57+ loaded bits; one check, one shift.
        if reader.available < 57 { reader.fill() }
        let zeros = reader.acc.leadingZeroBitCount
        let length = zeros &+ 1 &+ k
        if length <= 57 {
            let low = ((reader.acc &<< UInt64(truncatingIfNeeded: zeros &+ 1)) &>> 1) &>> UInt64(truncatingIfNeeded: 63 &- k)
            reader.acc &<<= UInt64(truncatingIfNeeded: length)
            reader.available &-= length
            return UInt64(truncatingIfNeeded: zeros) &<< UInt64(truncatingIfNeeded: k) | low
        }
        let limit = Swift.min(UnaryCode.defaultLimit, UInt64.max &>> UInt64(truncatingIfNeeded: k))
        let q = try reader.readZerosBeforeOne(limit: Int(truncatingIfNeeded: limit))
        reader.skip(1)
        return UInt64(truncatingIfNeeded: q) &<< UInt64(truncatingIfNeeded: k) | reader.readWide(k)
    }
}
