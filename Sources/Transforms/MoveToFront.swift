/// Move-to-front coding of bytes (Ryabko 1980; Bentley, Sleator, Tarjan & Wei 1986):
/// each byte is replaced by its position in a list of all 256 values, and then
/// moved to the front, so recently seen bytes get small numbers. The second
/// stage of block-sorting compressors (Burrows & Wheeler 1994).
public enum MoveToFront {
    /// The initial list: 0, 1, …, 255.
    @usableFromInline static let identity: [UInt8] = (0...255).map { UInt8($0) }

    /// Writes the rank of each byte of `input` into `output` (same length).
    /// Returns false (writing nothing) if `output` is shorter than `input`.
    @inlinable @discardableResult
    public static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Bool {
        guard output.count >= input.count else { return false }
        var list = identity
        list.withUnsafeMutableBufferPointer { l in
            for i in 0..<input.count {
                output[i] = UInt8(truncatingIfNeeded: rankMovingToFront(input[i], in: l))
            }
        }
        return true
    }

    /// Inverts `encode`: every rank 0…255 is valid, so any input decodes.
    @inlinable @discardableResult
    public static func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Bool {
        guard output.count >= input.count else { return false }
        var list = identity
        list.withUnsafeMutableBufferPointer { l in
            for i in 0..<input.count {
                output[i] = promote(l, rank: Int(input[i]))
            }
        }
        return true
    }

    /// The position of `byte` in `list`, which must hold it; on the way the
    /// entries before it shift back by one and it goes to the front.
    @inlinable @inline(__always)
    public static func rankMovingToFront(_ byte: UInt8, in list: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var r = 0
        var carried = list[0]
        while carried != byte {
            r &+= 1
            swap(&carried, &list[r])
        }
        list[0] = byte
        return r
    }

    /// Moves the entry at `rank` of `list` to the front, shifting the ones
    /// before it back by one, and returns it.
    /// Below rank 8 (most ranks of BWT output) this is one 64-bit step with no
    /// loop, so no mispredicted loop exit: the first eight entries are read as
    /// one word, entries 0 … rank − 1 move up a byte and the byte goes in front.
    @inlinable @inline(__always) @discardableResult
    public static func promote(_ list: UnsafeMutableBufferPointer<UInt8>, rank: Int) -> UInt8 {
        let b = list[rank]
        if rank < 8, list.count >= 8, let base = list.baseAddress {
            let old = UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self))
            let moving: UInt64 = rank == 7 ? .max : (1 &<< (8 &* (rank &+ 1))) &- 1
            let word = (old & ~moving) | ((old &<< 8) & moving) | UInt64(b)
            UnsafeMutableRawPointer(base).storeBytes(of: word.littleEndian, as: UInt64.self)
            return b
        }
        var j = rank
        while j > 0 { list[j] = list[j &- 1]; j &-= 1 }
        list[0] = b
        return b
    }

    /// The position of `byte` in `list` (`list.count` if it is not there),
    /// eight entries compared per step: in x = word XOR byte·0x0101…01 the
    /// first zero byte is the match, and (x − 0x01…01) & ~x & 0x80…80 flags it
    /// exactly (a flag can be wrong only above a true zero byte). One branch
    /// per eight entries instead of one per entry.
    @inlinable @inline(__always)
    public static func position(of byte: UInt8, in list: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard let base = list.baseAddress else { return 0 }
        let n = list.count
        let pattern = 0x0101_0101_0101_0101 &* UInt64(byte)
        var r = 0
        while r &+ 8 <= n {
            let x = UInt64(littleEndian: UnsafeRawPointer(base + r).loadUnaligned(as: UInt64.self)) ^ pattern
            let zeros = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
            if zeros != 0 { return r &+ zeros.trailingZeroBitCount &>> 3 }
            r &+= 8
        }
        while r < n && base[r] != byte { r &+= 1 }
        return r
    }

    /// Convenience over arrays.
    public static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: bytes.count)
        bytes.withUnsafeBytes { i in out.withUnsafeMutableBytes { o in _ = encode(i, into: o) } }
        return out
    }

    public static func decode(_ ranks: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: ranks.count)
        ranks.withUnsafeBytes { i in out.withUnsafeMutableBytes { o in _ = decode(i, into: o) } }
        return out
    }
}
