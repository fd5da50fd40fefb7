import Transforms

/// Block sorting with adaptive binary arithmetic coding: the BWT of large
/// blocks (Burrows & Wheeler 1994), move-to-front, then one of two second
/// stages through the range coder:
/// - **Levels 1…5:** a run model codes runs of equal bytes as a rank and a
///   length. It makes about 1.9 cheap binary decisions per byte of text.
///   Payloads are written with `SecondRunModel` (format 1); those written
///   before it with `BWTRunModel` (format 0) still decode.
/// - **Levels 6…9:** `BWTRankModel` codes every rank with context-mixed
///   binary decisions, about 2.4 per byte, each mixing four counters and
///   refined twice.
///
/// Format: one range-coder stream (`RangeEncoder`). Per block, until the
/// original size is reached, it holds a header word and the primary index as
/// 32 bits each at probability ½, then the block by the model. The header
/// word is the raw size n (at most 2^28) plus the model's format number
/// times 2^29: 0 for `BWTRunModel` and the context-mixing model, 1 for
/// `SecondRunModel`. Payloads from before format 1 hold the bare size, so
/// they read as format 0. The model carries over from block to block within
/// one payload, and every block must name the same format. A payload whose
/// first block names a format above 1 (a newer build's) is `.unsupported`.
///
/// Sizes and speeds beside bzip2 -9 (`squeeze bench bwt`) are in
/// docs/BLOCKSORT.md, not here, so that refreshing a figure touches no code.
/// Every Calgary file fits one block from level 3 up, so levels 6…9 give
/// level 7's size and levels 3…5 give level 5's.
///
/// Memory while compressing a block of n bytes:
/// - The input (n), the BWT output (n) and the suffix sort inside
///   `BurrowsWheeler.forward` (4n of 32-bit suffix array entries; SA-IS keeps
///   no type bits): 6n at the peak on text. A reduced problem with many
///   distinct names can add up to 2n more at one recursion level, and
///   under 4n over all levels.
/// - Then the coded output (below n), once the suffix array is freed.
/// - Model tables: 20 MB at levels 6…9, 130 KB at 1…5.
///
/// Memory while decompressing: the BWT block (n), the output (n), the inverse
/// transform's successor array (4n, or 8n from 16 MiB up) and its staging
/// buffer (n). That is 7n, or 11n from 16 MiB.
public struct BWTCodec: Codec {
    /// Raw bytes per block sort.
    public let blockSize: Int
    /// The model's parts: `.full` is the codec's format; the others exist for
    /// `squeeze bench bwt`, which measures what each part costs and buys.
    public let variant: ModelVariant

    public init(blockSize: Int, variant: ModelVariant = .full) {
        self.blockSize = Swift.max(1, Swift.min(blockSize, Self.maxBlockSize))
        self.variant = variant
    }
    public init(level: Int, variant: ModelVariant? = nil) {
        self.init(blockSize: Self.blockSize(level: level),
                  variant: variant ?? (Self.runModelLevels.contains(level) ? .runs : .full))
    }

    /// The second stage. Levels 1…5 code with `.runs` (and decode format 0
    /// payloads with `.firstRuns`), levels 6…9 with `.full`. `.firstRuns`
    /// writes format 0 and decodes only it. The others are `.runs` with
    /// parts added or `.full` with parts taken away one after another:
    /// `squeeze bench bwt` measures them, and they are never written to an
    /// archive (a stream decodes only with the variant that coded it).
    public enum ModelVariant: String, CaseIterable, Sendable {
        case firstRuns = "run model, format 0"
        case runs = "run model 1 (levels 1-5)"
        case runsMixed = "+ mixer, SSE, pairs"
        case full = "full model (levels 6-9)"
        case noSecondary = "no secondary estimation"
        case noHistory = "and no rank-history counter"
        case noPair = "and no byte-pair counter"
        case oneRate = "and one rate per counter"
    }

    /// The levels that code with the fast run model.
    public static let runModelLevels = 1...5

    public static let maxBlockSize = 1 << 28

    /// Level l sorts blocks of 256 KiB · 2^(l − 1): 256 KiB at 1 … 64 MiB at 9.
    public static func blockSize(level: Int) -> Int { (1 << 18) << (Swift.min(9, Swift.max(1, level)) - 1) }

    public static let descriptor = CodecDescriptor(
        name: "bwt", id: 14,
        summary: "BWT of large blocks, move-to-front, binary arithmetic coding: 1-5 fast run model, 6-9 context mixing (256 KiB … 64 MiB blocks)",
        levels: Array(1...9), defaultLevel: 7, otherFormatLevels: [runModelLevels.upperBound],
        blockSize: { blockSize(level: $0) },
        make: { BWTCodec(level: $0) },
        // 7n, or 11n from 16 MiB (see above), and the model tables of levels 6...9.
        decodeMemory: { level, n in (n >= 16 << 20 ? 11 : 7) * n + (level >= 6 ? 24 << 20 : 1 << 20) })

    /// One switch per direction, naming each model type statically: a single
    /// `any BWTSecondStage.Type` opened at the call was measured to leave the
    /// context-mixing model unspecialised (0.35x bzip2 -9 instead of 0.58x).
    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        switch variant {
        case .firstRuns: try encode(input, into: &out, BWTRunModel.self)
        case .runs: try encode(input, into: &out, SecondRunModel.self)
        case .runsMixed: try encode(input, into: &out, MixedRunModel.self)
        case .full: try encode(input, into: &out, BWTRankModel<AllModelParts>.self)
        case .noSecondary: try encode(input, into: &out, BWTRankModel<PartsWithoutSecondary>.self)
        case .noHistory: try encode(input, into: &out, BWTRankModel<PartsWithoutHistory>.self)
        case .noPair: try encode(input, into: &out, BWTRankModel<PartsWithoutPair>.self)
        case .oneRate: try encode(input, into: &out, BWTRankModel<PartsWithOneRate>.self)
        }
    }

    func encode<Model: BWTSecondStage & ~Copyable>(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer, _: Model.Type) throws(CodecError) {
        let n = input.count
        guard n > 0, let base = input.baseAddress else { return }
        let size = Swift.min(blockSize, n)
        let bwt = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        defer { bwt.deallocate() }
        var model = try Model()
        let mtf = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        defer { mtf.deallocate() }
        let list = UnsafeMutableBufferPointer(start: mtf, count: 256)
        var encoder = RangeEncoder(appendingTo: out)
        out = ByteBuffer()
        var start = 0
        while start < n {
            let count = Swift.min(size, n - start)
            let block = UnsafeRawBufferPointer(start: base + start, count: count)
            let region = UnsafeMutableRawBufferPointer(rebasing: bwt[0..<count])
            let primary = BurrowsWheeler.forward(block, into: region)
            _ = Self.codeRaw(UInt32(count) | Model.format << Self.formatShift, &encoder)
            _ = Self.codeRaw(UInt32(primary), &encoder)
            for k in 0..<256 { mtf[k] = UInt8(k) }
            model.encode(UnsafeRawBufferPointer(region), list, &encoder)
            start += count
        }
        out = encoder.finish()
    }

    /// A run-model payload (levels 1…5) of one sort block written from the
    /// given runs, valid or not, in `format` 0 (`BWTRunModel`) or 1
    /// (`SecondRunModel`): `size` and `primaryIndex` go into the block header
    /// as they are (the format number above `size`), the first run's `rank`
    /// is its byte, and ranks up to 259 (format 0) or 263 (format 1) and
    /// lengths up to 2^31 can be written (writing stops after the first run
    /// that names a rank above 255 or a length of 2^31 or more). A real
    /// encoder never writes such streams; tests and students use this to see
    /// what the decoder does with them.
    public static func runModelPayload(size: UInt32, primaryIndex: UInt32, runs: [(rank: Int, length: Int)],
                                       format: Int = 0) -> [UInt8] {
        format == 0 ? runModelPayload(BWTRunModel.self, size: size, primaryIndex: primaryIndex, runs: runs, maxRank: 259)
            : runModelPayload(SecondRunModel.self, size: size, primaryIndex: primaryIndex, runs: runs, maxRank: 263)
    }

    static func runModelPayload<Model: BWTRunCoder & ~Copyable>(_: Model.Type, size: UInt32, primaryIndex: UInt32,
                                                    runs: [(rank: Int, length: Int)], maxRank: Int) -> [UInt8] {
        guard var model = try? Model() else { return [] }
        let mtf = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        defer { mtf.deallocate() }
        for k in 0..<256 { mtf[k] = UInt8(k) }
        let list = UnsafeMutableBufferPointer(start: mtf, count: 256)
        var encoder = RangeEncoder()
        _ = codeRaw(size | Model.format << formatShift, &encoder)
        _ = codeRaw(primaryIndex, &encoder)
        for (k, run) in runs.enumerated() {
            let rank = Swift.max(0, Swift.min(run.rank, k == 0 ? 255 : maxRank))
            let length = Swift.max(1, Swift.min(run.length, 1 << 31))
            guard model.codeRun(rank: rank, length: length, first: k == 0, mtf, &encoder) != nil else { break }
            MoveToFront.promote(list, rank: rank)
        }
        return encoder.finish().bytes
    }

    /// The header word's bits from here up name the model's format; below is the block size.
    static let formatShift: UInt32 = 29
    /// The highest format number this build reads (`SecondRunModel`'s); a payload naming a higher one is `.unsupported`.
    static let newestFormat: UInt32 = 1

    /// 32 bits at probability ½, most significant first.
    static func codeRaw<C: BinaryCoder>(_ value: UInt32, _ coder: inout C) -> UInt32 {
        var v: UInt32 = 0
        for k in stride(from: 31, through: 0, by: -1) {
            let bit = coder.code((value >> UInt32(k)) & 1 != 0, probabilityOfOne: 1 << 15)
            v = v << 1 | (bit ? 1 : 0)
        }
        return v
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard originalCount >= 0 else { throw .invalidParameter("negative original size") }
        guard originalCount > 0 else { return }
        var decoder = RangeDecoder(input)
        // The first block's header word names the format; level 1…5 payloads may be either run model's.
        let header = Self.codeRaw(0, &decoder)
        let firstFormat = variant == .runs && header >> Self.formatShift == 0
        switch variant {
        case .firstRuns: try decode(header, &decoder, originalCount: originalCount, into: &out, BWTRunModel.self)
        case .runs where firstFormat: try decode(header, &decoder, originalCount: originalCount, into: &out, BWTRunModel.self)
        case .runs: try decode(header, &decoder, originalCount: originalCount, into: &out, SecondRunModel.self)
        case .runsMixed: try decode(header, &decoder, originalCount: originalCount, into: &out, MixedRunModel.self)
        case .full: try decode(header, &decoder, originalCount: originalCount, into: &out, BWTRankModel<AllModelParts>.self)
        case .noSecondary: try decode(header, &decoder, originalCount: originalCount, into: &out, BWTRankModel<PartsWithoutSecondary>.self)
        case .noHistory: try decode(header, &decoder, originalCount: originalCount, into: &out, BWTRankModel<PartsWithoutHistory>.self)
        case .noPair: try decode(header, &decoder, originalCount: originalCount, into: &out, BWTRankModel<PartsWithoutPair>.self)
        case .oneRate: try decode(header, &decoder, originalCount: originalCount, into: &out, BWTRankModel<PartsWithOneRate>.self)
        }
    }

    /// Decodes the payload whose first header word, `firstHeader`, was already read from `decoder`.
    func decode<Model: BWTSecondStage & ~Copyable>(_ firstHeader: UInt32, _ decoder: inout RangeDecoder, originalCount: Int,
                                       into out: inout ByteBuffer, _: Model.Type) throws(CodecError) {
        let bwt = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.min(originalCount, blockSize), alignment: 8)
        defer { bwt.deallocate() }
        var model = try Model()
        let mtf = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        defer { mtf.deallocate() }
        let list = UnsafeMutableBufferPointer(start: mtf, count: 256)
        let written = try out.withUnsafeAppendingSpace(maxCount: originalCount) { (region) throws(CodecError) -> Int in
            var done = 0
            while done < originalCount {
                let header = done == 0 ? firstHeader : Self.codeRaw(0, &decoder)
                let primary = Int(Self.codeRaw(0, &decoder))
                try decoder.finish()
                guard header >> Self.formatShift == Model.format else {
                    // A newer build may write a format this one lacks; a second format within a payload is damage.
                    if done == 0, header >> Self.formatShift > Self.newestFormat {
                        throw .unsupported("bwt payload format \(header >> Self.formatShift) (this build reads 0–\(Self.newestFormat))")
                    }
                    throw .corrupt("BWT block at byte \(done) names model format \(header >> Self.formatShift), this payload's is \(Model.format)")
                }
                let n = Int(header & (1 << Self.formatShift - 1))
                guard n >= 1, n <= Swift.min(originalCount - done, bwt.count) else {
                    throw .corrupt("BWT block of \(n) bytes with \(originalCount - done) left (block size \(bwt.count))")
                }
                guard primary >= 1, primary <= n else { throw .corrupt("BWT primary index \(primary) outside 1...\(n)") }
                guard let dst = bwt.baseAddress?.assumingMemoryBound(to: UInt8.self) else { throw .corrupt("no block buffer") }
                for k in 0..<256 { mtf[k] = UInt8(k) }
                try model.decode(into: dst, count: n, offset: done, list, &decoder)
                try decoder.finish()
                try BurrowsWheeler.inverse(UnsafeRawBufferPointer(rebasing: bwt[0..<n]), primaryIndex: primary,
                                           into: UnsafeMutableRawBufferPointer(rebasing: region[done..<(done + n)]))
                done += n
            }
            return done
        }
        guard written == originalCount else { throw .truncated }
    }
}

/// `BWTCodec.ModelVariant`s as part sets (`ModelPartSet`), each taking one more part away.
typealias PartsWithoutSecondary = ModelPartSet<11>
typealias PartsWithoutHistory = ModelPartSet<9>
typealias PartsWithoutPair = ModelPartSet<8>
typealias PartsWithOneRate = ModelPartSet<0>

/// A second stage of `bwt`: codes one sort block's BWT output against a
/// move-to-front list that starts as 0…255; the model's statistics carry
/// over from block to block. A model owns its tables and frees them in `deinit`.
protocol BWTSecondStage: ~Copyable {
    /// The number in the block header word that names this model's payloads.
    static var format: UInt32 { get }
    init() throws(CodecError)
    mutating func encode(_ block: UnsafeRawBufferPointer, _ list: UnsafeMutableBufferPointer<UInt8>, _ encoder: inout RangeEncoder)
    /// Decodes `count` bytes into `dst`; `offset` (bytes before this block) is for error messages.
    mutating func decode(into dst: UnsafeMutablePointer<UInt8>, count: Int, offset: Int,
                         _ list: UnsafeMutableBufferPointer<UInt8>, _ decoder: inout RangeDecoder) throws(CodecError)
}

extension BWTSecondStage where Self: ~Copyable {
    static var format: UInt32 { 0 }
}

extension BWTRankModel: BWTSecondStage {
    /// Move-to-front on the fly: each byte's rank goes to the model with the list, then the byte moves to the front.
    mutating func encode(_ block: UnsafeRawBufferPointer, _ list: UnsafeMutableBufferPointer<UInt8>, _ encoder: inout RangeEncoder) {
        guard let mtf = list.baseAddress else { return }
        for i in 0..<block.count {
            let r = MoveToFront.position(of: block[i], in: list)
            _ = codeRank(r, mtf, &encoder)
            MoveToFront.promote(list, rank: r)
        }
    }

    mutating func decode(into dst: UnsafeMutablePointer<UInt8>, count: Int, offset: Int,
                         _ list: UnsafeMutableBufferPointer<UInt8>, _ decoder: inout RangeDecoder) throws(CodecError) {
        guard let mtf = list.baseAddress else { return }
        for i in 0..<count {
            let rank = codeRank(0, mtf, &decoder)
            guard rank >= 0 else { throw .corrupt("rank above 255 in BWT block at byte \(offset + i)") }
            dst[i] = MoveToFront.promote(list, rank: rank)
        }
    }
}

/// A second stage that codes the block as runs of equal bytes, each a rank and a length (`codeRun`).
protocol BWTRunCoder: BWTSecondStage, ~Copyable {
    mutating func codeRun<C: BinaryCoder>(rank: Int, length: Int, first: Bool,
                                          _ mtf: UnsafeMutablePointer<UInt8>, _ coder: inout C) -> (rank: Int, length: Int)?
}

extension BWTRunModel: BWTRunCoder {}

extension BWTRunMixModel: BWTRunCoder {
    static var format: UInt32 { 1 }
}

extension BWTRunCoder where Self: ~Copyable {
    mutating func encode(_ block: UnsafeRawBufferPointer, _ list: UnsafeMutableBufferPointer<UInt8>, _ encoder: inout RangeEncoder) {
        guard let mtf = list.baseAddress, let base = block.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let n = block.count
        var i = 0
        while i < n {
            let b = base[i]
            // The run's end, eight bytes per step: the first nonzero byte of word XOR b·0x0101…01.
            let pattern = 0x0101_0101_0101_0101 &* UInt64(b)
            var j = i &+ 1
            while true {
                if j &+ 8 <= n {
                    let x = UInt64(littleEndian: UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)) ^ pattern
                    if x != 0 { j &+= x.trailingZeroBitCount &>> 3; break }
                    j &+= 8
                } else {
                    while j < n && base[j] == b { j &+= 1 }
                    break
                }
            }
            let r = MoveToFront.position(of: b, in: list)
            _ = codeRun(rank: r, length: j &- i, first: i == 0, mtf, &encoder)
            MoveToFront.promote(list, rank: r)
            i = j
        }
    }

    mutating func decode(into dst: UnsafeMutablePointer<UInt8>, count: Int, offset: Int,
                         _ list: UnsafeMutableBufferPointer<UInt8>, _ decoder: inout RangeDecoder) throws(CodecError) {
        guard let mtf = list.baseAddress else { return }
        var i = 0
        while i < count {
            guard let (rank, length) = codeRun(rank: 0, length: 0, first: i == 0, mtf, &decoder) else {
                throw .corrupt("rank above 255 or run of 2^31 bytes or more in BWT block at byte \(offset + i)")
            }
            guard length <= count &- i else {
                throw .corrupt("run of \(length) bytes passes the end of the BWT block at byte \(offset + i)")
            }
            let b = MoveToFront.promote(list, rank: rank)
            (dst + i).update(repeating: b, count: length)
            i &+= length
        }
    }
}
