/// Codes `lz77` tokens into a range coder with `LZ77ArithModel`'s
/// probabilities (the decisions it shares with the decoder, `LZ77ArithModel.bit`…),
/// keeping the token state and the four repeat distances
/// exactly as the decoder will. Also prices tokens against the current
/// probabilities for the parser.
struct LZ77ArithEncoder {
    typealias M = LZ77ArithModel
    var coder: RangeEncoder
    let probs: UnsafeMutablePointer<UInt16>
    let p: UnsafePointer<UInt8>
    let literalBits: Int     // lc: high bits of the previous byte in the literal context
    let positionMask: Int    // pb: low position bits in the token contexts
    var state = 0
    var reps: (Int, Int, Int, Int) = (1, 1, 1, 1)
    /// When not nil, every token coded is appended (`LZ77ArithCodec.trace`).
    var trace: [LZ77ArithToken]?

    init(appendingTo out: ByteBuffer, probs: UnsafeMutablePointer<UInt16>, input: UnsafePointer<UInt8>,
         literalBits: Int, positionBits: Int) {
        coder = RangeEncoder(appendingTo: out)
        self.probs = probs
        p = input
        self.literalBits = literalBits
        positionMask = (1 << positionBits) - 1
    }

    @inline(__always)
    mutating func bit(_ index: Int, _ b: Bool) {
        _ = M.bit(&coder, probs + index, b ? 1 : 0)
    }

    @inline(__always)
    func literalBase(at i: Int) -> Int {
        let previous = i > 0 ? Int(p[i &- 1]) : 0
        return M.literalBase(previous: previous, literalBits: literalBits)
    }

    mutating func literal(at i: Int) {
        let posState = i & positionMask
        bit(M.isMatchCell(state: state, posState: posState), false)
        let afterMatch = state & 3 != M.literalKind
        _ = M.literal(&coder, probs + literalBase(at: i), Int(p[i]), afterMatch: afterMatch,
                      matchByte: afterMatch ? Int(p[i &- reps.0]) : 0)
        state = M.nextState(state, kind: M.literalKind)
    }

    mutating func match(at i: Int, length len: Int, distance: Int) {
        let posState = i & positionMask
        bit(M.isMatchCell(state: state, posState: posState), true)
        bit(M.isRep &+ state, false)
        _ = M.length(&coder, probs + M.matchLength, len, posState: posState)
        _ = M.distance(&coder, probs, code: distance &- 1, lengthState: M.lengthState(len))
        reps = (distance, reps.0, reps.1, reps.2)
        state = M.nextState(state, kind: M.matchKind)
    }

    /// A match at repeat distance `index` (0…3); length 1 with index 0 is a short rep.
    mutating func repeatMatch(at i: Int, index: Int, length len: Int) {
        let posState = i & positionMask
        bit(M.isMatchCell(state: state, posState: posState), true)
        bit(M.isRep &+ state, true)
        if index == 0 {
            bit(M.isRepG0 &+ state, false)
            bit(M.isRep0LongCell(state: state, posState: posState), len != 1)
            if len == 1 {
                state = M.nextState(state, kind: M.shortRepKind)
                return
            }
        } else {
            bit(M.isRepG0 &+ state, true)
            if index == 1 {
                bit(M.isRepG1 &+ state, false)
                reps = (reps.1, reps.0, reps.2, reps.3)
            } else {
                bit(M.isRepG1 &+ state, true)
                bit(M.isRepG2 &+ state, index == 3)
                reps = index == 2 ? (reps.2, reps.0, reps.1, reps.3) : (reps.3, reps.0, reps.1, reps.2)
            }
        }
        _ = M.length(&coder, probs + M.repLength, len, posState: posState)
        state = M.nextState(state, kind: M.repKind)
    }

    mutating func finish() -> ByteBuffer { coder.finish() }

    /// Appends a token just coded to `trace`; `distance` is the parser's code (0 literal,
    /// > 0 a new distance, −1…−4 a repeat index + 1), read after the reps were updated.
    mutating func record(at i: Int, length: Int, distance d: Int, bits: Double) {
        let kind: LZ77ArithToken.Kind
        let actual: Int
        if d == 0 {
            kind = .literal; actual = 0
        } else if d > 0 {
            kind = .match; actual = d
        } else {
            // A repeat moves its distance to the front of the list.
            kind = d == -1 && length == 1 ? .shortRepeat : .repeatMatch(-d - 1)
            actual = reps.0
        }
        trace?.append(LZ77ArithToken(position: i, length: length, distance: actual, kind: kind, bits: bits))
    }
}

/// One token of the `lz77` codec's parse and its real cost (see `LZ77ArithCodec.trace`).
public struct LZ77ArithToken: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case literal
        /// A match at a distance coded in full.
        case match
        /// A match at the repeat distance with this index (0 = the last distance used).
        case repeatMatch(Int)
        /// One byte copied from the last distance.
        case shortRepeat
    }

    public var position: Int
    /// 1 for a literal or a short repeat.
    public var length: Int
    /// 0 for a literal.
    public var distance: Int
    public var kind: Kind
    /// What the token cost in the range coder: the growth of its output, to a fraction of a bit.
    public var bits: Double
}
