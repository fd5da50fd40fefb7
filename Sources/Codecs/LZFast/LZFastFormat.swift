/// The codes of an `lzfast` sequence (literal length, match length, offset)
/// and the little-endian bit stream their extra bits go to.
///
/// A length v ≥ 0 (literal count, or match length − 4) has a 4-bit code:
/// 0…7 stand for themselves; 8…14 stand for the ranges 2^(c−7) + 6 … 2^(c−6) + 5
/// with c − 7 extra bits (8–9, 10–13, …, 134–261); 15 escapes: 5 bits hold the
/// bit width b of v − 262, then b bits hold v − 262. The two codes of a
/// sequence share one token byte (literal code high), so their joint
/// distribution is what the entropy coder sees (as LZ4's token does for raw
/// nibbles, Collet 2011).
///
/// An offset d ≥ 1 has code ⌊log2 d⌋ + 2 with ⌊log2 d⌋ extra bits (d without
/// its top bit), as zstd's offset codes (RFC 8878, section 3.1.1.3.2.1.1);
/// code 0 repeats the previous sequence's offset r0, code 1 the one before it,
/// r1, and swaps the two (r0 = 1 and r1 = 4 before the first sequence), as
/// zstd's repeat offsets do with three.
@usableFromInline
enum LZFastCodes {
    /// Shortest match the format can express.
    @usableFromInline static let minMatch = 4
    /// Smallest length the escape code covers.
    @usableFromInline static let escapeBase = 262

    @inline(__always) @usableFromInline
    static func lengthCode(_ v: Int) -> Int {
        if v < 8 { return v }
        if v < escapeBase { return 7 &+ (v &- 6).bitWidthFloorFast }
        return 15
    }

    /// Base value and extra bit count of codes 0…14.
    @inline(__always) @usableFromInline
    static func lengthBase(_ c: Int) -> (base: Int, bits: Int) {
        c < 8 ? (c, 0) : ((1 &<< (c &- 7)) &+ 6, c &- 7)
    }
}

extension Int {
    /// ⌊log2 self⌋ for self ≥ 1.
    @inline(__always) @usableFromInline
    var bitWidthFloorFast: Int { Int.bitWidth &- 1 &- leadingZeroBitCount }
}

/// Appends bit fields, least significant bit first, to memory it grows as
/// needed and frees in `deinit`.
@usableFromInline
struct LZFastBitWriter: ~Copyable {
    @usableFromInline var base: UnsafeMutableRawPointer
    @usableFromInline var capacity: Int
    @usableFromInline var byteCount = 0
    @usableFromInline var acc: UInt64 = 0
    @usableFromInline var pending = 0

    init(capacity: Int) {
        self.capacity = Swift.max(64, capacity)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 8)
    }

    // @inlinable: the release build's inliner (Swift 6.3.1) otherwise asserts, inlining this
    // deinit into the fragile setter of the @usableFromInline `LZFastSequenceStore.extras`.
    @inlinable deinit { base.deallocate() }

    /// Room for at least `bytes` more bytes plus a word of slack.
    @inline(__always) @usableFromInline
    mutating func ensure(_ bytes: Int) {
        if byteCount &+ bytes &+ 16 > capacity { grow(bytes) }
    }

    @usableFromInline
    mutating func grow(_ bytes: Int) {
        let newCapacity = Swift.max(2 * capacity, byteCount + bytes + 64)
        let p = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        p.copyMemory(from: base, byteCount: byteCount + 8)
        base.deallocate()
        base = p
        capacity = newCapacity
    }

    /// Writes `count` ≤ 56 bits of `value` (higher bits must be zero).
    @inline(__always) @usableFromInline
    mutating func write(_ value: UInt64, _ count: Int) {
        acc |= value &<< UInt64(truncatingIfNeeded: pending)
        pending &+= count
        base.storeBytes(of: acc.littleEndian, toByteOffset: byteCount, as: UInt64.self)
        let whole = pending &>> 3
        byteCount &+= whole
        acc = whole == 8 ? 0 : acc &>> UInt64(truncatingIfNeeded: whole &<< 3)
        pending &= 7
    }

    /// Writes a length in the code's extra bits (escape included).
    @inline(__always) @usableFromInline
    mutating func writeLengthExtra(_ v: Int, code c: Int) {
        if c < 15 {
            let (b, n) = LZFastCodes.lengthBase(c)
            write(UInt64(truncatingIfNeeded: v &- b), n)
        } else {
            let w = v &- LZFastCodes.escapeBase
            let n = w == 0 ? 0 : w.bitWidthFloorFast &+ 1
            write(UInt64(n), 5)
            write(UInt64(truncatingIfNeeded: w), n)
        }
    }

    /// Bytes written, the last partial byte included.
    var finishedCount: Int { byteCount + (pending > 0 ? 1 : 0) }
}
