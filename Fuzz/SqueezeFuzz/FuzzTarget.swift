import SqueezeKit
#if canImport(Glibc)
import Glibc
#endif

/// One fuzz input, for every decoder at once. Byte 0 chooses the target:
/// 255 is the `.sqz` container reader (the rest is a frame), 254 the plain
/// gzip/bzip2/xz/zstd reader behind `squeeze -d` (the rest is a file), any other value
/// picks a codec of the standard registry at its default level, or at one
/// of its `otherFormatLevels`, value mod the count of those; bytes
/// 1–2 are then the little-endian original size (< 65,536) and the rest is the
/// codec's payload. A decoder may throw; it must not trap, hang, allocate
/// beyond its bound, or return a size other than the one asked for.
enum FuzzTarget {
    static let codecs = CodecRegistry.standard.descriptors.sorted { $0.id < $1.id }
    static let containerSelector: UInt8 = 255
    /// 254: a plain gzip, bzip2, xz or zstd file, through the same path as `squeeze -d`.
    static let foreignSelector: UInt8 = 254
    static let targets: [(descriptor: CodecDescriptor, level: Int)] = codecs.flatMap { d in
        ([d.defaultLevel] + d.otherFormatLevels).map { (d, $0) }
    }

    static func run(_ data: UnsafeRawBufferPointer) {
        guard data.count >= 1 else { return }
        if data[0] == containerSelector {
            var sink = DiscardingSink()
            let frame = [UInt8](data[1...])
            // The limit a user would pass: frames needing more are refused, not decoded.
            _ = try? SqzDecompressor(registry: .standard).decompress(from: MemorySource(frame), to: &sink,
                                                                       memoryLimit: 768 << 20)
            return
        }
        if data[0] == foreignSelector {
            var source = MemorySource([UInt8](data[1...]))
            guard let (format, prefix) = try? ForeignFormat.sniff(&source), let format else { return }
            var sink = DiscardingSink()
            _ = try? format.decompress(prefix: prefix, from: source, to: &sink, memoryLimit: 256 << 20)
            return
        }
        guard data.count >= 3 else { return }
        let (d, level) = targets[Int(data[0]) % targets.count]
        let count = Int(data[1]) | Int(data[2]) << 8
        let payload = UnsafeRawBufferPointer(rebasing: data[3...])
        var out = ByteBuffer()
        do {
            try d.make(level).decode(payload, originalCount: count, into: &out)
        } catch {
            return
        }
        if out.count != count {
            fatalError("\(d.name) -\(level): decoded \(out.count) bytes where \(count) were asked for")
        }
    }

    /// Starting inputs: a real stream of every codec on a few small texts, and
    /// a few frames, so the fuzzer begins inside the decoders' main loops.
    static func seeds() -> [[UInt8]] {
        let texts: [[UInt8]] = [
            Array("The quick brown fox jumps over the lazy dog. ".utf8) + Array(repeating: 0x61, count: 300),
            (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 5) },
            Array("abracadabra abracadabra, said the compression lecturer, abracadabra!\n".utf8),
        ]
        var seeds: [[UInt8]] = []
        for (index, (d, level)) in targets.enumerated() {
            for text in texts {
                var coded = ByteBuffer()
                guard (try? text.withUnsafeBytes({ raw in try d.make(level).encode(raw, into: &coded) })) != nil else { continue }
                seeds.append([UInt8(index), UInt8(text.count & 255), UInt8(text.count >> 8)] + coded.bytes)
            }
            // Frames of two small blocks each (the smallest block size a frame may
            // declare), one frame alone and two concatenated. A seed that cannot
            // be built is a bug in the encoder, not something to skip.
            var frame: [UInt8] = []
            for text in [texts[1], texts[0]] {
                var source = MemorySource(text)
                var sink = MemorySink()
                do {
                    _ = try SqzCompressor(descriptor: d, level: level, blockSize: SqzFormat.minBlockSize)
                        .compress(from: &source, to: &sink)
                } catch {
                    fatalError("cannot build a container seed for \(d.name) -\(level): \(error)")
                }
                if frame.isEmpty { seeds.append([containerSelector] + sink.bytes) }
                frame += sink.bytes
            }
            seeds.append([containerSelector] + frame)
        }
        // Plain files of the four foreign formats, one member and two.
        for format in ForeignFormat.allCases {
            var one: [UInt8] = []
            for text in texts.prefix(2) {
                var sink = MemorySink()
                do {
                    _ = try format.compress(from: MemorySource(text), to: &sink)
                } catch {
                    fatalError("cannot build a \(format) seed: \(error)")
                }
                one += sink.bytes
                seeds.append([foreignSelector] + sink.bytes)
            }
            seeds.append([foreignSelector] + one)
        }
        return seeds
    }
}

#if FUZZING
/// libFuzzer's entry points (scripts/fuzz.sh builds with -sanitize=fuzzer -DFUZZING).
@_cdecl("LLVMFuzzerTestOneInput")
public func squeezeFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@main struct FuzzMain {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, squeezeFuzzOne))
    }
}
#else
/// Without libFuzzer: `SqueezeFuzz --seeds DIR` writes the seed inputs;
/// `SqueezeFuzz FILE…` replays inputs (a crash found by the fuzzer, say).
@main struct FuzzReplay {
    static func main() {
        let args = Array(CommandLine.arguments.dropFirst())
        if args.first == "--seeds", args.count == 2 {
            for (k, seed) in FuzzTarget.seeds().enumerated() {
                let path = args[1] + "/seed-\(k)"
                guard let f = fopen(path, "wb") else { print("cannot write \(path)"); exit(1) }
                _ = seed.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
                fclose(f)
            }
            return
        }
        for path in args {
            guard let bytes = try? CorpusWalker.read(path) else { print("cannot read \(path)"); exit(1) }
            bytes.withUnsafeBytes { FuzzTarget.run($0) }
        }
        print("replayed \(args.count) input(s) without a crash")
    }
}
#endif
