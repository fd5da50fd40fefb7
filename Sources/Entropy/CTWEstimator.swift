#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Code length of context-tree weighting (Willems, Shtarkov & Tjalkens 1995)
/// on bytes, decomposed into 8 binary decisions: the context of a bit is the
/// bits of its byte already seen and the previous d bytes, d = 0…depth; the
/// tree over d mixes the KT estimates of every depth.
public struct CTWEstimate: Sendable, Codable, Equatable {
    public let depth: Int
    public let bits: Double
    /// Nodes whose slot was taken over by another context (the hashed tree forgot them).
    public let replacedNodes: Int
}

/// Each node keeps KT counts of its bit and β = P_e / Π P_w(children) in the
/// log domain; a bit's probability at a node is (β·P_e(bit) + P_child(bit)) /
/// (β + 1), which is a proper distribution whatever β holds, so the hashed
/// node table (bounded: `tableSlots` × 16 bytes, default 2^22 = 64 MiB) may
/// forget or reset nodes and the code length stays achievable by an
/// arithmetic coder that does the same. Counts are halved at 65535.
public enum CTWEstimator {
    public static let maximumDepth = 8
    public static let defaultTableSlots = 1 << 22

    public static func estimate(_ bytes: UnsafeRawBufferPointer, depth: Int = 4,
                                tableSlots: Int = defaultTableSlots) -> CTWEstimate {
        var model = CTWModel(depth: Swift.max(0, Swift.min(depth, maximumDepth)), tableSlots: tableSlots)
        var bits = 0.0
        var history: UInt64 = 0
        for b in bytes {
            bits += model.codeAndUpdate(byte: b, history: history)
            history = (history << 8) | UInt64(b)
        }
        return CTWEstimate(depth: model.depth, bits: bits, replacedNodes: model.replaced)
    }

    public static func estimate(_ bytes: [UInt8], depth: Int = 4) -> CTWEstimate {
        bytes.withUnsafeBytes { estimate($0, depth: depth) }
    }

    /// Σ over all 256 byte values of 2^−cost for the byte after `prefix`
    /// (must be 1). For tests; uses a small table so copies are cheap.
    public static func kraftSum(after prefix: [UInt8], depth: Int = 3) -> Double {
        var model = CTWModel(depth: Swift.max(0, Swift.min(depth, maximumDepth)), tableSlots: 1 << 12)
        var history: UInt64 = 0
        for b in prefix {
            _ = model.codeAndUpdate(byte: b, history: history)
            history = (history << 8) | UInt64(b)
        }
        var sum = 0.0
        for v in 0..<256 {
            var copy = model
            sum += exp2(-copy.codeAndUpdate(byte: UInt8(v), history: history))
        }
        return sum
    }
}

struct CTWModel {
    let depth: Int
    let mask: Int
    var check: [UInt32]
    var count0: [UInt16]
    var count1: [UInt16]
    var logBeta: [Float]
    var replaced = 0
    // Path slots and per-depth KT probabilities, reused for every bit.
    var path: [Int]
    var peOne: [Double]
    var pOne: [Double]

    init(depth: Int, tableSlots: Int) {
        self.depth = depth
        var size = 1 << 10
        while size < tableSlots { size <<= 1 }
        mask = size - 1
        check = [UInt32](repeating: 0, count: size)
        count0 = [UInt16](repeating: 0, count: size)
        count1 = [UInt16](repeating: 0, count: size)
        logBeta = [Float](repeating: 0, count: size)
        path = [Int](repeating: 0, count: depth + 1)
        peOne = [Double](repeating: 0, count: depth + 1)
        pOne = [Double](repeating: 0, count: depth + 1)
    }

    /// The slot of node (d, partial byte, previous d bytes); a new or taken-over
    /// slot starts empty (no counts, β = 1: P_e = Π P_w(children) = 1).
    @inline(__always)
    mutating func slot(depth d: Int, partial: Int, history: UInt64) -> Int {
        let context = d == 0 ? 0 : history & (UInt64.max >> UInt64(64 - 8 * d))
        var h = (context &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(d | partial << 8) &* 0xD6E8_FEB8_6659_FD93)
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        let s = Int(truncatingIfNeeded: h >> 20) & mask
        // Check value 0 marks an empty slot; never produce it for a node.
        let tag = UInt32(truncatingIfNeeded: h >> 32) | 1
        if check[s] != tag {
            if check[s] != 0 { replaced += 1 }
            check[s] = tag
            count0[s] = 0
            count1[s] = 0
            logBeta[s] = 0
        }
        return s
    }

    mutating func codeAndUpdate(byte: UInt8, history: UInt64) -> Double {
        var bits = 0.0
        var partial = 1
        for i in stride(from: 7, through: 0, by: -1) {
            let bit = Int(byte >> UInt8(i)) & 1
            for d in 0...depth { path[d] = slot(depth: d, partial: partial, history: history) }
            // First the probability of a 1 at every depth, deepest first, before
            // anything is updated (a decoder must be able to do the same).
            for d in stride(from: depth, through: 0, by: -1) {
                let s = path[d]
                let c0 = Double(count0[s]), c1 = Double(count1[s])
                let pe = (c1 + 0.5) / (c0 + c1 + 1)
                peOne[d] = pe
                if d == depth {
                    pOne[d] = pe
                } else {
                    // (β·pe + pChild) / (β + 1) with β = 2^logβ, written to avoid overflow.
                    let lb = Double(logBeta[s])
                    let child = pOne[d + 1]
                    if lb > 0 {
                        let inv = exp2(-lb)
                        pOne[d] = (pe + child * inv) / (1 + inv)
                    } else {
                        let beta = exp2(lb)
                        pOne[d] = (beta * pe + child) / (beta + 1)
                    }
                }
            }
            bits -= log2(bit == 1 ? pOne[0] : 1 - pOne[0])
            // Then learn the bit: β ← β · pe(bit) / pChild(bit), counts += 1.
            for d in 0...depth {
                let s = path[d]
                if d < depth {
                    let pe = bit == 1 ? peOne[d] : 1 - peOne[d]
                    let child = bit == 1 ? pOne[d + 1] : 1 - pOne[d + 1]
                    let lb = Double(logBeta[s]) + log2(pe) - log2(child)
                    logBeta[s] = Float(Swift.max(-1000, Swift.min(1000, lb)))
                }
                if bit == 1 {
                    if count1[s] == UInt16.max { count1[s] >>= 1; count0[s] >>= 1 }
                    count1[s] += 1
                } else {
                    if count0[s] == UInt16.max { count0[s] >>= 1; count1[s] >>= 1 }
                    count0[s] += 1
                }
            }
            partial = (partial << 1) | bit
        }
        return bits
    }
}
