import Foundation
import Testing
import TestSupport

private let fm = FileManager.default

private func write(_ bytes: [UInt8], _ path: String) throws { try TestFiles.write(bytes, path) }
private func read(_ path: String) throws -> [UInt8] { try TestFiles.read(path) }
private func listing(_ dir: String) throws -> [String] { try TestFiles.listing(dir) }

@Suite struct ArchiverCommands {
    @Test func compressDecompressRoundTrip() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let data = try TestCorpus.bytes("canterbury", "alice29.txt")
        try write(data, "\(dir)/alice")
        var r = try SqueezeCommand.run(["compress", "alice"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try listing(dir) == ["alice", "alice.sqz"])
        try fm.removeItem(atPath: "\(dir)/alice")
        r = try SqueezeCommand.run(["decompress", "alice.sqz"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try read("\(dir)/alice") == data)
        #expect(try listing(dir) == ["alice", "alice.sqz"])
    }

    /// Asking for speed as a gzip user would (`-1`, `--fast`, no `-a`) gets lzfast -1;
    /// `--fast` with a codec named is that codec's fastest level; `-2` keeps the default codec.
    @Test func fastAndMinusOneChooseLzfast() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let data = try TestCorpus.bytes("canterbury", "alice29.txt")
        try write(data, "\(dir)/f")
        for (args, codec, level) in [(["-1"], "lzfast", "1"), (["--fast"], "lzfast", "1"), (["compress", "--fast"], "lzfast", "1"),
                                     (["--fast", "-a", "zstd"], "zstd", "1"), (["-2"], "lz77", "2")] {
            var r = try SqueezeCommand.run(args + ["-k", "-f", "f"], in: dir)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            r = try SqueezeCommand.run(["-l", "f.sqz"], in: dir)
            let row = r.stdoutText.split(separator: "\n").last.map { $0.split(separator: " ").map(String.init) } ?? []
            #expect(row.prefix(2) == [codec, level], "\(args): \(r.stdoutText)")
            r = try SqueezeCommand.run(["-dc", "f.sqz"], in: dir)
            #expect(r.stdout == data, "\(args)")
        }
    }

    /// `-T` reaches every command that decodes (`-d`, `-t`, `list -v`): the same
    /// output and the same verdict on damage for every value; a negative count is a usage error.
    @Test func decodingCommandsTakeThreads() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let data = Generators.skewed(200_000)
        try write(data, "\(dir)/f")
        var r = try SqueezeCommand.run(["-k", "-a", "lz77", "-B", "16K", "f"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        for t in ["1", "2", "5"] {
            r = try SqueezeCommand.run(["-dc", "-T", t, "f.sqz"], in: dir)
            #expect(r.status == 0 && r.stdout == data, "-T \(t): \(r.stderr)")
            r = try SqueezeCommand.run(["-t", "-T", t, "f.sqz"], in: dir)
            #expect(r.status == 0 && r.stderr.isEmpty, "-t -T \(t): \(r.stderr)")
            r = try SqueezeCommand.run(["list", "-v", "-T", t, "f.sqz"], in: dir)
            #expect(r.status == 0 && r.stdoutText.contains("ok "), "list -v -T \(t): \(r.stderr)")
        }
        var damaged = try read("\(dir)/f.sqz")
        damaged[damaged.count * 2 / 3] ^= 0x10
        try write(damaged, "\(dir)/g.sqz")
        for t in ["1", "4"] {
            r = try SqueezeCommand.run(["-t", "-T", t, "g.sqz"], in: dir)
            #expect(r.status == 1 && r.stderr.contains("g.sqz"), "-t -T \(t) on damage: \(r.stderr)")
        }
        r = try SqueezeCommand.run(["-t", "-T", "-1", "f.sqz"], in: dir)
        #expect(r.status != 0 && r.stderr.contains("threads"))
    }

    /// A block that declares 256 MiB and holds a few bytes of garbage is refused before its
    /// output memory is touched: the decoder's buffer is reserved, not zero-filled, so the
    /// process stays far below the declared size (it was ~290 MB when the buffer was zeroed).
    @Test func aHostileBlockSizeCostsNoMemoryUntilWritten() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let declared = 256 << 20
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        func varint(_ v: Int) -> [UInt8] {
            var v = v, out: [UInt8] = []
            while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
            return out + [UInt8(v)]
        }
        func crc32(_ bytes: [UInt8]) -> UInt32 { // bitwise, as docs/FORMAT.md defines it
            var c: UInt32 = 0xFFFF_FFFF
            for b in bytes {
                c ^= UInt32(b)
                for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
            }
            return ~c
        }
        // The codec id and level of lz77, from a frame the binary writes.
        try write(Array("some text".utf8), "\(dir)/t")
        _ = try SqueezeCommand.run(["-a", "lz77", "t"], in: dir)
        let real = try read("\(dir)/t.sqz")
        var frame: [UInt8] = [0x89, 0x53, 0x51, 0x5A, 1, real[5], real[6], 0] + le32(UInt32(declared))
        frame += le32(crc32(frame))
        let payload = Generators.random(600, seed: 9)
        var block: [UInt8] = [1] + varint(declared) + varint(payload.count) + le32(0x1234_5678)
        block += le32(crc32(block))
        frame += block + payload
        try write(frame, "\(dir)/h.sqz")
        // The child's peak RSS, measured by python3 (installed by scripts/setup.sh) with getrusage.
        let squeeze = SqueezeCommand.executablePath
        let r = try SqueezeCommand.shell("""
            python3 -c 'import resource, subprocess, sys
            p = subprocess.run([sys.argv[1], "-t", "h.sqz"], capture_output=True)
            print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
            sys.stderr.write(p.stderr.decode())' '\(squeeze)'
            """, in: dir)
        let fields = r.stdoutText.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(fields.count == 2, "\(r.stdoutText) \(r.stderr)")
        #expect(fields.first == 1 && r.stderr.contains("h.sqz") && r.stderr.contains("block 1"), "\(r.stderr)")
        #expect((fields.last ?? .max) < 96 << 10, "peak RSS \(fields.last ?? -1) KiB for a block that declares 256 MiB")
    }

    @Test func gzipStyleFlags() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let data = Generators.repetitive(300_000)
        try write(data, "\(dir)/f")
        var r = try SqueezeCommand.run(["-a", "store", "-0", "-v", "f"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("f:") && r.stderr.contains("f.sqz"))
        r = try SqueezeCommand.run(["-t", "f.sqz"], in: dir)
        #expect(r.status == 0 && r.stderr.isEmpty)
        r = try SqueezeCommand.run(["-l", "f.sqz"], in: dir)
        #expect(r.status == 0 && r.stdoutText.contains("store") && r.stdoutText.contains("300000"))
        r = try SqueezeCommand.run(["-dc", "f.sqz"], in: dir)
        #expect(r.status == 0 && r.stdout == data)
        r = try SqueezeCommand.run(["-d", "f.sqz"], in: dir)
        #expect(r.status == 1 && r.stderr.contains("f.sqz") && r.stderr.contains("already exists"))
        r = try SqueezeCommand.run(["-d", "-f", "--rm", "f.sqz"], in: dir)
        #expect(r.status == 0)
        #expect(try listing(dir) == ["f"])
        #expect(try read("\(dir)/f") == data)
    }

    @Test func removeInputOnlyAfterVerifiedOutput() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try write(Generators.skewed(50_000), "\(dir)/a")
        let r = try SqueezeCommand.run(["compress", "--rm", "a"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try listing(dir) == ["a.sqz"])
    }

    @Test func standardInputAndOutput() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let data = Generators.random(70_000)
        let packed = try SqueezeCommand.run(["compress", "-B", "16K", "-"], in: dir, input: data)
        #expect(packed.status == 0, "\(packed.stderr)")
        #expect(try listing(dir).isEmpty)
        let unpacked = try SqueezeCommand.run(["decompress"], in: dir, input: packed.stdout)
        #expect(unpacked.status == 0 && unpacked.stdout == data)
    }

    @Test func outputOptionAndOverwriteRules() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try write([1, 2, 3], "\(dir)/x")
        try write([9], "\(dir)/y.sqz")
        var r = try SqueezeCommand.run(["compress", "-o", "y.sqz", "x"], in: dir)
        #expect(r.status == 1 && r.stderr.contains("y.sqz already exists"))
        #expect(try read("\(dir)/y.sqz") == [9])
        r = try SqueezeCommand.run(["compress", "-f", "-o", "y.sqz", "x"], in: dir)
        #expect(r.status == 0)
        r = try SqueezeCommand.run(["decompress", "-o", "z", "y.sqz"], in: dir)
        #expect(r.status == 0)
        #expect(try read("\(dir)/z") == [1, 2, 3])
        #expect(try listing(dir) == ["x", "y.sqz", "z"])
    }

    @Test func jsonOutput() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try write(Generators.repetitive(10_000), "\(dir)/j")
        #expect(try SqueezeCommand.run(["compress", "j"], in: dir).status == 0)
        for cmd in [["test", "--json", "j.sqz"], ["list", "--json", "-v", "j.sqz"]] {
            let r = try SqueezeCommand.run(cmd, in: dir)
            #expect(r.status == 0)
            let parsed = try JSONSerialization.jsonObject(with: Data(r.stdout)) as? [[String: Any]]
            let record = try #require(parsed?.first)
            #expect(record["ok"] as? Bool == true)
            #expect(record["uncompressedBytes"] as? Int == 10_000)
            #expect(record["checksums"] as? String == "verified")
        }
    }

    @Test func usageErrorsExitTwo() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        for args in [["compress", "--no-such-flag"], ["compress", "-a", "nonesuch", "x"], ["compress", "-a", "store", "-l", "99", "x"],
                     ["compress", "-o", "a", "b", "c"], ["compress", "-B", "12"]] {
            let r = try SqueezeCommand.run(args, in: dir)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(!r.stderr.isEmpty)
        }
    }

    @Test func algosListsCodecs() throws {
        let r = try SqueezeCommand.run(["algos"], in: TestCorpus.root)
        #expect(r.status == 0)
        #expect(r.stdoutText.contains("store") && r.stdoutText.contains("ours"))
    }

    @Test func missingInputNamesTheFile() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let r = try SqueezeCommand.run(["compress", "nothere"], in: dir)
        #expect(r.status == 1 && r.stderr.contains("squeeze: nothere:"))
        #expect(try listing(dir).isEmpty)
    }

    @Test func refusesToWriteCompressedDataToATerminalOnlyOnATerminal() throws {
        // Piped stdout is fine (not a terminal); the test just makes sure -c works through a pipe.
        let dir = try SqueezeCommand.temporaryDirectory()
        try write([7, 7, 7], "\(dir)/t")
        let r = try SqueezeCommand.run(["-c", "t"], in: dir)
        #expect(r.status == 0 && r.stdout.starts(with: [0x89, 0x53, 0x51, 0x5A]))
    }
}

/// Bad archives: a clear message naming the file, exit 1, no output file, input untouched, no hang.
@Suite struct BadArchives {
    /// Checks one damaged archive through `decompress` and `test`.
    func expectRejected(_ bytes: [UInt8], _ what: String, message: String? = nil) throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        defer { try? fm.removeItem(atPath: dir) }
        try write(bytes, "\(dir)/bad.sqz")
        let r = try SqueezeCommand.run(["decompress", "bad.sqz"], in: dir, timeout: 30)
        #expect(r.status == 1, "\(what): status \(r.status)")
        #expect(r.stderr.hasPrefix("squeeze: bad.sqz: "), "\(what): \(r.stderr)")
        if let message { #expect(r.stderr.contains(message), "\(what): \(r.stderr)") }
        #expect(try listing(dir) == ["bad.sqz"], "\(what): output left behind")
        #expect(try read("\(dir)/bad.sqz") == bytes, "\(what): input changed")
        let t = try SqueezeCommand.run(["test", "bad.sqz"], in: dir, timeout: 30)
        #expect(t.status == 1, "\(what): test status \(t.status)")
    }

    func smallArchive() throws -> [UInt8] {
        let dir = try SqueezeCommand.temporaryDirectory()
        defer { try? fm.removeItem(atPath: dir) }
        let r = try SqueezeCommand.run(["compress", "-B", "1K", "-c", "-"], in: dir,
                                       input: Array("squeeze me, squeeze me again! ".utf8) + Generators.random(40))
        #expect(r.status == 0)
        return r.stdout
    }

    @Test func emptyFile() throws { try expectRejected([], "empty", message: "empty") }

    @Test func notAnArchive() throws {
        try expectRejected(Array("just some text, not an archive\n".utf8), "text", message: "not in .sqz format")
    }

    @Test func truncatedAtEveryByte() throws {
        let a = try smallArchive()
        for n in 1..<a.count {
            try expectRejected(Array(a[0..<n]), "truncated to \(n)")
        }
    }

    @Test func flippedBitInEveryByte() throws {
        let a = try smallArchive()
        for i in 0..<a.count {
            var b = a
            b[i] ^= UInt8(1 << (i % 8))
            try expectRejected(b, "bit flip at \(i)")
        }
    }

    @Test func headerDeclaringATebibyteBlock() throws {
        var h: [UInt8] = [0x89, 0x53, 0x51, 0x5A, 1, 0, 0, 0, 0, 0, 0, 1]  // block size 16 MiB
        h += withUnsafeBytes(of: crc32(h).littleEndian, Array.init)
        var block: [UInt8] = [2, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0, 0, 0, 0]
        block += withUnsafeBytes(of: crc32(block).littleEndian, Array.init)
        try expectRejected(h + block, "1 TiB block", message: "block 1: header corrupt: raw size 1099511627776")
    }

    /// A payload naming an ans variant above those this build reads (as a newer
    /// build might write): unsupported, with the file and block named, exit 1.
    @Test func newerPayloadFormat() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        defer { try? fm.removeItem(atPath: dir) }
        let r = try SqueezeCommand.run(["compress", "-a", "ans", "-c", "-"], in: dir,
                                       input: Array(String(repeating: "squeeze me, squeeze me again! ", count: 20).utf8))
        #expect(r.status == 0)
        var a = r.stdout
        // A 16-byte frame header, then the block's tag, raw and payload sizes (varints) and two CRC32s.
        var at = 17
        for _ in 0..<2 {
            while a[at] >= 0x80 { at += 1 }
            at += 1
        }
        at += 8
        #expect(a[16] == 1 && a[at] == 1)  // a coded block, tANS
        a[at] = 9
        try expectRejected(a, "ans variant 9", message: "squeeze: bad.sqz: block 1: unsupported: ans variant 9 (this build reads 0–4)")
    }

    @Test func unknownCodecAndVersion() throws {
        var h: [UInt8] = [0x89, 0x53, 0x51, 0x5A, 1, 99, 0, 0, 0, 0, 1, 0]
        try expectRejected(h + withUnsafeBytes(of: crc32(h).littleEndian, Array.init), "codec", message: "unknown codec id 99")
        h = [0x89, 0x53, 0x51, 0x5A, 7, 0, 0, 0, 0, 0, 1, 0]
        try expectRejected(h + withUnsafeBytes(of: crc32(h).littleEndian, Array.init), "version", message: "unsupported format version 7")
    }

    /// Bitwise CRC32, independent of the product's table-driven one.
    func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c >> 1) ^ (c & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        return ~c
    }
}

/// `--long` as zstd spells it: bare, `=N` (a window log) or `=SIZE`; version-2
/// frames decode to a file (read back), through a pipe (window in memory) and
/// with -T; a bad window is a usage error.
@Suite struct LongRangeCommands {
    @Test func longModeRoundTripsAndShrinksFarRepeats() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let unit = Generators.random(100_000, seed: 11)
        let data = unit + Generators.skewed(30_000) + unit + unit
        try write(data, "\(dir)/f")
        var r = try SqueezeCommand.run(["-k", "-a", "lz77", "-B", "32K", "f", "-o", "plain.sqz"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        for (flag, name) in [("--long", "a"), ("--long=20", "b"), ("--long=4M", "c")] {
            r = try SqueezeCommand.run(["-k", "-a", "lz77", "-B", "32K", flag, "f", "-o", "\(name).sqz"], in: dir)
            #expect(r.status == 0, "\(flag): \(r.stderr)")
            let long = try read("\(dir)/\(name).sqz"), plain = try read("\(dir)/plain.sqz")
            #expect(long[4] == 2 && long.count < plain.count * 6 / 10, "\(flag): \(long.count) vs \(plain.count)")
            r = try SqueezeCommand.run(["-d", "-T", "3", "\(name).sqz", "-o", "\(name).out"], in: dir)
            let back = try read("\(dir)/\(name).out")
            #expect(r.status == 0 && back == data, "\(flag): \(r.stderr)")
            r = try SqueezeCommand.run(["-dc", "\(name).sqz"], in: dir)
            #expect(r.status == 0 && r.stdout == data, "\(flag) through a pipe: \(r.stderr)")
        }
        // Standard input of unknown length, standard output.
        r = try SqueezeCommand.shell("cat f | squeeze --long=16 -a bwt | squeeze -d | cmp - f && echo same", in: dir)
        #expect(r.stdoutText.contains("same"), "\(r.stderr)")
        for bad in ["--long=9", "--long=3G", "--long=lots"] {
            r = try SqueezeCommand.run(["-k", "-f", bad, "f"], in: dir)
            #expect(r.status != 0 && r.stderr.contains("--long"), "\(bad): \(r.stderr)")
        }
        r = try SqueezeCommand.run(["-k", "-f", "--format", "gzip", "--long", "f"], in: dir)
        #expect(r.status != 0 && r.stderr.contains("--long"), "\(r.stderr)")
    }
}
