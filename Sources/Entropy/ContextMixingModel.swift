import Transforms
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bitwise model that mixes the predictions of several order-k contexts
/// (k from `orders`) by online logistic mixing (Mahoney, "Adaptive weighing of
/// context models for lossless data compression", Florida Tech. TR CS-2005-16):
/// each context predicts P(bit = 1), predictions are mixed in the logistic
/// ("stretch") domain with weights trained to minimise coding cost.
///
/// Everything is integer arithmetic, tables included (`LogisticTables`), so
/// encoder, decoder and `AdaptiveModelCost` compute bit-identical
/// probabilities on every platform.
///
/// Counters: 22-bit probability + 10-bit hit count; the update moves p toward
/// the bit by 1/(n + 1.5) until n reaches `countLimit`, so young contexts learn
/// fast and old ones average. Order 0 and 1 are direct tables; higher orders
/// hash (context, high nibble) to buckets of 16 counters, one per partial nibble.
public struct ContextMixingModel: ~Copyable {
    public let orders: [Int]
    @usableFromInline let inputCount: Int
    @usableFromInline let tables: [UnsafeMutablePointer<UInt32>]
    @usableFromInline let tablePointers: UnsafeMutablePointer<UnsafeMutablePointer<UInt32>>
    @usableFromInline let orderOf: UnsafeMutablePointer<Int>
    @usableFromInline let weights: UnsafeMutablePointer<Int32>
    @usableFromInline let index: UnsafeMutablePointer<Int>
    @usableFromInline let stretched: UnsafeMutablePointer<Int32>
    @usableFromInline let contextHash: UnsafeMutablePointer<UInt32>
    @usableFromInline let bucket: UnsafeMutablePointer<Int>
    @usableFromInline let stretchTable: UnsafeMutablePointer<Int32>
    @usableFromInline let squashTable: UnsafeMutablePointer<Int32>
    @usableFromInline let rateTable: UnsafeMutablePointer<Int32>
    @usableFromInline let orderCount: Int
    @usableFromInline var history: UInt64 = 0
    /// Bits of the current byte so far with a leading 1 (1...255).
    @usableFromInline var partial: Int = 1
    @usableFromInline var bitInByte: Int = 0
    /// Bits of the current nibble so far with a leading 1 (1...15).
    @usableFromInline var nibble: Int = 1
    @usableFromInline var p12: Int32 = 2048

    public static let hashedLog2 = 22
    public static let countLimit = 255
    public static let learningRate: Int32 = 6

    /// Runs `body` with a fresh model mixing the given context orders (each 0...7).
    public static func withModel<R>(orders: [Int], _ body: (inout ContextMixingModel) throws(CodecError) -> R) throws(CodecError) -> R {
        guard !orders.isEmpty, orders.count <= 8, orders.allSatisfy({ (0...7).contains($0) }) else {
            throw .invalidParameter("context-mixing orders \(orders) must be 1 to 8 orders in 0...7")
        }
        var tables: [UnsafeMutablePointer<UInt32>] = []
        for k in orders {
            guard let p = allocateTable(count: tableSize(order: k)) else {
                for (k, p) in zip(orders, tables) { LargeAllocation.deallocate(p, count: tableSize(order: k)) }
                throw .limitExceeded("cannot allocate the context-mixing tables")
            }
            tables.append(p)
        }
        var model = ContextMixingModel(orders: orders, tables: tables)
        return try body(&model)
    }

    static func tableSize(order k: Int) -> Int {
        k == 0 ? 256 : k == 1 ? 1 << 16 : 1 << hashedLog2
    }

    init(orders: [Int], tables t: [UnsafeMutablePointer<UInt32>]) {
        self.orders = orders
        inputCount = orders.count + 1
        // Every counter starts at p = 1/2 with no hits.
        let initial: UInt32 = (1 << 21) << 10
        for (k, p) in zip(orders, t) {
            p.initialize(repeating: initial, count: Self.tableSize(order: k))
        }
        tables = t
        tablePointers = .allocate(capacity: orders.count)
        tablePointers.initialize(from: t, count: orders.count)
        orderOf = .allocate(capacity: orders.count)
        orderOf.initialize(from: orders, count: orders.count)
        weights = .allocate(capacity: 256 * inputCount)
        weights.initialize(repeating: Int32(65536 * 3 / 10), count: 256 * inputCount)
        index = .allocate(capacity: inputCount)
        index.initialize(repeating: 0, count: inputCount)
        stretched = .allocate(capacity: inputCount)
        stretched.initialize(repeating: 0, count: inputCount)
        contextHash = .allocate(capacity: inputCount)
        contextHash.initialize(repeating: 0, count: inputCount)
        bucket = .allocate(capacity: inputCount)
        bucket.initialize(repeating: 0, count: inputCount)
        // Copies of the shared integer tables (`LogisticTables`), so the hot
        // loop reads them without global-initialization checks.
        stretchTable = .allocate(capacity: 4096)
        stretchTable.initialize(from: LogisticTables.stretch12, count: 4096)
        squashTable = .allocate(capacity: 4096)
        squashTable.initialize(from: LogisticTables.squash12, count: 4096)
        rateTable = .allocate(capacity: 1024)
        rateTable.initialize(from: LogisticTables.rates, count: 1024)
        orderCount = orders.count
        startByte()
    }

    /// Large tables on huge pages (`LargeAllocation`): the model's random
    /// accesses are otherwise dominated by TLB misses.
    static func allocateTable(count: Int) -> UnsafeMutablePointer<UInt32>? {
        LargeAllocation.tryAllocate(UInt32.self, count: count)
    }

    deinit {
        for (k, p) in zip(orders, tables) { LargeAllocation.deallocate(p, count: Self.tableSize(order: k)) }
        tablePointers.deallocate(); orderOf.deallocate(); weights.deallocate()
        index.deallocate(); stretched.deallocate(); contextHash.deallocate(); bucket.deallocate()
        stretchTable.deallocate(); squashTable.deallocate(); rateTable.deallocate()
    }

    @inlinable @inline(__always)
    static func hash(_ x: UInt64, _ salt: UInt64) -> UInt32 {
        var h = (x &+ salt &* 0x9E37_79B9_7F4A_7C15) &* 0xD6E8_FEB8_6659_FD93
        h ^= h >> 32
        h = h &* 0xD6E8_FEB8_6659_FD93
        return UInt32(truncatingIfNeeded: h >> 32)
    }

    @usableFromInline
    mutating func startByte() {
        for i in 0..<orderCount {
            let k = orderOf[i]
            let mask: UInt64 = k >= 8 ? ~0 : (1 << UInt64(8 * k)) &- 1
            contextHash[i] = Self.hash(history & mask, UInt64(k) &+ 1)
        }
        setBuckets(nibbleSalt: 0)
    }

    @usableFromInline
    mutating func setBuckets(nibbleSalt: UInt64) {
        let shift = UInt32(32 - (Self.hashedLog2 - 4))
        for i in 0..<orderCount where orderOf[i] >= 2 {
            bucket[i] = Int(Self.hash(UInt64(contextHash[i]), nibbleSalt &+ 17) >> shift) << 4
        }
    }

    /// P(next bit = 1) scaled to 2^16, in 16...65520.
    @inlinable @inline(__always)
    public mutating func probabilityOfOne() -> UInt32 {
        let n = orderCount
        let c1 = Int(history & 0xFF)
        var dot: Int64 = 0
        let w = weights + partial &* inputCount
        for i in 0..<n {
            let k = orderOf[i]
            let idx: Int
            if k == 0 { idx = partial } else if k == 1 { idx = c1 &<< 8 | partial } else { idx = bucket[i] | nibble }
            index[i] = idx
            let s = stretchTable[Int(tablePointers[i][idx] >> 20)]
            stretched[i] = s
            dot &+= Int64(w[i]) &* Int64(s)
        }
        stretched[n] = 256
        dot &+= Int64(w[n]) &* 256
        var x = Int32(truncatingIfNeeded: dot >> 16)
        x = Swift.min(2047, Swift.max(-2047, x))
        p12 = squashTable[Int(x &+ 2048)]
        return UInt32(p12) << 4
    }

    /// Learns from the coded bit (after `probabilityOfOne()`).
    @inlinable @inline(__always)
    public mutating func update(_ bit: Bool) {
        let n = orderCount
        let err = ((bit ? 4096 : 0) &- p12) &* Self.learningRate
        let w = weights + partial &* inputCount
        for i in 0...n {
            w[i] &+= (stretched[i] &* err) >> 14
        }
        let target: Int64 = bit ? (1 << 22) - 1 : 0
        for i in 0..<n {
            let cell = tablePointers[i] + index[i]
            let s = cell.pointee
            let count = Int(s & 1023)
            let p = Int64(s >> 10)
            let np = p &+ (((target &- p) &* Int64(rateTable[count])) >> 16)
            let nc = count < Self.countLimit ? count &+ 1 : count
            cell.pointee = UInt32(truncatingIfNeeded: np) << 10 | UInt32(nc)
        }
        partial = partial &<< 1 | (bit ? 1 : 0)
        nibble = nibble &<< 1 | (bit ? 1 : 0)
        bitInByte &+= 1
        if bitInByte == 4 {
            nibble = 1
            setBuckets(nibbleSalt: UInt64(partial & 15) &+ 1)
        } else if bitInByte == 8 {
            history = history &<< 8 | UInt64(partial & 0xFF)
            partial = 1
            nibble = 1
            bitInByte = 0
            startByte()
        }
    }
}
