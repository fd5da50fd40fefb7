/// Table-driven decoder for a canonical Huffman code.
///
/// Codes up to `tableBits` long decode with one lookup of the next `tableBits`
/// bits; longer codes (rare by construction) fall to a canonical search over
/// the remaining lengths. The table is the classic "lookup on a bit prefix"
/// scheme (e.g. Moffat & Turpin, "On the implementation of minimum redundancy
/// prefix codes", IEEE Trans. Comm. 45(10), 1997).
public struct HuffmanDecodingTable: Sendable {
    /// Lookup width in bits.
    public let tableBits: Int
    /// Per `tableBits`-bit prefix: symbol << 4 | length, or 0 when the code is longer
    /// than `tableBits` (or the prefix is not a valid code).
    @usableFromInline let entries: [UInt16]
    @usableFromInline let maxLength: Int
    /// Canonical search data for long codes: first code word, first index into
    /// `sortedSymbols`, and number of codes, per length.
    @usableFromInline let firstCode: [UInt32]
    @usableFromInline let firstIndex: [Int]
    @usableFromInline let countPerLength: [Int]
    @usableFromInline let sortedSymbols: [UInt16]

    /// Builds the table. Lengths must form a prefix code (Kraft sum ≤ 1); an
    /// incomplete code is accepted and its unused words decode as corrupt.
    /// Throws `.corrupt` for bad lengths or when no symbol is used.
    public init(lengths: [UInt8], tableBits requested: Int = 11) throws(CodecError) {
        guard lengths.count <= 4096 else { throw .limitExceeded("Huffman alphabet of \(lengths.count) symbols > 4096") }
        let code = try CanonicalHuffmanCode(lengths: lengths)
        guard code.maxLength > 0 else { throw .corrupt("Huffman table uses no symbol") }
        let bits = Swift.max(1, Swift.min(requested, code.maxLength))
        tableBits = bits
        maxLength = code.maxLength
        var entries = [UInt16](repeating: 0, count: 1 << bits)
        var countPerLength = [Int](repeating: 0, count: 16)
        for l in lengths where l > 0 { countPerLength[Int(l)] += 1 }
        var firstIndex = [Int](repeating: 0, count: 16)
        for l in 1..<16 { firstIndex[l] = firstIndex[l - 1] + countPerLength[l - 1] }
        var fill = firstIndex
        var sorted = [UInt16](repeating: 0, count: firstIndex[15] + countPerLength[15])
        var firstCode = [UInt32](repeating: 0, count: 16)
        var c: UInt32 = 0
        for l in 1..<16 {
            c = (c + UInt32(countPerLength[l - 1])) << 1
            firstCode[l] = c
        }
        for (s, l) in lengths.enumerated() where l > 0 {
            sorted[fill[Int(l)]] = UInt16(s)
            fill[Int(l)] += 1
            if Int(l) <= bits {
                let start = Int(code.packed[s] >> 4) << (bits - Int(l))
                let value = UInt16(s) << 4 | UInt16(l)
                entries.withUnsafeMutableBufferPointer { e in
                    for k in start..<(start + (1 << (bits - Int(l)))) { e[k] = value }
                }
            }
        }
        self.entries = entries
        self.firstCode = firstCode
        self.firstIndex = firstIndex
        self.countPerLength = countPerLength
        self.sortedSymbols = sorted
    }

    /// Decodes one symbol.
    @inlinable
    public func decode(_ reader: inout BitReader) throws(CodecError) -> Int {
        let e = entries.withUnsafeBufferPointer { $0[Int(truncatingIfNeeded: reader.peek(tableBits))] }
        if e & 15 != 0 {
            reader.skip(Int(e & 15))
            return Int(e >> 4)
        }
        return try decodeLong(&reader)
    }

    /// Decodes a code longer than `tableBits` by canonical search.
    @usableFromInline
    func decodeLong(_ reader: inout BitReader) throws(CodecError) -> Int {
        let window = UInt32(truncatingIfNeeded: reader.peek(maxLength))
        var l = tableBits + 1
        while l <= maxLength {
            let c = window >> UInt32(maxLength - l)
            let offset = c &- firstCode[l]
            if offset < UInt32(countPerLength[l]) {
                reader.skip(l)
                return Int(sortedSymbols[firstIndex[l] + Int(offset)])
            }
            l += 1
        }
        throw .corrupt("bit pattern is not a code word of the Huffman table")
    }

    /// Decodes `count` byte symbols (the alphabet must be at most 256 symbols)
    /// into `destination`. Returns false, after consuming an unknown amount, if
    /// a bit pattern is not a code word.
    @inlinable
    public func decodeBytes(_ reader: inout BitReader, count: Int, into destination: UnsafeMutablePointer<UInt8>) -> Bool {
        let bits = tableBits
        return entries.withUnsafeBufferPointer { table -> Bool in
            guard let t = table.baseAddress else { return false }
            var i = 0
            while i < count {
                // Three codes of at most 15 bits fit in one 57-bit refill.
                reader.refill()
                let run = Swift.min(3, count &- i)
                for _ in 0..<run {
                    let e = t[Int(truncatingIfNeeded: reader.peek(bits))]
                    if e & 15 != 0 {
                        reader.skip(Int(e & 15))
                        destination[i] = UInt8(truncatingIfNeeded: e >> 4)
                    } else {
                        guard let s = try? decodeLong(&reader), s < 256 else { return false }
                        destination[i] = UInt8(s)
                    }
                    i &+= 1
                }
            }
            return true
        }
    }
}
