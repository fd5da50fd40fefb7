/// Bit histories: one byte that summarises the bits seen in one context as a
/// pair of counts (n0, n1), with the count of the bit not seen discounted
/// when the other one arrives, so a context that changes its mind forgets
/// quickly. The idea of a nonstationary counter state mapped to a probability
/// by an adaptive table is Mahoney's (PAQ6/lpaq1, "bit history states"); the
/// set of pairs, the discount and the projection below are our own.
///
/// States are numbered by walking the allowed pairs in a fixed order; state 0
/// is (0, 0), the history of a context never seen, so a zeroed table is a
/// table of fresh contexts. The tables are built with integers at start-up.
struct CMBitHistory: ~Copyable {
    /// next[2 · s + bit]: the state after seeing `bit` in state s.
    let next: UnsafeMutablePointer<UInt8>
    /// n0 + n1 of each state, capped at 255: how much a slot has seen (replacement priority).
    let total: UnsafeMutablePointer<UInt8>
    /// 65536 · (n1 + ½) / (n0 + n1 + 1): where each state's adaptive probability starts.
    let initial: UnsafeMutablePointer<UInt16>
    let count: Int

    /// Whether (a, b) is a state: the smaller count bounds the larger one,
    /// long runs with few exceptions keep the most room.
    static func allowed(_ a: Int, _ b: Int) -> Bool {
        let lo = Swift.min(a, b), hi = Swift.max(a, b)
        switch lo {
        case 0: return hi <= 48
        case 1: return hi <= 32
        case 2: return hi <= 16
        case 3: return hi <= 10
        case 4: return hi <= 8
        case 5: return hi <= 6
        case 6: return hi <= 6
        default: return false
        }
    }

    init() {
        var pairs: [(Int, Int)] = []
        // Ordered by total count then n1, so state 0 is (0, 0).
        for t in 0...96 {
            for n1 in 0...t where Self.allowed(t - n1, n1) { pairs.append((t - n1, n1)) }
        }
        var index = [Int: Int]()
        for (k, p) in pairs.enumerated() { index[p.0 << 8 | p.1] = k }
        count = pairs.count
        next = .allocate(capacity: 512)
        next.initialize(repeating: 0, count: 512)
        total = .allocate(capacity: 256)
        total.initialize(repeating: 0, count: 256)
        initial = .allocate(capacity: 256)
        initial.initialize(repeating: 1 << 15, count: 256)
        for (k, p) in pairs.enumerated() {
            total[k] = UInt8(Swift.min(255, p.0 + p.1))
            initial[k] = UInt16(((2 * p.1 + 1) << 16) / (2 * (p.0 + p.1) + 2))
            for bit in 0...1 {
                var seen = bit == 1 ? p.1 : p.0
                var other = bit == 1 ? p.0 : p.1
                seen += 1
                // Discount the opposite count: a context that switches is not trusted long.
                if other > 2 { other = other / 2 + 1 }
                // Project back into the allowed set: cap the growing count first.
                while !Self.allowed(seen, other) {
                    if seen > other { seen -= 1 } else { other -= 1 }
                }
                let n0 = bit == 1 ? other : seen, n1 = bit == 1 ? seen : other
                next[2 * k + bit] = UInt8(index[n0 << 8 | n1] ?? 0)
            }
        }
    }

    deinit {
        next.deallocate()
        total.deallocate()
        initial.deallocate()
    }
}
