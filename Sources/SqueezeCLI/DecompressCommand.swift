import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import SqueezeKit

struct Decompress: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decompress",
        abstract: "Decompress .sqz archives (FILE.sqz -> FILE); also `squeeze -d`.",
        discussion: """
        Every block's CRC32 and the whole-content CRC32 are checked. Damaged or truncated \
        input gives an error that names the file and the block, exit status 1, and no output \
        file; the input is never modified.

        Examples:
          squeeze -d book1.sqz              # -> book1
          squeeze decompress -c a.sqz | less
          squeeze -d -o copy.txt a.sqz
          squeeze -d --memory 4G huge.sqz   # allow a frame that needs up to 4 GiB
          squeeze -d logs.gz data.xz        # plain .gz, .bz2, .xz and .zst files too

        Frames written one after another (`squeeze -c a b > ab.sqz`, `cat a.sqz b.sqz`) \
        decode as one stream, as with gzip and zstd. Plain gzip, bzip2, xz and zstd files are \
        recognised by their magic and decoded with the system libraries (every member, \
        their own checks). A decompressed file gets the mode and times of its archive.
        """,
        aliases: ["d"])

    @OptionGroup var options: OutputOptions
    @OptionGroup var memory: DecoderMemoryOption

    @OptionGroup var threads: DecodeThreadsOption

    @Argument(help: ArgumentHelp("Archives to decompress; - is standard input.", valueName: "file"))
    var files: [String] = []

    func validate() throws { try options.validate(files: files) }

    func run() throws {
        let limit = try memory.limit()
        let inputs = try options.expanded(files) { path in
            path.hasSuffix(SqzFormat.fileExtension) || ForeignFormat.strippingExtension(path) != nil
        }
        try forEachFile(inputs) { path in try decompressOne(path, memoryLimit: limit) }
    }

    private func decompressOne(_ path: String, memoryLimit: Int) throws {
        let input = try InputFile.open(path, strict: true, force: options.force)
        defer { input.close() }
        if input.isStdin && Terminal.stdinIsTTY && !options.force {
            throw FileError("refusing to read compressed data from a terminal (redirect or pipe it in)")
        }
        let toStdout = options.writesToStdout || (input.isStdin && options.outputFile == nil)
        var outName = options.outputFile
        if !toStdout && outName == nil {
            if path.hasSuffix(SqzFormat.fileExtension), path.count > SqzFormat.fileExtension.count {
                outName = String(path.dropLast(SqzFormat.fileExtension.count))
            } else if let (_, base) = ForeignFormat.strippingExtension(path) {
                outName = base
            } else {
                throw FileError("unknown suffix -- ignored (expected \(SqzFormat.fileExtension), .gz, .bz2, .xz or .zst; use -o NAME or -c)")
            }
        }
        var progress = ProgressLine(name: input.displayName, total: input.size, quiet: options.quiet)
        defer { progress.finish() }
        let summary = try options.writeOutput(
            input: input, toStdout: toStdout, outName: outName ?? "(stdout)",
            produce: { sink in
                try decodeAnyArchive(fd: input.fd, to: &sink, decode: true, memoryLimit: memoryLimit,
                                     threads: threads.resolved, outputDescriptor: readableBackOutput(sink.fd)) { progress.update($0) }
            })
        if options.verbose {
            Terminal.errorLine("\(input.displayName): \(summary.rawBytes ?? 0) bytes, \(summary.description), "
                + "checksums OK -> \(toStdout ? "(stdout)" : outName ?? "")")
        }
    }
}
