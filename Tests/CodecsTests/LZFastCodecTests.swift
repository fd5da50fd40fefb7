import Testing
import Codecs
import SqueezeKit
import TestSupport

/// `lzfast` at every level: exact round trips on adversarial, short-period,
/// 64 KiB-boundary and corpus inputs; the same bytes on every run; and
/// hand-built hostile blocks (offsets before the start, lengths past the end,
/// huge counts) that must be `CodecError`s.
@Suite struct LZFastCodecTests {
    static let levels = LZFastCodec.descriptor.levels

    static func coded(_ c: any Codec, _ input: [UInt8]) throws -> [UInt8] {
        var out = ByteBuffer()
        try input.withUnsafeBytes { raw in try c.encode(raw, into: &out) }
        return out.bytes
    }

    static func decoded(_ c: any Codec, _ bytes: [UInt8], _ count: Int) throws -> [UInt8] {
        var out = ByteBuffer()
        try bytes.withUnsafeBytes { raw in try c.decode(raw, originalCount: count, into: &out) }
        return out.bytes
    }

    /// Repeats of every period 1…40 with runs of many lengths: matches whose
    /// offset is shorter than the 16-byte copies, overlapping themselves.
    static func shortPeriods() -> [UInt8] {
        var out: [UInt8] = []
        var rng = Generators.random(4000, seed: 7).makeIterator()
        for period in 1...40 {
            for run in [3, 4, 5, 15, 16, 17, 31, 33, 100, 1000] {
                let unit = (0..<period).map { _ in rng.next() ?? 0 }
                for i in 0..<(period + run) { out.append(unit[i % period]) }
                out.append(contentsOf: Generators.random(3, seed: UInt64(out.count)))
            }
        }
        return out
    }

    /// Sizes around 64 KiB, and matches at distances just below and above 2^16.
    static func boundaries() -> [(String, [UInt8])] {
        var cases: [(String, [UInt8])] = []
        for n in [65_535, 65_536, 65_537, 131_072 + 3] {
            cases.append(("repetitive \(n)", Array(Generators.repetitive(n, seed: UInt64(n)))))
        }
        let block = Generators.random(70_000, seed: 5)
        cases.append(("random block twice (offset 70000)", block + block))
        let small = Generators.random(65_536, seed: 6)
        cases.append(("random 64 KiB twice (offset 65536)", small + small + small.prefix(100)))
        return cases
    }

    @Test(arguments: levels)
    func roundTripsAdversarialInputs(_ level: Int) throws {
        let codec = LZFastCodec(level: level)
        var cases = Generators.adversarial()
        cases += [("short periods", Self.shortPeriods()), ("incompressible 300000", Generators.random(300_000, seed: 11))]
        cases += Self.boundaries()
        cases += (1...40).map { ("random \($0)", Generators.random($0, seed: UInt64($0))) }
        cases += (1...40).map { ("same byte \($0)", [UInt8](repeating: 7, count: $0)) }
        for (name, input) in cases {
            let c = try #require(try roundTrip(codec, input), "lzfast -\(level) on \(name)")
            // Never more than the mode byte over the input.
            #expect(c.count <= input.count + 1, "lzfast -\(level) on \(name): \(c.count) bytes for \(input.count)")
        }
        // Compression happens where it should.
        #expect(try roundTrip(codec, Self.shortPeriods()).count < Self.shortPeriods().count / 4)
        #expect(try roundTrip(codec, [UInt8](repeating: 1, count: 1 << 20)).count == 2)
    }

    @Test(arguments: levels)
    func roundTripsCorpusFiles(_ level: Int) throws {
        let codec = LZFastCodec(level: level)
        var original = 0, packed = 0
        for e in TestCorpus.manifest where e.set == "canterbury" || e.set == "calgary" {
            var data = try TestCorpus.bytes(e.set, e.name)
            #if DEBUG
            data = Array(data.prefix(level >= 7 ? 100_000 : 400_000))
            #endif
            let c = try roundTrip(codec, data)
            original += data.count
            packed += c.count
        }
        #expect(original > 0, "no corpus files found")
        // Text-heavy sets: far below half their size at every level.
        #expect(packed * 5 < original * 2, "lzfast -\(level): \(packed) of \(original)")
    }

    /// Blocks whose last matches end within 16 bytes of the output's end
    /// (the decoder copies those exactly, not with its wide copies), and
    /// decoding after bytes already in the buffer: the block appends exactly
    /// its n bytes and leaves what was there alone.
    @Test(arguments: [1, 3, 9])
    func lastSequencesDecodeExactly(_ level: Int) throws {
        let codec = LZFastCodec(level: level)
        for n in stride(from: 32, through: 160, by: 3) {
            for period in [1, 2, 3, 7, 16, 17, 40] {
                let head = Generators.random(Swift.min(period, 24), seed: UInt64(n * 64 + period))
                let input = (0..<n).map { head[$0 % head.count] }
                let coded = try Self.coded(codec, input)
                let prefix: [UInt8] = [9, 8, 7]
                var out = ByteBuffer(prefix)
                try coded.withUnsafeBytes { raw in try codec.decode(raw, originalCount: n, into: &out) }
                #expect(out.bytes == prefix + input, "level \(level), n \(n), period \(period)")
            }
        }
    }

    @Test func strongerLevelsCodeTextSmaller() throws {
        let text = try TestCorpus.bytes("canterbury", "alice29.txt")
        let sizes = try [1, 3, 6, 9].map { try Self.coded(LZFastCodec(level: $0), text).count }
        #expect(sizes[1] < sizes[0] && sizes[2] < sizes[1] && sizes[3] < sizes[2], "sizes at 1, 3, 6, 9: \(sizes)")
    }

    @Test func outputIsDeterministic() throws {
        let text = try TestCorpus.bytes("canterbury", "lcet10.txt")
        for level in Self.levels {
            let a = try Self.coded(LZFastCodec(level: level), text)
            let b = try Self.coded(LZFastCodec(level: level), text)
            let c = try Self.coded(LZFastCodec.descriptor.make(level), text)
            #expect(a == b && b == c, "lzfast -\(level) gave different bytes on the same input")
        }
    }

    // MARK: hostile blocks

    /// A sequences block by hand: literals, tokens and offset codes raw, then extra bits.
    static func block(sequences: Int, literals: [UInt8], tokens: [UInt8], offsetCodes: [UInt8], extras: [UInt8] = []) -> [UInt8] {
        func varint(_ v: Int) -> [UInt8] {
            var v = v, out: [UInt8] = []
            while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
            return out + [UInt8(v)]
        }
        return [2] + varint(sequences) + varint(literals.count) + [0] + literals + [0] + tokens + [0] + offsetCodes + extras
    }

    @Test func handBuiltBlockDecodes() throws {
        // "ab", then a match of 4 at offset 2 (code 3: 2 + one extra bit, 0), then "c".
        let b = Self.block(sequences: 1, literals: Array("abc".utf8), tokens: [0x20], offsetCodes: [3], extras: [0])
        #expect(try Self.decoded(LZFastCodec(level: 3), b, 7) == Array("abababc".utf8))
    }

    @Test func hostileBlocksAreErrors() {
        let codec = LZFastCodec(level: 3)
        let cases: [(String, [UInt8], Int)] = [
            ("offset beyond the start", Self.block(sequences: 1, literals: Array("ab".utf8), tokens: [0x20], offsetCodes: [4], extras: [3]), 6),
            ("first match with no output", Self.block(sequences: 1, literals: [], tokens: [0x00], offsetCodes: [0]), 4),
            ("match beyond the end", Self.block(sequences: 1, literals: Array("ab".utf8), tokens: [0x24], offsetCodes: [2]), 6),
            ("second repeat offset (4) beyond the start", Self.block(sequences: 1, literals: Array("ab".utf8), tokens: [0x20], offsetCodes: [1]), 6),
            ("literals beyond the literal stream", Self.block(sequences: 1, literals: Array("ab".utf8), tokens: [0x50], offsetCodes: [1]), 9),
            ("escaped length of 2^31", Self.block(sequences: 1, literals: Array("ab".utf8), tokens: [0xF0], offsetCodes: [1],
                                                  extras: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), 100),
            ("offset code 40", Self.block(sequences: 1, literals: Array("abcd".utf8), tokens: [0x40], offsetCodes: [40], extras: [0, 0, 0, 0, 0, 0]), 8),
            ("extra bits missing", Self.block(sequences: 1, literals: Array("abcdefgh".utf8), tokens: [0x80], offsetCodes: [1]), 12),
            ("extra bits left over", Self.block(sequences: 1, literals: Array("ab".utf8), tokens: [0x20], offsetCodes: [2], extras: [0, 0]), 6),
            ("literals left over", Self.block(sequences: 1, literals: Array("abc".utf8), tokens: [0x20], offsetCodes: [2]), 6),
            ("2^28 sequences", [2, 0x80, 0x80, 0x80, 0x80, 0x01, 0], 1 << 20),
            ("more sequences than matched bytes allow", Self.block(sequences: 3, literals: [], tokens: [0, 0, 0], offsetCodes: [0, 0, 0]), 8),
            ("more literals than output", Self.block(sequences: 0, literals: Array("abc".utf8), tokens: [], offsetCodes: []), 2),
            ("unknown stream kind", [2, 0, 1, 7, 0x41, 0, 0], 1),
            ("tANS stream longer than the block", [2, 0, 1, 1, 0xFF, 0xFF, 0, 0], 1),
            ("unknown mode", [9, 1, 2, 3], 3),
            ("single without its byte", [1], 3),
            ("raw too short", [0, 1, 2], 3),
            ("raw too long", [0, 1, 2, 3, 4], 3),
            ("empty payload", [], 3),
        ]
        for (name, bytes, count) in cases {
            #expect(throws: CodecError.self, "\(name)") { _ = try Self.decoded(codec, bytes, count) }
        }
    }

    /// Every truncation and many bit flips of real blocks at every level:
    /// an error or exactly the requested byte count, never a trap.
    @Test(arguments: [1, 3, 5, 9])
    func damagedBlocksNeverTrap(_ level: Int) throws {
        let codec = LZFastCodec(level: level)
        let input = Array(try TestCorpus.bytes("canterbury", "alice29.txt").prefix(20_000)) + Self.shortPeriods().prefix(5000)
        let coded = try roundTrip(codec, input)
        for cut in stride(from: 0, to: coded.count, by: 7) {
            if let d = try? Self.decoded(codec, Array(coded[0..<cut]), input.count) { #expect(d.count == input.count) }
        }
        var seed: UInt64 = 0x1234_5678 &+ UInt64(level)
        for _ in 0..<1500 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            var bad = coded
            let i = Int((seed >> 33) % UInt64(coded.count))
            bad[i] ^= UInt8(1 << ((seed >> 20) % 8))
            if let d = try? Self.decoded(codec, bad, input.count) { #expect(d.count == input.count) }
        }
    }
}

#if !DEBUG
/// Issue #24's size targets, pinned against the linked libzstd in the same
/// run: each file of a set coded whole as one block (as `squeeze bench
/// fast-lz` does), `lzfast -1` no larger than `zstd -1` on the Canterbury,
/// Calgary and large totals, `lzfast -3` no larger than `zstd -3` on Calgary
/// and large. Canterbury at -3 stays above zstd -3 (kennedy.xls: one set of
/// tANS tables per block against zstd's per-128 KiB tables, docs/FAST.md), so
/// it is pinned at the ratio reached (657,247 B / 634,870 B = 1.035) so that it
/// cannot grow. Release builds only: the debug build is some 20 times slower.
@Test(.tags(.ratio), .slowTier, arguments: [1, 3])
func lzfastTotalsAgainstZstd(_ level: Int) throws {
    var ours: [String: Int] = [:], theirs: [String: Int] = [:]
    for e in TestCorpus.manifest where ["canterbury", "calgary", "large"].contains(e.set) {
        let input = try TestCorpus.bytes(e.set, e.name)
        for (codec, isOurs) in [(LZFastCodec(level: level) as any Codec, true), (ZstdCodec(level: level), false)] {
            var out = ByteBuffer()
            try input.withUnsafeBytes { r in try codec.encode(r, into: &out) }
            if isOurs { ours[e.set, default: 0] += out.count } else { theirs[e.set, default: 0] += out.count }
        }
    }
    for set in ["canterbury", "calgary", "large"] {
        let a = try #require(ours[set]), b = try #require(theirs[set])
        let bound = level == 3 && set == "canterbury" ? Double(b) * 1.036 : Double(b)
        #expect(Double(a) <= bound, "lzfast -\(level) on \(set): \(a) B against zstd -\(level) \(b) B")
    }
}
#endif
