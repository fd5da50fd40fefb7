import ArgumentParser
import Bench

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark (build with -c release for meaningful figures).")

    @Argument(help: "Which benchmark to run.")
    var name: String

    func run() throws {
        switch name {
        case "bitio": print(BitIOBenchmark.run())
        case "baselines": print(try BaselineSizes.run().report)
        case "entropy": print(EntropyBenchmark.run())
        case "estimate": print(EstimateBenchmark.run().report)
        default: throw ValidationError("unknown benchmark '\(name)'")
        }
    }
}
