/// An adaptive binary model of integers v ≥ 1 shaped like the Elias γ code (Elias
/// 1975): the bit length L = ⌊log2 v⌋ is coded in unary, one adaptive decision per
/// step, in a context of the previous value's length (successive ranks and intervals
/// are correlated); then the L bits below the leading one, the first three through a
/// small binary tree per length, the rest with one probability per (length, position).
/// Each decision goes to the binary range coder (cf. the structured models of
/// block-sorting coders: Fenwick, "Block sorting text compression", 1996).
struct GammaContextModel {
    static let maxLength = 32
    static let contexts = 12
    static let shift = 5

    /// contexts × (maxLength + 1) unary decisions: "is L greater than i".
    var unary = [AdaptiveBitProbability](repeating: AdaptiveBitProbability(), count: contexts * (maxLength + 1))
    /// Per length: 8 tree nodes for the top three mantissa bits, then one per lower bit.
    var mantissa = [AdaptiveBitProbability](repeating: AdaptiveBitProbability(), count: (maxLength + 1) * (8 + maxLength))
    var previousLength = 0

    @inline(__always) static func length(_ v: UInt64) -> Int { 63 &- (v | 1).leadingZeroBitCount }

    mutating func encode(_ value: UInt32, into encoder: inout RangeEncoder) {
        let v = UInt64(max(value, 1))
        let l = Self.length(v)
        let ctx = min(previousLength, Self.contexts - 1) * (Self.maxLength + 1)
        unary.withUnsafeMutableBufferPointer { u in
            var i = 0
            while i < l {
                encoder.encodeBit(true, probabilityOfOne: UInt32(u[ctx + i].value))
                u[ctx + i].update(true, shift: Self.shift)
                i += 1
            }
            if l < Self.maxLength {
                encoder.encodeBit(false, probabilityOfOne: UInt32(u[ctx + l].value))
                u[ctx + l].update(false, shift: Self.shift)
            }
        }
        mantissa.withUnsafeMutableBufferPointer { m in
            let base = l * (8 + Self.maxLength)
            var node = 1
            var b = l - 1
            while b >= 0 {
                let bit = (v >> UInt64(b)) & 1 != 0
                let slot = node < 8 ? base + node : base + 8 + b
                encoder.encodeBit(bit, probabilityOfOne: UInt32(m[slot].value))
                m[slot].update(bit, shift: Self.shift)
                if node < 8 { node = node << 1 | (bit ? 1 : 0) }
                b -= 1
            }
        }
        previousLength = l
    }

    /// Decodes a value coded by `encode` (1…2^33 − 1; the caller checks its range).
    mutating func decode(from decoder: inout RangeDecoder) -> UInt64 {
        let ctx = min(previousLength, Self.contexts - 1) * (Self.maxLength + 1)
        var l = 0
        unary.withUnsafeMutableBufferPointer { u in
            while l < Self.maxLength {
                let bit = decoder.decodeBit(probabilityOfOne: UInt32(u[ctx + l].value))
                u[ctx + l].update(bit, shift: Self.shift)
                if !bit { break }
                l += 1
            }
        }
        var v: UInt64 = 1
        mantissa.withUnsafeMutableBufferPointer { m in
            let base = l * (8 + Self.maxLength)
            var node = 1
            var b = l - 1
            while b >= 0 {
                let slot = node < 8 ? base + node : base + 8 + b
                let bit = decoder.decodeBit(probabilityOfOne: UInt32(m[slot].value))
                m[slot].update(bit, shift: Self.shift)
                v = v << 1 | (bit ? 1 : 0)
                if node < 8 { node = node << 1 | (bit ? 1 : 0) }
                b -= 1
            }
        }
        previousLength = l
        return v
    }
}
