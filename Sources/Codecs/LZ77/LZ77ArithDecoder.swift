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

    @inline(__always)
    mutating func bit(_ index: Int) -> Bool {
        let q = UInt32(probs[index])
        let b = coder.decodeBit(probabilityOfOne: q)
        probs[index] = b ? UInt16(q &+ ((65536 &- q) &>> M.rate)) : UInt16(q &- (q &>> M.rate))
        return b
    }

    @inline(__always)
    mutating func tree(_ base: Int, bits: Int) -> Int {
        var node = 1
        var k = 0
        while k < bits {
            node = node &<< 1 | (bit(base &+ node) ? 1 : 0)
            k &+= 1
        }
        return node &- (1 &<< bits)
    }

    @inline(__always)
    mutating func reverseTree(_ base: Int, bits: Int) -> Int {
        var node = 1
        var value = 0
        var k = 0
        while k < bits {
            let b = bit(base &+ node) ? 1 : 0
            node = node &<< 1 | b
            value |= b &<< k
            k &+= 1
        }
        return value
    }

    @inline(__always)
    mutating func length(_ coderBase: Int, posState: Int) -> Int {
        typealias L = M.LengthCoder
        if !bit(coderBase &+ L.choice) {
            return M.minLength &+ tree(coderBase &+ L.low &+ posState &* 8, bits: 3)
        }
        if !bit(coderBase &+ L.choice2) {
            return M.minLength &+ 8 &+ tree(coderBase &+ L.mid &+ posState &* 8, bits: 3)
        }
        return M.minLength &+ 16 &+ tree(coderBase &+ L.high, bits: 8)
    }

    /// Fills `dst[0..<n]`. Stops with `.truncated` once the coder has read well
    /// past the `inputCount` real bytes (it then only sees zeros), so a tiny
    /// stream claiming a huge block ends at once.
    mutating func decode(into dst: UnsafeMutablePointer<UInt8>, count n: Int, inputCount: Int) throws(CodecError) {
        let readLimit = inputCount &+ 16
        var state = 0
        var r0 = 1, r1 = 1, r2 = 1, r3 = 1
        var i = 0
        while i < n {
            if coder.consumedCount > readLimit { throw .truncated }
            let posState = i & positionMask
            if !bit(M.isMatch &+ state &* M.maxPosStates &+ posState) {
                let previous = i > 0 ? Int(dst[i &- 1]) : 0
                let base = M.literals &+ (previous &>> (8 &- literalBits)) &* M.literalContextSize
                var node = 1
                if state & 3 != M.literalKind {
                    // r0 ≤ i: the last token was a match whose distance was checked.
                    let matchByte = Int(dst[i &- r0])
                    var k = 7
                    while k >= 0 {
                        let mb = (matchByte &>> k) & 1
                        let b = bit(base &+ 256 &+ mb &<< 8 &+ node) ? 1 : 0
                        node = node &<< 1 | b
                        k &-= 1
                        if b != mb { break }
                    }
                }
                while node < 256 { node = node &<< 1 | (bit(base &+ node) ? 1 : 0) }
                dst[i] = UInt8(truncatingIfNeeded: node)
                i &+= 1
                state = M.nextState(state, kind: M.literalKind)
                continue
            }
            var len: Int
            if !bit(M.isRep &+ state) {
                len = length(M.matchLength, posState: posState)
                let s = tree(M.distSlot &+ M.lengthState(len) &* 64, bits: 6)
                var d = s
                if s >= 4 {
                    let extra = (s &>> 1) &- 1
                    d = (2 | (s & 1)) &<< extra
                    if s < M.directSlotLimit {
                        d &+= reverseTree(M.specialBase(s), bits: extra)
                    } else {
                        var high = 0
                        var k = extra &- 4
                        while k > 0 {
                            high = high &<< 1 | (coder.decodeBit(probabilityOfOne: 1 << 15) ? 1 : 0)
                            k &-= 1
                        }
                        d &+= high &<< 4 | reverseTree(M.align, bits: 4)
                    }
                }
                guard d < i else { throw .corrupt("lz77: distance \(d + 1) beyond the \(i) bytes decoded") }
                r3 = r2; r2 = r1; r1 = r0; r0 = d &+ 1
                state = M.nextState(state, kind: M.matchKind)
            } else {
                if !bit(M.isRepG0 &+ state) {
                    if !bit(M.isRep0Long &+ state &* M.maxPosStates &+ posState) {
                        guard r0 <= i else { throw .corrupt("lz77: repeat distance \(r0) beyond the \(i) bytes decoded") }
                        dst[i] = dst[i &- r0]
                        i &+= 1
                        state = M.nextState(state, kind: M.shortRepKind)
                        continue
                    }
                } else if !bit(M.isRepG1 &+ state) {
                    swap(&r0, &r1)
                } else if !bit(M.isRepG2 &+ state) {
                    let t = r2; r2 = r1; r1 = r0; r0 = t
                } else {
                    let t = r3; r3 = r2; r2 = r1; r1 = r0; r0 = t
                }
                len = length(M.repLength, posState: posState)
                state = M.nextState(state, kind: M.repKind)
            }
            guard r0 <= i else { throw .corrupt("lz77: distance \(r0) beyond the \(i) bytes decoded") }
            guard len <= n &- i else { throw .corrupt("lz77: match of \(len) bytes past the end of the block at \(i)") }
            LZ77Copy.copy(dst, at: i, distance: r0, length: len)
            i &+= len
        }
    }
}
