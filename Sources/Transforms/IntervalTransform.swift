import BitIO

/// Interval coding (Elias, "Interval and recency rank source coding: two on-line
/// adaptive variable-length schemes", IEEE Trans. IT-33, 1987): each byte is
/// replaced by the distance back to its previous occurrence.
///
/// Definition used here (one value per input byte, all ≥ 1): at position i the
/// value is i − j, where j is the last position before i holding the same byte.
/// First occurrences: the input is taken to be preceded by the 256 byte values in
/// increasing order at positions −256…−1 (byte x at x − 256), so the first x at
/// position i gets i + 256 − x. Values are 1…n + 255. Unlike the recency rank, the
/// interval counts every byte in between, repeated or not: interval ≥ 1 + rank.
public enum IntervalTransform {
    /// Writes one value per byte of `input` into `output` (at least `input.count`).
    /// Returns false (writing nothing) if `output` is too short or the input exceeds
    /// `maximumCount` bytes.
    @discardableResult
    public static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<UInt32>) -> Bool {
        guard output.count >= input.count, input.count <= maximumCount else { return false }
        var last = (0..<256).map { $0 - 256 }
        last.withUnsafeMutableBufferPointer { p in
            for i in 0..<input.count {
                let b = Int(input[i])
                output[i] = UInt32(truncatingIfNeeded: i &- p[b])
                p[b] = i
            }
        }
        return true
    }

    /// Longest input whose values fit in UInt32.
    public static let maximumCount = Int(UInt32.max) - 256

    /// Inverts `encode`, writing `input.count` bytes. Throws `.corrupt` on a value no
    /// encoder writes: 0, one reaching before position −256, or one that skips a later
    /// occurrence of the byte it points at; `.invalidParameter` if `output` is short.
    public static func decode(_ input: UnsafeBufferPointer<UInt32>, into output: UnsafeMutableRawBufferPointer) throws(CodecError) {
        guard output.count >= input.count else {
            throw .invalidParameter("interval output of \(output.count) bytes for \(input.count) values")
        }
        guard input.count > 0, let base = output.baseAddress else { return }
        let dst = base.assumingMemoryBound(to: UInt8.self)
        var decoder = Decoder()
        for i in 0..<input.count { dst[i] = try decoder.byte(for: input[i], at: i, decoded: UnsafePointer(dst)) }
    }

    /// The inverse one value at a time, for decoders that stream their values.
    public struct Decoder: Sendable {
        /// Last position of each byte (byte x starts at x − 256).
        var last: [Int] = (0..<256).map { $0 - 256 }

        public init() {}

        /// The byte at `position` whose interval is `value`; `decoded` holds the
        /// `position` bytes decoded before it.
        @inline(__always)
        public mutating func byte(for value: UInt32, at position: Int, decoded: UnsafePointer<UInt8>) throws(CodecError) -> UInt8 {
            let d = Int(value)
            let j = position &- d
            guard d >= 1, j >= -256 else { throw .corrupt("interval \(d) at \(position) outside 1…\(position + 256)") }
            let b = j >= 0 ? Int(decoded[j]) : j &+ 256
            guard last[b] == j else { throw .corrupt("interval \(d) at \(position) skips a later occurrence of byte \(b)") }
            last[b] = position
            return UInt8(truncatingIfNeeded: b)
        }
    }

    /// Convenience over arrays (empty if the input exceeds `maximumCount`).
    public static func encode(_ bytes: [UInt8]) -> [UInt32] {
        guard bytes.count <= maximumCount else { return [] }
        var out = [UInt32](repeating: 0, count: bytes.count)
        bytes.withUnsafeBytes { i in out.withUnsafeMutableBufferPointer { o in _ = encode(i, into: o) } }
        return out
    }

    public static func decode(_ values: [UInt32]) throws(CodecError) -> [UInt8] {
        try ArrayDecoding.bytes(from: values) { (i, o) throws(CodecError) in try decode(i, into: o) }
    }
}
