/// A range coder (Martin, "Range encoding: an algorithm for removing redundancy
/// from a digitised message", 1979) with a 32-bit range, a 33-bit low and
/// carry propagation through a pending byte and a count of pending 0xFF bytes,
/// so no precision is given away to avoid carries.
///
/// Two ways to code: `encode(cumulative:frequency:total:)` for multi-symbol
/// frequency models (total ≤ 2^16) and `encodeBit(_:probabilityOfOne:)` for
/// binary models with 16-bit probabilities. Both may be mixed in one stream.
public struct RangeEncoder: Sendable {
    @usableFromInline var low: UInt64 = 0
    @usableFromInline var range: UInt32 = 0xFFFF_FFFF
    /// The byte not yet written because a carry may still change it.
    @usableFromInline var cache: UInt8 = 0
    /// 1 + number of 0xFF bytes waiting behind `cache`.
    @usableFromInline var pendingCount: Int = 1
    @usableFromInline var out: ByteBuffer

    /// Starts coding after the existing contents of `buffer`.
    public init(appendingTo buffer: ByteBuffer = ByteBuffer()) {
        out = buffer
    }

    /// Largest `total` accepted by `encode(cumulative:frequency:total:)`.
    public static let maxTotal: UInt32 = 1 << 16

    /// Codes the interval [cumulative, cumulative + frequency) of [0, total).
    /// Requires frequency ≥ 1, cumulative + frequency ≤ total ≤ 2^16.
    @inlinable @inline(__always)
    public mutating func encode(cumulative: UInt32, frequency: UInt32, total: UInt32) {
        let r = range / total
        low &+= UInt64(r &* cumulative)
        range = r &* frequency
        while range < 1 << 24 {
            range &<<= 8
            shiftLow()
        }
    }

    /// Codes one bit; `probabilityOfOne` is P(bit = 1) scaled to 2^16, in 1...65535.
    @inlinable @inline(__always)
    public mutating func encodeBit(_ bit: Bool, probabilityOfOne p: UInt32) {
        let bound = (range >> 16) &* p
        if bit {
            range = bound
        } else {
            low &+= UInt64(bound)
            range &-= bound
        }
        while range < 1 << 24 {
            range &<<= 8
            shiftLow()
        }
    }

    /// Moves the top byte of `low` out, resolving a carry into the pending bytes.
    @inlinable @inline(__always)
    mutating func shiftLow() {
        if low < 0xFF00_0000 || low >= 1 << 32 {
            let carry = UInt8(truncatingIfNeeded: low >> 32)
            out.append(cache &+ carry)
            while pendingCount > 1 {
                out.append(0xFF &+ carry)
                pendingCount &-= 1
            }
            pendingCount = 0
            cache = UInt8(truncatingIfNeeded: low >> 24)
        }
        pendingCount &+= 1
        low = (low & 0x00FF_FFFF) << 8
    }

    /// Flushes the final state and returns the buffer with the coded bytes appended.
    public mutating func finish() -> ByteBuffer {
        for _ in 0..<5 { shiftLow() }
        return out
    }
}
