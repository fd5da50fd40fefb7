import Testing
import BitIO
import Transforms
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The long-range stage (docs/LONG.md): matcher → residual + references → section
/// bytes → parse → rebuilder, over many blocks of one stream.
@Suite struct LongRangeTests {
    struct Run {
        var blocks: [LongRangeBlock] = []
        var sections: [[UInt8]] = []
        var rebuilt: [UInt8] = []
        var residualBytes: Int { blocks.reduce(0) { $0 + $1.residual.count } }
        var references: [LongRangeReference] { blocks.flatMap(\.references) }
    }

    /// Cuts `stream` into blocks of the given sizes (cycled), runs the matcher on each,
    /// serialises and parses the references, and rebuilds the stream from them.
    static func roundTrip(_ stream: [UInt8], blockSizes: [Int], window: Int64, minMatch: Int = 64,
                          localMinMatch: Int? = nil, tableBytes: Int = 1 << 20, spacingLog: Int? = nil,
                          encoderHistory: (any LongRangeHistory)? = nil,
                          decoderHistory: (any LongRangeHistory)? = nil) throws -> Run {
        let eh = try encoderHistory ?? InMemoryHistory(capacity: Int(window))
        let dh = try decoderHistory ?? InMemoryHistory(capacity: Int(window))
        let matcher = try LongRangeMatcher(window: window, minMatch: minMatch, localMinMatch: localMinMatch, hashTableBytes: tableBytes,
                                           anchorSpacingLog: spacingLog, history: eh)
        let rebuilder = try LongRangeRebuilder(window: window, history: dh)
        var run = Run()
        var at = 0, k = 0
        while at < stream.count || k == 0 {
            let size = min(blockSizes[k % blockSizes.count], stream.count - at)
            k += 1
            let raw = Array(stream[at..<(at + size)])
            at += size
            let block = try raw.withUnsafeBytes { try matcher.process($0) }
            let section = LongRangeReferenceSection.encode(block.references)
            let parsed = try LongRangeReferenceSection.decode(section, rawSize: size, window: window,
                                                              streamOffset: rebuilder.streamOffset)
            #expect(parsed == block.references)
            let out = try block.residual.withUnsafeBytes { r in
                try section.withUnsafeBytes { s in try rebuilder.rebuild(residual: r, section: s, rawSize: size) }
            }
            #expect(out.count == size)
            run.blocks.append(block)
            run.sections.append(section)
            run.rebuilt += out
            if stream.isEmpty { break }
        }
        return run
    }

    /// `count` random bytes with repeats of earlier content planted at random distances.
    static func planted(_ count: Int, seed: UInt64, repeats: Int, maxDistance: Int, lengths: ClosedRange<Int>) -> [UInt8] {
        var g = SplitMix64(seed: seed)
        var s = Generators.random(count, seed: seed &+ 1000)
        for _ in 0..<repeats {
            let len = Int.random(in: lengths, using: &g)
            guard count > len + 2 else { continue }
            let to = Int.random(in: 1...(count - len), using: &g)
            let d = Int.random(in: 1...max(1, min(maxDistance, to)), using: &g)
            // Byte by byte, so a planted repeat may overlap its own source.
            for j in 0..<len { s[to + j] = s[to - d + j] }
        }
        return s
    }

    static func checkInvariants(_ run: Run, window: Int64, minMatch: Int, localMinMatch: Int, blockSizes: [Int], sourceLocation: SourceLocation = #_sourceLocation) {
        for (k, b) in run.blocks.enumerated() {
            var position = 0
            for r in b.references {
                #expect(r.distance >= 1 && r.distance <= window, sourceLocation: sourceLocation)
                // Shorter only when a repeat carried over from the previous block fills this block.
                let size = blockSizes[k % blockSizes.count]
                #expect(r.length >= minMatch || (r.literalLength == 0 && r.length <= size), sourceLocation: sourceLocation)
                position += r.literalLength
                // A source inside the block needs the longer local minimum.
                if Int64(position) >= r.distance {
                    #expect(r.length >= localMinMatch, "local reference \(r)", sourceLocation: sourceLocation)
                }
                position += r.length
            }
            #expect(b.residual.count + b.references.reduce(0) { $0 + $1.length } <= blockSizes[k % blockSizes.count], sourceLocation: sourceLocation)
        }
    }

    /// Where two byte arrays first differ (or the shorter one's length), nil when equal:
    /// a failure message of one number instead of megabytes of bytes.
    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int? {
        if a == b { return nil }
        return zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
    }

    /// `body` must throw an error whose description contains `needle`.
    static func expectFailure(containing needle: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("no error; expected one containing '\(needle)'", sourceLocation: sourceLocation)
        } catch {
            #expect("\(error)".contains(needle), "\(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Round trips

    @Test func randomDataHasNoReferencesAndTheResidualIsTheInput() throws {
        let input = Generators.random(3 << 20, seed: 5)
        let run = try Self.roundTrip(input, blockSizes: [1 << 18, 100_000], window: 1 << 30, tableBytes: 1 << 16)
        #expect(run.references.isEmpty)
        #expect(Self.firstDifference(run.blocks.flatMap(\.residual), input) == nil)
        #expect(Self.firstDifference(run.rebuilt, input) == nil)
        // An empty section is 5 bytes: 0.002% of a 256 KiB block.
        #expect(run.sections.allSatisfy { $0.count == 5 })
    }

    @Test func emptyBlocksAndAnEmptyStream() throws {
        let empty = try Self.roundTrip([], blockSizes: [0], window: 1000)
        #expect(empty.blocks.count == 1 && empty.blocks[0] == LongRangeBlock(residual: [], references: []))
        #expect(empty.rebuilt.isEmpty)
        // Empty blocks between full ones change nothing.
        let s = Self.planted(200_000, seed: 9, repeats: 20, maxDistance: 50_000, lengths: 100...3000)
        let withEmpty = try Self.roundTrip(s, blockSizes: [0, 30_000, 0, 0, 17_000], window: 1 << 20)
        #expect(Self.firstDifference(withEmpty.rebuilt, s) == nil)
        #expect(!withEmpty.references.isEmpty)
    }

    /// The property: random streams with planted repeats (near, far, overlapping, outside
    /// the window), random block sizes and windows, all round-trip exactly, every reference
    /// obeys the window and the minimum, and planted long repeats inside the window are cut.
    @Test(arguments: 0..<24)
    func plantedRepeatsRoundTrip(seed: Int) throws {
        var g = SplitMix64(seed: UInt64(seed) &* 7919)
        let count = Int.random(in: 50_000...600_000, using: &g)
        let window = Int64.random(in: 4096...Int64(count), using: &g)
        let minMatch = [16, 32, 48, 64, 100][seed % 5]
        let blockSizes = (0..<3).map { _ in Int.random(in: 1...120_000, using: &g) }
        let stream = Self.planted(count, seed: UInt64(seed), repeats: Int.random(in: 0...60, using: &g),
                                  maxDistance: Int(window) * 2, lengths: 1...20_000)
        // Every other seed also cuts short repeats whose source is in the same block.
        let local = seed % 2 == 0 ? minMatch : LongRangeMatcher.defaultLocalMinMatch
        let run = try Self.roundTrip(stream, blockSizes: blockSizes, window: window, minMatch: minMatch, localMinMatch: local,
                                     tableBytes: 1 << Int.random(in: 12...20, using: &g), spacingLog: seed % 3 == 0 ? nil : seed % 7)
        #expect(Self.firstDifference(run.rebuilt, stream) == nil, "seed \(seed)")
        Self.checkInvariants(run, window: window, minMatch: minMatch, localMinMatch: local, blockSizes: blockSizes)
    }

    @Test func plantedLongRepeatsInsideTheWindowAreCut() throws {
        // One 20 KiB repeat every 100 KiB, each 50 KiB back: about 20% of the stream.
        var s = Generators.random(2 << 20, seed: 31)
        var planted = 0
        for to in stride(from: 100_000, to: s.count - 20_000, by: 100_000) {
            for j in 0..<20_000 { s[to + j] = s[to - 50_000 + j] }
            planted += 20_000
        }
        let run = try Self.roundTrip(s, blockSizes: [65_536], window: 1 << 20)
        #expect(Self.firstDifference(run.rebuilt, s) == nil)
        // Every planted repeat is found whole but for a few bytes at its edges or a block edge.
        #expect(run.residualBytes <= s.count - planted + 64 * planted / 20_000 + 64 * (s.count / 65_536))
    }

    @Test func repeatsJustInsideAndJustOutsideTheWindow() throws {
        let window: Int64 = 100_000
        for (gap, inside) in [(0, true), (1, false), (-1, true), (5000, false)] {
            // A 5000-byte random run repeated so that its distance is window + gap.
            let a = Generators.random(5000, seed: 77)
            let filler = Generators.random(Int(window) - a.count + gap, seed: 78)
            let stream = a + filler + a
            let run = try Self.roundTrip(stream, blockSizes: [16_384], window: window)
            #expect(Self.firstDifference(run.rebuilt, stream) == nil)
            let distances = Set(run.references.map(\.distance))
            if inside {
                #expect(distances == [window + Int64(gap)], "gap \(gap)")
                #expect(run.residualBytes <= stream.count - a.count + 2 * 64)
            } else {
                #expect(run.references.isEmpty, "gap \(gap)")
                #expect(Self.firstDifference(run.blocks.flatMap(\.residual), stream) == nil)
            }
        }
    }

    /// A 500-byte repeat is left to the block coder when its source is in the same
    /// block (default local minimum 1024), cut when the source is in an earlier block,
    /// and cut in both cases with the local minimum lowered to the minimum.
    @Test func localRepeatsNeedTheLocalMinimum() throws {
        var s = Generators.random(40_000, seed: 60)
        for j in 0..<500 { s[5000 + j] = s[1000 + j] }      // source in the same 16 KiB block
        for j in 0..<500 { s[20_000 + j] = s[2000 + j] }    // source in the first block
        let byDefault = try Self.roundTrip(s, blockSizes: [16_384], window: 1 << 16)
        #expect(Self.firstDifference(byDefault.rebuilt, s) == nil)
        #expect(byDefault.references.map(\.distance) == [18_000])
        let lowered = try Self.roundTrip(s, blockSizes: [16_384], window: 1 << 16, localMinMatch: 64)
        #expect(Self.firstDifference(lowered.rebuilt, s) == nil)
        #expect(lowered.references.map(\.distance) == [4000, 18_000])
    }

    @Test func overlappingRepeats() throws {
        // A 200-byte random period repeated over 50 KiB: distance 200, one long reference.
        let period = Generators.random(200, seed: 4)
        var stream = Generators.random(10_000, seed: 5)
        for j in 0..<50_000 { stream.append(period[j % 200]) }
        stream += Generators.random(10_000, seed: 6)
        let run = try Self.roundTrip(stream, blockSizes: [1 << 20], window: 1 << 20)
        #expect(Self.firstDifference(run.rebuilt, stream) == nil)
        #expect(run.references.contains { $0.distance == 200 && $0.length > 49_000 })

        // Distance 1 (a run of one byte): with an anchor at every byte the run is found.
        let runOfOne = Generators.random(1000, seed: 7) + [UInt8](repeating: 0x61, count: 30_000) + Generators.random(1000, seed: 8)
        let r1 = try Self.roundTrip(runOfOne, blockSizes: [8192], window: 1 << 16, spacingLog: 0)
        #expect(Self.firstDifference(r1.rebuilt, runOfOne) == nil)
        #expect(r1.references.contains { $0.distance == 1 && $0.length >= 6000 })
    }

    @Test func repeatsCrossingBlockBoundaries() throws {
        // 300 KiB repeated 400 KiB later, in 64 KiB blocks: the repeat spans 5 blocks
        // and carries from block to block at the same distance.
        var s = Generators.random(1 << 20, seed: 12)
        for j in 0..<300_000 { s[500_000 + j] = s[100_000 + j] }
        let run = try Self.roundTrip(s, blockSizes: [65_536], window: 1 << 20)
        #expect(Self.firstDifference(run.rebuilt, s) == nil)
        #expect(run.residualBytes <= s.count - 300_000 + 2 * 64)
        #expect(Set(run.references.map(\.distance)) == [400_000])
        #expect(run.references.count == 6)  // blocks 7…12 of 16 hold part of it
    }

    @Test func aRepeatOfTheWholeStream() throws {
        let x = Self.planted(1_000_000, seed: 13, repeats: 30, maxDistance: 200_000, lengths: 100...5000)
        let stream = x + x
        let run = try Self.roundTrip(stream, blockSizes: [131_072], window: Int64(x.count))
        #expect(Self.firstDifference(run.rebuilt, stream) == nil)
        // The second copy costs almost nothing (edges only); the first keeps its own content.
        let secondHalf = run.blocks.suffix(from: run.blocks.count / 2 + 1).reduce(0) { $0 + $1.residual.count }
        #expect(secondHalf <= 64)
        #expect(run.residualBytes <= x.count + 131_072 + 64)
        #expect(run.references.allSatisfy { $0.distance <= Int64(x.count) })
    }

    // MARK: - Histories

    /// The file-backed history (pread of the encoder's input, pwrite/pread of the decoder's
    /// output) gives exactly what the in-memory one gives, and the output file is the stream.
    @Test func fileHistoryMatchesInMemoryHistory() throws {
        let stream = Self.planted(1_500_000, seed: 21, repeats: 80, maxDistance: 1_000_000, lengths: 50...40_000)
        let input = "/tmp/squeeze-longrange-in-\(getpid())"
        let output = "/tmp/squeeze-longrange-out-\(getpid())"
        defer { unlink(input); unlink(output) }
        let inFD = open(input, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        let outFD = open(output, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        #expect(inFD >= 0 && outFD >= 0)
        defer { close(inFD); close(outFD) }
        let written = stream.withUnsafeBytes { write(inFD, $0.baseAddress, $0.count) }
        #expect(written == stream.count)

        let window: Int64 = 1 << 20
        let memory = try Self.roundTrip(stream, blockSizes: [100_000, 77_777], window: window)
        let file = try Self.roundTrip(stream, blockSizes: [100_000, 77_777], window: window,
                                      encoderHistory: FileHistory(descriptor: inFD, name: input),
                                      decoderHistory: FileHistory(descriptor: outFD, writesAppended: true, name: output))
        #expect(Self.firstDifference(memory.rebuilt, stream) == nil)
        #expect(Self.firstDifference(file.rebuilt, stream) == nil)
        #expect(file.blocks.map(\.references) == memory.blocks.map(\.references))
        #expect(file.blocks.map(\.residual.count) == memory.blocks.map(\.residual.count))
        #expect(Self.firstDifference(file.blocks.flatMap(\.residual), memory.blocks.flatMap(\.residual)) == nil)
        #expect(!memory.references.isEmpty)
        var back = [UInt8](repeating: 0, count: stream.count + 1)
        let n = back.withUnsafeMutableBytes { pread(outFD, $0.baseAddress, $0.count, 0) }
        #expect(n == stream.count)
        #expect(Self.firstDifference(Array(back.prefix(stream.count)), stream) == nil)
    }

    /// The ring against a plain array: random appends (some larger than the ring) and reads.
    @Test(arguments: [1, 7, 4096, 10_000, 100_003])
    func inMemoryHistoryIsTheLastBytes(capacity: Int) throws {
        var g = SplitMix64(seed: UInt64(capacity))
        let h = try InMemoryHistory(capacity: capacity)
        var all: [UInt8] = []
        for step in 0..<60 {
            let chunk = Generators.random(Int.random(in: 0...(capacity * 3 / 2 + 10), using: &g), seed: UInt64(step))
            try chunk.withUnsafeBytes { try h.append($0) }
            all += chunk
            #expect(h.end == Int64(all.count))
            #expect(h.start == Int64(max(0, all.count - capacity)))
            for _ in 0..<5 where h.end > h.start {
                let o = Int64.random(in: h.start..<h.end, using: &g)
                let c = Int.random(in: 0...Int(h.end - o), using: &g)
                var buf = [UInt8](repeating: 0, count: c)
                try buf.withUnsafeMutableBytes { b in try h.read(at: o, count: c, into: b.baseAddress ?? UnsafeMutableRawPointer(bitPattern: 16)!) }
                #expect(buf == Array(all[Int(o)..<(Int(o) + c)]))
            }
        }
        var one = [UInt8](repeating: 0, count: 1)
        #expect(throws: CodecError.self) { try one.withUnsafeMutableBytes { try h.read(at: h.end, count: 1, into: $0.baseAddress!) } }
        if h.start > 0 {
            #expect(throws: CodecError.self) { try one.withUnsafeMutableBytes { try h.read(at: h.start - 1, count: 1, into: $0.baseAddress!) } }
        }
    }

    /// A history smaller than the window: the matcher only uses what it holds, and a
    /// rebuilder whose history is too small fails with an error naming the limit.
    @Test func historySmallerThanTheWindow() throws {
        var s = Generators.random(400_000, seed: 40)
        for j in 0..<50_000 { s[300_000 + j] = s[10_000 + j] }
        let small = try Self.roundTrip(s, blockSizes: [50_000], window: 1 << 20,
                                       encoderHistory: InMemoryHistory(capacity: 100_000))
        #expect(small.references.isEmpty)
        #expect(Self.firstDifference(small.rebuilt, s) == nil)
        Self.expectFailure(containing: "history keeps only offsets") {
            _ = try Self.roundTrip(s, blockSizes: [50_000], window: 1 << 20, decoderHistory: InMemoryHistory(capacity: 100_000))
        }
    }

    // MARK: - Rebuilder

    /// Random valid references (distance 1, overlaps, sources across the history/block
    /// edge) rebuild exactly what a byte-by-byte copy gives.
    @Test(arguments: 0..<12)
    func rebuilderAgreesWithByteCopy(seed: Int) throws {
        var g = SplitMix64(seed: UInt64(seed) &+ 500)
        let window: Int64 = Int64.random(in: 1...5000, using: &g)
        let rebuilder = try LongRangeRebuilder(window: window, history: InMemoryHistory(capacity: Int(window)))
        var stream: [UInt8] = []
        for _ in 0..<30 {
            let rawSize = Int.random(in: 0...3000, using: &g)
            var refs: [LongRangeReference] = []
            var residual: [UInt8] = []
            var block: [UInt8] = []
            while block.count < rawSize {
                let lit = Int.random(in: 0...min(50, rawSize - block.count), using: &g)
                let fresh = Generators.random(lit, seed: g.next())
                residual += fresh
                block += fresh
                let here = stream.count + block.count
                let room = rawSize - block.count
                guard room > 0, here > 0 else { continue }
                let d = Int.random(in: 1...min(Int(window), here), using: &g)
                let len = Int.random(in: 1...min(room, d < 4 ? 500 : 2 * d), using: &g)
                for _ in 0..<len {
                    let at = stream.count + block.count - d
                    block.append(at < stream.count ? stream[at] : block[at - stream.count])
                }
                refs.append(LongRangeReference(literalLength: lit, distance: Int64(d), length: len))
            }
            let section = LongRangeReferenceSection.encode(refs)
            let out = try residual.withUnsafeBytes { r in
                try section.withUnsafeBytes { s in try rebuilder.rebuild(residual: r, section: s, rawSize: rawSize) }
            }
            #expect(Self.firstDifference(out, block) == nil)
            stream += block
        }
    }

    @Test func rebuilderRejectsAResidualOfTheWrongSize() throws {
        let rebuilder = try LongRangeRebuilder(window: 100, history: InMemoryHistory(capacity: 100))
        let refs: [LongRangeReference] = []
        Self.expectFailure(containing: "residual holds 3 bytes") {
            _ = try ([1, 2, 3] as [UInt8]).withUnsafeBytes { try rebuilder.rebuild(residual: $0, references: refs, rawSize: 4) }
        }
        // A distance into bytes not yet produced, passed directly (not through a section).
        let far = [LongRangeReference(literalLength: 2, distance: 3, length: 1)]
        Self.expectFailure(containing: "distance 3") {
            _ = try ([1, 2] as [UInt8]).withUnsafeBytes { try rebuilder.rebuild(residual: $0, references: far, rawSize: 3) }
        }
        // After the failures the rebuilder still works.
        let ok = try ([1, 2] as [UInt8]).withUnsafeBytes { try rebuilder.rebuild(residual: $0, references: [LongRangeReference(literalLength: 2, distance: 2, length: 3)], rawSize: 5) }
        #expect(ok == [1, 2, 1, 2, 1])
    }

    // MARK: - Damaged sections

    static func withCRC(_ body: [UInt8]) -> [UInt8] {
        let crc = CRC32.checksum(body)
        return body + (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * UInt32($0))) }
    }

    @Test func everyTruncationAndEveryBitFlipOfASectionThrows() throws {
        let refs = [LongRangeReference(literalLength: 10, distance: 1000, length: 300),
                    LongRangeReference(literalLength: 0, distance: 5, length: 70_000),
                    LongRangeReference(literalLength: 129, distance: 123_456_789, length: 64)]
        let section = LongRangeReferenceSection.encode(refs)
        let args = (rawSize: 80_000, window: Int64(1) << 30, streamOffset: Int64(200_000_000))
        #expect(try LongRangeReferenceSection.decode(section, rawSize: args.rawSize, window: args.window, streamOffset: args.streamOffset) == refs)
        for cut in 0..<section.count {
            #expect(throws: CodecError.self) {
                try LongRangeReferenceSection.decode(Array(section.prefix(cut)), rawSize: args.rawSize, window: args.window, streamOffset: args.streamOffset)
            }
        }
        for bit in 0..<(section.count * 8) {
            var bad = section
            bad[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(throws: CodecError.self) {
                try LongRangeReferenceSection.decode(bad, rawSize: args.rawSize, window: args.window, streamOffset: args.streamOffset)
            }
        }
        #expect(throws: CodecError.self) {
            try LongRangeReferenceSection.decode(section + [0], rawSize: args.rawSize, window: args.window, streamOffset: args.streamOffset)
        }
    }

    /// Sections with a correct checksum but impossible content: each gives an error naming it.
    @Test(arguments: [
        ([1, 0, 0, 5], "length 0"),                       // length 0
        ([1, 0, 5, 0], "distance 0"),                      // distance 0
        ([1, 0, 5, 0xE9, 0x07], "outside 1...1000"),       // distance 1001 > window
        ([1, 50, 5, 61], "reaches before the stream start"), // distance 60 > 10 + 50 produced
        ([1, 0x65, 5, 1], "literal run 101"),              // literal run past the block end
        ([1, 90, 11, 1], "length 11"),                     // length past the block end
        ([2, 0, 5, 1, 0, 96, 1], "length 96"),             // second reference past the block end
        ([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40], "count"), // 2^62 references
        ([1, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 1], "longer than 9 bytes"),
        ([1, 0, 5], "count 1 does not fit"),
        ([1, 0, 0x80, 0x80], "section ends inside the length of reference 1"),
        ([0, 7], "unexpected bytes"),
    ] as [([UInt8], String)])
    func impossibleSectionsNameTheProblem(_ c: ([UInt8], String)) {
        Self.expectFailure(containing: c.1) {
            _ = try LongRangeReferenceSection.decode(Self.withCRC(c.0), rawSize: 100, window: 1000, streamOffset: 10)
        }
    }

    @Test func shortAndChecksumDamagedSectionsNameTheProblem() {
        Self.expectFailure(containing: "shorter than the 5 bytes") {
            _ = try LongRangeReferenceSection.decode([0, 0, 0], rawSize: 1, window: 1, streamOffset: 0)
        }
        var s = Self.withCRC([0])
        s[4] ^= 0x10
        Self.expectFailure(containing: "checksum mismatch") {
            _ = try LongRangeReferenceSection.decode(s, rawSize: 1, window: 1, streamOffset: 0)
        }
    }

    /// Random garbage (with a valid checksum, so parsing is reached) never traps.
    @Test func randomSectionsNeverTrap() {
        var g = SplitMix64(seed: 99)
        var accepted = 0
        for k in 0..<20_000 {
            let body = Generators.random(Int.random(in: 0...40, using: &g), seed: UInt64(k))
            if (try? LongRangeReferenceSection.decode(Self.withCRC(body), rawSize: Int.random(in: 0...5000, using: &g),
                                                      window: Int64.random(in: 1...1 << 40, using: &g),
                                                      streamOffset: Int64.random(in: 0...1 << 40, using: &g))) != nil {
                accepted += 1
            }
        }
        #expect(accepted < 20_000)
    }

    // MARK: - Determinism and parameters

    @Test func sameInputGivesTheSameReferences() throws {
        let s = Self.planted(800_000, seed: 50, repeats: 40, maxDistance: 400_000, lengths: 64...30_000)
        let a = try Self.roundTrip(s, blockSizes: [65_536], window: 1 << 19)
        let b = try Self.roundTrip(s, blockSizes: [65_536], window: 1 << 19)
        #expect(a.blocks.map(\.references) == b.blocks.map(\.references))
        #expect(Self.firstDifference(a.blocks.flatMap(\.residual), b.blocks.flatMap(\.residual)) == nil)
        #expect(a.sections == b.sections)
        #expect(!a.references.isEmpty)
    }

    @Test func parametersOutsideTheirRangesAreRejected() throws {
        let h = try InMemoryHistory(capacity: 10)
        #expect(throws: CodecError.self) { try LongRangeMatcher(window: 0, history: h) }
        #expect(throws: CodecError.self) { try LongRangeMatcher(window: 100, minMatch: 4, history: h) }
        #expect(throws: CodecError.self) { try LongRangeMatcher(window: 100, hashTableBytes: 100, history: h) }
        #expect(throws: CodecError.self) { try LongRangeMatcher(window: 100, anchorSpacingLog: 17, history: h) }
        #expect(throws: CodecError.self) { try InMemoryHistory(capacity: 0) }
        #expect(throws: CodecError.self) { try LongRangeRebuilder(window: 0, history: h) }
    }
}
