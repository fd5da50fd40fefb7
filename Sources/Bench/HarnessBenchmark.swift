import Foundation
import Harness

/// How much the comparison harness adds to what it measures: the codec time it
/// reports for a file against the same codec calls timed in a bare loop, on
/// the same blocks, with the `store` codec (the cheapest, so any overhead shows).
/// Also the share of a whole run's wall time spent outside the timed regions.
public enum HarnessBenchmark {
    /// With no corpus, four 32 MiB files are generated in a temporary directory:
    /// store copies at memory speed, so small files would time only noise.
    public static func run(corpus: String? = nil, repeats: Int = 5) throws -> String {
        guard let store = CodecRegistry.standard.named("store") else { return "no store codec" }
        let dir = corpus ?? FileManager.default.temporaryDirectory.appendingPathComponent("squeeze-harness-\(getpid())").path
        if corpus == nil {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            var state: UInt64 = 0x1234_5678
            for f in 0..<4 {
                var bytes = [UInt8](repeating: 0, count: 32 << 20)
                for i in stride(from: 0, to: bytes.count, by: 8) {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    withUnsafeBytes(of: state) { w in for k in 0..<8 { bytes[i + k] = w[k] } }
                }
                try Data(bytes).write(to: URL(fileURLWithPath: "\(dir)/file\(f)"))
            }
        }
        defer { if corpus == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let corpora = try CorpusWalker.walk([dir])
        let codec = store.make(store.defaultLevel)
        let bs = store.blockSize(store.defaultLevel)

        // Alternate bare loop and harness three times and keep the best of each,
        // so machine noise does not land on one side only.
        var bare = Double.infinity, reported = Double.infinity
        var comparison: Comparison?
        for _ in 0..<3 {
            bare = Swift.min(bare, try bareLoop(corpora, codec: codec, blockSize: bs, repeats: repeats))
            let runner = ComparisonRunner(candidates: [.codec(store, level: store.defaultLevel)], repeats: repeats)
            let c = runner.run(corpora)
            let r = c.results.reduce(0.0) { $0 + ($1.compressSeconds ?? 0) + ($1.decompressSeconds ?? 0) }
            if r < reported { reported = r; comparison = c }
        }
        guard let comparison else { return "no runs" }
        let timing = reported / Swift.max(bare, 1e-9) - 1
        return """
        harness benchmark on \(corpus ?? "4 generated files of 32 MiB") with store (\(English.count(repeats, "run")) per figure, medians; best of 3 rounds)
          codec time, bare loop:         \(fmt(bare * 1000)) ms
          codec time, as the harness reports it: \(fmt(reported * 1000)) ms
          timing overhead of the harness: \(fmt(100 * timing))%   (target < 5%)
          whole run: \(fmt(comparison.wallSeconds * 1000)) ms wall, of which outside timed regions \(fmt(100 * comparison.harnessOverhead))%
            (reading each file and comparing the round trip byte for byte; with store these cost
             as much as the codec itself, with any real codec they are a few percent)
        """
    }

    static func bareLoop(_ corpora: [Corpus], codec: any Codec, blockSize bs: Int, repeats: Int) throws -> Double {
        var bare = 0.0
        for c in corpora {
            for f in c.files {
                let data = try CorpusWalker.read(f.path)
                let blocks = Swift.max(1, (data.count + bs - 1) / bs)
                var coded = [ByteBuffer](repeating: ByteBuffer(), count: blocks)
                var decoded = ByteBuffer(capacity: data.count)
                var ct: [Double] = [], dt: [Double] = []
                try data.withUnsafeBytes { all in
                    func block(_ i: Int) -> UnsafeRawBufferPointer {
                        UnsafeRawBufferPointer(rebasing: all[Swift.min(all.count, i * bs)..<Swift.min(all.count, (i + 1) * bs)])
                    }
                    for _ in 0..<repeats {
                        for i in 0..<blocks { coded[i].removeAll() }
                        let t0 = Measurement.now()
                        for i in 0..<blocks { try codec.encode(block(i), into: &coded[i]) }
                        ct.append(Measurement.now() - t0)
                    }
                    for _ in 0..<repeats {
                        decoded.removeAll()
                        let t0 = Measurement.now()
                        for i in 0..<blocks {
                            let n = block(i).count
                            try coded[i].withUnsafeBytes { (p: UnsafeRawBufferPointer) throws(CodecError) in
                                try codec.decode(p, originalCount: n, into: &decoded)
                            }
                        }
                        dt.append(Measurement.now() - t0)
                    }
                }
                bare += Measurement.median(ct) + Measurement.median(dt)
            }
        }
        return bare
    }

    static func fmt(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return String(r)
    }
}
