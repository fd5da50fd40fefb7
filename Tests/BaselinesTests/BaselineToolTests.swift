import Baselines
import Codecs
import TestSupport
import Testing

/// Each baseline writes its library's native format: the real tools read it,
/// and our decoders read what the tools write.
@Suite("Baselines and the command-line tools")
struct BaselineToolTests {
    static let tools = ["zlib": "gzip", "bzip2": "bzip2", "xz": "xz", "zstd": "zstd"]

    static func inputs() throws -> [(String, [UInt8])] {
        var inputs = Generators.adversarial().filter { ["empty", "one byte", "all 256 values", "random 100000",
                                                        "repetitive 200000"].contains($0.0) }
        inputs.append(("alice29.txt", try TestCorpus.bytes("canterbury", "alice29.txt")))
        inputs.append(("kennedy.xls", try TestCorpus.bytes("canterbury", "kennedy.xls")))
        return inputs
    }

    @Test(arguments: ["zlib", "bzip2", "xz", "zstd"])
    func toolDecodesOurStreams(name: String) throws {
        let d = try BaselineCoding.descriptor(name)
        let tool = try ToolRunner.require(try #require(Self.tools[name], "no tool for \(name)"))
        for level in Set([d.levels[0], d.defaultLevel, d.strongestLevel]).sorted() {
            for (label, input) in try Self.inputs() {
                let coded = try BaselineCoding.encode(d.make(level), input)
                let decoded = try ToolRunner.run(tool, ["-d", "-c"], stdin: coded)
                #expect(decoded == input, "\(tool) -d on \(name) -\(d.label(forLevel: level)) \(label)")
            }
        }
    }

    @Test(arguments: ["zlib", "bzip2", "xz", "zstd"])
    func weDecodeTheToolsStreams(name: String) throws {
        let d = try BaselineCoding.descriptor(name)
        let tool = try ToolRunner.require(try #require(Self.tools[name], "no tool for \(name)"))
        // xz -0 (256 KiB dictionary) keeps the stream within our decoder's memory bound for these sizes.
        let args = name == "xz" ? ["-0", "-c"] : ["-c"]
        for (label, input) in try Self.inputs() where input.count >= 100_000 {
            let coded = try ToolRunner.run(tool, args, stdin: input)
            let result = BaselineCoding.decode(d.make(d.defaultLevel), coded, count: input.count)
            #expect(result == .success(input), "\(name) decoding `\(tool) -c` on \(label)")
        }
    }
}
