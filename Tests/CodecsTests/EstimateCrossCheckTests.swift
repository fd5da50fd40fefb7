import Testing
import Codecs
import Entropy
import TestSupport

/// `squeeze estimate`'s figure for the arith codec's model must agree with what
/// the codec really writes: within 0.1% plus 10 bytes (flush and model byte).
@Test(arguments: ["alice29.txt", "kennedy.xls", "ptt5", "sum", "xargs.1"])
func estimateMatchesArithCodec(_ name: String) throws {
    let data = try TestCorpus.bytes("canterbury", name)
    let report = EntropyReport.analyze(data, name: name)
    let arith = try #require(CodecRegistry.ours.named("arith"))
    for k in 0...2 {
        let estimate = try #require(report.estimates.first { $0.id == "arith-model-\(k)" })
        var out = ByteBuffer()
        // The whole file as one block, as the estimator sees it.
        try data.withUnsafeBytes { raw in try arith.make(k).encode(raw, into: &out) }
        let predicted = estimate.bits / 8
        #expect(abs(Double(out.count) - predicted) <= predicted * 0.001 + 10,
                "\(name) order \(k): coded \(out.count) bytes, estimate \(predicted)")
    }
}
