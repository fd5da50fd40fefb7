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
        var last = (0..<256).map { $0 - 256 }
        let failure: CodecError? = last.withUnsafeMutableBufferPointer { p in
            for i in 0..<input.count {
                let d = Int(input[i])
                let j = i &- d
                guard d >= 1, j >= -256 else { return .corrupt("interval \(d) at \(i) outside 1…\(i + 256)") }
                let b = j >= 0 ? Int(output[j]) : j &+ 256
                guard p[b] == j else { return .corrupt("interval \(d) at \(i) skips a later occurrence of byte \(b)") }
                output[i] = UInt8(truncatingIfNeeded: b)
                p[b] = i
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Convenience over arrays (empty if the input exceeds `maximumCount`).
    public static func encode(_ bytes: [UInt8]) -> [UInt32] {
        guard bytes.count <= maximumCount else { return [] }
        var out = [UInt32](repeating: 0, count: bytes.count)
        bytes.withUnsafeBytes { i in out.withUnsafeMutableBufferPointer { o in _ = encode(i, into: o) } }
        return out
    }

    public static func decode(_ values: [UInt32]) throws(CodecError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count)
        let failure: CodecError? = values.withUnsafeBufferPointer { i in
            out.withUnsafeMutableBytes { o in
                do throws(CodecError) { try decode(i, into: o); return nil } catch { return error }
            }
        }
        if let failure { throw failure }
        return out
    }
}
