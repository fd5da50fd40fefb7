import Foundation
import SqueezeKit
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Version-2 frames with the long-range stage (docs/FORMAT.md, docs/LONG.md):
/// round trips through every codec, every thread count and both histories;
/// damage names the block; a window the memory limit cannot hold is refused.
@Suite struct LongRangeFrames {
    /// `unit` random bytes, then the same bytes again `copies` times with a few
    /// changed bytes between copies: repeats far apart (further than any block).
    static func farRepeats(unit: Int = 40_000, copies: Int = 6, seed: UInt64 = 7) -> [UInt8] {
        let base = Generators.random(unit, seed: seed)
        var out: [UInt8] = []
        for c in 0..<copies {
            var copy = base
            copy[(c * 9_973) % unit] ^= 0x5A
            out += copy
        }
        return out
    }

    static func packLong(_ data: [UInt8], _ d: CodecDescriptor, blockSize: Int = 16 << 10, threads: Int = 1,
                         window: Int64 = 1 << 20) throws -> [UInt8] {
        var src = MemorySource(data)
        var sink = MemorySink()
        _ = try SqzCompressor(descriptor: d, blockSize: blockSize, threads: threads,
                              longRange: LongRangeSettings(window: window, hashTableBytes: 1 << 20))
            .compress(from: &src, to: &sink)
        return sink.bytes
    }

    static func unpackStandard(_ frame: [UInt8], threads: Int = 1, memoryLimit: Int? = nil) throws(SqzError) -> [UInt8] {
        var sink = MemorySink()
        _ = try SqzDecompressor(registry: .standard).decompress(from: MemorySource(frame), to: &sink,
                                                                 memoryLimit: memoryLimit, threads: threads)
        return sink.bytes
    }

    @Test(arguments: CodecRegistry.standard.names)
    func everyCodecRoundTripsAndShrinksFarRepeats(_ name: String) throws {
        let d = try #require(CodecRegistry.standard.named(name))
        let data = Self.farRepeats()
        let frame = try Self.packLong(data, d)
        #expect(frame[4] == SqzFormat.version2)
        #expect(try Self.unpackStandard(frame) == data, "\(name)")
        // Six copies of incompressible bytes: the references make it about one copy.
        #expect(frame.count < 40_000 * 2, "\(name): \(frame.count) bytes for 6 far copies of 40,000 random bytes")
    }

    @Test func sameFrameForEveryThreadCountAndDecodedWithAny() throws {
        let d = try #require(CodecRegistry.standard.named("lz77"))
        let data = Self.farRepeats(copies: 5) + Generators.skewed(50_000)
        let one = try Self.packLong(data, d, threads: 1)
        for t in [2, 3, 8] {
            #expect(try Self.packLong(data, d, threads: t) == one, "-T \(t) wrote another frame")
            #expect(try Self.unpackStandard(one, threads: t) == data)
        }
    }

    @Test func repeatsJustInsideTheWindowAreUsedAndJustOutsideAreNot() throws {
        let d = try #require(CodecRegistry.standard.named("store"))
        let unit = Generators.random(3_000, seed: 3)
        let window = 1 << 14
        for gap in [window - 3_000 - 64, window + 4_096] {
            let data = unit + Generators.random(gap, seed: 4) + unit
            let frame = try Self.packLong(data, d, blockSize: 4 << 10, window: Int64(window))
            #expect(try Self.unpackStandard(frame) == data)
            let inside = gap + 3_000 <= window
            #expect(inside == (frame.count < data.count - 2_000), "gap \(gap): \(frame.count) of \(data.count)")
        }
    }

    @Test func theOutputFileServesAsTheHistory() throws {
        let d = try #require(CodecRegistry.standard.named("lz77"))
        let data = Self.farRepeats(copies: 8)
        let frame = try Self.packLong(data, d, window: 64 << 20)
        let path = NSTemporaryDirectory() + "sqz-long-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        #expect(fd >= 0)
        defer { close(fd); unlink(path) }
        var sink = FileSink(fd: fd)
        // A limit below the 64 MiB window (refused in memory, see below): it is read back from the file.
        _ = try SqzDecompressor(registry: .standard).decompress(from: MemorySource(frame), to: &sink,
                                                                 memoryLimit: 32 << 20, threads: 2, outputDescriptor: fd)
        #expect(try readFile(path) == data)
    }

    @Test func aWindowBeyondTheMemoryLimitIsRefusedWithTheNeed() throws {
        let d = try #require(CodecRegistry.standard.named("store"))
        let frame = try Self.packLong(Self.farRepeats(), d, window: 64 << 20)
        #expect {
            _ = try Self.unpackStandard(frame, memoryLimit: 32 << 20)
        } throws: { e in
            "\(e)".contains("long-range window of 64 MiB") && "\(e)".contains("--memory=")
        }
    }

    @Test func damagedReferencesNameTheirBlock() throws {
        let d = try #require(CodecRegistry.standard.named("store"))
        let data = Self.farRepeats(unit: 10_000, copies: 3)
        let frame = try Self.packLong(data, d, blockSize: 8 << 10)
        #expect(try Self.unpackStandard(frame) == data)
        // Every single-byte change anywhere is an error, never a wrong output or a trap.
        var errors = 0
        for at in stride(from: 20, to: frame.count, by: 97) {
            var bad = frame
            bad[at] ^= 0x21
            do {
                let out = try Self.unpackStandard(bad)
                #expect(out == data, "byte \(at) changed the output without an error")
            } catch {
                errors += 1
                #expect("\(error)".count > 10)
            }
        }
        #expect(errors > 0)
        // Truncation anywhere too.
        for cut in stride(from: 0, to: frame.count, by: 211) {
            #expect(throws: SqzError.self) { _ = try Self.unpackStandard(Array(frame[0..<cut])) }
        }
    }

    @Test func versionOneFramesAreUnchangedWithoutLong() throws {
        let d = try #require(CodecRegistry.standard.named("lz77"))
        var src = MemorySource(Self.farRepeats())
        var sink = MemorySink()
        _ = try SqzCompressor(descriptor: d, blockSize: 16 << 10).compress(from: &src, to: &sink)
        #expect(sink.bytes[4] == SqzFormat.version)
    }
}
