import BitIO
import Foundation

/// The universal and parametric integer codes. The code word of each value
/// comes from the real encoder in BitIO writing into a `BitWriter`, so the
/// table shows exactly what squeeze writes; the parts (length prefix,
/// binary, groups, Zeckendorf terms, quotient and remainder) are worked out
/// beside it from the definition, and `IntegerCodeWalk.check` holds the two
/// to agreeing.
public enum IntegerCodeWalk {
    /// The longest code word an explanation shows (a unary 10^9 would not fit a screen, nor memory).
    public static let maxBits = 4096

    /// One value's code word: the parts from the definition, what BitIO wrote, and a note ("17 = 13+3+1").
    public struct Word: Sendable, Equatable {
        public var value: UInt64
        public var parts: [String]
        public var written: String
        public var note: String
        public var bits: Int { written.count }
        /// True when the parts, joined, are the written code word.
        public var consistent: Bool { parts.joined() == written }
    }

    /// How one code splits a value into parts (column titles, one sentence of rule, the parts).
    struct Shape {
        var code: UniversalCode
        var rule: String
        var partTitles: [String]
        var noteTitle: String?
        var parts: (UInt64) -> (parts: [String], note: String)
    }

    static func zeros(_ n: Int) -> String { String(repeating: "0", count: n) }
    static func bitLength(_ n: UInt64) -> Int { 64 - n.leadingZeroBitCount }

    static func gammaParts(_ n: UInt64) -> [String] {
        let b = ExplainFormat.binary(n)
        return [zeros(b.count - 1), b]
    }

    static func shape(_ code: UniversalCode) -> Shape {
        switch code {
        case .unary:
            return Shape(code: code, rule: "n ≥ 0 is n zeros and then a one: n + 1 bits. (squeeze puts the zeros first, so that γ's prefix is this code.)",
                         partTitles: ["n zeros", "end"], noteTitle: nil) { n in ([zeros(Int(n)), "1"], "") }
        case .gamma:
            return Shape(code: code, rule: "Elias γ of n ≥ 1: write n in binary (N bits, starting with 1), and put N − 1 zeros in front to say how long it is: 2N − 1 bits.",
                         partTitles: ["N−1 zeros", "n in binary"], noteTitle: "N") { n in (gammaParts(n), "\(bitLength(n))") }
        case .delta:
            return Shape(code: code, rule: "Elias δ of n ≥ 1: the length N of n's binary in γ, then n's binary without its leading 1 (N − 1 bits). Shorter than γ from n = 32 on.",
                         partTitles: ["γ(N)", "n without its leading 1"], noteTitle: "N") { n in
                let b = ExplainFormat.binary(n)
                return ([gammaParts(UInt64(b.count)).joined(), String(b.dropFirst())], "\(b.count)")
            }
        case .omega:
            return Shape(code: code, rule: "Elias ω of n ≥ 1: write n in binary; before it, the binary of (its length − 1); before that, the same for that group, until a group of length 2 (or n = 1); end with a 0. Each group starts with 1, the 0 says \"no more groups\".",
                         partTitles: ["groups", "end"], noteTitle: "group values") { n in
                var groups: [String] = []
                var values: [String] = []
                var v = n
                while v > 1 {
                    groups.insert(ExplainFormat.binary(v), at: 0)
                    values.insert("\(v)", at: 0)
                    v = UInt64(bitLength(v) - 1)
                }
                return ([groups.joined(), "0"], groups.isEmpty ? "—" : values.joined(separator: " → ") + " (" + groups.joined(separator: "·") + ")")
            }
        case .fibonacci:
            return Shape(code: code, rule: "Fibonacci code of n ≥ 1: write n as a sum of non-adjacent Fibonacci numbers 1, 2, 3, 5, 8, 13, … (Zeckendorf), one bit per number, smallest first, then an extra 1. No two adjacent terms means 11 appears only at the end, so the code words delimit themselves.",
                         partTitles: ["Zeckendorf bits 1,2,3,5,…", "end"], noteTitle: "n as a sum") { n in
                var fib: [UInt64] = [1, 2]
                while let last = fib.last, fib.count < 92, last <= n {
                    let (next, overflow) = last.addingReportingOverflow(fib[fib.count - 2])
                    if overflow { break }
                    fib.append(next)
                }
                while let last = fib.last, last > n, fib.count > 1 { fib.removeLast() }
                var bits = [Character](repeating: "0", count: fib.count)
                var rest = n, terms: [String] = []
                for i in stride(from: fib.count - 1, through: 0, by: -1) where fib[i] <= rest {
                    rest -= fib[i]
                    bits[i] = "1"
                    terms.append("\(fib[i])")
                }
                return ([String(bits), "1"], terms.joined(separator: "+"))
            }
        case .golomb(let m):
            let b = m <= 1 ? 0 : bitLength(m - 1)
            let u = (UInt64(1) << UInt64(b)) &- m
            return Shape(code: code, rule: "Golomb with m = \(m), n ≥ 0: the quotient q = ⌊n / m⌋ in unary (q zeros, a one), then the remainder r = n mod m in truncated binary: with b = ⌈log2 m⌉ = \(b) and u = 2^b − m = \(u), r < u takes b − 1 bits, otherwise r + u is written in b bits. For a geometric source the best m is about 0.69 × the mean (Gallager & van Voorhis 1975).",
                         partTitles: ["q in unary", "r truncated"], noteTitle: "q, r") { n in
                let q = n / m, r = n % m
                let rbits = b == 0 ? "" : (r < u ? ExplainFormat.binary(r, width: b - 1) : ExplainFormat.binary(r + u, width: b))
                return ([zeros(Int(q)) + "1", rbits], "q=\(q), r=\(r)")
            }
        case .rice(let k):
            return Shape(code: code, rule: "Rice with k = \(k) (Golomb with m = 2^k = \(k < 63 ? "\(UInt64(1) << UInt64(k))" : "2^\(k)")), n ≥ 0: the quotient q = n >> k in unary (q zeros, a one), then the k low bits of n.",
                         partTitles: ["q in unary", "k low bits"], noteTitle: "q, r") { n in
                let q = n >> UInt64(k), r = k == 0 ? 0 : n & ((UInt64(1) << UInt64(k)) - 1)
                return ([zeros(Int(q)) + "1", ExplainFormat.binary(r, width: k)], "q=\(q), r=\(r)")
            }
        }
    }

    /// The code word of `n`, from BitIO, with its parts; throws when n is
    /// outside the code's domain or the word would be too long to show.
    public static func word(_ n: UInt64, code: UniversalCode) throws(ExplainError) -> Word {
        guard n >= code.minimumValue else {
            throw ExplainError("\(code) codes n ≥ \(code.minimumValue); \(n) has no code word (squeeze writes n + 1 where 0 can occur)")
        }
        let length = code.codeLength(n)
        guard length <= maxBits else {
            throw ExplainError("the \(code) code word of \(n) is \(length) bits long; pick values whose code words are at most \(maxBits) bits")
        }
        let written = ExplainFormat.written { code.encode(n, to: &$0) }
        let (parts, note) = shape(code).parts(n)
        return Word(value: n, parts: parts, written: written, note: note)
    }

    static func explain(_ input: ExplainInput, code: UniversalCode, name: String, title: String) throws(ExplainError) -> Explanation {
        guard !input.integers.isEmpty else { throw ExplainError("\(name) needs --value N or --range A-B") }
        guard code.isValid else {
            throw ExplainError("\(name): the parameter is out of range (\(code)); Rice wants k in 0...63, Golomb m ≥ 1")
        }
        let shape = shape(code)
        var words: [Word] = []
        words.reserveCapacity(input.integers.count)
        for n in input.integers { words.append(try word(n, code: code)) }
        let summarised = words.count > input.options.detailLimit
        let listed = summarised ? Array(words.prefix(input.options.detailLimit)) : words
        let total = words.reduce(0) { $0 + $1.bits }
        var steps: [Explanation.Step] = [Explanation.Step(title: "The rule", text: shape.rule)]
        if listed.count <= 8 {
            for w in listed {
                var lines = ["n = \(w.value) = \(ExplainFormat.binary(w.value)) in binary"]
                if let t = shape.noteTitle, !w.note.isEmpty { lines.append("\(t): \(w.note)") }
                for (t, p) in zip(shape.partTitles, w.parts) { lines.append("\(t): \(p.isEmpty ? "(none)" : ExplainFormat.abbreviated(p))") }
                lines.append("code word: \(ExplainFormat.abbreviated(w.parts.filter { !$0.isEmpty }.joined(separator: " ")))  (\(ExplainFormat.count(w.bits, "bit")))")
                lines.append("squeeze writes: \(ExplainFormat.abbreviated(w.written))" + (w.consistent ? "" : "  — differs from the parts!"))
                steps.append(Explanation.Step(title: "\(title)(\(w.value))", lines: lines))
            }
        }
        var columns = ["n", "binary"]
        if let t = shape.noteTitle { columns.append(t) }
        columns += shape.partTitles + ["code word", "bits"]
        let rows = listed.map { w -> [String] in
            var row = ["\(w.value)", ExplainFormat.binary(w.value)]
            if shape.noteTitle != nil { row.append(w.note) }
            row += w.parts.map { ExplainFormat.abbreviated($0, limit: 40) }
            row += [ExplainFormat.abbreviated(w.written), "\(w.bits)"]
            return row
        }
        var alignRight = [true, true]
        if shape.noteTitle != nil { alignRight.append(false) }
        alignRight += shape.partTitles.map { _ in false } + [false, true]
        steps.append(Explanation.Step(
            title: words.count == 1 ? "The code word" : "Code words of \(words.count) values",
            text: "Each code word below is what squeeze's encoder (BitIO) writes, split into its parts."
                + (summarised ? " Only the first \(listed.count) of \(words.count) values are listed; the totals cover all." : ""),
            table: Explanation.Table(columns: columns, rows: rows, alignRight: alignRight)))
        var summary: [Explanation.Fact] = [
            .init(name: "values", value: "\(words.count)", number: Double(words.count)),
            .init(name: "total", value: ExplainFormat.count(total, "bit"), number: Double(total)),
            .init(name: "average", value: ExplainFormat.fixed(Double(total) / Double(words.count), 3) + " bits/value", number: Double(total) / Double(words.count)),
        ]
        if words.count == 1 { summary.insert(.init(name: "code word", value: words[0].written), at: 0) }
        let shownValues = words.count == 1 ? "\(words[0].value)"
            : (words.count <= 6 ? words.map { "\($0.value)" }.joined(separator: ", ") : "\(words[0].value) … \(words[words.count - 1].value)")
        return Explanation(
            algorithm: name, title: "\(title) code of \(shownValues)",
            input: .init(shown: input.integers.prefix(40).map(String.init).joined(separator: " ") + (input.integers.count > 40 ? " …" : ""),
                         count: words.count, summarised: summarised),
            steps: steps, summary: summary)
    }
}

public struct EliasGammaExplainer: Explainer {
    public static let name = "elias-gamma"
    public static let summary = "Elias γ: a unary length prefix, then the binary (--value N, --range A-B)"
    public static let readsIntegers = true
    public init() {}
    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        try IntegerCodeWalk.explain(input, code: .gamma, name: Self.name, title: "Elias γ")
    }
}

public struct EliasDeltaExplainer: Explainer {
    public static let name = "elias-delta"
    public static let summary = "Elias δ: the length in γ, then the binary without its leading 1"
    public static let readsIntegers = true
    public init() {}
    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        try IntegerCodeWalk.explain(input, code: .delta, name: Self.name, title: "Elias δ")
    }
}

public struct EliasOmegaExplainer: Explainer {
    public static let name = "elias-omega"
    public static let summary = "Elias ω: recursive length groups ending in 0"
    public static let readsIntegers = true
    public init() {}
    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        try IntegerCodeWalk.explain(input, code: .omega, name: Self.name, title: "Elias ω")
    }
}

public struct GolombExplainer: Explainer {
    public static let name = "golomb"
    public static let summary = "Golomb (--parameter m, default 3): unary quotient, truncated-binary remainder"
    public static let readsIntegers = true
    public init() {}
    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        let m = input.options.parameter ?? 3
        guard m >= 1 else { throw ExplainError("golomb: --parameter m must be at least 1 (got \(m))") }
        return try IntegerCodeWalk.explain(input, code: .golomb(UInt64(m)), name: Self.name, title: "Golomb m=\(m)")
    }
}

public struct RiceExplainer: Explainer {
    public static let name = "rice"
    public static let summary = "Rice (--parameter k, default 2): unary quotient, k low bits"
    public static let readsIntegers = true
    public init() {}
    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        let k = input.options.parameter ?? 2
        guard RiceCode.parameterRange.contains(k) else { throw ExplainError("rice: --parameter k must be in 0...63 (got \(k))") }
        return try IntegerCodeWalk.explain(input, code: .rice(k), name: Self.name, title: "Rice k=\(k)")
    }
}

public struct FibonacciExplainer: Explainer {
    public static let name = "fibonacci"
    public static let summary = "Fibonacci: Zeckendorf bits, smallest first, then an extra 1"
    public static let readsIntegers = true
    public init() {}
    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        try IntegerCodeWalk.explain(input, code: .fibonacci, name: Self.name, title: "Fibonacci")
    }
}

public struct UnaryExplainer: Explainer {
    public static let name = "unary"
    public static let summary = "unary: n zeros, then a one"
    public static let readsIntegers = true
    public init() {}
    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        try IntegerCodeWalk.explain(input, code: .unary, name: Self.name, title: "unary")
    }
}
