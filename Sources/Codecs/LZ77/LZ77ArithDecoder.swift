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

    // The coder is passed `inout` from a local of `decode` to the model's
    // shared decisions (`LZ77ArithModel.bit` …): kept in `self`, its range and
    // code would be stored and reloaded around every probability update (the
    // compiler cannot tell `probs` from `self`).

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
            if M.bit(&c, probs + (M.isMatchCell(state: state, posState: posState)), 0) == 0 {
                let previous = i > 0 ? Int(dst[i &- 1]) : 0
                let base = probs + M.literalBase(previous: previous, literalBits: literalBits)
                // After a match r0 ≤ i: its distance was checked.
                let afterMatch = state & 3 != M.literalKind
                dst[i] = UInt8(truncatingIfNeeded: M.literal(&c, base, 0, afterMatch: afterMatch,
                                                             matchByte: afterMatch ? Int(dst[i &- r0]) : 0))
                i &+= 1
                state = M.nextState(state, kind: M.literalKind)
                continue
            }
            // One call of `length` for both kinds of match, so it is inlined (with
            // two, the compiler kept it apart and the coder went through memory).
            let isRep = M.bit(&c, probs + (M.isRep &+ state), 0) != 0
            if isRep {
                if M.bit(&c, probs + (M.isRepG0 &+ state), 0) == 0 {
                    if M.bit(&c, probs + (M.isRep0LongCell(state: state, posState: posState)), 0) == 0 {
                        guard r0 <= i else { throw .corrupt("lz77: repeat distance \(r0) beyond the \(i) bytes decoded") }
                        dst[i] = dst[i &- r0]
                        i &+= 1
                        state = M.nextState(state, kind: M.shortRepKind)
                        continue
                    }
                } else if M.bit(&c, probs + (M.isRepG1 &+ state), 0) == 0 {
                    swap(&r0, &r1)
                } else if M.bit(&c, probs + (M.isRepG2 &+ state), 0) == 0 {
                    let t = r2; r2 = r1; r1 = r0; r0 = t
                } else {
                    let t = r3; r3 = r2; r2 = r1; r1 = r0; r0 = t
                }
            }
            let len = M.length(&c, probs + (isRep ? M.repLength : M.matchLength), 0, posState: posState)
            if isRep {
                state = M.nextState(state, kind: M.repKind)
            } else {
                let d = M.distance(&c, probs, code: 0, lengthState: M.lengthState(len))
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
