import Baselines
import Codecs
import TestSupport
import Testing

/// Bad input never traps or hangs: it throws a `CodecError`, and a damaged
/// stream is never silently decoded into different bytes.
@Suite("Baseline decoders on damaged input")
struct BaselineDamageTests {
    @Test(arguments: ["zlib", "bzip2", "xz", "zstd"])
    func everyTruncationIsReported(name: String) throws {
        let d = try BaselineCoding.descriptor(name)
        let codec = d.make(d.defaultLevel)
        let input = BaselineCoding.smallInput
        let coded = try BaselineCoding.encode(codec, input)
        #expect(coded.count > 40 && coded.count < 600, "\(name): \(coded.count) coded bytes")
        for length in 0..<coded.count {
            let result = BaselineCoding.decode(codec, Array(coded[0..<length]), count: input.count)
            #expect(result == .failure(.truncated), "\(name): \(length) of \(coded.count) bytes")
        }
        #expect(BaselineCoding.decode(codec, coded, count: input.count) == .success(input))
    }

    /// Every single-bit flip in every byte: the decoder throws, or (for fields
    /// the format ignores, like the gzip time stamp) gives back the exact input.
    @Test(arguments: ["zlib", "bzip2", "xz", "zstd"])
    func bitFlipsNeverGiveWrongBytes(name: String) throws {
        let d = try BaselineCoding.descriptor(name)
        let codec = d.make(d.defaultLevel)
        let input = BaselineCoding.smallInput
        let coded = try BaselineCoding.encode(codec, input)
        var detected = 0, harmless = 0
        for index in coded.indices {
            for bit in 0..<8 {
                var damaged = coded
                damaged[index] ^= UInt8(1 << bit)
                switch BaselineCoding.decode(codec, damaged, count: input.count) {
                case .failure(let error):
                    #expect(error != .library("") && !"\(error)".contains("not a CodecError"), "\(name) \(error)")
                    detected += 1
                case .success(let output):
                    #expect(output == input, "\(name): flip of bit \(bit) in byte \(index) decoded to other bytes")
                    harmless += 1
                }
            }
        }
        // What each format may ignore: xz puts every field under a CRC32; gzip
        // ignores its time stamp, XFL, OS and FTEXT fields (49 bits); zstd a few
        // header bits; bzip2 its block-size digit when the block is small, the
        // "randomised" flag on short blocks, final padding bits, and the code
        // lengths of Huffman tables no selector uses (about 9% of this stream).
        let allowed = ["xz": 0, "zlib": 56, "zstd": 16, "bzip2": (detected + harmless) / 10][name] ?? 0
        #expect(harmless <= allowed, "\(name): \(harmless) of \(detected + harmless) flips went unnoticed")
    }

    @Test(arguments: ["zlib", "bzip2", "xz", "zstd"])
    func wrongOriginalSizesAreCorrupt(name: String) throws {
        let d = try BaselineCoding.descriptor(name)
        let codec = d.make(d.defaultLevel)
        let input = BaselineCoding.smallInput
        let coded = try BaselineCoding.encode(codec, input)
        for count in [0, 1, input.count - 1, input.count + 1, input.count * 2] {
            guard case .failure(let error) = BaselineCoding.decode(codec, coded, count: count) else {
                Issue.record("\(name): decoding into \(count) bytes succeeded"); continue
            }
            guard case .corrupt = error else { Issue.record("\(name): \(count) bytes gave \(error)"); continue }
        }
        // Sizes no block can have are refused before any allocation or arithmetic.
        guard case .failure(.invalidParameter) = BaselineCoding.decode(codec, coded, count: -1) else {
            Issue.record("\(name): a negative original size was not refused"); return
        }
        guard case .failure(.limitExceeded) = BaselineCoding.decode(codec, coded, count: .max) else {
            Issue.record("\(name): an Int.max original size was not refused"); return
        }
    }

    @Test(arguments: ["zlib", "bzip2", "xz", "zstd"])
    func trailingBytesAreCorrupt(name: String) throws {
        let d = try BaselineCoding.descriptor(name)
        let codec = d.make(d.defaultLevel)
        let input = BaselineCoding.smallInput
        let coded = try BaselineCoding.encode(codec, input)
        // A second copy of the stream too: gzip, bzip2 and zstd tools would accept a concatenation.
        for tail: [UInt8] in [[0], [0, 0, 0, 0], coded] {
            let result = BaselineCoding.decode(codec, coded + tail, count: input.count)
            guard case .failure(.corrupt) = result else { Issue.record("\(name) + \(tail.count) bytes: \(result)"); continue }
        }
    }

    @Test(arguments: ["zlib", "bzip2", "xz", "zstd"])
    func randomBytesAreRejected(name: String) throws {
        let d = try BaselineCoding.descriptor(name)
        let codec = d.make(d.defaultLevel)
        for seed in 1...200 as ClosedRange<UInt64> {
            let garbage = Generators.random(Int(seed % 97) * 3, seed: seed)
            let result = BaselineCoding.decode(codec, garbage, count: 1000)
            guard case .failure = result else { Issue.record("\(name): random bytes (seed \(seed)) decoded"); continue }
        }
    }

    /// A valid xz stream whose dictionary is far larger than the block is
    /// refused before liblzma allocates it: decoder memory follows the block size.
    @Test func xzDecoderMemoryFollowsTheBlockSize() throws {
        let input = Generators.repetitive(3000)
        let plain = try BaselineCoding.encode(XzCodec(level: 9), input)
        // Our encoder shrinks the dictionary to the block, so its own stream decodes…
        #expect(BaselineCoding.decode(XzCodec(), plain, count: input.count) == .success(input))
        // …and one made with the preset's 64 MiB dictionary (by the xz tool) does not.
        let xz = try ToolRunner.require("xz")
        let big = try ToolRunner.run(xz, ["-9", "-c", "--check=crc32"], stdin: input)
        let result = BaselineCoding.decode(XzCodec(), big, count: input.count)
        guard case .failure(.limitExceeded) = result else { Issue.record("xz -9 stream: \(result)"); return }
    }
}
