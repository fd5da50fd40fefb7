/// Bytes through a binary arithmetic coder by bitwise decomposition: a byte is
/// coded as 8 binary decisions, most significant first, each with its own
/// adaptive probability chosen by the bits already coded (a binary tree of 255
/// nodes per context, node index 1 + the bits so far). This is the base that
/// PPM and context-mixing models build on (cf. Witten, Neal & Cleary 1987 for
/// arithmetic coding; Mahoney, "Adaptive weighing of context models", 2005).
public enum BinaryArithmeticCoder {
    /// Probabilities for one context: 256 cells, node 1...255 used.
    public static let treeSize = 256

    /// Codes `byte` with the tree of probabilities at `tree`, updating it.
    @inlinable @inline(__always)
    public static func encodeByte(_ byte: UInt8, tree: UnsafeMutablePointer<AdaptiveBitProbability>,
                                  shift: Int = 4, into encoder: inout RangeEncoder) {
        var node = 1
        var k = 7
        while k >= 0 {
            let bit = (byte >> UInt8(k)) & 1 != 0
            encoder.encodeBit(bit, probabilityOfOne: UInt32(tree[node].value))
            tree[node].update(bit, shift: shift)
            node = node &<< 1 | (bit ? 1 : 0)
            k &-= 1
        }
    }

    /// Decodes a byte coded by `encodeByte` with the same tree state.
    @inlinable @inline(__always)
    public static func decodeByte(tree: UnsafeMutablePointer<AdaptiveBitProbability>,
                                  shift: Int = 4, from decoder: inout RangeDecoder) -> UInt8 {
        var node = 1
        while node < 256 {
            let bit = decoder.decodeBit(probabilityOfOne: UInt32(tree[node].value))
            tree[node].update(bit, shift: shift)
            node = node &<< 1 | (bit ? 1 : 0)
        }
        return UInt8(truncatingIfNeeded: node)
    }

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
