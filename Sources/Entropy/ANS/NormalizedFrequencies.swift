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
        // Gain of one more slot for s, loss of one slot fewer: c·log2((f+1)/f), c·log2(f/(f−1)).
        func gain(_ s: Int) -> Double {
            Double(histogram[s]) * (log2(Double(f[s] + 1)) - log2(Double(f[s])))
        }
        func loss(_ s: Int) -> Double {
            Double(histogram[s]) * (log2(Double(f[s])) - log2(Double(f[s] - 1)))
        }
        func bestGain(excluding x: Int) -> Int {
            var best = -1, bestValue = -1.0
            for s in 0..<256 where histogram[s] > 0 && s != x {
                let g = gain(s)
                if g > bestValue { bestValue = g; best = s }
            }
            return best
        }
        func leastLoss(excluding x: Int) -> Int {
            var best = -1, bestValue = Double.infinity
            for s in 0..<256 where f[s] > 1 && s != x {
                let l = loss(s)
                if l < bestValue { bestValue = l; best = s }
            }
            return best
        }
        while sum < size {
            let s = bestGain(excluding: -1)
            f[s] += 1; sum += 1
        }
        while sum > size {
            // Some symbol has f > 1, since present ≤ size < sum.
            let s = leastLoss(excluding: -1)
            guard s >= 0 else { break }
            f[s] -= 1; sum -= 1
        }
        // Pairwise moves until none pays (bounded: each strictly lowers the cost).
        var moves = 0
        while moves < 4 * size {
            let up = bestGain(excluding: -1)
            let down = leastLoss(excluding: up)
            guard up >= 0, down >= 0, gain(up) > loss(down) * (1 + 1e-12) + 1e-9 else { break }
            f[up] += 1; f[down] -= 1
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
        let h = ByteHistogram.counts(bytes)
        let present = h.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        let low = Self.tableLog(forCount: bytes.count, presentSymbols: present, maxLog: minTableLog)
        let high = Swift.max(low, Self.tableLog(forCount: bytes.count, presentSymbols: present, maxLog: maxTableLog))
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
            bits += Double(histogram[s]) * (Double(tableLog) - log2(Double(counts[s])))
        }
        return bits
    }

    // MARK: header

    /// Writes the counts (not the table log) compactly: symbols in order, each
    /// count in just enough bits for the slots still unassigned (so later counts
    /// get shorter), a zero followed by the γ-coded number of further zeros, and
    /// nothing after the last present symbol (the remaining total reaches 0 there).
    public func write(to writer: inout BitWriter) {
        var remaining = tableSize
        var s = 0
        while remaining > 0 && s < 256 {
            let c = Int(counts[s])
            writer.write(UInt64(c), count: remaining.bitWidthFloor + 1)
            if c == 0 {
                var run = 0
                while s + 1 + run < 256 && counts[s + 1 + run] == 0 { run += 1 }
                EliasGamma.encode(zeroBased: UInt64(run), to: &writer)
                s += 1 + run
            } else {
                remaining -= c
                s += 1
            }
        }
    }

    /// Reads counts written by `write(to:)`, checking every field: a count
    /// larger than the slots left, a zero run past symbol 255 or a total that
    /// never reaches the table size is `CodecError.corrupt`.
    public static func read(from reader: inout BitReader, tableLog: Int) throws(CodecError) -> NormalizedFrequencies {
        guard (minTableLog...maxTableLog).contains(tableLog) else {
            throw .corrupt("ANS table log \(tableLog) outside \(minTableLog)...\(maxTableLog)")
        }
        var counts = [UInt32](repeating: 0, count: 256)
        var remaining = 1 << tableLog
        var s = 0
        while remaining > 0 {
            guard s < 256 else {
                throw .corrupt("ANS counts end at symbol 255 with \(remaining) of \(1 << tableLog) slots unassigned")
            }
            let c = Int(reader.read(remaining.bitWidthFloor + 1))
            guard c <= remaining else {
                throw .corrupt("ANS count \(c) for symbol \(s) exceeds the \(remaining) slots left")
            }
            if c == 0 {
                let run = try EliasGamma.decodeZeroBased(from: &reader)
                guard run < 256 - UInt64(s) else { throw .corrupt("ANS zero run of \(run) past symbol 255 at symbol \(s)") }
                s += 1 + Int(run)
            } else {
                counts[s] = UInt32(c)
                remaining -= c
                s += 1
            }
            try reader.checkNotOverrun()
        }
        return try NormalizedFrequencies(counts: counts, tableLog: tableLog)
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
