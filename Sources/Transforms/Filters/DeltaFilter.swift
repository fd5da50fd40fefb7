#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Byte-wise delta with a stride: each byte becomes its difference (mod 256)
/// from the byte `stride` places before it; the first `stride` bytes stay.
/// Tables of fixed-width records, 16-bit audio (stride 2 or 4 for stereo)
/// and raw images (3 or 4 bytes per pixel) turn into small differences that
/// an order-0 or context coder prices far lower. Any bytes are a valid
/// filtered block: the inverse is a running sum.
public enum DeltaFilter {
    /// Strides the format allows (one byte in the block header; 0 means none).
    public static let strides: ClosedRange<Int> = 1...255

    /// Forward in place. Walks backwards so every byte is taken from the
    /// original `stride` places before it, without a copy.
    public static func encode(_ data: UnsafeMutableRawBufferPointer, stride: Int) {
        let n = data.count
        guard stride >= 1, n > stride, let p = data.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var i = n &- 1
        while i >= stride {
            p[i] = p[i] &- p[i &- stride]
            i &-= 1
        }
    }

    /// Inverse in place: forwards, each byte adds the already-restored byte `stride` before it.
    public static func decode(_ data: UnsafeMutableRawBufferPointer, stride: Int) {
        let n = data.count
        guard stride >= 1, n > stride, let p = data.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var i = stride
        while i < n {
            p[i] = p[i] &+ p[i &- stride]
            i &+= 1
        }
    }

    /// The stride whose delta makes a sample most predictable, by autocorrelation
    /// at each lag: the order-0 entropy (bits/byte) of the lag's differences,
    /// over up to `sampleBytes` from the middle of `data`. Returns the best
    /// stride with its entropy, and the entropy of the sample itself; a caller
    /// takes the delta only when it wins clearly.
    public static func detectStride(
        _ data: UnsafeRawBufferPointer, maxStride: Int = 32, sampleBytes: Int = 1 << 16
    ) -> (stride: Int, deltaBits: Double, sampleBits: Double) {
        let n = data.count
        let maxS = Swift.min(Swift.max(1, maxStride), strides.upperBound)
        guard n > 2 * maxS + 16, let base = data.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return (1, 8, 8)
        }
        let len = Swift.min(n, sampleBytes)
        let start = (n - len) / 2
        let p = base + start
        var counts = [Int](repeating: 0, count: 256)
        return counts.withUnsafeMutableBufferPointer { c in
            func entropy(_ total: Int) -> Double {
                var sum = 0.0
                for k in 0..<256 where c[k] > 0 {
                    sum += Double(c[k]) * log2(Double(c[k]))
                    c[k] = 0
                }
                return Swift.max(0, log2(Double(total)) - sum / Double(total))
            }
            for i in 0..<len { c[Int(p[i])] &+= 1 }
            let raw = entropy(len)
            var best = (stride: 1, bits: Double.infinity)
            for s in 1...maxS {
                for i in s..<len { c[Int(p[i] &- p[i &- s])] &+= 1 }
                let h = entropy(len - s)
                // Strictly better by a margin, so a shorter stride wins ties (its multiples fit as well).
                if h < best.bits - 0.02 { best = (s, h) }
            }
            return (best.stride, best.bits, raw)
        }
    }
}
