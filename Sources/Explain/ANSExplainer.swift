import BitIO
import Entropy
import Foundation

/// Tabled asymmetric numeral systems (tANS) as squeeze's `ans` codec does it,
/// with the coder's own tables: the counts normalised to a power-of-two table
/// (`NormalizedFrequencies`), the spread of symbols over the slots
/// (`TANS.spread`), and per symbol the state transition and the bits shifted
/// out (`TANS.EncodingTable.step`) and read back (`TANS.DecodingTable.entry`).
/// The codec runs four such states in turn over one bit stream; one state is
/// shown here, which is the same machine (Duda 2013; Collet's FSE articles).
///
/// Options: `--parameter R` sets the table log (5…12; default the smallest
/// that gives every symbol a slot, at least 5).
public struct ANSExplainer: Explainer {
    public static let name = "ans"
    public static let summary = "tANS: normalised counts, the table spread, per symbol the state transition and the bits emitted (--parameter R: table log)"
    public init() {}

    public struct Transition: Sendable, Equatable {
        public var position: Int
        public var symbol: UInt8
        public var stateBefore: Int
        public var bits: Int
        public var value: Int
        public var stateAfter: Int
    }

    public struct Walkthrough: Sendable {
        public var frequencies: NormalizedFrequencies
        public var counts: [Int]
        public var spread: [UInt8]
        /// Encoder steps in the order the encoder runs (last symbol first).
        public var encoding: [Transition]
        /// Decoder steps, first symbol first: (state, symbol, bits read, value, next state).
        public var decoding: [Transition]
        public var decoded: [UInt8]
        public var finalState: Int
        public var payloadBits: Int
        public var headerBits: Int
        public var h0: Double
        public var normalisedCost: Double
    }

    public static func walkthrough(_ bytes: [UInt8], tableLog: Int?) throws(ExplainError) -> Walkthrough {
        guard !bytes.isEmpty else { throw ExplainError("the input is empty: give a file or --text with at least one symbol") }
        let h = bytes.withUnsafeBytes { ByteHistogram.counts($0) }
        let present = h.filter { $0 > 0 }.count
        let needed = Swift.max(NormalizedFrequencies.minTableLog, (present - 1).bitWidth - (present - 1).leadingZeroBitCount)
        let log = tableLog ?? needed
        guard (NormalizedFrequencies.minTableLog...TANS.maxTableLog).contains(log) else {
            throw ExplainError("--parameter \(log): the table log must be \(NormalizedFrequencies.minTableLog)...\(TANS.maxTableLog)")
        }
        guard 1 << log >= present else {
            throw ExplainError("--parameter \(log): \(present) symbols need a table of at least \(present) slots")
        }
        let freqs: NormalizedFrequencies
        do { freqs = try NormalizedFrequencies(histogram: h, tableLog: log) } catch { throw ExplainError("\(error)") }
        let size = freqs.tableSize
        let spread = TANS.spread(freqs)
        let enc = TANS.EncodingTable(freqs, spread: spread)
        let dec = TANS.DecodingTable(freqs, spread: spread)
        // Encode backwards from state L, as the coder does.
        var x = size
        var encoding: [Transition] = []
        for i in stride(from: bytes.count - 1, through: 0, by: -1) {
            let step = enc.step(state: x, symbol: bytes[i])
            encoding.append(Transition(position: i, symbol: bytes[i], stateBefore: x, bits: step.bits, value: step.value, stateAfter: step.next))
            x = step.next
        }
        let finalState = x
        // Decode forwards: the fields come back in the reverse order of writing.
        var decoding: [Transition] = []
        var decoded: [UInt8] = []
        var state = finalState
        for (k, t) in encoding.reversed().enumerated() {
            let e = dec.entry(state - size)
            let next = size + e.base + t.value
            decoding.append(Transition(position: k, symbol: e.symbol, stateBefore: state, bits: e.bits, value: t.value, stateAfter: next))
            decoded.append(e.symbol)
            state = next
        }
        var w = BitWriter()
        freqs.write(to: &w)
        let payload = encoding.reduce(0) { $0 + $1.bits } + log
        let counts = h.map { Int($0) }
        return Walkthrough(frequencies: freqs, counts: counts, spread: spread, encoding: encoding, decoding: decoding,
                           decoded: decoded, finalState: finalState, payloadBits: payload, headerBits: w.bitCount,
                           h0: EmpiricalEntropy.entropy(counts: counts), normalisedCost: freqs.cost(of: h))
    }

    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        let bytes = input.bytes
        let w = try Self.walkthrough(bytes, tableLog: input.options.parameter)
        let f = w.frequencies
        let size = f.tableSize
        let n = bytes.count
        let limit = input.options.detailLimit
        let symbols = (0..<256).filter { w.counts[$0] > 0 }
        let p = ExplainInput.printable
        var steps: [Explanation.Step] = []

        steps.append(Explanation.Step(
            title: "Normalised counts",
            text: """
            A table of L = 2^\(f.tableLog) = \(size) states; symbol s gets f_s slots, Σ f_s = L, every present symbol at \
            least one. The counts are chosen to minimise Σ c_s·log2(L/f_s), the bits the coder will spend, not just by rounding \
            c_s·L/n. A symbol with f_s slots costs about log2(L/f_s) bits, against the ideal log2(n/c_s).
            """,
            table: Explanation.Table(
                columns: ["symbol", "count c", "slots f", "ideal bits", "tANS bits"],
                rows: symbols.map { s in
                    [p(UInt8(s)), String(w.counts[s]), String(f.counts[s]),
                     ExplainFormat.fixed(log2(Double(n) / Double(w.counts[s])), 3),
                     ExplainFormat.fixed(log2(Double(size) / Double(f.counts[s])), 3)]
                },
                alignRight: [false, true, true, true, true])))

        let dec = TANS.DecodingTable(f, spread: w.spread)
        let shownSlots = Swift.min(size, 64)
        steps.append(Explanation.Step(
            title: "Spread and decoding table",
            text: """
            Slot i (state L + i) belongs to the symbol spread there: each symbol's slots are placed at its ideal positions \
            (j + ½)·L/f_s, ties to the smaller byte. Decoding state L + i gives that symbol; its k-th slot stands for \
            x' = f_s + k, and the decoder reads nb = R − ⌊log2 x'⌋ bits b and goes to state x'·2^nb + b (= L + base + b).
            """ + (shownSlots < size ? " The first \(shownSlots) of \(size) slots:" : ""),
            table: Explanation.Table(
                columns: ["slot", "state", "symbol", "x'", "bits read", "next states"],
                rows: (0..<shownSlots).map { i in
                    let e = dec.entry(i)
                    let xPrime = (e.base + size) >> e.bits
                    let lo = size + e.base, hi = lo + (1 << e.bits) - 1
                    return [String(i), String(size + i), p(e.symbol), String(xPrime), String(e.bits),
                            lo == hi ? String(lo) : "\(lo)…\(hi)"]
                },
                alignRight: [true, true, false, true, true, false])))

        let shownEnc = Array(w.encoding.prefix(limit))
        steps.append(Explanation.Step(
            title: "Encoding, last symbol first",
            text: """
            ANS is a stack: the decoder meets the symbols in the reverse of the order they were coded, so the encoder runs \
            from the last symbol to the first, starting in state L = \(size). To code s from state x it shifts out the nb low \
            bits of x that bring x >> nb into [f_s, 2f_s), then moves to the state of s's (x >> nb − f_s)-th slot. \
            It ends in state \(w.finalState), written (R = \(f.tableLog) bits) where the decoder starts reading.
            """,
            table: Explanation.Table(
                columns: ["i", "symbol", "state x", "nb", "bits out", "x >> nb", "next state"],
                rows: shownEnc.map { t in
                    [String(t.position), p(t.symbol), String(t.stateBefore), String(t.bits),
                     t.bits == 0 ? "—" : ExplainFormat.binary(UInt64(t.value), width: t.bits),
                     String(t.stateBefore >> t.bits), String(t.stateAfter)]
                },
                alignRight: [true, false, true, true, false, true, true])))

        let shownDec = Array(w.decoding.prefix(limit))
        steps.append(Explanation.Step(
            title: "Decoding, first symbol first",
            text: """
            The decoder starts in the encoder's final state \(w.finalState); the slot names the symbol, then it reads nb bits \
            and adds them to the slot's base. It ends in state \(w.decoding.last?.stateAfter ?? size), the encoder's start: \
            the coder checks this to catch damaged data.
            """,
            table: Explanation.Table(
                columns: ["i", "state", "slot", "symbol", "nb", "bits read", "next state"],
                rows: shownDec.map { t in
                    [String(t.position), String(t.stateBefore), String(t.stateBefore - size), p(t.symbol), String(t.bits),
                     t.bits == 0 ? "—" : ExplainFormat.binary(UInt64(t.value), width: t.bits), String(t.stateAfter)]
                },
                alignRight: [true, true, true, false, true, false, true])))

        let nH0 = w.h0 * Double(n)
        steps.append(Explanation.Step(
            title: "Bits",
            text: """
            \(w.payloadBits) bits: \(w.payloadBits - f.tableLog) shifted out plus the \(f.tableLog)-bit final state, against \
            n·H0 = \(ExplainFormat.fixed(nH0, 2)) and Σ c_s·log2(L/f_s) = \(ExplainFormat.fixed(w.normalisedCost, 2)) for the \
            normalised counts. The counts themselves take \(w.headerBits) bits in the codec's header.
            """))
        return Explanation(
            algorithm: Self.name,
            title: "tANS coding of \"\(input.shown)\"",
            input: .init(shown: input.shown, count: n, summarised: n > limit),
            steps: steps,
            summary: [
                .init(name: "table log", value: String(f.tableLog), number: Double(f.tableLog)),
                .init(name: "total", value: "\(w.payloadBits) bits", number: Double(w.payloadBits)),
                .init(name: "n·H0", value: ExplainFormat.fixed(nH0, 2) + " bits", number: nH0),
                .init(name: "normalised cost", value: ExplainFormat.fixed(w.normalisedCost, 2) + " bits", number: w.normalisedCost),
                .init(name: "header", value: "\(w.headerBits) bits", number: Double(w.headerBits)),
                .init(name: "round trip", value: w.decoded == bytes ? "exact" : "FAILED", number: w.decoded == bytes ? 1 : 0),
            ])
    }
}
