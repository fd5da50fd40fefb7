import ArgumentParser
import Foundation
import SqueezeKit

struct Estimate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "How compressible is this source? Entropy estimates, and how close real coders get.",
        discussion: """
        For each file: empirical conditional entropies H0…Hk, the code length of adaptive order-k
        coders (Krichevsky–Trofimov and Laplace estimators, learning cost included), a PPM blend of
        orders, an LZ78 parse, and a static Huffman code with its table. The headline is the smallest
        achievable code length among them. With --compare, our codecs and the system libraries run at
        their strongest levels beside the estimates. Fields of --json/--csv: docs/ESTIMATE.md.
        """)

    @Argument(help: "Files to measure.")
    var files: [String]

    @Option(help: "Highest context order k for Hk and the adaptive order-k coders (0…\(ContextStatistics.maximumOrder)).")
    var order: Int = 6

    @Option(help: "Highest order of the PPM blend (0…\(PPMEstimator.maximumOrder)).")
    var ppmOrder: Int = 5

    @Option(help: "Also compute context-tree weighting to this depth in bytes (1…\(CTWEstimator.maximumDepth); slow: about 0.3 MB/s at depth 4).")
    var ctwDepth: Int = 0

    @Flag(help: "Run every registered codec at its strongest level and show its real bits/byte.")
    var compare = false

    @Flag(help: "Machine-readable JSON with every figure.")
    var json = false

    @Flag(help: "CSV, one row per file plus a total row, with every figure.")
    var csv = false

    @Flag(help: "A Markdown report (tables and notes), as committed under reports/.")
    var markdown = false

    @Option(help: "Also write an SVG plot of bits/byte against order k to this file.")
    var plot: String?

    @Option(help: "Embed this path to the SVG in the Markdown report (default: the --plot path).")
    var plotLink: String?

    func validate() throws {
        guard (0...ContextStatistics.maximumOrder).contains(order) else {
            throw ValidationError("--order must be in 0…\(ContextStatistics.maximumOrder)")
        }
        guard (0...PPMEstimator.maximumOrder).contains(ppmOrder) else {
            throw ValidationError("--ppm-order must be in 0…\(PPMEstimator.maximumOrder)")
        }
        guard (0...CTWEstimator.maximumDepth).contains(ctwDepth) else {
            throw ValidationError("--ctw-depth must be in 0…\(CTWEstimator.maximumDepth)")
        }
        guard [json, csv, markdown].filter({ $0 }).count <= 1 else {
            throw ValidationError("choose at most one of --json, --csv, --markdown")
        }
    }

    func run() throws {
        var options = EntropyReport.Options()
        options.maxOrder = order
        options.ppmOrder = ppmOrder
        options.ctwDepth = ctwDepth
        var results: [EstimateResult] = []
        for path in files {
            let bytes = try readWholeFile(path)
            guard bytes.count <= ContextStatistics.maximumInputSize else {
                throw EstimateError("\(path): \(bytes.count) bytes is above the estimator's limit of "
                                    + "\(ContextStatistics.maximumInputSize) bytes")
            }
            let report = bytes.withUnsafeBytes {
                EntropyReport.analyze($0, name: path, options: options, clock: monotonicSeconds)
            }
            let runs = compare ? CodecComparison.run(bytes, best: report.best) : nil
            results.append(EstimateResult(report: report, codecs: runs))
        }
        let output: String
        if json {
            output = try EstimateOutput.json(results, order: order, ppmOrder: ppmOrder)
        } else if csv {
            output = EstimateOutput.csv(results, order: order)
        } else if markdown {
            output = EstimateOutput.markdown(results, order: order, plotPath: plotLink ?? plot,
                                             commandLine: CommandLine.arguments)
        } else {
            output = results.count == 1 ? EstimateOutput.detail(results[0]) : EstimateOutput.summary(results)
        }
        print(output)
        if let plot {
            let svg = EstimatePlot.svg(results)
            do {
                try svg.write(toFile: plot, atomically: true, encoding: .utf8)
            } catch {
                throw EstimateError("\(plot): cannot write the plot: \(error.localizedDescription)")
            }
        }
    }
}

/// One file's estimates and, with --compare, the codecs' real sizes.
struct EstimateResult {
    let report: EntropyReport
    let codecs: [CodecRun]?
}

struct EstimateError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Reads a whole file; the error names the file and the reason.
func readWholeFile(_ path: String) throws -> [UInt8] {
    guard let f = fopen(path, "rb") else {
        throw EstimateError("\(path): cannot open: \(String(cString: strerror(errno)))")
    }
    defer { fclose(f) }
    var out: [UInt8] = []
    var st = stat()
    if fstat(fileno(f), &st) == 0, st.st_size > 0 { out.reserveCapacity(Int(st.st_size)) }
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let n = fread(&chunk, 1, chunk.count, f)
        if n > 0 { out.append(contentsOf: chunk[0..<n]) }
        if n < chunk.count {
            if ferror(f) != 0 { throw EstimateError("\(path): cannot read: \(String(cString: strerror(errno)))") }
            break
        }
    }
    return out
}

/// A codec's real result on one file.
struct CodecRun: Encodable {
    let codec: String
    let level: String
    let origin: String
    let compressedBytes: Int
    let bitsPerByte: Double
    /// bitsPerByte − best estimate's bits/byte (negative: the codec beat the estimate).
    let gapToBestEstimate: Double
    let seconds: Double
    /// Whether decoding gave the input back.
    let verified: Bool
    let error: String?
}

/// Runs every codec of `CodecRegistry.standard` (ours and the system
/// baselines) at its strongest level, block by block as the container would.
enum CodecComparison {
    static func run(_ bytes: [UInt8], best: CodeLengthEstimate) -> [CodecRun] {
        CodecRegistry.standard.descriptors.filter { $0.name != "store" }.map { d in
            let level = d.strongestLevel
            let codec = d.make(level)
            let block = Swift.max(1, d.blockSize(level))
            let start = monotonicSeconds()
            var total = 0
            var verified = true
            var failure: String?
            bytes.withUnsafeBytes { raw in
                var offset = 0
                repeat {
                    let count = Swift.min(block, raw.count - offset)
                    let slice = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)])
                    var coded = ByteBuffer()
                    var decoded = ByteBuffer()
                    do {
                        try codec.encode(slice, into: &coded)
                        total += coded.count
                        try coded.withUnsafeBytes { c in try codec.decode(c, originalCount: count, into: &decoded) }
                        if decoded.bytes != Array(slice) { verified = false }
                    } catch {
                        failure = "\(error)"
                        verified = false
                    }
                    offset += count
                } while offset < raw.count && failure == nil
            }
            let bpb = bytes.isEmpty ? 0 : Double(total) * 8 / Double(bytes.count)
            return CodecRun(codec: d.name, level: d.label(forLevel: level), origin: d.origin.rawValue,
                            compressedBytes: total, bitsPerByte: bpb, gapToBestEstimate: bpb - best.bitsPerByte,
                            seconds: monotonicSeconds() - start, verified: verified, error: failure)
        }
    }
}
