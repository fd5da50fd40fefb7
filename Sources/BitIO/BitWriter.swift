/// Writes bit fields most-significant-bit first into a `ByteBuffer`.
///
/// Pending bits sit left-aligned in a 64-bit accumulator; whole bytes are
/// stored eight at a time with one unaligned big-endian store, so a write is
/// a shift, an OR and (rarely) a flush.
public struct BitWriter: Sendable {
    @usableFromInline var out: ByteBuffer
    /// Pending bits, left-aligned (bit 63 is the oldest).
    @usableFromInline var acc: UInt64 = 0
    /// Number of pending bits in `acc` (0...64).
    @usableFromInline var pending: Int = 0

    public init(capacity: Int = 0) {
        out = ByteBuffer(capacity: Swift.max(capacity, 16))
    }

    /// Continues after the existing contents of `buffer` (which stay as they are).
    public init(appendingTo buffer: ByteBuffer) {
        out = buffer
    }

    /// Continues after the existing contents of `buffer`, taking its storage
    /// (leaving `buffer` empty) so the first write does not copy it; hand the
    /// bytes back with `finish(into:)`.
    public init(continuing buffer: inout ByteBuffer) {
        out = buffer
        buffer = ByteBuffer()
    }

    /// Total number of bits written so far.
    @inlinable public var bitCount: Int { out.count * 8 + pending }

    /// Writes the low `count` bits of `value`, most significant first.
    /// `count` must be in 0...57; higher bits of `value` are ignored.
    /// When the field does not fit, the accumulator is topped up to exactly
    /// 64 bits, stored as 8 bytes, and the rest of the field starts it again.
    @inlinable @inline(__always)
    public mutating func write(_ value: UInt64, count: Int) {
        let masked = value & ((1 &<< UInt64(truncatingIfNeeded: count)) &- 1)
        let free = 64 &- pending
        if count <= free {
            acc |= masked &<< UInt64(truncatingIfNeeded: free &- count)
            pending &+= count
        } else {
            let spill = count &- free
            acc |= masked &>> UInt64(truncatingIfNeeded: spill)
            out.appendBigEndianWord(acc, validBytes: 8)
            acc = masked &<< UInt64(truncatingIfNeeded: 64 &- spill)
            pending = spill
        }
    }

    /// Writes one bit.
    @inlinable @inline(__always)
    public mutating func write(bit: Bool) {
        write(bit ? 1 : 0, count: 1)
    }

    /// Writes up to 64 bits (two calls when more than 57).
    @inlinable @inline(__always)
    public mutating func writeWide(_ value: UInt64, count: Int) {
        if count > 57 {
            write(value >> 32, count: count - 32)
            write(value & 0xFFFF_FFFF, count: 32)
        } else {
            write(value, count: count)
        }
    }

    /// Moves every whole pending byte into the buffer.
    @inlinable @inline(__always)
    public mutating func flushWholeBytes() {
        let bytes = pending &>> 3
        guard bytes > 0 else { return }
        // One 8-byte store; only the first `bytes` of it become valid.
        out.appendBigEndianWord(acc, validBytes: bytes)
        acc = bytes == 8 ? 0 : acc &<< UInt64(truncatingIfNeeded: bytes &<< 3)
        pending &= 7
    }

    /// Pads with zero bits up to the next byte boundary.
    public mutating func alignToByte() {
        let r = pending & 7
        if r != 0 { write(0, count: 8 - r) }
    }

    /// Pads to a byte boundary and moves everything written into `buffer`
    /// (replacing its contents), leaving the writer empty.
    public mutating func finish(into buffer: inout ByteBuffer) {
        alignToByte()
        flushWholeBytes()
        buffer = out
        out = ByteBuffer()
    }

    /// Pads to a byte boundary and returns everything written.
    public mutating func finish() -> ByteBuffer {
        alignToByte()
        flushWholeBytes()
        return out
    }
}
