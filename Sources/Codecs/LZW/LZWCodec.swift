/// LZW (Welch 1984, "A Technique for High-Performance Data Compression") with
/// variable-width codes and the adaptive reset of Unix `compress`.
///
/// Codes 0...255 are the bytes, 256 is CLEAR, new strings get 257, 258, ...
/// up to 2^maxBits - 1. Each code is written with just enough bits for the
/// largest value it can take at that point (9 bits up to `maxBits`). Once the
/// dictionary is full it is frozen; every `checkGap` input bytes the cumulative
/// ratio is compared with the last check and, when it fell, a CLEAR is sent
/// and the dictionary starts again (the strategy of `compress`, Thomas et al.).
///
/// Format: one byte `maxBits` (9...20), then one MSB-first bit stream of codes.
/// No end code: the decoder stops after `originalCount` bytes.
public struct LZWCodec: Codec {
    public let maxBits: Int

    public static let minBits = 9, widestBits = 20
    public static let clearCode = 256, firstFree = 257
    /// Input bytes between ratio checks once the dictionary is full (as in `compress`).
    static let checkGap = 10_000

    /// `maxBits` is clamped to 9...20.
    public init(maxBits: Int = 16) {
        self.maxBits = Swift.min(Self.widestBits, Swift.max(Self.minBits, maxBits))
    }

    public static let descriptor = CodecDescriptor(
        name: "lzw", id: 6, summary: "LZW, 9-bit to 2^level-entry codes, reset when the ratio drops (like compress); levels 12-20 = max code bits",
        levels: Array(12...20), defaultLevel: 16, blockSize: { _ in 1 << 22 },
        make: { LZWCodec(maxBits: $0) },
        // Output, payload and the string table (2^maxBits entries; 12 MiB measured at 20 bits).
        decodeMemory: { bits, n in 2 * n + (16 << Swift.max(0, Swift.min(bits, 20) - 10)) * 1024 + (1 << 20) })

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        out.append(UInt8(maxBits))
        var writer = BitWriter(appendingTo: out)
        out = ByteBuffer()
        parse(input) { code, width in
            writer.write(UInt64(code), count: width)
        } bitCount: {
            writer.bitCount
        }
        out = writer.finish()
    }

    /// Every code `encode` writes, with the width it is written at, in order (for
    /// `squeeze explain lzw`): the same parse, table and reset policy as `encode`.
    public func codes(_ input: UnsafeRawBufferPointer) -> [(code: Int, width: Int)] {
        var codes: [(code: Int, width: Int)] = []
        var bits = 8  // `encode`'s bit count includes its header byte
        parse(input) { code, width in
            codes.append((code, width))
            bits += width
        } bitCount: {
            bits
        }
        return codes
    }

    private func parse(_ input: UnsafeRawBufferPointer, emit: (Int, Int) -> Void, bitCount: () -> Int) {
        if maxBits <= 16 {
            var table = LZWCompactHashTable()
            LZWParser.parse(input, maxBits: maxBits, resetMargin: 1024, table: &table, emit: emit, bitCount: bitCount)
        } else {
            LZWParser.parse(input, maxBits: maxBits, emit: emit, bitCount: bitCount)
        }
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard originalCount >= 0 else { throw .invalidParameter("negative original size") }
        guard let first = input.first else { throw .truncated }
        let bits = Int(first)
        guard (Self.minBits...Self.widestBits).contains(bits) else { throw .corrupt("LZW max code width \(bits) outside 9...20") }
        guard originalCount > 0 else { return }
        var reader = BitReader(UnsafeRawBufferPointer(rebasing: input[1...]))
        var decoder = LZWStringTable(maxBits: bits, originalCount: originalCount)
        let written = try out.withUnsafeAppendingSpace(maxCount: originalCount + LZWStringTable.slack) { (region) throws(CodecError) -> Int in
            guard let dst = region.baseAddress?.assumingMemoryBound(to: UInt8.self), region.count >= originalCount + LZWStringTable.slack else { return 0 }
            while decoder.produced < originalCount {
                let width = decoder.nextWidth()
                let code = Int(truncatingIfNeeded: reader.read(width))
                try decoder.decode(code, into: dst)
                if reader.isOverrun { throw .truncated }
            }
            return decoder.produced
        }
        guard written == originalCount else { throw .truncated }
    }
}
