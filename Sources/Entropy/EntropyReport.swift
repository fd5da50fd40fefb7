/// One achievable code length: what a real coder driven by that model would
/// write (up to a few bytes of arithmetic-coder termination).
public struct CodeLengthEstimate: Sendable, Codable, Equatable {
    /// Stable identifier for machine output ("kt-order-3", "ppm-d-order-5", …).
    public let id: String
    /// Human-readable name.
    public let name: String
    public let bits: Double
    public let byteCount: Int
    public var bitsPerByte: Double { byteCount > 0 ? bits / Double(byteCount) : 0 }
    /// Implied compressed size in whole bytes.
    public var compressedBytes: Int { Int((bits / 8).rounded(.up)) }
    /// Compression ratio original:compressed (0 when either is 0).
    public var ratio: Double { bits > 0 ? Double(byteCount) * 8 / bits : 0 }

    public init(id: String, name: String, bits: Double, byteCount: Int) {
        self.id = id
        self.name = name
        self.bits = bits
        self.byteCount = byteCount
    }
}

/// A byte value and how often it occurs.
public struct SymbolFrequency: Sendable, Codable, Equatable {
    public let byte: Int
    public let count: Int
}

/// Everything `squeeze estimate` says about one input.
public struct EntropyReport: Sendable, Codable {
    public struct Options: Sendable {
        /// Highest context order for Hk and the adaptive order-k code lengths.
        public var maxOrder = 6
        /// Highest order of the PPM blend (≤ `PPMEstimator.maximumOrder`).
        public var ppmOrder = 5
        public var ppmMemoryBudget = PPMEstimator.defaultMemoryBudget
        public var lz78MaxPhrases = LZEntropyEstimator.defaultMaxPhrases
        /// Context depth in bytes of the CTW estimate; 0 (the default) skips it:
        /// it is slow (about 0.3 MB/s at depth 4).
        public var ctwDepth = 0
        /// Models of the `arith` codec whose exact code length is reported (0–2 are fast).
        public var arithModels = [0, 1, 2]
        public init() {}
    }

    public let name: String
    public let byteCount: Int
    /// Distinct byte values.
    public let alphabetSize: Int
    /// The most frequent byte values (up to 8), most frequent first.
    public let mostFrequent: [SymbolFrequency]
    public let histogram: [Int]
    /// H0 in bits per byte.
    public let h0: Double
    public let orders: [OrderStatistics]
    public let ppm: PPMEstimate
    public let lz78: LZ78Estimate
    /// nil when `ctwDepth` is 0.
    public let ctw: CTWEstimate?
    public let huffman: StaticPrefixCodeCost
    /// Every achievable code length computed, in a fixed order.
    public internal(set) var estimates: [CodeLengthEstimate]
    /// The smallest of `estimates`.
    public internal(set) var best: CodeLengthEstimate
    /// Seconds spent on orders 0…K, PPM and LZ78 (for the curious; not reproducible).
    public let seconds: [String: Double]
    /// nil when every figure is exact; set when the input did not fit the memory
    /// limit and was analysed in bounded memory (see `StreamingEntropyAnalysis`).
    public var approximation: Approximation? = nil

    /// What a bounded-memory analysis changed, so that output can say which
    /// figures are approximate and by how much.
    public struct Approximation: Sendable, Codable, Equatable {
        /// The memory limit the analysis kept to, in bytes.
        public let memoryLimit: Int
        /// Per order: exact or hashed, and the interval holding the exact n·Hk.
        public let orders: [OrderBound]
        /// Segment size of the exact per-segment lower bounds.
        public let segmentBytes: Int
        /// Memory given to the PPM model and the LZ78 dictionary (smaller than
        /// in an exact analysis: their figures are those of smaller models).
        public let ppmMemoryBudget: Int
        public let lz78MaxPhrases: Int
        /// Estimators not computed because they need the input in memory.
        public let skipped: [String]
        public init(memoryLimit: Int, orders: [OrderBound], segmentBytes: Int, ppmMemoryBudget: Int,
                    lz78MaxPhrases: Int, skipped: [String]) {
            self.memoryLimit = memoryLimit
            self.orders = orders
            self.segmentBytes = segmentBytes
            self.ppmMemoryBudget = ppmMemoryBudget
            self.lz78MaxPhrases = lz78MaxPhrases
            self.skipped = skipped
        }
    }

    public static func analyze(_ bytes: UnsafeRawBufferPointer, name: String, options: Options = Options(),
                               clock: () -> Double = { 0 }, phase: (String) -> Void = { _ in }) -> EntropyReport {
        let n = bytes.count
        var seconds: [String: Double] = [:]
        var t = clock()
        func lap(_ key: String) { let now = clock(); seconds[key] = now - t; t = now }
        let histogram = EmpiricalEntropy.histogram(bytes)
        phase("orders 0-\(options.maxOrder)")
        let context = ContextStatistics.compute(bytes, maxOrder: options.maxOrder)
        lap("orders")
        phase("PPM")
        let ppm = PPMEstimator.estimate(bytes, maxOrder: options.ppmOrder, memoryBudget: options.ppmMemoryBudget)
        lap("ppm")
        phase("LZ78")
        let lz = LZEntropyEstimator.lz78(bytes, maxPhrases: options.lz78MaxPhrases)
        lap("lz78")
        if options.ctwDepth > 0 { phase("CTW") }
        let ctw = options.ctwDepth > 0 ? CTWEstimator.estimate(bytes, depth: options.ctwDepth) : nil
        lap("ctw")
        phase("arith models")
        var arith: [(Int, Double)] = []
        for k in options.arithModels where AdaptiveArithmeticCoding.models.contains(k) {
            if let bits = try? AdaptiveModelCost.codeLength(of: bytes, order: k) { arith.append((k, bits)) }
        }
        lap("arith")
        return assemble(name: name, n: n, histogram: histogram, orders: context.orders, alphabetSize: context.alphabetSize,
                        ppm: ppm, lz: lz, ctw: ctw, arith: arith, seconds: seconds)
    }

    /// The estimates, the best and the summary figures from the estimators' results.
    static func assemble(name: String, n: Int, histogram: [Int], orders: [OrderStatistics], alphabetSize: Int,
                         ppm: PPMEstimate, lz: LZ78Estimate, ctw: CTWEstimate?, arith: [(Int, Double)],
                         seconds: [String: Double]) -> EntropyReport {
        let huffman = StaticPrefixCodeCost(histogram: histogram)

        var estimates: [CodeLengthEstimate] = []
        func add(_ id: String, _ label: String, _ bits: Double) {
            estimates.append(CodeLengthEstimate(id: id, name: label, bits: bits, byteCount: n))
        }
        let bestKT = orders.min { $0.ktBits < $1.ktBits }
        let bestLaplace = orders.min { $0.laplaceBits < $1.laplaceBits }
        let bestKTm = orders.min { $0.ktInputAlphabetBits < $1.ktInputAlphabetBits }
        if let o = bestKT { add("kt-order-\(o.order)", "adaptive order-\(o.order) KT", o.ktBits) }
        if let o = bestLaplace { add("laplace-order-\(o.order)", "adaptive order-\(o.order) Laplace", o.laplaceBits) }
        if let o = bestKTm {
            add("kt-alphabet-order-\(o.order)", "adaptive order-\(o.order) KT over the \(alphabetSize) used bytes",
                o.ktInputAlphabetBits)
        }
        // The exact models of the `arith` codec (levels 0–2): the codec's output is
        // this code length plus a few bytes, which cross-checks estimator and coder.
        for (k, bits) in arith {
            add("arith-model-\(k)", "adaptive order-\(k) as the arith codec models it", bits)
        }
        add("ppm-d-order-\(ppm.maxOrder)", "PPM order \(ppm.maxOrder) (escape D, exclusions)", ppm.bits)
        if let ctw { add("ctw-depth-\(ctw.depth)", "CTW depth \(ctw.depth) (binary decomposition)", ctw.bits) }
        add("lz78", "LZ78 code", lz.codeBits)
        add("huffman-order-0", "static Huffman order 0 + table", Double(huffman.totalBits))
        // Never empty: PPM, LZ78 and Huffman are always added.
        let best = estimates.min { $0.bits < $1.bits } ?? CodeLengthEstimate(id: "none", name: "none", bits: 0, byteCount: n)

        let top = histogram.indices.filter { histogram[$0] > 0 }
            .sorted { (histogram[$0], -$0) > (histogram[$1], -$1) }
            .prefix(8).map { SymbolFrequency(byte: $0, count: histogram[$0]) }
        return EntropyReport(
            name: name, byteCount: n, alphabetSize: alphabetSize, mostFrequent: Array(top),
            histogram: histogram, h0: EmpiricalEntropy.entropy(counts: histogram), orders: orders,
            ppm: ppm, lz78: lz, ctw: ctw, huffman: huffman, estimates: estimates, best: best, seconds: seconds)
    }

    /// This report with more achievable code lengths — real codecs' output sizes, which
    /// the estimators here cannot compute — appended, and the best chosen again.
    public func including(_ more: [CodeLengthEstimate]) -> EntropyReport {
        var copy = self
        copy.estimates += more
        if let b = copy.estimates.min(by: { $0.bits < $1.bits }) { copy.best = b }
        return copy
    }

    public static func analyze(_ bytes: [UInt8], name: String, options: Options = Options()) -> EntropyReport {
        bytes.withUnsafeBytes { analyze($0, name: name, options: options) }
    }

    /// The highest order whose contexts are not too sparse (see `OrderStatistics.isSparse`).
    public var highestReliableOrder: Int {
        orders.last { !$0.isSparse }?.order ?? 0
    }
}
