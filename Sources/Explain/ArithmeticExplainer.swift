import BitIO
import Entropy
import Foundation

/// A range coder small enough to follow by hand: the algorithm of
/// `RangeEncoder` (low + range, a division by the model's total, carries
/// resolved through one held-back digit and a count of pending all-ones
/// digits) with binary digits and a window of `width` bits instead of bytes
/// and 64 bits. Starting from range = 2^width (RangeEncoder starts from
/// 2^64 − 1 because 2^64 does not fit its word) makes it exact when the
/// total is a power of two, as in textbook examples.
public struct TeachingRangeCoder: Sendable {
    public let width: Int
    public var low: UInt64 = 0
    public var range: UInt64
    public var carry = false
    /// The held-back bit a carry may still change (RangeEncoder's `cache`).
    public var cache: UInt8 = 0
    /// 1 + the number of 1 bits held behind `cache` (RangeEncoder's `pendingCount`).
    public var pending = 1
    /// Bits written so far.
    public var out: [UInt8] = []
    var started = false
    /// Set if a carry ever met a held-back 1 — impossible by construction; tests check it stays false.
    public var carryLost = false

    public init(width: Int) {
        self.width = width
        range = 1 << UInt64(width)
    }

    var half: UInt64 { 1 << UInt64(width - 1) }
    var mask: UInt64 { (1 << UInt64(width)) - 1 }

    /// What one symbol did, for the table.
    public struct Step: Sendable {
        public var r: UInt64
        public var low: UInt64, range: UInt64, carry: Bool
        public var shifted: String
        public var written: String
        public var held: String
    }

    /// Codes [cumulative, cumulative + frequency) of [0, total), then renormalises.
    public mutating func encode(cumulative: UInt64, frequency: UInt64, total: UInt64) -> Step {
        let r = range / total
        let before = out.count
        low += r * cumulative
        var carried = false
        if low > mask { low &= mask; carry = true; carried = true }
        range = r * frequency
        let narrowed = (low, range)
        var shifted = ""
        while range < half {
            shifted += low >= half ? "1" : "0"
            range <<= 1
            shiftBit()
        }
        return Step(r: r, low: narrowed.0, range: narrowed.1, carry: carried, shifted: shifted,
                    written: String(out[before...].map { $0 == 1 ? "1" : "0" }), held: heldBits)
    }

    /// The held-back bits: the cache and the 1s behind it, which a carry would turn into 1 and 0s.
    public var heldBits: String {
        let held = (started ? "\(cache)" : "") + String(repeating: "1", count: Swift.max(pending - 1, 0))
        return held.isEmpty ? "—" : held
    }

    /// RangeEncoder.shiftLow with one bit for one byte.
    mutating func shiftBit() {
        if low < half || carry {
            let c: UInt8 = carry ? 1 : 0
            if cache + c > 1 { carryLost = true }
            // The very first held-back bit is the coder's initial zero: the interval never
            // leaves [0, 1), so no carry reaches it (RangeEncoder writes it as a zero byte
            // that RangeDecoder skips); here it is simply not written.
            if started { out.append((cache + c) & 1) }
            started = true
            while pending > 1 {
                out.append((1 + c) & 1)
                pending -= 1
            }
            pending = 0
            cache = UInt8(low >> UInt64(width - 1))
            carry = false
        }
        pending += 1
        low = (low << 1) & mask
    }

    /// Ends the code with the fewest bits that still point inside [low, low + range):
    /// the smallest k such that low rounded up to a multiple of 2^(width−k) is below
    /// low + range. The decoder reads zeros past the end, as RangeDecoder does.
    /// Returns k and the whole code (trailing zeros dropped: the decoder supplies them).
    public mutating func finish() -> (k: Int, bits: [UInt8]) {
        var k = 0
        var v = low
        while k <= width {
            let step: UInt64 = 1 << UInt64(width - k)
            v = (low + step - 1) / step * step
            if v < low + range { break }
            k += 1
        }
        if v > mask { carry = true }
        low = v & mask
        for _ in 0..<k { shiftBit() }
        shiftBit() // pushes out the held-back bits; the bit it holds back now is a padding zero
        var bits = out
        while bits.last == 0 { bits.removeLast() }
        return (k, bits)
    }

    /// Decodes `count` symbols of the static model from `bits` (zeros past the end).
    public static func decode(_ bits: [UInt8], width: Int, cumulative: [UInt64], frequencies: [UInt64],
                              symbols: [UInt8], total: UInt64, count: Int) -> [UInt8]? {
        var position = 0
        func next() -> UInt64 {
            defer { position += 1 }
            return position < bits.count ? UInt64(bits[position]) : 0
        }
        var code: UInt64 = 0
        for _ in 0..<width { code = code << 1 | next() }
        var range: UInt64 = 1 << UInt64(width)
        let half: UInt64 = 1 << UInt64(width - 1)
        var out: [UInt8] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            let r = range / total
            let t = code / r
            guard t < total, let i = (0..<symbols.count).first(where: { cumulative[$0] <= t && t < cumulative[$0] + frequencies[$0] }) else {
                return nil
            }
            out.append(symbols[i])
            code -= r * cumulative[i]
            range = r * frequencies[i]
            while range < half {
                range <<= 1
                code = code << 1 | next()
            }
        }
        return out
    }
}

/// Arithmetic coding with a static model: the interval narrowing in exact
/// fractions, then the same with the integer range coder (`TeachingRangeCoder`),
/// renormalisations and carries, the final code against −Σ log2 p, a check
/// that the bits decode back, and squeeze's own `RangeEncoder` on the same model.
public struct ArithmeticExplainer: Explainer {
    public static let name = "arith"
    public static let summary = "interval narrowing symbol by symbol, renormalisation and carries, the final code against −Σ log2 p"
    public init() {}

    /// The static model: the input's own symbol counts (scaled so the total is at most 2^16 when larger).
    public struct Model: Sendable {
        public var symbols: [UInt8]
        public var frequencies: [UInt64]
        public var cumulative: [UInt64]
        public var total: UInt64
        public var scaled: Bool
        public var index: [Int]  // byte → position in `symbols` (−1 if absent)

        public init(_ bytes: [UInt8]) {
            let counts = EmpiricalEntropy.histogram(bytes)
            symbols = (0..<256).filter { counts[$0] > 0 }.map { UInt8($0) }
            let n = UInt64(bytes.count)
            let limit = UInt64(RangeEncoder.maxTotal)
            let scale = n > limit
            let freq = symbols.map { s in
                let c = UInt64(counts[Int(s)])
                return scale ? Swift.max(1, c * (limit - 256) / n) : c
            }
            var cum: [UInt64] = []
            var c: UInt64 = 0
            for f in freq { cum.append(c); c += f }
            var index = [Int](repeating: -1, count: 256)
            for (i, s) in symbols.enumerated() { index[Int(s)] = i }
            scaled = scale
            frequencies = freq
            cumulative = cum
            total = c
            self.index = index
        }
    }

    /// Everything the explanation shows, for tests.
    public struct Walkthrough: Sendable {
        public var model: Model
        public var width: Int
        public var steps: [TeachingRangeCoder.Step]
        public var finalK: Int
        /// low and range after the last symbol's shifts, before the code is finished.
        public var finalLow: UInt64
        public var finalRange: UInt64
        public var code: [UInt8]
        public var idealBits: Double
        public var decoded: [UInt8]?
        public var carryLost: Bool
        public var rangeEncoderBytes: Int
    }

    public static func walkthrough(_ bytes: [UInt8]) -> Walkthrough {
        let model = Model(bytes)
        let width = model.total <= 1 << 8 ? 16 : 24
        var coder = TeachingRangeCoder(width: width)
        var steps: [TeachingRangeCoder.Step] = []
        steps.reserveCapacity(bytes.count)
        var ideal = 0.0
        var real = RangeEncoder()
        for b in bytes {
            let i = model.index[Int(b)]
            steps.append(coder.encode(cumulative: model.cumulative[i], frequency: model.frequencies[i], total: model.total))
            ideal += log2(Double(model.total) / Double(model.frequencies[i]))
            real.encode(cumulative: UInt32(model.cumulative[i]), frequency: UInt32(model.frequencies[i]), total: UInt32(model.total))
        }
        let (finalLow, finalRange) = (coder.low, coder.range)
        let (k, code) = coder.finish()
        let decoded = TeachingRangeCoder.decode(code, width: width, cumulative: model.cumulative, frequencies: model.frequencies,
                                                symbols: model.symbols, total: model.total, count: bytes.count)
        return Walkthrough(model: model, width: width, steps: steps, finalK: k, finalLow: finalLow, finalRange: finalRange, code: code, idealBits: ideal,
                           decoded: decoded, carryLost: coder.carryLost, rangeEncoderBytes: real.finish().count)
    }

    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        let bytes = input.bytes
        guard !bytes.isEmpty else { throw ExplainError("the input is empty: give a file or --text with at least one symbol") }
        let n = bytes.count
        let detail = input.options.detailLimit
        let summarised = n > detail
        let w = Self.walkthrough(bytes)
        let m = w.model
        let W = w.width
        let show = { (b: UInt8) in ExplainInput.printable(b) }
        var steps: [Explanation.Step] = []

        // 1. The model.
        steps.append(Explanation.Step(
            title: "The model",
            text: "A static model: each symbol's probability is its count in the input divided by the total"
                + (m.scaled ? " (counts scaled down so the total fits 2^16, as RangeEncoder requires)" : "")
                + ". The coder and the decoder both know it (a real codec would send the counts first; they are not counted below). "
                + "Each symbol owns the slice [cumulative, cumulative + count) of [0, total).",
            table: Explanation.Table(
                columns: ["symbol", "count", "slice of \(m.total)", "p", "−log2 p"],
                rows: m.symbols.indices.map { i in
                    let p = Double(m.frequencies[i]) / Double(m.total)
                    return [show(m.symbols[i]), "\(m.frequencies[i])", "[\(m.cumulative[i]), \(m.cumulative[i] + m.frequencies[i]))",
                            ExplainFormat.fixed(p), ExplainFormat.fixed(-log2(p), 3)]
                },
                alignRight: [false, true, false, true, true])))

        // 2. Exact narrowing while doubles can hold it.
        var lowX = 0.0, widthX = 1.0
        var exactRows: [[String]] = []
        for b in bytes.prefix(min(detail, 24)) {
            let i = m.index[Int(b)]
            lowX += widthX * Double(m.cumulative[i]) / Double(m.total)
            widthX *= Double(m.frequencies[i]) / Double(m.total)
            exactRows.append([show(b), ExplainFormat.fixed(lowX, 8), ExplainFormat.fixed(lowX + widthX, 8),
                              ExplainFormat.fixed(widthX, 8), ExplainFormat.fixed(-log2(widthX), 3)])
            if widthX < 1e-7 { break }
        }
        steps.append(Explanation.Step(
            title: "The idea: narrow an interval",
            text: "Start with [0, 1). For each symbol, keep the part of the interval that is that symbol's slice: "
                + "low ← low + width·cumulative/total, width ← width·count/total. The width ends as the product of the probabilities, "
                + "so any number inside it can be named with about −log2(width) = −Σ log2 p bits."
                + (exactRows.count < n ? " (The first \(exactRows.count) symbols; after that decimals run out of digits, which is why real coders use integers and shift finished digits out.)" : ""),
            table: Explanation.Table(columns: ["symbol", "low", "high", "width", "−log2 width"], rows: exactRows,
                                     alignRight: [false, true, true, true, true])))

        // 3. The integer coder.
        let shownSteps = Array(w.steps.prefix(detail))
        let hexW = W
        var rows: [[String]] = []
        var ideal = 0.0
        for (j, st) in shownSteps.enumerated() {
            let b = bytes[j]
            let i = m.index[Int(b)]
            ideal += log2(Double(m.total) / Double(m.frequencies[i]))
            let high = st.low + st.range - 1
            let highText = high >> UInt64(hexW) != 0 ? "1|" + ExplainFormat.binary(high, width: hexW) : ExplainFormat.binary(high, width: hexW)
            rows.append(["\(j + 1)", show(b), "\(m.cumulative[i])+\(m.frequencies[i])", "\(st.r)",
                         "\(st.low)" + (st.carry ? " carry" : ""), ExplainFormat.binary(st.low, width: hexW), highText, "\(st.range)",
                         st.shifted.isEmpty ? "—" : st.shifted, st.written.isEmpty ? "—" : st.written, st.held,
                         ExplainFormat.fixed(ideal, 2)])
        }
        let carries = w.steps.enumerated().filter { $0.element.carry }.map { $0.offset + 1 }
        steps.append(Explanation.Step(
            title: "The integer range coder, symbol by symbol",
            text: "squeeze's RangeEncoder keeps low and range as integers: r = ⌊range / total⌋, low ← low + r·cumulative, range ← r·count. "
                + "Here the same algorithm runs with a \(W)-bit window and single bits where RangeEncoder uses 64 bits and bytes. "
                + "Whenever range falls below 2^\(W - 1) = \(1 << (W - 1)), the top bit of low can no longer change except by a carry: "
                + "it is shifted out and range doubles (the \"shifted out\" column; the next row starts from the shifted low). "
                + "A shifted-out bit is not written at once: the last 0 and any 1s after it are held back, because adding to low "
                + "can carry into them (0111 → 1000) — RangeEncoder does the same with one byte and a count of 0xFF bytes. "
                + "low and high (= low + range − 1) are shown after narrowing, before the shifts; \"1|\" marks a high above the window."
                + (carries.isEmpty ? " No carry happened on this input." : " Carries at symbol\(carries.count == 1 ? "" : "s") " + carries.prefix(12).map(String.init).joined(separator: ", ") + (carries.count > 12 ? ", …" : "") + ".")
                + (summarised ? " Only the first \(detail) of \(n) symbols are listed." : ""),
            table: Explanation.Table(
                columns: ["#", "symbol", "cum+count", "r", "low", "low (binary)", "high (binary)", "range",
                          "shifted out", "written", "held back", "ideal bits"],
                rows: rows,
                alignRight: [true, false, true, true, true, false, false, true, false, false, false, true])))

        // 4. The final code.
        let codeText = String(w.code.map { $0 == 1 ? "1" : "0" })
        let decodedOK = w.decoded == bytes
        var finalLines = [
            "after the last shifts: low = \(ExplainFormat.binary(w.finalLow, width: W)), high = \(ExplainFormat.binary(w.finalLow + w.finalRange - 1, width: W + (w.finalLow + w.finalRange - 1 > (1 << UInt64(W)) - 1 ? 1 : 0))) (range \(w.finalRange))",
            "k = \(w.finalK) more bit\(w.finalK == 1 ? "" : "s"): \(ExplainFormat.binary((w.finalLow + (1 << UInt64(W - w.finalK)) - 1) >> UInt64(W - w.finalK), width: w.finalK + 1).suffix(w.finalK)) then zeros is the first multiple of 2^\(W - w.finalK) at or above low, and it is below low + range",
            "code (\(ExplainFormat.count(w.code.count, "bit"))): " + ExplainFormat.abbreviated(codeText, limit: 240),
            "ideal −Σ log2 p = \(ExplainFormat.fixed(w.idealBits, 3)) bits; the code is "
                + (Double(w.code.count) >= w.idealBits
                    ? "\(ExplainFormat.fixed(Double(w.code.count) - w.idealBits, 3)) bits longer"
                    : "\(ExplainFormat.fixed(w.idealBits - Double(w.code.count), 3)) bits shorter: a short binary fraction happens to lie in the final interval, and the decoder, told n, supplies the zeros after it (a stream of several messages would need their lengths or an end symbol)"),
            "decoding the code with the same model gives back the input: \(decodedOK ? "yes" : "NO")",
            "squeeze's RangeEncoder on the same model writes \(ExplainFormat.count(w.rangeEncoderBytes, "byte")) (\(w.rangeEncoderBytes * 8) bits, including its leading zero byte and an 8-byte flush)",
        ]
        if n <= 64 {
            finalLines.insert("as a binary fraction: 0." + codeText + (codeText.isEmpty ? "0" : ""), at: 3)
        }
        steps.append(Explanation.Step(
            title: "The final code",
            text: "To finish, the coder writes just enough bits to land inside the last interval: after those bits the decoder "
                + "reads zeros, and the number they spell must lie in [low, low + range). With the held-back bits flushed and trailing zeros "
                + "dropped, the code is within about 2 bits of −Σ log2 p — the arithmetic coder's whole overhead, against up to 1 bit per symbol for Huffman.",
            lines: finalLines))

        let summary: [Explanation.Fact] = [
            .init(name: "symbols", value: "\(n)", number: Double(n)),
            .init(name: "code", value: ExplainFormat.count(w.code.count, "bit"), number: Double(w.code.count)),
            .init(name: "ideal −Σ log2 p", value: ExplainFormat.fixed(w.idealBits, 3) + " bits", number: w.idealBits),
            .init(name: "overhead", value: ExplainFormat.fixed(Double(w.code.count) - w.idealBits, 3) + " bits", number: Double(w.code.count) - w.idealBits),
            .init(name: "carries", value: "\(carries.count)", number: Double(carries.count)),
            .init(name: "window", value: "\(W) bits", number: Double(W)),
            .init(name: "decodes back", value: decodedOK ? "yes" : "no", number: decodedOK ? 1 : 0),
            .init(name: "RangeEncoder output", value: ExplainFormat.count(w.rangeEncoderBytes, "byte"), number: Double(w.rangeEncoderBytes)),
        ]
        return Explanation(
            algorithm: Self.name,
            title: "Arithmetic coding of \"\(ExplainInput.printable(bytes, limit: 40))\"",
            input: .init(shown: input.shown, count: n, summarised: summarised),
            steps: steps, summary: summary)
    }
}
