import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import SqueezeKit

struct Compress: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compress files into .sqz archives (FILE -> FILE.sqz).",
        discussion: """
        Each file is split into blocks; every block is coded on its own (several at once on \
        several cores) and carries a CRC32, and the frame ends with the total size and a \
        whole-content CRC32. A block that does not shrink is stored as it is, so output is \
        never more than a few bytes per block larger than the input.

        Input files are kept unless --rm is given. Output goes to a temporary file that is \
        renamed into place only when complete, so a failed or interrupted run leaves no \
        partial file. With no FILE, or when FILE is -, reads standard input and writes \
        standard output.

        Examples:
          squeeze compress book1                  # book1 -> book1.sqz, default codec
          squeeze compress -a zstd -l 19 *.txt    # a system baseline at level 19
          squeeze -9 -a xz big.log                # gzip-style level shortcut
          squeeze -a ppm -l 9 --mem 1G book1      # strongest PPM with a 1 GiB model
          tar cf - dir | squeeze -c > dir.tar.sqz
        See `squeeze algos` for codecs and levels.
        """)

    @Option(name: [.customShort("a"), .long], help: ArgumentHelp("Codec (see `squeeze algos`).", valueName: "algo"))
    var algo: String?

    @Option(name: [.customShort("l"), .long], help: ArgumentHelp("Level of the codec; -1 … -22 also work.", valueName: "level"))
    var level: String?

    @Option(name: [.customShort("B"), .customLong("block-size")],
            help: ArgumentHelp("Raw bytes per block, e.g. 256K, 4M (default: per codec).", valueName: "size"))
    var blockSize: String?

    @Option(name: .customLong("mem"),
            help: ArgumentHelp("Model memory for codecs that have the setting (ppm, ppma, ppmb, ppmc, ppmd: 1M…1G, default 16M–256M by level); when the model fills it, it restarts.", valueName: "size"))
    var memory: String?

    @Option(name: [.customShort("T"), .long], help: ArgumentHelp("Blocks coded at once (0: one per core).", valueName: "n"))
    var threads: Int = 0

    @OptionGroup var options: OutputOptions

    @Argument(help: ArgumentHelp("Files to compress; - is standard input.", valueName: "file"))
    var files: [String] = []

    /// Our own strongest general-purpose codec that exists in this build, else a baseline.
    static func defaultCodec(_ registry: CodecRegistry) -> CodecDescriptor? {
        for name in ["lz77", "bwt", "ppm", "arith", "huffman", "zstd", "store"] {
            if let d = registry.named(name) { return d }
        }
        return registry.descriptors.first
    }

    func validate() throws {
        try options.validate(files: files)
        if threads < 0 { throw ValidationError("--threads must be 0 or more") }
    }

    func run() throws {
        let registry = CodecRegistry.standard
        var descriptor: CodecDescriptor
        if let algo {
            guard let d = registry.named(algo) else {
                throw ValidationError("unknown codec '\(algo)'; known: \(registry.names.joined(separator: ", "))")
            }
            descriptor = d
        } else {
            guard let d = Self.defaultCodec(registry) else { throw ValidationError("no codec available") }
            descriptor = d
        }
        var lv = descriptor.defaultLevel
        if let level {
            guard let parsed = descriptor.level(parsing: level) else {
                throw ValidationError("\(descriptor.name) has no level '\(level)'; levels: \(descriptor.levelsDescription)")
            }
            lv = parsed
        }
        if let memory {
            guard let bytes = Format.parseSize(memory), bytes > 0 else { throw ValidationError("memory size '\(memory)' is not a size such as 64M or 1G") }
            guard let bounded = descriptor.bounded(memory: bytes) else {
                throw ValidationError("\(descriptor.name) has no memory setting; --mem is for model-based codecs such as ppm")
            }
            descriptor = bounded
        }
        var bs: Int? = nil
        if let blockSize {
            guard let n = Format.parseSize(blockSize), n >= SqzFormat.minBlockSize, n <= SqzFormat.maxBlockSize else {
                throw ValidationError("block size '\(blockSize)' must be between 1K and \(SqzFormat.maxBlockSize >> 20)M")
            }
            bs = n
        }
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let compressor: SqzCompressor
        do {
            compressor = try SqzCompressor(descriptor: descriptor, level: lv, blockSize: bs,
                                           threads: threads == 0 ? Swift.max(1, cores) : threads)
        } catch {
            throw ValidationError("\(error)")
        }
        try forEachFile(files) { path in try compressOne(path, compressor) }
    }

    private func compressOne(_ path: String, _ compressor: SqzCompressor) throws {
        let input = try InputFile.open(path)
        defer { input.close() }
        if !input.isStdin && path.hasSuffix(SqzFormat.fileExtension) && !options.force && options.output == nil && !options.toStdout {
            throw FileError("already has the \(SqzFormat.fileExtension) suffix -- unchanged (use -f to compress anyway)")
        }
        var source = FileSource(fd: input.fd)
        var progress = ProgressLine(name: input.displayName, total: input.size, quiet: options.quiet)
        defer { progress.finish() }
        let toStdout = options.toStdout || (input.isStdin && options.output == nil)
        if toStdout && Terminal.stdoutIsTTY && !options.force {
            throw FileError("refusing to write compressed data to a terminal (use -f to force, or redirect)")
        }
        let outName = toStdout ? "(stdout)" : options.output ?? path + SqzFormat.fileExtension
        let summary = try options.writeOutput(
            input: input, toStdout: toStdout, outName: outName,
            check: { temporary in if options.remove { try verify(temporary) } },
            produce: { sink in try compressor.compress(from: &source, to: &sink) { progress.update($0) } })
        if options.verbose {
            let pct = summary.rawBytes == 0 ? 0 : 100 * Double(summary.frameBytes) / Double(summary.rawBytes)
            let bpb = summary.rawBytes == 0 ? 0 : 8 * Double(summary.frameBytes) / Double(summary.rawBytes)
            Terminal.errorLine("\(input.displayName): \(Format.fixed(pct, 2))% (\(summary.rawBytes) => \(summary.frameBytes) bytes, "
                + "\(Format.fixed(bpb, 3)) bits/byte, \(summary.codecName) -l \(summary.levelLabel), \(summary.blocks) blocks) -> \(outName)")
        }
    }

    /// Decodes a just-written archive before the input is removed.
    private func verify(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileError("cannot reopen output to verify: \(systemErrorMessage())") }
        defer { close(fd) }
        var sink = DiscardingSink()
        do {
            _ = try SqzDecompressor(registry: .standard).decompress(from: FileSource(fd: fd), to: &sink)
        } catch {
            throw FileError("verification of the output failed, input kept: \(error)")
        }
    }
}
