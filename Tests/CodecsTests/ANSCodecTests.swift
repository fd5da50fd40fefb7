import Testing
import Codecs
import TestSupport

/// The `ans` codec at every level: exact round trips, the variant each level
/// writes, the single-byte and raw forms, and smaller output than `huffman`
/// where H0 is below 2 bits/byte.
@Suite struct ANSCodecTests {
    static func coded(_ c: any Codec, _ input: [UInt8]) throws -> [UInt8] {
        var out = ByteBuffer()
        try input.withUnsafeBytes { raw in try c.encode(raw, into: &out) }
        return out.bytes
    }

    @Test(arguments: ANSCodec.descriptor.levels)
    func roundTripsAtEveryLevel(_ level: Int) throws {
        let codec = ANSCodec(level: level)
        for (name, input) in Generators.adversarial() {
            _ = try roundTrip(codec, input)
            let c = try Self.coded(codec, input)
            #expect(c.count <= input.count + 1, "ans -\(level) on \(name): \(c.count) bytes")
        }
    }

    @Test func levelsPickTheirVariant() throws {
        let text = Array(try TestCorpus.bytes("canterbury", "alice29.txt").prefix(20_000))
        let expected: [Int: ANSCodec.Variant] = [1: .tans, 2: .tans, 3: .tans, 4: .rans, 5: .adaptive]
        for (level, variant) in expected {
            #expect(try Self.coded(ANSCodec(level: level), text).first == variant.rawValue, "level \(level)")
        }
        #expect(try Self.coded(ANSCodec(level: 3), Generators.random(5000)).first == ANSCodec.Variant.raw.rawValue)
        let same = try Self.coded(ANSCodec(level: 3), [UInt8](repeating: 9, count: 70_000))
        #expect(same == [ANSCodec.Variant.single.rawValue, 9])
        #expect(try Self.coded(ANSCodec(level: 3), []) == [ANSCodec.Variant.raw.rawValue])
    }

    @Test func smallerThanHuffmanOnLowEntropyFiles() throws {
        for (set, name) in [("calgary", "pic"), ("canterbury", "ptt5"), ("large", "E.coli")] {
            var data = try TestCorpus.bytes(set, name)
            #if DEBUG
            data = Array(data.prefix(1 << 20))
            #endif
            let a = try roundTrip(ANSCodec(level: 3), data)
            let h = try Self.coded(HuffmanCodec(level: 1), data)
            #expect(a.count < h.count, "\(name): ans \(a.count), huffman -1 \(h.count)")
        }
    }

    @Test func badSingleAndRawBlocksAreErrors() {
        let codec = ANSCodec(level: 3)
        for (bytes, count) in [([UInt8]([4]), 5), ([4, 1, 2], 5), ([0, 1, 2], 5), ([0, 1, 2], 1), ([9], 3), ([1], 0)] {
            var out = ByteBuffer()
            #expect(throws: CodecError.self, "\(bytes) for \(count)") {
                try bytes.withUnsafeBytes { raw in try codec.decode(raw, originalCount: count, into: &out) }
            }
        }
    }
}
