import Testing
import Codecs
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

private func encode(_ c: any Codec, _ input: [UInt8]) throws -> [UInt8] {
    var out = ByteBuffer()
    try input.withUnsafeBytes { raw in try c.encode(raw, into: &out) }
    return out.bytes
}

/// Decodes, returning the error (nil on success) and the output.
private func decodeResult(_ c: any Codec, _ coded: [UInt8], count: Int) -> (CodecError?, [UInt8]) {
    var out = ByteBuffer()
    do { try coded.withUnsafeBytes { raw in try c.decode(raw, originalCount: count, into: &out) } } catch {
        return (error as? CodecError ?? .corrupt("other error"), out.bytes)
    }
    return (nil, out.bytes)
}

/// Path of ncompress's `compress`; a missing tool fails the test that needs it.
private func compressTool() throws -> String {
    let candidates: [String] = ["/usr/bin/compress", "/usr/local/bin/compress", "/bin/compress"]
    let found = candidates.first { path in access(path, X_OK) == 0 }
    return try #require(found, "compress (ncompress) is not installed: run scripts/setup.sh")
}

/// Size of `compress -c -b16 FILE`, or nil when the command fails.
private func compressSize(_ tool: String, _ path: String) -> Int? {
    guard let f = popen("'\(tool)' -c -b16 '\(path)' | wc -c", "r") else { return nil }
    defer { pclose(f) }
    var buf = [CChar](repeating: 0, count: 64)
    guard fgets(&buf, 64, f) != nil else { return nil }
    let text = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return Int(text.trimmingCharacters(in: " \n\t"))
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

@Test func lzwIsRegistered() {
    #expect(CodecRegistry.ours.named("lzw")?.id == 6)
    #expect(CodecRegistry.ours.withID(6)?.defaultLevel == 16)
}

@Test(arguments: [9, 12, 16, 20])
func lzwRoundTripsAdversarialInputs(maxBits: Int) throws {
    let c = LZWCodec(maxBits: maxBits)
    for (name, input) in Generators.adversarial(large: false) {
        do { try roundTrip(c, input) } catch { Issue.record("lzw \(maxBits) on \(name): \(error)") }
    }
}

@Test(.tags(.corpus), .slowTier) func lzwRoundTripsEveryCorpusFile() throws {
    let entries = TestCorpus.manifest
    #expect(!entries.isEmpty)
    for e in entries where e.size <= 8 << 20 {
        let input = try readFile(e.path)
        do { try roundTrip(LZWCodec(), input) } catch { Issue.record("lzw on \(e): \(error)") }
    }
    // A small dictionary fills and resets many times on a large file.
    let book = try TestCorpus.bytes("calgary", "book1")
    try roundTrip(LZWCodec(maxBits: 12), book)
}

@Test func lzwLongRunsExerciseKwKwK() throws {
    for n in [1, 2, 3, 4, 5, 100, 4097, 1 << 20] {
        let run = [UInt8](repeating: 7, count: n)
        let coded = try roundTrip(LZWCodec(), run)
        // A run of n bytes needs about sqrt(2n) codes.
        if n == 1 << 20 { #expect(coded.count < 4000) }
    }
    // Runs interleaved with noise, so KwKwK occurs right after resets too.
    var rng = SplitMix64(seed: 5)
    var mixed: [UInt8] = []
    for _ in 0..<2000 {
        let b = UInt8(truncatingIfNeeded: rng.next())
        mixed += [UInt8](repeating: b, count: Int(rng.next() % 300))
        mixed += Generators.random(Int(rng.next() % 50), seed: rng.next())
    }
    for bits in [9, 12, 16] { try roundTrip(LZWCodec(maxBits: bits), mixed) }
}

@Test func lzwIsDeterministic() throws {
    let input = try TestCorpus.bytes("calgary", "paper1")
    #expect(try encode(LZWCodec(), input) == encode(LZWCodec(), input))
}

@Test func lzwRejectsCorruptStreams() throws {
    let c = LZWCodec()
    // Bad header.
    #expect(decodeResult(c, [], count: 1).0 == .truncated)
    #expect(decodeResult(c, [8, 0, 0], count: 1).0 != nil)
    #expect(decodeResult(c, [21, 0, 0], count: 1).0 != nil)
    // First code 300 is not yet in the dictionary: 9 bits 100101100.
    let notYet: [UInt8] = [16, 0b1001_0110, 0]
    #expect(decodeResult(c, notYet, count: 5).0 != nil)
    // Valid stream, asking for more output than it holds: truncated.
    let input = try TestCorpus.bytes("calgary", "progc")
    let coded = try encode(c, input)
    #expect(decodeResult(c, coded, count: input.count + 1000).0 != nil)
    // Truncations and bit flips: never a trap; a truncation is always an error.
    var rng = SplitMix64(seed: 11)
    for cut in [1, 2, 10, coded.count / 2, coded.count - 4] {
        let (err, _) = decodeResult(c, Array(coded.prefix(cut)), count: input.count)
        #expect(err != nil, "cut at \(cut)")
    }
    // LZW has no checksum (the container's CRC catches what is left), so a flip may decode to other
    // bytes of the right length; what must hold is that success means exactly the requested count,
    // and that most flips are detected (133 of 200 when written: a changed code shifts every later phrase).
    var detected = 0
    for _ in 0..<200 {
        var bad = coded
        let i = 1 + Int(rng.next() % UInt64(bad.count - 1))
        bad[i] ^= UInt8(1 << (rng.next() % 8))
        for count in [input.count, input.count / 3] {
            let (err, out) = decodeResult(c, bad, count: count)
            if err == nil { #expect(out.count == count, "flip at \(i): \(out.count) bytes for \(count)") }
            if err != nil, count == input.count { detected += 1 }
        }
    }
    print("lzw: \(detected) of 200 bit flips detected")
    #expect(detected >= 100, "only \(detected) of 200 bit flips detected")
    for _ in 0..<50 {
        let junk = [16] + Generators.random(Int(rng.next() % 3000), seed: rng.next())
        let count = Int(rng.next() % 100_000)
        let (err, out) = decodeResult(c, junk, count: count)
        if err == nil { #expect(out.count == count, "junk decoded to \(out.count) bytes for \(count)") }
    }
}

@Test(.tags(.ratio), .slowTier) func lzwIsWithinHalfAPercentOfCompressOnCalgary() throws {
    let tool = try compressTool()
    var ours = 0, theirs = 0
    for name in TestCorpus.calgary14 {
        let path = "\(TestCorpus.root)/calgary/\(name)"
        let input = try readFile(path)
        let size = try encode(LZWCodec(), input).count
        guard let ref = compressSize(tool, path) else { Issue.record("compress failed on \(name)"); continue }
        ours += size; theirs += ref
        #expect(Double(size) <= Double(ref) * 1.005, "lzw \(size) vs compress -b16 \(ref) on \(name)")
        print("lzw calgary/\(name): \(size) vs compress -b16 \(ref)")
    }
    print("lzw calgary14 total: \(ours) vs compress -b16 \(theirs)")
    #expect(ours < theirs)
}
