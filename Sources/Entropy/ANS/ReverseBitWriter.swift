/// Writes bit fields back to front into memory the caller owns, so that a
/// forward `BitReader` meets them in the reverse of the order they were
/// written. ANS encoders run over the input backwards and their decoders
/// forwards (Duda 2013, section 3: the coder is a stack), so the encoder's
/// last field must come first in the stream.
///
/// Fields are collected right-aligned in a 64-bit accumulator (the newest at
/// the top) and whole bytes leave from the bottom with one 8-byte big-endian
/// store just below the bytes already written; the caller leaves 8 bytes of
/// slack before the lowest address any byte will reach.
@usableFromInline
struct ReverseBitWriter {
    /// The first byte written so far; new bytes go just below it.
    @usableFromInline var end: UnsafeMutablePointer<UInt8>
    @usableFromInline var acc: UInt64 = 0
    /// Bits in `acc` (0...64).
    @usableFromInline var pending: Int = 0

    @inlinable init(end: UnsafeMutablePointer<UInt8>) { self.end = end }

    /// Puts the low `count` bits of `value` in front of everything written so
    /// far. `value` must have no bits at or above `count`, and `pending + count ≤ 64`.
    @inlinable @inline(__always)
    mutating func write(_ value: UInt64, count: Int) {
        acc |= value &<< UInt64(truncatingIfNeeded: pending)
        pending &+= count
    }

    /// Moves the whole bytes out, leaving at most 7 bits pending.
    @inlinable @inline(__always)
    mutating func flush() {
        let bytes = pending &>> 3
        UnsafeMutableRawPointer(end - 8).storeBytes(of: acc.bigEndian, as: UInt64.self)
        end -= bytes
        // bytes ≤ 7 whenever pending < 64, which the callers keep.
        acc = acc &>> UInt64(truncatingIfNeeded: bytes &<< 3)
        pending &= 7
    }

    /// Writes the last partial byte, zero-padded at its top, and returns the
    /// number of padding bits (0...7) a reader must skip first.
    @inlinable
    mutating func finish() -> Int {
        flush()
        guard pending > 0 else { return 0 }
        let pad = 8 &- pending
        (end - 1).pointee = UInt8(truncatingIfNeeded: acc)
        end -= 1
        acc = 0
        pending = 0
        return pad
    }
}
