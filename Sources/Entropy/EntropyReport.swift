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
    public let estimates: [CodeLengthEstimate]
    /// The smallest of `estimates`.
    public let best: CodeLengthEstimate
    /// Seconds spent on orders 0…K, PPM and LZ78 (for the curious; not reproducible).
    public let seconds: [String: Double]

    public static func analyze(_ bytes: UnsafeRawBufferPointer, name: String, options: Options = Options(),
                               clock: () -> Double = { 0 }) -> EntropyReport {
        let n = bytes.count
        var seconds: [String: Double] = [:]
        var t = clock()
        func lap(_ key: String) { let now = clock(); seconds[key] = now - t; t = now }
        let histogram = EmpiricalEntropy.histogram(bytes)
        let context = ContextStatistics.compute(bytes, maxOrder: options.maxOrder)
        lap("orders")
        let ppm = PPMEstimator.estimate(bytes, maxOrder: options.ppmOrder, memoryBudget: options.ppmMemoryBudget)
        lap("ppm")
        let lz = LZEntropyEstimator.lz78(bytes)
        lap("lz78")
        let ctw = options.ctwDepth > 0 ? CTWEstimator.estimate(bytes, depth: options.ctwDepth) : nil
        lap("ctw")
        let huffman = StaticPrefixCodeCost(histogram: histogram)

        var estimates: [CodeLengthEstimate] = []
        func add(_ id: String, _ label: String, _ bits: Double) {
            estimates.append(CodeLengthEstimate(id: id, name: label, bits: bits, byteCount: n))
        }
        let bestKT = context.orders.min { $0.ktBits < $1.ktBits }
        let bestLaplace = context.orders.min { $0.laplaceBits < $1.laplaceBits }
        let bestKTm = context.orders.min { $0.ktInputAlphabetBits < $1.ktInputAlphabetBits }
        if let o = bestKT { add("kt-order-\(o.order)", "adaptive order-\(o.order) KT", o.ktBits) }
        if let o = bestLaplace { add("laplace-order-\(o.order)", "adaptive order-\(o.order) Laplace", o.laplaceBits) }
        if let o = bestKTm {
            add("kt-alphabet-order-\(o.order)", "adaptive order-\(o.order) KT over the \(context.alphabetSize) used bytes",
                o.ktInputAlphabetBits)
        }
        // The exact models of the `arith` codec (levels 0–2): the codec's output is
        // this code length plus a few bytes, which cross-checks estimator and coder.
        for k in options.arithModels where AdaptiveArithmeticCoding.models.contains(k) {
            if let bits = try? AdaptiveModelCost.codeLength(of: bytes, order: k) {
                add("arith-model-\(k)", "adaptive order-\(k) as the arith codec models it", bits)
            }
        }
        lap("arith")
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
            name: name, byteCount: n, alphabetSize: context.alphabetSize, mostFrequent: Array(top),
            histogram: histogram, h0: EmpiricalEntropy.entropy(counts: histogram), orders: context.orders,
            ppm: ppm, lz78: lz, ctw: ctw, huffman: huffman, estimates: estimates, best: best, seconds: seconds)
    }

    public static func analyze(_ bytes: [UInt8], name: String, options: Options = Options()) -> EntropyReport {
        bytes.withUnsafeBytes { analyze($0, name: name, options: options) }
    }

    /// The highest order whose contexts are not too sparse (see `OrderStatistics.isSparse`).
    public var highestReliableOrder: Int {
        orders.last { !$0.isSparse }?.order ?? 0
    }
}
