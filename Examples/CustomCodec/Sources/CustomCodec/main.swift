// Checks a codec of your own and ranks it beside squeeze's codecs.
//
//   swift run CustomCodec [CORPUS_DIR_OR_FILES...]     (default: ../../corpora/canterbury)
//
// Exit status 0 when every check and every round trip of the comparison
// passed, 1 otherwise.
import Foundation
import SqueezeKit

// 1. A registry with the built-in codecs and ours. The archiver, the one-call
//    API and the harness all look codecs up in a registry.
var registry = CodecRegistry.standard
registry.register(RunLengthArithCodec.descriptor)

var failures = 0
@MainActor func check(_ ok: Bool, _ what: String) {
    print("\(ok ? "ok  " : "FAIL") \(what)")
    if !ok { failures += 1 }
}

// 2. Round trips on inputs that break coders: empty, one byte, long runs,
//    runs exactly at the run-length limit, every byte value, random bytes.
var rng = SystemRandomNumberGenerator()
let inputs: [(String, [UInt8])] = [
    ("empty", []),
    ("one byte", [42]),
    ("two equal bytes", [7, 7]),
    ("run of 257", [UInt8](repeating: 9, count: 257)),
    ("run of 100000", [UInt8](repeating: 0, count: 100_000)),
    ("every byte value twice", (0..<512).map { UInt8($0 / 2) }),
    ("text", Array(String(repeating: "a rose is a rose is a rose. ", count: 200).utf8)),
    ("random 50000", (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &rng) }),
]
for level in RunLengthArithCodec.descriptor.levels {
    let codec = RunLengthArithCodec.descriptor.make(level)
    for (name, input) in inputs {
        // The codec alone: encode one block, decode it, compare.
        var coded = ByteBuffer()
        var decoded = ByteBuffer()
        do {
            try input.withUnsafeBytes { raw in try codec.encode(raw, into: &coded) }
            try coded.withUnsafeBytes { (raw) throws(CodecError) in
                try codec.decode(raw, originalCount: input.count, into: &decoded)
            }
            check(decoded.bytes == input, "level \(level), \(name): \(input.count) -> \(coded.count) bytes, round trip")
        } catch {
            check(false, "level \(level), \(name): \(error)")
        }
    }
}

// 3. Through the .sqz container with the one-call API: frames, block
//    checksums, several blocks.
let sample = (0..<300_000).map { i in UInt8(truncatingIfNeeded: (i / 7) % 13 + 97) }
do {
    let packed = try Squeeze.compress(sample, codec: "rle-arith", blockSize: 64 << 10, registry: registry)
    let back = try Squeeze.decompress(packed, registry: registry)
    check(back == sample, "Squeeze.compress/decompress, 5 blocks: \(sample.count) -> \(packed.count) bytes")

    // Damaged data must give an error, never a crash or wrong bytes.
    var bad = packed
    bad[bad.count / 2] ^= 0x10
    do {
        _ = try Squeeze.decompress(bad, registry: registry)
        check(false, "a damaged frame decoded without an error")
    } catch {
        check(true, "a damaged frame is refused: \(error)")
    }
} catch {
    check(false, "Squeeze.compress/decompress: \(error)")
}

// 4. A comparison on a corpus, as `squeeze compare` runs it: every file is
//    coded by every candidate, decoded and compared byte for byte.
let paths = CommandLine.arguments.count > 1 ? Array(CommandLine.arguments.dropFirst()) : ["../../corpora/canterbury"]
do {
    let corpora = try CorpusWalker.walk(paths)
    let candidates = try CandidateSelection.select(
        algos: "rle-arith:1,rle-arith:2,huffman,arith:1,lz77-huffman", baselines: "zlib:9,bzip2:9",
        levels: "default", registry: registry)
    let comparison = ComparisonRunner(candidates: candidates).run(corpora)
    print()
    print(ReportWriter(comparison, command: "CustomCodec " + paths.joined(separator: " ")).markdown())
    for r in comparison.failures { check(false, "\(r.corpus)/\(r.file) with \(r.codec): \(r.error ?? "failed")") }
    let files = corpora.reduce(0) { $0 + $1.files.count }
    check(comparison.failures.isEmpty, "comparison: \(files) files x \(candidates.count) codecs, every round trip checked")
} catch {
    check(false, "comparison: \(error)")
}

print(failures == 0 ? "all checks passed" : "\(failures) checks FAILED")
exit(failures == 0 ? 0 : 1)
