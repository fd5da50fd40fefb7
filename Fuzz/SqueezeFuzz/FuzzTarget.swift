import Archive
import SqueezeKit
#if canImport(Glibc)
import Glibc
#endif

/// One fuzz input, for every decoder at once. Byte 0 chooses the target:
/// 255 is the `.sqz` container reader (the rest is a frame), 254 the plain
/// gzip/bzip2/xz/zstd reader behind `squeeze -d` (the rest is a file), 253 the
/// round trip through the container (see `roundTrip`), 252 the archive
/// index reader (the rest is an index payload, docs/ARCHIVE.md), 251 the long-range
/// reference section and rebuilder (see `longRange`), 250 the block filters
/// (see `filters`), any other value
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
    /// 253: byte 1 picks a codec and level (every level of every codec of the standard
    /// registry, ours and the baselines, value mod their count), byte 2 the block size
    /// (1, 2, 4 or 8 KiB), and the rest, up to `roundTripMaxInput` bytes, is the input.
    static let roundTripSelector: UInt8 = 253
    static let roundTripMaxInput = 64 << 10
    /// 252: an archive index payload (`ArchiveIndex.decode`).
    static let archiveIndexSelector: UInt8 = 252
    /// 251: bytes 1–2 a raw size (little-endian), byte 3 the section's length S, then S
    /// bytes of long-range reference section and the rest as the residual (docs/LONG.md);
    /// rebuilt after 4 KiB of history with a 4 KiB window.
    static let longRangeSelector: UInt8 = 251
    /// 250: byte 1 picks a filter (0 x86, else delta with that stride) and byte 2 whether
    /// the frame round trip runs too; the rest is a filtered block. Its inverse must
    /// not trap and the forward filter must give the bytes back; with byte 2 odd, the
    /// rest also round-trips through an lz77 -1 frame with that filter in 1 KiB blocks.
    static let filterSelector: UInt8 = 250

    static func filters(_ data: UnsafeRawBufferPointer) {
        guard data.count >= 3 else { return }
        let filter: BlockFilter = data[1] == 0 ? .x86 : .delta(stride: Int(data[1]))
        let input = [UInt8](data[3...])
        var block = input
        block.withUnsafeMutableBytes { filter.invert($0) }
        block.withUnsafeMutableBytes { filter.apply($0) }
        if block != input { fatalError("\(filter): forward after inverse changed the block") }
        guard data[2] & 1 == 1, let lz77 = CodecRegistry.standard.named("lz77") else { return }
        var sink = MemorySink()
        do {
            var source = MemorySource(input)
            _ = try SqzCompressor(descriptor: lz77, level: 1, blockSize: SqzFormat.minBlockSize, filter: .fixed(filter))
                .compress(from: &source, to: &sink)
        } catch {
            fatalError("\(filter): encoding failed: \(error)")
        }
        var back = MemorySink()
        do {
            _ = try SqzDecompressor(registry: .standard).decompress(from: MemorySource(sink.bytes), to: &back)
        } catch {
            fatalError("\(filter): decoding its own frame failed: \(error)")
        }
        if back.bytes != input { fatalError("\(filter): the frame decoded to other bytes") }
    }

    static func longRange(_ data: UnsafeRawBufferPointer) {
        guard data.count >= 4 else { return }
        let rawSize = Int(data[1]) | Int(data[2]) << 8
        let s = min(Int(data[3]), data.count - 4)
        let section = UnsafeRawBufferPointer(rebasing: data[4..<(4 + s)])
        let residual = UnsafeRawBufferPointer(rebasing: data[(4 + s)...])
        let earlier = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 7) }
        guard let history = try? InMemoryHistory(capacity: 4096),
              (try? earlier.withUnsafeBytes { try history.append($0) }) != nil,
              let rebuilder = try? LongRangeRebuilder(window: 4096, history: history) else { fatalError("long-range setup failed") }
        if let out = try? rebuilder.rebuild(residual: residual, section: section, rawSize: rawSize), out.count != rawSize {
            fatalError("long-range: rebuilt \(out.count) bytes where \(rawSize) were asked for")
        }
    }
    static let roundTripTargets: [(descriptor: CodecDescriptor, level: Int)] = codecs.flatMap { d in
        d.levels.map { (d, $0) }
    }

    /// Bytes of a LEB128 varint holding `value`.
    static func varintSize(_ value: Int) -> Int {
        var n = 1, v = value >> 7
        while v > 0 { n += 1; v >>= 7 }
        return n
    }

    /// The most a frame of `count` raw bytes in blocks of `blockSize` may take (docs/FORMAT.md):
    /// the 16-byte header; per block a tag, two varints no longer than the block size's and two
    /// CRC32s, and a payload no larger than the raw bytes (a block that would grow is stored);
    /// then the end marker (tag, two varints, two CRC32s).
    static func frameBound(count: Int, blockSize: Int) -> Int {
        let blocks = (count + blockSize - 1) / blockSize
        let perBlock = 1 + 2 * varintSize(blockSize) + 8
        return SqzFormat.headerSize + count + blocks * perBlock + 1 + varintSize(count) + varintSize(blocks) + 8
    }

    /// Encodes the input through `SqzCompressor` and decodes it back through `SqzDecompressor`;
    /// a failure to encode, a frame over `frameBound`, a failure to decode or other bytes back trap.
    static func roundTrip(_ data: UnsafeRawBufferPointer) {
        guard data.count >= 3 else { return }
        let (d, level) = roundTripTargets[Int(data[1]) % roundTripTargets.count]
        let blockSize = SqzFormat.minBlockSize << (Int(data[2]) % 4)
        let input = [UInt8](data[3..<min(data.count, 3 + roundTripMaxInput)])
        let name = "\(d.name) -\(d.label(forLevel: level)) in \(blockSize)-byte blocks on \(input.count) bytes"
        var sink = MemorySink()
        do {
            var source = MemorySource(input)
            _ = try SqzCompressor(descriptor: d, level: level, blockSize: blockSize).compress(from: &source, to: &sink)
        } catch {
            fatalError("\(name): encoding failed: \(error)")
        }
        let frame = sink.bytes
        let bound = frameBound(count: input.count, blockSize: blockSize)
        if frame.count > bound { fatalError("\(name): frame of \(frame.count) bytes exceeds the bound \(bound)") }
        var back = MemorySink()
        do {
            _ = try SqzDecompressor(registry: .standard).decompress(from: MemorySource(frame), to: &back)
        } catch {
            fatalError("\(name): decoding its own frame failed: \(error)")
        }
        if back.bytes != input {
            let at = zip(back.bytes, input).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(back.bytes.count, input.count)
            fatalError("\(name): decoded \(back.bytes.count) bytes, first difference at \(at)")
        }
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
        if data[0] == roundTripSelector {
            roundTrip(data)
            return
        }
        if data[0] == longRangeSelector {
            longRange(data)
            return
        }
        if data[0] == filterSelector {
            filters(data)
            return
        }
        if data[0] == archiveIndexSelector {
            _ = try? ArchiveIndex.decode([UInt8](data[1...]))
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
        // Version-2 frames with long-range references (a text, then the same text again).
        for name in ["store", "lz77", "bwt"] {
            guard let d = CodecRegistry.standard.named(name) else { fatalError("no codec \(name)") }
            var source = MemorySource(texts[0] + texts[2] + texts[0] + texts[2])
            var sink = MemorySink()
            do {
                _ = try SqzCompressor(descriptor: d, blockSize: SqzFormat.minBlockSize,
                                      longRange: LongRangeSettings(window: 1 << 16, hashTableBytes: 1 << 16))
                    .compress(from: &source, to: &sink)
            } catch {
                fatalError("cannot build a long-range container seed for \(name): \(error)")
            }
            seeds.append([containerSelector] + sink.bytes)
        }
        // Round trips: every codec and level, on a text and on bytes that do not
        // compress (stored blocks), in 1 and 2 KiB blocks.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let noise: [UInt8] = (0..<3000).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 32)
        }
        for k in roundTripTargets.indices.prefix(256) {
            seeds.append([roundTripSelector, UInt8(k), 0] + texts[0] + texts[2])
            seeds.append([roundTripSelector, UInt8(k), 1] + noise)
        }
        // An archive index: two blocks; a directory, a file and a symbolic link.
        let members = [
            ArchiveMember(name: Array("d".utf8), kind: .directory, mode: 0o755, size: 0, mtime: 1_700_000_000,
                          mtimeNanoseconds: 0, link: [], headerOffset: 0, dataOffset: 512),
            ArchiveMember(name: Array("d/f".utf8), kind: .file, mode: 0o644, size: 3000, mtime: 1_700_000_001,
                          mtimeNanoseconds: 5, link: [], headerOffset: 512, dataOffset: 2048),
            ArchiveMember(name: Array("d/l".utf8), kind: .symlink, mode: 0o777, size: 0, mtime: 0,
                          mtimeNanoseconds: 0, link: Array("f".utf8), headerOffset: 5120, dataOffset: 5632),
        ]
        let blocks = [BlockLocation(frameOffset: 16, recordSize: 900, rawSize: 4096, stored: false),
                      BlockLocation(frameOffset: 916, recordSize: 2061, rawSize: 2048, stored: true)]
        seeds.append([archiveIndexSelector] + ArchiveIndex(blocks: blocks, members: members, frameSize: 2990).encode())
        // A long-range block of 300 bytes: 10 literals, a copy from the history, 5 literals,
        // an overlapping copy, then 20 literals.
        let section = LongRangeReferenceSection.encode([LongRangeReference(literalLength: 10, distance: 3000, length: 200),
                                                        LongRangeReference(literalLength: 5, distance: 3, length: 65)])
        seeds.append([longRangeSelector, 44, 1, UInt8(section.count)] + section + (0..<35).map { UInt8($0) })
        // Filters: x86 on call-like bytes and delta on a ramp, with and without the frame round trip.
        let calls: [UInt8] = (0..<600).flatMap { i -> [UInt8] in [0xE8, UInt8(truncatingIfNeeded: i), 0, 0, i % 3 == 0 ? 0xFF : 0] }
        seeds.append([filterSelector, 0, 1] + calls)
        seeds.append([filterSelector, 0, 0] + noise)
        seeds.append([filterSelector, 2, 1] + (0..<3000).map { UInt8(truncatingIfNeeded: $0 / 7) })
        seeds.append([filterSelector, 255, 0] + texts[0])
        // A version-2 frame with a filter, and an auto frame, for the container reader.
        for (name, filter) in [("huffman", BlockFilter.delta(stride: 2)), ("lz77", BlockFilter.x86)] {
            guard let d = CodecRegistry.standard.named(name) else { fatalError("no codec \(name)") }
            var source = MemorySource(calls + texts[1])
            var sink = MemorySink()
            do {
                _ = try SqzCompressor(descriptor: d, blockSize: SqzFormat.minBlockSize, filter: .fixed(filter))
                    .compress(from: &source, to: &sink)
            } catch {
                fatalError("cannot build a filtered container seed: \(error)")
            }
            seeds.append([containerSelector] + sink.bytes)
        }
        do {
            var source = MemorySource(calls + texts[0] + noise)
            var sink = MemorySink()
            _ = try SqzCompressor(autoLevel: 1, blockSize: SqzFormat.minBlockSize).compress(from: &source, to: &sink)
            seeds.append([containerSelector] + sink.bytes)
        } catch {
            fatalError("cannot build an auto container seed: \(error)")
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
/// `SqueezeFuzz FILE…` replays inputs (a crash found by the fuzzer, say);
/// `SqueezeFuzz --targets` lists what selector and byte 1 of a round trip pick.
@main struct FuzzReplay {
    static func main() {
        let args = Array(CommandLine.arguments.dropFirst())
        if args == ["--targets"] {
            for (k, (d, level)) in FuzzTarget.targets.enumerated() { print("decode \(k): \(d.name) -\(d.label(forLevel: level))") }
            for (k, (d, level)) in FuzzTarget.roundTripTargets.enumerated() {
                print("round trip 253 \(k): \(d.name) -\(d.label(forLevel: level))")
            }
            return
        }
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
