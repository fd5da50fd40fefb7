/// The fixed tables of the context-mixing models, one copy shared by
/// `ContextMixingModel` (arith -3/-4) and the bwt rank model: squash(x) =
/// 1/(1 + e^(−x/256)), its inverse stretch(p) = 256 · ln(p/(1 − p)), and the
/// counter rates 1/(n + 1.5), in fixed point.
///
/// They are part of the format (every coded bit's probability goes through
/// them), so they are built with integers only, from powers of e^(1/512) in
/// 32-bit fixed point: every platform gets the same tables whatever its libm.
/// Tests/EntropyTests/LogisticTableValues.swift holds a checked-in copy of
/// every table and a test compares them all, entry by entry.
public enum LogisticTables {
    /// round(e^(1/512) · 2^32).
    static let expStep: UInt64 = 4_303_364_101

    /// e^(k/512) · 2^32 for k = 0…4096 (the last is e^8 · 2^32, below 2^44),
    /// each the previous times `expStep`, truncated. The relative error stays
    /// below k · 2.1 · 10^−10, under 10^−6 at k = 4096.
    static let exponentials: [UInt64] = {
        var table = [UInt64](repeating: 0, count: 4097)
        var t: UInt64 = 1 << 32
        for k in 0...4096 {
            table[k] = t
            let (high, low) = t.multipliedFullWidth(by: expStep)
            t = high << 32 | low >> 32
        }
        return table
    }()

    /// round(scale · t / (t + 1)) for t = e^(x/256) ≥ 1, x = 0…2048, scale ≤ 65536.
    static func squashPositive(_ x: Int, scale: UInt64) -> UInt64 {
        let t = exponentials[2 * x]
        return (scale * t + (t + (1 << 32)) / 2) / (t + (1 << 32))
    }

    // MARK: bwt rank model (16-bit probabilities)

    /// 65536 / (1 + e^(−x/256)) for x = −2048…2047 (index x + 2048), rounded,
    /// within 1…65535.
    public static let squash16: [UInt16] = (0..<4096).map { i in
        let x = i - 2048
        let v = x >= 0 ? Int(squashPositive(x, scale: 65536)) : 65536 - Int(squashPositive(-x, scale: 65536))
        return UInt16(Swift.max(1, Swift.min(65535, v)))
    }

    /// round(256 · ln(p / (1 − p))) for p = (i + ½) / 4096, within −2047…2047: for
    /// p ≥ ½ the number of m ≥ 0 with e^((2m + 1)/512) ≤ p / (1 − p), compared as
    /// integers; below ½ by symmetry.
    public static let stretch16: [Int16] = {
        let e = exponentials
        var table = [Int16](repeating: 0, count: 4096)
        var m: UInt64 = 0
        for i in 2048..<4096 {
            let p = UInt64(2 * i + 1) * 8 // p · 65536
            while m < 2047, e[Int(2 * m + 1)] * (65536 - p) <= p << 32 { m += 1 }
            table[i] = Int16(m)
            table[4095 - i] = -Int16(m)
        }
        return table
    }()

    /// squash16 of x clamped to −2048…2047.
    @inline(__always)
    public static func squash16(_ x: Int) -> UInt16 {
        squash16.withUnsafeBufferPointer { $0[(Swift.max(-2048, Swift.min(2047, x)) &+ 2048)] }
    }

    // MARK: ContextMixingModel (12-bit probabilities)

    /// 4096 / (1 + e^(−x/256)) for x = −2048…2047 (index x + 2048), rounded,
    /// within 1…4095. Archives written before 2026-12 built this table with
    /// libm's exp in Double; these integers give the same 4096 values: the
    /// exact quotients lie at least 1.7 · 10^−4 from a rounding tie (nearest
    /// at x = −866), and these quotients are within 6.5 · 10^−5 of the exact
    /// ones (checked at 60 digits; the test compares every entry with the
    /// checked-in copy).
    public static let squash12: [Int32] = (0..<4096).map { i in
        let x = i - 2048
        let v = x >= 0 ? Int(squashPositive(x, scale: 4096)) : 4096 - Int(squashPositive(-x, scale: 4096))
        return Int32(Swift.max(1, Swift.min(4095, v)))
    }

    /// The inverse of `squash12` for 12-bit p: the least x in −2047…2047 with
    /// squash12(x) ≥ p (2047 if none), so stretch12(squash12(x)) ≈ x.
    public static let stretch12: [Int32] = {
        let sq = squash12
        var st = [Int32](repeating: 0, count: 4096)
        var pi = 0
        for x in -2047...2047 {
            let v = Int(sq[x + 2048])
            if v >= pi {
                for j in pi...v { st[j] = Int32(x) }
                pi = v + 1
            }
        }
        for j in pi..<4096 { st[j] = 2047 }
        return st
    }()

    // MARK: counters

    /// 65536 / (n + 1.5), rounded, for hit counts n = 0…1023: the rate at which
    /// a counter moves toward the coded bit. (131072 + d/2) / d with d = 2n + 3
    /// odd never meets a tie. arith -3/-4 use n ≤ 255; the bwt model the
    /// first 128 (its last, 1/128.5, is the slow floor).
    public static let rates: [Int32] = (0..<1024).map { (n: Int) -> Int32 in
        let d = 2 * n + 3
        return Int32((131_072 + d / 2) / d)
    }
}
