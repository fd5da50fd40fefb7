/// Textbook LZ77 (Ziv & Lempel, IEEE Trans. IT-23, 1977) with the universal
/// codes of BitIO: a flag bit per token, a literal as 8 raw bits, a match
/// as Elias γ of (length − 2) and Elias δ of the distance (Elias, IEEE
/// Trans. IT-21, 1975). No statistics are gathered: this is the baseline the
/// entropy-coded back ends are compared with.
///
/// Format: one byte log2(window), then one MSB-first bit stream of tokens
/// until `originalCount` bytes are produced.
public struct LZ77EliasCodec: Codec {
    public let parameters: LZ77Parameters
    /// Longest match this format writes (any γ value would decode).
    public static let maxLength = 1 << 16

    public init(parameters: LZ77Parameters) { self.parameters = parameters }

    public init(level: Int) { self.init(parameters: Self.parameters(level: level)) }

    /// Levels 1...9: window 64 KiB → 2 MiB, chain depth 4 → 1024, lazy from level 4.
    public static func parameters(level: Int) -> LZ77Parameters {
        let l = Swift.min(9, Swift.max(1, level))
        let depth = [4, 8, 16, 32, 64, 128, 256, 512, 1024][l - 1]
        let windowLog = [16, 16, 17, 18, 19, 20, 20, 20, 21][l - 1]
        return LZ77Parameters(windowLog: windowLog, chainDepth: depth, lazy: l >= 4,
                              niceLength: l >= 8 ? 1024 : 32 * l, maxLength: maxLength,
                              hashLog: l >= 6 ? 17 : 15, maxDistanceForLength3: 1 << 12)
    }

    public static let descriptor = CodecDescriptor(
        name: "lz77-elias", id: 3,
        summary: "LZ77 (hash chains, lazy) with flag bits, raw literals, Elias gamma lengths, Elias delta distances",
        levels: Array(1...9), defaultLevel: 6,
        blockSize: { $0 >= 9 ? 1 << 22 : 1 << 20 },
        make: { LZ77EliasCodec(level: $0) })

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        out.append(UInt8(parameters.windowLog))
        var writer = BitWriter(appendingTo: out)
        out = ByteBuffer()
        let parse = LZ77Parse(input, parameters: parameters)
        parse.values.withUnsafeBufferPointer { vb in
            parse.distances.withUnsafeBufferPointer { db in
                for k in 0..<parse.count {
                    let d = db[k], v = vb[k]
                    if d == 0 {
                        writer.write(UInt64(v), count: 9)
                    } else {
                        writer.write(1, count: 1)
                        EliasGamma.encode(UInt64(v) - 2, to: &writer)
                        EliasDelta.encode(UInt64(d), to: &writer)
                    }
                }
            }
        }
        out = writer.finish()
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard var reader = try LZ77Parameters.payloadBits(input, originalCount: originalCount) else { return }
        let written = try out.withUnsafeAppendingSpace(maxCount: originalCount) { (region) throws(CodecError) -> Int in
            guard let dst = region.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
            var done = 0
            while done < originalCount {
                if !reader.readBit() {
                    dst[done] = UInt8(truncatingIfNeeded: reader.read(8))
                    done &+= 1
                    continue
                }
                let lengthCode = try EliasGamma.decode(from: &reader)
                let distance = try EliasDelta.decode(from: &reader)
                guard lengthCode >= 1, lengthCode <= UInt64(originalCount &- done), lengthCode &+ 2 <= UInt64(originalCount &- done) else {
                    try reader.checkNotOverrun()
                    throw .corrupt("LZ77 match length \(lengthCode &+ 2) past the end at byte \(done)")
                }
                guard distance >= 1, distance <= UInt64(done) else {
                    try reader.checkNotOverrun()
                    throw .corrupt("LZ77 distance \(distance) beyond the output at byte \(done)")
                }
                let length = Int(lengthCode) &+ 2
                LZ77Copy.copy(dst, at: done, distance: Int(distance), length: length)
                done &+= length
            }
            try reader.checkNotOverrun()
            return done
        }
        guard written == originalCount else { throw .truncated }
    }
}
