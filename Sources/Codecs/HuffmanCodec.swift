/// Static order-0 canonical Huffman coding of bytes.
///
/// The block is cut into sub-blocks (size chosen by level: smaller sub-blocks
/// follow local statistics at the price of more tables); each gets its own
/// length-limited code (package-merge, ≤ 15 bits) or, when cheaper, is sent as
/// one repeated symbol or raw.
///
/// Format: one byte log2(sub-block size), then one MSB-first bit stream; per
/// sub-block a 2-bit mode — 0 Huffman (CodeLengthHeader + codes), 1 a single
/// symbol (8 bits), 2 raw bytes (8 bits each).
public struct HuffmanCodec: Codec {
    public let subBlockLog2: Int

    /// Sub-block size 2^subBlockLog2 bytes (10...24).
    public init(subBlockLog2: Int = 17) {
        self.subBlockLog2 = Swift.min(24, Swift.max(10, subBlockLog2))
    }

    /// Level 1: 1 MiB sub-blocks (fastest), 2: 128 KiB, 3: 32 KiB.
    public init(level: Int) {
        self.init(subBlockLog2: level <= 1 ? 20 : level == 2 ? 17 : 15)
    }

    public static let descriptor = CodecDescriptor(
        name: "huffman", id: 1, summary: "static order-0 canonical Huffman per sub-block (levels: 1 MiB, 128 KiB, 32 KiB)",
        levels: [1, 2, 3], defaultLevel: 2, make: { HuffmanCodec(level: $0) })

    static let modeHuffman: UInt64 = 0, modeSingle: UInt64 = 1, modeRaw: UInt64 = 2

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        out.append(UInt8(subBlockLog2))
        var writer = BitWriter(appendingTo: out)
        out = ByteBuffer()
        let n = input.count
        let sub = 1 << subBlockLog2
        var start = 0
        while start < n, let base = input.baseAddress {
            let count = Swift.min(sub, n - start)
            try encodeSubBlock(UnsafeRawBufferPointer(start: base + start, count: count), &writer)
            start += count
        }
        out = writer.finish()
    }

    func encodeSubBlock(_ block: UnsafeRawBufferPointer, _ writer: inout BitWriter) throws(CodecError) {
        let freq = ByteHistogram.counts(block)
        let n = block.count
        var usedSymbols = 0, lastUsed = 0
        for s in 0..<256 where freq[s] > 0 { usedSymbols += 1; lastUsed = s }
        if usedSymbols == 1 {
            writer.write(Self.modeSingle, count: 2)
            writer.write(UInt64(lastUsed), count: 8)
            return
        }
        let lengths = try HuffmanCodeLengths.compute(freq, limit: 15)
        let code = try CanonicalHuffmanCode(lengths: lengths)
        var header = BitWriter(capacity: 256)
        try CodeLengthHeader.write(lengths, to: &header)
        if header.bitCount + code.codedBits(frequencies: freq) >= 8 * n {
            writer.write(Self.modeRaw, count: 2)
            for b in block { writer.write(UInt64(b), count: 8) }
            return
        }
        writer.write(Self.modeHuffman, count: 2)
        try CodeLengthHeader.write(lengths, to: &writer)
        code.packed.withUnsafeBufferPointer { table in
            guard let t = table.baseAddress, let p = block.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            var i = 0
            // Three codes of at most 15 bits make one write of at most 45 bits.
            while i &+ 3 <= n {
                let a = t[Int(p[i])], b = t[Int(p[i &+ 1])], c = t[Int(p[i &+ 2])]
                let la = a & 15, lb = b & 15, lc = c & 15
                var v = UInt64(a >> 4)
                v = v &<< UInt64(lb) | UInt64(b >> 4)
                v = v &<< UInt64(lc) | UInt64(c >> 4)
                writer.write(v, count: Int(la &+ lb &+ lc))
                i &+= 3
            }
            while i < n {
                let a = t[Int(p[i])]
                writer.write(UInt64(a >> 4), count: Int(a & 15))
                i &+= 1
            }
        }
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard originalCount >= 0 else { throw .invalidParameter("negative original size") }
        guard let first = input.first else { throw .truncated }
        let log2 = Int(first)
        guard (10...24).contains(log2) else { throw .corrupt("Huffman sub-block size 2^\(log2) outside 2^10...2^24") }
        guard originalCount > 0 else { return }
        let sub = 1 << log2
        var reader = BitReader(UnsafeRawBufferPointer(rebasing: input[1...]))
        let written = try out.withUnsafeAppendingSpace(maxCount: originalCount) { (region) throws(CodecError) -> Int in
            guard let dst = region.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
            var done = 0
            while done < originalCount {
                let count = Swift.min(sub, originalCount - done)
                let mode = reader.read(2)
                switch mode {
                case Self.modeSingle:
                    let s = UInt8(truncatingIfNeeded: reader.read(8))
                    (dst + done).initialize(repeating: s, count: count)
                case Self.modeRaw:
                    for k in 0..<count { dst[done + k] = UInt8(truncatingIfNeeded: reader.read(8)) }
                case Self.modeHuffman:
                    let lengths = try CodeLengthHeader.read(from: &reader, alphabetSize: 256)
                    let table = try HuffmanDecodingTable(lengths: lengths, tableBits: 12)
                    guard table.decodeBytes(&reader, count: count, into: dst + done) else {
                        throw .corrupt("invalid Huffman code word in sub-block at byte \(done)")
                    }
                default:
                    throw .corrupt("unknown Huffman sub-block mode \(mode) at byte \(done)")
                }
                try reader.checkNotOverrun()
                done += count
            }
            return done
        }
        guard written == originalCount else { throw .truncated }
    }
}
