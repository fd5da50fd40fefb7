import Testing
import Entropy
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The three ANS coders as one interface for the tests.
enum ANSVariant: String, CaseIterable, CustomStringConvertible, Sendable {
    case tans10, tans12, tansAuto, rans, adaptive
    var description: String { rawValue }

    func encode(_ input: [UInt8]) throws -> [UInt8] {
        var out = ByteBuffer()
        try input.withUnsafeBytes { (raw) in
            switch self {
            case .tans10: try TANS.encode(raw, maxTableLog: 10, into: &out)
            case .tans12: try TANS.encode(raw, maxTableLog: 12, into: &out)
            case .tansAuto: try TANS.encode(raw, minTableLog: 12, into: &out)
            case .rans: try InterleavedRANS.encode(raw, maxTableLog: 15, into: &out)
            case .adaptive: AdaptiveRANS.encode(raw, into: &out)
            }
        }
        return out.bytes
    }

    func decode(_ coded: [UInt8], count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0xEE, count: count + 1)
        try coded.withUnsafeBytes { (raw) in
            try out.withUnsafeMutableBufferPointer { (dst) in
                guard let d = dst.baseAddress else { return }
                switch self {
                case .tans10, .tans12, .tansAuto: try TANS.decode(raw, count: count, into: d)
                case .rans: try InterleavedRANS.decode(raw, count: count, into: d)
                case .adaptive: try AdaptiveRANS.decode(raw, count: count, into: d)
                }
            }
        }
        // The decoder writes exactly `count` bytes, not one more.
        guard out[count] == 0xEE else { throw CodecError.corrupt("decoder wrote past the end") }
        return Array(out.prefix(count))
    }
}

private func histogram(_ bytes: [UInt8]) -> [UInt32] {
    var h = [UInt32](repeating: 0, count: 256)
    for b in bytes { h[Int(b)] += 1 }
    return h
}

private func entropyBits(_ h: [UInt32]) -> Double {
    let n = Double(h.reduce(0) { $0 + Int($1) })
    return h.reduce(0.0) { acc, c in c == 0 ? acc : acc - Double(c) * log2(Double(c) / n) }
}

@Suite struct ANSNormalisationTests {
    static func adversarialHistograms() -> [(String, [UInt32])] {
        var cases: [(String, [UInt32])] = []
        var one = [UInt32](repeating: 0, count: 256); one[200] = 12345
        cases.append(("one symbol", one))
        cases.append(("all 256 equal", [UInt32](repeating: 1000, count: 256)))
        var huge = [UInt32](repeating: 1, count: 256); huge[7] = 4_000_000_000
        cases.append(("one huge, 255 tiny", huge))
        var two = [UInt32](repeating: 0, count: 256); two[0] = 1; two[255] = 3_000_000_000
        cases.append(("one huge, one tiny", two))
        var g = SplitMix64(seed: 7)
        for k in 0..<40 {
            let present = Int(g.next() % 256) + 1
            var h = [UInt32](repeating: 0, count: 256)
            for _ in 0..<present { h[Int(g.next() % 256)] = UInt32(truncatingIfNeeded: g.next() % (k % 2 == 0 ? 100 : 10_000_000)) + 1 }
            cases.append(("random \(k)", h))
        }
        return cases
    }

    @Test func invariantsAndOptimality() throws {
        for (name, h) in Self.adversarialHistograms() {
            let present = h.filter { $0 > 0 }.count
            for log in NormalizedFrequencies.minTableLog...NormalizedFrequencies.maxTableLog where 1 << log >= present {
                let f = try NormalizedFrequencies(histogram: h, tableLog: log)
                #expect(f.counts.reduce(0) { $0 + Int($1) } == 1 << log, "\(name) log \(log): sum")
                for s in 0..<256 {
                    #expect((h[s] > 0) == (f.counts[s] > 0), "\(name) log \(log): symbol \(s) count \(h[s]) got \(f.counts[s])")
                }
                // No single slot moved between two symbols lowers the cost.
                var bestGain = 0.0, leastLoss = Double.infinity
                var gainAt = -1
                for s in 0..<256 where h[s] > 0 {
                    let c = Double(h[s]), x = Double(f.counts[s])
                    let gain = c * (log2(x + 1) - log2(x))
                    if gain > bestGain { bestGain = gain; gainAt = s }
                }
                for s in 0..<256 where f.counts[s] > 1 && s != gainAt {
                    let c = Double(h[s]), x = Double(f.counts[s])
                    leastLoss = min(leastLoss, c * (log2(x) - log2(x - 1)))
                }
                #expect(bestGain <= leastLoss * (1 + 1e-9) + 1e-6, "\(name) log \(log): a move would save \(bestGain - leastLoss) bits")
            }
        }
    }

    @Test func tooManySymbolsForTheTableIsAnError() {
        #expect(throws: CodecError.self) {
            try NormalizedFrequencies(histogram: [UInt32](repeating: 1, count: 256), tableLog: 7)
        }
        #expect(throws: CodecError.self) {
            try NormalizedFrequencies(histogram: [UInt32](repeating: 0, count: 256), tableLog: 12)
        }
    }

    @Test func headerRoundTrip() throws {
        for (name, h) in Self.adversarialHistograms() {
            let present = h.filter { $0 > 0 }.count
            for log in [8, 11, 12, 15] where 1 << log >= present {
                let f = try NormalizedFrequencies(histogram: h, tableLog: log)
                var w = BitWriter()
                f.write(to: &w)
                let bytes = w.finish().bytes
                let back = try bytes.withUnsafeBytes { raw in
                    var r = BitReader(raw)
                    return try NormalizedFrequencies.read(from: &r, tableLog: log)
                }
                #expect(back == f, "\(name) log \(log)")
            }
        }
    }

    /// Whatever the header bytes, reading gives valid counts or an error.
    @Test func randomHeadersAreValidOrRejected() {
        var rejected = 0
        for seed in 0..<2000 {
            let junk = Generators.random(Int(seed % 300), seed: UInt64(seed) + 11)
            let log = 5 + seed % 11
            do {
                let f = try junk.withUnsafeBytes { raw in
                    var r = BitReader(raw)
                    return try NormalizedFrequencies.read(from: &r, tableLog: log)
                }
                #expect(f.counts.reduce(0) { $0 + Int($1) } == 1 << log)
            } catch {
                rejected += 1
            }
        }
        #expect(rejected > 0)
    }

    @Test func badCountsAreRejected() {
        var over = [UInt32](repeating: 0, count: 256); over[0] = 4000; over[1] = 100
        #expect(throws: CodecError.self) { try NormalizedFrequencies(counts: over, tableLog: 12) }
        var under = [UInt32](repeating: 0, count: 256); under[0] = 4000
        #expect(throws: CodecError.self) { try NormalizedFrequencies(counts: under, tableLog: 12) }
        #expect(throws: CodecError.self) { try NormalizedFrequencies(counts: [UInt32](repeating: 16, count: 256), tableLog: 16) }
        // A header whose first count claims more than the table: k = 0, gap 1, count 5000.
        var w = BitWriter()
        w.write(0, count: 4)
        EliasGamma.encode(1, to: &w)
        EliasGamma.encode(5000, to: &w)
        let bytes = w.finish().bytes
        #expect(throws: CodecError.self) {
            try bytes.withUnsafeBytes { raw in
                var r = BitReader(raw)
                _ = try NormalizedFrequencies.read(from: &r, tableLog: 12)
            }
        }
    }

    @Test func spreadUsesEachSlotOnceAndMatchesCounts() throws {
        for (name, h) in Self.adversarialHistograms().prefix(10) {
            let f = try NormalizedFrequencies(histogram: h, tableLog: 11)
            let spread = TANS.spread(f)
            #expect(histogram(spread) == f.counts, "\(name)")
        }
    }
}

@Suite struct ANSRoundTripTests {
    static func inputs() -> [(String, [UInt8])] {
        var cases = Generators.adversarial().filter { !$0.1.isEmpty }
        cases.append(("1 byte 0xFF", [0xFF]))
        cases.append(("2 bytes", [1, 2]))
        cases.append(("3 bytes", [9, 9, 1]))
        cases.append(("all same 5", [UInt8](repeating: 7, count: 5)))
        cases.append(("random 257", Generators.random(257, seed: 5)))
        cases.append(("skewed 4099", Generators.skewed(4099, seed: 6)))
        var g = SplitMix64(seed: 8)
        cases.append(("one rare among many", (0..<50_000).map { _ in g.next() % 20_000 == 0 ? 1 : 0 }))
        // Statistics that change halfway (what the adaptive model must follow).
        cases.append(("drifting", Generators.skewed(30_000, seed: 9) + Generators.random(30_000, seed: 10)))
        return cases
    }

    @Test(arguments: ANSVariant.allCases)
    func exactRoundTrips(_ v: ANSVariant) throws {
        for (name, input) in Self.inputs() {
            let coded = try v.encode(input)
            #expect(try v.decode(coded, count: input.count) == input, "\(v) on \(name)")
        }
    }

    @Test func everyTableLogRoundTrips() throws {
        let input = Generators.skewed(20_000, seed: 12) + [0, 255, 128]
        for log in NormalizedFrequencies.minTableLog...TANS.maxTableLog {
            let h = histogram(input)
            let present = h.filter { $0 > 0 }.count
            guard 1 << log >= present else { continue }
            let f = try NormalizedFrequencies(histogram: h, tableLog: log)
            var out = ByteBuffer()
            try input.withUnsafeBytes { raw in try TANS.encode(raw, frequencies: f, into: &out) }
            #expect(try ANSVariant.tans12.decode(out.bytes, count: input.count) == input, "tANS log \(log)")
            var r = ByteBuffer()
            try input.withUnsafeBytes { raw in try InterleavedRANS.encode(raw, frequencies: f, into: &r) }
            #expect(try ANSVariant.rans.decode(r.bytes, count: input.count) == input, "rANS log \(log)")
        }
    }

    /// The explainer's one-step views agree with the tables the coders use.
    @Test func encoderAndDecoderTablesAreInverse() throws {
        let f = try NormalizedFrequencies(histogram: histogram(Generators.skewed(10_000)), tableLog: 9)
        let enc = TANS.EncodingTable(f), dec = TANS.DecodingTable(f)
        for x in f.tableSize..<(2 * f.tableSize) {
            for s in 0..<256 where f.counts[s] > 0 {
                let step = enc.step(state: x, symbol: UInt8(s))
                let e = dec.entry(step.next - f.tableSize)
                #expect(e.symbol == UInt8(s))
                #expect(e.bits == step.bits)
                #expect(e.base + step.value + f.tableSize == x)
            }
        }
    }
}

@Suite struct ANSSizeTests {
    /// Large files are capped in debug builds; the release suite codes them whole.
    static var cap: Int {
        #if DEBUG
        return 600_000
        #else
        return .max
        #endif
    }

    /// Static tANS (2^12, larger where that pays) and rANS (2^15) cost at
    /// most n·H0·1.005 plus their header and a few bytes of final state on
    /// every corpus file.
    @Test(arguments: [ANSVariant.tansAuto, .rans])
    func withinHalfAPercentOfH0(_ v: ANSVariant) throws {
        for e in TestCorpus.manifest {
            let data = Array(try TestCorpus.bytes(e.set, e.name).prefix(Self.cap))
            guard !data.isEmpty else { continue }
            let h = histogram(data)
            let coded = try v.encode(data)
            #expect(try v.decode(coded, count: data.count) == data, "\(v) on \(e)")
            // Header: the table log byte plus the counts, rounded to bytes.
            let log = Int(coded[0])
            let f = try coded.withUnsafeBytes { raw in
                var r = BitReader(UnsafeRawBufferPointer(rebasing: raw[1...]))
                return try NormalizedFrequencies.read(from: &r, tableLog: log)
            }
            var w = BitWriter()
            f.write(to: &w)
            let header = 1 + w.finish().count
            let bound = entropyBits(h) * 1.005 / 8 + Double(header) + 20
            #expect(Double(coded.count) <= bound, "\(v) on \(e): \(coded.count) bytes, n \(data.count), H0 \(Int(entropyBits(h) / 8)) + header \(header)")
        }
    }

    /// The adaptive coder pays for learning, but not much on order-0-stationary files.
    @Test func adaptiveIsCloseToH0() throws {
        for name in ["alice29.txt", "ptt5", "kennedy.xls"] {
            let data = try TestCorpus.bytes("canterbury", name)
            let coded = try ANSVariant.adaptive.encode(data)
            #expect(try ANSVariant.adaptive.decode(coded, count: data.count) == data)
            let bound = entropyBits(histogram(data)) * 1.02 / 8 + 400
            #expect(Double(coded.count) <= bound, "adaptive on \(name): \(coded.count) bytes")
        }
    }
}

@Suite struct ANSCorruptInputTests {
    /// Truncations and bit flips anywhere: an error or exactly `count` bytes, never a trap.
    @Test(arguments: ANSVariant.allCases)
    func damagedStreams(_ v: ANSVariant) throws {
        let input = Array(try TestCorpus.bytes("canterbury", "fields.c").prefix(4000))
        let coded = try v.encode(input)
        var errors = 0
        for cut in 0..<coded.count {
            do { _ = try v.decode(Array(coded.prefix(cut)), count: input.count) } catch { errors += 1 }
        }
        // Every truncation is caught: the stream must be consumed exactly.
        #expect(errors == coded.count, "\(v): \(coded.count - errors) truncations decoded")
        var flipsCaught = 0, flips = 0
        for i in 0..<coded.count {
            for bit in [0, 5] {
                var bad = coded
                bad[i] ^= UInt8(1 << bit)
                flips += 1
                do {
                    let out = try v.decode(bad, count: input.count)
                    #expect(out.count == input.count)
                } catch {
                    flipsCaught += 1
                }
            }
        }
        // The final-state check catches most damage (a flip can still decode to other bytes).
        #expect(flipsCaught * 2 > flips, "\(v): only \(flipsCaught) of \(flips) flips detected")
        for wrong in [1, input.count - 1, input.count + 1, input.count * 3] {
            do { _ = try v.decode(coded, count: wrong) } catch { continue }
        }
        for seed in 0..<200 {
            let junk = Generators.random(seed * 7 % 600, seed: UInt64(seed) + 500)
            for count in [1, 7, 300] {
                if let out = try? v.decode(junk, count: count) { #expect(out.count == count) }
            }
        }
    }

    @Test func corruptTablesAreErrors() throws {
        let input = Array(try TestCorpus.bytes("canterbury", "alice29.txt").prefix(5000))
        for v in [ANSVariant.tans12, .tansAuto, .rans] {
            let coded = try v.encode(input)
            // Table log out of range.
            for bad: UInt8 in [0, 4, 16, 255] {
                var b = coded; b[0] = bad
                if v != .rans || bad != 0 {
                    #expect(throws: CodecError.self, "\(v): table log \(bad)") { try v.decode(b, count: input.count) }
                }
            }
            // Header zeroed: a γ code of 20+ zero bits gives a gap past symbol 255.
            var b = coded; b[1] = 0; b[2] = 0; b[3] = 0
            #expect(throws: CodecError.self, "\(v): bad gap") { try v.decode(b, count: input.count) }
        }
    }
}
