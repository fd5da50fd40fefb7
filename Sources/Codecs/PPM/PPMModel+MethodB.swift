/// Escape method B (Cleary & Witten 1984): a context predicts a symbol only
/// once it has seen it twice. With counts cᵢ over the q symbols not excluded
/// and n = Σ cᵢ, the symbol gets (cᵢ − 1) / n and the escape q / n. A symbol
/// seen once was not predicted, so an escape does not exclude it: it may be
/// the symbol being coded, found again in a shorter context, and the update
/// then raises its count here from 1 to 2 (`addOrCount`).
///
/// The order-0 context holds every byte from the start and cannot escape, so
/// it codes with the plain counts, as the other classic variants do.
extension PPMModel {
    /// Codes `x` in context `c` (not the root) if `c` predicts it and returns
    /// its state; otherwise codes the escape (skipped when it is certain),
    /// excludes the symbols `c` predicted, and returns 0.
    mutating func encodeMethodB(_ x: UInt32, context c: UInt32, list l: UInt32, stats ns: UInt32,
                                _ enc: inout RangeEncoder) -> UInt32 {
        var predicted: UInt32 = 0, distinct: UInt32 = 0, cum: UInt32 = 0, fx: UInt32 = 0, fs: UInt32 = 0
        var s = l
        let end = l + 2 * ns
        while s < end {
            let w = pool[Int(s)]
            let sym = w & 0xFF
            if excludedStamp[Int(sym)] != stamp {
                let f = (w >> 8) &- 1
                if sym == x && f > 0 { fs = s; fx = f; cum = predicted }
                predicted += f
                distinct += 1
            }
            s += 2
        }
        if fs != 0 {
            enc.encode(cumulative: cum, frequency: fx, total: predicted + distinct)
            return fs
        }
        if predicted > 0 { enc.encode(cumulative: predicted, frequency: distinct, total: predicted + distinct) }
        excludePredicted(l, end)
        return 0
    }

    /// The decoder's side of `encodeMethodB`: the state of the decoded symbol, or 0 after an escape.
    mutating func decodeMethodB(context c: UInt32, list l: UInt32, stats ns: UInt32, position: Int,
                                _ dec: inout RangeDecoder) throws(CodecError) -> UInt32 {
        var predicted: UInt32 = 0, distinct: UInt32 = 0
        var s = l
        let end = l + 2 * ns
        while s < end {
            let w = pool[Int(s)]
            if excludedStamp[Int(w & 0xFF)] != stamp { predicted += (w >> 8) &- 1; distinct += 1 }
            s += 2
        }
        if predicted > 0 {
            let target = try dec.decodeTarget(total: predicted + distinct)
            if target < predicted {
                var cum: UInt32 = 0
                s = l
                while s < end {
                    let w = pool[Int(s)]
                    if excludedStamp[Int(w & 0xFF)] != stamp {
                        let f = (w >> 8) &- 1
                        if target < cum + f {
                            dec.consume(cumulative: cum, frequency: f)
                            return s
                        }
                        cum += f
                    }
                    s += 2
                }
                throw .corrupt("PPM symbol outside the context's counts at byte \(position)")
            }
            dec.consume(cumulative: predicted, frequency: distinct)
        }
        excludePredicted(l, end)
        return 0
    }

    /// Excludes the symbols of a list that were predicted (count ≥ 2).
    @inline(__always)
    mutating func excludePredicted(_ l: UInt32, _ end: UInt32) {
        var s = l
        while s < end {
            let w = pool[Int(s)]
            if w >> 8 > 1 { excludedStamp[Int(w & 0xFF)] = stamp }
            s += 2
        }
    }

    /// Method B's update of an escaped context: a symbol it holds already
    /// (seen once, so not predicted) counts one more; a new one is added.
    /// False when the pool is full.
    mutating func addOrCount(_ c: UInt32, symbol x: UInt32, successor: UInt32) -> Bool {
        let s = find(c, x)
        if s == 0 { return addState(c, symbol: x, count: 1, successor: successor) }
        pool[Int(s)] += 1 << 8
        if numStats(c) != 1 { pool[Int(c) + 1] += 1 }
        if pool[Int(s)] >> 8 > 8000 || summ(c) > 60000 { rescale(c) }
        return true
    }
}
