import BitIO

/// Recency ranks (Elias, "Interval and recency rank source coding: two on-line
/// adaptive variable-length schemes", IEEE Trans. IT-33, 1987; the same numbers as
/// the move-to-front list of Bentley, Sleator, Tarjan & Wei, CACM 1986).
///
/// Definition used here (0-based, one value per input byte):
/// - a byte seen before gets the number of *distinct* byte values that occurred
///   since its last occurrence: 0 for an immediate repeat, at most 255;
/// - the first occurrence of byte x gets 256 + x (an escape that names the byte).
///
/// For a byte seen before, the recency rank equals its move-to-front rank whatever
/// the initial MTF list was (everything seen since its last occurrence lies in front
/// of it). The two differ only on first occurrences: MTF ranks them by the position
/// in an assumed initial list (`MoveToFront` uses 0…255), while the recency rank has
/// no history to rank against and escapes with 256 + x. Values are 0…511.
public enum RecencyRank {
    /// Largest value the transform produces.
    public static let maximumValue: UInt32 = 511

    /// Writes one value per byte of `input` into `output` (at least `input.count` values).
    /// Returns false (writing nothing) if `output` is too short.
    @discardableResult
    public static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<UInt32>) -> Bool {
        guard output.count >= input.count else { return false }
        // The seen bytes, most recent first; `seenCount` of them.
        var list = [UInt8](repeating: 0, count: 256)
        var seen = [Bool](repeating: false, count: 256)
        var seenCount = 0
        list.withUnsafeMutableBufferPointer { l in
            seen.withUnsafeMutableBufferPointer { s in
                for i in 0..<input.count {
                    let b = input[i]
                    if !s[Int(b)] {
                        s[Int(b)] = true
                        l[seenCount] = b
                        MoveToFront.promote(l, rank: seenCount)
                        seenCount += 1
                        output[i] = 256 + UInt32(b)
                        continue
                    }
                    output[i] = UInt32(truncatingIfNeeded: MoveToFront.rankMovingToFront(b, in: l))
                }
            }
        }
        return true
    }

    /// Inverts `encode`, writing `input.count` bytes. Throws `.corrupt` on a value no
    /// encoder writes: a rank not below the number of bytes seen so far, an escape for
    /// a byte already seen, or a value above 511; `.invalidParameter` if `output` is short.
    public static func decode(_ input: UnsafeBufferPointer<UInt32>, into output: UnsafeMutableRawBufferPointer) throws(CodecError) {
        guard output.count >= input.count else {
            throw .invalidParameter("recency rank output of \(output.count) bytes for \(input.count) values")
        }
        var decoder = Decoder()
        for i in 0..<input.count { output[i] = try decoder.byte(for: input[i], at: i) }
    }

    /// The inverse one value at a time, for decoders that stream their values.
    public struct Decoder: Sendable {
        /// The seen bytes, most recent first; `seenCount` of them.
        var list = [UInt8](repeating: 0, count: 256)
        var seen = [Bool](repeating: false, count: 256)
        var seenCount = 0

        public init() {}

        /// The byte whose recency rank is `value` (`position` names it in errors).
        @inline(__always)
        public mutating func byte(for value: UInt32, at position: Int) throws(CodecError) -> UInt8 {
            if value < 256 {
                let r = Int(value)
                guard r < seenCount else {
                    throw .corrupt("recency rank \(r) at \(position) with only \(seenCount) distinct bytes seen")
                }
                return list.withUnsafeMutableBufferPointer { l in MoveToFront.promote(l, rank: r) }
            }
            guard value <= maximumValue else { throw .corrupt("recency rank value \(value) at \(position) above 511") }
            let b = UInt8(truncatingIfNeeded: value - 256)
            guard !seen[Int(b)] else { throw .corrupt("first-occurrence escape for byte \(b) at \(position), seen before") }
            seen[Int(b)] = true
            let count = seenCount
            list.withUnsafeMutableBufferPointer { l in
                l[count] = b
                MoveToFront.promote(l, rank: count)
            }
            seenCount += 1
            return b
        }
    }

    /// Convenience over arrays.
    public static func encode(_ bytes: [UInt8]) -> [UInt32] {
        var out = [UInt32](repeating: 0, count: bytes.count)
        bytes.withUnsafeBytes { i in out.withUnsafeMutableBufferPointer { o in _ = encode(i, into: o) } }
        return out
    }

    public static func decode(_ values: [UInt32]) throws(CodecError) -> [UInt8] {
        try ArrayDecoding.bytes(from: values) { (i, o) throws(CodecError) in try decode(i, into: o) }
    }
}
