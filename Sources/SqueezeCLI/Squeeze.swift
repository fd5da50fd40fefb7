import ArgumentParser
import SqueezeKit

@main
struct Squeeze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "squeeze",
        abstract: "A data-compression laboratory and archiver.",
        discussion: """
        Compress files with our own coders (Huffman, arithmetic, LZ77, LZW, PPM, BWT) or the
        system zlib/bzip2/xz/zstd, measure how compressible a source is, and compare coders.
        """,
        version: "0.1.0",
        subcommands: [
            Algos.self,
            Bench.self,
            Estimate.self,
        ]
    )
}
