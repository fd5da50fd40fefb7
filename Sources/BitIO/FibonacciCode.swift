/// Fibonacci code for n ≥ 1: the Zeckendorf representation of n (a sum of
/// non-adjacent Fibonacci numbers 1, 2, 3, 5, 8, …), smallest term first,
/// followed by an extra 1, so every codeword ends in the only "11" it holds
/// (Apostolico & Fraenkel, "Robust transmission of unbounded strings using
/// Fibonacci representations", IEEE Trans. IT-33, 1987).
/// Length: the index of the largest Fibonacci number ≤ n, plus one
/// (at most 93 bits for n ≤ `UInt64.max`).
///
/// n = 0 is outside the domain and is written as 1; use `encode(zeroBased:)`
/// for values that may be 0.
public enum FibonacciCode {
    /// weights[i] = the (i+1)-th term of 1, 2, 3, 5, 8, …: every one that fits in 64 bits (92 terms).
    @usableFromInline
    static let weights: [UInt64] = {
        var w: [UInt64] = [1, 2]
        while true {
            let (next, overflow) = w[w.count - 1].addingReportingOverflow(w[w.count - 2])
            if overflow { break }
            w.append(next)
        }
        return w
    }()

    /// Index (0-based) of the largest weight ≤ n, for n ≥ 1.
    @inlinable
    static func topIndex(_ n: UInt64) -> Int {
        weights.withUnsafeBufferPointer { w in
            var lo = 0
            var hi = w.count - 1
            while lo < hi {  // largest i with w[i] <= n
                let mid = (lo &+ hi &+ 1) &>> 1
                if w[mid] <= n { lo = mid } else { hi = mid &- 1 }
            }
            return lo
        }
    }

    @inlinable
    public static func codeLength(_ n: UInt64) -> Int { topIndex(Swift.max(n, 1)) &+ 2 }

    @inlinable
    public static func encode(_ n: UInt64, to writer: inout BitWriter) {
        var rest = Swift.max(n, 1)
        let top = topIndex(rest)
        let length = top &+ 2
        // Codeword as a (length)-bit number: weight i sits at bit (top + 1 − i), the final one at bit 0.
        var high: UInt64 = 0
        var low: UInt64 = 1
        weights.withUnsafeBufferPointer { w in
            var i = top
            while i >= 0 && rest > 0 {
                if w[i] <= rest {
                    rest &-= w[i]
                    let bit = top &+ 1 &- i
                    if bit < 64 { low |= 1 &<< UInt64(bit) } else { high |= 1 &<< UInt64(bit &- 64) }
                    i &-= 2  // Zeckendorf: the next term is not adjacent
                } else {
                    i &-= 1
                }
            }
        }
        if length > 64 {
            writer.writeWide(high, count: length &- 64)
            writer.writeWide(low, count: 64)
        } else {
            writer.writeWide(low, count: length)
        }
    }

    /// Encodes n ≥ 0 as F(n + 1); n = `UInt64.max` is out of range and written as F(`UInt64.max`).
    @inlinable
    public static func encode(zeroBased n: UInt64, to writer: inout BitWriter) {
        encode(n == .max ? n : n &+ 1, to: &writer)
    }

    /// Reads up to the first "11"; a codeword longer than 93 bits or whose
    /// value exceeds 64 bits is corrupt, zeros past the end are truncated.
    @inlinable
    public static func decode(from reader: inout BitReader) throws(CodecError) -> UInt64 {
        // Plain indexing (no typed-throws closure: see the Swift 6.3 IRGen crash noted in the helpers' rules).
        let w = weights
        var n: UInt64 = 0
        var previous = false
        var i = 0
        while true {
            let bit = reader.readBit()
            if bit {
                if previous { return n }
                guard i < w.count else { break }
                let (sum, overflow) = n.addingReportingOverflow(w[i])
                if overflow { break }
                n = sum
            } else if i >= w.count {
                break
            }
            previous = bit
            i &+= 1
        }
        if reader.isOverrun { throw .truncated }
        throw .corrupt("Fibonacci code: no terminating 11 within 93 bits, or value above 64 bits, at bit \(reader.bitPosition)")
    }

    /// Inverse of `encode(zeroBased:)`.
    @inlinable
    public static func decodeZeroBased(from reader: inout BitReader) throws(CodecError) -> UInt64 {
        try decode(from: &reader) &- 1
    }
}
