import Transforms

/// Recency-rank coding (Elias, IEEE Trans. IT-33, 1987): each byte becomes its
/// recency rank (`RecencyRank`: distinct bytes since its last occurrence, 256 + x on
/// a first occurrence), written as v = rank + 1 with a universal code chosen by the
/// level: 1 γ, 2 δ, 3 ω, 4 Fibonacci, 5 adaptive Rice, 6 adaptive binary arithmetic
/// coding (`UniversalValueCoding`). A lecture codec: no statistics beyond recency.
///
/// Format: one byte, the value coding (1…6), then its stream of `originalCount` values.
/// The decoder streams: its memory is the `originalCount` output bytes and a few tables.
public struct RecencyRankCodec: Codec {
    public let coding: UniversalValueCoding

    public init(level: Int) {
        coding = UniversalValueCoding(rawValue: UInt8(clamping: Swift.min(6, Swift.max(1, level)))) ?? .arithmetic
    }

    public static let descriptor = CodecDescriptor(
        name: "rank", id: 11,
        summary: "recency ranks (Elias 1987) with gamma, delta, omega, Fibonacci, adaptive Rice or binary arithmetic coding",
        levels: UniversalValueCoding.levels, defaultLevel: 6,
        make: { RecencyRankCodec(level: $0) })

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        let values = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: input.count)
        defer { values.deallocate() }
        RecencyRank.encode(input, into: values)
        for i in 0..<values.count { values[i] &+= 1 }
        coding.encode(UnsafeBufferPointer(values), into: &out)
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard originalCount >= 0 else { throw .invalidParameter("negative original size") }
        _ = try out.withUnsafeAppendingSpace(maxCount: originalCount) { (region) throws(CodecError) -> Int in
            var sink = RankSink(output: region.baseAddress?.assumingMemoryBound(to: UInt8.self))
            try UniversalValueCoding.decode(input, count: originalCount, maximum: RecencyRank.maximumValue + 1,
                                            name: "rank", into: &sink)
            return originalCount
        }
    }
}

/// Turns each decoded value v into the byte of recency rank v − 1.
private struct RankSink: ValueSink {
    let output: UnsafeMutablePointer<UInt8>?
    var decoder = RecencyRank.Decoder()

    @inline(__always)
    mutating func accept(_ value: UInt32, at position: Int) throws(CodecError) {
        guard let output else { throw .corrupt("rank: value for an empty block") }
        output[position] = try decoder.byte(for: value &- 1, at: position)
    }
}
