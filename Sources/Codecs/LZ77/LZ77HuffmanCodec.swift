/// LZ77 with deflate-style entropy coding (RFC 1951, our own slot layout):
/// a literal/length alphabet (256 literals + 16 length slots) and a distance
/// alphabet (44 slots, distances up to 4 MiB), each slot followed by raw extra
/// bits, and a canonical Huffman code (≤ 15 bits, package-merge) per block of
/// tokens, its lengths sent with CodeLengthHeader.
///
/// Slots: for v ≥ 0 (length − 3, or distance − 1), v < 4 is its own slot with
/// no extra bits; otherwise with b = ⌊log2 v⌋ the slot is 2b + the bit below
/// the top one, followed by the b − 1 low bits.
///
/// Format: one byte log2(window), then one MSB-first bit stream of blocks:
/// Elias γ token count, literal/length lengths, distance lengths, tokens.
public struct LZ77HuffmanCodec: Codec {
    public let parameters: LZ77Parameters
    public static let maxLength = 258
    public static let literalLengthSymbols = 256 + 16
    public static let distanceSymbols = 44
    public static let tokensPerBlock = 1 << 15
    /// The cost-based parse ends a block at a segment's end only once it holds this many tokens.
    static let minimumTokensPerBlock = 1 << 12

    public init(parameters: LZ77Parameters) { self.parameters = parameters }
    public init(level: Int) { self.init(parameters: Self.parameters(level: level)) }

    /// Levels 1...7: hash chains of 4-byte hashes beside a table of the newest
    /// 3-byte match, window 32 KiB → 256 KiB, chain depth 4 → 64, lazy from
    /// level 4. The default (6) searches 16 deep in 128 KiB: deeper chains in
    /// text cost far more time than the bytes they save. Levels 8 and 9: the
    /// cost-based parse over a binary tree (`LZ77HuffmanOptimalParse`), 12 and
    /// 32 nodes a position in 1 and 2 MiB, one and two passes. Figures per level
    /// on Calgary-14 in docs/LZ77.md.
    public static func parameters(level: Int) -> LZ77Parameters {
        let l = Swift.min(9, Swift.max(1, level))
        if l >= 8 {
            return LZ77Parameters(windowLog: l == 9 ? 21 : 20, chainDepth: l == 9 ? 32 : 12, lazy: false,
                                  niceLength: l == 9 ? maxLength : 96, maxLength: maxLength,
                                  hashLog: 17, maxDistanceForLength3: 1 << 13, optimalPasses: l == 9 ? 2 : 1)
        }
        let depth = [4, 8, 12, 8, 12, 16, 64][l - 1]
        let windowLog = [15, 15, 16, 16, 17, 17, 18][l - 1]
        let hashLog = [15, 15, 15, 15, 16, 17, 17][l - 1]
        return LZ77Parameters(windowLog: windowLog, chainDepth: depth, lazy: l >= 4,
                              niceLength: 32 * l, maxLength: maxLength,
                              hashLog: hashLog, maxDistanceForLength3: 1 << 13,
                              goodLength: l >= 4 ? 16 : 32, hashBytes: 4)
    }

    public static let descriptor = CodecDescriptor(
        name: "lz77-huffman", id: 4,
        summary: "LZ77 (hash chains, lazy; cost-based parse at -8/-9) with deflate-style length/distance slots and canonical Huffman per block",
        levels: Array(1...9), defaultLevel: 6,
        blockSize: { $0 >= 9 ? 1 << 22 : 1 << 20 },
        make: { LZ77HuffmanCodec(level: $0) })

    /// The slot of v (length − 3 or distance − 1), its extra-bit count and extra bits.
    @inline(__always)
    public static func slot(_ v: UInt32) -> (slot: Int, extraBits: Int, extra: UInt32) {
        if v < 4 { return (Int(v), 0, 0) }
        let b = 31 - v.leadingZeroBitCount
        let slot = 2 * b + Int((v >> UInt32(b - 1)) & 1)
        return (slot, b - 1, v & ((1 << UInt32(b - 1)) - 1))
    }

    /// Inverse of `slot`: the base value and extra-bit count of a slot.
    @inline(__always)
    static func base(ofSlot s: Int) -> (base: UInt32, extraBits: Int) {
        if s < 4 { return (UInt32(s), 0) }
        let b = s >> 1
        return ((2 | UInt32(s & 1)) << UInt32(b - 1), b - 1)
    }

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        out.append(UInt8(parameters.windowLog))
        var writer = BitWriter(appendingTo: out)
        out = ByteBuffer()
        var start = 0
        if parameters.optimalPasses > 0 {
            var blockEnds: [Int] = []
            let parse = LZ77Parse(optimal: input, parameters: parameters, passes: parameters.optimalPasses, blockEnds: &blockEnds)
            // A segment of few tokens (long repeats) joins the next one: its own code-length header would cost more than a shared code.
            for (k, end) in blockEnds.enumerated() where end > start {
                guard end - start >= Self.minimumTokensPerBlock || k == blockEnds.count - 1 else { continue }
                try encodeBlock(parse, start, end, &writer)
                start = end
            }
        } else {
            let parse = LZ77Parse(input, parameters: parameters)
            while start < parse.count {
                let end = Swift.min(parse.count, start + Self.tokensPerBlock)
                try encodeBlock(parse, start, end, &writer)
                start = end
            }
        }
        out = writer.finish()
    }

    func encodeBlock(_ parse: LZ77Parse, _ start: Int, _ end: Int, _ writer: inout BitWriter) throws(CodecError) {
        var litFreq = [UInt32](repeating: 0, count: Self.literalLengthSymbols)
        var distFreq = [UInt32](repeating: 0, count: Self.distanceSymbols)
        for k in start..<end {
            let d = parse.distances[k], v = parse.values[k]
            if d == 0 {
                litFreq[Int(v)] += 1
            } else {
                litFreq[256 + Self.slot(v - 3).slot] += 1
                distFreq[Self.slot(d - 1).slot] += 1
            }
        }
        if !distFreq.contains(where: { $0 > 0 }) { distFreq[0] = 1 }
        let litLengths = try HuffmanCodeLengths.compute(litFreq, limit: 15)
        let distLengths = try HuffmanCodeLengths.compute(distFreq, limit: 15)
        let litCode = try CanonicalHuffmanCode(lengths: litLengths)
        let distCode = try CanonicalHuffmanCode(lengths: distLengths)
        EliasGamma.encode(UInt64(end - start), to: &writer)
        try CodeLengthHeader.write(litLengths, to: &writer)
        try CodeLengthHeader.write(distLengths, to: &writer)
        litCode.packed.withUnsafeBufferPointer { lt in
            distCode.packed.withUnsafeBufferPointer { dt in
                parse.values.withUnsafeBufferPointer { vb in
                    parse.distances.withUnsafeBufferPointer { db in
                        for k in start..<end {
                            let d = db[k], v = vb[k]
                            if d == 0 {
                                let c = lt[Int(v)]
                                writer.write(UInt64(c >> 4), count: Int(c & 15))
                            } else {
                                let ls = Self.slot(v - 3)
                                let c = lt[256 + ls.slot]
                                writer.write(UInt64(c >> 4), count: Int(c & 15))
                                writer.write(UInt64(ls.extra), count: ls.extraBits)
                                let ds = Self.slot(d - 1)
                                let e = dt[ds.slot]
                                writer.write(UInt64(e >> 4), count: Int(e & 15))
                                writer.write(UInt64(ds.extra), count: ds.extraBits)
                            }
                        }
                    }
                }
            }
        }
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard var reader = try LZ77Parameters.payloadBits(input, originalCount: originalCount) else { return }
        let written = try out.withUnsafeAppendingSpace(maxCount: originalCount) { (region) throws(CodecError) -> Int in
            guard let dst = region.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
            var done = 0
            while done < originalCount {
                let tokens = try EliasGamma.decode(from: &reader)
                guard tokens >= 1, tokens <= UInt64(originalCount &- done) else {
                    try reader.checkNotOverrun()
                    throw .corrupt("LZ77 block of \(tokens) tokens with \(originalCount - done) bytes left")
                }
                let litLengths = try CodeLengthHeader.read(from: &reader, alphabetSize: Self.literalLengthSymbols)
                let distLengths = try CodeLengthHeader.read(from: &reader, alphabetSize: Self.distanceSymbols)
                try reader.checkNotOverrun()
                let litTable = try HuffmanDecodingTable(lengths: litLengths, tableBits: 11)
                let distTable = try HuffmanDecodingTable(lengths: distLengths, tableBits: 9)
                for _ in 0..<Int(tokens) {
                    guard done < originalCount else { throw .corrupt("LZ77 block runs past the end") }
                    let s = try litTable.decode(&reader)
                    if s < 256 {
                        dst[done] = UInt8(truncatingIfNeeded: s)
                        done &+= 1
                        continue
                    }
                    guard s < Self.literalLengthSymbols else { throw .corrupt("LZ77 length symbol \(s)") }
                    let lb = Self.base(ofSlot: s &- 256)
                    let length = Int(lb.base) &+ Int(reader.read(lb.extraBits)) &+ 3
                    let ds = try distTable.decode(&reader)
                    guard ds < Self.distanceSymbols else { throw .corrupt("LZ77 distance symbol \(ds)") }
                    let db = Self.base(ofSlot: ds)
                    let distance = Int(db.base) &+ Int(reader.read(db.extraBits)) &+ 1
                    guard length <= originalCount &- done else {
                        try reader.checkNotOverrun()
                        throw .corrupt("LZ77 match length \(length) past the end at byte \(done)")
                    }
                    guard distance <= done else {
                        try reader.checkNotOverrun()
                        throw .corrupt("LZ77 distance \(distance) beyond the output at byte \(done)")
                    }
                    LZ77Copy.copy(dst, at: done, distance: distance, length: length)
                    done &+= length
                }
                try reader.checkNotOverrun()
            }
            return done
        }
        guard written == originalCount else { throw .truncated }
    }
}
