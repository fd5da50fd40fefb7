import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

// Issue #18: archives of many files. Every test runs the real binary; the
// hostile archives are made by Python's tarfile and compressed with `squeeze -c`.

private let fm = FileManager.default

private func run(_ args: [String], in dir: String) throws -> SqueezeCommand.Result {
    try SqueezeCommand.run(args, in: dir, timeout: 300)
}

private func shell(_ script: String, in dir: String) throws -> SqueezeCommand.Result {
    try SqueezeCommand.shell(script, in: dir, timeout: 300)
}

/// What a tree holds, path by path: type, permission bits, mtime to the
/// nanosecond, content or link target, and which names share an inode.
private func snapshot(_ root: String, times: Bool = true) throws -> [String: String] {
    var out: [String: String] = [:]
    var inodes: [UInt64: String] = [:]
    let paths = (fm.enumerator(atPath: root)?.allObjects as? [String] ?? []).sorted()
    for p in paths {
        let full = root + "/" + p
        var st = stat()
        guard lstat(full, &st) == 0 else { Issue.record("lstat \(full) failed"); continue }
        var d = String(st.st_mode, radix: 8)
        if times && (st.st_mode & S_IFMT) != S_IFLNK { d += " t=\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)" }
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            d += " " + String(try TestFiles.read(full).hashValue)
            if st.st_nlink > 1 {
                if let first = inodes[UInt64(st.st_ino)] { d += " same-as \(first)" } else { inodes[UInt64(st.st_ino)] = p }
            }
        case S_IFLNK: d += " -> " + (try fm.destinationOfSymbolicLink(atPath: full))
        default: break
        }
        out[p] = d
    }
    return out
}

/// A tree with what tar must carry: modes, nanosecond mtimes, symbolic links
/// (one dangling), an empty directory, a hard link, a long name, a UTF-8 name,
/// an empty file, a read-only directory.
private func makeTree(_ root: String) throws {
    let sh = """
    set -e
    mkdir -p '\(root)/src/sub/deeper' '\(root)/src/empty' '\(root)/src/ro'
    cd '\(root)/src'
    printf 'hello\\n' > a.txt
    seq 1 30000 > sub/numbers
    head -c 200000 /dev/urandom > sub/random.bin
    : > empty.txt
    printf 'x' > 'café ünïcode.txt'
    long=$(printf 'n%.0s' $(seq 1 120)); mkdir -p "sub/$long"; printf 'long' > "sub/$long/$(printf 'f%.0s' $(seq 1 150))"
    ln -s a.txt link
    ln -s ../nowhere sub/dangling
    ln a.txt sub/hard
    printf 'run me' > script.sh; chmod 755 script.sh
    printf 'secret' > sub/private; chmod 600 sub/private
    printf 'readonly' > ro/file; chmod 444 ro/file
    chmod 751 sub; chmod 555 ro
    touch -h -d '2001-02-03 04:05:06.123456789' a.txt link
    touch -d '1999-12-31 23:59:59.5' sub/numbers
    touch -d '2010-01-01 00:00:00' sub/deeper empty
    """
    let r = try shell(sh, in: root)
    #expect(r.status == 0, "\(r.stderr)")
}

@Suite struct ArchiveRoundTrip {
    @Test func createThenExtractReproducesTheTree() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try makeTree(dir)
        let c = try run(["archive", "create", "-v", "out.tar.sqz", "src"], in: dir)
        #expect(c.status == 0, "\(c.stderr)")
        try fm.createDirectory(atPath: "\(dir)/x", withIntermediateDirectories: false)
        let x = try run(["archive", "x", "out.tar.sqz", "-C", "x"], in: dir)
        #expect(x.status == 0, "\(x.stderr)")
        let want = try snapshot("\(dir)/src"), got = try snapshot("\(dir)/x/src")
        #expect(want.count >= 15)
        for (k, v) in want { #expect(got[k] == v, "\(k)") }
        #expect(got.count == want.count)
        // Hard links come back as links.
        #expect(got["sub/hard"]?.contains("same-as") == true || got["a.txt"]?.contains("same-as") == true)
        // `test` and `list` agree with the tree.
        let t = try run(["archive", "test", "out.tar.sqz"], in: dir)
        #expect(t.status == 0 && t.stdoutText.contains("OK"), "\(t.stderr)")
        let l = try run(["archive", "l", "out.tar.sqz"], in: dir)
        #expect(l.status == 0)
        #expect(l.stdoutText.contains("src/link -> a.txt"))
        #expect(l.stdoutText.contains("-rw------- "))   // sub/private
        #expect(l.stdoutText.contains("2001-02-03 04:05:06"))
    }

    @Test func gnuTarAndBsdtarReadTheDecompressedStream() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try makeTree(dir)
        #expect(try run(["archive", "a", "-a", "bwt", "-3", "out.tar.sqz", "src"], in: dir).status == 0)
        let want = try snapshot("\(dir)/src", times: false)
        for (tool, flags) in [("tar", "-xpf -"), ("bsdtar", "-xpf -")] {
            let target = "\(dir)/\(tool)"
            try fm.createDirectory(atPath: target, withIntermediateDirectories: false)
            let r = try shell("set -o pipefail; squeeze -dc out.tar.sqz | \(tool) \(flags) -C '\(target)'", in: dir)
            #expect(r.status == 0, "\(tool): \(r.stderr)")
            #expect(r.stderr.isEmpty, "\(tool) warned: \(r.stderr)")
            let got = try snapshot("\(target)/src", times: false)
            #expect(got == want, "\(tool) extracted a different tree")
            // Both keep the nanosecond mtime of a.txt (pax).
            var st = stat()
            #expect(lstat("\(target)/src/a.txt", &st) == 0 && st.st_mtim.tv_sec == 981_173_106)
        }
        // squeeze -d/-t/-l skip the index frame; the stream is a tar file and only that.
        let d = try shell("squeeze -dc out.tar.sqz > plain.tar && squeeze -t out.tar.sqz && squeeze -l out.tar.sqz && tar tf plain.tar | wc -l", in: dir)
        #expect(d.status == 0, "\(d.stderr)")
        let size = (try fm.attributesOfItem(atPath: "\(dir)/plain.tar")[.size] as? Int) ?? 0
        #expect(size % 512 == 0 && size > 0)
    }

    @Test func setuidBitsAreClearedUnlessAsked() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let r = try shell("mkdir s && printf x > s/tool && chmod 4755 s/tool && squeeze archive create a.tar.sqz s && mkdir x y && "
            + "squeeze archive extract a.tar.sqz -C x && squeeze archive extract --keep-setid a.tar.sqz -C y && stat -c %a x/s/tool y/s/tool", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdoutText == "755\n4755\n")
    }

    @Test func theOutputIsNeverItsOwnInputAndIsWrittenAtomically() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let r = try shell("mkdir d && seq 1 1000 > d/f && squeeze archive create d/in.tar.sqz d && squeeze archive list d/in.tar.sqz", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdoutText.contains("in.tar.sqz"), "the archive holds itself: \(r.stdoutText)")
        #expect(!r.stdoutText.contains(".tmp-"), "the archive holds its temporary file")
        // An existing output is refused without -f, replaced with it.
        let again = try run(["archive", "create", "d/in.tar.sqz", "d"], in: dir)
        #expect(again.status == 1 && again.stderr.contains("already exists"))
        let forced = try run(["archive", "create", "-f", "d/in.tar.sqz", "d"], in: dir)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try TestFiles.listing("\(dir)/d") == ["f", "in.tar.sqz"])
        // A failed run leaves nothing behind.
        let failed = try run(["archive", "create", "bad.tar.sqz", "missing"], in: dir)
        #expect(failed.status == 1)
        #expect(try TestFiles.listing(dir) == ["d"])
    }
}

@Suite struct ArchiveRandomAccess {
    /// 96 files of 48 KiB in 64 KiB blocks: about 75 blocks.
    private func makeArchive(_ dir: String) throws {
        let r = try shell("mkdir t && for i in $(seq 10 105); do head -c 49152 /dev/urandom | base64 > t/f$i; done && "
            + "printf 'small member' > t/note && ln t/f50 t/hardlink && squeeze archive create -a lz77 -1 -B 64K -T 2 big.tar.sqz t", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
    }

    private func decoded(_ r: SqueezeCommand.Result) -> (Int, Int)? {
        guard let m = r.stderr.firstMatch(of: /decoded (\d+) of (\d+) blocks/), let a = Int(m.1), let b = Int(m.2) else { return nil }
        return (a, b)
    }

    @Test func oneMemberDecodesOnlyItsBlocks() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        try makeArchive(dir)
        try fm.createDirectory(atPath: "\(dir)/x", withIntermediateDirectories: false)
        let r = try run(["archive", "extract", "-v", "big.tar.sqz", "t/note", "t/f77", "-C", "x"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let (used, total) = try #require(decoded(r), "\(r.stderr)")
        #expect(total > 60)
        #expect(used >= 1 && used <= 4, "decoded \(used) of \(total) blocks for two members")
        #expect(try TestFiles.read("\(dir)/x/t/note") == Array("small member".utf8))
        #expect(try TestFiles.read("\(dir)/x/t/f77") == TestFiles.read("\(dir)/t/f77"))
        #expect(try TestFiles.listing("\(dir)/x/t") == ["f77", "note"])
        // A whole extraction decodes every block.
        let all = try run(["archive", "extract", "-v", "big.tar.sqz", "-C", "x", "-f"], in: dir)
        #expect(all.status == 0, "\(all.stderr)")
        #expect(decoded(all).map { $0.0 == $0.1 } == true)
        // A hard link brings the file it names.
        try fm.createDirectory(atPath: "\(dir)/h", withIntermediateDirectories: false)
        let h = try run(["archive", "extract", "big.tar.sqz", "t/hardlink", "-C", "h"], in: dir)
        #expect(h.status == 0, "\(h.stderr)")
        #expect(try TestFiles.read("\(dir)/h/t/hardlink") == TestFiles.read("\(dir)/t/f50"))
        // A name that is not there is an error naming it.
        let missing = try run(["archive", "extract", "big.tar.sqz", "t/nope", "-C", "h"], in: dir)
        #expect(missing.status == 1 && missing.stderr.contains("'t/nope' is not in the archive"), "\(missing.stderr)")
    }

    /// Issue #19 inside archives: two versions of a tree, with and without `--long`.
    @Test func longRangeArchivesOfTwoVersionsAreSmallerAndExtractWholeOrOneMember() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        // v1: 12 random files of 150 KB; v2: the same with one line changed in each, so
        // every repeat lies about 1.8 MB back, further than the 64 KiB blocks reach.
        let make = try shell("""
            set -e; mkdir -p v1 v2
            for i in $(seq 1 12); do head -c 150000 /dev/urandom | base64 > v1/f$i; done
            for i in $(seq 1 12); do sed '100s/^/changed /' v1/f$i > v2/f$i; done
            """, in: dir)
        #expect(make.status == 0, "\(make.stderr)")
        let plain = try run(["archive", "create", "-a", "lz77", "-B", "64K", "plain.tar.sqz", "v1", "v2"], in: dir)
        let long = try run(["archive", "create", "-a", "lz77", "-B", "64K", "--long", "long.tar.sqz", "v1", "v2"], in: dir)
        #expect(plain.status == 0 && long.status == 0, "\(plain.stderr) \(long.stderr)")
        let plainSize = try TestFiles.read("\(dir)/plain.tar.sqz").count, longSize = try TestFiles.read("\(dir)/long.tar.sqz").count
        #expect(Double(longSize) < 0.6 * Double(plainSize), "--long \(longSize) bytes, without \(plainSize)")
        // The whole tree comes back, through the index and through a pipe.
        try fm.createDirectory(atPath: "\(dir)/x", withIntermediateDirectories: false)
        let x = try run(["archive", "extract", "long.tar.sqz", "-C", "x"], in: dir)
        #expect(x.status == 0, "\(x.stderr)")
        for v in ["v1", "v2"] {
            for i in 1...12 { #expect(try TestFiles.read("\(dir)/x/\(v)/f\(i)") == TestFiles.read("\(dir)/\(v)/f\(i)"), "\(v)/f\(i)") }
        }
        let piped = try shell("squeeze -dc long.tar.sqz | tar -tf - | wc -l", in: dir)
        #expect(piped.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "26", "\(piped.stdoutText) \(piped.stderr)")
        // One member of the second version: its references reach into the first, so the blocks before it are decoded too.
        try fm.createDirectory(atPath: "\(dir)/one", withIntermediateDirectories: false)
        let one = try run(["archive", "extract", "-v", "long.tar.sqz", "v2/f7", "-C", "one"], in: dir)
        #expect(one.status == 0, "\(one.stderr)")
        #expect(try TestFiles.read("\(dir)/one/v2/f7") == TestFiles.read("\(dir)/v2/f7"))
        #expect(try TestFiles.listing("\(dir)/one/v2") == ["f7"])
        let t = try run(["archive", "test", "long.tar.sqz"], in: dir)
        #expect(t.status == 0 && t.stdoutText.contains("OK"), "\(t.stderr)")
        // A damaged reference section is named by its block, and nothing is written for the member.
        var bytes = try TestFiles.read("\(dir)/long.tar.sqz")
        bytes[bytes.count * 3 / 4] ^= 0x20
        try TestFiles.write(bytes, "\(dir)/bad.tar.sqz")
        try fm.createDirectory(atPath: "\(dir)/bad", withIntermediateDirectories: false)
        let bad = try run(["archive", "extract", "bad.tar.sqz", "-C", "bad"], in: dir)
        #expect(bad.status == 1 && bad.stderr.contains("block"), "\(bad.stderr)")
        // Too little memory for the window is refused with what it needs.
        let tight = try run(["archive", "extract", "--memory=64M", "long.tar.sqz", "-C", "bad", "-f"], in: dir)
        #expect(tight.status == 1 && tight.stderr.contains("long-range window"), "\(tight.stderr)")
    }

    /// Issue #20 inside archives: each block names its codec and filter (format version 2).
    @Test func autoArchivesExtractWholeAndOneMember() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let make = try shell("""
            set -e; mkdir -p t
            seq 1 40000 > t/text
            head -c 100000 /dev/urandom > t/random
            python3 -c "import struct,sys; sys.stdout.buffer.write(b''.join(struct.pack('<h', (i*37)%2000-1000) for i in range(60000)))" > t/samples
            """, in: dir)
        #expect(make.status == 0, "\(make.stderr)")
        let c = try run(["archive", "create", "-a", "auto", "-B", "64K", "auto.tar.sqz", "t"], in: dir)
        #expect(c.status == 0, "\(c.stderr)")
        let l = try run(["list", "-v", "auto.tar.sqz"], in: dir)
        #expect(l.status == 0 && l.stdoutText.contains("auto") && l.stdoutText.contains("delta"), "\(l.stdoutText) \(l.stderr)")
        try fm.createDirectory(atPath: "\(dir)/x", withIntermediateDirectories: false)
        let x = try run(["archive", "extract", "auto.tar.sqz", "-C", "x"], in: dir)
        #expect(x.status == 0, "\(x.stderr)")
        for f in ["text", "random", "samples"] { #expect(try TestFiles.read("\(dir)/x/t/\(f)") == TestFiles.read("\(dir)/t/\(f)"), "\(f)") }
        try fm.createDirectory(atPath: "\(dir)/one", withIntermediateDirectories: false)
        let one = try run(["archive", "extract", "-v", "auto.tar.sqz", "t/samples", "-C", "one"], in: dir)
        #expect(one.status == 0, "\(one.stderr)")
        #expect(try TestFiles.read("\(dir)/one/t/samples") == TestFiles.read("\(dir)/t/samples"))
        let (used, total) = try #require(decoded(one), "\(one.stderr)")
        #expect(used < total, "one member decoded \(used) of \(total) blocks")
    }

    /// Auto archives class each member by its own data and start a block where the
    /// kind changes, so text, noise and samples each get their codec and filter; the
    /// same archive for any -T.
    @Test func autoStartsABlockWhereMembersChangeKind() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let make = try shell("""
            set -e; mkdir -p t
            seq 1 40000 > t/a-text
            head -c 100000 /dev/urandom > t/b-random
            python3 -c "import struct,sys; sys.stdout.buffer.write(b''.join(struct.pack('<h', (i*37)%2000-1000) for i in range(60000)))" > t/c-samples
            seq 50000 90000 > t/d-text
            printf 'small' > t/e-note
            """, in: dir)
        #expect(make.status == 0, "\(make.stderr)")
        for threads in ["1", "2"] {
            let c = try run(["archive", "create", "-a", "auto", "-T", threads, "auto\(threads).tar.sqz", "t"], in: dir)
            #expect(c.status == 0, "\(c.stderr)")
        }
        #expect(try TestFiles.read("\(dir)/auto1.tar.sqz") == TestFiles.read("\(dir)/auto2.tar.sqz"))
        let l = try run(["list", "-v", "auto1.tar.sqz"], in: dir)
        #expect(l.status == 0, "\(l.stderr)")
        let rows = l.stdoutText.split(separator: "\n").filter { $0.firstMatch(of: /^\s*\d+\s+\d+\s+\d+\s/) != nil }
        let codecs = rows.map { $0.split(separator: " ", omittingEmptySubsequences: true)[3] }
        #expect(codecs == ["ppm", "store", "bwt", "ppm"], "\(l.stdoutText)")
        #expect(rows.count == 4 && rows[2].contains("delta:2"), "\(l.stdoutText)")
        try fm.createDirectory(atPath: "\(dir)/x", withIntermediateDirectories: false)
        let x = try run(["archive", "extract", "auto1.tar.sqz", "-C", "x"], in: dir)
        #expect(x.status == 0, "\(x.stderr)")
        for f in ["a-text", "b-random", "c-samples", "d-text", "e-note"] {
            #expect(try TestFiles.read("\(dir)/x/t/\(f)") == TestFiles.read("\(dir)/t/\(f)"), "\(f)")
        }
        let piped = try shell("squeeze -dc auto1.tar.sqz | tar -tf - | wc -l", in: dir)
        #expect(piped.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "6", "\(piped.stdoutText) \(piped.stderr)")
        // -v and list name it auto:2; the same archive again (deterministic).
        let again = try run(["archive", "create", "-v", "-a", "auto", "default.tar.sqz", "t"], in: dir)
        #expect(again.status == 0 && again.stderr.contains("auto:2, 4 blocks"), "\(again.stderr)")
        #expect(try TestFiles.read("\(dir)/default.tar.sqz") == TestFiles.read("\(dir)/auto1.tar.sqz"))
        let nine = try run(["archive", "create", "-a", "auto", "-9", "nine.tar.sqz", "t"], in: dir)
        #expect(nine.status == 2 && nine.stderr.contains("auto has no level '9'") && nine.stderr.contains("squeeze archive create --help"), "\(nine.stderr)")
        #expect(!fm.fileExists(atPath: "\(dir)/nine.tar.sqz"))
        let listed = try run(["archive", "list", "default.tar.sqz"], in: dir)
        #expect(listed.stdoutText.contains("auto:2, 4 blocks"), "\(listed.stdoutText)")
        // list -v adds each block's codec and filter, read from the block headers.
        let verbose = try run(["archive", "list", "-v", "default.tar.sqz"], in: dir)
        let blockRows = verbose.stdoutText.split(separator: "\n").filter { $0.firstMatch(of: /^\s*\d+\s+\d+\s+\d+\s+[a-z]/) != nil }
        #expect(blockRows.map { $0.split(separator: " ", omittingEmptySubsequences: true)[3] } == ["ppm", "store", "bwt", "ppm"], "\(verbose.stdoutText)")
        #expect(blockRows.count == 4 && blockRows[2].hasSuffix("delta:2"), "\(verbose.stdoutText)")
    }

    @Test func listReadsOnlyTheIndexAndShowsStoredBlocks() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        let r = try shell("mkdir t && head -c 300000 /dev/urandom > t/random && seq 1 100000 > t/text && "
            + "squeeze archive create -B 64K s.tar.sqz t", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let l = try run(["archive", "list", "s.tar.sqz"], in: dir)
        #expect(l.status == 0, "\(l.stderr)")
        // Most of the random member's blocks are stored; the summary counts them.
        let randomLine = l.stdoutText.split(separator: "\n").first { $0.hasSuffix(" t/random") }
        #expect(randomLine?.contains(" stored)") == true, "\(l.stdoutText)")
        #expect(l.stdoutText.contains("stored (incompressible)"))
        // Listing needs no payload: damage every block's data and it still lists.
        var bytes = try TestFiles.read("\(dir)/s.tar.sqz")
        for i in stride(from: 200, to: bytes.count - 2000, by: 5000) { bytes[i] ^= 0x55 }
        try TestFiles.write(bytes, "\(dir)/s.tar.sqz")
        let again = try run(["archive", "list", "s.tar.sqz"], in: dir)
        #expect(again.status == 0 && again.stdoutText == l.stdoutText, "\(again.stderr)")
        let t = try run(["archive", "test", "s.tar.sqz"], in: dir)
        #expect(t.status == 1 && t.stderr.contains("block"), "\(t.stderr)")
    }
}

@Suite struct ArchiveDamage {
    @Test func aDamagedBlockNamesMemberAndBlockKeepsEarlierMembersAndRemovesThePartialOne() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        // store: every block is stored, so block k's payload is at a known offset.
        let r = try shell("mkdir d && for i in 1 2 3 4 5 6 7 8; do head -c 10000 /dev/urandom > d/f$i; done && "
            + "squeeze archive create -a store -B 4K a.tar.sqz d", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let l = try run(["archive", "list", "a.tar.sqz"], in: dir)
        let line = try #require(l.stdoutText.split(separator: "\n").first { $0.hasSuffix(" d/f5") })
        let span = try #require(line.firstMatch(of: /:\d\d (\d+)-(\d+)/))
        let block = try #require(Int(span.2))   // the last block holding f5's data
        var bytes = try TestFiles.read("\(dir)/a.tar.sqz")
        // 16-byte frame header; each stored 4 KiB block is 13 header bytes and 4096 payload bytes.
        bytes[16 + (block - 1) * 4109 + 13 + 10] ^= 0xFF
        try TestFiles.write(bytes, "\(dir)/a.tar.sqz")
        try fm.createDirectory(atPath: "\(dir)/x", withIntermediateDirectories: false)
        let x = try run(["archive", "extract", "a.tar.sqz", "-C", "x"], in: dir)
        #expect(x.status == 1)
        #expect(x.stderr.contains("member 'd/f5'") && x.stderr.contains("block \(block): checksum mismatch"), "\(x.stderr)")
        for i in 1...4 { #expect(try TestFiles.read("\(dir)/x/d/f\(i)") == TestFiles.read("\(dir)/d/f\(i)")) }
        #expect(!fm.fileExists(atPath: "\(dir)/x/d/f5"), "the partial member was left")
    }
}

/// Builds a hostile tar with Python's tarfile, compresses it with squeeze -c,
/// extracts it into `target`, and checks the refusal and that nothing appeared
/// outside the target.
private struct Hostile {
    let dir: String
    init() throws {
        dir = try SqueezeCommand.temporaryDirectory()
        try fm.createDirectory(atPath: "\(dir)/work/target", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: "\(dir)/work/outside", withIntermediateDirectories: true)
        try TestFiles.write(Array("secret".utf8), "\(dir)/work/outside/secret")
    }

    /// `python` adds members to `t` (a tarfile open for writing; `D` is the work directory).
    func extract(_ python: String, extra: [String] = []) throws -> SqueezeCommand.Result {
        let script = """
        import tarfile, io, sys
        D = sys.argv[1]
        def add(t, name, data=b'evil', **kw):
            i = tarfile.TarInfo(name); i.size = len(data)
            for k, v in kw.items(): setattr(i, k, v)
            t.addfile(i, io.BytesIO(data))
        def link(t, name, target, kind=tarfile.SYMTYPE):
            i = tarfile.TarInfo(name); i.type = kind; i.linkname = target; t.addfile(i)
        with tarfile.open(D + '/h.tar', 'w', format=tarfile.PAX_FORMAT, encoding='utf-8', errors='surrogateescape') as t:
        \(python.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
        try TestFiles.write(Array(script.utf8), "\(dir)/make.py")
        let before = try outsideListing()
        let made = try shell("python3 make.py '\(dir)/work' && squeeze -c work/h.tar > work/h.tar.sqz", in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        let r = try run(["archive", "extract", "work/h.tar.sqz", "-C", "work/target"] + extra, in: dir)
        #expect(try outsideListing() == before, "something was written outside the target")
        #expect(try TestFiles.read("\(dir)/work/outside/secret") == Array("secret".utf8))
        return r
    }

    /// Everything under the temporary directory but the target and the fixture files.
    func outsideListing() throws -> [String] {
        let all = (fm.enumerator(atPath: dir)?.allObjects as? [String] ?? []).sorted()
        return all.filter { !$0.hasPrefix("work/target") && !$0.hasPrefix("work/h.tar") && $0 != "make.py" }
    }

    func refused(_ python: String, _ message: String, member: String, extra: [String] = []) throws {
        let r = try extract(python, extra: extra)
        #expect(r.status == 1, "not refused: \(python)")
        #expect(r.stderr.contains("member '\(member)'"), "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }
}

@Suite struct HostileArchives {
    @Test func dotDotIsRefused() throws {
        try Hostile().refused("add(t, '../evil')", "'..'", member: "../evil")
    }

    @Test func absolutePathIsRefused() throws {
        let h = try Hostile()
        try h.refused("add(t, D + '/outside/evil')", "absolute path", member: "\(h.dir)/work/outside/evil")
    }

    @Test func dotDotInsideAPathIsRefused() throws {
        try Hostile().refused("add(t, 'a/b')\nadd(t, 'a/../../evil')", "'..'", member: "a/../../evil")
    }

    @Test func aFileThroughASymlinkToOutsideIsRefused() throws {
        let h = try Hostile()
        try h.refused("link(t, 'l', D + '/outside')\nadd(t, 'l/evil')", "through the symbolic link 'l'", member: "l/evil")
        #expect(!fm.fileExists(atPath: "\(h.dir)/work/outside/evil"))
    }

    @Test func aFileThroughASymlinkToParentIsRefused() throws {
        try Hostile().refused("link(t, 'up', '..')\nadd(t, 'up/evil')", "through the symbolic link 'up'", member: "up/evil")
    }

    @Test func aSymlinkAlreadyOnDiskIsNotFollowed() throws {
        let h = try Hostile()
        try fm.createSymbolicLink(atPath: "\(h.dir)/work/target/pre", withDestinationPath: "../outside")
        let r = try h.extract("add(t, 'pre/evil')")
        #expect(r.status == 1 && r.stderr.contains("member 'pre/evil'"), "\(r.stderr)")
    }

    @Test func hardLinksOutsideAreRefused() throws {
        let h = try Hostile()
        try h.refused("link(t, 'h', D + '/outside/secret', tarfile.LNKTYPE)", "absolute path", member: "h")
        try Hostile().refused("link(t, 'h', '../outside/secret', tarfile.LNKTYPE)", "'..'", member: "h")
        // Inside the target, but not a file of this archive.
        let inside = try Hostile()
        try TestFiles.write(Array("mine".utf8), "\(inside.dir)/work/target/mine")
        try inside.refused("link(t, 'h', 'mine', tarfile.LNKTYPE)", "not a file extracted before it", member: "h")
    }

    @Test func anExistingFileIsKeptWithoutForce() throws {
        let h = try Hostile()
        try TestFiles.write(Array("keep".utf8), "\(h.dir)/work/target/exists")
        try h.refused("add(t, 'exists', b'new')", "already exists", member: "exists")
        #expect(try TestFiles.read("\(h.dir)/work/target/exists") == Array("keep".utf8))
        let forced = try h.extract("add(t, 'exists', b'new')", extra: ["-f"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try TestFiles.read("\(h.dir)/work/target/exists") == Array("new".utf8))
    }

    @Test func aTenThousandLevelPathIsRefused() throws {
        let h = try Hostile()
        let r = try h.extract("add(t, 'a/' * 10000 + 'f')")
        #expect(r.status == 1)
        #expect(r.stderr.contains("member 'a/a/a/") && r.stderr.contains("more than"), "\(r.stderr.prefix(300))")
        #expect(r.stderr.count < 1000, "the message repeats the whole name")
        #expect(try TestFiles.listing("\(h.dir)/work/target").isEmpty)
    }

    @Test func controlCharactersAndInvalidUTF8AreRefusedAndEscaped() throws {
        try Hostile().refused("add(t, 'bad\\x1b[2Jname')", "control characters", member: "bad\\x1b[2Jname")
        try Hostile().refused("add(t, 'bad\\udcffname')", "not valid UTF-8", member: "bad\\xffname")
    }

    @Test func aTarBombIsRefusedByMaxOutput() throws {
        let h = try Hostile()
        // A header declaring 1 TiB followed by only 64 KiB of data.
        let bomb = "i = tarfile.TarInfo('bomb'); i.size = 1 << 40\nt.fileobj.write(i.tobuf(tarfile.PAX_FORMAT, 'utf-8', 'surrogateescape') + bytes(65536))"
        try h.refused(bomb, "declares 1 TiB, more than the 10 MiB --max-output allows", member: "bomb", extra: ["--max-output", "10M"])
        #expect(try TestFiles.listing("\(h.dir)/work/target").isEmpty)
        // Without a limit the stream ends early: the partial member is removed.
        let r = try h.extract(bomb)
        #expect(r.status == 1 && r.stderr.contains("member 'bomb'"), "\(r.stderr)")
        #expect(try TestFiles.listing("\(h.dir)/work/target").isEmpty)
    }
}

@Suite struct ArchiveProgressDisplay {
    @Test func progressOnATerminalSilentInAPipeAndWithQ() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        #expect(try shell("mkdir t && for i in 1 2 3 4 5 6; do seq 1 700000 > t/f$i; done", in: dir).status == 0)
        let shown = try SqueezeCommand.underTerminal("squeeze archive create -a lz77 -6 -T 1 a.tar.sqz t", in: dir)
        #expect(shown.contains("a.tar.sqz: ") && shown.contains("/s"), "\(shown)")
        let x = try SqueezeCommand.underTerminal("mkdir x && squeeze archive extract -T 1 a.tar.sqz -C x", in: dir)
        #expect(x.contains("a.tar.sqz: ") && x.contains("member"), "\(x)")
        let quiet = try SqueezeCommand.underTerminal("squeeze archive create -q -f a.tar.sqz t", in: dir)
        #expect(!quiet.contains("/s"), "\(quiet)")
        let piped = try run(["archive", "create", "-f", "a.tar.sqz", "t"], in: dir)
        #expect(piped.status == 0 && piped.stderr.isEmpty, "\(piped.stderr)")
    }
}

@Suite struct RecursiveCompression {
    @Test func dashRCompressesEachFileBesideItselfAndBack() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        #expect(try shell("mkdir -p d/e && seq 1 3000 > d/a && seq 1 50 > d/e/b && ln -s a d/link", in: dir).status == 0)
        let a = try TestFiles.read("\(dir)/d/a"), b = try TestFiles.read("\(dir)/d/e/b")
        let c = try run(["-r", "--rm", "d"], in: dir)
        #expect(c.status == 0, "\(c.stderr)")
        #expect(try TestFiles.listing("\(dir)/d") == ["a.sqz", "e", "link"])
        #expect(try TestFiles.listing("\(dir)/d/e") == ["b.sqz"])
        // A second run leaves .sqz files alone.
        let again = try run(["-r", "d"], in: dir)
        #expect(again.status == 0 && again.stderr.isEmpty, "\(again.stderr)")
        let d = try run(["-dr", "--rm", "d"], in: dir)
        #expect(d.status == 0, "\(d.stderr)")
        #expect(try TestFiles.listing("\(dir)/d") == ["a", "e", "link"])
        #expect(try TestFiles.read("\(dir)/d/a") == a && TestFiles.read("\(dir)/d/e/b") == b)
        #expect(try fm.destinationOfSymbolicLink(atPath: "\(dir)/d/link") == "a")
    }
}

/// Issue #18's memory bound, checked on a small input: peak RSS of `archive
/// create` and `extract` at most 4 × block × threads + 64 MiB. Two full 8 MiB
/// blocks are coded at once on two threads (lz77 -6, the default), so the
/// per-block working set counts twice: before the match finder's ring
/// (64 MiB of links per 8 MiB block) create peaked near 200 MiB against 128.
/// The content repeats a random 100 KiB pattern, which the encoder codes
/// quickly even in a debug build; memory does not depend on it (the tables
/// are allocated and filled for the whole block).
@Suite struct ArchiveMemory {
    /// Runs `args` under a python3 that forks, execs and wait4s the squeeze
    /// child and writes its ru_maxrss (KiB): spawned by the test process
    /// itself, the child would carry the test runner's own peak across exec.
    private func peakKiB(_ args: String, in dir: String) throws -> Int {
        let script = """
            import os, sys
            pid = os.fork()
            if pid == 0:
                try:
                    os.execvp(sys.argv[2], sys.argv[2:])
                finally:
                    os._exit(127)
            _, status, ru = os.wait4(pid, 0)
            open(sys.argv[1], "w").write("%d %d" % (os.waitstatus_to_exitcode(status), ru.ru_maxrss))
            """
        try script.write(toFile: dir + "/rusage.py", atomically: true, encoding: .utf8)
        let r = try shell("python3 rusage.py rss.txt squeeze \(args)", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let fields = try String(contentsOfFile: dir + "/rss.txt", encoding: .utf8).split(separator: " ")
        #expect(fields.first == "0", "squeeze \(args) exited with \(fields.first ?? "?")")
        return try #require(fields.count == 2 ? Int(fields[1]) : nil)
    }

    @Test func createAndExtractStayWithinFourBlocksPerThreadPlus64MiB() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        defer { try? fm.removeItem(atPath: dir) }
        try fm.createDirectory(atPath: dir + "/tree", withIntermediateDirectories: false)
        var pattern = [UInt8](repeating: 0, count: 100_000)
        var x: UInt64 = 0x2545_F491_4F6C_DD1D
        for i in pattern.indices { x ^= x << 13; x ^= x >> 7; x ^= x << 17; pattern[i] = UInt8(truncatingIfNeeded: x) }
        var big: [UInt8] = []
        while big.count < 16 << 20 { big += pattern }
        try Data(big.prefix(12 << 20)).write(to: URL(fileURLWithPath: dir + "/tree/a"))
        try Data(big.prefix((4 << 20) + 4096)).write(to: URL(fileURLWithPath: dir + "/tree/b"))
        let boundKiB = (4 * 8 * 2 + 64) << 10
        let create = try peakKiB("archive create -q -a lz77 -6 -B 8M -T 2 a.tar.sqz tree", in: dir)
        #expect(create <= boundKiB, "archive create peaked at \(create >> 10) MiB; the bound is \(boundKiB >> 10) MiB")
        try fm.createDirectory(atPath: dir + "/x", withIntermediateDirectories: false)
        let extract = try peakKiB("archive extract -q -T 2 a.tar.sqz -C x", in: dir)
        #expect(extract <= boundKiB, "archive extract peaked at \(extract >> 10) MiB; the bound is \(boundKiB >> 10) MiB")
        #expect(fm.contentsEqual(atPath: dir + "/tree/a", andPath: dir + "/x/tree/a"))
    }
}
