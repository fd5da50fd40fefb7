import Entropy
import Foundation

/// Empirical entropies H0…Hk worked through by hand: counts, conditional
/// probabilities and the sums, with the convention of `ContextStatistics`
/// (the context of byte i is the k bytes before it, bytes before the start
/// count as 0x00, so all n bytes are predicted) and cross-checked against
/// `EmpiricalEntropy.conditionalEntropies`.
public struct EntropyExplainer: Explainer {
    public static let name = "entropy"
    public static let summary = "H0…Hk worked through: counts, conditional probabilities, the sums (--order k, default 2)"
    public static let maxOrder = 6
    public init() {}

    /// One (context, next symbol) pair's count, with its context's count.
    public struct Pair: Sendable, Equatable {
        public var context: [UInt8]
        public var symbol: UInt8
        public var count: Int
        public var contextCount: Int
        /// count · log2(contextCount / count): what this pair adds to n·Hk.
        public var bits: Double { Double(count) * log2(Double(contextCount) / Double(count)) }
    }

    /// Per order k: every pair, the sum n·Hk in bits, and Hk.
    public struct Order: Sendable {
        public var k: Int
        public var pairs: [Pair]
        public var contexts: Int
        public var totalBits: Double
        public var entropy: Double
    }

    public static func orders(_ bytes: [UInt8], maxOrder: Int) -> [Order] {
        (0...maxOrder).map { k in
            var pairCounts: [UInt64: Int] = [:]
            var contextCounts: [UInt64: Int] = [:]
            var ctx: UInt64 = 0
            let mask: UInt64 = k == 0 ? 0 : (k >= 8 ? .max : (1 << UInt64(8 * k)) - 1)
            for b in bytes {
                contextCounts[ctx, default: 0] += 1
                pairCounts[ctx << 8 | UInt64(b), default: 0] += 1
                ctx = (ctx << 8 | UInt64(b)) & mask
            }
            var pairs: [Pair] = []
            pairs.reserveCapacity(pairCounts.count)
            for (key, c) in pairCounts {
                let context = key >> 8
                let bytesOfContext = (0..<k).map { UInt8(truncatingIfNeeded: context >> UInt64(8 * (k - 1 - $0))) }
                pairs.append(Pair(context: bytesOfContext, symbol: UInt8(truncatingIfNeeded: key),
                                  count: c, contextCount: contextCounts[context] ?? c))
            }
            pairs.sort { ($0.context.lexicographicallyPrecedes($1.context)) || ($0.context == $1.context && $0.symbol < $1.symbol) }
            let total = pairs.reduce(0.0) { $0 + $1.bits }
            return Order(k: k, pairs: pairs, contexts: contextCounts.count, totalBits: total,
                         entropy: bytes.isEmpty ? 0 : total / Double(bytes.count))
        }
    }

    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        let bytes = input.bytes
        guard !bytes.isEmpty else { throw ExplainError("the input is empty: give a file or --text with at least one symbol") }
        let K = input.options.order ?? 2
        guard (0...Self.maxOrder).contains(K) else {
            throw ExplainError("--order \(K) is outside 0...\(Self.maxOrder) for entropy")
        }
        let n = bytes.count
        let summarised = n > input.options.detailLimit
        let orders = Self.orders(bytes, maxOrder: K)
        let check = EmpiricalEntropy.conditionalEntropies(bytes, maxOrder: K)
        let show = { (b: UInt8) in ExplainInput.printable(b) }
        var steps: [Explanation.Step] = []

        // H0.
        let o0 = orders[0]
        let rows0 = o0.pairs.sorted { $0.count != $1.count ? $0.count > $1.count : $0.symbol < $1.symbol }
        let shown0 = summarised ? Array(rows0.prefix(40)) : rows0
        steps.append(Explanation.Step(
            title: "H0: symbol counts",
            text: "Count each symbol and set p = count / n (n = \(n)). The order-0 entropy is the average information per symbol, "
                + "H0 = Σ p·log2(1/p), here \(ExplainFormat.fixed(o0.entropy)) bits per symbol; n·H0 = Σ count·log2(n/count) = "
                + "\(ExplainFormat.fixed(o0.totalBits, 2)) bits is what an ideal code that knows only these frequencies would pay."
                + (shown0.count < rows0.count ? " (The \(shown0.count) commonest of \(rows0.count) symbols are listed.)" : ""),
            table: Explanation.Table(
                columns: ["symbol", "count", "p", "log2(1/p)", "p·log2(1/p)", "count·log2(n/count)"],
                rows: shown0.map { pr in
                    let p = Double(pr.count) / Double(n)
                    return [show(pr.symbol), "\(pr.count)", ExplainFormat.fixed(p), ExplainFormat.fixed(-log2(p)),
                            ExplainFormat.fixed(-p * log2(p)), ExplainFormat.fixed(pr.bits, 3)]
                },
                alignRight: [false, true, true, true, true, true]),
            lines: rows0.count <= 12
                ? ["H0 = " + rows0.map { ExplainFormat.fixed(-Double($0.count) / Double(n) * log2(Double($0.count) / Double(n))) }.joined(separator: " + ")
                   + " = \(ExplainFormat.fixed(o0.entropy)) bits/symbol"]
                : ["H0 = \(ExplainFormat.fixed(o0.totalBits, 3)) / \(n) = \(ExplainFormat.fixed(o0.entropy)) bits/symbol"]))

        // H1…HK.
        for o in orders.dropFirst() {
            // Past --detail, list only the busiest contexts.
            var pairs = o.pairs
            var note = ""
            if summarised || pairs.count > 80 {
                var byContext: [[UInt8]: Int] = [:]
                for p in pairs { byContext[p.context] = p.contextCount }
                let busiest = Set(byContext.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.lexicographicallyPrecedes($1.key) }
                    .prefix(6).map(\.key))
                // In each, its commonest followers.
                var kept: [Pair] = []
                for context in busiest.sorted(by: { byContext[$0, default: 0] > byContext[$1, default: 0] }) {
                    kept += pairs.filter { $0.context == context }.sorted { $0.count > $1.count }.prefix(6)
                }
                pairs = kept
                note = " (Only the \(busiest.count) busiest of \(o.contexts) contexts and their commonest followers are listed; the sum covers all \(o.pairs.count) pairs.)"
            }
            var lines = ["n·H\(o.k) = Σ c(s,x)·log2(c(s)/c(s,x)) = \(ExplainFormat.fixed(o.totalBits, 3)) bits",
                         "H\(o.k) = \(ExplainFormat.fixed(o.totalBits, 3)) / \(n) = \(ExplainFormat.fixed(o.entropy)) bits/symbol"]
            if o.pairs.count <= 12 {
                lines.insert("n·H\(o.k) = " + o.pairs.map { ExplainFormat.fixed($0.bits, 3) }.joined(separator: " + "), at: 0)
            }
            steps.append(Explanation.Step(
                title: "H\(o.k): contexts of \(ExplainFormat.count(o.k, "symbol"))",
                text: "Now each symbol x is predicted from the \(o.k == 1 ? "symbol" : "\(o.k) symbols") s before it "
                    + "(before the start, \\x00 stands in). p(x|s) = c(s,x)/c(s); a symbol seen c(s,x) times in context s costs "
                    + "c(s,x)·log2(1/p(x|s)) bits. \(o.contexts) distinct contexts, \(o.pairs.count) distinct pairs." + note,
                table: Explanation.Table(
                    columns: ["context s", "next x", "c(s,x)", "c(s)", "p(x|s)", "c·log2(1/p)"],
                    rows: pairs.map { p in
                        [ExplainInput.printable(p.context), show(p.symbol), "\(p.count)", "\(p.contextCount)",
                         "\(p.count)/\(p.contextCount) = " + ExplainFormat.fixed(Double(p.count) / Double(p.contextCount), 3),
                         ExplainFormat.fixed(p.bits, 3)]
                    },
                    alignRight: [false, false, true, true, true, true]),
                lines: lines))
        }

        // Comparison and cross-check.
        let agree = zip(orders, check).allSatisfy { abs($0.entropy - $1) < 1e-9 }
        steps.append(Explanation.Step(
            title: "H0 … H\(K) side by side",
            text: "Longer contexts never raise the empirical entropy: Hk+1 ≤ Hk. On a short text they fall fast because most "
                + "contexts are seen once and then predict their one follower with certainty — that measures how short the text is, "
                + "not how predictable its source. The last column is squeeze's own estimator (EmpiricalEntropy), which "
                + (agree ? "agrees." : "DISAGREES — please report this."),
            table: Explanation.Table(
                columns: ["k", "contexts", "Hk bits/symbol", "n·Hk bits", "EmpiricalEntropy Hk"],
                rows: orders.enumerated().map { i, o in
                    ["\(o.k)", "\(o.contexts)", ExplainFormat.fixed(o.entropy), ExplainFormat.fixed(o.totalBits, 2),
                     ExplainFormat.fixed(i < check.count ? check[i] : .nan)]
                },
                alignRight: [true, true, true, true, true])))

        var summary: [Explanation.Fact] = [.init(name: "symbols", value: "\(n)", number: Double(n))]
        for o in orders {
            summary.append(.init(name: "H\(o.k)", value: ExplainFormat.fixed(o.entropy) + " bits/symbol", number: o.entropy))
        }
        summary.append(.init(name: "n·H\(K)", value: ExplainFormat.fixed(orders[K].totalBits, 2) + " bits", number: orders[K].totalBits))
        summary.append(.init(name: "agrees with EmpiricalEntropy", value: agree ? "yes" : "no", number: agree ? 1 : 0))
        return Explanation(
            algorithm: Self.name,
            title: "Empirical entropy H0…H\(K) of \"\(ExplainInput.printable(bytes, limit: 40))\"",
            input: .init(shown: input.shown, count: n, summarised: summarised),
            steps: steps, summary: summary)
    }
}
