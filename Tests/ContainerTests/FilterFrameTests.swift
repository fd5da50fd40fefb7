import Foundation
import SqueezeKit
import Testing
import TestSupport

/// Frames with filters and auto mode (docs/FORMAT.md "Filters", docs/AUTO.md):
/// round trips through several codecs, block sizes and thread counts, calls cut
/// by block ends, clear errors for damaged filter headers, the same bytes for
/// any thread count, and golden frames that pin the filters' format.
@Suite struct FilterFrames {
    static func pack(_ data: [UInt8], _ name: String, level: Int? = nil, filter: FilterSetting?, blockSize: Int = 4096,
                     threads: Int = 1) throws -> [UInt8] {
        let d = try #require(CodecRegistry.standard.named(name))
        var src = MemorySource(data)
        var sink = MemorySink()
        _ = try SqzCompressor(descriptor: d, level: level, blockSize: blockSize, threads: threads, filter: filter)
            .compress(from: &src, to: &sink)
        return sink.bytes
    }

    static func packAuto(_ data: [UInt8], level: Int, blockSize: Int? = nil, threads: Int = 1) throws -> [UInt8] {
        var src = MemorySource(data)
        var sink = MemorySink()
        _ = try SqzCompressor(autoLevel: level, blockSize: blockSize, threads: threads).compress(from: &src, to: &sink)
        return sink.bytes
    }

    static func unpack(_ frame: [UInt8], threads: Int = 1, record: Bool = false) throws(SqzError) -> ([UInt8], FrameSummary) {
        var sink = MemorySink()
        let s = try SqzDecompressor(registry: .standard).decompress(from: MemorySource(frame), to: &sink, threads: threads,
                                                                     recordBlocks: record)
        return (sink.bytes, s)
    }

    /// Machine code: up to `n` bytes of the largest executable section of this
    /// test process's own ELF file (x86-64 where these tests run).
    static func executable(_ n: Int = 300_000) throws -> [UInt8] {
        let exe = try readFile("/proc/self/exe")
        func le(_ at: Int, _ size: Int) -> Int {
            (0..<size).reduce(0) { $0 | Int(exe[at + $1]) << (8 * $1) }
        }
        // ELF64: section headers at e_shoff (0x28), e_shentsize (0x3A) bytes each, e_shnum (0x3C) of them.
        let shoff = le(0x28, 8), entry = le(0x3A, 2), count = le(0x3C, 2)
        var best = (offset: 0, size: 0)
        for k in 0..<count {
            let h = shoff + k * entry
            guard h + 40 <= exe.count else { break }
            let flags = le(h + 8, 8), offset = le(h + 24, 8), size = le(h + 32, 8)
            // SHF_EXECINSTR: the section holds instructions.
            if flags & 4 != 0, size > best.size, offset + size <= exe.count { best = (offset, size) }
        }
        #expect(best.size > 0, "no executable section in /proc/self/exe")
        return Array(exe[best.offset..<(best.offset + best.size)].prefix(n))
    }

    /// Little-endian 16-bit samples of a slow wave with noise: what delta:2 is for.
    static func audio(_ samples: Int = 60_000) -> [UInt8] {
        var g = SplitMix64(seed: 44)
        var out: [UInt8] = []
        var v = 0.0
        for i in 0..<samples {
            v = 9000 * sin(Double(i) / 40) + Double(Int(g.next() % 64) - 32)
            let s = UInt16(bitPattern: Int16(v))
            out += [UInt8(truncatingIfNeeded: s), UInt8(truncatingIfNeeded: s >> 8)]
        }
        return out
    }

    static let settings: [FilterSetting] = [.fixed(.x86), .fixed(.delta(stride: 1)), .fixed(.delta(stride: 2)),
                                            .fixed(.delta(stride: 255)), .deltaAutoStride]

    @Test(arguments: ["lz77", "bwt", "huffman", "store"])
    func roundTripsWithEveryFilter(_ codec: String) throws {
        let inputs = [try Self.executable(40_000), Self.audio(10_000), Generators.random(5000, seed: 3),
                      [UInt8](repeating: 0xE8, count: 9000)]
        for input in inputs {
            for setting in Self.settings {
                for threads in [1, 2] {
                    let frame = try Self.pack(input, codec, filter: setting, threads: threads)
                    #expect(frame[4] == SqzFormat.version2, "a filtered frame is version 2")
                    #expect(try Self.unpack(frame, threads: threads).0 == input, "\(codec) \(setting) -T \(threads)")
                }
            }
        }
    }

    /// E8 at every offset around each block end: the call cut by the end is left alone.
    @Test func callsCutByBlockEnds() throws {
        let bs = 1024
        for at in (bs - 6)...(bs + 1) {
            var data = try Self.executable(3 * bs + 100)
            data[at] = 0xE8
            for k in 1...4 where at + k < data.count { data[at + k] = k == 4 ? 0x00 : 0x10 }
            for length in [bs * 2, bs * 2 - 1, bs * 2 + 1, data.count] {
                let input = Array(data.prefix(length))
                let frame = try Self.pack(input, "lz77", level: 1, filter: .fixed(.x86), blockSize: bs)
                #expect(try Self.unpack(frame).0 == input, "E8 at \(at), \(length) bytes")
            }
        }
    }

    @Test func filtersShrinkWhatTheyAreFor() throws {
        let code = try Self.executable(1 << 20)
        let plain = try Self.pack(code, "lz77", level: 6, filter: nil, blockSize: 1 << 20)
        let x86 = try Self.pack(code, "lz77", level: 6, filter: .fixed(.x86), blockSize: 1 << 20)
        #expect(x86.count < plain.count, "x86 filter: \(x86.count) vs \(plain.count) bytes without")
        let wave = Self.audio()
        let raw = try Self.pack(wave, "bwt", level: 5, filter: nil, blockSize: 1 << 20)
        let delta = try Self.pack(wave, "bwt", level: 5, filter: .deltaAutoStride, blockSize: 1 << 20)
        #expect(delta.count < raw.count * 9 / 10, "delta: \(delta.count) vs \(raw.count) bytes without")
    }

    @Test func listRecordsEachBlocksFilter() throws {
        let frame = try Self.pack(Self.audio(4000), "lz77", filter: .deltaAutoStride, blockSize: 4096)
        let (_, s) = try Self.unpack(frame, record: true)
        #expect(s.blockList.count == s.blocks)
        #expect(s.blockList.allSatisfy { $0.stored || $0.filter == .delta(stride: 2) }, "\(s.blockList)")
        #expect(s.blockList.first?.codec == "lz77")
    }

    /// Without a filter, the frame is version 1 as before.
    @Test func noFilterKeepsVersion1() throws {
        let frame = try Self.pack(Generators.skewed(5000), "lz77", filter: nil)
        #expect(frame[4] == SqzFormat.version)
        let none = try Self.pack(Generators.skewed(5000), "lz77", filter: .fixed(.none))
        #expect(none == frame)
    }

    /// Damaged filter fields, with a valid header CRC32 so the field itself is what is refused.
    @Test func corruptFilterHeadersGiveClearErrors() throws {
        let frame = try Self.pack(Self.audio(1000), "huffman", filter: .fixed(.delta(stride: 2)))
        // The first block header follows the 20-byte frame header: tag, codec, level, filter id, stride.
        let at = SqzFormat.headerSizeV2
        #expect(frame[at + 3] == BlockFilter.deltaID && frame[at + 4] == 2)
        func reseal(_ f: inout [UInt8]) {
            // The header runs to its raw CRC32; its own CRC32 follows. Find the end by parsing the varints.
            var p = at + 5
            for _ in 0..<3 { while f[p] & 0x80 != 0 { p += 1 }; p += 1 }
            p += 4
            let crc = CRC32.checksum(Array(f[at..<p]))
            for k in 0..<4 { f[p + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
        }
        var zeroStride = frame
        zeroStride[at + 4] = 0
        reseal(&zeroStride)
        #expect(throws: SqzError.blockHeaderCorrupt(block: 1, "delta filter with stride 0 (valid: 1…255)")) { try Self.unpack(zeroStride) }
        // Id 7 is unknown; the byte after it is then read as the raw size, so rebuild the header without the stride.
        var unknown = Array(frame[..<(at + 3)]) + [7] + Array(frame[(at + 5)...])
        func resealShort(_ f: inout [UInt8]) {
            var p = at + 4
            for _ in 0..<3 { while f[p] & 0x80 != 0 { p += 1 }; p += 1 }
            p += 4
            let crc = CRC32.checksum(Array(f[at..<p]))
            for k in 0..<4 { f[p + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
        }
        resealShort(&unknown)
        #expect(throws: SqzError.blockHeaderCorrupt(block: 1, "unknown filter id 7 (known: 0 none, 1 x86, 2 delta)")) { try Self.unpack(unknown) }
        // A changed stride without a new CRC32: the header checksum catches it.
        var flipped = frame
        flipped[at + 4] = 3
        #expect(throws: SqzError.blockHeaderCorrupt(block: 1, "header checksum mismatch")) { try Self.unpack(flipped) }
        // A changed stride with a new CRC32: the block decodes to other bytes, and its CRC32 says so.
        var wrong = frame
        wrong[at + 4] = 3
        reseal(&wrong)
        #expect(throws: SqzError.checksumMismatch(block: 1)) { try Self.unpack(wrong) }
    }

    static func mixed() throws -> [UInt8] {
        try Self.executable(150_000) + Array(try TestCorpus.bytes("canterbury", "alice29.txt").prefix(100_000))
            + Self.audio(50_000) + Generators.random(60_000, seed: 8)
    }

    @Test(arguments: AutoSelector.levels)
    func autoRoundTripsAndIsDeterministic(_ level: Int) throws {
        let data = try Self.mixed()
        let one = try Self.packAuto(data, level: level, blockSize: 64 << 10, threads: 1)
        #expect(one[4] == SqzFormat.version2 && one[5] == SqzFormat.autoCodecID && one[6] == UInt8(level))
        for t in [2, 3] {
            #expect(try Self.packAuto(data, level: level, blockSize: 64 << 10, threads: t) == one, "auto:\(level) -T \(t)")
        }
        #expect(try Self.packAuto(data, level: level, blockSize: 64 << 10, threads: 1) == one, "auto:\(level) twice")
        let (back, s) = try Self.unpack(one, threads: 2, record: true)
        #expect(back == data)
        #expect(s.codecName == "auto" && s.levelLabel == String(level))
        // What each kind of block chose: x86 code gets the x86 filter, random bytes are stored.
        let codeBlocks = s.blockList.prefix(2)
        #expect(codeBlocks.allSatisfy { $0.filter == .x86 }, "\(Array(codeBlocks))")
        let last = try #require(s.blockList.last)
        #expect(last.stored, "random block: \(last)")
    }

    /// Incompressible data never grows by more than the frame overhead.
    @Test func autoDoesNotExpandRandomData() throws {
        let data = Generators.random(300_000, seed: 12)
        let frame = try Self.packAuto(data, level: 2)
        #expect(frame.count <= data.count + 64)
    }

    // Golden frames: a filtered frame written by this build must keep decoding
    // and be written the same (Golden/filters.*.sqz, input from `goldenInput`).
    static let goldenDirectory = GoldenArchives.directory

    /// Deterministic input for the golden filtered frames: a little x86-like code
    /// (calls to a few targets), then 16-bit samples.
    static func goldenInput() -> [UInt8] {
        var g = SplitMix64(seed: 2026)
        var code: [UInt8] = []
        while code.count < 6000 {
            switch g.next() % 4 {
            case 0:
                let target = [400, 1800, 5000][Int(g.next() % 3)]
                let d = UInt32(bitPattern: Int32(target - (code.count + 5)))
                code += [0xE8] + (0..<4).map { UInt8(truncatingIfNeeded: d >> (8 * UInt32($0))) }
            case 1: code += [0x48, 0x89, 0xC7]
            case 2: code += [0x48, 0x8B, 0x45, UInt8(truncatingIfNeeded: g.next() & 0xF8)]
            default: code += [0xC3, 0x90]
            }
        }
        return code + audio(3000)
    }

    static let goldenFrames: [(file: String, codec: String, level: Int, filter: FilterSetting)] = [
        ("filters.lz77-6.x86.sqz", "lz77", 6, .fixed(.x86)),
        ("filters.huffman-2.delta-2.sqz", "huffman", 2, .fixed(.delta(stride: 2))),
    ]

    @Test(arguments: goldenFrames.map(\.file))
    func goldenFilteredFrame(_ file: String) throws {
        let g = try #require(Self.goldenFrames.first { $0.file == file })
        let input = Self.goldenInput()
        let written = try Self.pack(input, g.codec, level: g.level, filter: g.filter, blockSize: 4096)
        let path = Self.goldenDirectory + "/" + file
        if ProcessInfo.processInfo.environment["SQUEEZE_WRITE_GOLDEN"] == "1" {
            try TestFiles.write(written, path)
        }
        let golden = try readFile(path)
        #expect(try Self.unpack(golden).0 == input)
        #expect(written == golden, "\(file): the filter or the format changed")
    }
}
