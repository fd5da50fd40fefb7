import Testing
import Entropy
import TestSupport

/// Cost Σ f·l of lengths.
private func cost(_ freq: [UInt32], _ lengths: [UInt8]) -> Int {
    zip(freq, lengths).reduce(0) { $0 + Int($1.0) * Int($1.1) }
}

/// Cheapest cost of any prefix code with lengths 1...limit, by trying them all.
private func bruteForceCost(_ freq: [UInt32], limit: Int) -> Int {
    let used = freq.filter { $0 > 0 }
    if used.count <= 1 { return used.isEmpty ? 0 : Int(used[0]) }
    var best = Int.max
    var lengths = [Int](repeating: 1, count: used.count)
    while true {
        let kraft = lengths.reduce(0) { $0 + (1 << (limit - $1)) }
        if kraft <= 1 << limit {
            best = min(best, zip(used, lengths).reduce(0) { $0 + Int($1.0) * $1.1 })
        }
        var k = 0
        while k < lengths.count && lengths[k] == limit { lengths[k] = 1; k += 1 }
        if k == lengths.count { break }
        lengths[k] += 1
    }
    return best
}

/// Classic (unlimited) Huffman cost: sum of all merged weights.
private func huffmanCost(_ freq: [UInt32]) -> Int {
    var w = freq.filter { $0 > 0 }.map { Int($0) }.sorted()
    if w.count <= 1 { return w.first ?? 0 }
    var total = 0
    while w.count > 1 {
        let s = w[0] + w[1]
        total += s
        w.removeFirst(2)
        let at = w.firstIndex { $0 >= s } ?? w.count
        w.insert(s, at: at)
    }
    return total
}

private func isPrefixFree(_ code: CanonicalHuffmanCode) -> Bool {
    let used = code.lengths.indices.filter { code.lengths[$0] > 0 }
    for a in used {
        for b in used where a != b && code.lengths[a] <= code.lengths[b] {
            let la = Int(code.lengths[a]), lb = Int(code.lengths[b])
            if code.code(of: b) >> UInt32(lb - la) == code.code(of: a) { return false }
        }
    }
    return true
}

/// Random frequency tables of several shapes: uniform, skewed, Fibonacci (deep trees), sparse.
private func frequencyTables(count: Int, seed: UInt64) -> [[UInt32]] {
    var g = SplitMix64(seed: seed)
    var tables: [[UInt32]] = []
    for t in 0..<count {
        let n = Int(g.next() % 300) + 1
        var f = [UInt32](repeating: 0, count: n)
        for i in 0..<n {
            switch t % 4 {
            case 0: f[i] = UInt32(g.next() % 1000)
            case 1: f[i] = UInt32(1 << (g.next() % 20))
            case 2: f[i] = g.next() % 3 == 0 ? UInt32(g.next() % 50 + 1) : 0
            default: f[i] = 0
            }
        }
        if t % 4 == 3 { // Fibonacci weights force lengths beyond any limit.
            var a: UInt32 = 1, b: UInt32 = 1
            for i in 0..<min(n, 40) { f[i] = a; (a, b) = (b, a &+ b > 1 << 30 ? 1 << 30 : a &+ b) }
        }
        tables.append(f)
    }
    return tables
}

@Test func packageMergeIsOptimalForTheLimitByBruteForce() throws {
    var g = SplitMix64(seed: 7)
    for _ in 0..<150 {
        let n = Int(g.next() % 6) + 2
        let freq = (0..<n).map { _ in g.next() % 4 == 0 ? UInt32(g.next() % 3) : UInt32(g.next() % 200 + 1) }
        let usedCount = freq.filter { $0 > 0 }.count
        var minLimit = 1
        while 1 << minLimit < usedCount { minLimit += 1 }
        for limit in minLimit...5 {
            let lengths = try HuffmanCodeLengths.compute(freq, limit: limit)
            #expect(lengths.allSatisfy { $0 <= limit })
            #expect(HuffmanCodeLengths.kraftSum(lengths) <= 1 << 15)
            #expect(cost(freq, lengths) == bruteForceCost(freq, limit: limit), "freq \(freq) limit \(limit)")
        }
    }
}

@Test func unrestrictedLimitMatchesClassicHuffman() throws {
    var g = SplitMix64(seed: 11)
    for _ in 0..<200 {
        let n = Int(g.next() % 40) + 1
        let freq = (0..<n).map { _ in UInt32(g.next() % 1000) }
        let lengths = try HuffmanCodeLengths.compute(freq, limit: 15)
        // With ≤ 40 symbols of weight < 1000 no Huffman code is deeper than 15.
        #expect(cost(freq, lengths) == huffmanCost(freq), "freq \(freq)")
    }
}

@Test func everyCodeSatisfiesKraftAndIsPrefixFree() throws {
    for freq in frequencyTables(count: 120, seed: 5) {
        for limit in [9, 12, 15] {
            let used = freq.filter { $0 > 0 }.count
            guard used <= 1 << limit else { continue }
            let lengths = try HuffmanCodeLengths.compute(freq, limit: limit)
            #expect(lengths.allSatisfy { $0 <= limit })
            #expect(zip(freq, lengths).allSatisfy { ($0.0 == 0) == ($0.1 == 0) })
            #expect(HuffmanCodeLengths.kraftSum(lengths) <= 1 << 15)
            let code = try CanonicalHuffmanCode(lengths: lengths)
            #expect(isPrefixFree(code))
        }
    }
}

@Test func tooManySymbolsForTheLimitIsRejected() {
    #expect(throws: CodecError.self) { try HuffmanCodeLengths.compute([UInt32](repeating: 1, count: 9), limit: 3) }
    #expect(throws: CodecError.self) { try HuffmanCodeLengths.compute([1, 2], limit: 16) }
}

@Test func oversubscribedLengthsAreRejected() {
    #expect(throws: CodecError.self) { try CanonicalHuffmanCode(lengths: [1, 1, 1]) }
    #expect(throws: CodecError.self) { try HuffmanDecodingTable(lengths: [0, 0]) }
}

@Test func headerAndTableDecodeRoundTrip() throws {
    var g = SplitMix64(seed: 3)
    for freq in frequencyTables(count: 60, seed: 9) {
        let lengths = try HuffmanCodeLengths.compute(freq, limit: 15)
        guard lengths.contains(where: { $0 > 0 }) else { continue }
        let code = try CanonicalHuffmanCode(lengths: lengths)
        let used = lengths.indices.filter { lengths[$0] > 0 }
        let symbols = (0..<2000).map { _ in used[Int(g.next() % UInt64(used.count))] }
        var w = BitWriter()
        try CodeLengthHeader.write(lengths, to: &w)
        for s in symbols { w.write(UInt64(code.code(of: s)), count: Int(lengths[s])) }
        let bytes = w.finish()
        try bytes.withUnsafeBytes { (raw) throws(CodecError) in
            var r = BitReader(raw)
            let back = try CodeLengthHeader.read(from: &r, alphabetSize: lengths.count)
            #expect(back == lengths)
            for tableBits in [1, 5, 11] {
                var r2 = r
                let table = try HuffmanDecodingTable(lengths: back, tableBits: tableBits)
                var decoded: [Int] = []
                for _ in symbols { decoded.append(try table.decode(&r2)) }
                #expect(decoded == symbols)
                try r2.checkNotOverrun()
            }
            if lengths.count <= 256 {
                var r3 = r
                let table = try HuffmanDecodingTable(lengths: back, tableBits: 12)
                var out = [UInt8](repeating: 0, count: symbols.count)
                let ok = out.withUnsafeMutableBufferPointer { table.decodeBytes(&r3, count: symbols.count, into: $0.baseAddress!) }
                #expect(ok)
                #expect(out.map(Int.init) == symbols)
            }
        }
    }
}

@Test func corruptHeadersNeverTrap() {
    var g = SplitMix64(seed: 21)
    var accepted = 0
    for _ in 0..<3000 {
        let bytes = (0..<Int(g.next() % 80)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        bytes.withUnsafeBytes { raw in
            var r = BitReader(raw)
            if let lengths = try? CodeLengthHeader.read(from: &r, alphabetSize: 256) {
                accepted += 1
                #expect(HuffmanCodeLengths.kraftSum(lengths) <= 1 << 15)
                if let table = try? HuffmanDecodingTable(lengths: lengths) {
                    var out = [UInt8](repeating: 0, count: 500)
                    _ = out.withUnsafeMutableBufferPointer { table.decodeBytes(&r, count: 500, into: $0.baseAddress!) }
                }
            }
        }
    }
    #expect(accepted < 3000)
}
