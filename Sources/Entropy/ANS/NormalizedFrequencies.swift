#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte counts scaled to a power-of-two total 2^tableLog: the probabilities a
/// static ANS coder works with (Duda, "Asymmetric numeral systems", 2009, and
/// "Asymmetric numeral systems: entropy coding combining speed of Huffman
/// coding with compression rate of arithmetic coding", arXiv:1311.2540, 2013).
///
/// A symbol with normalised count f is coded in about tableLog − log2 f bits,
/// so the counts are chosen to minimise Σ c_s·(tableLog − log2 f_s) under
/// Σ f_s = 2^tableLog and f_s ≥ 1 for every present symbol, not merely by
/// rounding c_s·2^tableLog/n (rounding can cost a lot when many rare symbols
/// are lifted to one slot each: Collet's FSE articles, 2013–2014, discuss it).
public struct NormalizedFrequencies: Sendable, Equatable {
    /// log2 of the table size (the total of `counts`).
    public let tableLog: Int
    /// 256 entries, summing to 2^tableLog; zero exactly for absent symbols.
    public let counts: [UInt32]

    /// Smallest and largest table logs the coders accept: 2^15 keeps a rANS
    /// state of 32 bits with 16-bit renormalisation exact (Giesen, "Interleaved
    /// entropy coders", arXiv:1402.3392, 2014; his ryg_rans notes).
    public static let minTableLog = 5
    public static let maxTableLog = 15

    public var tableSize: Int { 1 << tableLog }

    /// Counts read from a header or built by the caller: checked, never trusted.
    public init(counts: [UInt32], tableLog: Int) throws(CodecError) {
        guard (Self.minTableLog...Self.maxTableLog).contains(tableLog) else {
            throw .corrupt("ANS table log \(tableLog) outside \(Self.minTableLog)...\(Self.maxTableLog)")
        }
        guard counts.count == 256 else { throw .corrupt("ANS counts for \(counts.count) symbols, not 256") }
        var sum = 0
        for c in counts {
            guard Int(c) <= 1 << tableLog else { throw .corrupt("ANS count \(c) larger than the table (\(1 << tableLog))") }
            sum += Int(c)
        }
        guard sum == 1 << tableLog else { throw .corrupt("ANS counts sum to \(sum), not the table size \(1 << tableLog)") }
        self.tableLog = tableLog
        self.counts = counts
    }

    /// Table log for a block: at most `maxLog`, smaller for short blocks (a
    /// table much larger than the block only costs header and set-up time),
    /// never so small that a present symbol would have no slot.
    public static func tableLog(forCount n: Int, presentSymbols: Int, maxLog: Int) -> Int {
        let cap = Swift.min(maxTableLog, Swift.max(minTableLog, maxLog))
        let forSize = Swift.max(minTableLog, (Swift.max(n, 1) - 1).bitWidthFloor + 2)
        let forSymbols = Swift.max(minTableLog, (Swift.max(presentSymbols, 1) - 1).bitWidthFloor + 1)
        return Swift.min(cap, Swift.max(forSize, forSymbols))
    }

    /// The normalisation of a byte histogram that costs the fewest bits.
    ///
    /// Start from rounded proportional counts (each present symbol at least 1),
    /// then move single slots between symbols while that lowers the cost: the
    /// cost is a sum of convex functions of each f_s, so a state no single move
    /// improves is optimal, and the greedy correction from the rounding reaches it.
    public init(histogram: [UInt32], tableLog: Int) throws(CodecError) {
        guard histogram.count == 256 else { throw .invalidParameter("histogram of \(histogram.count) symbols, not 256") }
        guard (Self.minTableLog...Self.maxTableLog).contains(tableLog) else {
            throw .invalidParameter("ANS table log \(tableLog) outside \(Self.minTableLog)...\(Self.maxTableLog)")
        }
        let size = 1 << tableLog
        var total: UInt64 = 0
        var present = 0
        var largest = 0
        for s in 0..<256 where histogram[s] > 0 {
            total += UInt64(histogram[s]); present += 1
            if histogram[s] > histogram[largest] || histogram[largest] == 0 { largest = s }
        }
        guard present > 0 else { throw .invalidParameter("cannot normalise an empty histogram") }
        guard present <= size else {
            throw .invalidParameter("\(present) symbols do not fit a table of \(size) slots")
        }
        var f = [Int](repeating: 0, count: 256)
        if present == 1 {
            f[largest] = size
            self.counts = f.map { UInt32($0) }
            self.tableLog = tableLog
            return
        }
        var sum = 0
        for s in 0..<256 where histogram[s] > 0 {
            let scaled = (UInt64(histogram[s]) * UInt64(size) * 2 + total) / (2 * total)
            f[s] = Swift.max(1, Int(scaled))
            sum += f[s]
        }
        // Gain of one more slot for s, loss of one slot fewer (in nats):
        // c·ln((f+1)/f), c·ln(f/(f−1)); cached, since a move changes one symbol.
        var gains = [Double](repeating: -1, count: 256)
        var losses = [Double](repeating: .infinity, count: 256)
        func refresh(_ s: Int) {
            let c = Double(histogram[s])
            gains[s] = c * PortableLog.lnOnePlusInverse(f[s])
            losses[s] = f[s] > 1 ? c * PortableLog.lnOnePlusInverse(f[s] - 1) : .infinity
        }
        for s in 0..<256 where histogram[s] > 0 { refresh(s) }
        func bestGain() -> Int {
            var best = 0
            for s in 1..<256 where gains[s] > gains[best] { best = s }
            return best
        }
        func leastLoss(excluding x: Int) -> Int {
            var best = -1, bestValue = Double.infinity
            for s in 0..<256 where losses[s] < bestValue && s != x { bestValue = losses[s]; best = s }
            return best
        }
        while sum < size {
            let s = bestGain()
            f[s] += 1; sum += 1; refresh(s)
        }
        while sum > size {
            // Some symbol has f > 1, since present ≤ size < sum.
            let s = leastLoss(excluding: -1)
            guard s >= 0 else { break }
            f[s] -= 1; sum -= 1; refresh(s)
        }
        // Pairwise moves until none pays (bounded: each strictly lowers the cost).
        var moves = 0
        while moves < 4 * size {
            let up = bestGain()
            let down = leastLoss(excluding: up)
            guard down >= 0, gains[up] > losses[down] * (1 + 1e-12) + 1e-9 else { break }
            f[up] += 1; f[down] -= 1
            refresh(up); refresh(down)
            moves += 1
        }
        self.counts = f.map { UInt32($0) }
        self.tableLog = tableLog
    }

    /// Normalises the histogram of `bytes` (which must not be empty).
    public init(of bytes: UnsafeRawBufferPointer, maxTableLog: Int) throws(CodecError) {
        let h = ByteHistogram.counts(bytes)
        let present = h.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        let log = Self.tableLog(forCount: bytes.count, presentSymbols: present, maxLog: maxTableLog)
        try self.init(histogram: h, tableLog: log)
    }

    /// Normalises the histogram of `bytes` at the smallest table log from
    /// `minTableLog` up to `maxTableLog` whose coded size (payload cost plus
    /// header) is within `tolerance` (a fraction) of the largest table's: a
    /// small table decodes from L1 cache, but on very skewed data (one symbol
    /// at 87%, many rare ones) a 2^12 table wastes over 2% on rounding.
    public init(of bytes: UnsafeRawBufferPointer, minTableLog: Int, maxTableLog: Int, tolerance: Double) throws(CodecError) {
        try self.init(histogram: ByteHistogram.counts(bytes), count: bytes.count, minTableLog: minTableLog,
                      maxTableLog: maxTableLog, tolerance: tolerance)
    }

    /// As `init(of:minTableLog:maxTableLog:tolerance:)`, from the histogram of `count` bytes.
    public init(histogram h: [UInt32], count: Int, minTableLog: Int, maxTableLog: Int, tolerance: Double) throws(CodecError) {
        let present = h.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        let low = Self.tableLog(forCount: count, presentSymbols: present, maxLog: minTableLog)
        let high = Swift.max(low, Self.tableLog(forCount: count, presentSymbols: present, maxLog: maxTableLog))
        func size(_ f: NormalizedFrequencies) -> Double {
            var w = BitWriter(capacity: 512)
            f.write(to: &w)
            return f.cost(of: h) + Double(w.bitCount)
        }
        let best = try NormalizedFrequencies(histogram: h, tableLog: high)
        let target = size(best) * (1 + tolerance)
        var log = low
        while log < high {
            let f = try NormalizedFrequencies(histogram: h, tableLog: log)
            if size(f) <= target { self = f; return }
            log += 1
        }
        self = best
    }

    /// Bits the payload costs with these counts, ignoring the coder's own small
    /// overhead: Σ c_s·(tableLog − log2 f_s).
    public func cost(of histogram: [UInt32]) -> Double {
        var bits = 0.0
        for s in 0..<256 where histogram[s] > 0 {
            bits += Double(histogram[s]) * (Double(tableLog) - PortableLog.log2(counts[s]))
        }
        return bits
    }

    // MARK: header

    /// Bits of the Elias γ code of v ≥ 1.
    static func gammaBits(_ v: Int) -> Int { 2 * v.bitWidthFloor + 1 }

    /// Writes the counts (not the table log) compactly: a 4-bit parameter k,
    /// then for each present symbol in order the γ code of its gap from the
    /// previous present symbol and its count − 1 as an exponential-Golomb code
    /// of order k (γ of the quotient by 2^k, then k low bits), with k chosen
    /// to make the header shortest. Nothing marks the end: the decoder stops
    /// when the counts reach the table size.
    public func write(to writer: inout BitWriter) {
        var bestK = 0, bestBits = Int.max
        for k in 0..<16 {
            var bits = 0
            for c in counts where c > 0 { bits += Self.gammaBits((Int(c) - 1) >> k + 1) + k }
            if bits < bestBits { bestBits = bits; bestK = k }
        }
        writer.write(UInt64(bestK), count: 4)
        var previous = -1
        for s in 0..<256 where counts[s] > 0 {
            EliasGamma.encode(UInt64(s - previous), to: &writer)
            let v = Int(counts[s]) - 1
            EliasGamma.encode(UInt64(v >> bestK + 1), to: &writer)
            writer.write(UInt64(v & ((1 << bestK) - 1)), count: bestK)
            previous = s
        }
    }

    /// Reads counts written by `write(to:)`, checking every field: a gap past
    /// symbol 255, a count larger than the slots left or a total that never
    /// reaches the table size is `CodecError.corrupt`.
    public static func read(from reader: inout BitReader, tableLog: Int) throws(CodecError) -> NormalizedFrequencies {
        guard (minTableLog...maxTableLog).contains(tableLog) else {
            throw .corrupt("ANS table log \(tableLog) outside \(minTableLog)...\(maxTableLog)")
        }
        var counts = [UInt32](repeating: 0, count: 256)
        var remaining = 1 << tableLog
        let k = Int(reader.read(4))
        var s = -1
        while remaining > 0 {
            let gap = try EliasGamma.decode(from: &reader)
            guard gap >= 1, gap <= UInt64(255 - s) else {
                throw .corrupt("ANS counts: gap \(gap) after symbol \(s) passes symbol 255 with \(remaining) of \(1 << tableLog) slots unassigned")
            }
            s += Int(gap)
            let q = try EliasGamma.decode(from: &reader)
            guard q >= 1, q <= UInt64(remaining) else {
                throw .corrupt("ANS count for symbol \(s) exceeds the \(remaining) slots left")
            }
            let c = (Int(q) - 1) << k | Int(reader.read(k)) + 1
            guard c <= remaining else {
                throw .corrupt("ANS count \(c) for symbol \(s) exceeds the \(remaining) slots left")
            }
            counts[s] = UInt32(c)
            remaining -= c
            try reader.checkNotOverrun()
        }
        return try NormalizedFrequencies(counts: counts, tableLog: tableLog)
    }
}

/// Logarithms from IEEE basic operations only (+, −, ×, ÷ are correctly
/// rounded everywhere, libm's log is not), so the encoder's choices and hence
/// its output bytes are the same on every platform (the golden archives).
/// Uses ln(1 + 1/f) = 2·atanh(1/(2f + 1)) = 2·Σ z^(2k+1)/(2k+1), z ≤ 1/3.
enum PortableLog {
    /// ln(1 + 1/f) for f ≥ 1: from `table` up to 2^12 (the same values,
    /// computed once: normalising a block's counts asks for one per present
    /// symbol and per move, a fixed cost small blocks feel), else the series.
    static func lnOnePlusInverse(_ f: Int) -> Double {
        f < table.count ? table[f] : series(f)
    }

    static func series(_ f: Int) -> Double {
        atanhSeries(1.0 / Double(2 * f + 1))
    }

    static let table: [Double] = (0...4096).map { $0 == 0 ? 0 : series($0) }

    /// 2·atanh(z) for 0 ≤ z ≤ 1/3, to double precision (z^43 < 2^-64);
    /// stops once the terms no longer change the sum.
    static func atanhSeries(_ z: Double) -> Double {
        let z2 = z * z
        var term = z, sum = 0.0, k = 1.0
        for _ in 0..<22 {
            let next = sum + term / k
            if next == sum { break }
            sum = next
            term *= z2
            k += 2
        }
        return 2 * sum
    }

    static let ln2 = 0.693147180559945309417232121458176568

    /// log2 of a positive integer: n = m·2^e with m ∈ [1, 2), ln m = 2·atanh((m − 1)/(m + 1)).
    static func log2(_ n: UInt32) -> Double {
        let e = Int.bitWidth - 1 - Int(n).leadingZeroBitCount
        let m = Double(n) / Double(1 << e)
        return Double(e) + atanhSeries((m - 1) / (m + 1)) / ln2
    }
}

extension Int {
    /// ⌊log2 self⌋ for self ≥ 1; 0 for 0 (so `bitWidthFloor + 1` bits hold 0...self).
    @inlinable var bitWidthFloor: Int { self <= 0 ? 0 : (Int.bitWidth - 1 - self.leadingZeroBitCount) }
}

/// Byte histograms.
public enum ByteHistogram {
    /// Counts of each byte value, in four interleaved tables so consecutive
    /// equal bytes do not wait on each other's increments.
    public static func counts(_ bytes: UnsafeRawBufferPointer) -> [UInt32] {
        var tables = [UInt32](repeating: 0, count: 4 * 256)
        tables.withUnsafeMutableBufferPointer { t in
            guard let p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), let c = t.baseAddress else { return }
            let n = bytes.count
            var i = 0
            while i &+ 4 <= n {
                c[Int(p[i])] &+= 1
                c[256 &+ Int(p[i &+ 1])] &+= 1
                c[512 &+ Int(p[i &+ 2])] &+= 1
                c[768 &+ Int(p[i &+ 3])] &+= 1
                i &+= 4
            }
            while i < n { c[Int(p[i])] &+= 1; i &+= 1 }
        }
        var total = [UInt32](repeating: 0, count: 256)
        for s in 0..<256 { total[s] = tables[s] &+ tables[256 + s] &+ tables[512 + s] &+ tables[768 + s] }
        return total
    }
}
