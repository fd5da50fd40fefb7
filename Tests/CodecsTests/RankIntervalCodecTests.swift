import Testing
import Codecs
import TestSupport

/// `rank` and `interval` at every level.
private let configs: [String] = [RecencyRankCodec.descriptor, IntervalCodec.descriptor].flatMap { d in
    d.levels.map { "\(d.name) \($0)" }
}

private func codec(_ config: String) throws -> any Codec {
    let parts = config.split(separator: " ")
    let d = try #require(CodecRegistry.ours.named(String(parts[0])))
    return d.make(try #require(Int(parts[1])))
}

private func decodeCount(_ c: any Codec, _ coded: [UInt8], _ count: Int) -> Int? {
    var out = ByteBuffer()
    do {
        try coded.withUnsafeBytes { raw in try c.decode(raw, originalCount: count, into: &out) }
    } catch {
        return nil
    }
    return out.count
}

@Suite struct RankIntervalCodecTests {
    @Test func registered() {
        #expect(CodecRegistry.ours.named("rank")?.id == 11)
        #expect(CodecRegistry.ours.named("interval")?.id == 12)
    }

    @Test(arguments: configs)
    func adversarialRoundTrip(_ config: String) throws {
        let c = try codec(config)
        for (name, input) in Generators.adversarial() {
            let coded = try roundTrip(c, input)
            // Deterministic: the same input gives the same bytes.
            #expect(try roundTrip(c, input) == coded, "\(config) \(name)")
        }
    }

    @Test(.tags(.corpus), .slowTier, arguments: configs)
    func corpusRoundTrip(_ config: String) throws {
        let c = try codec(config)
        for entry in TestCorpus.manifest where entry.size <= 1 << 20 {
            try roundTrip(c, try readFile(entry.path))
        }
    }

    @Test(.tags(.corpus), .slowTier) func largeFilesOnce() throws {
        // The big files once, at the default (arithmetic) level of each codec.
        for d in [RecencyRankCodec.descriptor, IntervalCodec.descriptor] {
            let c = d.make(d.defaultLevel)
            for entry in TestCorpus.manifest where entry.size > 1 << 20 {
                try roundTrip(c, try readFile(entry.path))
            }
        }
    }

    @Test(.tags(.ratio), .slowTier) func arithmeticBeatsGammaOnText() throws {
        let book = try TestCorpus.bytes("calgary", "book1")
        for d in [RecencyRankCodec.descriptor, IntervalCodec.descriptor] {
            let gamma = try roundTrip(d.make(1), book).count
            let arith = try roundTrip(d.make(6), book).count
            #expect(arith < gamma, "\(d.name): \(arith) vs \(gamma)")
            #expect(arith < book.count, "\(d.name) compresses book1")
        }
    }

    @Test(.tags(.corpus), .slowTier, arguments: configs)
    func corruptInputNeverTraps(_ config: String) throws {
        let c = try codec(config)
        let input = Array(try TestCorpus.bytes("canterbury", "xargs.1").prefix(3000))
        let coded = try roundTrip(c, input)
        for cut in stride(from: 0, to: coded.count, by: max(1, coded.count / 61)) {
            if let n = decodeCount(c, Array(coded[0..<cut]), input.count) { #expect(n == input.count) }
        }
        for i in stride(from: 0, to: coded.count, by: max(1, coded.count / 61)) {
            var bad = coded
            bad[i] ^= UInt8(1 << (i % 8))
            if let n = decodeCount(c, bad, input.count) { #expect(n == input.count, "flip at \(i)") }
        }
        for seed in 0..<20 {
            var junk = Generators.random(Int(seed) * 53 % 700 + 1, seed: UInt64(seed) + 7)
            junk[0] = UInt8(1 + seed % 6)  // a valid selector, so the value decoder runs on junk
            for count in [0, 1, 100, 5000] {
                if let n = decodeCount(c, junk, count) { #expect(n == count) }
            }
        }
        #expect(decodeCount(c, [0], 1) == nil)   // unknown selector
        #expect(decodeCount(c, [], 1) == nil)
    }
}
