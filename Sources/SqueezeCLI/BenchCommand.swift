import ArgumentParser
import Bench

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark (build with -c release for meaningful figures).",
        discussion: """
        Benchmarks, each measured beside a system library in the same run where one applies:
          bitio      bit writer/reader and universal codes, MB/s of coded data
          entropy    huffman and arith speeds against zlib, and their bits/byte on the corpora
          estimate   `squeeze estimate` throughput on 1, 4 and 16 MiB
          lzw        lzw and lzw-arith beside the `compress` tool on bible.txt (run from the repository)
          baselines  zlib/bzip2/xz/zstd sizes and speeds on the corpora (run from the repository)
          harness    what the comparison harness adds to the codec times it reports
        """)

    @Argument(help: "Which benchmark to run: bitio, entropy, estimate, lzw, baselines or harness.")
    var name: String

    func run() throws {
        switch name {
        case "bitio": print(BitIOBenchmark.run())
        case "baselines": print(try BaselineSizes.run().report)
        case "entropy": print(EntropyBenchmark.run())
        case "estimate": print(EstimateBenchmark.run().report)
        case "harness": print(try HarnessBenchmark.run())
        case "lzw": print(LZWBenchmark.run())
        case "bwt": print(BWTCodecBenchmark.run())
        default: throw ValidationError("unknown benchmark '\(name)'")
        }
    }
}
