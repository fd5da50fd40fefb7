import Foundation
import Testing
import SqueezeKit
import TestSupport

/// A tiny run-length codec used only here, so the container's coded-block path
/// is tested without depending on any real coder.
struct TestRunLengthCodec: Codec {
    static let descriptor = CodecDescriptor(
        name: "test-rle", id: 250, summary: "test only", levels: [1, 2], defaultLevel: 1,
        blockSize: { _ in 4096 }, make: { _ in TestRunLengthCodec() })

    func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        var i = 0
        while i < input.count {
            let b = input[i]
            var run = 1
            while i + run < input.count, input[i + run] == b, run < 255 { run += 1 }
            out.append(UInt8(run))
            out.append(b)
            i += run
        }
    }

    func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        var produced = 0
        var i = 0
        while i + 1 < input.count {
            let run = Int(input[i])
            guard run > 0, produced + run <= originalCount else { throw .corrupt("bad run at \(i)") }
            for _ in 0..<run { out.append(input[i + 1]) }
            produced += run
            i += 2
        }
        guard i == input.count else { throw .corrupt("odd length") }
        guard produced == originalCount else { throw .truncated }
    }
}

let testRegistry = CodecRegistry([StoreCodec.descriptor, TestRunLengthCodec.descriptor])

func pack(_ data: [UInt8], _ d: CodecDescriptor = TestRunLengthCodec.descriptor, blockSize: Int? = nil,
          threads: Int = 1) throws -> [UInt8] {
    var src = MemorySource(data)
    var sink = MemorySink()
    _ = try SqzCompressor(descriptor: d, blockSize: blockSize, threads: threads).compress(from: &src, to: &sink)
    return sink.bytes
}

func unpack(_ frame: [UInt8], registry: CodecRegistry = testRegistry) throws(SqzError) -> [UInt8] {
    var sink = MemorySink()
    _ = try SqzDecompressor(registry: registry).decompress(from: MemorySource(frame), to: &sink)
    return sink.bytes
}

/// Data with runs (codes well) and noise (falls back to stored blocks).
func mixedData(parts: Int = 6) -> [UInt8] {
    var d: [UInt8] = []
    for i in 0..<parts {
        d += [UInt8](repeating: UInt8(65 + i), count: 1500)
        d += Generators.random(700, seed: UInt64(i))
    }
    return d
}

@Suite struct FrameRoundTrip {
    @Test(arguments: Generators.adversarial())
    func roundTrips(_ c: (String, [UInt8])) throws {
        for d in [StoreCodec.descriptor, TestRunLengthCodec.descriptor] {
            for bs in [1024, 65536] {
                let frame = try pack(c.1, d, blockSize: bs)
                #expect(try unpack(frame) == c.1, "\(c.0) with \(d.name), block \(bs)")
            }
        }
    }

    @Test func sameBytesWhateverTheThreadCount() throws {
        let data = mixedData() + Generators.repetitive(50_000)
        let one = try pack(data, blockSize: 1024, threads: 1)
        for t in [2, 3, 8] {
            #expect(try pack(data, blockSize: 1024, threads: t) == one)
        }
        #expect(try unpack(one) == data)
    }

    @Test func emptyInputIsHeaderAndEndMarker() throws {
        let frame = try pack([])
        #expect(frame.count == SqzFormat.headerSize + 1 + 1 + 1 + 8)
        #expect(try unpack(frame) == [])
    }

    @Test func incompressibleBlocksAreStored() throws {
        var src = MemorySource(Generators.random(10_000))
        var sink = MemorySink()
        let s = try SqzCompressor(descriptor: TestRunLengthCodec.descriptor, blockSize: 4096)
            .compress(from: &src, to: &sink)
        #expect(s.blocks == 3 && s.storedBlocks == 3)
        #expect(s.frameBytes == Int64(sink.bytes.count))
        #expect(sink.bytes.count < 10_000 + 16 + 3 * 20 + 20)
    }

    @Test func listReadsStructureWithoutDecoding() throws {
        let data = mixedData()
        let frame = try pack(data, blockSize: 2048)
        let s = try SqzDecompressor(registry: testRegistry).list(from: MemorySource(frame))
        #expect(s.rawBytes == Int64(data.count))
        #expect(s.blocks == (data.count + 2047) / 2048)
        #expect(s.frameBytes == Int64(frame.count))
        #expect(!s.verified)
        #expect(s.codecName == "test-rle")
    }

    @Test func everyCorpusFileThroughStore() throws {
        for e in TestCorpus.manifest {
            let data = try TestCorpus.bytes(e.set, e.name)
            #expect(data.count == e.size)
            #expect(try unpack(pack(data, StoreCodec.descriptor, blockSize: 1 << 18, threads: 2)) == data, "\(e)")
        }
    }
}

@Suite struct DamagedFrames {
    /// A small archive with coded and stored blocks (about 2.5 KB).
    let frame: [UInt8]

    init() throws {
        frame = try pack(mixedData(parts: 2), blockSize: 1024)
    }

    @Test func truncationAtEveryByteIsAnError() throws {
        for n in 0..<frame.count {
            #expect(throws: SqzError.self, "prefix \(n)") { try unpack(Array(frame[0..<n])) }
        }
        #expect(throws: SqzError.empty) { try unpack([]) }
    }

    @Test func everySingleBitFlipIsDetected() throws {
        for i in 0..<frame.count {
            for bit in 0..<8 {
                var bad = frame
                bad[i] ^= UInt8(1 << bit)
                #expect(throws: SqzError.self, "byte \(i) bit \(bit)") { try unpack(bad) }
            }
        }
    }

    @Test func trailingDataIsAnError() throws {
        #expect(throws: SqzError.trailingData) { try unpack(frame + [0]) }
    }

    @Test func notSqz() throws {
        #expect(throws: SqzError.notSqz) { try unpack(Array("hello, world, this is text".utf8)) }
        #expect(throws: SqzError.notSqz) { try unpack([0x1F, 0x8B]) }
    }
}

/// Builds a frame header with a valid checksum and chosen fields.
func header(version: UInt8 = SqzFormat.version, codec: UInt8 = 0, level: UInt8 = 0, blockSize: UInt32 = 1 << 20,
            flags: UInt8 = 0) -> [UInt8] {
    var h = SqzFormat.magic + [version, codec, level, flags]
    for i in 0..<4 { h.append(UInt8(truncatingIfNeeded: blockSize >> (8 * UInt32(i)))) }
    let c = CRC32.checksum(h)
    for i in 0..<4 { h.append(UInt8(truncatingIfNeeded: c >> (8 * UInt32(i)))) }
    return h
}

func varint(_ v: UInt64) -> [UInt8] {
    var out: [UInt8] = []
    var x = v
    while x >= 0x80 { out.append(UInt8(x & 0x7F) | 0x80); x >>= 7 }
    out.append(UInt8(x))
    return out
}

func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }

/// The container's cap on a block (a bound against hostile headers) and the
/// codecs' own limits are separate facts of separate formats; this ties them,
/// so the container never hands a codec a block its payload cannot describe.
@Test func theContainersLargestBlockFitsEveryCodecsLimit() {
    #expect(SqzFormat.maxBlockSize <= BWTCodec.maxBlockSize)  // bwt's 28-bit size field
    #expect(SqzFormat.maxBlockSize <= PPMCodec.maxBlockCount)  // ppm's 31-bit text positions
    for d in CodecRegistry.standard.descriptors {
        for level in d.levels {
            #expect(d.blockSize(level) <= SqzFormat.maxBlockSize, "\(d.name) -\(level)'s default block")
        }
    }
}

@Suite struct HostileHeaders {
    @Test func unknownVersion() {
        #expect(throws: SqzError.unsupportedVersion(9)) { try unpack(header(version: 9)) }
    }

    @Test func unknownCodec() {
        #expect(throws: SqzError.unknownCodec(77)) { try unpack(header(codec: 77)) }
    }

    @Test func unknownLevel() {
        #expect(throws: SqzError.unsupportedLevel(codec: "store", level: 5)) { try unpack(header(level: 5)) }
    }

    @Test func unknownFlags() {
        #expect(throws: SqzError.self) { try unpack(header(flags: 1)) }
    }

    @Test func hugeFrameBlockSizeIsRejectedBeforeAllocation() {
        #expect(throws: SqzError.self) { try unpack(header(blockSize: 0xFFFF_FFFF)) }
    }

    /// A 20-odd-byte file declaring a 1 TiB block must fail at once, allocating nothing.
    @Test func blockDeclaringOneTebibyte() {
        var block: [UInt8] = [1] + varint(1 << 40) + varint(1 << 40) + le32(0)
        block += le32(CRC32.checksum(block))
        #expect(throws: SqzError.blockHeaderCorrupt(block: 1, "raw size 1099511627776 outside 1...1048576")) {
            try unpack(header() + block)
        }
    }

    /// Within the limits, but far more data declared than the file holds: truncated, and memory
    /// grows only with the bytes actually present.
    @Test func declaredPayloadLargerThanFile() {
        var block: [UInt8] = [2] + varint(1 << 20) + varint(1 << 20) + le32(0)
        block += le32(CRC32.checksum(block))
        #expect(throws: SqzError.truncated("in block 1 data")) { try unpack(header() + block + [1, 2, 3]) }
    }

    @Test func codedPayloadLargerThanRawIsRejected() {
        var block: [UInt8] = [1] + varint(10) + varint(11) + le32(0)
        block += le32(CRC32.checksum(block))
        #expect(throws: SqzError.self) { try unpack(header() + block + [UInt8](repeating: 0, count: 11)) }
    }

    @Test func missingEndMarker() throws {
        let f = try pack([1, 2, 3], StoreCodec.descriptor)
        #expect(throws: SqzError.truncated("before block 2 (no end marker)")) { try unpack(Array(f.dropLast(11))) }
    }
}

/// Every codec of the standard registry, through the container, on every corpus file.
@Suite struct StandardCodecsThroughContainer {
    @Test(.tags(.corpus), .slowTier, arguments: CodecRegistry.standard.names)
    func everyCorpusFile(_ name: String) throws {
        let d = try #require(CodecRegistry.standard.named(name))
        for e in TestCorpus.manifest {
            let data = try TestCorpus.bytes(e.set, e.name)
            let frame = try pack(data, d, threads: 2)
            #expect(try unpack(frame, registry: .standard) == data, "\(name) on \(e)")
        }
    }
}

/// Golden archives pin the format: files written by earlier builds must keep
/// decoding, and our own codecs must keep writing exactly the same bytes.
@Suite struct GoldenArchives {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path
    /// Every `alice.CODEC-LEVEL.sqz` in the folder: a new golden file joins by being written there.
    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasPrefix("alice.") && $0.hasSuffix(".sqz") }
            .map { String($0.dropFirst("alice.".count).dropLast(".sqz".count)) }.sorted()
    }()

    /// Every codec in the registry, at its default level and at each level whose payload is
    /// coded another way, has a golden file: a codec cannot join without pinning its format.
    @Test func everyCodecAndPayloadFormIsPinned() {
        #expect(Self.names.count >= 30, "the golden folder was not found or lost files: \(Self.names)")
        let byCodec = Dictionary(grouping: Self.names.compactMap { n -> (String, Int)? in
            guard let dash = n.lastIndex(of: "-"), let level = Int(n[n.index(after: dash)...]) else { return nil }
            return (String(n[..<dash]), level)
        }, by: \.0).mapValues { Set($0.map(\.1)) }
        for d in CodecRegistry.standard.descriptors {
            let levels = byCodec[d.name] ?? []
            #expect(!levels.isEmpty, "no golden archive for codec \(d.name): add alice.\(d.name)-\(d.defaultLevel).sqz")
            if d.origin == .ours, !d.otherFormatLevels.isEmpty {
                #expect(levels.count > d.otherFormatLevels.count,
                        "\(d.name): levels \(d.otherFormatLevels) code their payload another way; pin each form with a golden file")
            }
        }
    }

    @Test(arguments: names)
    func decodesAndReencodes(_ name: String) throws {
        let original = try readFile(Self.directory + "/alice.txt")
        let archive = try readFile(Self.directory + "/alice.\(name).sqz")
        #expect(try unpack(archive, registry: .standard) == original)
        let dash = try #require(name.lastIndex(of: "-"))
        let parts = [String(name[..<dash]), String(name[name.index(after: dash)...])]
        let d = try #require(CodecRegistry.standard.named(parts[0]))
        if d.origin == .ours {
            var src = MemorySource(original)
            var sink = MemorySink()
            _ = try SqzCompressor(descriptor: d, level: Int(parts[1]), blockSize: 4096).compress(from: &src, to: &sink)
            #expect(sink.bytes == archive, "\(name): the format or the coder's output changed")
        }
    }
}

/// `ppm -9 --mem 1M` on eight copies of alice.txt (48,000 bytes, one block),
/// which fills the 1 MiB pool: `.restart` was written by the build before the
/// full-pool policy existed (marker 0, the model restarts), `.freeze` by the
/// current encoder (marker 1). Both must decode, and the encoder must keep
/// writing the frozen form byte for byte.
@Suite struct GoldenPPMPoolPolicies {
    static func input() throws -> [UInt8] {
        Array([[UInt8]](repeating: try readFile(GoldenArchives.directory + "/alice.txt"), count: 8).joined())
    }

    @Test(arguments: ["restart", "freeze"])
    func decodes(_ policy: String) throws {
        let original = try Self.input()
        let archive = try readFile(GoldenArchives.directory + "/alice8.ppm-9-mem1m.\(policy).sqz")
        #expect(try unpack(archive, registry: .standard) == original)
    }

    @Test func encoderWritesTheFrozenForm() throws {
        let original = try Self.input()
        let d = try #require(CodecRegistry.standard.named("ppm")?.bounded(memory: 1 << 20))
        var src = MemorySource(original)
        var sink = MemorySink()
        _ = try SqzCompressor(descriptor: d, level: 9).compress(from: &src, to: &sink)
        let path = GoldenArchives.directory + "/alice8.ppm-9-mem1m.freeze.sqz"
        if ProcessInfo.processInfo.environment["SQUEEZE_WRITE_GOLDEN"] == "1" { try TestFiles.write(sink.bytes, path) }
        #expect(sink.bytes == (try readFile(path)), "ppm -9 --mem 1M: the frozen-pool format or the coder's output changed")
        let restart = try readFile(GoldenArchives.directory + "/alice8.ppm-9-mem1m.restart.sqz")
        #expect(sink.bytes.count * 2 < restart.count, "freezing keeps the model: \(sink.bytes.count) B vs \(restart.count) B restarting")
    }
}

/// Archives our encoders wrote before their parse changed (the format did not):
/// `earlier-parses/alice.CODEC-LEVEL.sqz` must still decode to alice.txt.
/// lz77-huffman -9: written by the lazy hash-chain parse it used before the cost-based one.
/// lzfast -1: written before short repeats yielded to longer table matches and
/// unprofitable matches were refused (docs/FAST.md).
/// lz77 -9: written before its parse weighed edges of three tokens and 2-byte matches.
@Suite struct GoldenEarlierParses {
    @Test func earlierEncodersOutputStillDecodes() throws {
        let directory = GoldenArchives.directory + "/earlier-parses"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".sqz") }
        #expect(["alice.lz77-huffman-9.sqz", "alice.lzfast-1.sqz", "alice.lz77-9.sqz"].allSatisfy(names.contains),
                "earlier-parses lost files: \(names)")
        let original = try readFile(GoldenArchives.directory + "/alice.txt")
        for name in names {
            let archive = try readFile(directory + "/" + name)
            #expect(try unpack(archive, registry: .standard) == original, "\(name)")
            #expect(archive != (try readFile(GoldenArchives.directory + "/" + name)), "\(name): same bytes as today's, so it pins nothing older")
        }
    }
}

/// Archives written by an earlier model of a level, kept decodable under a
/// format number in the payload: `earlier-models/alice.CODEC-LEVEL.sqz` must
/// still decode to alice.txt. bwt -5: written by the format 0 run model
/// (`BWTRunModel`) before format 1 (`SecondRunModel`) took over levels 1…5.
@Suite struct GoldenEarlierModels {
    @Test func earlierModelsOutputStillDecodes() throws {
        let directory = GoldenArchives.directory + "/earlier-models"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".sqz") }
        #expect(names.contains("alice.bwt-5.sqz"), "earlier-models lost files: \(names)")
        let original = try readFile(GoldenArchives.directory + "/alice.txt")
        for name in names {
            let archive = try readFile(directory + "/" + name)
            #expect(try unpack(archive, registry: .standard) == original, "\(name)")
            #expect(archive != (try readFile(GoldenArchives.directory + "/" + name)), "\(name): same bytes as today's, so it pins nothing older")
        }
    }
}

/// arith -3/-4 on the whole of alice29.txt (one block at the default size),
/// written before their tables became integer-only: the context-mixing
/// tables must keep every bit's probability, so old archives decode and the
/// coder writes the same bytes.
@Suite struct GoldenContextMixingArchives {
    @Test(arguments: [3, 4])
    func alice29(_ level: Int) throws {
        let original = try TestCorpus.bytes("canterbury", "alice29.txt")
        let archive = try readFile(GoldenArchives.directory + "/alice29.arith-\(level).sqz")
        #expect(try unpack(archive, registry: .standard) == original)
        let d = try #require(CodecRegistry.standard.named("arith"))
        var src = MemorySource(original)
        var sink = MemorySink()
        _ = try SqzCompressor(descriptor: d, level: level).compress(from: &src, to: &sink)
        #expect(sink.bytes == archive, "arith -\(level): the coder's output changed")
    }
}

/// Damaged archives, one per check the reader makes (made by
/// scripts/make-golden-errors.py), and the exact message each must give.
@Suite struct GoldenErrorArchives {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("GoldenErrors").path

    static let cases: [(file: String, message: String)] = {
        guard let text = try? String(contentsOfFile: directory + "/expected.tsv", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }
    }()

    @Test func everyCheckHasAnArchive() {
        #expect(Self.cases.count >= 18)
    }

    @Test(arguments: cases.map(\.file))
    func givesItsMessage(_ file: String) throws {
        let expected = try #require(Self.cases.first { $0.file == file }?.message)
        let bytes = try readFile(Self.directory + "/" + file)
        var sink = MemorySink()
        do {
            _ = try SqzDecompressor(registry: .standard).decompress(from: MemorySource(bytes), to: &sink)
            Issue.record("\(file) was accepted")
        } catch {
            #expect(error.description == expected, "\(file)")
        }
    }
}
