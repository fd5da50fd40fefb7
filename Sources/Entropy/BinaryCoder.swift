/// One side of a binary arithmetic coder: the encoder codes the given bit and
/// returns it, the decoder ignores it and returns the decoded bit. A model
/// written once against this protocol drives both directions (and anything
/// else that walks the same decisions), so encoder and decoder cannot drift
/// apart: the bwt, cm and lz77 models are written this way.
public protocol BinaryCoder {
    /// `p`: P(bit = 1) in 16 bits, 1…65535.
    mutating func code(_ bit: Bool, probabilityOfOne p: UInt32) -> Bool
    /// The low `count` bits of `value`, most significant first, each at
    /// probability one half; returns them (the decoder: the decoded ones).
    mutating func codeEquiprobableBits(_ value: Int, count: Int) -> Int
}

extension RangeEncoder: BinaryCoder {
    @inlinable @inline(__always)
    public mutating func code(_ bit: Bool, probabilityOfOne p: UInt32) -> Bool {
        encodeBit(bit, probabilityOfOne: p)
        return bit
    }

    @inlinable @inline(__always)
    public mutating func codeEquiprobableBits(_ value: Int, count: Int) -> Int {
        var k = count &- 1
        while k >= 0 {
            encodeBit((value &>> k) & 1 != 0, probabilityOfOne: 1 << 15)
            k &-= 1
        }
        return value & ((1 &<< count) &- 1)
    }
}

extension RangeDecoder: BinaryCoder {
    @inlinable @inline(__always)
    public mutating func code(_ bit: Bool, probabilityOfOne p: UInt32) -> Bool {
        decodeBit(probabilityOfOne: p)
    }

    @inlinable @inline(__always)
    public mutating func codeEquiprobableBits(_ value: Int, count: Int) -> Int {
        decodeEquiprobableBits(count)
    }
}

extension BinaryCoder {
    /// Codes `bit` with the adaptive probability at `p` (P(1) in 16 bits) and
    /// moves it 1/2^`shift` of the way toward the bit, as
    /// `AdaptiveBitProbability.update` does. Returns the bit as 0 or 1.
    @inlinable @inline(__always)
    public mutating func code(_ bit: Int, adapting p: UnsafeMutablePointer<UInt16>, shift: UInt32) -> Int {
        let q = UInt32(p.pointee)
        let b = code(bit != 0, probabilityOfOne: q)
        p.pointee = b ? UInt16(q &+ ((65536 &- q) &>> shift)) : UInt16(q &- (q &>> shift))
        return b ? 1 : 0
    }

    /// Codes `byte` as 8 binary decisions, most significant first, each with
    /// the probability at node 1 + the bits so far of the 256-cell `tree`,
    /// updating it. The decoder passes any byte and gets the decoded one.
    @inlinable @inline(__always)
    public mutating func code(byte: UInt8, tree: UnsafeMutablePointer<AdaptiveBitProbability>, shift: Int = 4) -> UInt8 {
        var node = 1
        var k = 7
        while k >= 0 {
            let bit = code((byte &>> UInt8(k)) & 1 != 0, probabilityOfOne: UInt32(tree[node].value))
            tree[node].update(bit, shift: shift)
            node = node &<< 1 | (bit ? 1 : 0)
            k &-= 1
        }
        return UInt8(truncatingIfNeeded: node)
    }
}
