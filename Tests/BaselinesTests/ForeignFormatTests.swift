import Baselines
import Container
import Foundation
import TestSupport
import Testing

/// Plain .gz, .bz2, .xz and .zst files read and written through the system
/// libraries (`ForeignFormat`): round trips, the real tools' files (including
/// concatenated members), damage, and memory limits.
@Suite("Foreign formats (plain gzip, bzip2, xz, zstd files)")
struct ForeignFormatTests {
    static let tools: [ForeignFormat: String] = [.gzip: "gzip", .bzip2: "bzip2", .xz: "xz", .zstd: "zstd"]

    /// The tool's path; a missing tool fails the test rather than skipping it.
    static func tool(_ format: ForeignFormat) throws -> String {
        let name = tools[format] ?? format.rawValue
        return try #require(ToolRunner.find(name), "\(name) must be installed (scripts/setup.sh installs it)")
    }

    static func decode(_ format: ForeignFormat, _ bytes: [UInt8], memoryLimit: UInt64? = nil) -> Result<[UInt8], ForeignError> {
        var sink = MemorySink()
        do throws(ForeignError) {
            _ = try format.decompress(from: MemorySource(bytes), to: &sink, memoryLimit: memoryLimit)
            return .success(sink.bytes)
        } catch {
            return .failure(error)
        }
    }

    static func encode(_ format: ForeignFormat, level: Int? = nil, _ bytes: [UInt8], pledged: Bool = false) throws -> [UInt8] {
        var sink = MemorySink()
        let summary = try format.compress(level: level, from: MemorySource(bytes), to: &sink,
                                          pledgedSize: pledged ? Int64(bytes.count) : nil)
        #expect(summary.uncompressedBytes == Int64(bytes.count))
        #expect(summary.compressedBytes == Int64(sink.bytes.count))
        return sink.bytes
    }

    static func inputs() -> [(String, [UInt8])] {
        [("empty", []), ("one byte", [42]), ("random 200000", Generators.random(200_000)),
         ("skewed 300000", Generators.skewed(300_000)), ("repetitive 400000", Generators.repetitive(400_000))]
    }

    /// A few levels per format: the fastest, the default and a strong one (xz 9
    /// and 9e need 674 MiB to encode, so 3e stands for the extreme presets).
    static func levels(_ format: ForeignFormat) -> [Int] {
        switch format {
        case .gzip: [1, 6, 9]
        case .bzip2: [1, 9]
        case .xz: [0, 6, 13]
        case .zstd: [1, 3, 19, 22]
        }
    }

    // MARK: Detection

    @Test func detectsEachMagic() {
        #expect(ForeignFormat.detect([0x1F, 0x8B, 0x08, 0, 0, 0]) == .gzip)
        #expect(ForeignFormat.detect(Array("BZh9".utf8)) == .bzip2)
        #expect(ForeignFormat.detect(Array("BZh1".utf8)) == .bzip2)
        #expect(ForeignFormat.detect([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) == .xz)
        #expect(ForeignFormat.detect([0x28, 0xB5, 0x2F, 0xFD]) == .zstd)
        // Near misses and short prefixes are nothing.
        #expect(ForeignFormat.detect(Array("BZh0".utf8)) == nil)
        #expect(ForeignFormat.detect(Array("BZhA".utf8)) == nil)
        #expect(ForeignFormat.detect(Array("BZh".utf8)) == nil)
        #expect(ForeignFormat.detect([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x01]) == nil)
        #expect(ForeignFormat.detect([0xFD, 0x37, 0x7A, 0x58, 0x5A]) == nil)
        #expect(ForeignFormat.detect([0x28, 0xB5, 0x2F]) == nil)
        #expect(ForeignFormat.detect([0x1F]) == nil)
        #expect(ForeignFormat.detect([]) == nil)
        #expect(ForeignFormat.detect(Array("SQZ\u{1}xx".utf8)) == nil)
        #expect(ForeignFormat.detect(Array("hello world".utf8)) == nil)
    }

    @Test func detectsWhatEachEncoderWrites() throws {
        for format in ForeignFormat.allCases {
            let coded = try Self.encode(format, Array("some text".utf8))
            #expect(ForeignFormat.detect(coded) == format)
            #expect(ForeignFormat.detect(Array(coded.prefix(ForeignFormat.magicLength))) == format)
        }
        // Random data almost never starts with a magic; these seeds do not.
        for seed in UInt64(1)...50 {
            #expect(ForeignFormat.detect(Generators.random(16, seed: seed)) == nil, "seed \(seed)")
        }
    }

    @Test func sniffGivesBackThePrefix() throws {
        let original = Generators.skewed(10_000)
        let coded = try Self.encode(.xz, original)
        var source = MemorySource(coded)
        let (format, prefix) = try ForeignFormat.sniff(&source)
        #expect(format == .xz)
        #expect(prefix == Array(coded.prefix(6)))
        var sink = MemorySink()
        _ = try ForeignFormat.xz.decompress(prefix: prefix, from: source, to: &sink)
        #expect(sink.bytes == original)

        // A short input gives all it has; PrefixedSource replays it.
        var short = MemorySource([0x1F, 0x8B])
        let sniffed = try ForeignFormat.sniff(&short)
        #expect(sniffed.format == .gzip && sniffed.prefix == [0x1F, 0x8B])
        var replay = PrefixedSource(prefix: [1, 2, 3], source: MemorySource([4, 5]))
        var all = MemorySink()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2, alignment: 1)
        defer { buffer.deallocate() }
        while case let n = try replay.read(into: buffer), n > 0 { try all.write(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) }
        #expect(all.bytes == [1, 2, 3, 4, 5])
    }

    @Test func namesAndLevels() {
        #expect(ForeignFormat.allCases.map(\.fileExtension) == [".gz", ".bz2", ".xz", ".zst"])
        #expect(ForeignFormat(rawValue: "zstd") == .zstd)
        #expect(["gzip", "GZ", "bz2", "bzip2", "xz", "zst", "zstd"].map { ForeignFormat(name: $0) }
                == [.gzip, .gzip, .bzip2, .bzip2, .xz, .zstd, .zstd])
        #expect(ForeignFormat(name: "zlib") == nil && ForeignFormat(name: "lzma") == nil)
        #expect(ForeignFormat.strippingExtension("a.txt.gz")! == (.gzip, "a.txt"))
        #expect(ForeignFormat.strippingExtension("dir/b.tar.zst")! == (.zstd, "dir/b.tar"))
        #expect(ForeignFormat.strippingExtension("c.tgz")! == (.gzip, "c.tar"))
        #expect(ForeignFormat.strippingExtension("c.txz")! == (.xz, "c.tar"))
        #expect(ForeignFormat.strippingExtension(".gz") == nil)
        #expect(ForeignFormat.strippingExtension("notes.txt") == nil)
        #expect(ForeignFormat.xz.parseLevel("9e") == 19)
        #expect(ForeignFormat.xz.parseLevel("0e") == 10)
        #expect(ForeignFormat.xz.label(forLevel: 16) == "6e")
        #expect(ForeignFormat.xz.parseLevel("10e") == nil)
        #expect(ForeignFormat.gzip.parseLevel("9e") == nil)
        #expect(ForeignFormat.gzip.parseLevel("0") == nil)
        #expect(ForeignFormat.zstd.parseLevel("22") == 22)
        #expect(ForeignFormat.zstd.parseLevel("23") == nil)
        #expect(ForeignFormat.bzip2.parseLevel("-1") == nil)
    }

    @Test(arguments: ForeignFormat.allCases)
    func invalidLevelIsAnError(format: ForeignFormat) {
        for level in [format.levels.lowerBound - 1, format.levels.upperBound + 1] {
            #expect(throws: ForeignError.invalidLevel(format, level)) {
                _ = try Self.encode(format, level: level, [1, 2, 3])
            }
            let message = ForeignError.invalidLevel(format, level).description
            #expect(message.contains("no level \(level)") && message.contains(format.levelDescription))
        }
    }

    // MARK: Round trips

    @Test(arguments: ForeignFormat.allCases)
    func roundTrips(format: ForeignFormat) throws {
        for level in Self.levels(format) {
            for (label, input) in Self.inputs() {
                // Level 22 without a pledged size sets up its full 128 MiB window; with it the window fits the input.
                let coded = try Self.encode(format, level: level, input, pledged: level >= 20)
                #expect(ForeignFormat.detect(coded) == format)
                let result = Self.decode(format, coded)
                #expect(result == .success(input), "\(format) -\(format.label(forLevel: level)) \(label)")
            }
        }
    }

    @Test(arguments: ForeignFormat.allCases)
    func summariesCountWhatWasRead(format: ForeignFormat) throws {
        let input = Generators.skewed(150_000)
        let coded = try Self.encode(format, input)
        var sink = CountingBytes()
        var reports: [ForeignProgress] = []
        let summary = try format.decompress(from: MemorySource(coded), to: &sink, progress: { reports.append($0) })
        #expect(summary.compressedBytes == Int64(coded.count))
        #expect(summary.uncompressedBytes == Int64(input.count))
        #expect(summary.uncompressedOrigin == .decoded)
        #expect(summary.members == 1)
        #expect(summary.check == format.checkWritten)
        #expect(sink.count == input.count)
        #expect(reports.last?.uncompressedBytes == Int64(input.count))
        #expect(reports.map(\.uncompressedBytes) == reports.map(\.uncompressedBytes).sorted())
    }

    // MARK: The tools

    @Test(arguments: ForeignFormat.allCases)
    func toolsReadOurFiles(format: ForeignFormat) throws {
        let tool = try Self.tool(format)
        for level in Self.levels(format) {
            for (label, input) in Self.inputs() {
                let coded = try Self.encode(format, level: level, input, pledged: level >= 20)
                let decoded = try ToolRunner.run(tool, ["-d", "-c"], stdin: coded)
                #expect(decoded == input, "\(tool) -dc on our \(format) -\(format.label(forLevel: level)) \(label)")
            }
        }
    }

    @Test(arguments: ForeignFormat.allCases)
    func weReadTheToolsFiles(format: ForeignFormat) throws {
        let tool = try Self.tool(format)
        let a = Generators.skewed(250_000, seed: 7), b = Generators.repetitive(180_000, seed: 8)
        let codedA = try ToolRunner.run(tool, ["-c"], stdin: a)
        let codedB = try ToolRunner.run(tool, ["-c", "-1"], stdin: b)
        let codedEmpty = try ToolRunner.run(tool, ["-c"], stdin: [])
        #expect(Self.decode(format, codedA) == .success(a))
        #expect(Self.decode(format, codedEmpty) == .success([]))
        // `cat a.gz b.gz`: the tools decode every member in turn, and so do we.
        let joined = codedA + codedB + codedEmpty
        #expect(Self.decode(format, joined) == .success(a + b))
        #expect(try ToolRunner.run(tool, ["-d", "-c"], stdin: joined) == a + b)
        var sink = CountingBytes()
        let summary = try format.decompress(from: MemorySource(joined), to: &sink)
        #expect(summary.members == 3)
        #expect(summary.compressedBytes == Int64(joined.count))
    }

    @Test func xzChecksAreReported() throws {
        let tool = try Self.tool(.xz)
        let input = Generators.skewed(20_000)
        for (flag, name) in [("none", "none"), ("crc32", "CRC32"), ("crc64", "CRC64"), ("sha256", "SHA-256")] {
            let coded = try ToolRunner.run(tool, ["-c", "--check=\(flag)"], stdin: input)
            var sink = MemorySink()
            let summary = try ForeignFormat.xz.decompress(from: MemorySource(coded), to: &sink)
            #expect(sink.bytes == input)
            #expect(summary.check == name)
        }
    }

    @Test func zeroPaddingIsSkippedAndOtherTrailingBytesAreErrors() throws {
        for format in ForeignFormat.allCases {
            let input = Generators.skewed(5_000)
            let coded = try Self.encode(format, input)
            var sink = MemorySink()
            // xz's stream padding must be a multiple of 4 bytes; 8 suits every format.
            let summary = try format.decompress(from: MemorySource(coded + [UInt8](repeating: 0, count: 8)), to: &sink)
            #expect(sink.bytes == input, "\(format) with zero padding")
            #expect(summary.ignoredZeroBytes == 8)
            let junk = Self.decode(format, coded + Array("junk".utf8))
            switch junk {
            case .failure(.trailingData(format, let offset)):
                #expect(offset == Int64(coded.count))
                #expect(ForeignError.trailingData(format, offset: offset).description.contains("trailing data"))
            default:
                Issue.record("\(format) followed by junk gave \(junk)")
            }
        }
    }

    @Test func xzStreamPaddingMayPrecedeAnotherStream() throws {
        let a = Generators.skewed(5_000, seed: 3), b = Generators.skewed(7_000, seed: 4)
        let codedA = try Self.encode(.xz, a), codedB = try Self.encode(.xz, b)
        var sink = MemorySink()
        let summary = try ForeignFormat.xz.decompress(from: MemorySource(codedA + [0, 0, 0, 0] + codedB), to: &sink)
        #expect(sink.bytes == a + b && summary.members == 2)
        // Padding must be a multiple of 4 bytes (the .xz format, section 2.2).
        #expect(Self.decode(.xz, codedA + [0, 0] + codedB) == .failure(.trailingData(.xz, offset: Int64(codedA.count + 2))))
        // gzip stops at padding: a member after zeros is not read (as gzip does).
        let gz = try Self.encode(.gzip, a)
        #expect(Self.decode(.gzip, gz + [0, 0, 0, 0] + gz) == .failure(.trailingData(.gzip, offset: Int64(gz.count + 4))))
    }

    // MARK: Damage

    /// Every cut of a short file and a spread of cuts of a long one is an error
    /// (never a crash, a hang, or success with less data).
    @Test(arguments: ForeignFormat.allCases)
    func truncatedInputsAreErrors(format: ForeignFormat) throws {
        for input in [Generators.skewed(3_000), Generators.random(300_000, seed: 9)] {
            let coded = try Self.encode(format, input)
            let cuts = coded.count < 4_000 ? Array(0..<coded.count) : (0..<200).map { $0 * (coded.count - 1) / 199 }
            for cut in cuts {
                switch Self.decode(format, Array(coded.prefix(cut))) {
                case .success(let got): Issue.record("\(format) cut at \(cut) of \(coded.count) decoded \(got.count) bytes")
                case .failure(.truncated(_, let offset)): #expect(offset == Int64(cut))
                case .failure(.corrupt), .failure(.trailingData): break
                case .failure(let other): Issue.record("\(format) cut at \(cut): unexpected \(other)")
                }
            }
        }
    }

    /// A flipped bit gives an error, or the original bytes when it hit a field
    /// the format does not check (gzip's time stamp, say); never other bytes.
    @Test(arguments: ForeignFormat.allCases)
    func flippedBitsAreCaught(format: ForeignFormat) throws {
        let input = Generators.skewed(60_000, seed: 11)
        let coded = try Self.encode(format, input)
        var rng = SplitMix64(seed: 12)
        var errors = 0
        let positions = Array(0..<min(coded.count, 40)) + (0..<300).map { _ in Int.random(in: 0..<coded.count, using: &rng) }
        for position in positions {
            var damaged = coded
            damaged[position] ^= UInt8(1) << UInt8(Int.random(in: 0..<8, using: &rng))
            switch Self.decode(format, damaged) {
            case .success(let got): #expect(got == input, "\(format) flip at \(position) gave other bytes")
            case .failure(.io(let e)): Issue.record("\(format) flip at \(position): i/o error \(e)")
            case .failure(.library(_, let why)): Issue.record("\(format) flip at \(position): library error \(why)")
            case .failure: errors += 1
            }
        }
        #expect(errors >= positions.count * 9 / 10, "\(format): only \(errors) of \(positions.count) flips caught")
    }

    /// A valid magic followed by noise is an error for every format, quickly.
    @Test(arguments: ForeignFormat.allCases)
    func noiseAfterAMagicIsAnError(format: ForeignFormat) throws {
        let magic = Array(try Self.encode(format, []).prefix(format == .xz ? 6 : 4))
        for seed in UInt64(1)...200 {
            let noise = magic + Generators.random(Int(seed * 37 % 3000), seed: seed)
            if case .success = Self.decode(format, noise) { Issue.record("\(format) noise seed \(seed) decoded") }
            _ = try? format.inspect(from: MemorySource(noise))  // may refuse; must not trap or hang
        }
    }

    @Test func errorsNameTheOffset() throws {
        let input = Generators.skewed(50_000)
        let coded = try Self.encode(.gzip, input)
        var damaged = coded
        damaged[coded.count / 2] ^= 0xFF
        guard case .failure(let e) = Self.decode(.gzip, damaged), case .corrupt(.gzip, let offset, _) = e else {
            Issue.record("a damaged gzip member decoded"); return
        }
        #expect(offset > 10 && offset <= Int64(coded.count))
        #expect(e.description.hasPrefix("gzip: corrupt data near byte \(offset): "))
        #expect(Self.decode(.zstd, []) == .failure(.truncated(.zstd, offset: 0)))
        #expect(ForeignError.truncated(.zstd, offset: 0).description == "zstd: empty input (truncated)")
    }

    // MARK: Memory limits

    @Test func xzMemoryLimitNamesWhatIsNeeded() throws {
        let tool = try Self.tool(.xz)
        let input = Generators.skewed(50_000)
        let coded = try ToolRunner.run(tool, ["-9", "-c"], stdin: input)  // a 64 MiB dictionary: 65 MiB to decode
        let limit: UInt64 = 16 << 20
        guard case .failure(let e) = Self.decode(.xz, coded, memoryLimit: limit),
              case .memoryLimit(.xz, let needed, let reported) = e else {
            Issue.record("xz -9 decoded within 16 MiB"); return
        }
        #expect(needed > 64 << 20 && needed <= 66 << 20)
        #expect(reported == limit)
        #expect(e.description == "xz: decoding needs 64.1 MiB of memory, more than the limit of 16 MiB; allow it with --memory=65M")
        #expect(Self.decode(.xz, coded, memoryLimit: 65 << 20) == .success(input))
        var sink = CountingBytes()
        let summary = try ForeignFormat.xz.decompress(from: MemorySource(coded), to: &sink, memoryLimit: nil)
        #expect(summary.memoryNeeded.map { $0 > 64 << 20 } == true)
    }

    @Test func zstdWindowLimitNamesWhatIsNeeded() throws {
        let tool = try Self.tool(.zstd)
        let input = Generators.skewed(50_000)
        // --long=27 writes a 128 MiB window into the header whatever the input's size.
        let coded = try ToolRunner.run(tool, ["-q", "--long=27", "-c"], stdin: input)
        guard case .failure(let e) = Self.decode(.zstd, coded, memoryLimit: 64 << 20),
              case .memoryLimit(.zstd, let needed, _) = e else {
            Issue.record("a 128 MiB window decoded within 64 MiB"); return
        }
        #expect(needed == 128 << 20)
        #expect(e.description.contains("needs 128 MiB") && e.description.contains("--memory=128M"))
        #expect(Self.decode(.zstd, coded, memoryLimit: 128 << 20) == .success(input))
        // A limit between powers of two is honoured exactly, not rounded to one.
        let small = try ToolRunner.run(tool, ["-q", "-c"], stdin: input)  // a 64 KiB window for this input
        var sink = CountingBytes()
        let window = try ForeignFormat.zstd.decompress(from: MemorySource(small), to: &sink).memoryNeeded ?? 0
        #expect(window > 0)
        #expect(Self.decode(.zstd, small, memoryLimit: window) == .success(input))
        #expect(Self.decode(.zstd, small, memoryLimit: window - 1) == .failure(.memoryLimit(.zstd, needed: window, limit: window - 1)))
    }

    @Test func zstdWindowsBeyondTheFormatsReachAreRefused() {
        // A frame header asking for a 4 GiB window (exponent 22), then one empty last raw block.
        let huge: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 22 << 3, 0x01, 0x00, 0x00]
        guard case .failure(.corrupt(.zstd, _, let why)) = Self.decode(.zstd, huge) else {
            Issue.record("a 4 GiB window was not refused"); return
        }
        #expect(why.contains("4096 MiB window"))
        #expect(Self.decode(.zstd, huge, memoryLimit: 1 << 30)
                == .failure(.memoryLimit(.zstd, needed: 1 << 32, limit: 1 << 30)))
        // The same frame with a 1 KiB window is a valid empty frame.
        var small = huge
        small[5] = 0
        #expect(Self.decode(.zstd, small, memoryLimit: 1 << 10) == .success([]))
    }

    @Test func bzip2FallsBackToItsSmallDecoder() throws {
        let input = Generators.skewed(300_000)
        let coded = try Self.encode(.bzip2, level: 9, input)
        // -9: 3.7 MB fast, 2.35 MB small.
        #expect(Self.decode(.bzip2, coded, memoryLimit: 3 << 20) == .success(input))
        #expect(Self.decode(.bzip2, coded, memoryLimit: 2 << 20)
                == .failure(.memoryLimit(.bzip2, needed: 2_350_000, limit: 2 << 20)))
    }

    // MARK: Listing

    @Test func inspectReportsSizesAsTheToolsDo() throws {
        let a = Generators.skewed(120_000), b = Generators.random(70_000)
        // gzip: the last member's ISIZE, as `gzip -l` shows.
        let gz = try Self.encode(.gzip, a) + Self.encode(.gzip, b)
        let g = try ForeignFormat.gzip.inspect(from: MemorySource(gz))
        #expect(g.uncompressedOrigin == .gzipTrailer && g.uncompressedBytes == Int64(b.count))
        #expect(g.compressedBytes == Int64(gz.count))
        let ge = try ForeignFormat.gzip.inspect(from: MemorySource(gz), exact: true)
        #expect(ge.uncompressedOrigin == .decoded && ge.uncompressedBytes == Int64(a.count + b.count) && ge.members == 2)

        // zstd: declared sizes when every frame has one, read without decoding.
        let declared = try Self.encode(.zstd, a, pledged: true) + Self.encode(.zstd, b, pledged: true)
        let z = try ForeignFormat.zstd.inspect(from: MemorySource(declared))
        #expect(z.uncompressedOrigin == .declared && z.uncompressedBytes == Int64(a.count + b.count))
        #expect(z.members == 2 && z.check == "XXH64" && z.compressedBytes == Int64(declared.count))
        let unknown = try Self.encode(.zstd, a) + Self.encode(.zstd, b, pledged: true)
        let u = try ForeignFormat.zstd.inspect(from: MemorySource(unknown))
        #expect(u.uncompressedOrigin == .unknown && u.uncompressedBytes == nil && u.members == 2)
        let ue = try ForeignFormat.zstd.inspect(from: MemorySource(unknown), exact: true)
        #expect(ue.uncompressedBytes == Int64(a.count + b.count))
        // A cut zstd file is still caught when listing without decoding.
        #expect(throws: ForeignError.self) { _ = try ForeignFormat.zstd.inspect(from: MemorySource(Array(declared.dropLast(3)))) }

        // bzip2 and xz are decoded to count.
        for format in [ForeignFormat.bzip2, .xz] {
            let s = try format.inspect(from: MemorySource(Self.encode(format, a)))
            #expect(s.uncompressedOrigin == .decoded && s.uncompressedBytes == Int64(a.count))
        }
    }

    @Test func zstdSkippableFramesAreSkipped() throws {
        let a = Generators.skewed(30_000)
        // A skippable frame (magic 0x184D2A53, 5 bytes of content) before a real frame.
        let skippable: [UInt8] = [0x53, 0x2A, 0x4D, 0x18, 5, 0, 0, 0, 1, 2, 3, 4, 5]
        let coded = try skippable + Self.encode(.zstd, a, pledged: true) + skippable
        #expect(Self.decode(.zstd, coded) == .success(a))
        let s = try ForeignFormat.zstd.inspect(from: MemorySource(coded))
        #expect(s.uncompressedBytes == Int64(a.count) && s.members == 1)
    }

    @Test func pledgedSizeMustBeRight() throws {
        var sink = MemorySink()
        #expect(throws: ForeignError.self) {
            _ = try ForeignFormat.zstd.compress(from: MemorySource([1, 2, 3]), to: &sink, pledgedSize: 4)
        }
    }
}

/// Counts bytes without keeping them.
struct CountingBytes: ByteSink {
    var count = 0
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(SqzError) { count += bytes.count }
}
