import Testing
import Codecs
import TestSupport

private func encode(_ c: any Codec, _ input: [UInt8]) throws -> [UInt8] {
    var out = ByteBuffer()
    try input.withUnsafeBytes { raw in try c.encode(raw, into: &out) }
    return out.bytes
}

private func decodeFails(_ c: any Codec, _ coded: [UInt8], count: Int) -> Bool {
    var out = ByteBuffer()
    do { try coded.withUnsafeBytes { raw in try c.decode(raw, originalCount: count, into: &out) } } catch { return true }
    return false
}

@Test func lzwArithIsRegistered() {
    #expect(CodecRegistry.ours.named("lzw-arith")?.id == 7)
}

@Test(arguments: [9, 12, 16, 20])
func lzwArithRoundTripsAdversarialInputs(maxBits: Int) throws {
    let c = LZWArithCodec(maxBits: maxBits)
    for (name, input) in Generators.adversarial(large: false) {
        do { try roundTrip(c, input) } catch { Issue.record("lzw-arith \(maxBits) on \(name): \(error)") }
    }
}

@Test func lzwArithRoundTripsCorpusAndIsSmallerThanLZW() throws {
    var arith = 0, plain = 0
    for e in TestCorpus.manifest where e.size <= 8 << 20 {
        let input = try readFile(e.path)
        do {
            let coded = try roundTrip(LZWArithCodec(), input)
            if e.set == "calgary" && TestCorpus.calgary14.contains(e.name) {
                arith += coded.count
                plain += try encode(LZWCodec(), input).count
                print("lzw-arith \(e): \(coded.count)")
            }
        } catch { Issue.record("lzw-arith on \(e): \(error)") }
    }
    print("calgary14 total: lzw-arith \(arith), lzw \(plain)")
    #expect(arith < plain)
}

@Test func lzwArithRejectsCorruptStreams() throws {
    let c = LZWArithCodec()
    let input = try TestCorpus.bytes("calgary", "progc")
    let coded = try encode(c, input)
    #expect(try encode(c, input) == coded)
    for cut in [0, 1, 2, 10, coded.count / 2, coded.count - 12] {
        #expect(decodeFails(c, Array(coded.prefix(cut)), count: input.count), "cut at \(cut)")
    }
    #expect(decodeFails(c, coded, count: input.count + 1000))
    var rng = SplitMix64(seed: 3)
    for _ in 0..<200 {
        var bad = coded
        let i = 1 + Int(rng.next() % UInt64(bad.count - 1))
        bad[i] ^= UInt8(1 << (rng.next() % 8))
        _ = decodeFails(c, bad, count: input.count)
    }
    for _ in 0..<50 {
        let junk = [16] + Generators.random(Int(rng.next() % 3000), seed: rng.next())
        _ = decodeFails(c, junk, count: Int(rng.next() % 100_000))
    }
}
