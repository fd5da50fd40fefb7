/// Bytes through a binary arithmetic coder by bitwise decomposition: a byte is
/// coded as 8 binary decisions, most significant first, each with its own
/// adaptive probability chosen by the bits already coded (a binary tree of 255
/// nodes per context, node index 1 + the bits so far;
/// `BinaryCoder.code(byte:tree:shift:)`). This is the order-k bitwise model in
/// its plainest form; the codecs' own models (lz77's literals, cm) refine it
/// with more contexts. Here it serves the range-coder tests and `costOfByte`,
/// which measures what such a model would pay.
public enum BinaryArithmeticCoder {
    /// Probabilities for one context: 256 cells, node 1...255 used.
    public static let treeSize = 256

    /// Cost in bits of coding `byte` with `tree` (updating it as the coder would);
    /// Double and log2, for measuring only: no coder reads it.
    @inlinable
    public static func costOfByte(_ byte: UInt8, tree: UnsafeMutablePointer<AdaptiveBitProbability>, shift: Int = 4) -> Double {
        var node = 1
        var bits = 0.0
        for k in stride(from: 7, through: 0, by: -1) {
            let bit = (byte >> UInt8(k)) & 1 != 0
            let p1 = Double(tree[node].value) / 65536
            bits -= log2Double(bit ? p1 : 1 - p1)
            tree[node].update(bit, shift: shift)
            node = node << 1 | (bit ? 1 : 0)
        }
        return bits
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@usableFromInline
func log2Double(_ x: Double) -> Double { log2(x) }
