import Testing
import Codecs
import TestSupport

/// The PPM codecs: `ppm` (strong) and the teaching variants `ppma`, `ppmb`, `ppmc`, `ppmd`.

private let ppmNames = ["ppm", "ppma", "ppmb", "ppmc", "ppmd"]
private let variantOfName: [String: PPMVariant] = ["ppm": .strong, "ppma": .a, "ppmb": .b, "ppmc": .c, "ppmd": .d]

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
    #expect(CodecRegistry.ours.named("ppma")?.id == 15)
    #expect(CodecRegistry.ours.named("ppmb")?.id == 16)
    let d = try #require(CodecRegistry.ours.named("ppm"))
    #expect(d.levels == Array(1...9))
    #expect(d.defaultLevel == 5)
}

/// Every variant at every level on the adversarial inputs and on the Canterbury
/// and Calgary files, and at the lightest, default and strongest levels on every
/// corpus file (45 cases, which Swift Testing runs in parallel). The levels between
/// differ only in order and memory, which the small files exercise; the large and
/// mixed sets (25 MB) at all nine levels of five variants were a third of the
/// test command's time.
@Test(.tags(.corpus), .slowTier, arguments: ppmNames, PPMCodec.levels)
func ppmRoundTripsCorpusFilesAtEveryLevel(name: String, level: Int) throws {
    let variant = try #require(variantOfName[name])
    let d = try #require(CodecRegistry.ours.named(name))
    #expect(d.levels == PPMCodec.levels)
    let codec = PPMCodec(level: level, variant: variant)
    for (label, input) in Generators.adversarial(large: false) {
        do { try roundTrip(codec, input) } catch { Issue.record("\(name) -\(level) on \(label): \(error)") }
    }
    let manifest = TestCorpus.manifest
    #expect(manifest.count >= 30)
    let everyFile = [PPMCodec.levels.first, PPMCodec.descriptor.defaultLevel, PPMCodec.levels.last].contains(level)
    for entry in manifest where everyFile || entry.set == "canterbury" || entry.set == "calgary" {
        let input = try readFile(entry.path)
        do { try roundTrip(codec, input) } catch { Issue.record("\(name) -\(level) on \(entry): \(error)") }
    }
}

/// Every level of every variant on tiny inputs and file prefixes, and orders off the level table.
@Test(arguments: PPMVariant.allCases)
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

/// Each classic idea pays on text: C beats A and B, D beats C, the strong
/// variant beats D; B (a symbol predicted only once seen twice) beats A on a
/// long text, where its caution about one-off symbols pays.
@Test(.tags(.ratio), .slowTier) func ppmVariantsOrderAsExpectedOnText() throws {
    let input = try TestCorpus.bytes("calgary", "paper1")
    var sizes: [PPMVariant: Int] = [:]
    for variant in PPMVariant.allCases {
        sizes[variant] = try roundTrip(PPMCodec(order: 5, variant: variant), input).count
    }
    let a = try #require(sizes[.a]), b = try #require(sizes[.b]), c = try #require(sizes[.c])
    let d = try #require(sizes[.d]), strong = try #require(sizes[.strong])
    #expect(c < a && c < b && d < c && strong < d, "sizes \(sizes)")
    let book = try TestCorpus.bytes("calgary", "book1")
    let bookA = try roundTrip(PPMCodec(order: 5, variant: .a), book).count
    let bookB = try roundTrip(PPMCodec(order: 5, variant: .b), book).count
    #expect(bookB < bookA, "book1: PPMB \(bookB), PPMA \(bookA)")
}

/// Text of random words from a 20,000-word vocabulary: varied enough at
/// orders 5-6 to keep the model growing.
private func wordSalad(_ count: Int, seed: UInt64) -> [UInt8] {
    var rng = SplitMix64(seed: seed)
    let words: [[UInt8]] = (0..<20_000).map { _ in
        (0..<(2 + Int(rng.next() % 9))).map { _ in UInt8(97 + rng.next() % 26) }
    }
    var input: [UInt8] = []
    input.reserveCapacity(count + 16)
    while input.count < count {
        input += words[Int(rng.next() % UInt64(words.count))]
        input.append(rng.next() % 8 == 0 ? 10 : 32)
    }
    return Array(input.prefix(count))
}

/// The issue's restart test: a 50 MiB generated file fills a 16 MiB model
/// pool several times; the model restarts (the policy of the first format),
/// the decoder restarts at the same symbols, and the output is still modelled between restarts.
@Test func ppmRestartsWhenA50MiBInputFillsThePool() throws {
    let input = wordSalad(50 << 20, seed: 5)
    let codec = PPMCodec(order: 6, memoryLimit: 16 << 20, variant: .strong, policy: .restart)
    var out = ByteBuffer()
    let restarts = try input.withUnsafeBytes { raw in try codec.encodeCountingRestarts(raw, into: &out) }
    #expect(restarts >= 3, "\(restarts) restarts")
    #expect(out.count < input.count * 3 / 4)
    #expect(ppmDecode(codec, out.bytes, count: input.count) == input)
}

/// The same path for the classic variants, in small: a 1 MiB pool and 4 MiB of
/// input. A bound large enough for the whole input never restarts.
@Test(arguments: [PPMVariant.a, .b, .c, .d])
func ppmClassicVariantsRestartWhenThePoolIsFull(variant: PPMVariant) throws {
    let input = wordSalad(4 << 20, seed: 6)
    let small = PPMCodec(order: 6, memoryLimit: 1 << 20, variant: variant, policy: .restart)
    var out = ByteBuffer()
    let restarts = try input.withUnsafeBytes { raw in try small.encodeCountingRestarts(raw, into: &out) }
    #expect(restarts >= 3, "\(variant): \(restarts) restarts")
    #expect(out.bytes.first == 0, "\(variant): a restarting stream keeps marker 0")
    #expect(ppmDecode(small, out.bytes, count: input.count) == input)
    #expect(out.count < input.count * 3 / 4) // still modelled between restarts
    // The same pool frozen instead (the default): marker 1, decodes, and keeps more of the model.
    let frozenCodec = PPMCodec(order: 6, memoryLimit: 1 << 20, variant: variant)
    var frozen = ByteBuffer()
    let fills = try input.withUnsafeBytes { raw in try frozenCodec.encodeCountingRestarts(raw, into: &frozen) }
    #expect(fills == 1 && frozen.bytes.first == 1, "\(variant): \(fills) fills, marker \(frozen.bytes.first ?? 0)")
    #expect(ppmDecode(frozenCodec, frozen.bytes, count: input.count) == input)
    var big = ByteBuffer()
    let none = try Array(input.prefix(1 << 20)).withUnsafeBytes { raw in
        try PPMCodec(order: 6, memoryLimit: 256 << 20, variant: variant).encodeCountingRestarts(raw, into: &big)
    }
    #expect(none == 0)
}

/// Text that repeats every `period` bytes: the first `period` bytes of
/// Calgary book1 and paper1 (both text), copied `copies` times.
private func repeatingText(period: Int, copies: Int) throws -> [UInt8] {
    let one = Array((try TestCorpus.bytes("calgary", "book1") + TestCorpus.bytes("calgary", "paper1")).prefix(period))
    return Array([[UInt8]](repeating: one, count: copies).joined())
}

/// The issue's memory target in small: order 16 on 1 MiB of text repeating
/// every 256 KiB fills a 4 MiB pool. Frozen (the default) and restarting
/// streams both round-trip, each names its policy in the marker byte, and
/// freezing is at least 25 % smaller than restarting (measured: see
/// docs/PPM.md). Input that fits the pool codes to the same bytes either way,
/// with marker 0, as every stream did before the policy existed.
@Test(.tags(.ratio)) func ppmFrozenPoolBeatsRestartingOnRepeatingText() throws {
    let input = try repeatingText(period: 256 << 10, copies: 4)
    let frozen = PPMCodec(order: 16, memoryLimit: 4 << 20, variant: .strong)
    let restarting = PPMCodec(order: 16, memoryLimit: 4 << 20, variant: .strong, policy: .restart)
    var a = ByteBuffer(), b = ByteBuffer()
    let fills = try input.withUnsafeBytes { raw in try frozen.encodeCountingRestarts(raw, into: &a) }
    let restarts = try input.withUnsafeBytes { raw in try restarting.encodeCountingRestarts(raw, into: &b) }
    #expect(fills == 1 && restarts >= 1, "the pool must fill: \(fills) fills, \(restarts) restarts")
    #expect(a.bytes.first == PPMPoolPolicy.freeze.rawValue && b.bytes.first == PPMPoolPolicy.restart.rawValue)
    #expect(ppmDecode(frozen, a.bytes, count: input.count) == input)
    #expect(ppmDecode(restarting, b.bytes, count: input.count) == input)
    // The decoder follows the marker, not the codec's own policy.
    #expect(ppmDecode(restarting, a.bytes, count: input.count) == input)
    #expect(a.count * 4 <= b.count * 3, "frozen \(a.count) B, restarting \(b.count) B")
    // A pool that holds the whole input: no fill, the same stream under both policies.
    let fits = Array(input.prefix(64 << 10))
    let x = try ppmEncode(frozen, fits), y = try ppmEncode(restarting, fits)
    #expect(x == y && x.first == 0)
}

/// A frozen stream, damaged: bit flips and truncations end in a CodecError
/// or in exactly `originalCount` bytes.
@Test func ppmSurvivesDamagedFrozenStreams() throws {
    let input = try repeatingText(period: 24 << 10, copies: 3)
    let codec = PPMCodec(order: 16, memoryLimit: 1 << 20, variant: .strong)
    let coded = try ppmEncode(codec, input)
    #expect(coded.first == 1, "the 1 MiB pool must fill and freeze")
    #expect(ppmDecode(codec, coded, count: input.count) == input)
    var rng = SplitMix64(seed: 11)
    for _ in 0..<60 {
        var bad = coded
        let at = 5 + Int(rng.next() % UInt64(bad.count - 5))
        bad[at] ^= UInt8(1 << (rng.next() % 8))
        if let out = ppmDecode(codec, bad, count: input.count) { #expect(out.count == input.count) }
    }
    for cut in stride(from: 0, to: coded.count, by: coded.count / 23 + 1) {
        if let out = ppmDecode(codec, Array(coded.prefix(cut)), count: input.count) { #expect(out.count == input.count) }
    }
    var unknownMarker = coded; unknownMarker[0] = 2
    #expect(ppmDecode(codec, unknownMarker, count: input.count) == nil)
}

/// Bit flips and truncations of real streams end in a CodecError or in
/// exactly `originalCount` (wrong) bytes — never a trap or a hang.
@Test(arguments: ppmNames)
func ppmSurvivesDamagedStreams(name: String) throws {
    let d = try #require(CodecRegistry.ours.named(name))
    let codec = PPMCodec(level: d.defaultLevel, variant: try #require(variantOfName[name]))
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
@Test(.tags(.ratio), .slowTier) func ppmStrongestMeetsTheCalgaryFloor() throws {
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
