import Foundation
import Testing
import TestSupport

/// `--filter` and `-a auto` on the command line (docs/AUTO.md): round trips, what
/// `list -v` shows per block, the same output for any -T, and clear usage errors.
@Suite struct FilterCLITests {
    /// Little-endian 16-bit samples: delta:2 material.
    static func samples(_ n: Int) -> [UInt8] {
        var g = SplitMix64(seed: 9)
        var out: [UInt8] = []
        for i in 0..<n {
            let v = Int16(clamping: Int(8000 * sin(Double(i) / 30)) + Int(g.next() % 50))
            out += [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: UInt16(bitPattern: v) >> 8)]
        }
        return out
    }

    @Test func filterOptionRoundTripsAndListShowsIt() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let data = Self.samples(20_000)
        try TestFiles.write(data, "\(dir)/wave")
        for (filter, shown) in [("delta:2", "delta:2"), ("delta", "delta:2"), ("x86", "x86")] {
            var r = try SqueezeCommand.run(["compress", "-a", "lz77", "-1", "-B", "16K", "--filter", filter, "-c", "wave"], in: dir)
            #expect(r.status == 0, "\(filter): \(r.stderr)")
            try TestFiles.write(r.stdout, "\(dir)/wave.sqz")
            r = try SqueezeCommand.run(["-dc", "wave.sqz"], in: dir)
            #expect(r.status == 0 && r.stdout == data, "\(filter): \(r.stderr)")
            r = try SqueezeCommand.run(["list", "-v", "wave.sqz"], in: dir)
            #expect(r.status == 0, "\(r.stderr)")
            // One row per block with codec, level and filter.
            let rows = r.stdoutText.split(separator: "\n").filter { $0.contains(" lz77 ") && $0.hasSuffix(shown) }
            #expect(rows.count == 3, "\(filter): \(r.stdoutText)")
        }
    }

    @Test func autoIsTheSameForAnyThreadCountAndSaysWhy() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let text = try TestCorpus.bytes("canterbury", "alice29.txt")
        let data = Array(text.prefix(65_536)) + Self.samples(32_768) + Generators.random(65_536, seed: 4)
        try TestFiles.write(data, "\(dir)/mixed")
        var frames: [[UInt8]] = []
        for t in ["1", "2"] {
            let r = try SqueezeCommand.run(["compress", "-a", "auto", "-B", "64K", "-T", t, "-c", "mixed"], in: dir)
            #expect(r.status == 0, "\(r.stderr)")
            frames.append(r.stdout)
        }
        #expect(frames[0] == frames[1], "auto wrote other bytes with -T 2")
        try TestFiles.write(frames[0], "\(dir)/mixed.sqz")
        var r = try SqueezeCommand.run(["-dc", "mixed.sqz"], in: dir)
        #expect(r.stdout == data)
        r = try SqueezeCommand.run(["list", "-v", "mixed.sqz"], in: dir)
        #expect(r.stdoutText.contains("auto"), "\(r.stdoutText)")
        #expect(r.stdoutText.contains("delta:2"), "the sample blocks: \(r.stdoutText)")
        #expect(r.stdoutText.contains("store"), "the random block: \(r.stdoutText)")
        // -v names each block's choice and the statistic behind it.
        r = try SqueezeCommand.run(["compress", "-v", "-a", "auto:1", "-B", "64K", "-c", "mixed"], in: dir)
        #expect(r.stderr.contains("block 1: ") && r.stderr.contains("text:"), "\(r.stderr)")
        #expect(r.stderr.contains("stride 2"), "\(r.stderr)")
    }

    @Test func badFilterAndAutoArgumentsAreUsageErrors() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try TestFiles.write(Generators.skewed(1000), "\(dir)/f")
        for (args, message) in [
            (["--filter", "arm", "f"], "unknown --filter 'arm'"),
            (["--filter", "delta:0", "f"], "unknown --filter 'delta:0'"),
            (["-a", "auto:7", "f"], "auto has no level '7'"),
            (["-a", "auto", "--filter", "x86", "f"], "auto chooses each block's filter itself"),
            (["--format", "gzip", "--filter", "x86", "f"], "--filter is for .sqz archives"),
        ] {
            let r = try SqueezeCommand.run(["compress", "-c"] + args, in: dir)
            #expect(r.status == 2 && r.stderr.contains(message), "\(args): \(r.stderr)")
        }
    }
}
