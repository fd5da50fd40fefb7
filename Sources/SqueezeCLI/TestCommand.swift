import ArgumentParser
import Foundation
import SqueezeKit

/// One archive's facts, as `list` and `test` print them (and as JSON).
struct ArchiveReport: Codable {
    var file: String
    var ok: Bool
    /// "sqz", or the plain format recognised by its magic: gzip, bzip2, xz, zstd.
    var format: String?
    var error: String?
    var codec: String?
    var level: String?
    var formatVersion: Int?
    var blockSize: Int?
    var blocks: Int?
    var frames: Int?
    var storedBlocks: Int?
    var compressedBytes: Int64?
    var uncompressedBytes: Int64?
    var ratio: Double?
    var bitsPerByte: Double?
    var contentCRC32: String?
    var checksums: String?
    /// Per block of a version-2 frame (`list -v`): what its header names.
    var blockList: [BlockReport]?

    struct BlockReport: Codable {
        var block: Int
        var uncompressedBytes: Int
        var compressedBytes: Int
        var codec: String
        var level: String
        var filter: String
    }

    init(file: String, summary: ArchiveSummary?, error: Error?) {
        switch summary {
        case .none: self.init(file: file)
        case .sqz(let s): self.init(file: file, sqz: s)
        case .foreign(let s): self.init(file: file, foreign: s)
        }
        ok = error == nil
        self.error = error.map { "\($0)" }
    }

    init(file: String) {
        self.file = file
        ok = true
    }

    init(file: String, foreign s: ForeignSummary) {
        self.file = file
        ok = true
        format = s.format.rawValue
        codec = s.format.rawValue
        frames = s.members
        compressedBytes = s.compressedBytes
        uncompressedBytes = s.uncompressedBytes
        if let raw = s.uncompressedBytes, raw > 0 {
            ratio = Double(raw) / Double(max(1, s.compressedBytes))
            bitsPerByte = 8 * Double(s.compressedBytes) / Double(raw)
        }
        checksums = s.uncompressedOrigin == .decoded ? "verified (\(s.check ?? s.format.checkWritten))"
            : "not checked (use -v or `squeeze test`)"
    }

    init(file: String, sqz s: FrameSummary) {
        self.file = file
        ok = true
        format = "sqz"
        codec = s.codecName
        level = s.levelLabel
        formatVersion = Int(s.header.version)
        blockSize = s.header.blockSize
        blocks = s.blocks
        frames = s.frames
        storedBlocks = s.storedBlocks
        compressedBytes = s.frameBytes
        uncompressedBytes = s.rawBytes
        ratio = s.rawBytes == 0 ? nil : Double(s.rawBytes) / Double(max(1, s.frameBytes))
        bitsPerByte = s.rawBytes == 0 ? nil : 8 * Double(s.frameBytes) / Double(s.rawBytes)
        contentCRC32 = s.verified ? String(format: "%08x", s.contentCRC) : nil
        checksums = s.verified ? "verified" : "not checked (use -v or `squeeze test`)"
        if s.header.version >= SqzFormat.version2 && !s.blockList.isEmpty {
            blockList = s.blockList.map {
                BlockReport(block: $0.index, uncompressedBytes: $0.rawSize, compressedBytes: $0.payloadSize,
                            codec: $0.codec, level: $0.level, filter: $0.filter.description)
            }
        }
    }

    static func printJSON(_ reports: [ArchiveReport]) {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        if let data = try? enc.encode(reports), let s = String(data: data, encoding: .utf8) { print(s) }
    }
}

/// Reads an archive to the end, decoding (test, list -v) or only walking its structure (list).
func examineArchive(_ path: String, decode: Bool, memoryLimit: Int, threads: Int = 1,
                    recordBlocks: Bool = false) -> (ArchiveSummary?, Error?) {
    do {
        let input = try InputFile.open(path)
        defer { input.close() }
        if input.isStdin && Terminal.stdinIsTTY {
            throw FileError("refusing to read compressed data from a terminal (redirect or pipe it in)")
        }
        var sink = DiscardingSink()
        let s = try decodeAnyArchive(fd: input.fd, to: &sink, decode: decode, memoryLimit: memoryLimit, threads: threads,
                                     recordBlocks: recordBlocks)
        return (s, nil)
    } catch {
        return (nil, error)
    }
}

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Check archives without writing anything; also `squeeze -t`.",
        discussion: "Decodes every block and checks every checksum. Exit status 1 if any archive is damaged.",
        aliases: ["t"])

    @Flag(name: .long, help: "Print one JSON array with a record per archive.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print a line for each good archive too.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print nothing; the exit status tells.")
    var quiet = false

    @OptionGroup var memory: DecoderMemoryOption
    @OptionGroup var threads: DecodeThreadsOption

    @Argument(help: ArgumentHelp("Archives to test; - is standard input.", valueName: "file"))
    var files: [String] = []

    func run() throws {
        let limit = try memory.limit()
        var reports: [ArchiveReport] = []
        for file in files.isEmpty ? ["-"] : files {
            let (summary, error) = examineArchive(file, decode: true, memoryLimit: limit, threads: threads.resolved)
            let name = file == "-" ? "(stdin)" : file
            reports.append(ArchiveReport(file: name, summary: summary, error: error))
            if json || quiet { continue }
            if let error { Terminal.warn("\(name): \(error)") }
            else if verbose, let s = summary {
                print("\(name): OK (\(s.rawBytes ?? 0) bytes, \(s.description))")
            }
        }
        if json { ArchiveReport.printJSON(reports) }
        if reports.contains(where: { !$0.ok }) { throw ExitCode(1) }
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show what archives hold: codec, level, sizes, ratio, blocks; also `squeeze -l`.",
        discussion: "Walks the frame structure without decoding. With -v, decodes too and verifies every checksum, and for a version-2 frame shows each block's codec, level and filter.",
        aliases: ["l"])

    @Flag(name: .long, help: "Print one JSON array with a record per archive.")
    var json = false

    @Flag(name: .shortAndLong, help: "Decode and verify the checksums as well.")
    var verbose = false

    @OptionGroup var memory: DecoderMemoryOption
    @OptionGroup var threads: DecodeThreadsOption

    @Argument(help: ArgumentHelp("Archives to list; - is standard input.", valueName: "file"))
    var files: [String] = []

    func run() throws {
        let limit = try memory.limit()
        var reports: [ArchiveReport] = []
        for file in files.isEmpty ? ["-"] : files {
            let (summary, error) = examineArchive(file, decode: verbose, memoryLimit: limit, threads: threads.resolved,
                                                  recordBlocks: verbose)
            reports.append(ArchiveReport(file: file == "-" ? "(stdin)" : file, summary: summary, error: error))
        }
        if json {
            ArchiveReport.printJSON(reports)
        } else {
            var rows: [[String]] = []
            for r in reports {
                if let e = r.error { Terminal.warn("\(r.file): \(e)"); continue }
                rows.append([r.codec ?? "", r.level ?? "", r.frames.map(String.init) ?? "", r.blocks.map(String.init) ?? "",
                             String(r.compressedBytes ?? 0), r.uncompressedBytes.map(String.init) ?? "?", r.ratio.map { Format.fixed($0, 3) } ?? "-",
                             r.bitsPerByte.map { Format.fixed($0, 3) } ?? "-",
                             r.contentCRC32.map { "ok " + $0 } ?? (r.checksums?.hasPrefix("verified") == true ? "ok" : "unchecked"), r.file])
            }
            if !rows.isEmpty {
                print(TextTable.render(header: ["codec", "level", "frames", "blocks", "compressed", "uncompressed", "ratio",
                                                "bits/byte", "crc32", "name"], rows: rows))
            }
            // Version-2 frames name a codec and filter per block: one row each.
            for r in reports {
                guard let list = r.blockList else { continue }
                print("\n\(r.file):")
                print(TextTable.render(header: ["block", "uncompressed", "compressed", "codec", "level", "filter"],
                                       rows: list.map { [String($0.block), String($0.uncompressedBytes), String($0.compressedBytes),
                                                         $0.codec, $0.level, $0.filter] }))
            }
        }
        if reports.contains(where: { !$0.ok }) { throw ExitCode(1) }
    }
}
