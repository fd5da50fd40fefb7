import Baselines
import Codecs
import SqueezeKit
import Testing

@Suite("Baseline descriptors and versions")
struct BaselineDescriptorTests {
    @Test func librariesReportVersions() {
        let versions = BaselineVersions.all
        #expect(versions.map(\.library) == ["zlib", "bzip2", "xz", "zstd"])
        for (library, version) in versions {
            // "major.minor.patch", all numeric: what every one of the four libraries reports.
            let parts = version.split(separator: ".")
            #expect(parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) },
                    "\(library) version \(version)")
        }
    }

    @Test func descriptorsAreStable() {
        let all = Baselines.all
        #expect(all.map(\.name) == ["zlib", "bzip2", "xz", "zstd"])
        #expect(all.map(\.id) == [128, 129, 130, 131])
        #expect(all.allSatisfy { $0.origin == .system })
        let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
        #expect(byName["zlib"]?.levels == Array(1...9))
        #expect(byName["zlib"]?.defaultLevel == 6)
        #expect(byName["bzip2"]?.levels == Array(1...9))
        #expect(byName["bzip2"]?.defaultLevel == 9)
        #expect(byName["xz"]?.levels == Array(0...19))
        #expect(byName["xz"]?.defaultLevel == 6)
        #expect(byName["xz"]?.strongestLevel == 19)
        #expect(byName["zstd"]?.levels == Array(1...22))
        #expect(byName["zstd"]?.defaultLevel == 3)
        #expect(byName["zstd"]?.strongestLevel == 19)
    }

    @Test func xzExtremeLevelsReadAndPrintAsNe() throws {
        let xz = try BaselineCoding.descriptor("xz")
        #expect(xz.label(forLevel: 19) == "9e")
        #expect(xz.label(forLevel: 10) == "0e")
        #expect(xz.label(forLevel: 9) == "9")
        #expect(xz.level(parsing: "9e") == 19)
        #expect(xz.level(parsing: "6") == 6)
        #expect(xz.level(parsing: "10") == nil)
        #expect(xz.levelsDescription == "0-9, 0e-9e")
        for level in xz.levels { #expect(xz.level(parsing: xz.label(forLevel: level)) == level) }
    }

    @Test func blockSizesFollowTheFormats() throws {
        for d in Baselines.all {
            for level in d.levels { #expect(d.blockSize(level) >= 1 << 16, "\(d.name) \(level)") }
        }
        let bzip2 = try BaselineCoding.descriptor("bzip2")
        #expect(bzip2.blockSize(9) == 899_981)
        #expect(bzip2.blockSize(1) == 99_981)
        let xz = try BaselineCoding.descriptor("xz")
        #expect(xz.blockSize(6) == 8 << 20)
        #expect(xz.blockSize(16) == 8 << 20)  // 6e: same dictionary as 6
        #expect(xz.blockSize(19) == 64 << 20)
        #expect(xz.blockSize(0) == 1 << 20)
        let zstd = try BaselineCoding.descriptor("zstd")
        #expect(zstd.blockSize(3) == 4 << 20)
        #expect(zstd.blockSize(22) == 128 << 20)
    }

    @Test func standardRegistryFindsBaselines() {
        for d in Baselines.all {
            #expect(CodecRegistry.standard.named(d.name)?.id == d.id)
            #expect(CodecRegistry.standard.withID(d.id)?.name == d.name)
        }
    }

    @Test func levelsOutsideTheRangeAreRefused() {
        let bad: [any Codec] = [ZlibCodec(level: 0), ZlibCodec(level: 10), Bzip2Codec(level: 0),
                                Bzip2Codec(level: 10), XzCodec(level: -1), XzCodec(level: 20),
                                ZstdCodec(level: 0), ZstdCodec(level: 23)]
        for codec in bad {
            #expect(throws: CodecError.self) { try BaselineCoding.encode(codec, [1, 2, 3]) }
        }
    }
}
