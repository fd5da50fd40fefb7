/// Reads bit fields most-significant-bit first from raw bytes.
///
/// Reading past the end never traps: missing bits read as zeros and the
/// reader remembers the overrun, which a decoder turns into
/// `CodecError.truncated`. The reader does not own its bytes; use it inside
/// a `withUnsafeBytes` region.
public struct BitReader {
    @usableFromInline let base: UnsafeRawPointer?
    @usableFromInline let byteCount: Int
    /// Next byte to load into the accumulator.
    @usableFromInline var position: Int = 0
    /// Loaded bits, left-aligned. Bits below `available` may already hold the
    /// following bytes; reloading them ORs identical values, so that is harmless.
    @usableFromInline var acc: UInt64 = 0
    @usableFromInline var available: Int = 0
    /// Zero bits supplied past the end of the input.
    @usableFromInline var padding: Int = 0

    public init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress
        byteCount = bytes.count
    }

    /// Bits consumed so far (including any zero padding read past the end).
    @inlinable public var bitPosition: Int { position * 8 + padding - available }

    /// Total bits in the input.
    @inlinable public var totalBits: Int { byteCount * 8 }

    /// True once more bits were consumed than the input holds.
    @inlinable public var isOverrun: Bool { bitPosition > byteCount * 8 }

    /// Throws `.truncated` if the reader has gone past the end.
    @inlinable
    public func checkNotOverrun() throws(CodecError) {
        if isOverrun { throw .truncated }
    }

    /// Tops the accumulator up to at least 57 bits.
    @inlinable @inline(__always)
    public mutating func refill() {
        if position &+ 8 <= byteCount, let base {
            let word = UInt64(bigEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            acc |= word &>> UInt64(truncatingIfNeeded: available)
            let take = (64 &- available) &>> 3
            position &+= take
            available &+= take &* 8
        } else {
            refillSlow()
        }
    }

    @usableFromInline
    mutating func refillSlow() {
        while available <= 56 {
            var byte: UInt64 = 0
            if position < byteCount, let base {
                byte = UInt64(base.load(fromByteOffset: position, as: UInt8.self))
                position += 1
            } else {
                padding += 8
            }
            acc |= byte << UInt64(56 - available)
            available += 8
        }
    }

    /// Returns the next `count` bits (0...57) without consuming them.
    @inlinable @inline(__always)
    public mutating func peek(_ count: Int) -> UInt64 {
        if available < count { refill() }
        return count == 0 ? 0 : acc &>> UInt64(truncatingIfNeeded: 64 &- count)
    }

    /// Consumes `count` bits (0...57) that were peeked.
    @inlinable @inline(__always)
    public mutating func skip(_ count: Int) {
        if available < count { refill() }
        acc = count >= 64 ? 0 : acc << UInt64(truncatingIfNeeded: count)
        available &-= count
    }

    /// Reads `count` bits (0...57).
    @inlinable @inline(__always)
    public mutating func read(_ count: Int) -> UInt64 {
        if available < count { refill() }
        let v = count == 0 ? 0 : acc &>> UInt64(truncatingIfNeeded: 64 &- count)
        acc = acc << UInt64(truncatingIfNeeded: count)
        available &-= count
        return v
    }

    /// Reads one bit.
    @inlinable @inline(__always)
    public mutating func readBit() -> Bool {
        read(1) != 0
    }

    /// Reads up to 64 bits (two reads when needed).
    @inlinable
    public mutating func readWide(_ count: Int) -> UInt64 {
        if count > 32 {
            let hi = read(count - 32)
            return hi << 32 | read(32)
        }
        return read(count)
    }

    /// Skips to the next byte boundary.
    public mutating func alignToByte() {
        let r = bitPosition & 7
        if r != 0 { _ = read(8 - r) }
    }
}
