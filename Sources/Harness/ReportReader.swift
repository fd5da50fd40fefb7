import Foundation

/// Reads a results.json written by `squeeze compare` (schema 1 or 2) back into a
/// `Comparison`, so reports can be rendered again (a new HTML layout, another
/// format) without measuring again. Speeds come back from MB/s, so they are
/// as precise as the JSON; per-file estimates keep H0 and the bound.
public enum ReportReader {
    public struct Loaded: Sendable {
        public var comparison: Comparison
        public var command: String
        public var environment: [(String, String)]
    }

    /// A level as schema 1 wrote it ("9e") or schema 2 does (9).
    struct LevelField: Decodable {
        var text: String
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(Int.self) { text = String(n) } else { text = try c.decode(String.self) }
        }
    }

    struct Report: Decodable {
        var schema: String
        var schemaVersion: Int
        var command: String?
        var environment: [String: String]?
        var repeats: Int?
        var jobs: Int?
        var candidates: [Candidate]
        var corpora: [CorpusEntry]
        var results: [Row]
    }

    struct Candidate: Decodable {
        var label, codec, origin: String
        var level: LevelField?
        var levelLabel: String?
    }

    struct CorpusEntry: Decodable {
        var name: String
        var path: String?
    }

    struct Row: Decodable {
        var corpus, file, codec: String
        var codecName, origin, status, error, levelLabel: String?
        var level: LevelField?
        var originalBytes: Int64
        var compressedBytes, peakMemoryBytes: Int64?
        var compressMBps, decompressMBps, h0, bestBound: Double?
    }

    public static func read(_ data: Data, source: String) throws(CorpusError) -> Loaded {
        let report: Report
        do { report = try JSONDecoder().decode(Report.self, from: data) } catch {
            let why: String
            switch error as? DecodingError {
            case .keyNotFound(let key, let context)?:
                why = "no \"\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))\" field"
            case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
                why = "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type"
            default: why = "not valid JSON"
            }
            throw CorpusError(description: "\(source): not a results.json written by squeeze compare: \(why)")
        }
        guard report.schema == "squeeze-compare", (1...ReportWriter.schemaVersion).contains(report.schemaVersion) else {
            throw CorpusError(description: "\(source): schema \(report.schema) version \(report.schemaVersion) is not one this squeeze reads "
                + "(squeeze-compare 1...\(ReportWriter.schemaVersion))")
        }
        // Schema 1 kept the level label in "level"; schema 2 has it in "levelLabel".
        let candidates = report.candidates.map {
            CandidateInfo(label: $0.label, codec: $0.codec, level: $0.levelLabel ?? $0.level?.text ?? "", origin: $0.origin)
        }
        var results: [RunResult] = []
        var estimates: [String: Comparison.FileEstimate] = [:]
        var files: [String: [CorpusFile]] = [:]
        for o in report.results {
            func seconds(_ mbps: Double?) -> Double? {
                guard let mbps, mbps > 0 else { return nil }
                return Double(o.originalBytes) / 1e6 / mbps
            }
            results.append(RunResult(corpus: o.corpus, file: o.file, originalBytes: o.originalBytes, codec: o.codec,
                                     codecName: o.codecName ?? o.codec, level: o.levelLabel ?? o.level?.text ?? "",
                                     origin: o.origin ?? "", compressedBytes: o.compressedBytes,
                                     compressSeconds: seconds(o.compressMBps), decompressSeconds: seconds(o.decompressMBps),
                                     // Schema 1 measured memory inside one long process: not trusted.
                                     peakMemoryBytes: report.schemaVersion >= 2 ? o.peakMemoryBytes : nil,
                                     status: o.status ?? "failed", error: o.error))
            if let h0 = o.h0, let bound = o.bestBound {
                estimates[Comparison.estimateKey(o.corpus, o.file)] = .init(h0: h0, bestBound: bound, bestEstimator: "")
            }
            if !(files[o.corpus] ?? []).contains(where: { $0.name == o.file }) {
                files[o.corpus, default: []].append(CorpusFile(path: o.file, name: o.file, size: o.originalBytes))
            }
        }
        let corpora = report.corpora.map { Corpus(name: $0.name, path: $0.path ?? $0.name, files: files[$0.name] ?? []) }
        var comparison = Comparison(corpora: corpora, candidates: candidates, results: results,
                                    repeats: report.repeats ?? 1, jobs: report.jobs ?? 1, wallSeconds: 0)
        comparison.estimates = estimates
        let environment = (report.environment ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return Loaded(comparison: comparison, command: report.command ?? "", environment: environment)
    }
}
