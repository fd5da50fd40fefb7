import Transforms

/// Block sorting with Huffman coding, in the manner of bzip2 (Burrows &
/// Wheeler 1994; Seward 1996) with our own stream layout: per block the BWT,
/// move-to-front, zero runs as bijective base-2 digits (`ZeroRunLength`), and
/// the symbols in groups of 50, each group coded with the cheapest of up to
/// `maxTables` canonical Huffman tables. The tables are fitted by a few rounds
/// of alternating "assign each group to its cheapest table" and "rebuild each
/// table from its groups" (a k-means style refinement; Lloyd 1982).
///
/// Blocks where runs of 4+ equal bytes shrink the data by a quarter or more
/// are first run-length coded (`ByteRunLength`) and the result is sorted.
///
/// Format: see docs/FORMAT.md (codec 13).
public struct BWTHuffmanCodec: Codec {
    /// Raw bytes per block sort.
    public let blockSize: Int

    public static let groupSize = 50
    /// The most tables the format allows (the encoder uses up to 7).
    public static let maxTables = 8
    static let refinementRounds = 4

    public init(blockSize: Int) { self.blockSize = Swift.max(1, blockSize) }
    public init(level: Int) { self.init(blockSize: Self.blockSize(level: level)) }

    /// Level l sorts blocks of l × 100 000 bytes, like bzip2 -l.
    public static func blockSize(level: Int) -> Int { 100_000 * Swift.min(9, Swift.max(1, level)) }

    public static let descriptor = CodecDescriptor(
        name: "bwt-huffman", id: 13,
        summary: "BWT, move-to-front, zero runs and multi-table Huffman (bzip2-style; levels: 100 kB … 900 kB blocks)",
        levels: Array(1...9), defaultLevel: 9,
        blockSize: { blockSize(level: $0) },
        make: { BWTHuffmanCodec(level: $0) },
        // Payload, output and the inverse transform's successor array.
        decodeMemory: { _, n in (n >= 16 << 20 ? 11 : 7) * n + (1 << 20) })

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        var writer = BitWriter(continuing: &out)
        let n = input.count
        guard n > 0, let base = input.baseAddress else { writer.finish(into: &out); return }
        var start = 0
        while start < n {
            let count = Swift.min(blockSize, n - start)
            try encodeBlock(UnsafeRawBufferPointer(start: base + start, count: count), &writer)
            start += count
        }
        writer.finish(into: &out)
    }

    /// One block. Memory: the block (n), the BWT output (n) and the suffix
    /// sort (4n; SA-IS keeps no type bits) at most, 6n on text; with
    /// run-length coding the sorted text is at most 3n/4 (5.6n in all), and the
    /// symbols (2n) are allocated once the suffix array is gone.
    func encodeBlock(_ block: UnsafeRawBufferPointer, _ writer: inout BitWriter) throws(CodecError) {
        let n = block.count
        EliasGamma.encode(UInt64(n), to: &writer)
        let rleCount = ByteRunLength.encodedCount(block)
        let useRuns = rleCount <= n - n / 4
        writer.write(useRuns ? 1 : 0, count: 1)
        let sorted = useRuns ? rleCount : n
        if useRuns { writer.write(UInt64(rleCount), count: Self.bitWidth(n)) }
        let bwt = UnsafeMutableRawBufferPointer.allocate(byteCount: sorted, alignment: 8)
        defer { bwt.deallocate() }
        let primary: Int
        if useRuns {
            let runs = UnsafeMutableRawBufferPointer.allocate(byteCount: sorted, alignment: 8)
            defer { runs.deallocate() }
            _ = ByteRunLength.encode(block, into: runs)
            primary = BurrowsWheeler.forward(UnsafeRawBufferPointer(runs), into: bwt)
        } else {
            primary = BurrowsWheeler.forward(block, into: bwt)
        }
        MoveToFront.encode(UnsafeRawBufferPointer(bwt), into: bwt)
        let symbols = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: sorted)
        defer { symbols.deallocate() }
        let m = ZeroRunLength.encode(UnsafeRawBufferPointer(bwt), into: symbols)
        guard m >= 1 else { throw .invalidParameter("zero-run coding of a block failed") }
        try encodeSymbols(count: sorted, primary: primary, UnsafeBufferPointer(rebasing: symbols[0..<m]), &writer)
    }

    func encodeSymbols(count n: Int, primary: Int, _ symbols: UnsafeBufferPointer<UInt16>,
                       _ writer: inout BitWriter) throws(CodecError) {
        let m = symbols.count
        let width = Self.bitWidth(n)
        writer.write(UInt64(primary), count: width)
        writer.write(UInt64(m), count: width)
        var alphabet = 1
        var used = [Bool](repeating: false, count: ZeroRunLength.alphabetSize)
        for s in symbols { used[Int(s)] = true; alphabet = Swift.max(alphabet, Int(s) + 1) }
        let fit = try Self.fitTables(symbols, alphabet: alphabet, used: used)
        writer.write(UInt64(alphabet), count: 9)
        writer.write(UInt64(fit.lengths.count - 1), count: 3)
        Self.writeTables(fit.lengths, used: Array(used[0..<alphabet]), &writer)
        var codes: [[UInt32]] = []
        for lengths in fit.lengths { codes.append(try CanonicalHuffmanCode(lengths: lengths).packed) }
        // Selectors: move-to-front over the table numbers, truncated unary.
        var order = Array(0..<fit.lengths.count)
        let last = fit.lengths.count - 1
        for t in fit.selectors {
            var r = 0
            while order[r] != Int(t) { r += 1 }
            order.remove(at: r)
            order.insert(Int(t), at: 0)
            if r > 0 { writer.write((1 << UInt64(r)) - 1, count: r) }
            if r < last { writer.write(0, count: 1) }
        }
        var g = 0
        var start = 0
        while start < m {
            let end = Swift.min(m, start + Self.groupSize)
            codes[Int(fit.selectors[g])].withUnsafeBufferPointer { table in
                for i in start..<end {
                    let c = table[Int(symbols[i])]
                    writer.write(UInt64(c >> 4), count: Int(c & 15))
                }
            }
            g += 1
            start = end
        }
    }

    /// The used symbols as alternating runs (first flag, then Elias γ run
    /// lengths), then per table the first used symbol's length in 4 bits and
    /// each next one as a change from the one before: 0 "0", +1 "10", −1 "110",
    /// otherwise "111" and the length in 4 bits. Every used symbol has a
    /// length of 1…15 in every table, so lengths of MTF ranks, which grow
    /// slowly with the rank, cost under two bits each.
    static func writeTables(_ tables: [[UInt8]], used: [Bool], _ writer: inout BitWriter) {
        writer.write(used[0] ? 1 : 0, count: 1)
        var i = 0
        while i < used.count {
            var j = i + 1
            while j < used.count && used[j] == used[i] { j += 1 }
            EliasGamma.encode(UInt64(j - i), to: &writer)
            i = j
        }
        for lengths in tables {
            var previous = -1
            for s in 0..<used.count where used[s] {
                let l = Int(lengths[s])
                if previous < 0 {
                    writer.write(UInt64(l), count: 4)
                } else if l == previous {
                    writer.write(0, count: 1)
                } else if l == previous + 1 {
                    writer.write(0b10, count: 2)
                } else if l == previous - 1 {
                    writer.write(0b110, count: 3)
                } else {
                    writer.write(0b111 << 4 | UInt64(l), count: 7)
                }
                previous = l
            }
        }
    }

    /// Inverse of `writeTables`; lengths outside 1…15 or runs past the alphabet are corrupt.
    static func readTables(count: Int, alphabet: Int, _ reader: inout BitReader) throws(CodecError) -> [[UInt8]] {
        var used = [Bool](repeating: false, count: alphabet)
        var flag = reader.readBit()
        var i = 0
        while i < alphabet {
            let run = try EliasGamma.decode(from: &reader)
            try reader.checkNotOverrun()
            guard run >= 1, run <= UInt64(alphabet - i) else { throw .corrupt("used-symbol run of \(run) passes the alphabet end") }
            if flag { for k in i..<(i + Int(run)) { used[k] = true } }
            i += Int(run)
            flag.toggle()
        }
        var tables: [[UInt8]] = []
        for _ in 0..<count {
            var lengths = [UInt8](repeating: 0, count: alphabet)
            var previous = -1
            for s in 0..<alphabet where used[s] {
                var l: Int
                if previous < 0 || reader.peek(3) == 0b111 {
                    if previous >= 0 { reader.skip(3) }
                    l = Int(reader.read(4))
                } else if !reader.readBit() {
                    l = previous
                } else if !reader.readBit() {
                    l = previous + 1
                } else {
                    reader.skip(1)
                    l = previous - 1
                }
                guard l >= 1, l <= 15 else {
                    try reader.checkNotOverrun()
                    throw .corrupt("Huffman code length \(l) for symbol \(s)")
                }
                lengths[s] = UInt8(l)
                previous = l
            }
            try reader.checkNotOverrun()
            tables.append(lengths)
        }
        return tables
    }

    static func bitWidth(_ n: Int) -> Int { Int.bitWidth - n.leadingZeroBitCount }

    /// How many tables pay for their headers at m symbols.
    static func tableCount(symbols m: Int) -> Int {
        m < 200 ? 1 : m < 600 ? 2 : m < 1200 ? 3 : m < 2400 ? 4 : m < 4800 ? 5 : m < 9600 ? 6 : 7
    }

    /// Fits the tables: groups start in classes by their mean symbol size,
    /// then rounds of assignment to the cheapest table and table rebuilding.
    static func fitTables(_ symbols: UnsafeBufferPointer<UInt16>, alphabet: Int, used: [Bool])
        throws(CodecError) -> (lengths: [[UInt8]], selectors: [UInt8]) {
        let m = symbols.count
        let groups = (m + groupSize - 1) / groupSize
        let tables = tableCount(symbols: m)
        var selectors = [UInt8](repeating: 0, count: groups)
        if tables > 1 {
            // Initial classes: quantiles of the groups' summed symbol bit widths.
            var weight = [Int](repeating: 0, count: groups)
            for g in 0..<groups {
                var w = 0
                for i in (g * groupSize)..<Swift.min(m, (g + 1) * groupSize) {
                    w += Int.bitWidth - Int(symbols[i]).leadingZeroBitCount
                }
                weight[g] = w * groupSize / Swift.max(1, Swift.min(m, (g + 1) * groupSize) - g * groupSize)
            }
            let order = (0..<groups).sorted { weight[$0] != weight[$1] ? weight[$0] < weight[$1] : $0 < $1 }
            for (rank, g) in order.enumerated() { selectors[g] = UInt8(rank * tables / groups) }
        }
        var lengths: [[UInt8]] = []
        let rounds = tables > 1 ? refinementRounds : 0
        for _ in 0...rounds {
            // Rebuild every table from the groups assigned to it.
            var freq = [UInt32](repeating: 0, count: tables * alphabet)
            freq.withUnsafeMutableBufferPointer { f in
                for g in 0..<groups {
                    let base = Int(selectors[g]) &* alphabet
                    for i in (g * groupSize)..<Swift.min(m, (g + 1) * groupSize) { f[base &+ Int(symbols[i])] &+= 1 }
                }
            }
            lengths = []
            for t in 0..<tables {
                // Every symbol of the block stays codable in every table.
                var f = Array(freq[(t * alphabet)..<((t + 1) * alphabet)])
                for s in 0..<alphabet where used[s] { f[s] &+= 1 }
                lengths.append(try HuffmanCodeLengths.compute(f, limit: 15))
            }
            if tables == 1 { break }
            // Assign each group to its cheapest table (also after the last rebuild,
            // so the selectors match the tables that are sent).
            // Lengths packed four tables to a word in 16-bit lanes, so one add per
            // symbol prices a group under four tables at once (sums stay below 2^16).
            var packed = [UInt64](repeating: 0, count: 2 * alphabet)
            for t in 0..<tables {
                for sym in 0..<alphabet { packed[2 * sym + t / 4] |= UInt64(lengths[t][sym]) << UInt64(16 * (t % 4)) }
            }
            packed.withUnsafeBufferPointer { len in
                for g in 0..<groups {
                    var low: UInt64 = 0, high: UInt64 = 0
                    for i in (g * groupSize)..<Swift.min(m, (g + 1) * groupSize) {
                        let row = Int(symbols[i]) &* 2
                        low &+= len[row]
                        high &+= len[row &+ 1]
                    }
                    var best = 0, bestCost = Int.max
                    for t in 0..<tables {
                        let c = Int(((t < 4 ? low : high) >> UInt64(16 * (t % 4))) & 0xFFFF)
                        if c < bestCost { bestCost = c; best = t }
                    }
                    selectors[g] = UInt8(best)
                }
            }
        }
        return (lengths, selectors)
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard originalCount >= 0 else { throw .invalidParameter("negative original size") }
        guard originalCount > 0 else { return }
        var reader = BitReader(input)
        let bwt = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.min(originalCount, Swift.max(blockSize, 1)), alignment: 8)
        defer { bwt.deallocate() }
        let written = try out.withUnsafeAppendingSpace(maxCount: originalCount) { (region) throws(CodecError) -> Int in
            var done = 0
            while done < originalCount {
                let n64 = try EliasGamma.decode(from: &reader)
                guard n64 >= 1, n64 <= UInt64(Swift.min(originalCount - done, bwt.count)) else {
                    try reader.checkNotOverrun()
                    throw .corrupt("BWT block of \(n64) bytes with \(originalCount - done) left (block size \(bwt.count))")
                }
                let n = Int(n64)
                let useRuns = reader.readBit()
                let sorted = useRuns ? Int(reader.read(Self.bitWidth(n))) : n
                guard sorted >= 1, sorted <= n else {
                    try reader.checkNotOverrun()
                    throw .corrupt("run-length coded size \(sorted) for a block of \(n) bytes")
                }
                let block = UnsafeMutableRawBufferPointer(rebasing: bwt[0..<sorted])
                let primary = try decodeBlock(count: sorted, &reader, into: block)
                let target = UnsafeMutableRawBufferPointer(rebasing: region[done..<(done + n)])
                if useRuns {
                    let runs = UnsafeMutableRawBufferPointer.allocate(byteCount: sorted, alignment: 8)
                    defer { runs.deallocate() }
                    try BurrowsWheeler.inverse(UnsafeRawBufferPointer(block), primaryIndex: primary, into: runs)
                    let k = try ByteRunLength.decode(UnsafeRawBufferPointer(runs), into: target)
                    guard k == n else { throw .corrupt("run-length coded block gives \(k) bytes, expected \(n)") }
                } else {
                    try BurrowsWheeler.inverse(UnsafeRawBufferPointer(block), primaryIndex: primary, into: target)
                }
                done += n
            }
            return done
        }
        guard written == originalCount else { throw .truncated }
    }

    /// Decodes one block's symbols straight into BWT bytes (zero runs and
    /// move-to-front undone on the fly); returns the primary index.
    func decodeBlock(count n: Int, _ reader: inout BitReader, into bwt: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int {
        let width = Self.bitWidth(n)
        let primary = Int(reader.read(width))
        let m = Int(reader.read(width))
        let alphabet = Int(reader.read(9))
        let tables = Int(reader.read(3)) + 1
        try reader.checkNotOverrun()
        guard primary >= 1, primary <= n else { throw .corrupt("BWT primary index \(primary) outside 1...\(n)") }
        guard m >= 1, m <= n else { throw .corrupt("BWT block of \(n) bytes declares \(m) symbols") }
        guard alphabet >= 1, alphabet <= ZeroRunLength.alphabetSize else { throw .corrupt("BWT alphabet of \(alphabet) symbols") }
        guard tables <= Self.maxTables else { throw .corrupt("\(tables) Huffman tables (at most \(Self.maxTables))") }
        var decoders: [HuffmanDecodingTable] = []
        for lengths in try Self.readTables(count: tables, alphabet: alphabet, &reader) {
            decoders.append(try HuffmanDecodingTable(lengths: lengths, tableBits: 10))
        }
        let groups = (m + Self.groupSize - 1) / Self.groupSize
        var selectors = [UInt8](repeating: 0, count: groups)
        var order = [UInt8](repeating: 0, count: tables)
        for t in 0..<tables { order[t] = UInt8(t) }
        for g in 0..<groups {
            var r = 0
            while r < tables - 1 && reader.readBit() { r += 1 }
            selectors[g] = order.withUnsafeMutableBufferPointer { MoveToFront.promote($0, rank: r) }
        }
        try reader.checkNotOverrun()

        guard let dst = bwt.baseAddress?.assumingMemoryBound(to: UInt8.self) else { throw .corrupt("empty BWT block") }
        var list = [UInt8](repeating: 0, count: 256)
        for k in 0..<256 { list[k] = UInt8(k) }
        var w = 0
        var run = 0
        var weight = 1
        try list.withUnsafeMutableBufferPointer { (mtf) throws(CodecError) in
            var i = 0
            for g in 0..<groups {
                let table = decoders[Int(selectors[g])]
                let end = Swift.min(m, i + Self.groupSize)
                while i < end {
                    let s = try table.decode(&reader)
                    i &+= 1
                    if s <= 1 {
                        guard weight <= n else { throw .corrupt("zero run longer than the block at symbol \(i)") }
                        run &+= (s &+ 1) &* weight
                        weight &<<= 1
                        continue
                    }
                    if run > 0 {
                        guard run <= n &- w else { throw .corrupt("zero run passes the block end at symbol \(i)") }
                        (dst + w).initialize(repeating: mtf[0], count: run)
                        w &+= run
                        run = 0
                        weight = 1
                    }
                    guard w < n else { throw .corrupt("symbols pass the block end at symbol \(i)") }
                    // Rank r = s − 1 ≥ 1: move list[r] to the front.
                    let r = s &- 1
                    guard r < 256 else { throw .corrupt("symbol \(s) outside the alphabet") }
                    dst[w] = MoveToFront.promote(mtf, rank: r)
                    w &+= 1
                }
            }
            if run > 0 {
                guard run <= n &- w else { throw .corrupt("final zero run passes the block end") }
                (dst + w).initialize(repeating: mtf[0], count: run)
                w &+= run
            }
        }
        try reader.checkNotOverrun()
        guard w == n else { throw .corrupt("BWT block decodes to \(w) bytes, expected \(n)") }
        return primary
    }
}
