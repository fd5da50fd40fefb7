import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import SqueezeKit

struct Decompress: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decompress .sqz archives (FILE.sqz -> FILE); also `squeeze -d`.",
        discussion: """
        Every block's CRC32 and the whole-content CRC32 are checked. Damaged or truncated \
        input gives an error that names the file and the block, exit status 1, and no output \
        file; the input is never modified.

        Examples:
          squeeze -d book1.sqz              # -> book1
          squeeze decompress -c a.sqz | less
          squeeze -d -o copy.txt a.sqz
        """,
        aliases: ["d"])

    @OptionGroup var options: OutputOptions

    @Argument(help: ArgumentHelp("Archives to decompress; - is standard input.", valueName: "file"))
    var files: [String] = []

    func validate() throws { try options.validate(files: files) }

    func run() throws {
        try forEachFile(files) { path in try decompressOne(path) }
    }

    private func decompressOne(_ path: String) throws {
        let input = try InputFile.open(path)
        defer { input.close() }
        let toStdout = options.toStdout || (input.isStdin && options.output == nil)
        var outName = options.output
        if !toStdout && outName == nil {
            guard path.hasSuffix(SqzFormat.fileExtension), path.count > SqzFormat.fileExtension.count else {
                throw FileError("unknown suffix -- ignored (expected \(SqzFormat.fileExtension); use -o NAME or -c)")
            }
            outName = String(path.dropLast(SqzFormat.fileExtension.count))
        }
        var progress = ProgressLine(name: input.displayName, total: input.size, quiet: options.quiet)
        defer { progress.finish() }
        let decompressor = SqzDecompressor(registry: .standard)
        let summary = try options.writeOutput(
            input: input, toStdout: toStdout, outName: outName ?? "(stdout)",
            produce: { sink in
                try decompressor.decompress(from: FileSource(fd: input.fd), to: &sink) { progress.update($0) }
            })
        if options.verbose {
            Terminal.errorLine("\(input.displayName): \(summary.rawBytes) bytes, \(summary.codecName) -l \(summary.levelLabel), "
                + "\(summary.blocks) blocks, checksums OK -> \(toStdout ? "(stdout)" : outName!)")
        }
    }
}
