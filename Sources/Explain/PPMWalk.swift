#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain replay of PPM (Cleary & Witten 1984) that records every context
/// tried for every symbol, with one of two sets of rules:
/// - `.codec`: our classic `ppma`…`ppmd` codecs (`PPMModel` in Codecs). Their
///   context trie grows lazily as in Shkarin's PPMd: a (context, symbol) pair seen
///   once keeps only a pointer into the text, and the longer context it leads to is
///   built when the pair comes again. Coding starts at the longest context built,
///   so a context seen once may not be tried yet. This walk keeps the same nodes,
///   successors and counts (in arrays, not the codec's word pool), so its code
///   length is the codec's to within the range coder's few bytes.
/// - `.estimator`: `squeeze estimate`'s PPM-D (`PPMEstimator`): every context of
///   orders k…1 (history zero-padded), an order 0 that starts empty and an order −1
///   uniform over the bytes not yet seen. With method D the totals agree exactly.
struct PPMWalk {
    enum Method: String, CaseIterable, Sendable {
        case a = "A", b = "B", c = "C", d = "D"

        /// Added to the count of the symbol in the context that coded it.
        var increment: UInt32 { self == .d ? 2 : 1 }
    }

    enum Conventions: Sendable { case codec, estimator }

    enum Event: Equatable, Sendable {
        /// A context never seen before: the decoder knows that too, nothing is coded.
        case unseen
        /// Every symbol of the context was excluded: nothing is coded.
        case allExcluded
        /// Method B: no symbol here is predicted yet (all seen once): the escape is certain.
        case certainEscape
        case escape
        case hit
        /// The estimator's order −1 (uniform over the bytes never seen).
        case uniform
    }

    /// One context tried for one symbol.
    struct Try: Sendable {
        var order: Int
        var context: [UInt8]
        /// The context's counts as the coder sees them ("a:2 b:1 [r:1]", excluded in brackets).
        var counts: String
        var event: Event
        /// Probability numerator / denominator of what was coded (0/0 when nothing was).
        var numerator: Double
        var denominator: Double
        var bits: Double { denominator > 0 ? -log2(numerator / denominator) : 0 }
    }

    /// A context: its symbols and counts and, for the codec's trie, each symbol's
    /// successor (0: none yet, > 0: the node index, < 0: −(text position + 1), the
    /// pair seen once) and the suffix context (−1 for order 0).
    struct Context {
        var order: Int
        var suffix: Int
        var symbols: [UInt8] = []
        var counts: [UInt32] = []
        var successors: [Int] = []
        var total: UInt32 = 0

        func index(of x: UInt8) -> Int? { symbols.firstIndex(of: x) }

        mutating func add(_ x: UInt8, count: UInt32, successor: Int = 0) {
            symbols.append(x)
            counts.append(count)
            successors.append(successor)
            total += count
        }

        /// Halves every count, keeping each at least 1 (the codec's `rescale`).
        mutating func halve() {
            total = 0
            for j in counts.indices {
                counts[j] = (counts[j] + 1) >> 1
                total += counts[j]
            }
        }
    }

    let method: Method
    let maxOrder: Int
    let conventions: Conventions
    /// store[0] is order 0.
    var store: [Context]
    /// The estimator's contexts of orders ≥ 1 by (order, bytes).
    var contexts: [UInt64: Int] = [:]
    /// The codec's longest built context for the next position.
    var current = 0
    var excluded = [UInt32](repeating: 0, count: 256)
    var stamp: UInt32 = 0
    /// Escapes actually coded (with a probability below 1).
    var escapesCoded = 0

    /// Largest count and total before the codec halves a context (`PPMModel.update`).
    static let countLimit: UInt32 = 8000
    static let totalLimit: UInt32 = 60000
    static let maximumOrder = 7

    init(method: Method, maxOrder: Int, conventions: Conventions = .codec) {
        self.method = method
        self.maxOrder = Swift.max(0, Swift.min(maxOrder, Self.maximumOrder))
        self.conventions = conventions
        var root = Context(order: 0, suffix: -1)
        if conventions == .codec {
            // Our codec's order 0 holds every byte value from the start, count 1 each.
            for v in 0..<256 { root.add(UInt8(v), count: 1) }
        }
        store = [root]
    }

    /// Total bits for `bytes` (no records kept).
    static func bits(_ bytes: [UInt8], method: Method, order: Int, conventions: Conventions = .codec) -> (bits: Double, escapes: Int) {
        var walk = PPMWalk(method: method, maxOrder: order, conventions: conventions)
        var total = 0.0
        for i in bytes.indices { total += walk.code(bytes, at: i, record: false).bits }
        return (total, walk.escapesCoded)
    }

    static func key(_ bytes: [UInt8], at i: Int, order k: Int) -> UInt64 {
        var key = UInt64(k) << 56
        for j in 0..<k {
            let p = i - k + j
            key |= UInt64(p >= 0 ? bytes[p] : 0) << UInt64(8 * j)
        }
        return key
    }

    static func contextBytes(_ bytes: [UInt8], at i: Int, order k: Int) -> [UInt8] {
        (0..<k).map { j in i - k + j >= 0 ? bytes[i - k + j] : 0 }
    }

    func describe(_ c: Context, limit: Int = 10) -> String {
        if c.symbols.isEmpty { return "(empty)" }
        let order = c.symbols.indices.sorted { c.counts[$0] != c.counts[$1] ? c.counts[$0] > c.counts[$1] : c.symbols[$0] < c.symbols[$1] }
        var parts: [String] = []
        // A big context (our order 0 holds all 256 bytes): the symbols counted more than once.
        let shown = c.symbols.count > limit ? order.filter { c.counts[$0] > 1 }.prefix(limit) : order.prefix(limit)
        for j in shown {
            let s = ExplainInput.printable(c.symbols[j]) + ":\(c.counts[j])"
            parts.append(excluded[Int(c.symbols[j])] == stamp ? "[\(s)]" : s)
        }
        if c.symbols.count > limit { parts.append("… \(c.symbols.count) symbols, total \(c.total)") }
        return parts.joined(separator: " ")
    }

    /// Codes `bytes[i]` after `bytes[..<i]`, learns it, and returns its bits and (if
    /// `record`) every context tried.
    mutating func code(_ bytes: [UInt8], at i: Int, record: Bool) -> (bits: Double, tries: [Try]) {
        let x = bytes[i]
        stamp &+= 1
        if stamp == 0 { excluded = [UInt32](repeating: 0, count: 256); stamp = 1 }
        var excludedCount = 0
        var tries: [Try] = []
        var bits = 0.0
        var escaped: [Int] = []       // contexts that escaped (or coded nothing): they learn x
        var unseen: [UInt64] = []     // the estimator's new contexts, created with x
        var found = -1, foundSlot = -1

        // The contexts to try, highest order first: the codec follows suffix links
        // from its current context; the estimator looks up every order.
        var ci: Int? = conventions == .codec ? current : nil
        var k = maxOrder
        while found < 0 {
            if conventions == .estimator {
                if k >= 1 {
                    let key = Self.key(bytes, at: i, order: k)
                    if let c = contexts[key] {
                        ci = c
                    } else {
                        unseen.append(key)
                        if record { tries.append(Try(order: k, context: Self.contextBytes(bytes, at: i, order: k), counts: "(never seen)", event: .unseen, numerator: 0, denominator: 0)) }
                        k -= 1
                        continue
                    }
                    k -= 1
                } else {
                    ci = 0
                }
            }
            guard let c = ci else { break }
            let context = store[c]
            let isRoot = c == 0
            var t = Try(order: context.order, context: record ? Self.contextBytes(bytes, at: i, order: context.order) : [],
                        counts: record ? describe(context) : "", event: .escape, numerator: 0, denominator: 0)
            var total: UInt32 = 0, distinct: UInt32 = 0, fx: UInt32 = 0, slot = -1, predicted: UInt32 = 0
            for j in context.symbols.indices where excluded[Int(context.symbols[j])] != stamp {
                total += context.counts[j]
                predicted += context.counts[j] - 1
                distinct += 1
                if context.symbols[j] == x { fx = context.counts[j]; slot = j }
            }
            if method == .b && conventions == .codec && !isRoot {
                if slot >= 0 && fx > 1 {
                    t.event = .hit
                    t.numerator = Double(fx - 1); t.denominator = Double(predicted + distinct)
                    found = c; foundSlot = slot
                } else {
                    if predicted > 0 {
                        t.numerator = Double(distinct); t.denominator = Double(predicted + distinct)
                        escapesCoded += 1
                    } else {
                        t.event = distinct == 0 ? .allExcluded : .certainEscape
                    }
                    // Only predicted symbols (seen twice) are excluded.
                    for j in context.symbols.indices where context.counts[j] > 1 && excluded[Int(context.symbols[j])] != stamp {
                        excluded[Int(context.symbols[j])] = stamp; excludedCount += 1
                    }
                    escaped.append(c)
                }
            } else if distinct == 0 {
                t.event = isRoot ? .unseen : .allExcluded
                if !isRoot { escaped.append(c) }
            } else {
                let escapable = conventions == .codec || isRoot ? context.symbols.count < 256 : 256 - excludedCount - Int(distinct) > 0
                let e: UInt32 = !escapable ? 0 : method == .a ? 1 : distinct
                if slot >= 0 {
                    t.event = .hit
                    if !escapable && conventions == .estimator && method == .d {
                        // The estimator then uses the plain counts c = (f + 1) / 2.
                        var plain: UInt32 = 0
                        for j in context.symbols.indices where excluded[Int(context.symbols[j])] != stamp { plain += (context.counts[j] + 1) / 2 }
                        t.numerator = Double((fx + 1) / 2); t.denominator = Double(plain)
                    } else {
                        t.numerator = Double(fx); t.denominator = Double(total + e)
                    }
                    found = c; foundSlot = slot
                } else {
                    t.numerator = Double(e); t.denominator = Double(total + e)
                    escapesCoded += 1
                    for s in context.symbols where excluded[Int(s)] != stamp {
                        excluded[Int(s)] = stamp; excludedCount += 1
                    }
                    if !isRoot { escaped.append(c) }
                }
            }
            bits += t.bits
            if record { tries.append(t) }
            if found >= 0 { break }
            if isRoot {
                // Only the estimator gets here (the codec's order 0 holds every byte):
                // order −1, uniform over the bytes never seen.
                let left = 256 - store[0].symbols.count
                let u = Try(order: -1, context: [], counts: "\(left) bytes never seen", event: .uniform, numerator: 1, denominator: Double(left))
                bits += u.bits
                if record { tries.append(u) }
                store[0].add(x, count: 1)
                break
            }
            if conventions == .codec { ci = context.suffix }
        }

        if found >= 0 { bump(found, foundSlot) }
        if conventions == .estimator {
            for c in escaped { store[c].add(x, count: 1) }
            for key in unseen {
                var c = Context(order: Int(key >> 56), suffix: -1)
                c.add(x, count: 1)
                contexts[key] = store.count
                store.append(c)
            }
            return (bits, tries)
        }

        // The codec: move to the next context (building it if the pair was seen
        // once), then let the escaped contexts learn x (PPMModel.update).
        // (Its order 0 holds every byte, so some context always coded x.)
        guard found >= 0 else { return (bits, tries) }
        let raw = -(i + 1 + 1)
        var next = 0
        let succ = store[found].successors[foundSlot]
        if succ > 0 {
            next = succ
        } else if store[found].order < maxOrder {
            if succ == 0 {
                // The order-0 symbols start with no successor.
                store[found].successors[foundSlot] = raw
                next = found
            } else {
                next = successor(of: found, slot: foundSlot, symbol: x, position: i, bytes)
            }
        } else {
            let up = store[found].suffix
            if up >= 0, let s2 = store[up].index(of: x) {
                next = successor(of: up, slot: s2, symbol: x, position: i, bytes)
                if next > 0 { store[found].successors[foundSlot] = next }
            }
        }
        for c in escaped {
            if method == .b, let j = store[c].index(of: x) {
                store[c].counts[j] += 1
                store[c].total += 1
                if store[c].counts[j] > Self.countLimit || store[c].total > Self.totalLimit { store[c].halve() }
            } else {
                store[c].add(x, count: 1, successor: raw)
            }
        }
        current = next
        return (bits, tries)
    }

    /// Counts x where it was coded, halving the context as the codec does when a
    /// count or the total would pass its limit.
    mutating func bump(_ c: Int, _ j: Int) {
        let inc = method.increment
        let tooBig = store[c].counts[j] + inc > Self.countLimit || store[c].total + inc > Self.totalLimit
        store[c].counts[j] += inc
        store[c].total += inc
        if conventions == .codec && tooBig { store[c].halve() }
    }

    /// The context "c followed by the symbol in `slot`", building it and any missing
    /// shorter ones down the suffix chain from the text (PPMModel.successor).
    mutating func successor(of c0: Int, slot s0: Int, symbol x: UInt8, position: Int, _ bytes: [UInt8]) -> Int {
        var chain: [(Int, Int)] = []
        var c = c0, s = s0
        var base: Int
        while true {
            let succ = store[c].successors[s]
            if succ > 0 { base = succ; break }
            if succ == 0 { return 0 }
            chain.append((c, s))
            let up = store[c].suffix
            if up < 0 { base = c; break }
            c = up
            guard let t = store[c].index(of: x) else { return 0 }
            s = t
        }
        while let (pc, ps) = chain.popLast() {
            let p = -store[pc].successors[ps] - 1
            guard p <= position, p < bytes.count else { return 0 }
            var node = Context(order: store[pc].order + 1, suffix: base)
            node.add(bytes[p], count: 1, successor: -(p + 1 + 1))
            store.append(node)
            store[pc].successors[ps] = store.count - 1
            base = store.count - 1
        }
        return base
    }
}
