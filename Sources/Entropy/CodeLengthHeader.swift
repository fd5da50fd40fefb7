/// Compact header for a table of Huffman code lengths (0...15 per symbol).
///
/// The lengths are run-length coded into a 19-symbol alphabet — 0...15 are
/// lengths, 16 and 17 are runs of zeros (2...9 and 10...265, with 3 and 8 extra
/// bits), 18 repeats the previous length 2...5 times (2 extra bits) — and those
/// symbols are Huffman coded with a code whose 19 lengths (limit 7) are sent as
/// 3-bit fields. The same idea as the DEFLATE header (RFC 1951 §3.2.7), with
/// our own run ranges.
public enum CodeLengthHeader {
    static let metaSymbols = 19
    static let metaLimit = 7

    /// Appends the header for `lengths` (each 0...15).
    public static func write(_ lengths: [UInt8], to writer: inout BitWriter) throws(CodecError) {
        // Run-length pass: (meta symbol, extra bits value, extra bit count).
        var items: [(sym: Int, extra: UInt64, bits: Int)] = []
        var i = 0
        let n = lengths.count
        while i < n {
            let l = lengths[i]
            guard l <= 15 else { throw .invalidParameter("code length \(l) > 15") }
            var run = 1
            while i + run < n && lengths[i + run] == l { run += 1 }
            if l == 0 && run >= 2 {
                let take = Swift.min(run, 265)
                if take <= 9 { items.append((16, UInt64(take - 2), 3)) } else { items.append((17, UInt64(take - 10), 8)) }
                i += take
            } else if l != 0 && i > 0 && lengths[i - 1] == l && run >= 2 {
                let take = Swift.min(run, 5)
                items.append((18, UInt64(take - 2), 2))
                i += take
            } else {
                items.append((Int(l), 0, 0))
                i += 1
            }
        }
        var freq = [UInt32](repeating: 0, count: metaSymbols)
        for it in items { freq[it.sym] += 1 }
        let metaLengths = try HuffmanCodeLengths.compute(freq, limit: metaLimit)
        for l in metaLengths { writer.write(UInt64(l), count: 3) }
        let meta = try CanonicalHuffmanCode(lengths: metaLengths)
        for it in items {
            let p = meta.packed[it.sym]
            writer.write(UInt64(p >> 4), count: Int(p & 15))
            if it.bits > 0 { writer.write(it.extra, count: it.bits) }
        }
    }

    /// Reads a header for `alphabetSize` symbols. Throws `.corrupt` or
    /// `.truncated` on anything a correct writer could not have produced.
    public static func read(from reader: inout BitReader, alphabetSize: Int) throws(CodecError) -> [UInt8] {
        guard alphabetSize > 0, alphabetSize <= 4096 else {
            throw .invalidParameter("alphabet size \(alphabetSize) outside 1...4096")
        }
        var metaLengths = [UInt8](repeating: 0, count: metaSymbols)
        for k in 0..<metaSymbols {
            metaLengths[k] = UInt8(reader.read(3))
        }
        try reader.checkNotOverrun()
        let meta = try HuffmanDecodingTable(lengths: metaLengths, tableBits: metaLimit)
        var lengths = [UInt8](repeating: 0, count: alphabetSize)
        var i = 0
        while i < alphabetSize {
            let s = try meta.decode(&reader)
            try reader.checkNotOverrun()
            switch s {
            case 0...15:
                lengths[i] = UInt8(s); i += 1
            case 16, 17:
                let run = s == 16 ? Int(reader.read(3)) + 2 : Int(reader.read(8)) + 10
                guard i + run <= alphabetSize else { throw .corrupt("zero run in code-length header passes the alphabet end") }
                i += run // already zero
            default:
                let run = Int(reader.read(2)) + 2
                guard i > 0 else { throw .corrupt("code-length header repeats a length before the first one") }
                guard i + run <= alphabetSize else { throw .corrupt("repeat in code-length header passes the alphabet end") }
                let prev = lengths[i - 1]
                for k in i..<(i + run) { lengths[k] = prev }
                i += run
            }
        }
        try reader.checkNotOverrun()
        guard HuffmanCodeLengths.kraftSum(lengths) <= 1 << 15 else {
            throw .corrupt("code lengths in header oversubscribe the code space")
        }
        return lengths
    }
}
