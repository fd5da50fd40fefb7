#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Symbol counts and plug-in (empirical) entropies of a byte sequence
/// (Shannon 1948; Cover & Thomas, Elements of Information Theory, ch. 2).
public enum EmpiricalEntropy {
    /// How often each byte value occurs.
    public static func histogram(_ bytes: UnsafeRawBufferPointer) -> [Int] {
        // Four interleaved tables avoid store-to-load stalls on runs of one value.
        var t = [Int](repeating: 0, count: 1024)
        t.withUnsafeMutableBufferPointer { t in
            var i = 0
            let n = bytes.count
            while i + 4 <= n {
                t[Int(bytes[i])] += 1
                t[256 + Int(bytes[i + 1])] += 1
                t[512 + Int(bytes[i + 2])] += 1
                t[768 + Int(bytes[i + 3])] += 1
                i += 4
            }
            while i < n { t[Int(bytes[i])] += 1; i += 1 }
        }
        return (0..<256).map { t[$0] + t[256 + $0] + t[512 + $0] + t[768 + $0] }
    }

    public static func histogram(_ bytes: [UInt8]) -> [Int] {
        bytes.withUnsafeBytes { histogram($0) }
    }

    /// Entropy in bits per symbol of a distribution given by counts (0 if empty).
    public static func entropy(counts: [Int]) -> Double {
        let n = counts.reduce(0, +)
        guard n > 0 else { return 0 }
        var sum = 0.0
        for c in counts where c > 0 { sum += Double(c) * log2(Double(c)) }
        return Swift.max(0, log2(Double(n)) - sum / Double(n))
    }

    /// H0 in bits per byte.
    public static func h0(_ bytes: [UInt8]) -> Double { entropy(counts: histogram(bytes)) }

    /// Hk in bits per byte for k = 0…`maxOrder` (context convention of `OrderStatistics`).
    public static func conditionalEntropies(_ bytes: [UInt8], maxOrder: Int) -> [Double] {
        bytes.withUnsafeBytes { ContextStatistics.compute($0, maxOrder: maxOrder).orders.map(\.conditionalEntropy) }
    }
}
