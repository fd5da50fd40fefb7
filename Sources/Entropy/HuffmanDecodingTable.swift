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
    /// For byte alphabets: per prefix, the up to three symbols whose codes all
    /// fit in it — symbols in bytes 0...2, bits used << 24, symbol count << 28
    /// (count 0: a long code). Cuts the lookups two- to threefold on typical data.
    @usableFromInline let multiEntries: [UInt32]
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
        // The table may be wider than the longest code (then several short
        // codes share a lookup); `decodeLong` covers lengths beyond it.
        let bits = Swift.max(1, Swift.min(requested, 15))
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
        var multi: [UInt32] = []
        if lengths.count <= 256 {
            multi = [UInt32](repeating: 0, count: 1 << bits)
            let mask = (1 << bits) - 1
            for x in 0..<(1 << bits) {
                var used = 0, count = 0
                var value: UInt32 = 0
                while count < 3 {
                    let e = entries[(x << used) & mask]
                    let l = Int(e & 15)
                    guard l != 0, used + l <= bits else { break }
                    value |= UInt32(e >> 4) << UInt32(8 * count)
                    used += l
                    count += 1
                }
                multi[x] = count == 0 ? 0 : value | UInt32(used) << 24 | UInt32(count) << 28
            }
        }
        self.multiEntries = multi
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
        guard multiEntries.count == 1 << bits else { return false }
        return multiEntries.withUnsafeBufferPointer { table -> Bool in
            guard let t = table.baseAddress else { return false }
            var i = 0
            // Up to three symbols are stored as four bytes at once, so keep three spare bytes of room.
            while i &+ 4 <= count {
                // Four lookups of at most `bits` ≤ 12 bits fit in one 57-bit refill.
                reader.refill()
                var k = 0
                while k < 4 && i &+ 4 <= count {
                    let e = t[Int(truncatingIfNeeded: reader.peek(bits))]
                    let n = Int(e >> 28)
                    if n != 0 {
                        reader.skip(Int((e >> 24) & 15))
                        UnsafeMutableRawPointer(destination + i).storeBytes(of: e.littleEndian, as: UInt32.self)
                        i &+= n
                    } else {
                        guard let s = try? decodeLong(&reader), s < 256 else { return false }
                        destination[i] = UInt8(s)
                        i &+= 1
                    }
                    k &+= 1
                }
            }
            while i < count {
                guard let s = try? decode(&reader), s < 256 else { return false }
                destination[i] = UInt8(s)
                i &+= 1
            }
            return true
        }
    }
}
