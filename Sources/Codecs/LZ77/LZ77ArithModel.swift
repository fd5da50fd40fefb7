import Entropy

/// The adaptive binary model of the `lz77` codec: every decision of a token
/// (literal or match, which repeat distance, length, distance slot, extra
/// bits, literal bits) is one binary event with its own 16-bit probability,
/// coded by `RangeEncoder.encodeBit`. The contexts are the kinds of the last
/// two tokens, the low bits of the position, the previous byte and — for a
/// literal right after a match — the byte the match would have continued with
/// (it mismatched, so it is a strong hint about which bits differ). The idea
/// of coding LZ77 tokens bitwise with such contexts is LZMA's (Pavlov, 1998);
/// the layout and state machine here are this package's own.
///
/// All probabilities live in one flat `[UInt16]`; offsets below.
enum LZ77ArithModel {
    /// Token kinds, remembered in the state (2 bits each, last two tokens).
    static let literalKind = 0, matchKind = 1, repKind = 2, shortRepKind = 3
    static let stateCount = 16
    static let maxPosStates = 4
    static let minLength = 2
    static let maxLength = 273
    static let repCount = 4
    /// Probability update speed (p moves 1/32 of the way after each bit).
    static let rate: UInt32 = 5

    static let isMatch = 0                                   // state × posState
    static let isRep = isMatch + stateCount * maxPosStates   // state
    static let isRepG0 = isRep + stateCount
    static let isRepG1 = isRepG0 + stateCount
    static let isRepG2 = isRepG1 + stateCount
    static let isRep0Long = isRepG2 + stateCount             // state × posState
    static let distSlot = isRep0Long + stateCount * maxPosStates // 4 length states × 64
    static let distSpecial = distSlot + 4 * 64               // slots 4..<14, reverse trees
    static let align = distSpecial + 128                     // 4-bit reverse tree
    static let matchLength = align + 16
    static let repLength = matchLength + LengthCoder.size
    static let literals = repLength + LengthCoder.size
    static let literalContextSize = 768

    static func probabilityCount(literalContexts: Int) -> Int { literals + literalContexts * literalContextSize }

    /// The cells indexed by state and position (the first decision of every token,
    /// and rep0's long-or-short bit): one formula for the encoder, decoder and parser.
    @inline(__always)
    static func isMatchCell(state: Int, posState: Int) -> Int { isMatch &+ state &* maxPosStates &+ posState }
    @inline(__always)
    static func isRep0LongCell(state: Int, posState: Int) -> Int { isRep0Long &+ state &* maxPosStates &+ posState }

    /// Distance slots: 0…3 are the distances 1…4; slot s ≥ 4 covers
    /// (2 | s&1) << (s/2 − 1) … with s/2 − 1 extra bits.
    static let directSlotLimit = 14

    @inline(__always)
    static func slot(ofDistanceCode d: UInt32) -> Int {
        if d < 4 { return Int(d) }
        let top = 31 &- d.leadingZeroBitCount
        return top &* 2 &+ Int((d &>> UInt32(top &- 1)) & 1)
    }

    /// First probability of slot `s`'s extra-bit tree (4 ≤ s < 14): sizes 2,2,4,4,…,32,32.
    @inline(__always)
    static func specialBase(_ s: Int) -> Int {
        let extra = (s &>> 1) &- 1
        // Sum of sizes of the earlier slots: 2·(2 + 4 + … + 2^(extra−1)) + (s odd ? 2^extra : 0).
        let before = 2 &* ((1 &<< extra) &- 2) &+ ((s & 1) != 0 ? (1 &<< extra) : 0)
        return distSpecial &+ before
    }

    /// First probability of the literal context after byte `previous`: its top `literalBits` bits pick the context.
    @inline(__always)
    static func literalBase(previous: Int, literalBits: Int) -> Int {
        literals &+ (previous &>> (8 &- literalBits)) &* literalContextSize
    }

    @inline(__always)
    static func lengthState(_ length: Int) -> Int { Swift.min(length &- minLength, 3) }

    @inline(__always)
    static func nextState(_ state: Int, kind: Int) -> Int { kind | (state & 3) &<< 2 }

    static func initialProbabilities(literalContexts: Int) -> [UInt16] {
        [UInt16](repeating: 1 << 15, count: probabilityCount(literalContexts: literalContexts))
    }

    /// Layout of a length coder: choice, choice2, low[4][8], mid[4][8], high[256].
    enum LengthCoder {
        static let choice = 0, choice2 = 1, low = 2, mid = 2 + 4 * 8, high = 2 + 8 * 8
        static let size = high + 256
    }
}

/// The decisions of one token part, written once for both directions
/// (`BinaryCoder`): the encoder passes the value it codes, the decoder any
/// value (it is ignored) and gets the decoded one back.
extension LZ77ArithModel {
    @inline(__always)
    static func bit<C: BinaryCoder>(_ c: inout C, _ p: UnsafeMutablePointer<UInt16>, _ b: Int) -> Int {
        c.code(b, adapting: p, shift: rate)
    }

    /// `bits` bits of `value`, most significant first, through a tree of probabilities at `base` (node 1…).
    @inline(__always)
    static func tree<C: BinaryCoder>(_ c: inout C, _ base: UnsafeMutablePointer<UInt16>, _ value: Int, bits: Int) -> Int {
        var node = 1
        var k = bits &- 1
        while k >= 0 {
            node = node &<< 1 | bit(&c, base + node, (value &>> k) & 1)
            k &-= 1
        }
        return node &- (1 &<< bits)
    }

    /// `bits` bits of `value`, least significant first (the low bits of distances).
    @inline(__always)
    static func reverseTree<C: BinaryCoder>(_ c: inout C, _ base: UnsafeMutablePointer<UInt16>, _ value: Int, bits: Int) -> Int {
        var node = 1
        var result = 0
        var k = 0
        while k < bits {
            let b = bit(&c, base + node, (value &>> k) & 1)
            node = node &<< 1 | b
            result |= b &<< k
            k &+= 1
        }
        return result
    }

    /// A literal with the literal context at `base`. After a match (`afterMatch`)
    /// the byte the match would have continued with is known to differ, so its
    /// bits are the context (the second half of the context's cells) until the
    /// first bit that differs from it; the rest goes through the plain tree.
    @inline(__always)
    static func literal<C: BinaryCoder>(_ c: inout C, _ base: UnsafeMutablePointer<UInt16>, _ byte: Int,
                                        afterMatch: Bool, matchByte: Int) -> Int {
        var node = 1
        var k = 7
        if afterMatch {
            while k >= 0 {
                let mb = (matchByte &>> k) & 1
                let b = bit(&c, base + (256 &+ mb &<< 8 &+ node), (byte &>> k) & 1)
                node = node &<< 1 | b
                k &-= 1
                if b != mb { break }
            }
        }
        while k >= 0 {
            node = node &<< 1 | bit(&c, base + node, (byte &>> k) & 1)
            k &-= 1
        }
        return node & 0xFF
    }

    /// A match length (`minLength`…`maxLength`) with the length coder at `coder`:
    /// two choice bits pick the low, middle or high tree, then one tree walk
    /// (one call, so the decoder inlines it whole).
    @inline(__always)
    static func length<C: BinaryCoder>(_ c: inout C, _ coder: UnsafeMutablePointer<UInt16>, _ length: Int, posState: Int) -> Int {
        typealias L = LengthCoder
        let v = length &- minLength
        var base = coder + (L.low &+ posState &* 8)
        var bits = 3
        var offset = 0
        if bit(&c, coder + L.choice, v >= 8 ? 1 : 0) != 0 {
            if bit(&c, coder + L.choice2, v >= 16 ? 1 : 0) == 0 {
                base = coder + (L.mid &+ posState &* 8)
                offset = 8
            } else {
                base = coder + L.high
                bits = 8
                offset = 16
            }
        }
        return minLength &+ offset &+ tree(&c, base, v &- offset, bits: bits)
    }

    /// A new distance's code (distance − 1): its slot in the tree for the
    /// length state, then the slot's extra bits — through reverse trees for the
    /// low slots, else as equiprobable bits above four aligned bits.
    @inline(__always)
    static func distance<C: BinaryCoder>(_ c: inout C, _ probs: UnsafeMutablePointer<UInt16>, code d: Int, lengthState: Int) -> Int {
        let s = tree(&c, probs + (distSlot &+ lengthState &* 64), slot(ofDistanceCode: UInt32(truncatingIfNeeded: d)), bits: 6)
        if s < 4 { return s }
        let extra = (s &>> 1) &- 1
        let first = (2 | (s & 1)) &<< extra
        let rest = d &- first
        if s < directSlotLimit {
            return first &+ reverseTree(&c, probs + specialBase(s), rest, bits: extra)
        }
        let high = c.codeEquiprobableBits(rest &>> 4, count: extra &- 4)
        return first &+ (high &<< 4 | reverseTree(&c, probs + align, rest & 15, bits: 4))
    }
}

/// Cost of coding a bit in 1/64 bit, from its probability.
enum LZ77Price {
    static let shift = 6
    static let one = 1 << shift
    static let unreachable: UInt32 = 1 << 30

    /// −log2(p) · 64 for p = (k·16 + 8)/65536, k = 0…4096: integer arithmetic only,
    /// so every platform parses the same way.
    static let table: [UInt32] = (0...4096).map { k in
        let x = UInt32(k * 16 + 8)
        return UInt32(16 << shift) &- UInt32(log2Fixed(x))
    }

    /// log2(x) with `shift` fractional bits, by repeated squaring.
    static func log2Fixed(_ x: UInt32) -> Int {
        let whole = 31 - x.leadingZeroBitCount
        var m = UInt64(x) << (30 - whole)
        var r = whole << shift
        var b = shift - 1
        while b >= 0 {
            m = (m &* m) >> 30
            if m >= 1 << 31 { m >>= 1; r |= 1 << b }
            b -= 1
        }
        return r
    }

    @inline(__always)
    static func bit(_ bit: Bool, _ p: UInt16, _ t: UnsafePointer<UInt32>) -> UInt32 {
        bit ? t[Int(p &>> 4)] : t[Int((65536 &- UInt32(p)) &>> 4)]
    }
}
