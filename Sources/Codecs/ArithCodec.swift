/// Adaptive arithmetic (range) coding of bytes; the level picks the model:
/// 0, 1, 2 — order-k adaptive frequency model; 3 — bitwise mixing of orders
/// 0...3; 4 — bitwise mixing of orders 0, 1, 2, 3, 4, 6 (strongest, slowest).
///
/// Format: one byte (the model number), then the range-coded stream; or the
/// byte 255 and the raw block when coding would expand it (random data).
/// Another model number (a newer build's) is `.unsupported`.
public struct ArithCodec: Codec {
    public let model: Int

    public init(level: Int) {
        model = Swift.min(4, Swift.max(0, level))
    }

    public static let descriptor = CodecDescriptor(
        name: "arith", id: 2,
        summary: "adaptive range coding: levels 0-2 order-k frequency models, 3-4 bitwise context mixing",
        levels: [0, 1, 2, 3, 4], defaultLevel: 2, strongestLevel: 4, make: { ArithCodec(level: $0) },
        // Output and payload, plus the model: the mixing tables of levels 3-4 (about 64 MiB measured).
        decodeMemory: { level, n in 2 * n + (level >= 3 ? 72 << 20 : 4 << 20) })

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        let start = out.count
        out.append(UInt8(model))
        try AdaptiveArithmeticCoding.encode(input, model: model, into: &out)
        if out.count - start > input.count + 1 {
            out.truncate(to: start)
            out.append(Self.storedMarker)
            out.append(contentsOf: input)
        }
    }

    static let storedMarker: UInt8 = 255

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard originalCount >= 0 else { throw .invalidParameter("negative original size") }
        guard let first = input.first else { throw .truncated }
        let body = UnsafeRawBufferPointer(rebasing: input[1...])
        if first == Self.storedMarker {
            guard body.count == originalCount else {
                throw body.count < originalCount ? .truncated : .corrupt("stored arith block holds \(body.count) bytes, expected \(originalCount)")
            }
            out.append(contentsOf: body)
            return
        }
        let model = Int(first)
        let models = AdaptiveArithmeticCoding.models
        guard models.contains(model) else {
            throw .unsupported("arith model \(model) (this build reads \(models.lowerBound)–\(models.upperBound) and \(Self.storedMarker), stored)")
        }
        let written = try out.withUnsafeAppendingSpace(maxCount: originalCount) { (region) throws(CodecError) -> Int in
            guard originalCount > 0, let dst = region.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
            try AdaptiveArithmeticCoding.decode(body, model: model, count: originalCount, into: dst)
            return originalCount
        }
        guard written == originalCount else { throw .truncated }
    }
}
