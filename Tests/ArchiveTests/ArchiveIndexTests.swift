import Testing
@testable import Archive
import Container
import SqueezeKit

@Suite struct ArchiveIndexTests {
    static let sample = ArchiveIndex(
        blocks: [BlockLocation(frameOffset: 16, recordSize: 900, rawSize: 4096, stored: false),
                 BlockLocation(frameOffset: 916, recordSize: 2061, rawSize: 2048, stored: true)],
        members: [
            ArchiveMember(name: Array("d".utf8), kind: .directory, mode: 0o755, size: 0, mtime: -86_400 * 400,
                          mtimeNanoseconds: 5, link: [], headerOffset: 0, dataOffset: 512),
            ArchiveMember(name: Array("d/f".utf8), kind: .file, mode: 0o4644, size: 3000, mtime: 1_700_000_000,
                          mtimeNanoseconds: 999_999_999, link: [], headerOffset: 512, dataOffset: 2048),
            ArchiveMember(name: [0x64, 0x2F, 0xFF], kind: .symlink, mode: 0o777, size: 0, mtime: 0,
                          mtimeNanoseconds: 0, link: Array("f".utf8), headerOffset: 5120, dataOffset: 5632),
        ],
        frameSize: 2990)

    @Test func encodeDecodeRoundTrips() throws {
        #expect(try ArchiveIndex.decode(Self.sample.encode()) == Self.sample)
    }

    @Test func everyTruncationAndEveryByteFlipIsAnErrorOrAnotherValidIndexNeverACrash() throws {
        let bytes = Self.sample.encode()
        for n in 0..<bytes.count {
            #expect(throws: ArchiveError.self) { try ArchiveIndex.decode(Array(bytes[0..<n])) }
        }
        for i in 0..<bytes.count {
            var b = bytes
            b[i] ^= 0xFF
            _ = try? ArchiveIndex.decode(b)
        }
    }

    @Test func hostileCountsAreRefusedBeforeAllocation() throws {
        // One block claimed, then a member count of 2^60.
        var b: [UInt8] = [1, 100, 1, 10, 10, 0]
        b += [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]
        #expect(throws: ArchiveError.self) { try ArchiveIndex.decode(b) }
    }

    @Test func membersMayNotOverlapOrRunPastTheContent() throws {
        var late = Self.sample
        late.members[1].size = 1 << 20
        #expect(throws: ArchiveError.self) { try ArchiveIndex.decode(late.encode()) }
    }

    @Test func printableEscapesControlsAndInvalidUTF8() {
        #expect(printable(Array("café/x".utf8)) == "café/x")
        #expect(printable([0x61, 0x1B, 0x5B, 0xFF, 0xC3]) == "a\\x1b[\\xff\\xc3")
    }
}

@Suite struct SkippableFrameTests {
    func frame(_ content: [UInt8]) throws -> [UInt8] {
        let c = try SqzCompressor(descriptor: CodecRegistry.standard.named("lz77")!, blockSize: 4096)
        var src = MemorySource(content)
        var sink = MemorySink()
        _ = try c.compress(from: &src, to: &sink)
        return sink.bytes
    }

    func decode(_ bytes: [UInt8]) throws -> [UInt8] {
        var sink = MemorySink()
        _ = try SqzDecompressor(registry: .standard).decompress(from: MemorySource(bytes), to: &sink)
        return sink.bytes
    }

    @Test func readersSkipItAfterAFrameAndBetweenFrames() throws {
        let a = Array("first frame ".utf8), b = Array("second".utf8)
        let skip = SkippableFrame.encode(kind: Array("TEST".utf8), payload: Array(repeating: 7, count: 100_000))
        #expect(try decode(frame(a) + skip) == a)
        #expect(try decode(frame(a) + skip + skip + frame(b)) == a + b)
        var sink = DiscardingSink()
        let listed = try SqzDecompressor(registry: .standard).decompress(from: MemorySource(try frame(a) + skip), to: &sink, decode: false)
        #expect(listed.rawBytes == Int64(a.count))
    }

    @Test func aDamagedSkippableFrameIsAnError() throws {
        let a = Array("content".utf8)
        let skip = SkippableFrame.encode(kind: Array("TEST".utf8), payload: Array(repeating: 7, count: 1000))
        for i in [5, 10, 17, 500, skip.count - 1] {
            var s = skip
            s[i] ^= 1
            #expect(throws: SqzError.self) { try decode(try frame(a) + s) }
        }
        #expect(throws: SqzError.self) { try decode(try frame(a) + skip.dropLast(3)) }
        // Trailing bytes that are neither frame nor skippable frame are still trailing data.
        #expect(throws: SqzError.trailingData) { try decode(try frame(a) + skip + [1, 2, 3, 4, 5]) }
    }

    @Test func theFrameWriterRecordsWhereEveryBlockIs() throws {
        let content = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 * 7 / 3) }
        let c = try SqzCompressor(descriptor: CodecRegistry.standard.named("lz77")!, blockSize: 4096, threads: 3)
        var writer = SqzFrameWriter(c)
        var sink = MemorySink()
        for chunk in stride(from: 0, to: content.count, by: 1000) {
            try content[chunk..<min(chunk + 1000, content.count)].withUnsafeBytes { try writer.write($0, to: &sink) }
        }
        _ = try writer.finish(to: &sink)
        // The same bytes as the pull-based compressor, and each recorded block decodes on its own.
        #expect(sink.bytes == (try frame(content).isEmpty ? [] : try {
            let c1 = try SqzCompressor(descriptor: CodecRegistry.standard.named("lz77")!, blockSize: 4096, threads: 1)
            var src = MemorySource(content); var s = MemorySink(); _ = try c1.compress(from: &src, to: &s); return s.bytes }()))
        let decoder = try SqzBlockDecoder(frameHeader: Array(sink.bytes[0..<16]), registry: .standard, memoryLimit: nil)
        var joined: [UInt8] = []
        for (i, b) in writer.blocks.enumerated() {
            let record = Array(sink.bytes[Int(b.frameOffset)..<(Int(b.frameOffset) + b.recordSize)])
            joined += try decoder.decode(record: record, index: i + 1).bytes
        }
        #expect(joined == content)
        #expect(writer.blocks.count == 13)
    }

    /// Blocks ended early (where an archive's members change kind) decode like full
    /// ones, and a block's kind, when given, is what auto codes it for: text with
    /// tar-like runs of zeros reads as binary by its own bytes, as text when told.
    @Test func blocksEndedEarlyDecodeAndAutoFollowsTheBlocksKind() throws {
        var text: [UInt8] = []
        for i in 0..<3000 { text += Array("line \(i): the quick brown fox jumps over the lazy dog \(i * 7919 % 1000)\n".utf8) }
        var tarLike: [UInt8] = []
        for start in stride(from: 0, to: text.count, by: 10_000) {
            tarLike += [UInt8](repeating: 0, count: 700) + text[start..<min(start + 10_000, text.count)]
        }
        let c = try SqzCompressor(autoLevel: 2, blockSize: 1 << 20, threads: 2)
        func frame(kind: AutoSelector.Kind?, following: AutoSelector.Kind?, cutAt cuts: [Int]) throws -> ([UInt8], SqzFrameWriter) {
            var writer = SqzFrameWriter(c)
            var sink = MemorySink()
            writer.blockKind = kind
            writer.followingBlockKind = following
            var at = 0
            for cut in cuts + [tarLike.count] {
                try tarLike[at..<cut].withUnsafeBytes { try writer.write($0, to: &sink) }
                #expect(writer.blockBytes == cut - at)
                try writer.endBlock(to: &sink)
                #expect(writer.blockBytes == 0 && writer.rawBytesAccepted == Int64(cut))
                at = cut
            }
            try writer.endBlock(to: &sink)  // nothing to end: no empty block
            _ = try writer.finish(to: &sink)
            return (sink.bytes, writer)
        }
        let cuts = [1000, 50_000, 50_001, 120_000]
        for kind in [nil, AutoSelector.Kind.text] {
            let (bytes, writer) = try frame(kind: kind, following: kind, cutAt: cuts)
            #expect(writer.blocks.map(\.rawSize) == [1000, 49_000, 1, 69_999, tarLike.count - 120_000])
            var out = MemorySink()
            _ = try SqzDecompressor(registry: .standard).decompress(from: MemorySource(bytes), to: &out, threads: 2)
            #expect(out.bytes == tarLike)
            // The block from 50,001 to 120,000: ppm when told it is text, lz77 by its own bytes.
            let codecs = writer.summary.blockList.map(\.codec)
            #expect(codecs[3] == (kind == .text ? "ppm" : "lz77"), "\(writer.summary.blockList.map { "\($0.codec) \($0.reason)" })")
        }
        // A kind given for one block only: the blocks after it are judged by their own bytes.
        let (_, once) = try frame(kind: .text, following: nil, cutAt: cuts)
        let onceCodecs = once.summary.blockList.map(\.codec)
        #expect(onceCodecs.first == "ppm" && !onceCodecs.dropFirst().contains("ppm"), "\(once.summary.blockList.map { "\($0.codec) \($0.reason)" })")
        #expect(tarLike.withUnsafeBytes { AutoSelector.kind(AutoSelector.features($0)) } == .binary)
        #expect(text.withUnsafeBytes { AutoSelector.kind(AutoSelector.features($0)) } == .text)
    }

    @Test func decodingOnSeveralThreadsGivesTheSameOutputAndTheSameErrors() throws {
        let content = (0..<120_000).map { UInt8(truncatingIfNeeded: ($0 * $0) >> 7) }
        let c = try SqzCompressor(descriptor: CodecRegistry.standard.named("lz77")!, blockSize: 4096)
        var src = MemorySource(content)
        var sink = MemorySink()
        _ = try c.compress(from: &src, to: &sink)
        var damaged = sink.bytes
        damaged[damaged.count / 2] ^= 0x20
        for threads in [2, 3, 8] {
            var one = MemorySink(), many = MemorySink()
            _ = try SqzDecompressor(registry: .standard).decompress(from: MemorySource(sink.bytes), to: &many, threads: threads)
            #expect(many.bytes == content)
            var e1: SqzError?, e2: SqzError?
            do { _ = try SqzDecompressor(registry: .standard).decompress(from: MemorySource(damaged), to: &one) } catch { e1 = error }
            do { _ = try SqzDecompressor(registry: .standard).decompress(from: MemorySource(damaged), to: &many, threads: threads) } catch { e2 = error }
            many = MemorySink()
            do { _ = try SqzDecompressor(registry: .standard).decompress(from: MemorySource(damaged), to: &many, threads: threads) } catch {}
            #expect(e1 != nil && e1 == e2)
            #expect(one.bytes == many.bytes, "the blocks before the damaged one differ")
        }
    }
}
