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
    @inlinable @inline(__always) @discardableResult
    public static func promote(_ list: UnsafeMutableBufferPointer<UInt8>, rank: Int) -> UInt8 {
        let b = list[rank]
        var j = rank
        while j > 0 { list[j] = list[j &- 1]; j &-= 1 }
        list[0] = b
        return b
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
