import Codecs
import Entropy

/// One file's estimates and, with --compare, the codecs' real sizes: what
/// `squeeze estimate` computes and `EstimateOutput` renders.
public struct EstimateResult {
    /// The estimators' report, with the bound codecs' real sizes among its achievable code lengths.
    public let report: EntropyReport
    public let codecs: [CodecRun]?
    /// Figures that a memory limit changed in an otherwise exact analysis.
    public let notes: [String]
    /// The runs of `StrongestCodecBound.names` (those that gave the input back count in `report`).
    public let bounds: [CodecRun]
    public let rates: RateEstimates

    public init(report: EntropyReport, codecs: [CodecRun]?, notes: [String], bounds: [CodecRun], rates: RateEstimates) {
        let included = report.including(StrongestCodecBound.estimates(bounds, count: report.byteCount))
        self.report = included
        // Gaps against the best including the bound codecs.
        self.codecs = codecs?.map { $0.gap(to: included.best) }
        self.notes = notes + bounds.filter { $0.error != nil || !$0.verified }.map {
            "\($0.codec) \($0.level) not counted as achievable: " + ($0.error ?? "its output did not decode to the input")
        }
        self.bounds = bounds.map { $0.gap(to: included.best) }
        self.rates = rates
    }
}

/// Our strongest models' real output sizes as achievable code lengths: a codec
/// named here is run at its registry's `strongestLevel` (block by block as the
/// container would, the output decoded and compared), and its coded size —
/// model, escapes and every header byte of the codec's blocks included, the
/// .sqz frame around them not — joins the estimators' code lengths and the best.
/// A future codec (`cm`) joins by adding its name. (Which of them fit in
/// `--memory`, and running them, is the estimate command's part.)
public enum StrongestCodecBound {
    public static let names = ["ppm"]

    public static func id(_ run: CodecRun) -> String { "codec-\(run.codec)-\(run.level)" }

    public static func estimates(_ runs: [CodecRun], count n: Int) -> [CodeLengthEstimate] {
        runs.filter { $0.error == nil && $0.verified }.map { r in
            CodeLengthEstimate(id: id(r), name: "\(r.codec) \(r.level) (our codec's real output, model included)",
                               bits: Double(r.compressedBytes) * 8, byteCount: n)
        }
    }
}

/// Entropy-rate estimates of one input: estimates of the source's rate, not code lengths.
public struct RateEstimates {
    public let matchLength: MatchLengthRateEstimate?
    public let blockEntropy: BlockEntropyRateEstimate?
    /// Why they are missing, when they are.
    public let skipped: String?

    /// Bytes per input byte the estimators need beside the input (suffix array, LCP, LPF and a stack).
    public static let bytesPerInputByte = 16

    public init(matchLength: MatchLengthRateEstimate?, blockEntropy: BlockEntropyRateEstimate?, skipped: String?) {
        self.matchLength = matchLength
        self.blockEntropy = blockEntropy
        self.skipped = skipped
    }
}

/// A codec's real result on one file.
public struct CodecRun: Encodable {
    public let codec: String
    public let level: String
    public let origin: String
    public let compressedBytes: Int
    public let bitsPerByte: Double
    /// bitsPerByte − best estimate's bits/byte (negative: the codec beat the estimate).
    public var gapToBestEstimate: Double
    public let seconds: Double
    /// Whether decoding gave the input back.
    public let verified: Bool
    public let error: String?

    public init(codec: String, level: String, origin: String, compressedBytes: Int, bitsPerByte: Double,
                gapToBestEstimate: Double, seconds: Double, verified: Bool, error: String?) {
        self.codec = codec
        self.level = level
        self.origin = origin
        self.compressedBytes = compressedBytes
        self.bitsPerByte = bitsPerByte
        self.gapToBestEstimate = gapToBestEstimate
        self.seconds = seconds
        self.verified = verified
        self.error = error
    }

    /// The same run with its gap measured against `best`.
    public func gap(to best: CodeLengthEstimate) -> CodecRun {
        var r = self
        r.gapToBestEstimate = bitsPerByte - best.bitsPerByte
        return r
    }
}
