/// A canonical prefix code: words are assigned in order of (length, symbol), so
/// the lengths alone define the code (Schwartz & Kallick, "Generating a
/// canonical prefix encoding", CACM 7(3), 1964). Codes are MSB-first, matching
/// `BitWriter`/`BitReader`.
public struct CanonicalHuffmanCode: Sendable {
    /// Code length per symbol (0 = symbol unused).
    public let lengths: [UInt8]
    /// Per symbol: code word << 4 | length, ready for one `BitWriter.write`.
    public let packed: [UInt32]
    /// The longest code length in use.
    public let maxLength: Int

    /// Builds the code; throws `.corrupt` if a length exceeds 15 or the
    /// lengths violate the Kraft inequality (no prefix code would exist).
    public init(lengths: [UInt8]) throws(CodecError) {
        var countPerLength = [Int](repeating: 0, count: 16)
        var maxLength = 0
        for l in lengths where l > 0 {
            guard l <= 15 else { throw .corrupt("Huffman code length \(l) exceeds 15") }
            countPerLength[Int(l)] += 1
            maxLength = Swift.max(maxLength, Int(l))
        }
        guard HuffmanCodeLengths.kraftSum(lengths) <= 1 << 15 else {
            throw .corrupt("Huffman code lengths oversubscribe the code space (Kraft sum > 1)")
        }
        var next = [UInt32](repeating: 0, count: 16)
        var code: UInt32 = 0
        for l in 1..<16 {
            code = (code + UInt32(countPerLength[l - 1])) << 1
            next[l] = code
        }
        var packed = [UInt32](repeating: 0, count: lengths.count)
        for (s, l) in lengths.enumerated() where l > 0 {
            packed[s] = next[Int(l)] << 4 | UInt32(l)
            next[Int(l)] += 1
        }
        self.lengths = lengths
        self.packed = packed
        self.maxLength = maxLength
    }

    /// Code word of `symbol` (valid only if its length is not zero).
    public func code(of symbol: Int) -> UInt32 { packed[symbol] >> 4 }

    /// Bits needed to code symbols with the given frequencies.
    public func codedBits(frequencies: [UInt32]) -> Int {
        var bits = 0
        for (s, f) in frequencies.enumerated() where s < lengths.count { bits += Int(f) * Int(lengths[s]) }
        return bits
    }
}
