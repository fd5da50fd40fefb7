import Foundation

/// A candidate as recorded in a report.
public struct CandidateInfo: Sendable, Codable, Equatable {
    public var label: String
    public var codec: String
    public var level: String
    public var origin: String

    public init(label: String, codec: String, level: String, origin: String) {
        self.label = label
        self.codec = codec
        self.level = level
        self.origin = origin
    }

    public init(_ c: Candidate) {
        label = c.label
        codec = c.codecName
        level = c.levelLabel
        origin = c.origin
    }
}

/// Everything one `squeeze compare` run measured, with the analyses the reports show.
public struct Comparison: Sendable, Codable {
    public var corpora: [Corpus]
    public var candidates: [CandidateInfo]
    public var results: [RunResult]
    public var repeats: Int
    public var jobs: Int
    public var wallSeconds: Double
    /// Seconds spent computing the estimate columns (not part of the harness overhead).
    public var estimateSeconds: Double = 0
    /// Per-file figures from `squeeze estimate` (H0 and the best bound), when computed.
    public var estimates: [String: FileEstimate] = [:]

    public struct FileEstimate: Sendable, Codable, Equatable {
        public var h0: Double
        public var bestBound: Double
        public var bestEstimator: String
        public init(h0: Double, bestBound: Double, bestEstimator: String) {
            self.h0 = h0
            self.bestBound = bestBound
            self.bestEstimator = bestEstimator
        }
    }

    public static func estimateKey(_ corpus: String, _ file: String) -> String { corpus + "/" + file }

    public var failures: [RunResult] { results.filter { !$0.ok } }

    public init(corpora: [Corpus], candidates: [CandidateInfo], results: [RunResult], repeats: Int, jobs: Int, wallSeconds: Double) {
        self.corpora = corpora
        self.candidates = candidates
        self.results = results
        self.repeats = repeats
        self.jobs = jobs
        self.wallSeconds = wallSeconds
    }

    /// Seconds the codecs themselves were timed (all repeats).
    public var timedSeconds: Double {
        results.reduce(0) { $0 + (($1.compressSeconds ?? 0) + ($1.decompressSeconds ?? 0)) * Double(repeats) }
    }

    /// Share of the wall time (estimates aside) not spent inside timed codec work:
    /// reading files, splitting blocks, checking round trips, bookkeeping.
    public var harnessOverhead: Double {
        let wall = wallSeconds - estimateSeconds
        return wall > 0 ? max(0, 1 - timedSeconds / wall) : 0
    }

    public func results(corpus: String) -> [RunResult] { results.filter { $0.corpus == corpus } }

    public func totals(corpus: String) -> [CorpusTotal] {
        candidates.map { c in
            let rows = results.filter { $0.corpus == corpus && $0.codec == c.label }
            let ok = rows.filter(\.ok)
            return CorpusTotal(
                corpus: corpus, codec: c.label, files: rows.count, failed: rows.count - ok.count,
                originalBytes: ok.reduce(0) { $0 + $1.originalBytes },
                compressedBytes: ok.reduce(0) { $0 + ($1.compressedBytes ?? 0) },
                compressSeconds: ok.reduce(0) { $0 + ($1.compressSeconds ?? 0) },
                decompressSeconds: ok.reduce(0) { $0 + ($1.decompressSeconds ?? 0) })
        }
    }

    /// The smallest output for a file (ties: the candidate listed first, so reports are deterministic).
    public func best(corpus: String, file: String) -> RunResult? {
        results.filter { $0.corpus == corpus && $0.file == file && $0.ok }
            .min { ($0.compressedBytes ?? .max) < ($1.compressedBytes ?? .max) }
    }

    /// Candidates not beaten on both size and compression speed by another (over a corpus's totals).
    public func paretoFront(corpus: String) -> [CorpusTotal] {
        let t = totals(corpus: corpus).filter { $0.failed == 0 && $0.originalBytes > 0 }
        return t.filter { a in
            !t.contains { b in
                b.codec != a.codec && b.compressedBytes <= a.compressedBytes && b.compressSeconds <= a.compressSeconds
                    && (b.compressedBytes < a.compressedBytes || b.compressSeconds < a.compressSeconds)
            }
        }.sorted { $0.compressedBytes < $1.compressedBytes }
    }

    /// One line: the smallest, and the fastest candidate within 5% of it on the front.
    public func recommendation(corpus: String, file: String? = nil) -> String {
        let rows: [(label: String, size: Int64, seconds: Double)]
        if let file {
            rows = results.filter { $0.corpus == corpus && $0.file == file && $0.ok }
                .map { ($0.codec, $0.compressedBytes ?? 0, $0.compressSeconds ?? 0) }
        } else {
            rows = totals(corpus: corpus).filter { $0.failed == 0 }.map { ($0.codec, $0.compressedBytes, $0.compressSeconds) }
        }
        guard let best = rows.min(by: { ($0.size, $0.seconds) < ($1.size, $1.seconds) }) else {
            return "no codec completed a round trip"
        }
        let what = file ?? "corpus \(corpus)"
        let original = file.flatMap { f in results.first { $0.corpus == corpus && $0.file == f }?.originalBytes }
            ?? totals(corpus: corpus).first?.originalBytes ?? 0
        let bpb = original > 0 ? 8 * Double(best.size) / Double(original) : 0
        var line = "\(what): \(best.label) gives the smallest output (\(String(format: "%.3f", bpb)) bits/byte)"
        let near = rows.filter { Double($0.size) <= Double(best.size) * 1.05 && $0.seconds > 0 }
        if let fast = near.min(by: { $0.seconds < $1.seconds }), fast.label != best.label, best.seconds > 0 {
            let gap = 100 * (Double(fast.size) / Double(best.size) - 1)
            line += "; \(fast.label) is within \(String(format: "%.1f", gap))% of that size and "
                + "\(String(format: "%.1f", best.seconds / fast.seconds))× faster to compress"
        }
        return line
    }
}
