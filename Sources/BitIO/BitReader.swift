/// Reads bit fields most-significant-bit first from raw bytes.
///
/// Reading past the end never traps: missing bits read as zeros and the
/// reader remembers the overrun, which a decoder turns into
/// `CodecError.truncated`. The reader does not own its bytes; use it inside
/// a `withUnsafeBytes` region.
///
/// Refill loads eight bytes with one unaligned big-endian load and keeps
/// 57…64 bits in the accumulator (the "bit-buffer" scheme of zstd's
/// bitstream.h and of Giesen's "Reading bits in far too many ways", 2018).
public struct BitReader {
    @usableFromInline let base: UnsafeRawPointer?
    @usableFromInline let byteCount: Int
    /// Next byte to load into the accumulator; past the end it keeps counting
    /// the zero bytes supplied, so the overrun needs no separate counter.
    @usableFromInline var position: Int = 0
    /// Loaded bits, left-aligned. Bits below `available` are either zero or
    /// already hold the following input bits, so ORing a reload over them is harmless.
    @usableFromInline var acc: UInt64 = 0
    /// Valid bits at the top of `acc` (0...64).
    @usableFromInline var available: Int = 0

    public init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress
        byteCount = bytes.count
    }

    /// Bits consumed so far (including any zero padding read past the end).
    @inlinable public var bitPosition: Int { position &* 8 &- available }

    /// Total bits in the input.
    @inlinable public var totalBits: Int { byteCount &* 8 }

    /// Bits left before the end of the input (negative after an overrun).
    @inlinable public var remainingBits: Int { totalBits &- bitPosition }

    /// True once more bits were consumed than the input holds.
    @inlinable public var isOverrun: Bool { bitPosition > byteCount &* 8 }

    /// Throws `.truncated` if the reader has gone past the end.
    @inlinable
    public func checkNotOverrun() throws(CodecError) {
        if isOverrun { throw .truncated }
    }

    /// Tops the accumulator up to at least 57 bits.
    @inlinable @inline(__always)
    public mutating func refill() {
        if available < 57 { fill() }
    }

    /// Loads whole bytes until at least 57 bits are available.
    /// Requires `available < 64` (the shift below would wrap at 64).
    /// Everything here is inline and the tail load is a pure function, so the
    /// reader's fields stay in registers in a decoder's loop.
    @inlinable @inline(__always)
    mutating func fill() {
        let word: UInt64
        // Unsigned compare: even a position driven negative by misuse (counts outside
        // 0...57) can never load outside the input.
        if UInt(bitPattern: position) &+ 8 <= UInt(bitPattern: byteCount), let base {
            word = UInt64(bigEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        } else {
            word = BitReader.tailWord(base, byteCount, position)
        }
        acc |= word &>> UInt64(truncatingIfNeeded: available)
        let take = (64 &- available) &>> 3
        position &+= take
        available &+= take &<< 3
    }

    /// The bytes from `position` to the end, big-endian in a word, zero-padded
    /// (zero once `position` is past the end).
    @usableFromInline
    static func tailWord(_ base: UnsafeRawPointer?, _ byteCount: Int, _ position: Int) -> UInt64 {
        guard let base, position < byteCount, position >= 0 else { return 0 }
        var word: UInt64 = 0
        var shift: UInt64 = 56
        for i in position..<Swift.min(byteCount, position &+ 8) {
            word |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
            shift &-= 8
        }
        return word
    }

    /// Returns the next `count` bits (0...57) without consuming them.
    @inlinable @inline(__always)
    public mutating func peek(_ count: Int) -> UInt64 {
        if available < count { fill() }
        return count == 0 ? 0 : acc &>> UInt64(truncatingIfNeeded: 64 &- count)
    }

    /// Consumes `count` bits (0...57) that were peeked.
    @inlinable @inline(__always)
    public mutating func skip(_ count: Int) {
        if available < count { fill() }
        acc = acc << UInt64(truncatingIfNeeded: count)
        available &-= count
    }

    /// Reads `count` bits (0...57). Other counts give unspecified bits but
    /// never trap or touch memory outside the input.
    @inlinable @inline(__always)
    public mutating func read(_ count: Int) -> UInt64 {
        if available < count { fill() }
        let v = count == 0 ? 0 : acc &>> UInt64(truncatingIfNeeded: 64 &- count)
        acc = acc << UInt64(truncatingIfNeeded: count)
        available &-= count
        return v
    }

    /// Reads one bit.
    @inlinable @inline(__always)
    public mutating func readBit() -> Bool {
        if available < 1 { fill() }
        let bit = acc &>> 63
        acc &<<= 1
        available &-= 1
        return bit != 0
    }

    /// Reads up to 64 bits (two reads when more than 57).
    @inlinable @inline(__always)
    public mutating func readWide(_ count: Int) -> UInt64 {
        if count > 57 {
            let hi = read(count &- 32)
            return hi &<< 32 | read(32)
        }
        return read(count)
    }

    /// Consumes the zero bits before the next one bit (leaving the one bit
    /// unread) and returns how many there were. Throws `.truncated` if the
    /// input ends first and `.corrupt` after more than `limit` zeros, so a
    /// decoder of unary-prefixed codes never loops over endless zeros.
    @inlinable @inline(__always)
    public mutating func readZerosBeforeOne(limit: Int) throws(CodecError) -> Int {
        if available < 57 { fill() }
        let zeros = acc.leadingZeroBitCount
        if zeros < 57 && zeros <= limit {
            acc &<<= UInt64(truncatingIfNeeded: zeros)
            available &-= zeros
            return zeros
        }
        // Out of line and by value, so the reader is not forced into memory in the caller's loop.
        let (reader, run) = try BitReader.readLongZeroRun(self, limit: limit)
        self = reader
        return run
    }

    @usableFromInline
    static func readLongZeroRun(_ reader: BitReader, limit: Int) throws(CodecError) -> (BitReader, Int) {
        var r = reader
        var run = 0
        while true {
            if r.available < 57 { r.fill() }
            let zeros = r.acc.leadingZeroBitCount
            if zeros < 57 {
                run &+= zeros
                if run > limit {
                    throw .corrupt("more than \(limit) zero bits before a one (overlong code) at bit \(r.bitPosition)")
                }
                r.skip(zeros)
                return (r, run)
            }
            r.skip(57)
            run &+= 57
            if r.isOverrun { throw .truncated }
            if run > limit {
                throw .corrupt("more than \(limit) zero bits before a one (overlong code) at bit \(r.bitPosition)")
            }
        }
    }

    /// Skips to the next byte boundary.
    public mutating func alignToByte() {
        let r = bitPosition & 7
        if r != 0 { skip(8 &- r) }
    }
}
