import Archive
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import SqueezeKit

/// `squeeze archive`: many files in one .tar.sqz that tar can read and that
/// gives one member back without decoding the rest (docs/ARCHIVE.md).
struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Archives of many files: create, extract, list, test (.tar.sqz).",
        discussion: """
        An archive is a POSIX pax tar stream compressed in independent .sqz blocks, followed \
        by an index of its members in a frame that `squeeze -d` skips, so tar sees only the tar \
        stream (docs/ARCHIVE.md):

          squeeze archive create src.tar.sqz src     # or: squeeze archive a …
          squeeze archive list src.tar.sqz           # from the index, nothing decoded
          squeeze archive x src.tar.sqz src/a.c      # decodes only its blocks
          squeeze -dc src.tar.sqz | tar -x           # GNU tar and bsdtar read it too

        Extraction never writes outside the target directory, never replaces a file \
        without -f, never changes owners unless --same-owner (as root), and clears \
        setuid/setgid bits unless --keep-setid.
        """,
        subcommands: [Create.self, Extract.self, Members.self, Check.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Archive files and directories into OUT.tar.sqz.",
            discussion: """
            Directories are walked in byte order of names, each before what it holds; symbolic \
            links are stored as links, files with several names once and then as hard links. \
            The output is written to a temporary file renamed into place when complete, and is \
            never part of what it archives.

            Without -a, archives use lz77 -6, as single files do. With -a auto, every member \
            of 64 KiB or more is classed by its own data (text, x86 code, numbers, binary, \
            already compressed) and starts a new block where the kind changes, and each block \
            gets the codec and filter for its kind (`squeeze archive list -v` shows them): \
            smaller archives, but ppm and bwt blocks extract several times slower than lz77 \
            and need more memory.
            """,
            aliases: ["a"])

        @Option(name: [.customShort("a"), .long], help: ArgumentHelp("Codec (see `squeeze algos`), or auto to choose per block.", valueName: "algo"))
        var algo: String?
        @Option(name: .long, help: ArgumentHelp("Level of the codec (auto: 1-3); -N is the same.", valueName: "level"))
        var level: String?
        @Option(name: [.customShort("B"), .customLong("block-size")], help: ArgumentHelp("Raw bytes per block, e.g. 1M (default: per codec).", valueName: "size"))
        var blockSize: String?
        @Option(name: .customLong("mem"), help: ArgumentHelp("Model memory for the ppm codecs.", valueName: "size"))
        var memory: String?
        @Option(name: [.customShort("T"), .long], help: ArgumentHelp("Blocks coded at once (0: one per core).", valueName: "n"))
        var threads: Int = 0
        @Option(name: .customShort("C"), help: ArgumentHelp("Read the paths relative to this directory.", valueName: "dir"))
        var directory: String?
        @Option(name: .customLong("long"),
                help: ArgumentHelp("Long-range mode (as for compress): repeats up to WINDOW bytes apart, across files, become references (--long alone: 128 MiB). Extracting one member then decodes every block before it, and extract keeps the window in memory.", valueName: "window"))
        var long: String?
        @Flag(name: .shortAndLong, help: "Replace OUT if it exists.")
        var force = false
        @Flag(name: .shortAndLong, help: "Print a summary line.")
        var verbose = false
        @Flag(name: .shortAndLong, help: "Print no warnings.")
        var quiet = false

        @Argument(help: ArgumentHelp("The archive to write.", valueName: "out.tar.sqz"))
        var output: String
        @Argument(help: ArgumentHelp("Files and directories to archive.", valueName: "path"))
        var paths: [String]

        func validate() throws {
            if paths.isEmpty { throw ValidationError("name at least one path to archive") }
            // A file named "-" is not what a tar user means, and standard output cannot take the index.
            if output == "-" {
                throw ValidationError("an archive is written to a file (its index is read with random access); for a stream, use tar -cf - PATH | squeeze -c")
            }
            if threads < 0 { throw ValidationError("--threads must be 0 or more") }
        }

        func run() throws {
            let compressor = try Compress.makeCompressor(algo: algo, level: level, blockSize: blockSize, memory: memory,
                                                         threads: threads, quiet: quiet, long: long, command: Self.self)
            var cwd = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            guard getcwd(&cwd, cwd.count) != nil else { throw FileError("cannot read the current directory") }
            let base = String(cString: cwd)
            let outPath = output.hasPrefix("/") ? output : base + "/" + output
            let out = try AtomicOutput.create(outPath, force: force)
            do {
                var creator = ArchiveCreator(compressor: compressor)
                let progress = ArchiveProgress(name: output, total: nil, quiet: quiet)
                defer { progress.finish() }
                creator.progress = { bytes, members in progress.update(bytes: bytes, members: members) }
                // Never archive the output: neither the file being written nor the one it replaces.
                for path in [out.temporaryPath, outPath] {
                    var st = stat()
                    if stat(path, &st) == 0 { creator.excluded.append((UInt64(st.st_dev), UInt64(st.st_ino))) }
                }
                if let directory, chdir(directory) != 0 {
                    throw FileError("\(directory): \(systemErrorMessage())")
                }
                defer { _ = chdir(base) }
                for p in paths {
                    var st = stat(), o = stat()
                    if lstat(p, &st) == 0, stat(outPath, &o) == 0, st.st_dev == o.st_dev, st.st_ino == o.st_ino {
                        throw FileError("\(p) is the output archive itself; refusing to archive it into itself")
                    }
                }
                var sink = FileSink(fd: out.fd)
                let summary: ArchiveCreateSummary
                do { summary = try creator.create(paths: paths, to: &sink) }
                catch { throw FileError("\(output): \(error)") }
                _ = chdir(base)
                try out.commit(like: nil)
                if !quiet { for w in summary.warnings { Terminal.warn(w) } }
                if verbose {
                    let f = summary.frame
                    let pct = f.rawBytes == 0 ? 0 : 100 * Double(summary.fileBytes) / Double(f.rawBytes)
                    Terminal.errorLine("\(output): \(English.count(summary.members, "member")), \(f.rawBytes) => \(summary.fileBytes) bytes "
                        + "(\(Format.fixed(pct, 2))%), \(f.method), \(English.count(f.blocks, "block"))"
                        + (f.storedBlocks > 0 ? " (\(f.storedBlocks) stored)" : ""))
                }
            } catch {
                out.discard()
                throw error
            }
        }
    }

    struct Extract: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "extract",
            abstract: "Extract an archive, or only the members named (decoding only their blocks).",
            discussion: """
            Refused, with the member named and exit status 1: absolute names, '..', names \
            that pass through a symbolic link, hard links to anything but a file extracted \
            before them, control characters or invalid UTF-8 in names, names deeper than \
            \(ArchiveExtractor.maxDepth) levels or longer than \(ArchiveExtractor.maxNameBytes) bytes, \
            devices, an existing file (without -f), and output beyond --max-output. A member \
            whose data is damaged is removed; those before it are complete.
            """,
            aliases: ["x"])

        @Option(name: .customShort("C"), help: ArgumentHelp("Extract into this directory (it must exist).", valueName: "dir"))
        var directory: String = "."
        @Flag(name: .shortAndLong, help: "Replace existing files.")
        var force = false
        @Flag(name: .customLong("same-owner"), help: "Restore owners and groups (only as root).")
        var sameOwner = false
        @Flag(name: .customLong("keep-setid"), help: "Keep setuid and setgid bits (cleared by default).")
        var keepSetID = false
        @Option(name: .customLong("max-output"), help: ArgumentHelp("Refuse to write more file data than this in all, e.g. 10G.", valueName: "size"))
        var maxOutput: String?
        @Option(name: [.customShort("T"), .long], help: ArgumentHelp("Blocks decoded at once (0: one per core).", valueName: "n"))
        var threads: Int = 0
        @OptionGroup var memory: DecoderMemoryOption
        @Flag(name: .shortAndLong, help: "Print each member's name, and how many blocks were decoded.")
        var verbose = false
        @Flag(name: .shortAndLong, help: "Show no progress.")
        var quiet = false

        @Argument(help: ArgumentHelp("The archive.", valueName: "archive"))
        var archive: String
        @Argument(help: ArgumentHelp("Members to extract (a directory brings what it holds); default: all.", valueName: "member"))
        var members: [String] = []

        func run() throws {
            var options = ExtractOptions()
            options.overwrite = force
            options.keepSetID = keepSetID
            options.members = members
            if sameOwner {
                guard geteuid() == 0 else { throw UsageError("--same-owner needs root (only root can give files to other users)", Self.self) }
                options.sameOwner = true
            }
            if let maxOutput {
                guard let n = Format.parseSize(maxOutput) else { throw UsageError("--max-output '\(maxOutput)' is not a size such as 100M or 10G", Self.self) }
                options.maxOutput = Int64(n)
            }
            let file = try openArchive(archive, memory: memory, threads: threads)
            let total = file.index.map { $0.members.reduce(Int64(0)) { $0 + $1.size } }
            let progress = ArchiveProgress(name: archive, total: members.isEmpty ? total : nil, quiet: quiet)
            defer { progress.finish() }
            var done: Int64 = 0, count = 0
            do {
                let summary = try ArchiveExtractor.extract(file, into: directory, options: options) { m in
                    if verbose { print(m.displayName) }
                    done += m.size
                    count += 1
                    progress.update(bytes: done, members: count)
                }
                if verbose {
                    Terminal.errorLine("\(archive): \(English.count(summary.members, "member")), \(summary.dataBytes) bytes; "
                        + "decoded \(summary.blocksDecoded) of \(English.count(summary.blocksTotal, "block"))")
                }
            } catch {
                throw FileError("\(archive): \(error)")
            }
        }
    }

    struct Members: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List an archive's members from its index, without decoding.",
            discussion: "Mode, size, modification time (UTC), the blocks holding the member (and how many of them are stored: incompressible data kept as it is), name. An archive without an index (tar piped through squeeze) is decoded to list it.",
            aliases: ["l"])

        @OptionGroup var memory: DecoderMemoryOption
        @Flag(name: .shortAndLong, help: "Also list the blocks: sizes, and the codec, level and filter of each (from the block headers; nothing decoded).")
        var verbose = false
        @Argument(help: ArgumentHelp("The archive.", valueName: "archive"))
        var archive: String

        func run() throws {
            let file = try openArchive(archive, memory: memory, threads: 1)
            let members: [ArchiveMember]
            do { members = try ArchiveReading.members(of: file) } catch { throw FileError("\(archive): \(error)") }
            var rows: [[String]] = []
            for m in members {
                let blocks = ArchiveReading.blocks(of: m, in: file)
                let stored = blocks.filter { file.blocks.indices.contains($0) && file.blocks[$0].stored }.count
                let span = (blocks.count == 1 ? "\(blocks.lowerBound + 1)" : "\(blocks.lowerBound + 1)-\(blocks.upperBound + 1)")
                    + (stored == 0 ? "" : stored == blocks.count ? " stored" : " (\(stored) stored)")
                var name = m.displayName
                if m.kind == .symlink { name += " -> " + printable(m.link) }
                if m.kind == .hardlink { name += " link to " + printable(m.link) }
                rows.append([modeString(m), String(m.size), timeString(m.mtime), span, name])
            }
            let widths = (0..<4).map { c in rows.map { $0[c].count }.max() ?? 0 }
            for r in rows {
                print("\(r[0]) \(pad(r[1], widths[1])) \(r[2]) \(padRight(r[3], widths[3])) \(r[4])")
            }
            let raw = file.rawSize
            let stored = file.blocks.filter(\.stored).count
            let (h, d) = (file.decoder.header, file.decoder.descriptor)
            let ratio = raw == 0 ? 0 : 100 * Double(file.fileSize) / Double(raw)
            print("\(English.count(members.count, "member")), \(raw) bytes of tar in \(file.fileSize) bytes (\(Format.fixed(ratio, 2))%), "
                + FrameSummary.method(codecName: h.isAuto ? AutoSelector.name : d.name,
                                      levelLabel: h.isAuto ? String(h.level) : d.label(forLevel: Int(h.level))) + ", "
                + "\(English.count(file.blocks.count, "block")) of \(Format.bytes(Int64(file.decoder.header.blockSize)))"
                + (stored > 0 ? ", \(stored) stored (incompressible)" : "")
                + (file.index == nil ? "; no index (decoded to list)" : ""))
            guard verbose else { return }
            let infos: [BlockInfo]
            do { infos = try file.blockInfos() } catch { throw FileError("\(archive): \(error)") }
            print("")
            print(TextTable.render(header: ["block", "uncompressed", "compressed", "codec", "level", "filter"],
                                   rows: infos.map { [String($0.index), String($0.rawSize), String($0.payloadSize),
                                                      $0.codec, $0.level, $0.filter.description] }))
        }

        func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        func padRight(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }

        func modeString(_ m: ArchiveMember) -> String {
            var s = String(m.kind.letter)
            let bits: [(UInt32, Character)] = [(0o400, "r"), (0o200, "w"), (0o100, "x"), (0o40, "r"), (0o20, "w"), (0o10, "x"), (0o4, "r"), (0o2, "w"), (0o1, "x")]
            for (i, (bit, c)) in bits.enumerated() {
                var ch: Character = m.mode & bit != 0 ? c : "-"
                if i == 2 && m.mode & 0o4000 != 0 { ch = ch == "x" ? "s" : "S" }
                if i == 5 && m.mode & 0o2000 != 0 { ch = ch == "x" ? "s" : "S" }
                if i == 8 && m.mode & 0o1000 != 0 { ch = ch == "x" ? "t" : "T" }
                s.append(ch)
            }
            return s
        }

        func timeString(_ t: Int64) -> String {
            var time = time_t(t)
            var parts = tm()
            guard gmtime_r(&time, &parts) != nil else { return String(t) }
            func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
            return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Decode every block, check every checksum, and check the index against the tar stream.",
            aliases: ["t"])

        @Option(name: [.customShort("T"), .long], help: ArgumentHelp("Blocks decoded at once (0: one per core).", valueName: "n"))
        var threads: Int = 0
        @OptionGroup var memory: DecoderMemoryOption
        @Argument(help: ArgumentHelp("Archives to test.", valueName: "archive"))
        var archives: [String]

        func run() throws {
            try forEachFile(archives) { path in
                let file = try openArchive(path, memory: memory, threads: threads, naming: false)
                do {
                    let n = try ArchiveReading.test(file)
                    print("\(path): OK (\(English.count(n, "member")), \(English.count(file.blocks.count, "block"))\(file.index == nil ? ", no index" : ""))")
                } catch {
                    throw FileError("\(error)")
                }
            }
        }
    }
}

/// Progress of create and extract on standard error: bytes, members, rate
/// and, when the total is known, the time left. Only on a terminal; -q silences it.
final class ArchiveProgress {
    let name: String
    let total: Int64?
    let enabled: Bool
    let start = ProgressLine.now()
    var last = 0.0

    init(name: String, total: Int64?, quiet: Bool) {
        self.name = name
        self.total = total
        enabled = !quiet && Terminal.stderrIsTTY
    }

    func update(bytes: Int64, members: Int) {
        guard enabled else { return }
        let t = ProgressLine.now()
        guard t - last > 0.25 else { return }
        last = t
        let rate = Double(bytes) / max(0.001, t - start)
        var text = "\r\u{1B}[K\(name): \(English.count(members, "member")), \(Format.bytes(bytes)), \(Format.bytes(Int64(rate)))/s"
        if let total, total > 0, rate > 0 {
            text += ", \(Int(100 * Double(bytes) / Double(total)))%, \(Int(Double(max(0, total - bytes)) / rate)) s left"
        }
        Terminal.errorText(text)
    }

    func finish() {
        if enabled && last > 0 { Terminal.errorText("\r\u{1B}[K") }
    }
}

/// Opens an archive for reading, with the decoder limits of the options. Its errors
/// name the archive unless `naming` is false (under `forEachFile`, which names it).
private func openArchive(_ path: String, memory: DecoderMemoryOption, threads: Int, naming: Bool = true) throws -> ArchiveFile {
    let limit = try memory.limit()
    let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    do {
        return try ArchiveFile(path: path, registry: .standard, memoryLimit: limit,
                               threads: threads <= 0 ? Swift.max(1, cores) : threads)
    } catch {
        throw FileError(naming ? "\(path): \(error)" : "\(error)")
    }
}
