/// A table of adaptive bit probabilities (22-bit precision) with a hit count
/// per entry, so a fresh entry learns at rate 1/(n + 1.5) and settles at
/// 1/(limit + 1.5): the "state counting" adaptation of secondary estimation
/// (Shkarin 2002; Bloom's SEE). Integer arithmetic only, so encoder and
/// decoder agree bit for bit on every platform.
///
/// Memory: one flat `UInt32` allocation, freed in `deinit`.
@usableFromInline
struct PPMProbabilityTable: ~Copyable {
    /// probability (22 bits) << 10 | count (10 bits).
    @usableFromInline let cells: UnsafeMutablePointer<UInt32>
    @usableFromInline let count: Int
    @usableFromInline let limit: UInt32

    /// 2^17 / (2n + 3) for n in 0...limit: the step 1/(n + 1.5), fixed point.
    @usableFromInline let reciprocals: UnsafeMutablePointer<UInt32>

    init(count: Int, limit: Int) {
        self.count = count
        self.limit = UInt32(Swift.min(Swift.max(limit, 1), 1000))
        cells = .allocate(capacity: count + 1024)
        cells.initialize(repeating: 0, count: count)
        reciprocals = cells + count
        for n in 0..<1024 { reciprocals[n] = UInt32((1 << 17) / (2 * n + 3)) }
    }

    deinit { cells.deallocate() }

    /// True if the entry has never been updated (the caller may seed it).
    @inlinable @inline(__always)
    func isFresh(_ i: Int) -> Bool { cells[i] & 1023 == 0 }

    /// Sets the entry's probability (of a 1 bit, scaled to 2^16) before first use.
    @inlinable @inline(__always)
    func seed(_ i: Int, probability16 p: UInt32) {
        cells[i] = (Swift.min(Swift.max(p, 64), 65472) << 6) << 10
    }

    /// P(bit = 1) scaled to 2^16, clamped to a valid range-coder probability.
    @inlinable @inline(__always)
    func probability(_ i: Int) -> UInt32 {
        let p = cells[i] >> 16
        return Swift.min(Swift.max(p, 32), 65504)
    }

    @inlinable @inline(__always)
    func update(_ i: Int, bit: Bool) {
        let c = cells[i]
        let n = c & 1023
        let p = Int64(c >> 10)
        let target: Int64 = bit ? (1 << 22) - 1 : 0
        let r = Int64(reciprocals[Int(n)])
        let np = p + (((target - p) * r) >> 17)
        let nn = n < limit ? n + 1 : n
        cells[i] = UInt32(truncatingIfNeeded: np) << 10 | nn
    }
}
