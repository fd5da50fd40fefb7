import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import SqueezeKit

struct Compress: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
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

        The level is -N (as in gzip and zstd: -1, -9, -19, -9e) or --level N; -1 or --fast \
        with no -a asks for speed and gets lzfast -1; -l always \
        means list, as in gzip, xz and zstd.

        Examples:
          squeeze compress book1                  # book1 -> book1.sqz, default codec
          squeeze -a zstd -19 *.txt               # a system baseline at level 19
          squeeze -a xz --level 9e big.log        # the same with the long option
          squeeze -a ppm -9 --mem 1G book1        # strongest PPM with a 1 GiB model
          tar cf - dir | squeeze > dir.tar.sqz    # standard input to standard output
          tar -I squeeze -cf dir.tar.sqz dir      # GNU tar runs squeeze and squeeze -d
          squeeze --format gzip -9 access.log     # access.log.gz, as gzip -9 writes it
          squeeze -a lz77 -9 --filter x86 a.out   # x86 call/jump filter before lz77
          squeeze -a auto:3 mixed.tar             # per block: filter and codec chosen (docs/AUTO.md)
        See `squeeze algos` for codecs and levels.
        """)

    @Option(name: [.customShort("a"), .long], help: ArgumentHelp("Codec (see `squeeze algos`), or auto / auto:N (N 1…3, default 2): each block chooses its filter and codec (docs/AUTO.md).", valueName: "algo"))
    var algo: String?

    @Option(name: .customLong("filter"),
            help: ArgumentHelp("Filter before the codec: x86 (call/jump targets made absolute, for x86-64 code), delta:N (byte differences at stride N, 1…255), delta (stride detected per block), none. Writes format version 2.", valueName: "filter"))
    var filter: String?

    @Option(name: .long, help: ArgumentHelp("Level of the codec, as typed in `squeeze algos`; -N (-1 … -22, -9e) is the same. --fast is the codec's fastest level; -1 and --fast without -a mean lzfast -1.", valueName: "level"))
    var level: String?

    @Option(name: [.customShort("B"), .customLong("block-size")],
            help: ArgumentHelp("Raw bytes per block, e.g. 256K, 4M (default: per codec).", valueName: "size"))
    var blockSize: String?

    @Option(name: .customLong("mem"),
            help: ArgumentHelp("Model memory for codecs that have the setting. ppm, ppma, ppmb, ppmc, ppmd: 1M…1G, default 16M–256M by level; when the model fills it, it stops growing and keeps adapting the contexts it has. cm: 16M…4G, default 32M–473M by level and block size; below that, smaller context tables. Decoding needs the same.", valueName: "size"))
    var memory: String?

    @Option(name: [.customShort("T"), .long], help: ArgumentHelp("Blocks coded at once (0: one per core).", valueName: "n"))
    var threads: Int = 0

    @Option(name: .customLong("long"),
            help: ArgumentHelp("Long-range mode, as in zstd: repeats up to WINDOW bytes apart (--long alone: 128 MiB; --long=N: 2^N bytes, N 10…31; or a size up to 2G) become references, and the blocks code the rest. The encoder keeps the window in memory; so does the decoder unless it writes a regular file. Writes format version 2.", valueName: "window"))
    var long: String?

    @Option(name: .customLong("format"),
            help: ArgumentHelp("sqz (the default), or gzip, bzip2, xz, zstd: a plain file of that format (FILE.gz, .bz2, .xz, .zst) through the system library, at that tool's levels.", valueName: "format"))
    var format: String?

    @OptionGroup var options: OutputOptions

    @Argument(help: ArgumentHelp("Files to compress; - is standard input.", valueName: "file"))
    var files: [String] = []

    /// The codec `-1` and `--fast` choose when no codec is named.
    static let fastCodecName = "lzfast"

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

    /// How each file is coded: a `.sqz` frame, or a plain file of another format.
    enum Encoder {
        case sqz(SqzCompressor)
        case foreign(ForeignFormat, level: Int)

        var fileExtension: String {
            switch self {
            case .sqz: SqzFormat.fileExtension
            case .foreign(let f, _): f.fileExtension
            }
        }
    }

    func run() throws {
        if let format, format.lowercased() != "sqz" {
            guard let f = ForeignFormat(name: format) else {
                throw UsageError("unknown --format '\(format)'; formats: sqz, gzip, bzip2, xz, zstd", Self.self)
            }
            for (given, flag) in [(algo != nil, "-a"), (blockSize != nil, "-B"), (memory != nil, "--mem"), (long != nil, "--long"), (filter != nil, "--filter")] where given {
                throw UsageError("\(flag) is for .sqz archives; --format \(f.rawValue) codes the whole file with \(f.rawValue)", Self.self)
            }
            var lv = f.defaultLevel
            if let level {
                guard let parsed = f.parseLevel(level == "fast" ? "1" : level) else {
                    throw UsageError("\(f.rawValue) has no level '\(level)'; its levels: \(f.levelDescription) (give one as -N or --level N)", Self.self)
                }
                lv = parsed
            }
            try forEachFile(try options.expanded(files) { !$0.hasSuffix(f.fileExtension) }) { path in try compressOne(path, .foreign(f, level: lv)) }
            return
        }
        let compressor = try Self.makeCompressor(algo: algo, level: level, blockSize: blockSize, memory: memory,
                                                 threads: threads, quiet: options.quiet, long: long, filter: filter, command: Self.self)
        let inputs = try options.expanded(files) { !$0.hasSuffix(SqzFormat.fileExtension) }
        try forEachFile(inputs) { path in try compressOne(path, .sqz(compressor)) }
    }

    /// The compressor the codec options describe (-a, -N/--level, -B, --mem, -T), shared
    /// by `compress` and `archive create`; a bad value is a usage error of `command`.
    static func makeCompressor(
        algo: String?, level: String?, blockSize: String?, memory: String?, threads: Int, quiet: Bool,
        long: String? = nil, filter: String? = nil, command: ParsableCommand.Type
    ) throws -> SqzCompressor {
        let registry = CodecRegistry.standard
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let threadCount = threads == 0 ? Swift.max(1, cores) : threads
        let longRange = try long.map { LongRangeSettings(window: try longWindow($0, command: command)) }
        var filterSetting: FilterSetting? = nil
        if let filter {
            guard let f = FilterSetting(parsing: filter) else {
                throw UsageError("unknown --filter '\(filter)'; filters: x86, delta, delta:N (N 1…255), none", command)
            }
            filterSetting = f
        }
        if let algo, algo == AutoSelector.name || algo.hasPrefix(AutoSelector.name + ":") {
            // auto, auto:N, or auto with -N / --level N.
            let given = algo.split(separator: ":", maxSplits: 1).dropFirst().first.map(String.init) ?? level
            guard let n = given.map({ Int($0) }) ?? AutoSelector.defaultLevel, AutoSelector.levels.contains(n) else {
                throw UsageError("auto has no level '\(given ?? "")'; its levels: \(AutoSelector.levels.lowerBound)-\(AutoSelector.levels.upperBound) (auto:N or -N)", command)
            }
            if filterSetting != nil { throw UsageError("--filter and -a auto: auto chooses each block's filter itself", command) }
            if memory != nil { throw UsageError("--mem is for one codec; auto chooses codecs at their default model memory", command) }
            var bs: Int? = nil
            if let blockSize {
                guard let v = Format.parseSize(blockSize), v >= SqzFormat.minBlockSize, v <= SqzFormat.maxBlockSize else {
                    throw UsageError("block size '\(blockSize)' must be between 1K and \(SqzFormat.maxBlockSize >> 20)M", command)
                }
                bs = v
            }
            do {
                return try SqzCompressor(autoLevel: n, blockSize: bs, threads: threadCount, longRange: longRange)
            } catch {
                throw UsageError("\(error)", command)
            }
        }
        var descriptor: CodecDescriptor
        var level = level
        // Asking for speed without naming a codec (-1, --fast, as a gzip user
        // would) gets the fast codec's fastest level, not the default codec's.
        if algo == nil, level == "1" || level == "fast", let fast = registry.named(fastCodecName) {
            descriptor = fast
            level = fast.levels.first.map { fast.label(forLevel: $0) }
        } else if let algo {
            guard let d = registry.named(algo) else {
                throw UsageError("unknown codec '\(algo)' for -a; known: \(registry.names.joined(separator: ", ")) (see `squeeze algos`)", command)
            }
            descriptor = d
        } else {
            guard let d = defaultCodec(registry) else { throw ValidationError("no codec available") }
            descriptor = d
        }
        var lv = descriptor.defaultLevel
        if level == "fast" { level = descriptor.levels.first.map { descriptor.label(forLevel: $0) } }
        if let level {
            guard let parsed = descriptor.level(parsing: level) else {
                throw UsageError("\(descriptor.name) has no level '\(level)'; its levels: \(descriptor.levelsDescription) (give one as -N or --level N)", command)
            }
            lv = parsed
        }
        if let memory {
            guard let bytes = Format.parseSize(memory), bytes > 0 else { throw UsageError("--mem '\(memory)' is not a size such as 64M or 1G", command) }
            guard let range = descriptor.memoryRange, let bounded = descriptor.bounded(memory: bytes) else {
                let with = registry.descriptors.filter { $0.memoryRange != nil }.map(\.name).joined(separator: ", ")
                throw UsageError("\(descriptor.name) has no memory setting; --mem is for \(with)", command)
            }
            guard range.contains(bytes) else {
                throw UsageError("--mem \(memory) is outside \(descriptor.name)'s range \(Format.bytes(Int64(range.lowerBound)))…\(Format.bytes(Int64(range.upperBound)))", command)
            }
            descriptor = bounded
        }
        var bs: Int? = nil
        if let blockSize {
            guard let n = Format.parseSize(blockSize), n >= SqzFormat.minBlockSize, n <= SqzFormat.maxBlockSize else {
                throw UsageError("block size '\(blockSize)' must be between 1K and \(SqzFormat.maxBlockSize >> 20)M", command)
            }
            bs = n
        }
        // A frame the default decoder limit would refuse is allowed (zstd
        // does the same with --long=31), but the user hears it now.
        // (A --mem bound adds to it only where blocks declare their model, as ppm's do.)
        let decodeNeed = descriptor.decodeMemory(lv, bs ?? descriptor.blockSize(lv))
            + (descriptor.payloadMemory != nil ? memory.flatMap(Format.parseSize) ?? 0 : 0)
        if decodeNeed > CodecRegistry.standard.largestDecodeMemory && !quiet {
            Terminal.warn("note: decoding these archives will need \(SqzFormat.sizeText(decodeNeed)) of memory, "
                + "more than the default limit; decompress them with --memory=\(SqzFormat.sizeArgument(decodeNeed))")
        }
        let compressor: SqzCompressor
        do {
            compressor = try SqzCompressor(descriptor: descriptor, level: lv, blockSize: bs, threads: threadCount,
                                           longRange: longRange, filter: filterSetting)
        } catch {
            throw UsageError("\(error)", command)
        }
        return compressor
    }

    /// The window `--long` names: `default` (what a bare --long becomes) is 2^27 as in
    /// zstd, a number 10…31 is a log as in zstd's --long=N, anything else a size.
    static func longWindow(_ text: String, command: ParsableCommand.Type) throws -> Int64 {
        if text == ArgumentRewriter.longDefault { return LongRangeSettings.defaultWindow }
        if let log = Int(text), (10...31).contains(log) { return Int64(1) << Int64(log) }
        guard let n = Format.parseSize(text), n >= 1 << 10, Int64(n) <= LongRangeSettings.maxWindow else {
            throw UsageError("--long=\(text): give a window log 10…31 (as zstd's --long=27) or a size from 1K to 2G", command)
        }
        return Int64(n)
    }

    private func compressOne(_ path: String, _ encoder: Encoder) throws {
        let input = try InputFile.open(path, strict: true, force: options.force)
        defer { input.close() }
        let suffix = encoder.fileExtension
        if !input.isStdin && path.hasSuffix(suffix) && !options.force && options.output == nil && !options.writesToStdout {
            throw FileError("already has the \(suffix) suffix -- unchanged (use -f to compress anyway)")
        }
        var source = FileSource(fd: input.fd)
        var progress = ProgressLine(name: input.displayName, total: input.size, quiet: options.quiet)
        defer { progress.finish() }
        let toStdout = options.writesToStdout || (input.isStdin && options.output == nil)
        if toStdout && Terminal.stdoutIsTTY && !options.force {
            throw FileError("refusing to write compressed data to a terminal (redirect it, or use -f; for help, type: squeeze --help)")
        }
        let outName = toStdout ? "(stdout)" : options.outputFile ?? path + suffix
        let (raw, coded, what) = try options.writeOutput(
            input: input, toStdout: toStdout, outName: outName,
            check: { temporary in if options.remove { try verify(temporary) } },
            produce: { sink -> (Int64, Int64, String) in
                switch encoder {
                case .sqz(let compressor):
                    let s = try compressor.compress(from: &source, to: &sink) { progress.update($0) }
                    if options.verbose {
                        // Auto mode: what each block chose and why (docs/AUTO.md).
                        for b in s.blockList {
                            Terminal.errorLine("  block \(b.index): \(b.stored ? "stored" : "\(b.codec) -\(b.level)")"
                                + "\(b.filter == .none ? "" : " + \(b.filter)") (\(b.reason))")
                        }
                    }
                    return (s.rawBytes, s.frameBytes, "\(s.method), \(English.count(s.blocks, "block"))")
                case .foreign(let f, let level):
                    let s = try f.compress(level: level, from: source, to: &sink, pledgedSize: input.size) {
                        progress.update($0.uncompressedBytes)
                    }
                    return (s.uncompressedBytes ?? 0, s.compressedBytes, "\(f.rawValue) -\(f.label(forLevel: level))")
                }
            })
        if options.verbose {
            let pct = raw == 0 ? 0 : 100 * Double(coded) / Double(raw)
            let bpb = raw == 0 ? 0 : 8 * Double(coded) / Double(raw)
            Terminal.errorLine("\(input.displayName): \(Format.fixed(pct, 2))% (\(raw) => \(coded) bytes, "
                + "\(Format.fixed(bpb, 3)) bits/byte, \(what)) -> \(outName)")
        }
    }

    /// Decodes a just-written archive before the input is removed.
    private func verify(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileError("cannot reopen output to verify: \(systemErrorMessage())") }
        defer { close(fd) }
        var sink = DiscardingSink()
        do {
            _ = try decodeAnyArchive(fd: fd, to: &sink, decode: true, memoryLimit: Int.max)
        } catch {
            throw FileError("verification of the output failed, input kept: \(error)")
        }
    }
}
