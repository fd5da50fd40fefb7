import Testing
import Entropy
import TestSupport

/// A static random model: frequencies summing to at most 2^16.
private func randomModel(_ g: inout SplitMix64) -> [UInt32] {
    let n = Int(g.next() % 300) + 1
    let skew = g.next() % 3
    var f = (0..<n).map { _ in UInt32(skew == 0 ? g.next() % 50 + 1 : 1 << (g.next() % 10)) }
    var total = f.reduce(0, +)
    while total > 1 << 16 { f = f.map { max(1, $0 / 2) }; total = f.reduce(0, +) }
    return f
}

@Test func rangeCoderRoundTripsRandomModelsAndBits() throws {
    var g = SplitMix64(seed: 42)
    for round in 0..<40 {
        let freq = randomModel(&g)
        var cum: [UInt32] = [0]
        for f in freq { cum.append(cum.last! + f) }
        let total = cum.last!
        // Symbols drawn from the model, interleaved with bits of random probability.
        var events: [(Int, UInt32)] = []
        for _ in 0..<5000 {
            if g.next() % 4 == 0 {
                let p = UInt32(g.next() % 65535) + 1
                events.append((-1 - Int(g.next() % 2), p))
            } else {
                let t = UInt32(g.next() % UInt64(total))
                events.append((cum.firstIndex { $0 > t }! - 1, 0))
            }
        }
        var enc = RangeEncoder()
        var idealBits = 0.0
        for (s, p) in events {
            if s < 0 {
                enc.encodeBit(s == -2, probabilityOfOne: p)
                idealBits -= (s == -2 ? log2(Double(p) / 65536) : log2(1 - Double(p) / 65536))
            } else {
                enc.encode(cumulative: cum[s], frequency: freq[s], total: total)
                idealBits -= log2(Double(freq[s]) / Double(total))
            }
        }
        let coded = enc.finish()
        #expect(Double(coded.count) <= idealBits / 8 * 1.001 + 8, "round \(round)")
        try coded.withUnsafeBytes { (raw) throws(CodecError) in
            var dec = RangeDecoder(raw)
            for (k, (s, p)) in events.enumerated() {
                if s < 0 {
                    let bit = dec.decodeBit(probabilityOfOne: p)
                    #expect(bit == (s == -2), "event \(k)")
                } else {
                    let t = try dec.decodeTarget(total: total)
                    let d = cum.firstIndex { $0 > t }! - 1
                    #expect(d == s, "event \(k)")
                    dec.consume(cumulative: cum[d], frequency: freq[d])
                }
            }
            try dec.finish()
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

@Test func adaptiveFrequencyModelStaysConsistent() {
    var g = SplitMix64(seed: 8)
    let ctx = UnsafeMutablePointer<UInt16>.allocate(capacity: AdaptiveFrequencyModel.stride)
    defer { ctx.deallocate() }
    AdaptiveFrequencyModel.initialize(ctx)
    for step in 0..<20_000 {
        let s = step % 7 == 0 ? Int(g.next() % 256) : Int(g.next() % 8) * 3
        let total = AdaptiveFrequencyModel.total(ctx)
        let (cum, freq) = AdaptiveFrequencyModel.interval(of: s, in: ctx)
        #expect(freq >= 1 && cum + freq <= total && total <= 1 << 16)
        let hit = AdaptiveFrequencyModel.symbol(at: cum + UInt32(g.next() % UInt64(freq)), in: ctx)
        #expect(hit.symbol == s && hit.cumulative == cum && hit.frequency == freq)
        AdaptiveFrequencyModel.update(s, in: ctx)
    }
    var sum: UInt32 = 0
    for s in 0..<256 { sum += UInt32(ctx[s]) }
    #expect(sum == AdaptiveFrequencyModel.total(ctx))
}

@Test func bitwiseByteCoderRoundTripsAndMatchesItsCost() throws {
    let input = Generators.skewed(50_000)
    let tree = UnsafeMutablePointer<AdaptiveBitProbability>.allocate(capacity: 256 * 256)
    defer { tree.deallocate() }
    tree.initialize(repeating: AdaptiveBitProbability(), count: 256 * 256)
    var enc = RangeEncoder()
    var prev = 0
    for b in input {
        _ = enc.code(byte: b, tree: tree + prev * 256)
        prev = Int(b)
    }
    let coded = enc.finish()
    tree.update(repeating: AdaptiveBitProbability(), count: 256 * 256)
    var cost = 0.0
    prev = 0
    for b in input { cost += BinaryArithmeticCoder.costOfByte(b, tree: tree + prev * 256); prev = Int(b) }
    #expect(Double(coded.count) <= cost / 8 * 1.001 + 8)
    #expect(Double(coded.count) >= cost / 8 - 1)
    tree.update(repeating: AdaptiveBitProbability(), count: 256 * 256)
    try coded.withUnsafeBytes { (raw) throws(CodecError) in
        var dec = RangeDecoder(raw)
        prev = 0
        var out: [UInt8] = []
        for _ in input {
            let b = dec.code(byte: 0, tree: tree + prev * 256)
            out.append(b); prev = Int(b)
        }
        #expect(out == input)
        try dec.finish()
    }
}

@Test func bitProbabilityStaysInRange() {
    var p = AdaptiveBitProbability()
    for k in 0..<10_000 { p.update(k < 5000, shift: 4); #expect(p.value >= 1 && p.value <= 65535) }
    #expect(p.value < 100)
}

@Test(arguments: Array(AdaptiveArithmeticCoding.models))
func adaptiveCoderSizeMatchesModelCost(model: Int) throws {
    for (name, input) in Generators.adversarial() + [("paper1", try TestCorpus.bytes("calgary", "paper1"))] {
        var out = ByteBuffer()
        try input.withUnsafeBytes { raw in try AdaptiveArithmeticCoding.encode(raw, model: model, into: &out) }
        let bits = try AdaptiveModelCost.codeLength(of: input, order: model)
        let predicted = bits / 8
        #expect(Double(out.count) <= predicted * 1.001 + 10, "\(name) model \(model): \(out.count) vs \(predicted)")
        #expect(Double(out.count) >= predicted - 1, "\(name) model \(model): \(out.count) vs \(predicted)")
        var back = [UInt8](repeating: 0, count: input.count)
        let coded = out.bytes
        try coded.withUnsafeBytes { raw in
            try back.withUnsafeMutableBufferPointer { dst in
                if let p = dst.baseAddress { try AdaptiveArithmeticCoding.decode(raw, model: model, count: input.count, into: p) }
            }
        }
        #expect(back == input, "\(name) model \(model)")
    }
}

@Test(arguments: Array(AdaptiveArithmeticCoding.models))
func corruptRangeStreamsNeverTrap(model: Int) {
    var g = SplitMix64(seed: UInt64(model) + 100)
    var failures = 0
    for _ in 0..<60 {
        let junk = (0..<Int(g.next() % 2000)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        var out = [UInt8](repeating: 0, count: 3000)
        junk.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { dst in
                do { try AdaptiveArithmeticCoding.decode(raw, model: model, count: 3000, into: dst.baseAddress!) } catch { failures += 1 }
            }
        }
    }
    #expect(failures > 0)
}
