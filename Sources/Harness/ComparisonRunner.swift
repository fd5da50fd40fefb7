import Codecs
import Entropy
import Dispatch
import Foundation

/// Runs every candidate over every file, checks every round trip, and times
/// the codecs' own work (reading files, splitting blocks and checking results
/// stay outside the timed regions).
public struct ComparisonRunner: Sendable {
    public var candidates: [Candidate]
    /// Timed runs per measurement; the median is reported.
    public var repeats: Int
    /// Files run at once. Above 1 the codecs compete for cores and memory
    /// bandwidth, so speeds are lower (isolated memory figures stay per codec).
    public var jobs: Int

    /// When set, each of our codecs runs in a fresh child process per file, which is
    /// the only way its peak memory is measured (see `Isolation`); otherwise the
    /// peak is left out (nil, "n/a" in reports) rather than shown wrong.
    public var isolation: Isolation?
    /// Also compute each file's H0 and best achievable bound (as `squeeze estimate` does), untimed.
    public var estimates: Bool

    public init(candidates: [Candidate], repeats: Int = 1, jobs: Int = 1, estimates: Bool = false) {
        self.candidates = candidates
        self.repeats = max(1, repeats)
        self.jobs = max(1, jobs)
        self.estimates = estimates
    }

    public struct Progress: Sendable {
        public var filesDone: Int
        public var filesTotal: Int
        public var bytesDone: Int64
        public var bytesTotal: Int64
        public var file: String
        public var codec: String
    }

    /// The results in a fixed order (corpus, file, candidate) whatever `jobs` is.
    public func run(_ corpora: [Corpus], progress: (@Sendable (Progress) -> Void)? = nil) -> Comparison {
        let started = Measurement.now()
        let work = corpora.flatMap { c in c.files.map { (c.name, $0) } }
        let bytesTotal = work.reduce(Int64(0)) { $0 + $1.1.size }
        var results = [[RunResult]](repeating: [], count: work.count)
        var fileEstimates = [Comparison.FileEstimate?](repeating: nil, count: work.count)
        let state = ProgressState()
        fileEstimates.withUnsafeMutableBufferPointer { estimateSlots in
        nonisolated(unsafe) let estimateOut = estimateSlots
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let out = slots
            let body: @Sendable (Int) -> Void = { i in
                let (corpus, file) = work[i]
                var rows: [RunResult] = []
                let data: [UInt8]
                do {
                    data = try CorpusWalker.read(file.path)
                } catch {
                    rows = candidates.map { Self.failed(corpus, file, $0, "cannot read: \(error)") }
                    out[i] = rows
                    return
                }
                if estimates {
                    progress?(state.snapshot(file: file.name, codec: "estimate", total: work.count, bytesTotal: bytesTotal))
                    let t0 = Measurement.now()
                    let e = EntropyReport.analyze(data, name: file.name)
                    state.addEstimateTime(Measurement.now() - t0)
                    estimateOut[i] = Comparison.FileEstimate(h0: e.h0, bestBound: e.best.bitsPerByte, bestEstimator: e.best.name)
                }
                for c in candidates {
                    progress?(state.snapshot(file: file.name, codec: c.label, total: work.count, bytesTotal: bytesTotal))
                    if let isolation, let spec = c.spec {
                        rows.append(isolation.measure(c, spec: spec, corpus: corpus, file: file, repeats: repeats))
                    } else {
                        rows.append(measure(c, data: data, corpus: corpus, file: file, memory: false))
                    }
                }
                state.finished(bytes: file.size)
                out[i] = rows
            }
            if jobs == 1 {
                for i in work.indices { body(i) }
            } else {
                let next = ProgressState()
                DispatchQueue.concurrentPerform(iterations: min(jobs, work.count)) { _ in
                    while let i = next.take(limit: work.count) { body(i) }
                }
            }
        }
        }
        let flat = results.flatMap { $0 }
        var comparison = Comparison(corpora: corpora, candidates: candidates.map(CandidateInfo.init), results: flat,
                                    repeats: repeats, jobs: jobs, wallSeconds: Measurement.now() - started)
        comparison.estimateSeconds = state.estimateSeconds
        for (i, e) in fileEstimates.enumerated() {
            if let e { comparison.estimates[Comparison.estimateKey(work[i].0, work[i].1.name)] = e }
        }
        return comparison
    }

    static func failed(_ corpus: String, _ file: CorpusFile, _ c: Candidate, _ why: String) -> RunResult {
        RunResult(corpus: corpus, file: file.name, originalBytes: file.size, codec: c.label, codecName: c.codecName,
                  level: c.levelLabel, origin: c.origin, status: "failed", error: why)
    }

    func measure(_ c: Candidate, data: [UInt8], corpus: String, file: CorpusFile, memory: Bool) -> RunResult {
        var r = Self.failed(corpus, file, c, "")
        r.originalBytes = Int64(data.count)
        do {
            switch c {
            case .codec(let d, let level):
                try measureCodec(d.make(level), blockSize: d.blockSize(level), data: data, memory: memory, into: &r)
            case .external(let e):
                try measureExternal(e, data: data, into: &r)
            }
            r.status = "ok"
            r.error = nil
        } catch {
            r.status = "failed"
            r.error = "\(error)"
            r.compressedBytes = nil
            r.compressSeconds = nil
            r.decompressSeconds = nil
        }
        return r
    }

    /// Codes the file the way the archiver would: in blocks of the codec's own size.
    func measureCodec(_ codec: any Codec, blockSize: Int, data: [UInt8], memory: Bool, into r: inout RunResult) throws {
        let bs = max(1, blockSize)
        let blockCount = max(1, (data.count + bs - 1) / bs)
        var coded = [ByteBuffer](repeating: ByteBuffer(), count: blockCount)
        var decoded = ByteBuffer(capacity: data.count)
        var compressTimes: [Double] = []
        var decompressTimes: [Double] = []
        var peak: Int64 = 0
        try data.withUnsafeBytes { all in
            func block(_ i: Int) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: all[min(all.count, i * bs)..<min(all.count, (i + 1) * bs)])
            }
            // Memory is read around all repeats, not between them, so the /proc
            // reads stay out of the timed runs' caches.
            var base = memory ? Self.startMemory() : 0
            for _ in 0..<repeats {
                for i in 0..<blockCount { coded[i].removeAll() }
                let t0 = Measurement.now()
                for i in 0..<blockCount { try codec.encode(block(i), into: &coded[i]) }
                compressTimes.append(Measurement.now() - t0)
            }
            if memory { peak = max(peak, Measurement.residentMemory().peak - base) }
            base = memory ? Self.startMemory() : 0
            for _ in 0..<repeats {
                decoded.removeAll()
                let t0 = Measurement.now()
                for i in 0..<blockCount {
                    let n = block(i).count
                    try coded[i].withUnsafeBytes { (p: UnsafeRawBufferPointer) throws(CodecError) in
                        try codec.decode(p, originalCount: n, into: &decoded)
                    }
                }
                decompressTimes.append(Measurement.now() - t0)
            }
            if memory { peak = max(peak, Measurement.residentMemory().peak - base) }
            // The round trip: every byte must come back.
            let same = decoded.count == all.count && decoded.withUnsafeBytes { d in
                all.count == 0 || memcmp(d.baseAddress!, all.baseAddress!, all.count) == 0
            }
            guard same else {
                throw CorpusError(description: "ROUND TRIP FAILED: decoded \(decoded.count) bytes differ from the \(all.count) original bytes")
            }
        }
        r.compressedBytes = coded.reduce(Int64(0)) { $0 + Int64($1.count) }
        r.compressSeconds = Measurement.median(compressTimes)
        r.decompressSeconds = Measurement.median(decompressTimes)
        r.peakMemoryBytes = memory ? max(0, peak) : nil
    }

    static func startMemory() -> Int64 {
        Measurement.resetPeakMemory()
        return Measurement.residentMemory().current
    }

    func measureExternal(_ e: ExternalCodec, data: [UInt8], into r: inout RunResult) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("squeeze-ext-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("input").path
        let packed = dir.appendingPathComponent("packed").path
        let unpacked = dir.appendingPathComponent("unpacked").path
        try Data(data).write(to: URL(fileURLWithPath: input))
        var ct: [Double] = [], dt: [Double] = []
        var peak: Int64?
        for _ in 0..<repeats {
            try? FileManager.default.removeItem(atPath: packed)
            let o = try e.run(e.compress, input: input, output: packed)
            ct.append(o.seconds)
            if let m = o.peakMemory { peak = max(peak ?? 0, m) }
        }
        guard let size = (try? FileManager.default.attributesOfItem(atPath: packed))?[.size] as? Int else {
            throw CorpusError(description: "\(e.name): compress command wrote no output file")
        }
        for _ in 0..<repeats {
            try? FileManager.default.removeItem(atPath: unpacked)
            let o = try e.run(e.decompress, input: packed, output: unpacked)
            dt.append(o.seconds)
            if let m = o.peakMemory { peak = max(peak ?? 0, m) }
        }
        guard let back = FileManager.default.contents(atPath: unpacked), [UInt8](back) == data else {
            throw CorpusError(description: "ROUND TRIP FAILED: \(e.name) did not give back the original bytes")
        }
        r.compressedBytes = Int64(size)
        r.compressSeconds = Measurement.median(ct)
        r.decompressSeconds = Measurement.median(dt)
        r.peakMemoryBytes = peak
    }
}

/// Shared counters for progress and for handing out files to worker threads.
final class ProgressState: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private var bytes: Int64 = 0
    private var nextIndex = 0

    private var estimateTime = 0.0

    var estimateSeconds: Double {
        lock.lock(); defer { lock.unlock() }
        return estimateTime
    }

    func addEstimateTime(_ t: Double) {
        lock.lock(); estimateTime += t; lock.unlock()
    }

    func finished(bytes b: Int64) {
        lock.lock(); done += 1; bytes += b; lock.unlock()
    }

    func snapshot(file: String, codec: String, total: Int, bytesTotal: Int64) -> ComparisonRunner.Progress {
        lock.lock(); defer { lock.unlock() }
        return .init(filesDone: done, filesTotal: total, bytesDone: bytes, bytesTotal: bytesTotal, file: file, codec: codec)
    }

    func take(limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard nextIndex < limit else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }
}
