import Transforms

/// Interval coding (Elias, IEEE Trans. IT-33, 1987): each byte becomes the distance
/// back to its previous occurrence (`IntervalTransform`; first occurrences count from
/// a virtual prefix 0…255), written with a universal code chosen by the level:
/// 1 γ, 2 δ, 3 ω, 4 Fibonacci, 5 adaptive Rice, 6 adaptive binary arithmetic coding
/// (`UniversalValueCoding`). A lecture codec: no statistics beyond recency.
///
/// Format: one byte, the value coding (1…6), then its stream of `originalCount`
/// values, each in 1…originalCount + 255. The decoder holds `originalCount` UInt32
/// values (4 bytes per output byte).
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
        let values = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: originalCount)
        defer { values.deallocate() }
        let maximum = UInt32(truncatingIfNeeded: originalCount + 255)
        try UniversalValueCoding.decode(input, into: values, maximum: maximum, name: "interval")
        _ = try out.withUnsafeAppendingSpace(maxCount: originalCount) { (region) throws(CodecError) -> Int in
            try IntervalTransform.decode(UnsafeBufferPointer(values), into: region)
            return originalCount
        }
    }
}
