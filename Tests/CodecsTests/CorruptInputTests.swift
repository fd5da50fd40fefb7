import Testing
import SqueezeKit
import TestSupport

/// Every registered codec, ours and the baselines, on hostile input: random
/// bytes, truncations and bit flips of a real stream, and wrong original sizes.
/// Each decode must throw or give exactly `originalCount` bytes, never trap or hang.
@Suite struct CorruptInputForEveryCodec {
    static let names = CodecRegistry.standard.names

    func decode(_ codec: any Codec, _ bytes: [UInt8], _ count: Int) -> Int? {
        var out = ByteBuffer()
        do {
            try bytes.withUnsafeBytes { raw in try codec.decode(raw, originalCount: count, into: &out) }
        } catch {
            return nil
        }
        return out.count
    }

    @Test(arguments: names)
    func randomBytes(_ name: String) throws {
        let d = try #require(CodecRegistry.standard.named(name))
        let codec = d.make(d.defaultLevel)
        for seed in 0..<40 {
            let junk = Generators.random(Int(seed) * 37 % 900, seed: UInt64(seed) + 100)
            for count in [0, 1, 100, 5000] {
                if let n = decode(codec, junk, count) { #expect(n == count, "\(name): \(n) bytes for \(count)") }
            }
        }
    }

    @Test(arguments: names)
    func damagedRealStream(_ name: String) throws {
        let d = try #require(CodecRegistry.standard.named(name))
        for level in Set([d.defaultLevel, d.strongestLevel] + d.otherFormatLevels) {
            let codec = d.make(level)
            let input = Array(try TestCorpus.bytes("canterbury", "xargs.1").prefix(3000))
            let coded = try roundTrip(codec, input)
            for cut in stride(from: 0, to: coded.count, by: max(1, coded.count / 97)) {
                if let n = decode(codec, Array(coded[0..<cut]), input.count) { #expect(n == input.count) }
            }
            for i in stride(from: 0, to: coded.count, by: max(1, coded.count / 97)) {
                var bad = coded
                bad[i] ^= UInt8(1 << (i % 8))
                if let n = decode(codec, bad, input.count) { #expect(n == input.count, "\(name) -\(level): flip at \(i)") }
            }
            for wrong in [0, 1, input.count - 1, input.count + 1, input.count * 4] {
                if let n = decode(codec, coded, wrong) { #expect(n == wrong, "\(name) -\(level): size \(wrong)") }
            }
        }
    }
}
