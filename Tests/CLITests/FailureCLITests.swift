import Foundation
import Testing
import TestSupport

// Failures a new user met through the real binary (2026-12-06): a full disk,
// an archive cut inside its index, names that overlap, -r with -o.

private let fm = FileManager.default

private func run(_ args: [String], in dir: String) throws -> SqueezeCommand.Result {
    try SqueezeCommand.run(args, in: dir, timeout: 300)
}

private func shell(_ script: String, in dir: String) throws -> SqueezeCommand.Result {
    try SqueezeCommand.shell(script, in: dir, timeout: 300)
}

/// Two files of 600 kB, each larger than the 200 kB disk the tests give squeeze.
private func makeSource(_ dir: String) throws {
    let r = try shell("set -e; mkdir src; head -c 600000 /dev/urandom > src/r.bin; seq 1 100000 > src/n.txt", in: dir)
    #expect(r.status == 0, "\(r.stderr)")
}

@Suite struct FullDisk {
    /// bubblewrap (installed by scripts/setup.sh; `squeeze grade` needs it too) mounts a
    /// 200 kB tmpfs over `t`: extraction and creation then meet ENOSPC on write(2).
    static let bwrapWorks: Bool = {
        guard let dir = try? SqueezeCommand.temporaryDirectory(),
              let r = try? SqueezeCommand.shell("mkdir t && bwrap --dev-bind / / --size 200000 --tmpfs \"$PWD/t\" true", in: dir)
        else { return false }
        return r.status == 0
    }()

    @Test(.enabled(if: bwrapWorks, "bwrap cannot make a namespace here"))
    func extractOnAFullDiskFailsAndLeavesNoCorruptMember() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try makeSource(dir)
        #expect(try run(["archive", "create", "-q", "a.tar.sqz", "src"], in: dir).status == 0)
        // libarchive reports a failed write as a warning: before the fix this exited 0 with
        // files of the right size full of zeros.
        let r = try shell("""
            mkdir t
            bwrap --dev-bind / / --size 200000 --tmpfs "$PWD/t" sh -c '
                squeeze archive extract a.tar.sqz -C t; echo "extract=$?"; find t -type f'
            """, in: dir)
        #expect(r.stdoutText.contains("extract=1"), "\(r.stdoutText) \(r.stderr)")
        #expect(r.stderr.contains("No space left on device"), "\(r.stderr)")
        #expect(r.stderr.contains("member 'src/"), "\(r.stderr)")
        // The member in progress is removed: no file is left half written.
        #expect(!r.stdoutText.contains("t/src/"), "\(r.stdoutText)")
    }

    @Test(.enabled(if: bwrapWorks, "bwrap cannot make a namespace here"))
    func createOnAFullDiskFailsCleanlyWithEveryCodec() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try makeSource(dir)
        // Stored blocks once trapped ("Index out of range"): libarchive wrote again after the failed write.
        let r = try shell("""
            mkdir t
            bwrap --dev-bind / / --size 200000 --tmpfs "$PWD/t" sh -c '
                for a in store lz77; do
                    squeeze archive create -a $a -B 64K t/b.tar.sqz src; echo "create $a=$?"
                done
                ls -A t'
            """, in: dir)
        #expect(r.stdoutText.contains("create store=1"), "\(r.stdoutText) \(r.stderr)")
        #expect(r.stdoutText.contains("create lz77=1"), "\(r.stdoutText) \(r.stderr)")
        #expect(r.stderr.contains("t/b.tar.sqz: write error: No space left on device"), "\(r.stderr)")
        // Neither the archive nor its temporary file is left behind.
        #expect(!r.stdoutText.contains("b.tar.sqz"), "\(r.stdoutText)")
    }
}

@Suite struct DamagedArchives {
    @Test func anArchiveCutInsideItsIndexIsTruncated() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try makeSource(dir)
        #expect(try run(["archive", "create", "-q", "a.tar.sqz", "src"], in: dir).status == 0)
        let whole = try TestFiles.read("\(dir)/a.tar.sqz")
        // 1 byte (the trailer), 12 (all of it), 100 (into the index): each once read as "no index".
        for cut in [1, 12, 100] {
            try TestFiles.write(Array(whole.dropLast(cut)), "\(dir)/cut.tar.sqz")
            for command in [["test"], ["list"], ["extract", "-C", "x"]] {
                try? fm.removeItem(atPath: "\(dir)/x")
                try fm.createDirectory(atPath: "\(dir)/x", withIntermediateDirectories: false)
                let r = try run(["archive"] + command + ["cut.tar.sqz"], in: dir)
                #expect(r.status == 1, "archive \(command[0]) on \(cut) bytes cut: \(r.stdoutText)")
                #expect(r.stderr == "squeeze: cut.tar.sqz: unexpected end of file in a skippable frame (truncated)\n",
                        "archive \(command[0]) on \(cut) bytes cut: \(r.stderr)")
            }
            #expect(try fm.contentsOfDirectory(atPath: "\(dir)/x").isEmpty)
        }
    }

    @Test func aDamagedIndexPointsToTheWayRound() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try makeSource(dir)
        #expect(try run(["archive", "create", "-q", "a.tar.sqz", "src"], in: dir).status == 0)
        var bytes = try TestFiles.read("\(dir)/a.tar.sqz")
        bytes[bytes.count - 20] ^= 0x10   // inside the index's payload, before its 12-byte trailer
        try TestFiles.write(bytes, "\(dir)/bad.tar.sqz")
        let r = try run(["archive", "list", "bad.tar.sqz"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.tar.sqz: archive index: checksum mismatch"), "\(r.stderr)")
        #expect(r.stderr.contains("squeeze -dc ARCHIVE | tar -x"), "\(r.stderr)")
        // And that way round works: the content frame is whole.
        let t = try shell("squeeze -dc bad.tar.sqz | tar -t", in: dir)
        #expect(t.status == 0 && t.stdoutText.contains("src/n.txt"), "\(t.stderr)")
    }

    @Test func anArchiveIsNotWrittenToAFileNamedDash() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try makeSource(dir)
        let r = try run(["archive", "create", "-", "src"], in: dir)
        #expect(r.status == 2 && r.stderr.contains("use tar -cf - PATH | squeeze -c"), "\(r.stderr)")
        #expect(!fm.fileExists(atPath: "\(dir)/-"))
    }

    @Test func namesThatOverlapEachFindTheirMembers() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try makeSource(dir)
        #expect(try run(["archive", "create", "-q", "a.tar.sqz", "src"], in: dir).status == 0)
        try fm.createDirectory(atPath: "\(dir)/x", withIntermediateDirectories: false)
        // A directory and a member inside it, and a name given twice: each is found.
        let r = try run(["archive", "extract", "a.tar.sqz", "src", "src/n.txt", "src/n.txt", "-C", "x"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try TestFiles.read("\(dir)/x/src/n.txt") == (try TestFiles.read("\(dir)/src/n.txt")))
        #expect(fm.fileExists(atPath: "\(dir)/x/src/r.bin"))
        let missing = try run(["archive", "extract", "a.tar.sqz", "src/n.txt", "src/none", "-C", "x", "-f"], in: dir)
        #expect(missing.status == 1 && missing.stderr.contains("member 'src/none' is not in the archive"), "\(missing.stderr)")
    }
}

@Suite struct RecursiveOutput {
    /// With -r one -o file would be written once per file found, and --rm would then delete
    /// every input but the last: refused before anything is read.
    @Test(arguments: [["-f", "--rm", "-o", "z.sqz"], ["-d", "-f", "--rm", "-o", "z.txt"]])
    func oneOutputFileForADirectoryIsRefused(_ options: [String]) throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let r0 = try shell("mkdir rr && echo a > rr/a && echo b > rr/b && squeeze -k rr/a rr/b", in: dir)
        #expect(r0.status == 0, "\(r0.stderr)")
        let r = try run(["-r"] + options + ["rr"], in: dir)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("-o FILE and -r cannot be used together"), "\(r.stderr)")
        #expect(try fm.contentsOfDirectory(atPath: "\(dir)/rr").sorted() == ["a", "a.sqz", "b", "b.sqz"])
        #expect(!fm.fileExists(atPath: "\(dir)/z.sqz") && !fm.fileExists(atPath: "\(dir)/z.txt"))
        // -c (or -o -) still sends every file to standard output.
        let c = try shell("squeeze -r -c rr/a rr/b | squeeze -dc", in: dir)
        #expect(c.stdoutText == "a\nb\n", "\(c.stderr)")
    }
}
