import Foundation
import Testing
import SqueezeKit
import TestSupport

/// An async sequence that hands out `bytes` in chunks of the given sizes, cycling.
struct ChunkedBytes: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let bytes: [UInt8]
    let sizes: [Int]
    /// Throw this after this many bytes (a failing input).
    var failAfter: Int? = nil

    struct InputFailure: Error, Equatable {}

    struct AsyncIterator: AsyncIteratorProtocol {
        let source: ChunkedBytes
        var offset = 0
        var turn = 0
        mutating func next() async throws -> [UInt8]? {
            if let f = source.failAfter, offset >= f { throw InputFailure() }
            guard offset < source.bytes.count else { return nil }
            let n = Swift.min(source.sizes[turn % source.sizes.count], source.bytes.count - offset)
            turn += 1
            defer { offset += n }
            return Array(source.bytes[offset..<offset + n])
        }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: self) }
}

func collect(_ stream: AsyncThrowingStream<[UInt8], any Error>) async throws -> [UInt8] {
    var out: [UInt8] = []
    for try await chunk in stream { out += chunk }
    return out
}

@Suite struct SqueezeAPITests {
    /// Every registered codec at its default level (and bwt's other model), through the one-call API.
    static var codecs: [(String, Int)] {
        CodecRegistry.standard.descriptors.flatMap { d in
            ([d.defaultLevel] + d.otherFormatLevels).map { (d.name, $0) }
        }
    }

    @Test(arguments: codecs.map { "\($0.0):\($0.1)" })
    func everyCodecRoundTrips(_ spec: String) throws {
        let parts = spec.split(separator: ":")
        let name = String(parts[0]), level = Int(parts[1])!
        let inputs: [(String, [UInt8], Int?)] = [
            ("empty", [], nil),
            ("one byte", [7], nil),
            ("random 3000", Generators.random(3000, seed: 5), nil),
            // Several blocks, coded on several threads.
            ("repetitive 300000 in 64 KiB blocks", Generators.repetitive(300_000, seed: 6), 64 << 10),
            // Random blocks do not shrink: the container keeps them raw.
            ("random 200000 in 64 KiB blocks", Generators.random(200_000, seed: 7), 64 << 10),
        ]
        for (what, input, blockSize) in inputs {
            let packed = try Squeeze.compress(input, codec: name, level: level, blockSize: blockSize)
            #expect(Array(packed.prefix(4)) == SqzFormat.magic, "\(name) \(what)")
            let back = try Squeeze.decompress(packed)
            #expect(back == input, "\(name) -\(level) \(what)")
        }
    }

    @Test func dataAndBytesAgree() throws {
        let input = Generators.skewed(50_000)
        for codec in ["huffman", "ppm", "zstd"] {
            let fromBytes = try Squeeze.compress(input, codec: codec)
            let fromData = try Squeeze.compress(Data(input), codec: codec)
            #expect(Data(fromBytes) == fromData)
            #expect(try Squeeze.decompress(fromData) == Data(input))
            #expect(try Squeeze.decompress(fromBytes) == input)
        }
    }

    @Test func defaultCodecIsTheCLIsAndWritesAFrameTheContainerReads() throws {
        let input = Array("the one-call API writes ordinary .sqz frames ".utf8)
        let packed = try Squeeze.compress(input)
        let summary = try SqzDecompressor(registry: .standard).list(from: MemorySource(packed))
        #expect(summary.codecName == Squeeze.defaultCodec)
        // A short input gets a short block, so it allocates little.
        #expect(summary.header.blockSize == SqzFormat.minBlockSize)
    }

    @Test func unknownCodecAndBadLevelAreNamed() {
        #expect(throws: SqueezeError.unknownCodec("nope", known: CodecRegistry.standard.names)) {
            try Squeeze.compress([1, 2, 3], codec: "nope")
        }
        do {
            _ = try Squeeze.compress([1, 2, 3], codec: "huffman", level: 42)
            Issue.record("level 42 accepted")
        } catch {
            guard case .invalidLevel(let codec, let level, _) = error else { Issue.record("\(error)"); return }
            #expect(codec == "huffman" && level == 42)
            #expect(error.description.contains("huffman has no level 42"))
        }
        #expect(throws: SqueezeError.invalidBlockSize(10)) { try Squeeze.compress([1], codec: "store", blockSize: 10) }
    }

    @Test func damagedInputGivesTypedErrors() throws {
        let input = Generators.repetitive(40_000)
        let packed = try Squeeze.compress(input, codec: "lz77-huffman")
        #expect(throws: SqueezeError.notCompressed) { try Squeeze.decompress(input) }
        // Cut anywhere: a truncation, named as such.
        for cut in [0, 3, 15, 40, packed.count / 2, packed.count - 1] {
            do {
                _ = try Squeeze.decompress(Array(packed.prefix(cut)))
                Issue.record("cut at \(cut) decoded")
            } catch {
                guard case .truncated = error else { Issue.record("cut at \(cut): \(error)"); continue }
            }
        }
        // Any flipped byte is caught by a checksum or the codec: a corrupt error.
        for at in stride(from: 4, to: packed.count, by: max(1, packed.count / 37)) {
            var bad = packed
            bad[at] ^= 0x5A
            do {
                _ = try Squeeze.decompress(bad)
                Issue.record("flip at \(at) decoded")
            } catch {
                switch error {
                case .corrupt, .truncated, .unsupported: break
                default: Issue.record("flip at \(at): \(error)")
                }
            }
        }
    }

    /// A block whose payload names a variant above those this build reads (a
    /// newer build's) is unsupported, not corrupt, and the message names the block.
    @Test func newerPayloadFormatIsUnsupported() throws {
        var packed = try Squeeze.compress(Array(String(repeating: "squeeze me, squeeze me again! ", count: 20).utf8), codec: "ans")
        // Version 1: a 16-byte frame header, then the tag, the raw and payload sizes (varints) and two CRC32s.
        #expect(packed[4] == 1 && packed[16] == 1)  // version 1, a coded block
        var at = 17
        for _ in 0..<2 {
            while packed[at] >= 0x80 { at += 1 }
            at += 1
        }
        at += 8
        #expect(packed[at] == 1)  // tANS
        packed[at] = 9
        #expect(throws: SqueezeError.unsupported("block 1: ans variant 9 (this build reads 0–4)")) {
            try Squeeze.decompress(packed)
        }
    }

    @Test func memoryLimitIsTyped() throws {
        let packed = try Squeeze.compress(Generators.random(5000), codec: "bwt")
        do {
            _ = try Squeeze.decompress(packed, memoryLimit: 1 << 20)
            Issue.record("decoded within 1 MiB")
        } catch {
            guard case .memoryLimit(let needed, let limit, _) = error else { Issue.record("\(error)"); return }
            #expect(limit == 1 << 20 && needed > limit)
            #expect(error.description.contains("memoryLimit:"))
        }
    }

    @Test(arguments: [[1], [7, 4096, 13], [65_536], [100_003, 1]])
    func streamingEqualsOneShot(_ sizes: [Int]) async throws {
        let input = Generators.repetitive(250_000, seed: 9) + Generators.random(20_000)
        let blockSize = 64 << 10
        for codec in ["huffman", "lz77-huffman"] {
            let oneShot = try Squeeze.compress(input, codec: codec, blockSize: blockSize)
            let streamed = try await collect(try Squeeze.compress(ChunkedBytes(bytes: input, sizes: sizes),
                                                                  codec: codec, blockSize: blockSize))
            #expect(streamed == oneShot, "\(codec) with chunks of \(sizes)")
            let back = try await collect(Squeeze.decompress(ChunkedBytes(bytes: oneShot, sizes: sizes)))
            #expect(back == input, "\(codec) with chunks of \(sizes)")
        }
    }

    @Test func streamingEmptyInput() async throws {
        let streamed = try await collect(try Squeeze.compress(ChunkedBytes(bytes: [], sizes: [5]), codec: "store", blockSize: 4096))
        #expect(streamed == (try Squeeze.compress([], codec: "store", blockSize: 4096)))
        #expect(try await collect(Squeeze.decompress(ChunkedBytes(bytes: streamed, sizes: [3]))) == [])
    }

    @Test func streamingDamagedInputThrowsTypedErrors() async throws {
        let input = Generators.repetitive(100_000)
        let packed = try Squeeze.compress(input, codec: "huffman")
        do {
            _ = try await collect(Squeeze.decompress(ChunkedBytes(bytes: Array(packed.dropLast(9)), sizes: [777])))
            Issue.record("truncated stream decoded")
        } catch let e as SqueezeError {
            guard case .truncated = e else { Issue.record("\(e)"); return }
        }
        var bad = packed
        bad[packed.count / 2] ^= 1
        do {
            _ = try await collect(Squeeze.decompress(ChunkedBytes(bytes: bad, sizes: [4096])))
            Issue.record("damaged stream decoded")
        } catch let e as SqueezeError {
            guard case .corrupt = e else { Issue.record("\(e)"); return }
        }
    }

    @Test func inputSequenceErrorsPassThrough() async throws {
        let failing = ChunkedBytes(bytes: Generators.random(100_000), sizes: [1000], failAfter: 30_000)
        await #expect(throws: ChunkedBytes.InputFailure()) {
            _ = try await collect(try Squeeze.compress(failing, codec: "huffman"))
        }
    }

    @Test func consumerStoppingEarlyEndsTheWork() async throws {
        // Far more output than the pipes hold: the worker must stop when the consumer does.
        let input = Generators.random(4 << 20)
        for _ in 0..<3 {
            let stream = try Squeeze.compress(ChunkedBytes(bytes: input, sizes: [1 << 16]), codec: "store", blockSize: 1 << 16)
            var seen = 0
            for try await chunk in stream {
                seen += chunk.count
                if seen > 100_000 { break }
            }
            #expect(seen > 100_000)
        }
    }

    @Test func filesAndHandles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("squeeze-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = Generators.repetitive(300_000)
        let raw = dir.appendingPathComponent("raw"), packed = dir.appendingPathComponent("raw.sqz")
        let back = dir.appendingPathComponent("back")
        try Data(input).write(to: raw)

        let summary = try Squeeze.compress(from: raw, to: packed, codec: "bwt-huffman", blockSize: 100_000)
        #expect(summary.blocks == 3 && summary.rawBytes == 300_000)
        // The file equals the one-call result, and the CLI's reader decodes it.
        #expect(try Data(contentsOf: packed) == Data(try Squeeze.compress(input, codec: "bwt-huffman", blockSize: 100_000)))
        try Squeeze.decompress(from: packed, to: back)
        #expect(try Data(contentsOf: back) == Data(input))

        // File handles.
        let viaHandle = dir.appendingPathComponent("handle.sqz")
        _ = FileManager.default.createFile(atPath: viaHandle.path, contents: nil)
        let r = try FileHandle(forReadingFrom: raw), w = try FileHandle(forWritingTo: viaHandle)
        try Squeeze.compress(from: r, to: w, codec: "huffman")
        try r.close(); try w.close()
        let r2 = try FileHandle(forReadingFrom: viaHandle)
        let back2 = dir.appendingPathComponent("back2")
        _ = FileManager.default.createFile(atPath: back2.path, contents: nil)
        let w2 = try FileHandle(forWritingTo: back2)
        try Squeeze.decompress(from: r2, to: w2)
        try r2.close(); try w2.close()
        #expect(try Data(contentsOf: back2) == Data(input))

        // Errors name the file, and a failed decode leaves no output.
        var damaged = try [UInt8](Data(contentsOf: packed))
        damaged[damaged.count / 2] ^= 0xFF
        let bad = dir.appendingPathComponent("bad.sqz"), out = dir.appendingPathComponent("out")
        try Data(damaged).write(to: bad)
        do {
            try Squeeze.decompress(from: bad, to: out)
            Issue.record("damaged file decoded")
        } catch {
            #expect(error.description.contains(bad.path), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(throws: SqueezeError.self) { try Squeeze.compress(from: dir.appendingPathComponent("missing"), to: out) }
        // The output is never the input itself.
        do {
            try Squeeze.compress(from: raw, to: raw)
            Issue.record("compressed a file onto itself")
        } catch {
            #expect(error.description.contains("the input file itself"))
        }
        #expect(try Data(contentsOf: raw) == Data(input))
    }

    /// The API writes what `squeeze -d` reads, and reads what `squeeze` writes.
    @Test func theCommandLineToolAndTheAPIShareTheFormat() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = Generators.repetitive(200_000, seed: 11)
        try TestFiles.write(try Squeeze.compress(input, codec: "ppm", level: 3), "\(dir)/api.sqz")
        let decoded = try SqueezeCommand.run(["-dc", "api.sqz"], in: dir)
        #expect(decoded.status == 0, "\(decoded.stderr)")
        #expect(decoded.stdout == input)

        try TestFiles.write(input, "\(dir)/plain")
        let compressed = try SqueezeCommand.run(["-a", "bwt-huffman", "-c", "plain"], in: dir)
        #expect(compressed.status == 0, "\(compressed.stderr)")
        #expect(try Squeeze.decompress(compressed.stdout) == input)
    }
}
