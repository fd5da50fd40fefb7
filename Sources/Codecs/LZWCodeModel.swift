/// Adaptive binary model of LZW code indices for `lzw-arith`: a code of width
/// w is coded most significant bit first; the top `treeBits` bits walk a binary
/// tree of adaptive probabilities (one tree per width), so frequent regions of
/// the code space — literals, CLEAR, young entries — get short codes; the low
/// bits, close to uniform, get one adaptive probability per (width, position).
/// (Binary decomposition as in Witten, Neal & Cleary 1987 / LZMA's bit trees.)
struct LZWCodeModel {
    static let treeBits = 16, shift = 4
    let maxBits: Int
    let probabilities: UnsafeMutablePointer<AdaptiveBitProbability>
    var count: Int { (maxBits + 1) << (Self.treeBits + 1) }

    init(maxBits: Int) {
        self.maxBits = maxBits
        probabilities = .allocate(capacity: (maxBits + 1) << (Self.treeBits + 1))
        probabilities.initialize(repeating: AdaptiveBitProbability(), count: (maxBits + 1) << (Self.treeBits + 1))
    }

    func deallocate() { probabilities.deallocate() }

    /// Base of the tree for `width`: nodes 1..<2^treeBits; low-bit cells after it.
    @inline(__always)
    func base(_ width: Int) -> UnsafeMutablePointer<AdaptiveBitProbability> {
        probabilities + (width << (Self.treeBits + 1))
    }

    @inline(__always)
    func encode(_ code: Int, width: Int, into encoder: inout RangeEncoder) {
        let t = base(width)
        let high = Swift.min(width, Self.treeBits)
        var node = 1
        var k = width - 1
        while k >= width - high {
            let bit = (code >> k) & 1 != 0
            encoder.encodeBit(bit, probabilityOfOne: UInt32(t[node].value))
            t[node].update(bit, shift: Self.shift)
            node = node &<< 1 | (bit ? 1 : 0)
            k &-= 1
        }
        let low = t + (1 << Self.treeBits)
        while k >= 0 {
            let bit = (code >> k) & 1 != 0
            encoder.encodeBit(bit, probabilityOfOne: UInt32(low[k].value))
            low[k].update(bit, shift: Self.shift)
            k &-= 1
        }
    }

    @inline(__always)
    func decode(width: Int, from decoder: inout RangeDecoder) -> Int {
        let t = base(width)
        let high = Swift.min(width, Self.treeBits)
        var node = 1
        var k = width - 1
        while k >= width - high {
            let bit = decoder.decodeBit(probabilityOfOne: UInt32(t[node].value))
            t[node].update(bit, shift: Self.shift)
            node = node &<< 1 | (bit ? 1 : 0)
            k &-= 1
        }
        var code = node - (1 << high)
        let low = t + (1 << Self.treeBits)
        while k >= 0 {
            let bit = decoder.decodeBit(probabilityOfOne: UInt32(low[k].value))
            low[k].update(bit, shift: Self.shift)
            code = code &<< 1 | (bit ? 1 : 0)
            k &-= 1
        }
        return code
    }
}
