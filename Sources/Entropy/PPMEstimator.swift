#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Code length of a PPM model (prediction by partial matching) that blends
/// orders maxOrder…0 and a uniform order −1 by escapes: Cleary & Witten 1984,
/// with escape method D (Howard 1993: symbol (2c−1)/2t, escape d/2t over
/// t counts and d distinct symbols), full exclusion of symbols already
/// predicted at a higher order, and update exclusion (only the orders visited
/// are updated). Contexts use the same 0x00 padding before the start as the
/// order-k estimators. The result is a code length an arithmetic coder driven
/// by this model reaches within a few bytes, so it is achievable.
///
/// Memory: contexts and (context, symbol) entries are stored once each, about
/// 40 bytes per context and 12 per entry; when `memoryBudget` is reached no new
/// ones are created (the model stays valid, it just stops learning new
/// contexts) and `memoryLimited` is set.
public struct PPMEstimate: Sendable, Codable, Equatable {
    public let maxOrder: Int
    public let bits: Double
    public let contexts: Int
    public let entries: Int
    public let memoryLimited: Bool
}

public enum PPMEstimator {
    public static let maximumOrder = 7
    public static let defaultMemoryBudget = 512 << 20

    public static func estimate(_ bytes: UnsafeRawBufferPointer, maxOrder: Int = 5,
                                memoryBudget: Int = defaultMemoryBudget) -> PPMEstimate {
        var stream = Stream(maxOrder: maxOrder, memoryBudget: memoryBudget)
        stream.consume(bytes)
        return stream.finish()
    }

    /// The same estimate fed in pieces (the input need not be in memory at once):
    /// the model and the 8 bytes of history carry over from one piece to the next.
    public struct Stream {
        var model: PPMEstimatorState
        var history: UInt64 = 0
        var bits = 0.0

        public init(maxOrder: Int = 5, memoryBudget: Int = defaultMemoryBudget) {
            model = PPMEstimatorState(maxOrder: Swift.max(0, Swift.min(maxOrder, maximumOrder)), memoryBudget: memoryBudget)
        }

        public mutating func consume(_ bytes: UnsafeRawBufferPointer) {
            var h = history
            var total = bits
            for b in bytes {
                total += model.codeAndUpdate(symbol: b, history: h)
                // The latest byte is the top byte of the history word.
                h = (h >> 8) | (UInt64(b) << 56)
            }
            history = h
            bits = total
        }

        public func finish() -> PPMEstimate {
            PPMEstimate(maxOrder: model.maxOrder, bits: bits, contexts: model.contextCount,
                        entries: model.entrySymbol.count, memoryLimited: model.memoryLimited)
        }
    }

    /// Σ over all 256 byte values of 2^−cost for the byte after `prefix`:
    /// must be 1 (the model is a probability distribution). For tests.
    public static func kraftSum(after prefix: [UInt8], maxOrder: Int = 5) -> Double {
        var model = PPMEstimatorState(maxOrder: Swift.max(0, Swift.min(maxOrder, maximumOrder)), memoryBudget: defaultMemoryBudget)
        let padded = [UInt8](repeating: 0, count: 8) + prefix
        func history(_ p: Int) -> UInt64 {
            var h: UInt64 = 0
            for j in 0..<8 { h |= UInt64(padded[p - 8 + j]) << UInt64(8 * j) }
            return h
        }
        for i in 0..<prefix.count { _ = model.codeAndUpdate(symbol: padded[8 + i], history: history(8 + i)) }
        var sum = 0.0
        for v in 0..<256 {
            var copy = model
            sum += exp2(-copy.codeAndUpdate(symbol: UInt8(v), history: history(padded.count)))
        }
        return sum
    }

    public static func estimate(_ bytes: [UInt8], maxOrder: Int = 5) -> PPMEstimate {
        bytes.withUnsafeBytes { estimate($0, maxOrder: maxOrder) }
    }
}

/// The adaptive state of `PPMEstimator`: an open-addressing table from
/// (order, context bytes) to a context, each context a linked list of
/// (symbol, count) entries in shared pools; order 0 is a dense table.
struct PPMEstimatorState {
    let maxOrder: Int
    let memoryBudget: Int
    var memoryLimited = false

    var slotKey: [UInt64]
    var slotContext: [Int32]
    var contextTotal: [UInt32] = []
    var contextDistinct: [UInt32] = []
    var contextHead: [Int32] = []
    var entrySymbol: [UInt8] = []
    var entryCount: [UInt32] = []
    var entryNext: [Int32] = []
    var order0 = [UInt32](repeating: 0, count: 256)
    var order0Total: UInt32 = 0
    var order0Distinct = 0
    // Exclusion set: a generation stamp per symbol avoids clearing per byte.
    var excludedStamp = [UInt32](repeating: 0, count: 256)
    var stamp: UInt32 = 0

    static let emptyKey = UInt64.max

    var contextCount: Int { contextTotal.count }

    init(maxOrder: Int, memoryBudget: Int) {
        self.maxOrder = maxOrder
        self.memoryBudget = memoryBudget
        slotKey = [UInt64](repeating: Self.emptyKey, count: 1 << 12)
        slotContext = [Int32](repeating: -1, count: 1 << 12)
    }

    var memoryUsed: Int {
        slotKey.count * 12 + contextTotal.count * 12 + entrySymbol.count * 9
    }

    @inline(__always)
    static func key(order k: Int, history: UInt64) -> UInt64 {
        // `history` holds the 8 previous bytes, the latest in the top byte.
        (history >> UInt64(8 * (8 - k))) | (UInt64(k) << 56)
    }

    @inline(__always)
    func slot(for key: UInt64) -> Int {
        let mask = slotKey.count - 1
        var s = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
        while true {
            let k = slotKey[s]
            if k == key || k == Self.emptyKey { return s }
            s = (s + 1) & mask
        }
    }

    mutating func grow() {
        let oldKeys = slotKey
        let oldContexts = slotContext
        slotKey = [UInt64](repeating: Self.emptyKey, count: oldKeys.count * 2)
        slotContext = [Int32](repeating: -1, count: oldKeys.count * 2)
        for i in 0..<oldKeys.count where oldKeys[i] != Self.emptyKey {
            let s = slot(for: oldKeys[i])
            slotKey[s] = oldKeys[i]
            slotContext[s] = oldContexts[i]
        }
    }

    /// Codes `symbol` after the context in `history`, returns its cost in bits and learns it.
    mutating func codeAndUpdate(symbol: UInt8, history: UInt64) -> Double {
        stamp &+= 1
        if stamp == 0 {
            for i in 0..<256 { excludedStamp[i] = 0 }
            stamp = 1
        }
        var excludedCount = 0
        var bits = 0.0
        var found = false
        var k = maxOrder
        while k >= 1 {
            let key = Self.key(order: k, history: history)
            let s = slot(for: key)
            let c = slotContext[s]
            if c < 0 {
                // A context never seen: the decoder knows it is new, nothing is coded here.
                let mustGrow = (contextTotal.count + 1) * 2 > slotKey.count
                let extra = 64 + (mustGrow ? slotKey.count * 12 : 0)
                if memoryUsed + extra <= memoryBudget {
                    if mustGrow {
                        grow()
                        insertContext(slot: slot(for: key), key: key, symbol: symbol)
                    } else {
                        insertContext(slot: s, key: key, symbol: symbol)
                    }
                } else {
                    memoryLimited = true
                }
                k -= 1
                continue
            }
            let ci = Int(c)
            var total = 0
            var distinct = 0
            var symbolCount = 0
            var symbolEntry: Int32 = -1
            var e = contextHead[ci]
            while e >= 0 {
                let ei = Int(e)
                let sym = Int(entrySymbol[ei])
                if excludedStamp[sym] != stamp {
                    total += Int(entryCount[ei])
                    distinct += 1
                    if sym == Int(symbol) { symbolCount = Int(entryCount[ei]); symbolEntry = e }
                }
                e = entryNext[ei]
            }
            if distinct > 0 {
                bits += cost(count: symbolCount, total: total, distinct: distinct,
                             escapable: 256 - excludedCount - distinct > 0)
                found = symbolCount > 0
            }
            // Update exclusion: every visited order learns the symbol.
            if symbolEntry >= 0 {
                entryCount[Int(symbolEntry)] &+= 1
                contextTotal[ci] &+= 1
            } else if memoryUsed + 16 <= memoryBudget {
                // An excluded symbol is not counted above but may already be here.
                var f = contextHead[ci]
                var existing: Int32 = -1
                while f >= 0 {
                    if entrySymbol[Int(f)] == symbol { existing = f; break }
                    f = entryNext[Int(f)]
                }
                if existing >= 0 {
                    entryCount[Int(existing)] &+= 1
                } else {
                    appendEntry(context: ci, symbol: symbol)
                }
                contextTotal[ci] &+= 1
            } else {
                memoryLimited = true
            }
            if found { return bits }
            // Exclude what this context predicted.
            var g = contextHead[ci]
            while g >= 0 {
                let sym = Int(entrySymbol[Int(g)])
                if excludedStamp[sym] != stamp { excludedStamp[sym] = stamp; excludedCount += 1 }
                g = entryNext[Int(g)]
            }
            // The symbol itself was just added above: it must not count as excluded.
            if excludedStamp[Int(symbol)] == stamp { excludedStamp[Int(symbol)] = 0; excludedCount -= 1 }
            k -= 1
        }
        // Order 0 over the symbols not excluded.
        var total = Int(order0Total)
        var distinct = order0Distinct
        if excludedCount > 0 {
            for v in 0..<256 where excludedStamp[v] == stamp && order0[v] > 0 {
                total -= Int(order0[v])
                distinct -= 1
            }
        }
        let c0 = Int(order0[Int(symbol)])
        if distinct > 0 {
            bits += cost(count: c0, total: total, distinct: distinct, escapable: order0Distinct < 256)
        }
        if c0 == 0 {
            // Order −1: uniform over the byte values never seen.
            bits += log2(Double(256 - order0Distinct))
            order0Distinct += 1
        }
        order0[Int(symbol)] += 1
        order0Total += 1
        return bits
    }

    /// Cost of the symbol (count > 0) or of the escape (count == 0) in a context
    /// with `total` counts over `distinct` symbols, exclusions applied. When no
    /// byte value is left to escape to, no probability is reserved for it.
    @inline(__always)
    func cost(count: Int, total: Int, distinct: Int, escapable: Bool) -> Double {
        if !escapable { return -log2(Double(count) / Double(total)) }
        if count > 0 { return -log2((2 * Double(count) - 1) / (2 * Double(total))) }
        return -log2(Double(distinct) / (2 * Double(total)))
    }

    mutating func insertContext(slot s: Int, key: UInt64, symbol: UInt8) {
        slotKey[s] = key
        slotContext[s] = Int32(contextTotal.count)
        contextTotal.append(0)
        contextDistinct.append(0)
        contextHead.append(-1)
        appendEntry(context: contextTotal.count - 1, symbol: symbol)
        contextTotal[contextTotal.count - 1] = 1
    }

    mutating func appendEntry(context ci: Int, symbol: UInt8) {
        entrySymbol.append(symbol)
        entryCount.append(1)
        entryNext.append(contextHead[ci])
        contextHead[ci] = Int32(entrySymbol.count - 1)
        contextDistinct[ci] += 1
    }
}
