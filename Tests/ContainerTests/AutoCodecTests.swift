import Foundation
import SqueezeKit
import Testing
import TestSupport

/// `AutoCodec`: auto mode as a block codec for the comparison harness.
@Suite struct AutoCodecBlocks {
    /// 16-bit little-endian samples of a slow wave: the delta filter's case.
    static func samples(_ n: Int) -> [UInt8] {
        var out: [UInt8] = []
        for i in 0..<n {
            let v = Int16(truncatingIfNeeded: (i * 37) % 4000 - 2000)
            out.append(UInt8(truncatingIfNeeded: v))
            out.append(UInt8(truncatingIfNeeded: v >> 8))
        }
        return out
    }

    static func encode(_ codec: AutoCodec, _ input: [UInt8]) throws -> [UInt8] {
        var coded = ByteBuffer()
        let r: Result<Void, CodecError> = input.withUnsafeBytes { p in Result { () throws(CodecError) in try codec.encode(p, into: &coded) } }
        try r.get()
        return coded.bytes
    }

    static func decode(_ codec: AutoCodec, _ payload: [UInt8], count: Int) -> Result<[UInt8], CodecError> {
        var back = ByteBuffer()
        let r: Result<Void, CodecError> = payload.withUnsafeBytes { p in
            Result { () throws(CodecError) in try codec.decode(p, originalCount: count, into: &back) }
        }
        return r.map { back.bytes }
    }

    @Test(arguments: [1, 2, 3])
    func roundTripsAndNamesItsChoice(_ level: Int) throws {
        let codec = AutoCodec(level: level)
        var inputs: [(String, [UInt8])] = [
            ("text", try TestCorpus.bytes("canterbury", "alice29.txt")),
            ("samples", Self.samples(40_000)),
            ("random", Generators.random(50_000, seed: 3)),
            ("empty", []),
            ("one byte", [7]),
        ]
        for (name, bytes) in Generators.adversarial(large: false).prefix(6) { inputs.append((name, bytes)) }
        for (name, input) in inputs {
            let coded = try Self.encode(codec, input)
            let back = try Self.decode(codec, coded, count: input.count).get()
            #expect(back == input, "auto:\(level) on \(name)")
            // The payload starts with a codec this build has; random data is stored, never expanded by more than the ids.
            #expect(CodecRegistry.standard.withID(coded.first ?? 255) != nil, "\(name)")
            if name == "random" { #expect(coded.count <= input.count + 3) }
            if name == "samples" { #expect(coded[2] == BlockFilter.deltaID, "auto:\(level) chose filter \(coded[2]) for samples") }
        }
    }

    @Test func badIdsAreErrorsNotTraps() {
        let codec = AutoCodec(level: 2)
        let cases: [[UInt8]] = [[], [1], [200, 1, 0, 1, 2], [1, 99, 0, 1], [1, 2, 9, 0], [1, 2, 2], [1, 2, 2, 0, 5]]
        for bytes in cases {
            if case .success = Self.decode(codec, bytes, count: 10) { Issue.record("\(bytes) decoded") }
        }
    }
}
