/// Decoder for `RangeEncoder` streams. Reads past the end of the input supply
/// zero bytes and are counted; `finish()` turns any such overrun into
/// `.truncated`. Since the caller decodes a known number of symbols and every
/// step consumes a bounded number of bytes, corrupt input can never make it
/// loop forever — it yields wrong symbols, a `.corrupt` error, or `.truncated`.
public struct RangeDecoder {
    @usableFromInline let base: UnsafeRawPointer?
    @usableFromInline let count: Int
    @usableFromInline var position: Int = 0
    @usableFromInline var overrun: Int = 0
    @usableFromInline var code: UInt64 = 0
    @usableFromInline var range: UInt64 = .max
    /// range / total of the pending `decodeTarget`, used by `consume`.
    @usableFromInline var step: UInt64 = 1

    /// Starts decoding `bytes` (which must stay valid while decoding).
    public init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress
        count = bytes.count
        _ = nextByte() // the encoder's first byte is always the initial (zero) cache
        for _ in 0..<8 { code = code << 8 | UInt64(nextByte()) }
    }

    @inlinable @inline(__always)
    mutating func nextByte() -> UInt8 {
        if position < count, let base {
            let b = base.load(fromByteOffset: position, as: UInt8.self)
            position &+= 1
            return b
        }
        overrun &+= 1
        return 0
    }

    @inlinable @inline(__always)
    mutating func normalize() {
        while range < 1 << 32 {
            code = code << 8 | UInt64(nextByte())
            range &<<= 8
        }
    }

    /// First half of decoding a frequency-coded symbol: the value in [0, total)
    /// that the model maps to a symbol. Throws `.corrupt` if the stream points
    /// outside [0, total). Follow with `consume(cumulative:frequency:)`.
    @inlinable @inline(__always)
    public mutating func decodeTarget(total: UInt32) throws(CodecError) -> UInt32 {
        guard total > 0 else { throw .invalidParameter("range decoder total of zero") }
        step = range / UInt64(total)
        let v = code / step
        guard v < UInt64(total) else { throw .corrupt("range decoder value outside the model's total at input byte \(position)") }
        return UInt32(truncatingIfNeeded: v)
    }

    /// Like `decodeTarget` without the second division: returns the coder's
    /// offset and the width of one count (`range / total`); the symbol is the
    /// one whose [cumulative, cumulative + frequency) · width holds the offset.
    /// Throws `.corrupt` if the offset is beyond total · width.
    @inlinable @inline(__always)
    public mutating func decodeScaledTarget(total: UInt32) throws(CodecError) -> (offset: UInt64, width: UInt64) {
        guard total > 0 else { throw .invalidParameter("range decoder total of zero") }
        step = range / UInt64(total)
        guard code < step &* UInt64(total) else {
            throw .corrupt("range decoder value outside the model's total at input byte \(position)")
        }
        return (code, step)
    }

    /// Second half: removes the decoded symbol's interval.
    @inlinable @inline(__always)
    public mutating func consume(cumulative: UInt32, frequency: UInt32) {
        code &-= step &* UInt64(cumulative)
        range = step &* UInt64(frequency)
        normalize()
    }

    /// Decodes one bit coded with `encodeBit(_:probabilityOfOne:)` and the same probability.
    @inlinable @inline(__always)
    public mutating func decodeBit(probabilityOfOne p: UInt32) -> Bool {
        let bound = (range >> 16) &* UInt64(p)
        let bit: Bool
        if code < bound {
            range = bound
            bit = true
        } else {
            code &-= bound
            range &-= bound
            bit = false
        }
        normalize()
        return bit
    }

    /// Decodes `count` bits each coded with `encodeBit` at probability one half
    /// (1 << 15), most significant first: the same result as `count` calls of
    /// `decodeBit(probabilityOfOne: 1 << 15)`. Such bits (the low bits of long
    /// distances) are coin tosses, so each is decoded without a branch on its
    /// value, which a predictor would miss half the time.
    @inlinable @inline(__always)
    public mutating func decodeEquiprobableBits(_ count: Int) -> Int {
        var value = 0
        var k = count
        while k > 0 {
            let bound = (range &>> 16) &<< 15
            let zero: UInt64 = code >= bound ? 1 : 0
            let mask = 0 &- zero
            code &-= bound & mask
            range = (range &- bound) & mask | bound & ~mask
            value = value &<< 1 | Int(1 &- zero)
            normalize()
            k &-= 1
        }
        return value
    }

    /// Bytes consumed, including zero bytes supplied past the end.
    public var consumedCount: Int { position + overrun }

    /// Throws `.truncated` if decoding needed bytes beyond the input.
    public func finish() throws(CodecError) {
        if overrun > 0 { throw .truncated }
    }
}
