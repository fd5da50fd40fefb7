import BitIO
import Codecs
import Entropy

/// `squeeze explain ppm`: for each symbol, the contexts tried from the highest
/// order down, escapes, exclusions, probabilities and bits, under escape
/// methods A–D as our `ppma`…`ppmd` codecs use them (`PPMWalk`).
public struct PPMExplainer: Explainer {
    public static let name = "ppm"
    public static let summary = "contexts tried, escapes, exclusions and bits, methods A–D"
    public init() {}

    static let defaultOrder = 2
    /// The method detailed when --escape is not given.
    static let defaultDetail = PPMWalk.Method.c

    static func variant(_ m: PPMWalk.Method) -> PPMVariant {
        switch m {
        case .a: .a
        case .b: .b
        case .c: .c
        case .d: .d
        }
    }

    /// What the real codec writes for `bytes` (payload bytes including its 5-byte
    /// header) and how often its model filled its memory (1: it froze), or nil if it failed.
    static func measured(_ bytes: [UInt8], method: PPMWalk.Method, order: Int) -> (bytes: Int, restarts: Int, stored: Bool)? {
        bytes.withUnsafeBytes { raw -> (Int, Int, Bool)? in
            var out = ByteBuffer()
            let codec = PPMCodec(order: order, variant: variant(method))
            guard let restarts = try? codec.encodeCountingRestarts(raw, into: &out) else { return nil }
            // A block that modelling would expand is stored: marker 255 and the raw bytes.
            return (out.count, restarts, out.bytes.first == 255)
        }
    }

    static func measuredText(_ m: (bytes: Int, restarts: Int, stored: Bool)?) -> String {
        guard let m else { return "–" }
        return m.stored ? "\(m.bytes) (stored)" : "\(m.bytes)"
    }

    static func fraction(_ t: PPMWalk.Try) -> String {
        t.denominator > 0 ? "\(Int(t.numerator))/\(Int(t.denominator))" : "–"
    }

    static func eventText(_ t: PPMWalk.Try, symbol: UInt8) -> String {
        switch t.event {
        case .unseen: t.order == 0 ? "order 0 empty: nothing coded" : "new context: skip, nothing coded"
        case .allExcluded: "all excluded: skip, nothing coded"
        case .certainEscape: "nothing predicted yet: escape certain, nothing coded"
        case .escape: "escape"
        case .hit: "code " + ExplainInput.printable(symbol)
        case .uniform: "order −1: code " + ExplainInput.printable(symbol)
        }
    }

    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        let bytes = input.bytes
        guard !bytes.isEmpty else { throw ExplainError("ppm: the input is empty; give some text") }
        let order = input.options.order ?? Self.defaultOrder
        guard (1...PPMWalk.maximumOrder).contains(order) else {
            throw ExplainError("ppm: --order \(order) is outside 1…\(PPMWalk.maximumOrder)")
        }
        var chosen: PPMWalk.Method?
        if let e = input.options.escape {
            guard let m = PPMWalk.Method(rawValue: e.uppercased()) else {
                throw ExplainError("ppm: --escape \(e) is not one of A, B, C, D")
            }
            chosen = m
        }
        let detailed = chosen ?? Self.defaultDetail
        let limit = max(1, input.options.detailLimit)
        let summarised = bytes.count > limit
        var steps: [Explanation.Step] = []

        steps.append(Explanation.Step(
            title: "How our PPM codes a symbol",
            text: """
            PPM (Cleary & Witten 1984) predicts each byte from the \(ExplainFormat.count(order, "byte")) before it. It \
            tries the longest context first. A context seen before either codes the symbol or codes \
            an escape and hands over to the next shorter one; a context never seen before is skipped \
            at no cost (the decoder knows it is new, too). After an escape, the symbols that context \
            offered are excluded below (they were not the symbol), so the shorter contexts share \
            their probability among fewer symbols.
            What our ppma…ppmd codecs do differently from the textbook: contexts live in a trie \
            that grows lazily (as in Shkarin's PPMd): a longer context is built only when the pair \
            (shorter context, symbol) that leads to it comes a second time, and coding starts at \
            the longest context built so far, so contexts never seen are simply not there to try. \
            Order 0 starts with all 256 \
            byte values at count 1, so it always codes the symbol and no order −1 is needed; only \
            the context that coded the symbol counts it (update exclusion), and the contexts escaped \
            from learn it with count 1; a context is halved when a count passes 8000 or its total 60000. \
            Escape methods, with counts c over the n occurrences of q distinct symbols (exclusions applied):
            A: symbol c/(n+1), escape 1/(n+1).
            B: a symbol is predicted only once seen twice: (c−1)/n, escape q/n; a symbol seen once is not excluded.
            C (Moffat 1990; the Witten–Bell estimate): symbol c/(n+q), escape q/(n+q).
            D (Howard 1993): counts grow by 2 (a symbol seen k times has 2k−1): (2k−1)/2n, escape q/2n.
            """))

        var totals: [PPMWalk.Method: (bits: Double, escapes: Int)] = [:]
        for m in PPMWalk.Method.allCases where chosen == nil || chosen == m {
            totals[m] = PPMWalk.bits(bytes, method: m, order: order)
        }
        let estimator = bytes.withUnsafeBytes { PPMEstimator.estimate($0, maxOrder: order) }
        var notes: [String] = []
        if chosen == nil {
            var rows: [[String]] = []
            for m in PPMWalk.Method.allCases {
                guard let t = totals[m] else { continue }
                let real = Self.measured(bytes, method: m, order: order)
                if let r = real, r.restarts > 0 { notes.append("ppm\(m.rawValue.lowercased()) filled its model memory and froze the model, which this walk does not model.") }
                rows.append([m.rawValue, ExplainFormat.fixed(t.bits, 1), ExplainFormat.fixed(t.bits / Double(bytes.count), 3),
                             "\(t.escapes)", Self.measuredText(real)])
            }
            steps.append(Explanation.Step(
                title: "The four escape methods side by side (order \(order))",
                text: """
                Ideal code length of the whole input under each method (−log2 of every probability \
                coded), the escapes actually coded, and what our codec of that method (ppma … ppmd \
                --order \(order)) really writes: the range coder's bytes plus a 5-byte header, or the input \
                stored after one marker byte when modelling would expand it. \
                For comparison, squeeze estimate's PPM-D (textbook conventions: zero-padded history, \
                an empty order 0 and an order −1) gives \(ExplainFormat.fixed(estimator.bits, 1)) bits. \
                The next step details method \(detailed.rawValue); --escape A|B|C|D picks another.\
                \(notes.isEmpty ? "" : " " + notes.joined(separator: " "))
                """,
                table: Explanation.Table(columns: ["method", "bits", "bits/symbol", "escapes", "codec bytes"],
                                         rows: rows, alignRight: [false, true, true, true, true])))
        }

        var walk = PPMWalk(method: detailed, maxOrder: order)
        var rows: [[String]] = []
        var total = 0.0
        for i in bytes.indices {
            let r = walk.code(bytes, at: i, record: i < limit)
            total += r.bits
            guard i < limit else { continue }
            for (j, t) in r.tries.enumerated() {
                let last = j == r.tries.count - 1
                rows.append([j == 0 ? "\(i)" : "", j == 0 ? ExplainInput.printable(bytes[i]) : "",
                             t.order < 0 ? "−1" : "\(t.order)",
                             t.order <= 0 ? (t.order == 0 ? "(none)" : "") : "\"" + ExplainInput.printable(t.context) + "\"",
                             t.counts, Self.eventText(t, symbol: bytes[i]), Self.fraction(t),
                             t.denominator > 0 ? ExplainFormat.fixed(t.bits, 3) : "0",
                             last ? ExplainFormat.fixed(r.bits, 3) : ""])
            }
        }
        steps.append(Explanation.Step(
            title: "Symbol by symbol, method \(detailed.rawValue), order \(order)",
            text: """
            One row per context tried. "seen" lists the context's counts before the symbol \
            (excluded symbols in brackets); p is what was coded there; the last column is the \
            symbol's total.\(summarised ? " Only the first \(limit) of \(bytes.count) symbols are listed; all are counted." : "")
            """,
            table: Explanation.Table(columns: ["i", "sym", "order", "context", "seen", "what happens", "p", "bits", "symbol bits"],
                                     rows: rows, alignRight: [true, false, true, false, false, false, true, true, true])))

        let real = Self.measured(bytes, method: detailed, order: order)
        var summary: [Explanation.Fact] = [
            Explanation.Fact(name: "method", value: detailed.rawValue + ", order \(order)"),
            Explanation.Fact(name: "total", value: ExplainFormat.bits(total), number: total),
            Explanation.Fact(name: "rate", value: ExplainFormat.perByte(total, bytes.count), number: total / Double(bytes.count)),
            Explanation.Fact(name: "escapes coded", value: "\(walk.escapesCoded)", number: Double(walk.escapesCoded)),
        ]
        if let real {
            summary.append(Explanation.Fact(name: "ppm\(detailed.rawValue.lowercased()) payload (measured)",
                                            value: ExplainFormat.bytes(real.bytes) + (real.stored ? " (stored: modelling would expand it)" : " (5 of them header)"),
                                            number: Double(real.bytes)))
        }
        if chosen == nil {
            for m in PPMWalk.Method.allCases {
                if let t = totals[m] { summary.append(Explanation.Fact(name: "total, method \(m.rawValue)", value: ExplainFormat.bits(t.bits), number: t.bits)) }
            }
        }
        summary.append(Explanation.Fact(name: "squeeze estimate PPM-D", value: ExplainFormat.bits(estimator.bits), number: estimator.bits))
        return Explanation(algorithm: Self.name, title: "PPM order \(order) of \"\(ExplainInput.printable(bytes, limit: 40))\"",
                           input: ExplainFormat.input(input, summarised: summarised), steps: steps, summary: summary)
    }
}
