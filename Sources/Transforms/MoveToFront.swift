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
                let b = input[i]
                var r = 0
                var carried = l[0]
                // Shift the prefix right by one until the byte is found, then put it in front.
                while carried != b {
                    r &+= 1
                    swap(&carried, &l[r])
                }
                l[0] = b
                output[i] = UInt8(truncatingIfNeeded: r)
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
                let r = Int(input[i])
                let b = l[r]
                var j = r
                while j > 0 { l[j] = l[j - 1]; j -= 1 }
                l[0] = b
                output[i] = b
            }
        }
        return true
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
