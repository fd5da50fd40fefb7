import BitIO
import Codecs
import Transforms

/// The table and totals shared by `mtf`, `rank` and `interval`: each input
/// byte becomes a value, written with a universal code (Elias 1975; Apostolico &
/// Fraenkel 1987 for Fibonacci). `coded` is the integer the code writes (≥ 1).
enum RecencyValueTable {
    struct Value {
        var byte: UInt8
        var value: Int
        var coded: UInt64
        /// What the value means, in a few words ("2 distinct since", "first: 256 + 97").
        var note: String
    }

    static let codes: [(String, UniversalCode)] = [("γ", .gamma), ("δ", .delta), ("ω", .omega), ("Fibonacci", .fibonacci)]

    static func steps(_ values: [Value], limit: Int, valueName: String, noteName: String,
                      codedName: String) -> (step: Explanation.Step, totals: [Int]) {
        var rows: [[String]] = []
        for (i, v) in values.prefix(limit).enumerated() {
            let g = ExplainFormat.codeword(.gamma, v.coded), f = ExplainFormat.codeword(.fibonacci, v.coded)
            rows.append(["\(i)", ExplainInput.printable(v.byte), "\(v.value)", v.note, "\(v.coded)", g, f])
        }
        let totals = codes.map { c in values.reduce(0) { $0 + c.1.codeLength($1.coded) } }
        let step = Explanation.Step(
            title: "The values and their codewords",
            text: "Each byte becomes one \(valueName); the code writes \(codedName). "
                + (values.count > limit ? "Only the first \(limit) of \(values.count) values are listed." : ""),
            table: Explanation.Table(columns: ["i", "byte", valueName, noteName, "coded", "Elias γ", "Fibonacci"],
                                     rows: rows, alignRight: [true, false, true, false, true, false, false]))
        return (step, totals)
    }

    /// Totals per universal code, and what our codec (levels 1–4) really writes.
    static func costStep(_ totals: [Int], bytes: [UInt8], codec: ((Int) -> (any Codec))?, codecName: String) -> (Explanation.Step, [Explanation.Fact]) {
        let count = bytes.count
        var rows: [[String]] = []
        var facts: [Explanation.Fact] = []
        for (k, c) in codes.enumerated() {
            var row = [c.0, "\(totals[k])", ExplainFormat.perByte(Double(totals[k]), count)]
            if let codec {
                let payload = 1 + (totals[k] + 7) / 8
                row += ["\(codecName) -\(k + 1)", "\(payload)", "\(Self.payload(codec(k + 1), bytes))"]
            }
            rows.append(row)
            facts.append(Explanation.Fact(name: "\(c.0) bits", value: "\(totals[k]) bits", number: Double(totals[k])))
        }
        var columns = ["code", "bits", "rate"]
        if codec != nil { columns += ["our codec", "payload bytes", "measured"] }
        let text = codec == nil
            ? "The same values under each universal code; 8 bits per byte is the raw input."
            : "The same values under each universal code. Our \(codecName) codec at levels 1–4 writes exactly these codes after one selector byte, padded to a whole byte; levels 5 and 6 use an adaptive Rice code and adaptive arithmetic coding instead."
        facts.append(Explanation.Fact(name: "raw input", value: "\(8 * count) bits", number: Double(8 * count)))
        return (Explanation.Step(title: "Bits under each universal code", text: text,
                                 table: Explanation.Table(columns: columns, rows: rows, alignRight: [false, true, true, false, true, true])), facts)
    }

    /// The real codec's payload size for `bytes`, or −1 if it failed.
    static func payload(_ codec: any Codec, _ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { raw -> Int in
            var out = ByteBuffer()
            do { try codec.encode(raw, into: &out) } catch { return -1 }
            return out.count
        }
    }
}

/// `squeeze explain mtf`: move-to-front ranks (our MoveToFront, initial list 0…255).
public struct MTFExplainer: Explainer {
    public static let name = "mtf"
    public static let summary = "move-to-front ranks with their Elias γ and Fibonacci codes"
    public init() {}

    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        let bytes = input.bytes
        guard !bytes.isEmpty else { throw ExplainError("mtf: the input is empty; give some text") }
        let limit = max(1, input.options.detailLimit)
        let ranks = MoveToFront.encode(bytes)
        var list = (0...255).map { UInt8($0) }
        var values: [RecencyValueTable.Value] = []
        values.reserveCapacity(bytes.count)
        for (i, b) in bytes.enumerated() {
            var note = ""
            if i < limit {
                note = "list " + list.prefix(6).map { ExplainInput.printable($0) }.joined(separator: " ") + " …"
            }
            let r = list.withUnsafeMutableBufferPointer { MoveToFront.rankMovingToFront(b, in: $0) }
            guard r == Int(ranks[i]) else { throw ExplainError("internal: MTF rank \(r) differs from MoveToFront's \(ranks[i]) at \(i)") }
            values.append(.init(byte: b, value: r, coded: UInt64(r) + 1, note: note))
        }
        var steps = [Explanation.Step(
            title: "Move to front",
            text: """
            Keep a list of all 256 byte values, initially 0, 1, …, 255 (so 'a' = 97 starts at \
            position 97). Each byte is replaced by its position in the list (0 = front) and then \
            moved to the front, so a byte seen recently gets a small number and a run of one byte \
            gives zeros (Ryabko 1980; Bentley, Sleator, Tarjan & Wei 1986). The list column shows \
            its front before the byte is coded.
            """)]
        let (table, totals) = RecencyValueTable.steps(values, limit: limit, valueName: "rank", noteName: "list before",
                                                      codedName: "rank + 1 (γ and Fibonacci start at 1)")
        steps.append(table)
        let (cost, facts) = RecencyValueTable.costStep(totals, bytes: bytes, codec: nil, codecName: "")
        steps.append(cost)
        let zeros = ranks.filter { $0 == 0 }.count
        return Explanation(algorithm: Self.name, title: "Move-to-front of \"\(ExplainInput.printable(bytes, limit: 40))\"",
                           input: ExplainFormat.input(input, summarised: bytes.count > limit), steps: steps,
                           summary: [Explanation.Fact(name: "ranks", value: ranks.prefix(24).map { String($0) }.joined(separator: " ") + (ranks.count > 24 ? " …" : "")),
                                     Explanation.Fact(name: "zeros", value: "\(zeros) of \(bytes.count)", number: Double(zeros))] + facts)
    }
}

/// `squeeze explain rank`: recency ranks (Elias 1987) as our `rank` codec computes and codes them.
public struct RankExplainer: Explainer {
    public static let name = "rank"
    public static let summary = "recency ranks with their Elias and Fibonacci codes"
    public init() {}

    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        let bytes = input.bytes
        guard !bytes.isEmpty else { throw ExplainError("rank: the input is empty; give some text") }
        let limit = max(1, input.options.detailLimit)
        let ranks = RecencyRank.encode(bytes)
        var values: [RecencyValueTable.Value] = []
        values.reserveCapacity(bytes.count)
        for (i, b) in bytes.enumerated() {
            let r = Int(ranks[i])
            let note = i >= limit ? "" : r >= 256 ? "first: 256 + \(b)" : r == 0 ? "repeat" : "\(r) distinct since"
            values.append(.init(byte: b, value: r, coded: UInt64(r) + 1, note: note))
        }
        var steps = [Explanation.Step(
            title: "Recency ranks",
            text: """
            Each byte becomes the number of distinct byte values seen since its previous \
            occurrence: 0 for an immediate repeat (Elias 1987). For a byte seen before this is \
            exactly its move-to-front rank. A first occurrence has no history: our RecencyRank \
            writes 256 + the byte (an escape that names it), so values run 0…511, where \
            move-to-front would rank it in an assumed initial list instead.
            """)]
        let (table, totals) = RecencyValueTable.steps(values, limit: limit, valueName: "rank", noteName: "meaning",
                                                      codedName: "rank + 1, as our rank codec does")
        steps.append(table)
        let (cost, facts) = RecencyValueTable.costStep(totals, bytes: bytes, codec: { RecencyRankCodec(level: $0) }, codecName: "rank")
        steps.append(cost)
        let real = RecencyValueTable.payload(RecencyRankCodec(level: 1), bytes)
        return Explanation(algorithm: Self.name, title: "Recency ranks of \"\(ExplainInput.printable(bytes, limit: 40))\"",
                           input: ExplainFormat.input(input, summarised: bytes.count > limit), steps: steps,
                           summary: [Explanation.Fact(name: "ranks", value: ranks.prefix(24).map { String($0) }.joined(separator: " ") + (ranks.count > 24 ? " …" : ""))]
                               + facts + [Explanation.Fact(name: "rank -1 payload (measured)", value: ExplainFormat.bytes(real), number: Double(real))])
    }
}

/// `squeeze explain interval`: interval coding (Elias 1987) as our `interval` codec does it.
public struct IntervalExplainer: Explainer {
    public static let name = "interval"
    public static let summary = "distances back to the last occurrence, with Elias and Fibonacci"
    public init() {}

    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        let bytes = input.bytes
        guard !bytes.isEmpty else { throw ExplainError("interval: the input is empty; give some text") }
        guard bytes.count <= IntervalTransform.maximumCount else { throw ExplainError("interval: the input is too large") }
        let limit = max(1, input.options.detailLimit)
        let intervals = IntervalTransform.encode(bytes)
        var values: [RecencyValueTable.Value] = []
        values.reserveCapacity(bytes.count)
        for (i, b) in bytes.enumerated() {
            let v = Int(intervals[i])
            let j = i - v
            let note = i >= limit ? "" : j < 0 ? "first: prefix slot \(j) holds \(b)" : "last at \(j)"
            values.append(.init(byte: b, value: v, coded: UInt64(v), note: note))
        }
        var steps = [Explanation.Step(
            title: "Intervals",
            text: """
            Each byte becomes the distance back to its previous occurrence (Elias 1987): 1 for an \
            immediate repeat. Unlike the recency rank it counts every byte in between, repeated or \
            not, so interval ≥ rank + 1. For first occurrences our IntervalTransform pretends the \
            input is preceded by the 256 byte values in order (byte x at position x − 256), so the \
            first x at position i gets i + 256 − x.
            """)]
        let (table, totals) = RecencyValueTable.steps(values, limit: limit, valueName: "interval", noteName: "previous",
                                                      codedName: "the interval itself (it is ≥ 1), as our interval codec does")
        steps.append(table)
        let (cost, facts) = RecencyValueTable.costStep(totals, bytes: bytes, codec: { IntervalCodec(level: $0) }, codecName: "interval")
        steps.append(cost)
        let real = RecencyValueTable.payload(IntervalCodec(level: 1), bytes)
        return Explanation(algorithm: Self.name, title: "Interval coding of \"\(ExplainInput.printable(bytes, limit: 40))\"",
                           input: ExplainFormat.input(input, summarised: bytes.count > limit), steps: steps,
                           summary: [Explanation.Fact(name: "intervals", value: intervals.prefix(24).map { String($0) }.joined(separator: " ") + (intervals.count > 24 ? " …" : ""))]
                               + facts + [Explanation.Fact(name: "interval -1 payload (measured)", value: ExplainFormat.bytes(real), number: Double(real))])
    }
}
