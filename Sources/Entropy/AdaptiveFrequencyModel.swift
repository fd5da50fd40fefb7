/// Adaptive frequency counts of the 256 byte values in one context, laid out
/// for a fast cumulative count: the counts sit in 16 groups of 16 with each
/// group's sum kept beside them ("grouped search"), so finding a cumulative
/// count or the symbol for a target takes at most 16 + 16 steps and an update
/// touches three cells — no scan of all 256 counts per symbol.
///
/// The update rule (what `AdaptiveModelCost` reproduces exactly):
/// - every count starts at `initialCount` (1), so the total starts at 256;
/// - after coding symbol s, count[s] += `increment` (32);
/// - when the total then exceeds `rescaleLimit` (2^16 − 64), every count
///   becomes ⌈count/2⌉ (so none drops to zero) — "periodic rescaling",
///   which also makes the model favour recent statistics.
/// The probability of s is count[s] / total, and total ≤ 2^16 always.
///
/// A context is `stride` UInt16 cells: counts [0, 256), group sums [256, 272),
/// total at [272]. The functions work on a pointer to those cells.
public enum AdaptiveFrequencyModel {
    public static let initialCount: UInt16 = 1
    public static let increment: UInt16 = 32
    public static let rescaleLimit: Int = (1 << 16) - 64
    public static let stride = 288
    @usableFromInline static let groupBase = 256
    @usableFromInline static let totalIndex = 272

    /// Sets a context to its initial state.
    @inlinable
    public static func initialize(_ ctx: UnsafeMutablePointer<UInt16>) {
        ctx.initialize(repeating: initialCount, count: 256)
        (ctx + groupBase).initialize(repeating: 16 * initialCount, count: 16)
        ctx[totalIndex] = 256 * initialCount
        (ctx + totalIndex + 1).initialize(repeating: 0, count: stride - totalIndex - 1)
    }

    @inlinable @inline(__always)
    public static func total(_ ctx: UnsafeMutablePointer<UInt16>) -> UInt32 {
        UInt32(ctx[totalIndex])
    }

    /// Cumulative count of the symbols below `symbol`, and the count of `symbol`.
    @inlinable @inline(__always)
    public static func interval(of symbol: Int, in ctx: UnsafeMutablePointer<UInt16>) -> (cumulative: UInt32, frequency: UInt32) {
        let g = symbol &>> 4
        var cum: UInt32 = 0
        var k = 0
        while k < g { cum &+= UInt32(ctx[groupBase &+ k]); k &+= 1 }
        var s = g &<< 4
        while s < symbol { cum &+= UInt32(ctx[s]); s &+= 1 }
        return (cum, UInt32(ctx[symbol]))
    }

    /// The symbol whose interval holds `target` (< total), with its interval.
    @inlinable @inline(__always)
    public static func symbol(at target: UInt32, in ctx: UnsafeMutablePointer<UInt16>) -> (symbol: Int, cumulative: UInt32, frequency: UInt32) {
        var cum: UInt32 = 0
        var g = 0
        while g < 15 {
            let next = cum &+ UInt32(ctx[groupBase &+ g])
            if next > target { break }
            cum = next
            g &+= 1
        }
        var s = g &<< 4
        let last = s &+ 15
        while s < last {
            let next = cum &+ UInt32(ctx[s])
            if next > target { break }
            cum = next
            s &+= 1
        }
        return (s, cum, UInt32(ctx[s]))
    }

    /// The symbol whose interval, scaled by `width`, holds `offset` (from
    /// `RangeDecoder.decodeScaledTarget`); compares by multiplying instead of
    /// dividing the offset first. Requires offset < total · width.
    @inlinable @inline(__always)
    public static func symbol(atOffset offset: UInt64, width: UInt64, in ctx: UnsafeMutablePointer<UInt16>) -> (symbol: Int, cumulative: UInt32, frequency: UInt32) {
        var cum: UInt32 = 0
        var g = 0
        while g < 15 {
            let next = cum &+ UInt32(ctx[groupBase &+ g])
            if UInt64(next) &* width > offset { break }
            cum = next
            g &+= 1
        }
        var s = g &<< 4
        let last = s &+ 15
        while s < last {
            let next = cum &+ UInt32(ctx[s])
            if UInt64(next) &* width > offset { break }
            cum = next
            s &+= 1
        }
        return (s, cum, UInt32(ctx[s]))
    }

    /// Counts one occurrence of `symbol`, rescaling when the total grows too large.
    @inlinable @inline(__always)
    public static func update(_ symbol: Int, in ctx: UnsafeMutablePointer<UInt16>) {
        ctx[symbol] &+= increment
        ctx[groupBase &+ (symbol &>> 4)] &+= increment
        ctx[totalIndex] &+= increment
        if Int(ctx[totalIndex]) > rescaleLimit { rescale(ctx) }
    }

    @usableFromInline
    static func rescale(_ ctx: UnsafeMutablePointer<UInt16>) {
        var total: UInt16 = 0
        for g in 0..<16 {
            var sum: UInt16 = 0
            for s in (g << 4)..<((g << 4) + 16) {
                let c = (ctx[s] &+ 1) >> 1
                ctx[s] = c
                sum &+= c
            }
            ctx[groupBase + g] = sum
            total &+= sum
        }
        ctx[totalIndex] = total
    }
}
