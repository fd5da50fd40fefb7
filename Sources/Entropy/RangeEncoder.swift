#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A range coder (Martin, "Range encoding: an algorithm for removing redundancy
/// from a digitised message", 1979) with a 64-bit range kept at or above 2^32
/// and carry propagation through one pending byte plus a count of pending 0xFF
/// bytes (the scheme LZMA uses, widened to 64 bits). A range of at least 2^32
/// divided by a total of at most 2^16 leaves a quotient of at least 2^16, so
/// the integer arithmetic wastes under 2^-16 of a bit per symbol and the
/// output stays within a few bytes of the ideal −Σ log2 p.
///
/// Two ways to code: `encode(cumulative:frequency:total:)` for multi-symbol
/// frequency models (total ≤ 2^16) and `encodeBit(_:probabilityOfOne:)` for
/// binary models with 16-bit probabilities. Both may be mixed in one stream.
public struct RangeEncoder: Sendable {
    @usableFromInline var low: UInt64 = 0
    /// A carry out of `low` not yet added to the pending bytes.
    @usableFromInline var carry: Bool = false
    @usableFromInline var range: UInt64 = .max
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
        let r = range / UInt64(total)
        add(r &* UInt64(cumulative))
        range = r &* UInt64(frequency)
        normalize()
    }

    /// Codes one bit; `probabilityOfOne` is P(bit = 1) scaled to 2^16, in 1...65535.
    @inlinable @inline(__always)
    public mutating func encodeBit(_ bit: Bool, probabilityOfOne p: UInt32) {
        let bound = (range >> 16) &* UInt64(p)
        if bit {
            range = bound
        } else {
            add(bound)
            range &-= bound
        }
        normalize()
    }

    @inlinable @inline(__always)
    mutating func add(_ x: UInt64) {
        let (sum, overflow) = low.addingReportingOverflow(x)
        low = sum
        if overflow { carry = true }
    }

    @inlinable @inline(__always)
    mutating func normalize() {
        while range < 1 << 32 {
            range &<<= 8
            shiftLow()
        }
    }

    /// Moves the top byte of `low` out, resolving a carry into the pending bytes.
    @inlinable @inline(__always)
    mutating func shiftLow() {
        if low < 0xFF00_0000_0000_0000 || carry {
            let c: UInt8 = carry ? 1 : 0
            out.append(cache &+ c)
            while pendingCount > 1 {
                out.append(0xFF &+ c)
                pendingCount &-= 1
            }
            pendingCount = 0
            cache = UInt8(truncatingIfNeeded: low >> 56)
            carry = false
        }
        pendingCount &+= 1
        low &<<= 8
    }

    /// Output so far in bits, counting the bytes held back for a carry and the part
    /// of a byte the range still leaves open; the difference between two readings is
    /// what the symbols coded in between really cost. For tracing, not for hot loops.
    public var bitsSoFar: Double {
        Double(out.count &+ pendingCount) * 8 + 64 - log2(Double(range))
    }

    /// Flushes the final state and returns the buffer with the coded bytes appended.
    public mutating func finish() -> ByteBuffer {
        for _ in 0..<9 { shiftLow() }
        return out
    }
}
