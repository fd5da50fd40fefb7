import Transforms

/// Block sorting with Huffman coding, in the manner of bzip2 (Burrows &
/// Wheeler 1994; Seward 1996) with our own stream layout: per block the BWT,
/// move-to-front, zero runs as bijective base-2 digits (`ZeroRunLength`), and
/// the symbols in groups of 50, each group coded with the cheapest of up to
/// `maxTables` canonical Huffman tables. The tables are fitted by a few rounds
/// of alternating "assign each group to its cheapest table" and "rebuild each
/// table from its groups" (a k-means style refinement; Lloyd 1982).
///
/// Format: an MSB-first bit stream of blocks until the original size is
/// reached. Per block: Elias γ raw size n; primary index and symbol count m in
/// w bits each (w = bit width of n); alphabet size (9 bits); table count − 1
/// (3 bits); each table's lengths by `CodeLengthHeader`; one selector per group
/// of 50 symbols, move-to-front coded over the tables and written in truncated
/// unary; then the m symbols, group g with table selector[g].
public struct BWTHuffmanCodec: Codec {
    /// Raw bytes per block sort.
    public let blockSize: Int

    public static let groupSize = 50
    public static let maxTables = 6
    static let refinementRounds = 5

    public init(blockSize: Int) { self.blockSize = Swift.max(1, blockSize) }
    public init(level: Int) { self.init(blockSize: Self.blockSize(level: level)) }

    /// Level l sorts blocks of l × 100 000 bytes, like bzip2 -l.
    public static func blockSize(level: Int) -> Int { 100_000 * Swift.min(9, Swift.max(1, level)) }

    public static let descriptor = CodecDescriptor(
        name: "bwt-huffman", id: 13,
        summary: "BWT, move-to-front, zero runs and multi-table Huffman (bzip2-style; levels: 100 kB … 900 kB blocks)",
        levels: Array(1...9), defaultLevel: 9,
        blockSize: { blockSize(level: $0) },
        make: { BWTHuffmanCodec(level: $0) })

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        var writer = BitWriter(continuing: &out)
        let n = input.count
        guard n > 0, let base = input.baseAddress else { writer.finish(into: &out); return }
        let size = Swift.min(blockSize, n)
        let bwt = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        let symbols = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: size)
        defer { bwt.deallocate(); symbols.deallocate() }
        var start = 0
        while start < n {
            let count = Swift.min(size, n - start)
            let block = UnsafeRawBufferPointer(start: base + start, count: count)
            let region = UnsafeMutableRawBufferPointer(rebasing: bwt[0..<count])
            let primary = BurrowsWheeler.forward(block, into: region)
            MoveToFront.encode(UnsafeRawBufferPointer(region), into: region)
            let m = ZeroRunLength.encode(UnsafeRawBufferPointer(region), into: symbols)
            guard m >= 1 else { throw .invalidParameter("zero-run coding of a block failed") }
            try encodeBlock(count: count, primary: primary, UnsafeBufferPointer(rebasing: symbols[0..<m]), &writer)
            start += count
        }
        writer.finish(into: &out)
    }

    func encodeBlock(count n: Int, primary: Int, _ symbols: UnsafeBufferPointer<UInt16>,
                     _ writer: inout BitWriter) throws(CodecError) {
        let m = symbols.count
        let width = Self.bitWidth(n)
        EliasGamma.encode(UInt64(n), to: &writer)
        writer.write(UInt64(primary), count: width)
        writer.write(UInt64(m), count: width)
        var alphabet = 1
        var used = [Bool](repeating: false, count: ZeroRunLength.alphabetSize)
        for s in symbols { used[Int(s)] = true; alphabet = Swift.max(alphabet, Int(s) + 1) }
        let fit = try Self.fitTables(symbols, alphabet: alphabet, used: used)
        writer.write(UInt64(alphabet), count: 9)
        writer.write(UInt64(fit.lengths.count - 1), count: 3)
        var codes: [[UInt32]] = []
        for lengths in fit.lengths {
            try CodeLengthHeader.write(lengths, to: &writer)
            codes.append(try CanonicalHuffmanCode(lengths: lengths).packed)
        }
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

    static func bitWidth(_ n: Int) -> Int { Int.bitWidth - n.leadingZeroBitCount }

    /// How many tables pay for their headers at m symbols.
    static func tableCount(symbols m: Int) -> Int {
        m < 200 ? 1 : m < 600 ? 2 : m < 1200 ? 3 : m < 2400 ? 4 : m < 4800 ? 5 : maxTables
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
        var cost = [Int](repeating: 0, count: tables)
        for round in 0...rounds {
            // Rebuild every table from the groups assigned to it.
            var freq = [[UInt32]](repeating: [UInt32](repeating: 0, count: alphabet), count: tables)
            for g in 0..<groups {
                let t = Int(selectors[g])
                for i in (g * groupSize)..<Swift.min(m, (g + 1) * groupSize) { freq[t][Int(symbols[i])] += 1 }
            }
            lengths = []
            for t in 0..<tables {
                // Every symbol of the block stays codable in every table.
                var f = freq[t]
                for s in 0..<alphabet where used[s] { f[s] = f[s] &* 4 &+ 1 }
                lengths.append(try HuffmanCodeLengths.compute(f, limit: 15))
            }
            if tables == 1 { break }
            // Assign each group to its cheapest table (also after the last rebuild,
            // so the selectors match the tables that are sent).
            var flat = [UInt8](repeating: 0, count: alphabet * tables)
            for t in 0..<tables { for s in 0..<alphabet { flat[s * tables + t] = lengths[t][s] } }
            flat.withUnsafeBufferPointer { len in
                for g in 0..<groups {
                    for t in 0..<tables { cost[t] = 0 }
                    for i in (g * groupSize)..<Swift.min(m, (g + 1) * groupSize) {
                        let row = Int(symbols[i]) &* tables
                        for t in 0..<tables { cost[t] &+= Int(len[row &+ t]) }
                    }
                    var best = 0
                    for t in 1..<tables where cost[t] < cost[best] { best = t }
                    selectors[g] = UInt8(best)
                }
            }
            _ = round
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
                let block = UnsafeMutableRawBufferPointer(rebasing: bwt[0..<n])
                let primary = try decodeBlock(count: n, &reader, into: block)
                try BurrowsWheeler.inverse(UnsafeRawBufferPointer(block), primaryIndex: primary,
                                           into: UnsafeMutableRawBufferPointer(rebasing: region[done..<(done + n)]))
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
        for _ in 0..<tables {
            let lengths = try CodeLengthHeader.read(from: &reader, alphabetSize: alphabet)
            decoders.append(try HuffmanDecodingTable(lengths: lengths, tableBits: 10))
        }
        let groups = (m + Self.groupSize - 1) / Self.groupSize
        var selectors = [UInt8](repeating: 0, count: groups)
        var order = [UInt8](repeating: 0, count: tables)
        for t in 0..<tables { order[t] = UInt8(t) }
        for g in 0..<groups {
            var r = 0
            while r < tables - 1 && reader.readBit() { r += 1 }
            let t = order[r]
            while r > 0 { order[r] = order[r - 1]; r -= 1 }
            order[0] = t
            selectors[g] = t
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
                    var r = s &- 1
                    guard r < 256 else { throw .corrupt("symbol \(s) outside the alphabet") }
                    let b = mtf[r]
                    while r > 0 { mtf[r] = mtf[r &- 1]; r &-= 1 }
                    mtf[0] = b
                    dst[w] = b
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
