import Codecs
import Transforms

/// Auto mode (docs/AUTO.md): chooses, for each block on its own, a filter and
/// one of this package's codecs. Levels 1 and 2 decide from cheap statistics
/// of the block; level 3 also trial-codes the candidates on a prefix of the
/// block and keeps the smallest. Every decision depends on the block's bytes
/// only, so a frame is the same for any thread count.
public struct AutoSelector: Sendable {
    public static let name = "auto"
    public static let levels: ClosedRange<Int> = 1...3
    public static let defaultLevel = 2

    public let level: Int

    public init(level: Int) {
        self.level = Swift.min(Swift.max(level, Self.levels.lowerBound), Self.levels.upperBound)
    }

    /// Raw bytes per block: large enough for bwt's and lz77's windows at the level's codecs.
    public var blockSize: Int { level >= 3 ? 16 << 20 : 8 << 20 }

    /// What the statistics of a block say (docs/AUTO.md, "Decision rules").
    public struct Features: Sendable, Equatable {
        /// Order-0 entropy of the block, bits per byte.
        public var order0: Double
        /// Order-2 entropy estimate (bits per byte) over a sample: what a context model can reach.
        public var order2: Double
        /// Share of bytes that are ASCII text (printable, tab, newline) or UTF-8 (0x80 and up).
        public var textShare: Double
        /// Share of control bytes other than tab and newlines (0x00…0x1F, 0x7F).
        public var controlShare: Double
        /// x86 signature: share of E8 bytes whose displacement is plausible, E8 per KiB.
        public var callPlausible: Double
        public var callsPerKiB: Double
        /// Best delta stride by autocorrelation, the entropy of its differences and of the sample.
        public var stride: Int
        public var deltaBits: Double
        public var sampleBits: Double

        public var looksLikeText: Bool { controlShare < 0.002 && textShare > 0.97 }
        /// Code: E8 bytes frequent, and most carry a displacement under 2^24.
        public var looksLikeX86: Bool { callPlausible >= 0.35 && callsPerKiB >= 2 }
        /// Fixed-width numbers: the stride's differences cost clearly less than the bytes.
        public var deltaPays: Bool { !looksLikeText && deltaBits < sampleBits - 0.8 && deltaBits < order2 + 0.3 }
    }

    /// The statistics of `data` (a few linear passes; the stride search looks at 64 KiB).
    public static func features(_ data: UnsafeRawBufferPointer) -> Features {
        let n = data.count
        var counts = [Int](repeating: 0, count: 256)
        counts.withUnsafeMutableBufferPointer { c in
            for b in data { c[Int(b)] &+= 1 }
        }
        var order0 = 0.0
        var control = 0
        var text = 0
        if n > 0 {
            var sum = 0.0
            for k in 0..<256 where counts[k] > 0 {
                sum += Double(counts[k]) * log2(Double(counts[k]))
                if k < 0x20 && k != 0x09 && k != 0x0A && k != 0x0D || k == 0x7F { control += counts[k] } else { text += counts[k] }
            }
            order0 = Swift.max(0, log2(Double(n)) - sum / Double(n))
        }
        let sig = X86Filter.signature(data)
        let delta = DeltaFilter.detectStride(data, maxStride: 32, sampleBytes: 1 << 16)
        return Features(order0: order0, order2: order2Estimate(data), textShare: n == 0 ? 0 : Double(text) / Double(n),
                        controlShare: n == 0 ? 0 : Double(control) / Double(n),
                        callPlausible: sig.plausibleShare, callsPerKiB: sig.perKiB,
                        stride: delta.stride, deltaBits: delta.deltaBits, sampleBits: delta.sampleBits)
    }

    /// Conditional entropy H(x | two bytes before) over up to 256 KiB from the
    /// middle of `data`, the contexts hashed to 4096 rows of 256 counts. On a
    /// sample it understates what is reachable on the whole block; it is a
    /// comparison between blocks, not a size.
    static func order2Estimate(_ data: UnsafeRawBufferPointer) -> Double {
        let n = data.count
        let len = Swift.min(n, 1 << 18)
        guard len > 2, let base = data.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 8 }
        let p = base + (n - len) / 2
        let rows = 1 << 12
        var table = [UInt32](repeating: 0, count: rows * 256)
        var rowTotals = [UInt32](repeating: 0, count: rows)
        var bits = 0.0
        // Adaptive code length with a +1/2 prior per symbol: a price, not a count.
        table.withUnsafeMutableBufferPointer { t in
            rowTotals.withUnsafeMutableBufferPointer { r in
                for i in 2..<len {
                    let ctx = (Int(p[i &- 1]) &* 0x9E5 ^ Int(p[i &- 2]) &* 0x3C1) & (rows - 1)
                    let s = Int(p[i])
                    let c = Double(t[ctx << 8 | s]) + 0.5
                    let tot = Double(r[ctx]) + 128
                    bits -= log2(c / tot)
                    t[ctx << 8 | s] &+= 1
                    r[ctx] &+= 1
                }
            }
        }
        return bits / Double(len - 2)
    }

    /// A candidate: codec, level, filter.
    struct Choice {
        var descriptor: CodecDescriptor
        var level: Int
        var filter: BlockFilter
    }

    /// The filters worth trying on a block with these features, best guess first.
    static func filters(_ f: Features) -> [BlockFilter] {
        var out: [BlockFilter] = [.none]
        if f.looksLikeX86 { out.insert(.x86, at: 0) }
        if f.deltaPays { out.insert(.delta(stride: f.stride), at: 0) }
        return out
    }

    /// What a stretch of bytes holds, as the decision rules below class it.
    /// An archive classes each member from its own data and names the class
    /// of the block that holds it (`SqzFrameWriter.blockKind`): a block of
    /// many small text files is mostly text, but its tar headers (zeros)
    /// would make its own bytes read as binary.
    public enum Kind: Sendable, Equatable, CustomStringConvertible {
        case x86
        case delta(stride: Int)
        case text
        case binary
        /// Nearly uniform bytes (already compressed): store unless a trial finds something.
        case noise

        public var description: String {
            switch self {
            case .x86: "x86 code"
            case .delta(let s): "numbers of stride \(s)"
            case .text: "text"
            case .binary: "binary"
            case .noise: "incompressible"
            }
        }

        /// The filters worth trying for this kind, best guess first.
        var filters: [BlockFilter] {
            switch self {
            case .x86: [.x86, .none]
            case .delta(let s): [.delta(stride: s), .none]
            case .text, .binary, .noise: [.none]
            }
        }
    }

    /// The class of bytes with these statistics (rules 1-5 of docs/AUTO.md).
    public static func kind(_ f: Features) -> Kind {
        switch filters(f).first {
        case .x86?: return .x86
        case .delta(let s)?: return .delta(stride: s)
        default: break
        }
        if f.order0 > 7.9 && f.order2 > 7.5 { return .noise }
        return f.looksLikeText ? .text : .binary
    }

    /// The plan for one block; `hint` is the class of what the block holds when
    /// the caller knows better than the block's bytes (an archive's members).
    func choose(_ raw: UnsafeRawBufferPointer, hint: Kind? = nil) -> SqzCompressor.BlockPlan {
        let f = Self.features(raw)
        let own = Self.kind(f)
        let kind = hint ?? own
        let filters = hint?.filters ?? Self.filters(f)
        let members = hint == nil || hint == own ? "" : "members' data \(kind) (the block's bytes read as \(own)); "
        // Nearly uniform bytes: a fast trial on a sample says whether anything is there to find.
        if kind == .noise {
            if trialSize(Choice(descriptor: LZ77ArithCodec.descriptor, level: 1, filter: .none), raw, prefix: 1 << 16) >= 0.98 {
                return plan(Choice(descriptor: StoreCodec.descriptor, level: 0, filter: .none), members + "incompressible: order-0 \(fmt(f.order0)) bits/byte, lz77 -1 trial saves < 2%")
            }
        }
        if level >= 3 {
            return strongest(raw, f, filters, text: hint.map { $0 == .text } ?? f.looksLikeText, note: members)
        }
        // Levels measured in docs/AUTO.md: the fastest that stay near the strongest.
        let lzLevel = level == 1 ? 3 : 5
        switch kind {
        case .x86:
            // x86 code: LZ with the call transform (xz's recipe).
            return plan(Choice(descriptor: LZ77ArithCodec.descriptor, level: lzLevel, filter: .x86),
                        members + "x86 signature: \(fmt(f.callsPerKiB)) E8/KiB, \(Int(f.callPlausible * 100))% plausible")
        case .delta(let stride):
            // Numbers: bwt's run model over the deltas (its context-mixing levels cost
            // ten times the time on such high-entropy residues for 1-2% less).
            return plan(Choice(descriptor: BWTCodec.descriptor, level: 5, filter: .delta(stride: stride)),
                        members + "stride \(stride): deltas \(fmt(f.deltaBits)) bits/byte vs \(fmt(f.sampleBits))")
        case .text:
            // PPM order 5 beats bwt on texts up to a few MiB and is faster; bwt wins on larger ones.
            if level >= 2 && raw.count <= 2 << 20 {
                return plan(Choice(descriptor: PPMCodec.descriptor, level: 5, filter: .none),
                            members + "text: \(Int(f.textShare * 100))% text bytes, order-2 \(fmt(f.order2)) bits/byte, block up to 2 MiB")
            }
            return plan(Choice(descriptor: BWTCodec.descriptor, level: level == 1 ? 5 : 7, filter: .none),
                        members + "text: \(Int(f.textShare * 100))% text bytes, order-2 \(fmt(f.order2)) bits/byte")
        case .binary, .noise:
            return plan(Choice(descriptor: LZ77ArithCodec.descriptor, level: level == 1 ? 3 : 6, filter: .none),
                        members + "binary: order-0 \(fmt(f.order0)), order-2 \(fmt(f.order2)) bits/byte")
        }
    }

    /// Level 3: trial-codes the candidates on a prefix and takes the smallest.
    private func strongest(_ raw: UnsafeRawBufferPointer, _ f: Features, _ filters: [BlockFilter],
                           text: Bool, note: String) -> SqzCompressor.BlockPlan {
        var candidates: [Choice] = []
        for filter in filters {
            candidates.append(Choice(descriptor: LZ77ArithCodec.descriptor, level: 9, filter: filter))
            candidates.append(Choice(descriptor: BWTCodec.descriptor, level: 9, filter: filter))
        }
        // PPM wins on small texts; its order-5 model is what the reports show best there.
        if text { candidates.append(Choice(descriptor: PPMCodec.descriptor, level: 5, filter: .none)) }
        // Context mixing is the strongest model we have on nearly everything (docs/CM.md),
        // at a tenth of lz77's speed: the strongest level weighs it too, with the detected
        // filter and, when there is one, without: cm's record contexts can see a table's
        // columns better than the deltas do (kennedy.xls: cm alone 10% below bwt on delta:13).
        let cmFilter = filters.first ?? .none
        candidates.append(Choice(descriptor: CMCodec.descriptor, level: 9, filter: cmFilter))
        if cmFilter != .none { candidates.append(Choice(descriptor: CMCodec.descriptor, level: 9, filter: .none)) }
        let prefix = 1 << 20
        var best = candidates[0]
        var bestSize = Double.infinity
        var why: [String] = []
        for c in candidates {
            let r = trialSize(c, raw, prefix: prefix)
            why.append("\(c.descriptor.name) -\(c.level)\(c.filter == .none ? "" : "+\(c.filter)") \(fmt(r * 8))")
            if r < bestSize { best = c; bestSize = r }
        }
        return plan(best, note + "trial on \(SqzFormat.sizeText(Swift.min(prefix, raw.count))): " + why.joined(separator: ", ") + " bits/byte")
    }

    /// Coded size / raw size of the first `prefix` bytes under a candidate (1 when coding fails).
    private func trialSize(_ c: Choice, _ raw: UnsafeRawBufferPointer, prefix: Int) -> Double {
        let n = Swift.min(prefix, raw.count)
        guard n > 0 else { return 1 }
        var sample = Array(UnsafeRawBufferPointer(rebasing: raw[0..<n]))
        sample.withUnsafeMutableBytes { c.filter.apply($0) }
        var out = ByteBuffer(capacity: n + n / 64 + 1024)
        let codec = c.descriptor.make(c.level)
        do {
            try sample.withUnsafeBytes { s in try codec.encode(s, into: &out) }
        } catch {
            return 1
        }
        return Double(out.count) / Double(n)
    }

    private func plan(_ c: Choice, _ reason: String) -> SqzCompressor.BlockPlan {
        SqzCompressor.BlockPlan(descriptorID: c.descriptor.id, level: c.level, codec: c.descriptor.make(c.level),
                                filter: c.filter, reason: reason, storedNamesStore: true)
    }

    private func fmt(_ x: Double) -> String {
        let t = (x * 100).rounded() / 100
        return String(t)
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
