#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lempel–Ziv 78 parse figures (Ziv & Lempel 1978): the input is cut into c
/// phrases, each the longest earlier phrase plus one byte.
public struct LZ78Estimate: Sendable, Codable, Equatable {
    /// Number of phrases c (over all dictionary generations).
    public let phrases: Int
    /// An achievable code length: phrase i (counting from 1 in its dictionary
    /// generation) is sent as ⌈log2 i⌉ bits for the earlier phrase (i choices:
    /// the i−1 phrases and the empty one) plus 8 bits for the new byte.
    public let codeBits: Double
    /// The entropy-rate estimate c·log2(c)/n per byte, which converges to the
    /// entropy rate of a stationary ergodic source (Ziv & Lempel 1978; Cover &
    /// Thomas 13.5). Not a code length: it ignores lower-order terms.
    public let rateEstimateBits: Double
    /// How many times the dictionary was full and started again.
    public let dictionaryResets: Int
}

/// LZ78 parse with a hash-table trie. Memory: at most `maxPhrases` nodes
/// (16 bytes each in the table, kept under half full); when the dictionary is
/// full it restarts empty, like practical LZ78/LZW coders, so memory stays
/// bounded on any input.
public enum LZEntropyEstimator {
    public static let defaultMaxPhrases = 1 << 22

    public static func lz78(_ bytes: UnsafeRawBufferPointer, maxPhrases: Int = defaultMaxPhrases) -> LZ78Estimate {
        var parser = LZ78Parser(maxPhrases: maxPhrases)
        parser.consume(bytes)
        return parser.finish()
    }

    /// Peak bytes of a parse limited to `maxPhrases` (table growth and restarts included).
    public static func peakMemory(maxPhrases: Int) -> Int {
        20 * LZ78Parser.finalCapacity(maxPhrases: maxPhrases)
    }

    /// The largest phrase limit whose parse stays within `bytes` (at least 2).
    public static func maxPhrases(forMemory bytes: Int) -> Int {
        var capacity = 1 << 12
        while 20 * capacity * 2 <= bytes { capacity *= 2 }
        return Swift.max(2, capacity / 2 - 1)
    }

    public static func lz78(_ bytes: [UInt8]) -> LZ78Estimate {
        bytes.withUnsafeBytes { lz78($0) }
    }

    @inline(__always)
    static func ceilLog2(_ i: Int) -> Double {
        i <= 1 ? 0 : Double(Int.bitWidth - (i - 1).leadingZeroBitCount)
    }
}

/// The LZ78 parse fed in pieces; the phrase in progress carries over.
public struct LZ78Parser {
    let limit: Int
    var capacity = 1 << 12
    var keys: [UInt64]
    var values: [UInt32]
    var nodes = 1 // node 0 is the empty phrase
    var phrases = 0
    var resets = 0
    var codeBits = 0.0
    var totalPhrases = 0
    var current: UInt32 = 0
    var inPhrase = false
    var byteCount = 0

    public init(maxPhrases: Int = LZEntropyEstimator.defaultMaxPhrases) {
        limit = Swift.max(2, maxPhrases)
        keys = [UInt64](repeating: .max, count: capacity)
        values = [UInt32](repeating: 0, count: capacity)
    }

    /// The table size the parse reaches at most: it doubles while it would be more than half full.
    static func finalCapacity(maxPhrases: Int) -> Int {
        let limit = Swift.max(2, maxPhrases)
        var c = 1 << 12
        while limit * 2 > c { c *= 2 }
        return c
    }

    @inline(__always) static func slot(_ key: UInt64, _ keys: UnsafeBufferPointer<UInt64>) -> Int {
        let mask = keys.count - 1
        var s = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 24) & mask
        while keys[s] != key && keys[s] != .max { s = (s + 1) & mask }
        return s
    }

    public mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        byteCount += bytes.count
        for b in bytes {
            let key = UInt64(current) << 8 | UInt64(b)
            let s = keys.withUnsafeBufferPointer { Self.slot(key, $0) }
            if keys[s] == key {
                current = values[s]
                inPhrase = true
                continue
            }
            // New phrase: the current one plus this byte.
            phrases += 1
            totalPhrases += 1
            codeBits += LZEntropyEstimator.ceilLog2(phrases) + 8
            if nodes >= limit {
                // Dictionary full: start again (the decoder does the same).
                keys = []
                keys = [UInt64](repeating: .max, count: capacity)
                nodes = 1
                phrases = 0
                resets += 1
            } else {
                if (nodes + 1) * 2 > capacity { grow() }
                let t = keys.withUnsafeBufferPointer { Self.slot(key, $0) }
                keys[t] = key
                values[t] = UInt32(nodes)
                nodes += 1
            }
            current = 0
            inPhrase = false
        }
    }

    mutating func grow() {
        capacity *= 2
        var newKeys = [UInt64](repeating: .max, count: capacity)
        var newValues = [UInt32](repeating: 0, count: capacity)
        newKeys.withUnsafeMutableBufferPointer { nk in
            for j in 0..<keys.count where keys[j] != .max {
                let t = Self.slot(keys[j], UnsafeBufferPointer(nk))
                nk[t] = keys[j]
                newValues[t] = values[j]
            }
        }
        keys = newKeys
        values = newValues
    }

    public func finish() -> LZ78Estimate {
        var phrasesSoFar = phrases
        var total = totalPhrases
        var bits = codeBits
        // A final phrase that is a copy of an earlier one: index only (+8 bits kept for simplicity).
        if inPhrase {
            phrasesSoFar += 1
            total += 1
            bits += LZEntropyEstimator.ceilLog2(phrasesSoFar) + 8
        }
        let c = Double(total)
        let rate = total > 1 && byteCount > 0 ? c * log2(c) : 0
        return LZ78Estimate(phrases: total, codeBits: bits, rateEstimateBits: rate, dictionaryResets: resets)
    }
}
