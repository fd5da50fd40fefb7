import ArgumentParser
import Bench

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark (build with -c release for meaningful figures).",
        discussion: """
        Benchmarks, each measured beside a system library in the same run where one applies:
          bitio      bit writer/reader and universal codes, MB/s of coded data
          entropy    huffman and arith speeds against zlib, and their bits/byte on the corpora
          fast       ans (tANS, rANS, adaptive rANS) beside huffman -1 on bible.txt, and their sizes where H0 < 2 bits/byte
          estimate   `squeeze estimate` throughput on 1, 4 and 16 MiB
          lzw        lzw and lzw-arith beside the `compress` tool on bible.txt
          lz77       lz77-elias, lz77-huffman and lz77 beside zlib and xz on bible.txt, CPU-time MB/s
          blocksort  suffix array, BWT and its inverse beside bzip2 -9 on bible, world192, E.coli
          bwt        bwt-huffman and bwt beside bzip2 -9 on bible.txt, where bwt's time goes, and what each part of its model buys and costs
          ppm        ppm on book1: speed, peak memory, and 7-Zip's PPMd where `7zz` is installed
          baselines  zlib/bzip2/xz/zstd sizes and speeds on the corpora
          harness    what the comparison harness adds to the codec times it reports

        The corpora are found the same way by every benchmark: $SQUEEZE_CORPORA, else \
        ./corpora, else the corpora directory of the package this executable was built in. \
        A benchmark that cannot run says why on standard error and exits with status 1.
        """)

    @Argument(help: "Which benchmark to run: bitio, entropy, fast, estimate, lzw, lz77, ppm, blocksort, bwt, baselines or harness.")
    var name: String

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
        case "estimate": print(EstimateBenchmark.run().report)
        case "harness": print(try HarnessBenchmark.run())
        case "lzw": print(try LZWBenchmark.run())
        case "lz77": print(try LZ77Benchmark.run())
        case "ppm": print(try PPMBenchmark.run().report)
        case "blocksort": print(try BlockSortBenchmark.run())
        case "bwt": print(try BWTCodecBenchmark.run())
        default: throw ValidationError("unknown benchmark '\(name)'")
        }
    }
}
