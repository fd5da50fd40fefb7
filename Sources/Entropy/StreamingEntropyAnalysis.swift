/// How `squeeze estimate` spends a memory limit: the whole input in memory
/// and exact figures when it fits, else a bounded-memory stream.
///
/// Bytes counted: the input held in memory, the context-statistics arrays, the
/// PPM model (its budget ×3: its arrays grow by doubling), the LZ78 table, CTW
/// and the `arith` model tables. `runtimeReserve` stands for the Swift runtime,
/// code and small buffers, which are not counted one by one.
public struct EstimateMemoryPlan: Sendable {
    public static let runtimeReserve = 32 << 20
    public static let minimumLimit = 48 << 20
    public static let maximumLimit = 1 << 40
    public static let defaultLimit = 2 << 30
    /// Bytes read at a time in bounded mode.
    public static let chunkSize = 1 << 20
    /// The `arith` models 0–2 need at most this much (order 2: 65,536 contexts of 256 counts).
    static let arithModelMemory = 48 << 20

    public let limit: Int
    public let options: EntropyReport.Options

    public init(limit: Int, options: EntropyReport.Options) {
        self.limit = limit
        self.options = options
    }

    /// Bytes for everything but the runtime.
    var working: Int { Swift.max(0, limit - Self.runtimeReserve) }

    /// Options for an exact analysis of `n` bytes held in memory, or nil when it does not fit.
    public func exactOptions(count n: Int) -> EntropyReport.Options? {
        let rest = working - n
        guard rest > 0, ContextStatistics.peakMemory(count: n, maxOrder: options.maxOrder) <= rest else { return nil }
        if options.ctwDepth > 0 && CTWEstimator.defaultTableSlots * 16 > rest { return nil }
        var o = options
        if !o.arithModels.isEmpty && Self.arithModelMemory > rest { o.arithModels = [] }
        o.ppmMemoryBudget = Swift.min(options.ppmMemoryBudget, rest / 3)
        o.lz78MaxPhrases = Swift.min(options.lz78MaxPhrases, LZEntropyEstimator.maxPhrases(forMemory: rest))
        return o
    }

    /// The largest input analysed exactly (standard input is buffered up to this).
    public var largestExactInput: Int {
        var lo = 0
        var hi = working
        while lo < hi {
            let mid = lo + (hi - lo + 1) / 2
            if exactOptions(count: mid) != nil { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Budgets of a bounded-memory analysis: what is left after the read
    /// buffer and a buffered prefix of standard input (at most `largestExactInput`).
    public struct Bounded: Sendable {
        public let tables: Int
        public let segmentBytes: Int
        public let ppmBudget: Int
        public let lz78MaxPhrases: Int
    }

    public var bounded: Bounded {
        let w = Swift.max(0, working - largestExactInput - Self.chunkSize - (4 << 20))
        let segmentShare = w / 8
        var segment = segmentShare / 19
        while segment > 4096
            && segment + ContextStatistics.peakMemory(count: segment, maxOrder: options.maxOrder) > segmentShare {
            segment = segment * 7 / 8
        }
        return Bounded(tables: w / 2, segmentBytes: Swift.max(4096, segment),
                       ppmBudget: Swift.min(options.ppmMemoryBudget, w / 4 / 3),
                       lz78MaxPhrases: Swift.min(options.lz78MaxPhrases, LZEntropyEstimator.maxPhrases(forMemory: w / 8)))
    }
}

/// `EntropyReport` for an input fed in pieces, in bounded memory: the
/// histogram, Huffman, PPM and LZ78 run on the stream (PPM and LZ78 with the
/// smaller memory of `EstimateMemoryPlan.bounded`, so their figures are exact
/// code lengths of smaller models), orders 0…K come from
/// `HashedContextStatistics` (exact while the tables fit, else bounded), and
/// CTW and the `arith` model figures are skipped (they need the input in memory).
public struct StreamingEntropyAnalysis {
    let options: EntropyReport.Options
    let plan: EstimateMemoryPlan
    let budgets: EstimateMemoryPlan.Bounded
    var histogram = [Int](repeating: 0, count: 256)
    var context: HashedContextStatistics
    var ppm: PPMEstimator.Stream
    var lz: LZ78Parser
    public private(set) var byteCount = 0

    public init(plan: EstimateMemoryPlan) {
        self.plan = plan
        options = plan.options
        budgets = plan.bounded
        context = HashedContextStatistics(maxOrder: options.maxOrder, budget: budgets.tables,
                                          segmentSize: budgets.segmentBytes)
        ppm = PPMEstimator.Stream(maxOrder: options.ppmOrder, memoryBudget: budgets.ppmBudget)
        lz = LZ78Parser(maxPhrases: budgets.lz78MaxPhrases)
    }

    public mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        let h = EmpiricalEntropy.histogram(bytes)
        for v in 0..<256 { histogram[v] += h[v] }
        context.consume(bytes)
        ppm.consume(bytes)
        lz.consume(bytes)
        byteCount += bytes.count
    }

    /// Bytes held by the context tables (the part that grows with the input), for tests.
    public var contextTableBytes: Int { context.tableBytes }

    public mutating func finish(name: String) -> EntropyReport {
        let (orders, bounds) = context.finish(histogram: histogram)
        let alphabet = histogram.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        var skipped: [String] = []
        if options.ctwDepth > 0 { skipped.append("ctw-depth-\(options.ctwDepth)") }
        skipped += options.arithModels.map { "arith-model-\($0)" }
        var report = EntropyReport.assemble(
            name: name, n: byteCount, histogram: histogram, orders: orders, alphabetSize: alphabet,
            ppm: ppm.finish(), lz: lz.finish(), ctw: nil, arith: [], seconds: [:])
        report.approximation = EntropyReport.Approximation(
            memoryLimit: plan.limit, orders: bounds, segmentBytes: budgets.segmentBytes,
            ppmMemoryBudget: budgets.ppmBudget, lz78MaxPhrases: budgets.lz78MaxPhrases, skipped: skipped)
        return report
    }
}
