/// Decodes what `LZ77ArithEncoder` wrote: the same model, state machine and
/// repeat distances, so every probability moves exactly as it did in the
/// encoder. Every distance is checked against the bytes already produced and
/// every length against the bytes still expected.
struct LZ77ArithDecoder {
    typealias M = LZ77ArithModel
    var coder: RangeDecoder
    let probs: UnsafeMutablePointer<UInt16>
    let literalBits: Int
    let positionMask: Int

    // The coder is passed `inout` from a local of `decode`: kept in `self`, its
    // range and code are stored and reloaded around every probability update
    // (the compiler cannot tell `probs` from `self`).
    @inline(__always)
    static func bit(_ c: inout RangeDecoder, _ p: UnsafeMutablePointer<UInt16>) -> Int {
        let q = UInt32(p.pointee)
        let b = c.decodeBit(probabilityOfOne: q)
        p.pointee = b ? UInt16(q &+ ((65536 &- q) &>> M.rate)) : UInt16(q &- (q &>> M.rate))
        return b ? 1 : 0
    }

    @inline(__always)
    static func tree(_ c: inout RangeDecoder, _ base: UnsafeMutablePointer<UInt16>, bits: Int) -> Int {
        var node = 1
        var k = 0
        while k < bits {
            node = node &<< 1 | bit(&c, base + node)
            k &+= 1
        }
        return node &- (1 &<< bits)
    }

    @inline(__always)
    static func reverseTree(_ c: inout RangeDecoder, _ base: UnsafeMutablePointer<UInt16>, bits: Int) -> Int {
        var node = 1
        var value = 0
        var k = 0
        while k < bits {
            let b = bit(&c, base + node)
            node = node &<< 1 | b
            value |= b &<< k
            k &+= 1
        }
        return value
    }

    /// A length: two choice bits pick the low, middle or high tree, then one tree walk.
    @inline(__always)
    static func length(_ c: inout RangeDecoder, _ coder: UnsafeMutablePointer<UInt16>, posState: Int) -> Int {
        typealias L = M.LengthCoder
        var base = coder + (L.low &+ posState &* 8)
        var bits = 3
        var offset = M.minLength
        if bit(&c, coder + L.choice) != 0 {
            if bit(&c, coder + L.choice2) == 0 {
                base = coder + (L.mid &+ posState &* 8)
                offset &+= 8
            } else {
                base = coder + L.high
                bits = 8
                offset &+= 16
            }
        }
        return offset &+ tree(&c, base, bits: bits)
    }

    /// Fills `dst[0..<n]`; `dst` has room for `n + LZ77Copy.slack` bytes (matches are copied in whole chunks). Stops with `.truncated` once the coder has read well
    /// past the `inputCount` real bytes (it then only sees zeros), so a tiny
    /// stream claiming a huge block ends at once.
    mutating func decode(into dst: UnsafeMutablePointer<UInt8>, count n: Int, inputCount: Int) throws(CodecError) {
        let readLimit = inputCount &+ 16
        var c = coder
        defer { coder = c }
        let probs = self.probs
        var state = 0
        var r0 = 1, r1 = 1, r2 = 1, r3 = 1
        var i = 0
        while i < n {
            if c.consumedCount > readLimit { throw .truncated }
            let posState = i & positionMask
            if Self.bit(&c, probs + (M.isMatch &+ state &* M.maxPosStates &+ posState)) == 0 {
                let previous = i > 0 ? Int(dst[i &- 1]) : 0
                let base = M.literals &+ (previous &>> (8 &- literalBits)) &* M.literalContextSize
                var node = 1
                if state & 3 != M.literalKind {
                    // r0 ≤ i: the last token was a match whose distance was checked.
                    let matchByte = Int(dst[i &- r0])
                    var k = 7
                    while k >= 0 {
                        let mb = (matchByte &>> k) & 1
                        let b = Self.bit(&c, probs + (base &+ 256 &+ mb &<< 8 &+ node))
                        node = node &<< 1 | b
                        k &-= 1
                        if b != mb { break }
                    }
                }
                while node < 256 { node = node &<< 1 | Self.bit(&c, probs + (base &+ node)) }
                dst[i] = UInt8(truncatingIfNeeded: node)
                i &+= 1
                state = M.nextState(state, kind: M.literalKind)
                continue
            }
            // One call of `length` for both kinds of match, so it is inlined (with
            // two, the compiler kept it apart and the coder went through memory).
            let isRep = Self.bit(&c, probs + (M.isRep &+ state)) != 0
            if isRep {
                if Self.bit(&c, probs + (M.isRepG0 &+ state)) == 0 {
                    if Self.bit(&c, probs + (M.isRep0Long &+ state &* M.maxPosStates &+ posState)) == 0 {
                        guard r0 <= i else { throw .corrupt("lz77: repeat distance \(r0) beyond the \(i) bytes decoded") }
                        dst[i] = dst[i &- r0]
                        i &+= 1
                        state = M.nextState(state, kind: M.shortRepKind)
                        continue
                    }
                } else if Self.bit(&c, probs + (M.isRepG1 &+ state)) == 0 {
                    swap(&r0, &r1)
                } else if Self.bit(&c, probs + (M.isRepG2 &+ state)) == 0 {
                    let t = r2; r2 = r1; r1 = r0; r0 = t
                } else {
                    let t = r3; r3 = r2; r2 = r1; r1 = r0; r0 = t
                }
            }
            let len = Self.length(&c, probs + (isRep ? M.repLength : M.matchLength), posState: posState)
            if isRep {
                state = M.nextState(state, kind: M.repKind)
            } else {
                let s = Self.tree(&c, probs + (M.distSlot &+ M.lengthState(len) &* 64), bits: 6)
                var d = s
                if s >= 4 {
                    let extra = (s &>> 1) &- 1
                    d = (2 | (s & 1)) &<< extra
                    if s < M.directSlotLimit {
                        d &+= Self.reverseTree(&c, probs + M.specialBase(s), bits: extra)
                    } else {
                        let high = c.decodeEquiprobableBits(extra &- 4)
                        d &+= high &<< 4 | Self.reverseTree(&c, probs + M.align, bits: 4)
                    }
                }
                guard d < i else { throw .corrupt("lz77: distance \(d + 1) beyond the \(i) bytes decoded") }
                r3 = r2; r2 = r1; r1 = r0; r0 = d &+ 1
                state = M.nextState(state, kind: M.matchKind)
            }
            guard r0 <= i else { throw .corrupt("lz77: distance \(r0) beyond the \(i) bytes decoded") }
            guard len <= n &- i else { throw .corrupt("lz77: match of \(len) bytes past the end of the block at \(i)") }
            LZ77Copy.copyWild(dst, at: i, distance: r0, length: len)
            i &+= len
        }
    }
}
