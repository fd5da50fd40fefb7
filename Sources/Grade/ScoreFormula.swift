import Foundation

/// The documented, changeable score (docs/GRADE.md):
///
///     score = size × sizePoints + speed × speedPoints − failure × failedFiles
///     sizePoints  = 100 × clamp((L − b) / (L − H), 0, sizeCap)
///     speedPoints = 100 × clamp(log(t / speedFloor) / log(speedTarget / speedFloor), 0, 1)
///
/// b is the submission's bits per byte over the whole hidden corpus, a failed file
/// counted as stored (8 bits per byte); L and H are the bits per byte of the low and
/// high anchor baselines measured in the same run (zlib -9 scores 0, xz -9e scores 100);
/// t is MB/s over the files that passed, from CPU time of compress plus decompress.
/// Scores are computed when the leaderboard is written, from the raw figures in the
/// database, so an instructor can change the formula and rank the same runs again.
public struct ScoreFormula: Sendable, Equatable, Codable {
    public var size = 0.8
    public var speed = 0.2
    public var failure = 10.0
    public var low = "zlib:9"
    public var high = "xz:9e"
    public var sizeCap = 1.5
    public var speedFloor = 0.1
    public var speedTarget = 10.0

    public init() {}

    public static let keys = ["size", "speed", "failure", "low", "high", "size-cap", "speed-floor", "speed-target"]

    /// Applies `key=value` settings: comma-separated (`--weights`) or one per line (a config file, `#` comments).
    public mutating func apply(_ text: String, source: String) throws(GradeError) {
        let items = text.split(whereSeparator: { $0 == "\n" || $0 == "," })
            .map { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "" }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for item in items {
            guard let eq = item.firstIndex(of: "=") else { throw GradeError("\(source): '\(item)' is not key=value (keys: \(Self.keys.joined(separator: ", ")))") }
            let key = item[..<eq].trimmingCharacters(in: .whitespaces)
            let value = item[item.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            func number() throws(GradeError) -> Double {
                guard let v = Double(value), v.isFinite else { throw GradeError("\(source): \(key) wants a number, got '\(value)'") }
                return v
            }
            switch key {
            case "size": size = try number()
            case "speed": speed = try number()
            case "failure": failure = try number()
            case "low": low = value
            case "high": high = value
            case "size-cap": sizeCap = try number()
            case "speed-floor": speedFloor = try number()
            case "speed-target": speedTarget = try number()
            default: throw GradeError("\(source): unknown key '\(key)'; known: \(Self.keys.joined(separator: ", "))")
            }
        }
        guard speedFloor > 0, speedTarget > speedFloor else {
            throw GradeError("\(source): speed-floor must be above 0 and below speed-target")
        }
    }

    /// The formula in words, with this formula's numbers, for the top of every leaderboard.
    public var explanation: String {
        "score = \(Self.n(size)) × size points + \(Self.n(speed)) × speed points − \(Self.n(failure)) × failed files. "
            + "Size points = 100 × (L − b) / (L − H), kept within 0 … \(Self.n(100 * sizeCap)), where b is the submission's bits per byte "
            + "over the whole hidden corpus (a failed file counts as stored, 8 bits per byte), L that of \(low) and H that of \(high), "
            + "both measured in the same run: \(low) scores 0, \(high) scores 100. "
            + "Speed points = 100 × log(t / \(Self.n(speedFloor))) / log(\(Self.n(speedTarget)) / \(Self.n(speedFloor))), kept within 0 … 100, "
            + "where t is MB/s of original data over the files that passed, from the CPU time of compress plus decompress "
            + "(process start-up included)."
    }

    static func n(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : String(format: "%g", v)
    }

    public struct Points: Sendable, Equatable {
        public var score: Double
        public var sizePoints: Double
        public var speedPoints: Double
        public var bitsPerByte: Double
        public var mbPerSecond: Double?
        public var failedFiles: Int
    }

    /// Scores one submission run against anchor bits per byte `l` (low) and `h` (high).
    public func points(_ files: [GradeDatabase.FileResult], low l: Double, high h: Double) -> Points {
        let original = files.reduce(Int64(0)) { $0 + $1.originalBytes }
        let bits = files.reduce(0.0) { $0 + 8 * Double($1.ok ? ($1.compressedBytes ?? $1.originalBytes) : $1.originalBytes) }
        let b = original > 0 ? bits / Double(original) : 8
        let sizePoints = l > h ? 100 * min(max((l - b) / (l - h), 0), sizeCap) : 0
        let passed = files.filter(\.ok)
        let passedBytes = passed.reduce(Int64(0)) { $0 + $1.originalBytes }
        let cpu = passed.reduce(0.0) { $0 + ($1.compressCPUSeconds ?? 0) + ($1.decompressCPUSeconds ?? 0) }
        var mbps: Double?
        var speedPoints = 0.0
        if !passed.isEmpty {
            let t = Double(passedBytes) / 1e6 / max(cpu, 1e-3)
            mbps = t
            speedPoints = 100 * min(max(log(t / speedFloor) / log(speedTarget / speedFloor), 0), 1)
        }
        let failed = files.count - passed.count
        return Points(score: size * sizePoints + speed * speedPoints - failure * Double(failed), sizePoints: sizePoints,
                      speedPoints: speedPoints, bitsPerByte: b, mbPerSecond: mbps, failedFiles: failed)
    }
}
