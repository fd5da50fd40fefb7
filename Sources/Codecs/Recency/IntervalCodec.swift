import Transforms

/// Interval coding (Elias, IEEE Trans. IT-33, 1987): each byte becomes the distance
/// back to its previous occurrence (`IntervalTransform`; first occurrences count from
/// a virtual prefix 0…255), written with a universal code chosen by the level:
/// 1 γ, 2 δ, 3 ω, 4 Fibonacci, 5 adaptive Rice, 6 adaptive binary arithmetic coding
/// (`UniversalValueCoding`). A lecture codec: no statistics beyond recency.
///
/// Format: one byte, the value coding (1…6), then its stream of `originalCount`
/// values, each in 1…originalCount + 255. The decoder streams: its memory is the
/// `originalCount` output bytes and a few tables.
public struct IntervalCodec: Codec {
    public let coding: UniversalValueCoding

    public init(level: Int) {
        coding = UniversalValueCoding(rawValue: UInt8(clamping: Swift.min(6, Swift.max(1, level)))) ?? .arithmetic
    }

    public static let descriptor = CodecDescriptor(
        name: "interval", id: 12,
        summary: "interval coding (Elias 1987) with gamma, delta, omega, Fibonacci, adaptive Rice or binary arithmetic coding",
        levels: UniversalValueCoding.levels, defaultLevel: 6,
        make: { IntervalCodec(level: $0) })

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        guard input.count <= IntervalTransform.maximumCount else {
            throw .invalidParameter("interval blocks are limited to \(IntervalTransform.maximumCount) bytes")
        }
        let values = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: input.count)
        defer { values.deallocate() }
        IntervalTransform.encode(input, into: values)
        coding.encode(UnsafeBufferPointer(values), into: &out)
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard originalCount >= 0 else { throw .invalidParameter("negative original size") }
        guard originalCount <= IntervalTransform.maximumCount else {
            throw .limitExceeded("interval block of \(originalCount) bytes")
        }
        let maximum = UInt32(truncatingIfNeeded: originalCount + 255)
        _ = try out.withUnsafeAppendingSpace(maxCount: originalCount) { (region) throws(CodecError) -> Int in
            var sink = IntervalSink(output: region.baseAddress?.assumingMemoryBound(to: UInt8.self))
            try UniversalValueCoding.decode(input, count: originalCount, maximum: maximum, name: "interval", into: &sink)
            return originalCount
        }
    }
}

/// Turns each decoded interval into the byte it points back at.
private struct IntervalSink: ValueSink {
    let output: UnsafeMutablePointer<UInt8>?
    var decoder = IntervalTransform.Decoder()

    @inline(__always)
    mutating func accept(_ value: UInt32, at position: Int) throws(CodecError) {
        guard let output else { throw .corrupt("interval: value for an empty block") }
        output[position] = try decoder.byte(for: value, at: position, decoded: UnsafePointer(output))
    }
}
