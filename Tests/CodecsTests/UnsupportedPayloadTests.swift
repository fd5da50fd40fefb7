import Testing
import Codecs
import TestSupport

/// A payload naming a format, model, variant or mode above those this build
/// knows (a newer build's) is `.unsupported`, with the number found and the
/// ones read in the message; damage this build can tell as such stays
/// `.corrupt` (docs/ARCHITECTURE.md, Changing the format). Each case takes a
/// real payload and changes only the number.
@Suite struct UnsupportedPayloadTests {
    static let text = Array((try? TestCorpus.bytes("canterbury", "alice29.txt")) ?? []).prefix(3000).map { $0 }

    /// The error decoding `payload` gives, or nil if it decodes.
    static func error(_ codec: any Codec, _ payload: [UInt8], count: Int = text.count) -> CodecError? {
        var out = ByteBuffer()
        do {
            try payload.withUnsafeBytes { raw in try codec.decode(raw, originalCount: count, into: &out) }
            return nil
        } catch let e as CodecError {
            return e
        } catch {
            return .library("not a CodecError: \(error)")
        }
    }

    static func expectUnsupported(_ codec: any Codec, _ payload: [UInt8], naming: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        let e = error(codec, payload)
        guard case .unsupported(let why) = e else {
            Issue.record("expected unsupported, got \(e.map { "\($0)" } ?? "a decoded block")", sourceLocation: sourceLocation)
            return
        }
        #expect(why.contains(naming), "\(why)", sourceLocation: sourceLocation)
    }

    static func expectCorrupt(_ codec: any Codec, _ payload: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let e = error(codec, payload)
        guard case .corrupt = e else {
            Issue.record("expected corrupt, got \(e.map { "\($0)" } ?? "a decoded block")", sourceLocation: sourceLocation)
            return
        }
    }

    static func payload(_ codec: any Codec) throws -> [UInt8] {
        try #require(text.count == 3000)
        return try roundTrip(codec, text)
    }

    @Test(arguments: [3, 7])
    func bwtFormat(_ level: Int) throws {
        let codec = BWTCodec(level: level)
        var p = try Self.payload(codec)
        // The header word's top three bits are the format, coded at probability ½ after
        // the range coder's zero first byte: a one bit keeps the lower part of the range,
        // so zeros in byte 1's top bits read as format 7.
        #expect(p[0] == 0)
        p[1] &= 0x1F
        Self.expectUnsupported(codec, p, naming: "bwt payload format 7 (this build reads 0–1)")
    }

    @Test(arguments: [PPMVariant.strong, .c])
    func ppmMarkerAndVariant(_ variant: PPMVariant) throws {
        let codec = PPMCodec(level: 3, variant: variant)
        let real = try Self.payload(codec)
        #expect(real[0] == 0 && real[1] == variant.rawValue)
        var p = real
        p[0] = 7
        Self.expectUnsupported(codec, p, naming: "ppm block marker 7 (this build reads 0–1 and 255, stored)")
        p = real
        p[1] = 99
        Self.expectUnsupported(codec, p, naming: "ppm model variant 99 (this build reads 1, 2, 3, 4, 16)")
        // Another variant this build knows is damage (the codec id fixes the variant).
        p[1] = variant == .c ? PPMVariant.d.rawValue : PPMVariant.c.rawValue
        Self.expectCorrupt(codec, p)
    }

    @Test func cmLevel() throws {
        let codec = CMCodec(level: 2)
        let real = try Self.payload(codec)
        #expect(real[0] == 2)
        var p = real
        p[0] = 12
        Self.expectUnsupported(codec, p, naming: "cm payload header byte 0xc names level 12")
        p[0] = 0x80 | 0x40 | 2
        Self.expectUnsupported(codec, p, naming: "names level 66 (this build reads levels 1–9")
        // A level this build has, but not the frame's: damage.
        p[0] = 3
        Self.expectCorrupt(codec, p)
    }

    @Test func arithModel() throws {
        let codec = ArithCodec(level: 2)
        var p = try Self.payload(codec)
        #expect(p[0] == 2)
        p[0] = 9
        Self.expectUnsupported(codec, p, naming: "arith model 9 (this build reads 0–4 and 255, stored)")
    }

    @Test(arguments: [3, 5])
    func ansVariant(_ level: Int) throws {
        let codec = ANSCodec(level: level)
        var p = try Self.payload(codec)
        #expect(p[0] == (level == 3 ? 1 : 3))
        p[0] = 5
        Self.expectUnsupported(codec, p, naming: "ans variant 5 (this build reads 0–4)")
    }

    @Test func lzfastModeAndStreamKind() throws {
        let codec = LZFastCodec(level: 3)
        let real = try Self.payload(codec)
        #expect(real[0] == 2)
        var p = real
        p[0] = 3
        Self.expectUnsupported(codec, p, naming: "lzfast block mode 3 (this build reads 0 raw, 1 single, 2 sequences)")
        // After the mode, two varints (sequence and literal counts), then the literal stream's kind.
        var at = 1
        for _ in 0..<2 {
            while real[at] >= 0x80 { at += 1 }
            at += 1
        }
        #expect(real[at] <= 2)
        p = real
        p[at] = 3
        Self.expectUnsupported(codec, p, naming: "lzfast literals stream kind 3 (this build reads 0 raw, 1 tANS, 2 single)")
    }

    @Test(arguments: ["rank", "interval"])
    func valueCoding(_ name: String) throws {
        let codec: any Codec = name == "rank" ? RecencyRankCodec(level: 6) : IntervalCodec(level: 6)
        let real = try Self.payload(codec)
        #expect(real[0] == 6)
        var p = real
        p[0] = 7
        Self.expectUnsupported(codec, p, naming: "\(name) value coding 7 (this build reads 1–6)")
        // 0 was never a selector.
        p[0] = 0
        Self.expectCorrupt(codec, p)
    }

    /// Parameters no build writes stay corrupt: lz77's window and its lc above 8.
    @Test func outOfRangeParametersStayCorrupt() throws {
        var p = try Self.payload(LZ77HuffmanCodec(level: 5))
        p[0] = 200
        Self.expectCorrupt(LZ77HuffmanCodec(level: 5), p)
        p = try Self.payload(LZ77ArithCodec(level: 1))
        p[0] = 9
        Self.expectCorrupt(LZ77ArithCodec(level: 1), p)
    }
}
