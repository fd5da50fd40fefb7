import ArgumentParser
import Bench

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a benchmark (build with -c release for meaningful figures).",
        discussion: """
        Benchmarks, each measured beside a system library in the same run where one applies:
          bitio      bit writer/reader and universal codes, MB/s of coded data
          entropy    huffman and arith speeds against zlib, and their bits/byte on the corpora
          cm         cm -1/-5/-9 beside ppm -9 and xz -9 on book1 and bible.txt, and Calgary-14 file by file at cm -5 and -9
          fast       ans (tANS, rANS, adaptive rANS) beside huffman -1 on bible.txt, and their sizes where H0 < 2 bits/byte; then fast-lz
          fast-lz    lzfast -1...-9 beside zstd -1 and -3 on bible.txt, and totals on the Canterbury, Calgary and large sets
          fast-lz-files  lzfast -1 and -3 beside zstd -1 and -3, bytes per corpus file (no timing)
          estimate   `squeeze estimate` throughput on 1, 4 and 16 MiB
          lzw        lzw and lzw-arith beside the `compress` tool on bible.txt
          lz77       lz77-elias, lz77-huffman and lz77 beside zlib and xz on bible.txt, CPU-time MB/s
          lz77-class lz77-huffman -9 beside libdeflate -12 and -6 beside zlib -6 on the Calgary-14 files: bytes, MB/s, speed ratios
          leaders    issue 22's size targets: ppm -9 on Calgary-14 against ppmd J's published total and 7-Zip PPMd o16, \
        the strongest bwt level's Calgary-14 per-file average against bsc-m03's and bzip2 -9, and lz77 -9 against \
        xz -9e and brotli -11 on the Canterbury, Calgary-14 and large totals with its decode speed against xz's
          blocksort  suffix array, BWT and its inverse beside bzip2 -9 on bible, world192, E.coli
          bwt        bwt-huffman and bwt beside bzip2 -9 on bible.txt, where bwt's time goes, and what each part of its model buys and costs
          ppm        ppm -5 beside 7-Zip PPMd o6 (one thread) on book1 and bible.txt: MB/s and the speed ratio from one run; the variants on book1
          ppm-memory ppm -9 on 16 MiB of text repeating every 4 MiB (fills its 256 MiB pool): restart vs frozen pool vs --mem 1G, beside 7-Zip PPMd o16 256m
          baselines  zlib/bzip2/xz/zstd sizes and speeds on the corpora
          harness    what the comparison harness adds to the codec times it reports
          long       the long-range stage alone: MB/s and size cost on random and Canterbury data, and 16 copies of bible.txt through lz77/bwt/ppm/cm -9 beside xz -9e and zstd --long=27
          long-stage the first table of `long` alone (the stage's MB/s and cost, in seconds)
          long-large  a generated input (--large, default 4G) with repeats 64 MiB apart: squeeze -c --long, -d to a file and -dc, wall time and peak RSS against the documented bounds (-T threads)
          long-versions the last table of `long` alone: a tar of two versions of this repository with and without --long, beside zstd -19 --long=31
          archive    `squeeze archive` on the Canterbury+Calgary tree for lz77, bwt and ppm: size against \
        tar | squeeze -c, one-member extraction against a full decode (in-process work and process wall \
        time); with --large SIZE also create/extract of a generated tree of SIZE by this executable, \
        with wall time and peak RSS beside the bound 4 × block × threads + 64 MiB

        The corpora are found the same way by every benchmark: $SQUEEZE_CORPORA, else \
        ./corpora, else the corpora directory of the package this executable was built in. \
        A benchmark that cannot run says why on standard error and exits with status 1.
        """)

    @Argument(help: "Which benchmark to run: bitio, entropy, estimate, lzw, lz77, lz77-class, leaders, ppm, ppm-memory, blocksort, bwt, baselines, harness, fast, fast-lz, cm, long, long-stage, long-versions, long-large or archive.")
    var name: String

    @Option(name: .customLong("large"), help: ArgumentHelp("archive: also generate a tree of this size (e.g. 1G) and measure create and extract on it.", valueName: "size"))
    var large: String?
    @Option(name: [.customShort("T"), .long], help: ArgumentHelp("archive --large: threads of the child runs.", valueName: "n"))
    var threads: Int = 2
    @Option(name: [.customShort("B"), .customLong("block-size")], help: ArgumentHelp("archive: block size on the corpora tree.", valueName: "size"))
    var blockSize: String = "256K"

    func validate() throws {
        if name == "long-large" && blockSize != "256K" {
            throw ValidationError("--block-size applies to `bench archive` only")
        }
        if name != "archive" && name != "long-large" && (large != nil || threads != 2 || blockSize != "256K") {
            throw ValidationError("--large, --threads and --block-size apply to `bench archive` (and the first two to `bench long-large`) only")
        }
        if threads < 1 { throw ValidationError("--threads must be 1 or more") }
    }

    func run() throws {
        do { try runBenchmark() } catch let error as BenchError {
            throw FileError("bench \(name): \(error.description)")
        }
    }

    func runBenchmark() throws {
        switch name {
        case "bitio": print(BitIOBenchmark.run())
        case "baselines": print(try BaselineSizes.run().report)
        case "entropy": print(try EntropyBenchmark.run())
        case "fast": print(try FastBenchmark.run())
        case "cm": print(try CMBenchmark.run())
        case "fast-lz": print(try FastBenchmark.runLZ())
        case "fast-lz-files": print(try FastBenchmark.lzFileSizes())
        case "estimate": print(EstimateBenchmark.run().report)
        case "harness": print(try HarnessBenchmark.run())
        case "lzw": print(try LZWBenchmark.run())
        case "lz77": print(try LZ77Benchmark.run())
        case "lz77-class": print(try LZ77ClassBenchmark.run())
        case "leaders": print(try LeadersBenchmark.run())
        case "ppm": print(try PPMBenchmark.run().report)
        case "ppm-memory": print(try PPMMemoryBenchmark.run().report)
        case "blocksort": print(try BlockSortBenchmark.run())
        case "bwt": print(try BWTCodecBenchmark.run())
        case "long": print(try LongRangeBenchmark.run())
        case "long-stage": print(try LongRangeBenchmark.run(stageOnly: true))
        case "long-versions": print(try LongRangeBenchmark.runVersions())
        case "long-large":
            guard let n = Format.parseSize(large ?? "4G"), n >= 64 << 20 else { throw ValidationError("--large '\(large ?? "")' is not a size of at least 64M") }
            print(try LongRangeBenchmark.runLarge(size: Int64(n), threads: threads))
        case "archive":
            var options = ArchiveBenchmark.Options()
            guard let bs = Format.parseSize(blockSize) else { throw ValidationError("--block-size '\(blockSize)' is not a size such as 256K") }
            options.blockSize = bs
            if let large {
                guard let n = Format.parseSize(large) else { throw ValidationError("--large '\(large)' is not a size such as 1G") }
                options.large = Int64(n)
            }
            options.threads = threads
            print(try ArchiveBenchmark.run(options))
        default: throw ValidationError("unknown benchmark '\(name)'")
        }
    }
}
