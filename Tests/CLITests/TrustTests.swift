import Foundation
import Testing
import TestSupport

// Issue #16 ("trust first"): the archiver never loses data and behaves in pipes
// and under tar as gzip and zstd do. Every test runs the real binary.

private let fm = FileManager.default

private func write(_ bytes: [UInt8], _ path: String) throws { try TestFiles.write(bytes, path) }
private func read(_ path: String) throws -> [UInt8] { try TestFiles.read(path) }
private func listing(_ dir: String) throws -> [String] { try TestFiles.listing(dir) }

private func mode(_ path: String) throws -> Int {
    try (fm.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
}

private func shell(_ script: String, in dir: String, timeout: Double = 120) throws -> SqueezeCommand.Result {
    try SqueezeCommand.shell(script, in: dir, timeout: timeout)
}

private let sqzMagic: [UInt8] = [0x89, 0x53, 0x51, 0x5A]

@Suite struct OutputIsNeverTheInput {
    let text = Array("the output must never be the input; ".utf8) + Generators.skewed(20_000)

    @Test func compressOntoItselfIsRefusedWithAndWithoutForce() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try write(text, "\(dir)/a.c")
        for args in [["--rm", "-f", "-o", "a.c", "a.c"], ["-f", "-o", "a.c", "a.c"], ["-o", "a.c", "a.c"],
                     ["compress", "--rm", "-f", "-o", "./a.c", "a.c"]] {
            let r = try SqueezeCommand.run(args, in: dir)
            #expect(r.status == 1, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("is the input file itself"), "\(args): \(r.stderr)")
            #expect(try listing(dir) == ["a.c"], "\(args)")
            #expect(try read("\(dir)/a.c") == text, "\(args): input changed")
        }
    }

    @Test func decompressOntoItselfIsRefused() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try write(text, "\(dir)/b")
        #expect(try SqueezeCommand.run(["b"], in: dir).status == 0)
        let archive = try read("\(dir)/b.sqz")
        try fm.removeItem(atPath: "\(dir)/b")
        for args in [["-d", "--rm", "-f", "-o", "b.sqz", "b.sqz"], ["-d", "-f", "-o", "b.sqz", "b.sqz"]] {
            let r = try SqueezeCommand.run(args, in: dir)
            #expect(r.status == 1, "\(args): \(r.stderr)")
            #expect(try listing(dir) == ["b.sqz"], "\(args)")
            #expect(try read("\(dir)/b.sqz") == archive, "\(args): archive changed")
        }
    }

    @Test func theSameFileThroughALinkIsRefused() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try write(text, "\(dir)/a")
        try fm.linkItem(atPath: "\(dir)/a", toPath: "\(dir)/hard")
        try fm.createSymbolicLink(atPath: "\(dir)/soft", withDestinationPath: "a")
        for out in ["hard", "soft"] {
            let r = try SqueezeCommand.run(["--rm", "-f", "-o", out, "a"], in: dir)
            #expect(r.status == 1, "\(out): \(r.stderr)")
            #expect(r.stderr.contains("is the input file itself"), "\(out): \(r.stderr)")
            #expect(try read("\(dir)/a") == text)
        }
        #expect(try listing(dir) == ["a", "hard", "soft"])
    }

    @Test func removeOnlyAnInputThatIsNotTheOutput() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try write(text, "\(dir)/a")
        let r = try SqueezeCommand.run(["--rm", "-o", "packed.sqz", "a"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try listing(dir) == ["packed.sqz"])
        let d = try SqueezeCommand.run(["-d", "--rm", "-o", "a", "packed.sqz"], in: dir)
        #expect(d.status == 0, "\(d.stderr)")
        #expect(try listing(dir) == ["a"])
        #expect(try read("\(dir)/a") == text)
    }
}

@Suite struct LinksAndSpecialFiles {
    @Test func aSymbolicLinkNeedsForceAndRemoveNeverTouchesItOrItsTarget() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let data = Generators.skewed(5_000)
        try write(data, "\(dir)/target")
        try fm.createSymbolicLink(atPath: "\(dir)/link", withDestinationPath: "target")
        var r = try SqueezeCommand.run(["link"], in: dir)
        #expect(r.status == 1 && r.stderr.contains("squeeze: link: is a symbolic link"), "\(r.stderr)")
        #expect(try listing(dir) == ["link", "target"])
        r = try SqueezeCommand.run(["-f", "--rm", "link"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("not removed"), "\(r.stderr)")
        #expect(try listing(dir) == ["link", "link.sqz", "target"])
        #expect(try read("\(dir)/target") == data)
        r = try SqueezeCommand.run(["-dc", "link.sqz"], in: dir)
        #expect(r.stdout == data)
    }

    @Test func aFifoIsRefusedWithoutForceAndNeverHangs() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        #expect(mkfifo("\(dir)/pipe", 0o600) == 0)
        let r = try SqueezeCommand.run(["pipe"], in: dir, timeout: 20)
        #expect(r.status == 1 && r.stderr.contains("squeeze: pipe: is not a regular file"), "\(r.stderr)")
        #expect(try listing(dir) == ["pipe"])
        // With -f a FIFO is read like a pipe, and --rm leaves it in place.
        let s = try shell("(printf 'fifo data fifo data' > pipe &) ; squeeze -f --rm pipe && squeeze -dc pipe.sqz", in: dir, timeout: 30)
        #expect(s.status == 0, "\(s.stderr)")
        #expect(s.stdoutText == "fifo data fifo data")
        #expect(try listing(dir) == ["pipe", "pipe.sqz"])
    }
}

@Suite struct PipesAndTar {
    @Test func bareSqueezeIsAFilterNotHelp() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let data = Generators.repetitive(50_000)
        let c = try SqueezeCommand.run([], in: dir, input: data)
        #expect(c.status == 0, "\(c.stderr)")
        #expect(c.stdout.starts(with: sqzMagic), "bare squeeze wrote \(c.stdoutText.prefix(60))")
        let d = try SqueezeCommand.run(["-d"], in: dir, input: c.stdout)
        #expect(d.status == 0 && d.stdout == data)
        #expect(try listing(dir).isEmpty)
        let help = try SqueezeCommand.run(["--help"], in: dir)
        #expect(help.status == 0 && help.stdoutText.contains("USAGE"))
        try write(data, "\(dir)/data")
        let s = try shell("cat data | squeeze > data.sqz && head -c 4 data.sqz | od -An -tx1 && squeeze -d < data.sqz | cmp - data", in: dir)
        #expect(s.status == 0 && s.stdoutText.contains("89 53 51 5a"), "\(s.stdoutText) \(s.stderr)")
    }

    @Test func onATerminalNeitherCompressedDataNorHelpIsWrittenUnasked() throws {
        // util-linux `script` gives the command a terminal for stdin, stdout and stderr.
        let dir = try SqueezeCommand.temporaryDirectory()
        let shown = try SqueezeCommand.underTerminal("squeeze; echo status=$?; squeeze -d > /dev/null; echo status=$?", in: dir, timeout: 30)
        #expect(shown.contains("refusing to write compressed data to a terminal"), "\(shown)")
        #expect(shown.contains("refusing to read compressed data from a terminal"), "\(shown)")
        #expect(!shown.contains("USAGE") && !shown.contains("SUBCOMMANDS"), "\(shown)")
        #expect(shown.components(separatedBy: "status=1").count == 3, "\(shown)")
        #expect(try listing(dir).isEmpty)
    }

    @Test func gnuTarRoundTripsADirectoryThroughSqueeze() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try fm.createDirectory(atPath: "\(dir)/tree/sub", withIntermediateDirectories: true)
        try write(try TestCorpus.bytes("canterbury", "alice29.txt"), "\(dir)/tree/alice")
        try write(Generators.random(30_000), "\(dir)/tree/sub/noise")
        try write([], "\(dir)/tree/sub/empty")
        let r = try shell("""
            set -e
            tar --version | head -1 | grep -q 'GNU tar'
            tar -I squeeze -cf t.tar.sqz tree
            squeeze -t t.tar.sqz
            mkdir out && tar -I 'squeeze -d' -xf t.tar.sqz -C out
            diff -r tree out/tree
            mkdir out2 && squeeze -dc t.tar.sqz | tar -xf - -C out2 && diff -r tree out2/tree
            """, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try read("\(dir)/t.tar.sqz").starts(with: sqzMagic))
    }

    @Test func dashAsOutputMeansStandardOutput() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let data = Generators.skewed(9_000)
        try write(data, "\(dir)/f")
        let c = try SqueezeCommand.run(["-o", "-", "f"], in: dir)
        #expect(c.status == 0, "\(c.stderr)")
        #expect(c.stdout.starts(with: sqzMagic))
        #expect(try listing(dir) == ["f"])
        try write(c.stdout, "\(dir)/f.sqz")
        let d = try SqueezeCommand.run(["-d", "-o", "-", "f.sqz"], in: dir)
        #expect(d.status == 0 && d.stdout == data)
        #expect(try listing(dir) == ["f", "f.sqz"])
    }

    @Test func concatenatedFramesDecodeTestAndList() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let a = Generators.skewed(30_000), b = Generators.random(5_000)
        try write(a, "\(dir)/a")
        try write(b, "\(dir)/b")
        var r = try SqueezeCommand.run(["-c", "a", "b"], in: dir)
        #expect(r.status == 0)
        try write(r.stdout, "\(dir)/ab.sqz")
        r = try SqueezeCommand.run(["-a", "store", "-0", "-c", "b"], in: dir)
        try write(try read("\(dir)/ab.sqz") + r.stdout, "\(dir)/abb.sqz")
        r = try SqueezeCommand.run(["-dc", "ab.sqz"], in: dir)
        #expect(r.status == 0 && r.stdout == a + b, "\(r.stderr)")
        r = try SqueezeCommand.run(["-dc", "abb.sqz"], in: dir)
        #expect(r.status == 0 && r.stdout == a + b + b, "\(r.stderr)")
        r = try SqueezeCommand.run(["-t", "-v", "ab.sqz", "abb.sqz"], in: dir)
        #expect(r.status == 0 && r.stdoutText.contains("2 frames") && r.stdoutText.contains("3 frames"), "\(r.stdoutText) \(r.stderr)")
        r = try SqueezeCommand.run(["-l", "--json", "abb.sqz"], in: dir)
        let rec = try #require((try JSONSerialization.jsonObject(with: Data(r.stdout)) as? [[String: Any]])?.first)
        #expect(rec["frames"] as? Int == 3 && rec["uncompressedBytes"] as? Int == 40_000)
        #expect((rec["codec"] as? String)?.contains("store") == true)
        // Garbage after the last frame is still an error, in every mode.
        try write(try read("\(dir)/ab.sqz") + Array("junk".utf8), "\(dir)/junk.sqz")
        for mode in [["-dc"], ["-t"], ["-l"]] {
            r = try SqueezeCommand.run(mode + ["junk.sqz"], in: dir)
            #expect(r.status == 1 && r.stderr.contains("trailing data"), "\(mode): \(r.stderr)")
        }
    }

    @Test func aClosedPipeEndsQuietly() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try write(Generators.random(8 << 20), "\(dir)/big")
        #expect(try SqueezeCommand.run(["-a", "store", "-0", "big"], in: dir).status == 0)
        let r = try shell("squeeze -dc big.sqz 2>err | head -c 100 > /dev/null; echo \"${PIPESTATUS[0]}\"; cat err", in: dir)
        let lines = r.stdoutText.split(separator: "\n")
        #expect(lines.first == "141", "exit status \(lines.first ?? "none"): killed by SIGPIPE as gzip is")
        #expect(lines.count == 1, "messages: \(lines.dropFirst())")
    }
}

@Suite struct LevelsAndListing {
    @Test func dashLIsAlwaysListAndAWrongGuessGetsAHint() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try write(Generators.skewed(3_000), "\(dir)/big.log")
        for args in [["-a", "xz", "-l", "9e", "big.log"], ["compress", "-a", "xz", "-l", "9e", "big.log"], ["-l", "-9", "big.log"]] {
            let r = try SqueezeCommand.run(args, in: dir)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("--level N") && r.stderr.contains("-l lists"), "\(args): \(r.stderr)")
            #expect(r.stderr.contains("squeeze compress"), "usage of compress: \(r.stderr)")
        }
        #expect(try listing(dir) == ["big.log"])
        var r = try SqueezeCommand.run(["-a", "xz", "-9e", "-v", "big.log"], in: dir)
        #expect(r.status == 0 && r.stderr.contains("xz -9e") && r.stderr.contains("1 block)"), "\(r.stderr)")
        r = try SqueezeCommand.run(["compress", "-a", "xz", "--level", "9e", "-f", "big.log"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        r = try SqueezeCommand.run(["-l", "big.log.sqz"], in: dir)
        #expect(r.status == 0 && r.stdoutText.contains("xz") && r.stdoutText.contains("9e"))
    }

    @Test func levelErrorsNameTheLevelsAndTheUsage() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try write([1, 2, 3], "\(dir)/x")
        let r = try SqueezeCommand.run(["-a", "bwt", "-12", "x"], in: dir)
        #expect(r.status == 2 && r.stderr.contains("levels: 1-9") && r.stderr.contains("Usage: squeeze compress"), "\(r.stderr)")
    }
}

@Suite struct ModesAndLimits {
    @Test func filesGetTheInputsModeOrTheUmasksFromAPipe() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try write(Generators.skewed(2_000), "\(dir)/secret")
        #expect(chmod("\(dir)/secret", 0o600) == 0)
        #expect(try SqueezeCommand.run(["secret"], in: dir).status == 0)
        #expect(try mode("\(dir)/secret.sqz") == 0o600)
        #expect(chmod("\(dir)/secret.sqz", 0o640) == 0)
        #expect(try SqueezeCommand.run(["-d", "-o", "back", "secret.sqz"], in: dir).status == 0)
        #expect(try mode("\(dir)/back") == 0o640)
        let mask = umask(0o022)
        umask(mask)
        let r = try shell("umask 022; cat secret | squeeze -o piped.sqz", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try mode("\(dir)/piped.sqz") == 0o644)
    }

    @Test func modelMemoryOutsideItsRangeIsRefused() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try write([1, 2, 3], "\(dir)/x")
        for mem in ["1K", "100G", "0"] {
            let r = try SqueezeCommand.run(["-a", "ppm", "--mem", mem, "x"], in: dir)
            #expect(r.status == 2, "\(mem): \(r.stderr)")
            #expect(r.stderr.contains(mem == "0" ? "not a size" : "1 MiB…1 GiB"), "\(mem): \(r.stderr)")
        }
        let r = try SqueezeCommand.run(["-a", "lz77", "--mem", "64M", "x"], in: dir)
        #expect(r.status == 2 && r.stderr.contains("no memory setting"), "\(r.stderr)")
        #expect(try listing(dir) == ["x"])
    }

    @Test func decoderMemoryLimitRefusesFramesThatNeedMore() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try write(Generators.skewed(50_000), "\(dir)/f")
        #expect(try SqueezeCommand.run(["-a", "bwt", "-9", "f"], in: dir).status == 0)
        // bwt -9 declares 64 MiB blocks: 11 × 64 MiB and its model to decode.
        for mode in [["-t"], ["-dc"], ["-l", "-v"]] {
            let r = try SqueezeCommand.run(mode + ["--memory", "64M", "f.sqz"], in: dir)
            #expect(r.status == 1, "\(mode): \(r.stderr)")
            #expect(r.stderr.contains("more than the limit of 64 MiB") && r.stderr.contains("--memory="), "\(mode): \(r.stderr)")
        }
        // The default decodes anything squeeze writes; a larger explicit limit works too.
        #expect(try SqueezeCommand.run(["-t", "f.sqz"], in: dir).status == 0)
        #expect(try SqueezeCommand.run(["-t", "--memory", "2G", "f.sqz"], in: dir).status == 0)
        // Listing without decoding needs no memory for blocks.
        #expect(try SqueezeCommand.run(["-l", "--memory", "16M", "f.sqz"], in: dir).status == 0)
        let bad = try SqueezeCommand.run(["-t", "--memory", "1K", "f.sqz"], in: dir)
        #expect(bad.status == 2 && bad.stderr.contains("16M…1T"), "\(bad.stderr)")
    }

    @Test func aPPMBlockDeclaringALargeModelIsRefusedUnderTheLimit() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try write(Generators.skewed(20_000_000), "\(dir)/f")
        #expect(try SqueezeCommand.run(["-a", "ppm", "-1", "--mem", "400M", "-B", "20M", "f"], in: dir).status == 0)
        // The frame header says level 1 (16 MiB model); the blocks say 400 MiB.
        let r = try SqueezeCommand.run(["-t", "--memory", "200M", "f.sqz"], in: dir)
        #expect(r.status == 1 && r.stderr.contains("block 1: the ppm model it declares"), "\(r.stderr)")
        #expect(try SqueezeCommand.run(["-t", "--memory", "600M", "f.sqz"], in: dir).status == 0)
    }

    @Test func algosJSONDescribesEveryCodec() throws {
        let r = try SqueezeCommand.run(["algos", "--json"], in: TestCorpus.root)
        #expect(r.status == 0)
        let records = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout)) as? [[String: Any]])
        #expect(records.count >= 21)
        #expect(records.filter { $0["isDefaultCodec"] as? Bool == true }.count == 1)
        var ids = Set<Int>()
        for rec in records {
            let name = rec["name"] as? String ?? "?"
            let levels = try #require(rec["levels"] as? [String], "\(name)")
            #expect(levels.contains(rec["defaultLevel"] as? String ?? "-"), "\(name)")
            #expect(levels.contains(rec["strongestLevel"] as? String ?? "-"), "\(name)")
            let perLevel = try #require(rec["perLevel"] as? [[String: Any]], "\(name)")
            #expect(perLevel.count == levels.count)
            for l in perLevel {
                let bs = l["blockSize"] as? Int ?? 0, need = l["decodeMemory"] as? Int ?? 0
                #expect(bs >= 1024 && need > bs, "\(name): \(l)")
            }
            #expect(["ours", "system"].contains(rec["origin"] as? String ?? ""))
            #expect((rec["memorySetting"] as? Bool) == (name.hasPrefix("ppm") || name == "cm"), "\(name)")
            #expect(ids.insert(rec["id"] as? Int ?? -1).inserted, "\(name): duplicate id")
        }
        let bwt9 = try #require(records.first { $0["name"] as? String == "bwt" }?["perLevel"] as? [[String: Any]])
        #expect((bwt9.last?["decodeMemory"] as? Int ?? 0) >= 11 * (64 << 20))
        let table = try SqueezeCommand.run(["algos"], in: TestCorpus.root)
        #expect(table.stdoutText.contains("lz77 *") && table.stdoutText.contains("strongest"))
    }
}

/// Plain .gz, .bz2, .xz and .zst files, recognised by their magic, as zstd's command line does.
@Suite struct PlainFormats {
    static let tools: [(format: String, suffix: String, tool: String)] =
        [("gzip", ".gz", "gzip"), ("bzip2", ".bz2", "bzip2"), ("xz", ".xz", "xz"), ("zstd", ".zst", "zstd")]

    @Test(arguments: tools)
    func theToolsFilesDecodeTestAndList(format: String, suffix: String, tool: String) throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let data = try TestCorpus.bytes("canterbury", "fields.c")
        try write(data, "\(dir)/f")
        // Two members one after another, as `cat a.gz b.gz` makes them.
        var r = try shell("\(tool) -c f > one\(suffix) && cat one\(suffix) one\(suffix) > f\(suffix) && rm f", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        r = try SqueezeCommand.run(["-d", "-v", "f\(suffix)"], in: dir)
        #expect(r.status == 0 && r.stderr.contains(format), "\(r.stderr)")
        #expect(try read("\(dir)/f") == data + data)
        r = try SqueezeCommand.run(["-t", "f\(suffix)"], in: dir)
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        r = try SqueezeCommand.run(["-l", "--json", "-v", "f\(suffix)"], in: dir)
        let rec = try #require((try JSONSerialization.jsonObject(with: Data(r.stdout)) as? [[String: Any]])?.first)
        #expect(rec["format"] as? String == format && rec["uncompressedBytes"] as? Int == 2 * data.count, "\(rec)")
        #expect(rec["frames"] as? Int == 2, "\(rec)")
        // Damage: a cut file is an error naming the format, with no output left.
        let whole = try read("\(dir)/one\(suffix)")
        try write(Array(whole.prefix(whole.count / 2)), "\(dir)/cut\(suffix)")
        r = try SqueezeCommand.run(["-d", "cut\(suffix)"], in: dir)
        #expect(r.status == 1 && r.stderr.contains("squeeze: cut\(suffix): \(format)"), "\(r.stderr)")
        #expect(!fm.fileExists(atPath: "\(dir)/cut"))
    }

    @Test(arguments: tools)
    func formatWritesAPlainFileTheToolReads(format: String, suffix: String, tool: String) throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let data = try TestCorpus.bytes("canterbury", "grammar.lsp")
        try write(data, "\(dir)/g")
        var r = try SqueezeCommand.run(["--format", format, "-9", "--rm", "-v", "g"], in: dir)
        #expect(r.status == 0 && r.stderr.contains("\(format) -9"), "\(r.stderr)")
        #expect(try listing(dir) == ["g\(suffix)"])
        r = try shell("\(tool) -dc g\(suffix)", in: dir)
        #expect(r.status == 0 && r.stdout == data, "\(r.stderr)")
        r = try SqueezeCommand.run(["--format", format, "-a", "lz77", "-f", "g\(suffix)"], in: dir)
        #expect(r.status == 2 && r.stderr.contains("-a is for .sqz archives"), "\(r.stderr)")
    }

    @Test func levelsAndLimitsOfPlainFormats() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try write(Generators.skewed(100_000), "\(dir)/x")
        var r = try SqueezeCommand.run(["--format", "gzip", "-12", "x"], in: dir)
        #expect(r.status == 2 && r.stderr.contains("gzip has no level '12'"), "\(r.stderr)")
        r = try SqueezeCommand.run(["--format", "xz", "-9e", "x"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        // xz -9 declares a 64 MiB dictionary: refused under --memory 16M, with the need named.
        r = try SqueezeCommand.run(["-t", "--memory", "16M", "x.xz"], in: dir)
        #expect(r.status == 1 && r.stderr.contains("xz: decoding needs") && r.stderr.contains("--memory"), "\(r.stderr)")
        #expect(try SqueezeCommand.run(["-t", "x.xz"], in: dir).status == 0)
        r = try SqueezeCommand.run(["--format", "rar", "x"], in: dir)
        #expect(r.status == 2 && r.stderr.contains("sqz, gzip, bzip2, xz, zstd"), "\(r.stderr)")
    }
}
