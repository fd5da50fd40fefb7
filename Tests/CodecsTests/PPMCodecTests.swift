import Testing
import Codecs
import TestSupport

/// The PPM codecs (`ppm`, `ppmc`, `ppmd`) and the teaching variant PPMA.

private let ppmNames = ["ppm", "ppmc", "ppmd"]

private func ppmEncode(_ c: PPMCodec, _ input: [UInt8]) throws -> [UInt8] {
    var out = ByteBuffer()
    try input.withUnsafeBytes { raw in try c.encode(raw, into: &out) }
    return out.bytes
}

/// Decodes; nil if the decoder threw (a CodecError is the only thing it may throw).
private func ppmDecode(_ c: PPMCodec, _ coded: [UInt8], count: Int) -> [UInt8]? {
    var out = ByteBuffer()
    do {
        try coded.withUnsafeBytes { raw in try c.decode(raw, originalCount: count, into: &out) }
    } catch {
        #expect(error is CodecError)
        return nil
    }
    return out.bytes
}

@Test func ppmCodecsAreRegisteredWithReservedIds() throws {
    #expect(CodecRegistry.ours.named("ppm")?.id == 8)
    #expect(CodecRegistry.ours.named("ppmc")?.id == 9)
    #expect(CodecRegistry.ours.named("ppmd")?.id == 10)
    let d = try #require(CodecRegistry.ours.named("ppm"))
    #expect(d.levels == Array(1...9))
    #expect(d.defaultLevel == 5)
}

/// Every variant on the adversarial inputs and every corpus file outside the
/// multi-MiB "large" set (covered by the harness runs, too slow for the suite).
@Test(arguments: ppmNames)
func ppmRoundTripsAdversarialInputsAndCorpusFiles(name: String) throws {
    let d = try #require(CodecRegistry.ours.named(name))
    let codec = d.make(d.defaultLevel)
    for (label, input) in Generators.adversarial(large: false) {
        do { try roundTrip(codec, input) } catch { Issue.record("\(name) on \(label): \(error)") }
    }
    let manifest = TestCorpus.manifest
    #expect(manifest.count >= 30)
    for entry in manifest where entry.set != "large" {
        let input = try readFile(entry.path)
        do { try roundTrip(codec, input) } catch { Issue.record("\(name) on \(entry): \(error)") }
    }
}

/// Every level of every variant (and PPMA) on small files and tiny inputs.
@Test(arguments: [PPMVariant.a, .c, .d, .strong])
func ppmRoundTripsAtEveryLevel(variant: PPMVariant) throws {
    let inputs: [[UInt8]] = [
        [], [0], [255, 255], Array("abracadabra".utf8),
        Array(try TestCorpus.bytes("calgary", "progc").prefix(20_000)),
        Array(try TestCorpus.bytes("calgary", "geo").prefix(12_000)),
        Generators.random(3000, seed: 7),
    ]
    for level in PPMCodec.levels {
        let codec = PPMCodec(level: level, variant: variant)
        for input in inputs {
            do { try roundTrip(codec, input) } catch { Issue.record("\(variant) level \(level), \(input.count) bytes: \(error)") }
        }
    }
    // Orders beyond the level table, 1 and 16 included.
    let text = Array(try TestCorpus.bytes("calgary", "paper1").prefix(30_000))
    for order in [1, 7, 16] {
        try roundTrip(PPMCodec(order: order, memoryLimit: 8 << 20, variant: variant), text)
    }
}

@Test func ppmEmptyInputCodesToNothingAndRandomDataIsStored() throws {
    let codec = PPMCodec()
    #expect(try ppmEncode(codec, []).isEmpty)
    let random = Generators.random(50_000, seed: 11)
    let coded = try roundTrip(codec, random)
    #expect(coded.count == random.count + 1) // stored marker + raw bytes
}

@Test func ppmIsDeterministic() throws {
    let input = Array(try TestCorpus.bytes("calgary", "paper2").prefix(40_000))
    for variant in PPMVariant.allCases {
        let a = try ppmEncode(PPMCodec(order: 6, variant: variant), input)
        let b = try ppmEncode(PPMCodec(order: 6, variant: variant), input)
        #expect(a == b, "\(variant) coded the same input two ways")
    }
}

/// Each classic idea pays on text: C beats A, D beats C, the strong variant beats D.
@Test func ppmVariantsOrderAsExpectedOnText() throws {
    let input = try TestCorpus.bytes("calgary", "paper1")
    var sizes: [Int] = []
    for variant in [PPMVariant.a, .c, .d, .strong] {
        sizes.append(try roundTrip(PPMCodec(order: 5, variant: variant), input).count)
    }
    #expect(sizes[1] < sizes[0] && sizes[2] < sizes[1] && sizes[3] < sizes[2], "sizes A, C, D, strong: \(sizes)")
}

/// A 1 MiB pool with a 4 MiB input of varied words fills the pool several
/// times: the model restarts, and the decoder must restart at the same
/// symbols. (The issue asks for 50 MiB against the default 256 MiB bound;
/// a small bound exercises the same path in a fraction of the time.)
@Test func ppmRestartsWhenThePoolIsFullAndStillRoundTrips() throws {
    var rng = SplitMix64(seed: 5)
    let words: [[UInt8]] = (0..<20_000).map { _ in
        (0..<(2 + Int(rng.next() % 9))).map { _ in UInt8(97 + rng.next() % 26) }
    }
    var input: [UInt8] = []
    input.reserveCapacity(4 << 20)
    while input.count < 4 << 20 {
        input += words[Int(rng.next() % UInt64(words.count))]
        input.append(rng.next() % 8 == 0 ? 10 : 32)
    }
    for variant in [PPMVariant.strong, .c] {
        let small = PPMCodec(order: 6, memoryLimit: 1 << 20, variant: variant)
        var out = ByteBuffer()
        let restarts = try input.withUnsafeBytes { raw in try small.encodeCountingRestarts(raw, into: &out) }
        #expect(restarts >= 3, "\(variant): \(restarts) restarts")
        #expect(ppmDecode(small, out.bytes, count: input.count) == input)
        #expect(out.count < input.count * 3 / 4) // still modelled between restarts
        // A bound large enough for the whole input never restarts.
        var big = ByteBuffer()
        let none = try Array(input.prefix(1 << 20)).withUnsafeBytes { raw in
            try PPMCodec(order: 6, memoryLimit: 256 << 20, variant: variant).encodeCountingRestarts(raw, into: &big)
        }
        #expect(none == 0)
    }
}

/// Bit flips and truncations of real streams end in a CodecError or in
/// exactly `originalCount` (wrong) bytes — never a trap or a hang.
@Test(arguments: ppmNames)
func ppmSurvivesDamagedStreams(name: String) throws {
    let d = try #require(CodecRegistry.ours.named(name))
    let codec = PPMCodec(level: d.defaultLevel, variant: name == "ppm" ? .strong : name == "ppmc" ? .c : .d)
    let input = Array(try TestCorpus.bytes("calgary", "progp").prefix(6000))
    let coded = try ppmEncode(codec, input)
    #expect(ppmDecode(codec, coded, count: input.count) == input)
    var rng = SplitMix64(seed: 3)
    for _ in 0..<300 {
        var bad = coded
        let at = Int(rng.next() % UInt64(bad.count))
        bad[at] ^= UInt8(1 << (rng.next() % 8))
        if let out = ppmDecode(codec, bad, count: input.count) { #expect(out.count == input.count) }
    }
    for cut in stride(from: 0, to: coded.count, by: 37) {
        if let out = ppmDecode(codec, Array(coded.prefix(cut)), count: input.count) { #expect(out.count == input.count) }
    }
    // Header fields out of range are reported as such.
    var wrongVariant = coded; wrongVariant[1] = 99
    #expect(ppmDecode(codec, wrongVariant, count: input.count) == nil)
    var wrongOrder = coded; wrongOrder[2] = 17
    #expect(ppmDecode(codec, wrongOrder, count: input.count) == nil)
    var hugeMemory = coded; hugeMemory[3] = 0xFF; hugeMemory[4] = 0xFF
    #expect(ppmDecode(codec, hugeMemory, count: input.count) == nil)
    // A stream decoded with a larger original size runs out of input.
    #expect(ppmDecode(codec, coded, count: input.count + 5000) == nil)
}

/// The release test of the issue: `ppm` at its strongest level on the
/// 14-file Calgary set at most 2.00 bits per byte (measured 1.93).
@Test func ppmStrongestMeetsTheCalgaryFloor() throws {
    let d = try #require(CodecRegistry.ours.named("ppm"))
    let codec = d.make(d.strongestLevel)
    var raw = 0, coded = 0
    for name in TestCorpus.calgary14 {
        let input = try TestCorpus.bytes("calgary", name)
        raw += input.count
        coded += try roundTrip(codec, input).count
    }
    let bitsPerByte = Double(coded * 8) / Double(raw)
    #expect(raw == 3_141_622)
    #expect(bitsPerByte <= 2.00, "ppm -\(d.strongestLevel) on Calgary-14: \(bitsPerByte) bits/byte")
}
