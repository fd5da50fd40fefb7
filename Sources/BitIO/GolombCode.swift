/// Golomb code with parameter m ≥ 1 for n ≥ 0: the quotient ⌊n / m⌋ in
/// unary (zeros, then a one), then the remainder r = n mod m in truncated
/// binary: with b = ⌈log2 m⌉ and u = 2^b − m, r < u takes b − 1 bits and
/// r ≥ u is written as r + u in b bits (Golomb, "Run-length encodings",
/// IEEE Trans. IT-12, 1966; Gallager & van Voorhis 1975).
///
/// m = 0 is outside the domain and is treated as 1 by the encoder; `decode`
/// rejects it. A power-of-two m gives the Rice code.
public enum GolombCode {
    /// b = ⌈log2 m⌉ and the cutoff u = 2^b − m (computed mod 2^64 when b = 64).
    @inlinable @inline(__always)
    static func remainderShape(_ m: UInt64) -> (bits: Int, cutoff: UInt64) {
        let b = m <= 1 ? 0 : 64 &- (m &- 1).leadingZeroBitCount
        let cutoff = (b == 64 ? 0 : (1 &<< UInt64(truncatingIfNeeded: b))) &- m
        return (b, cutoff)
    }

    @inlinable
    public static func codeLength(_ n: UInt64, m: UInt64) -> Int {
        let m = Swift.max(m, 1)
        let (b, u) = remainderShape(m)
        let r = n % m
        return UnaryCode.codeLength(n / m) &+ (r < u ? b &- 1 : b)
    }

    @inlinable
    public static func encode(_ n: UInt64, m: UInt64, to writer: inout BitWriter) {
        let m = Swift.max(m, 1)
        let (b, u) = remainderShape(m)
        let q = n / m
        let r = n % m
        UnaryCode.encode(q, to: &writer)
        if r < u {
            writer.writeWide(r, count: b &- 1)
        } else {
            writer.writeWide(r &+ u, count: b)
        }
    }

    @inlinable
    public static func decode(m: UInt64, from reader: inout BitReader) throws(CodecError) -> UInt64 {
        guard m >= 1 else { throw .invalidParameter("Golomb parameter m = 0") }
        let (b, u) = remainderShape(m)
        let limit = Swift.min(UnaryCode.defaultLimit, UInt64.max / m)
        let q = UInt64(truncatingIfNeeded: try reader.readZerosBeforeOne(limit: Int(truncatingIfNeeded: limit)))
        reader.skip(1)
        var r: UInt64 = 0
        if b > 0 {
            let x = reader.readWide(b &- 1)
            if x < u {
                r = x
            } else {
                r = (x &<< 1 | (reader.readBit() ? 1 : 0)) &- u
            }
        }
        let (base, overflow) = q.multipliedReportingOverflow(by: m)
        let (n, overflow2) = base.addingReportingOverflow(r)
        if overflow || overflow2 {
            throw .corrupt("Golomb: value exceeds 64 bits at bit \(reader.bitPosition)")
        }
        return n
    }
}
