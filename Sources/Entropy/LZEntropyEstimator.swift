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
        let n = bytes.count
        let limit = Swift.max(2, maxPhrases)
        var capacity = 1 << 12
        var keys = [UInt64](repeating: .max, count: capacity)
        var values = [UInt32](repeating: 0, count: capacity)
        var nodes = 1 // node 0 is the empty phrase
        var phrases = 0
        var resets = 0
        var codeBits = 0.0
        var totalPhrases = 0

        @inline(__always) func slot(_ key: UInt64, _ keys: [UInt64]) -> Int {
            let mask = keys.count - 1
            var s = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 24) & mask
            while keys[s] != key && keys[s] != .max { s = (s + 1) & mask }
            return s
        }
        func emitPhrase() {
            phrases += 1
            totalPhrases += 1
            codeBits += ceilLog2(phrases) + 8
        }

        var current: UInt32 = 0
        var inPhrase = false
        for i in 0..<n {
            let key = UInt64(current) << 8 | UInt64(bytes[i])
            let s = slot(key, keys)
            if keys[s] == key {
                current = values[s]
                inPhrase = true
                continue
            }
            // New phrase: the current one plus this byte.
            emitPhrase()
            if nodes >= limit {
                // Dictionary full: start again (the decoder does the same).
                keys = [UInt64](repeating: .max, count: capacity)
                nodes = 1
                phrases = 0
                resets += 1
            } else {
                if (nodes + 1) * 2 > capacity {
                    capacity *= 2
                    var newKeys = [UInt64](repeating: .max, count: capacity)
                    var newValues = [UInt32](repeating: 0, count: capacity)
                    for j in 0..<keys.count where keys[j] != .max {
                        let t = slot(keys[j], newKeys)
                        newKeys[t] = keys[j]
                        newValues[t] = values[j]
                    }
                    keys = newKeys
                    values = newValues
                }
                let t = slot(key, keys)
                keys[t] = key
                values[t] = UInt32(nodes)
                nodes += 1
            }
            current = 0
            inPhrase = false
        }
        // A final phrase that is a copy of an earlier one: index only (+8 bits kept for simplicity).
        if inPhrase { emitPhrase() }
        let c = Double(totalPhrases)
        let rate = totalPhrases > 1 && n > 0 ? c * log2(c) : 0
        return LZ78Estimate(phrases: totalPhrases, codeBits: codeBits, rateEstimateBits: rate, dictionaryResets: resets)
    }

    public static func lz78(_ bytes: [UInt8]) -> LZ78Estimate {
        bytes.withUnsafeBytes { lz78($0) }
    }

    @inline(__always)
    static func ceilLog2(_ i: Int) -> Double {
        i <= 1 ? 0 : Double(Int.bitWidth - (i - 1).leadingZeroBitCount)
    }
}
