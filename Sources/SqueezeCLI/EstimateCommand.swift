import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SqueezeKit

/// Output formats of `estimate`, named as `compare --format` names them.
enum EstimateFormat: String, ExpressibleByArgument, CaseIterable {
    case text, markdown, csv, json
}

struct Estimate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "How compressible is this source? Entropy estimates, and how close real coders get.",
        discussion: """
        For each file: empirical conditional entropies H0…Hk, the code length of adaptive order-k \
        coders (Krichevsky–Trofimov and Laplace estimators, learning cost included), a PPM blend of \
        orders, an LZ78 parse, and a static Huffman code with its table. The headline is the smallest \
        achievable code length among them. With --compare, our codecs and the system libraries run at \
        their strongest levels beside the estimates. - reads standard input.

        Memory: an input whose exact analysis needs more than --memory (about 18 bytes per input \
        byte) is read in pieces instead: high orders are counted in bounded hashed tables, PPM and \
        LZ78 get smaller models, CTW and the arith-model figures are skipped, and every output marks \
        the approximate figures with the interval that holds the exact value (docs/ESTIMATE.md). \
        Progress is shown on a terminal for inputs over 16 MiB and standard input, unless -q.

        Fields of each --format: docs/ESTIMATE.md. Exit status: 0 success, 1 a file error, 2 a usage error.
        """)

    @Argument(help: "Files to measure (- for standard input).")
    var files: [String] = []

    @Option(help: "Highest context order k for Hk and the adaptive order-k coders (0…\(ContextStatistics.maximumOrder)).")
    var order: Int = 6

    @Option(help: "Highest order of the PPM blend (0…\(PPMEstimator.maximumOrder)).")
    var ppmOrder: Int = 5

    @Option(help: "Also compute context-tree weighting to this depth in bytes (1…\(CTWEstimator.maximumDepth); slow: about 0.3 MB/s at depth 4).")
    var ctwDepth: Int = 0

    @Flag(help: "Run every registered codec at its strongest level and show its real bits/byte.")
    var compare = false

    @Option(help: ArgumentHelp("Output format: text (default), markdown, csv or json.", valueName: "format"))
    var format: EstimateFormat?

    @Flag(help: "Same as --format json.")
    var json = false

    @Flag(help: "Same as --format csv.")
    var csv = false

    @Flag(help: "Same as --format markdown.")
    var markdown = false

    @Option(name: .customLong("memory"), help: ArgumentHelp(
        "Memory limit, such as 512M or 2G (\(Self.memoryRangeText); default 2G). Larger inputs get bounded, marked approximations.",
        valueName: "limit"))
    var memory: String = "2G"

    @Flag(name: .shortAndLong, help: "No progress on standard error.")
    var quiet = false

    @Option(help: "Also write an SVG plot of bits/byte against order k to this file.")
    var plot: String?

    @Option(help: ArgumentHelp("Instead of measuring files: run every estimator on the synthetic sources of "
                               + "`squeeze generate` at n = 2^10…2^20, write the convergence plot to this SVG and print the figures "
                               + "(scripts/make-convergence-plot.sh).", valueName: "svg"))
    var convergence: String?

    @Option(help: "Embed this path to the SVG in the Markdown report (default: the --plot path).")
    var plotLink: String?

    @Option(help: ArgumentHelp("Markdown only: name the script that generated the report (scripts/make-estimate-report.sh passes its own name).",
                               visibility: .hidden))
    var generatedBy: String?

    static let memoryRangeText = Format.rangeText(EstimateMemoryPlan.minimumLimit...EstimateMemoryPlan.maximumLimit)

    /// The chosen format: --format or one of the old flags (which must agree).
    func chosenFormat() throws -> EstimateFormat {
        var chosen: [EstimateFormat] = format.map { [$0] } ?? []
        if json { chosen.append(.json) }
        if csv { chosen.append(.csv) }
        if markdown { chosen.append(.markdown) }
        guard Set(chosen).count <= 1 else {
            throw ValidationError("choose one output format: --format \(chosen.map(\.rawValue).joined(separator: " and --format "))")
        }
        return chosen.first ?? .text
    }

    func memoryLimit() throws -> Int {
        try Format.memoryLimit(memory, within: EstimateMemoryPlan.minimumLimit...EstimateMemoryPlan.maximumLimit)
    }

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
        _ = try chosenFormat()
        _ = try memoryLimit()
        if convergence != nil && !files.isEmpty { throw ValidationError("--convergence measures synthetic sources: give no files") }
        if convergence == nil && files.isEmpty { throw ValidationError("give files to measure (- for standard input)") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("- (standard input) can be read only once") }
        if generatedBy != nil && (try? chosenFormat()) != .markdown {
            throw ValidationError("--generated-by applies to --format markdown only")
        }
    }

    func run() throws {
        if let convergence {
            var progress = ProgressLine(name: "convergence", total: nil, quiet: quiet)
            let rows = ConvergencePlot.compute { progress.show($0) }
            progress.finish()
            try ReportFile.write(ConvergencePlot.svg(rows), to: convergence, overwrite: true)
            print(ConvergencePlot.markdown(rows))
            return
        }
        let format = try chosenFormat()
        var options = EntropyReport.Options()
        options.maxOrder = order
        options.ppmOrder = ppmOrder
        options.ctwDepth = ctwDepth
        let plan = EstimateMemoryPlan(limit: try memoryLimit(), options: options)
        var results: [EstimateResult] = []
        for path in files {
            results.append(try analyze(path, plan: plan))
        }
        let output: String
        switch format {
        case .json:
            output = try EstimateOutput.json(results, order: order, ppmOrder: ppmOrder,
                                             memoryLimit: plan.limit, peakResident: peakResidentBytes())
        case .csv:
            output = EstimateOutput.csv(results, order: order)
        case .markdown:
            output = EstimateOutput.markdown(results, order: order, plotPath: plotLink ?? plot,
                                             commandLine: CommandLine.arguments, generatedBy: generatedBy)
        case .text:
            output = results.count == 1 ? EstimateOutput.detail(results[0]) : EstimateOutput.summary(results)
        }
        print(output)
        if let plot {
            let svg = EstimatePlot.svg(results)
            try ReportFile.write(svg, to: plot, overwrite: true)
        }
    }

    /// Reads one input and analyses it: exactly when it fits the memory plan,
    /// else as a stream in bounded memory. File errors name the file.
    func analyze(_ path: String, plan: EstimateMemoryPlan) throws -> EstimateResult {
        let input: InputFile
        do {
            input = try InputFile.open(path)
        } catch {
            throw FileError("\(path == "-" ? "(stdin)" : path): \(error)")
        }
        defer { input.close() }
        let name = input.displayName
        let isRegular = input.info.map { ($0.st_mode & S_IFMT) == S_IFREG } ?? false
        let size = isRegular ? input.size : nil
        var progress = ProgressLine(name: name, total: size, quiet: quiet)
        defer { progress.finish() }
        let reader = ChunkReader(fd: input.fd, name: name)

        // Buffer up to what an exact analysis can hold; a regular file too large for it streams at once.
        let exactCapacity = plan.largestExactInput
        var bytes: [UInt8] = []
        var complete = false
        if size.map({ plan.exactOptions(count: Int($0)) != nil }) ?? true {
            // Reserved, not touched: only the pages read become resident, and the buffer never moves.
            bytes.reserveCapacity(size.map { Int($0) } ?? exactCapacity + 1)
            complete = try reader.read(into: &bytes, upTo: exactCapacity + 1) { progress.update(Int64($0)) }
        }
        if complete, let exact = plan.exactOptions(count: bytes.count) {
            let report = bytes.withUnsafeBytes {
                EntropyReport.analyze($0, name: name, options: exact, clock: monotonicSeconds) { phase in
                    progress.show(phase)
                }
            }
            var notes: [String] = []
            let runs = compare ? CodecComparison.run(bytes, best: report.best) { progress.show("compare \($0)") } : nil
            let bounds = StrongestCodecBound.runs(reusing: runs, count: bytes.count, held: bytes.count, limit: plan.limit) { names in
                CodecComparison.run(bytes, best: report.best, names: names) { progress.show("bound \($0)") }
            }
            let rates = RateEstimates.compute(bytes, memoryLimit: plan.limit) { progress.show($0) }
            notes += StrongestCodecBound.tooLarge(count: bytes.count, held: bytes.count, limit: plan.limit)
            // Exact, but with less model memory than without a limit: say which figures that changes.
            let full = plan.options
            if exact.arithModels != full.arithModels {
                notes.append("arith-model figures not computed: their tables do not fit in --memory \(memory) beside the input.")
            }
            if report.ppm.memoryLimited && exact.ppmMemoryBudget < full.ppmMemoryBudget {
                notes.append("PPM stopped adding contexts at \(Format.bytes(Int64(exact.ppmMemoryBudget))) (--memory \(memory)): "
                             + "the exact code length of that smaller model.")
            }
            if report.lz78.dictionaryResets > 0 && exact.lz78MaxPhrases < full.lz78MaxPhrases {
                notes.append("LZ78 dictionary limited to \(exact.lz78MaxPhrases) phrases by --memory \(memory).")
            }
            return EstimateResult(report: report, codecs: runs, notes: notes, bounds: bounds, rates: rates)
        }
        if compare && !isRegular {
            throw FileError("\(name): --compare reads the input again for each codec, which standard input past "
                            + "--memory \(memory) cannot do; raise --memory, or give a file")
        }
        var analysis = StreamingEntropyAnalysis(plan: plan)
        var done = 0
        for start in stride(from: 0, to: bytes.count, by: EstimateMemoryPlan.chunkSize) {
            let end = Swift.min(bytes.count, start + EstimateMemoryPlan.chunkSize)
            bytes.withUnsafeBytes { analysis.consume(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
            done = end
            progress.update(Int64(done))
        }
        bytes = []
        var chunk = [UInt8](repeating: 0, count: EstimateMemoryPlan.chunkSize)
        while true {
            let got = try reader.read(into: &chunk)
            if got == 0 { break }
            chunk.withUnsafeBytes { analysis.consume(UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
            done += got
            progress.update(Int64(done))
        }
        progress.show("finishing")
        let report = analysis.finish(name: name)
        // Past the limit the file is read again for each codec, one codec block at a time.
        let runs = compare ? try CodecComparison.run(fd: input.fd, name: name, count: done, best: report.best) {
            progress.show("compare \($0)")
        } : nil
        // The codec bound reads the file again too; standard input past the limit cannot be.
        let bounds = isRegular ? try StrongestCodecBound.runs(reusing: runs, count: done, held: EstimateMemoryPlan.chunkSize,
                                                              limit: plan.limit) { names throws(FileError) in
            try CodecComparison.run(fd: input.fd, name: name, count: done, best: report.best, names: names) {
                progress.show("bound \($0)")
            }
        } : []
        var notes = StrongestCodecBound.tooLarge(count: done, held: EstimateMemoryPlan.chunkSize, limit: plan.limit)
        if !isRegular {
            notes.append("\(StrongestCodecBound.names.joined(separator: ", ")) at the strongest level not run: standard input "
                         + "past --memory \(memory) cannot be read again (give a file).")
        }
        let rates = RateEstimates(matchLength: nil, blockEntropy: nil,
                                  skipped: "entropy-rate estimators not computed: they need the whole input in memory "
                                  + "(about 17 bytes per input byte, more than --memory \(memory))")
        return EstimateResult(report: report, codecs: runs, notes: notes, bounds: bounds, rates: rates)
    }
}

/// Reads a file descriptor in pieces; errors name the file.
struct ChunkReader {
    let fd: Int32
    let name: String

    /// Fills `buffer` (its whole count) as far as the input goes; returns the bytes read (0 at the end).
    func read(into buffer: inout [UInt8]) throws -> Int {
        var got = 0
        while got < buffer.count {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + got, $0.count - got) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError("\(name): cannot read: \(systemErrorMessage())")
            }
            if n == 0 { break }
            got += n
        }
        return got
    }

    /// Appends to `bytes` until the end of the input (true) or until it holds `limit` bytes (false).
    func read(into bytes: inout [UInt8], upTo limit: Int, progress: (Int) -> Void) throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: EstimateMemoryPlan.chunkSize)
        while bytes.count < limit {
            chunk.removeAll(keepingCapacity: true)
            chunk.append(contentsOf: repeatElement(0, count: Swift.min(EstimateMemoryPlan.chunkSize, limit - bytes.count)))
            let got = try read(into: &chunk)
            if got == 0 { return true }
            bytes.append(contentsOf: chunk[0..<got])
            progress(bytes.count)
        }
        return false
    }
}

/// This process's peak resident memory (VmHWM in /proc/self/status), nil where unavailable.
func peakResidentBytes() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(String(line.filter(\.isNumber))).map { $0 * 1024 }
    }
    return nil
}

/// Which of `StrongestCodecBound.names` fit in `--memory`, and running them.
extension StrongestCodecBound {
    /// Whether a codec's block of `count` bytes (its model and buffers, by the registry's
    /// stated decode need, which the encoder matches) fits in `limit` beside `held` bytes.
    static func fits(_ d: CodecDescriptor, count: Int, held: Int, limit: Int) -> Bool {
        let block = Swift.max(1, Swift.min(d.blockSize(d.strongestLevel), count))
        return held + d.decodeMemory(d.strongestLevel, block) + EstimateMemoryPlan.runtimeReserve <= limit
    }

    /// The codecs of `names` that would not fit in `limit`, as notes.
    static func tooLarge(count: Int, held: Int, limit: Int) -> [String] {
        names.compactMap { CodecRegistry.standard.named($0) }.filter { !fits($0, count: count, held: held, limit: limit) }.map { d in
            "\(d.name) \(d.label(forLevel: d.strongestLevel)) not run as an achievable bound: its model and block "
                + "need more than --memory \(Format.bytes(Int64(limit))) beside the input."
        }
    }

    /// The runs of `names` that `--compare` already made, the others run now (those that fit in `limit`).
    static func runs<E: Error>(reusing compared: [CodecRun]?, count: Int, held: Int, limit: Int,
                               run: ([String]) throws(E) -> [CodecRun]) throws(E) -> [CodecRun] {
        let registered: [CodecDescriptor] = names.compactMap { CodecRegistry.standard.named($0) }
            .filter { fits($0, count: count, held: held, limit: limit) }
        var reused: [CodecRun] = []
        for d in registered {
            let level = d.label(forLevel: d.strongestLevel)
            if let r = compared?.first(where: { $0.codec == d.name && $0.level == level }) { reused.append(r) }
        }
        let missing = registered.map(\.name).filter { n in !reused.contains { $0.codec == n } }
        let fresh = missing.isEmpty ? [] : try run(missing)
        let all = reused + fresh
        return names.compactMap { n in all.first { $0.codec == n } }
    }
}

extension RateEstimates {
    static func compute(_ bytes: [UInt8], memoryLimit: Int, progress: (String) -> Void) -> RateEstimates {
        let n = bytes.count
        guard n >= 2 else { return RateEstimates(matchLength: nil, blockEntropy: nil, skipped: "input too short for entropy-rate estimates") }
        guard n <= MatchLengthEntropyRate.maximumCount,
              n * (bytesPerInputByte + 1) + EstimateMemoryPlan.runtimeReserve <= memoryLimit else {
            return RateEstimates(matchLength: nil, blockEntropy: nil,
                                 skipped: "entropy-rate estimators not computed: they need about \(bytesPerInputByte + 1) bytes "
                                 + "per input byte, more than --memory allows")
        }
        progress("entropy-rate estimates")
        let (m, b) = bytes.withUnsafeBytes { EntropyRateEstimators.estimate($0) }
        return RateEstimates(matchLength: m, blockEntropy: b, skipped: nil)
    }
}

func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Runs every codec of `CodecRegistry.standard` (ours and the system
/// baselines) at its strongest level, block by block as the container would.
enum CodecComparison {
    static func run(_ bytes: [UInt8], best: CodeLengthEstimate, names: [String]? = nil,
                    progress: (String) -> Void = { _ in }) -> [CodecRun] {
        let r: Result<[CodecRun], FileError> = bytes.withUnsafeBytes { raw in
            Result { () throws(FileError) -> [CodecRun] in
                try run(count: raw.count, best: best, names: names, progress: progress) { (offset, buffer) throws(FileError) in
                    buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + buffer.count)]))
                }
            }
        }
        return (try? r.get()) ?? []
    }

    /// The same on a file read again block by block for each codec (an input too
    /// large for memory): only one block of each codec is held at a time.
    static func run(fd: Int32, name: String, count: Int, best: CodeLengthEstimate, names: [String]? = nil,
                    progress: (String) -> Void = { _ in }) throws(FileError) -> [CodecRun] {
        try run(count: count, best: best, names: names, progress: progress) { (offset, buffer) throws(FileError) in
            var done = 0
            while done < buffer.count {
                let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    throw FileError("\(name): cannot read again for --compare: "
                                    + (n == 0 ? "the file became shorter" : systemErrorMessage()))
                }
                done += n
            }
        }
    }

    /// Runs each codec (or those in `names`) over `count` bytes that `read(offset, buffer)`
    /// supplies in blocks of the codec's size.
    static func run(count: Int, best: CodeLengthEstimate, names: [String]?, progress: (String) -> Void,
                    read: (Int, UnsafeMutableRawBufferPointer) throws(FileError) -> Void) throws(FileError) -> [CodecRun] {
        var runs: [CodecRun] = []
        for d in CodecRegistry.standard.descriptors where d.name != "store" && (names?.contains(d.name) ?? true) {
            let level = d.strongestLevel
            progress("\(d.name) \(d.label(forLevel: level))")
            let codec = d.make(level)
            let block = Swift.max(1, Swift.min(d.blockSize(level), Swift.max(count, 1)))
            let start = monotonicSeconds()
            var total = 0
            var verified = true
            var failure: String?
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: block, alignment: 16)
            defer { buffer.deallocate() }
            var offset = 0
            repeat {
                let n = Swift.min(block, count - offset)
                let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<n])
                try read(offset, slice)
                var coded = ByteBuffer()
                var decoded = ByteBuffer()
                do {
                    try codec.encode(UnsafeRawBufferPointer(slice), into: &coded)
                    total += coded.count
                    try coded.withUnsafeBytes { c in try codec.decode(c, originalCount: n, into: &decoded) }
                    if !decoded.bytes.elementsEqual(slice) { verified = false }
                } catch {
                    failure = "\(error)"
                    verified = false
                }
                offset += n
            } while offset < count && failure == nil
            let bpb = count == 0 ? 0 : Double(total) * 8 / Double(count)
            runs.append(CodecRun(codec: d.name, level: d.label(forLevel: level), origin: d.origin.rawValue,
                                 compressedBytes: total, bitsPerByte: bpb, gapToBestEstimate: bpb - best.bitsPerByte,
                                 seconds: monotonicSeconds() - start, verified: verified, error: failure))
        }
        return runs
    }
}
