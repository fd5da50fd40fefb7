/// LZW with the codes sent through the range coder under `LZWPhraseModel`
/// (first byte of the phrase in context, with exclusion, then its rank among
/// phrases with that first byte) instead of as plain bit fields. The parse is
/// `LZWCodec`'s (an exact table, so it stays greedy); CLEAR decisions use the
/// plain-code bit count with a wider margin.
///
/// Format: one byte `maxBits` (9...20), then the range coder's bytes.
public struct LZWArithCodec: Codec {
    public let maxBits: Int

    public init(maxBits: Int = 16) {
        self.maxBits = Swift.min(LZWCodec.widestBits, Swift.max(LZWCodec.minBits, maxBits))
    }

    public static let descriptor = CodecDescriptor(
        name: "lzw-arith", id: 7, summary: "LZW parse, each code arithmetic-coded as its first byte (order-2 context, extensions of the previous phrase excluded) and its rank; levels 12-20 = max code bits",
        levels: Array(12...20), defaultLevel: 16, blockSize: { _ in 1 << 22 },
        make: { LZWArithCodec(maxBits: $0) },
        // Output, payload, the phrase table and its models (35 MiB measured at 20 bits).
        decodeMemory: { bits, n in 2 * n + (40 << Swift.max(0, Swift.min(bits, 20) - 10)) * 1024 + (1 << 20) })

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        out.append(UInt8(maxBits))
        var encoder = RangeEncoder(appendingTo: out)
        out = ByteBuffer()
        var model = LZWPhraseModel(maxBits: maxBits)
        var plainBits = 0
        // A frozen dictionary costs the arithmetic coder less than a reset (it learns
        // the code distribution), so resets need a clearer drop in ratio than for `lzw`.
        LZWParser.parse(input, maxBits: maxBits, resetMargin: 64) { code, width in
            if code == LZWCodec.clearCode {
                model.encodeClear(into: &encoder)
            } else {
                model.encode(code, into: &encoder)
            }
            plainBits &+= width
        } bitCount: {
            plainBits
        }
        out = encoder.finish()
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard originalCount >= 0 else { throw .invalidParameter("negative original size") }
        guard let first = input.first else { throw .truncated }
        let bits = Int(first)
        guard (LZWCodec.minBits...LZWCodec.widestBits).contains(bits) else { throw .corrupt("LZW max code width \(bits) outside 9...20") }
        guard originalCount > 0 else { return }
        let limit = input.count + 16
        var decoder = RangeDecoder(UnsafeRawBufferPointer(rebasing: input[1...]))
        var table = LZWStringTable(maxBits: bits, originalCount: originalCount)
        var model = LZWPhraseModel(maxBits: bits)
        let written = try out.withUnsafeAppendingSpace(maxCount: originalCount + LZWStringTable.slack) { (region) throws(CodecError) -> Int in
            guard let dst = region.baseAddress?.assumingMemoryBound(to: UInt8.self), region.count >= originalCount + LZWStringTable.slack else { return 0 }
            while table.produced < originalCount {
                _ = table.nextWidth()
                let code = try model.decode(from: &decoder)
                try table.decode(code, into: dst)
                // Past the end the decoder sees zeros; CLEARs could then repeat forever.
                if decoder.consumedCount > limit { throw .truncated }
            }
            return table.produced
        }
        try decoder.finish()
        guard written == originalCount else { throw .truncated }
    }
}
