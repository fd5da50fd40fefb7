/// Order-k adaptive frequency model over bytes (k = 0, 1 or 2): one
/// `AdaptiveFrequencyModel` per context of the previous k bytes. Contexts are
/// direct (256^k of them) but their counts are created on first use, so an
/// order-2 model only pays for the contexts that occur.
///
/// Unsafe storage lives only inside `withModel`; the model cannot be copied
/// out of it, and frees its storage when it ends.
public struct OrderKFrequencyModel: ~Copyable {
    public let order: Int
    /// Context number → slot + 1 (0 = not yet created).
    @usableFromInline let slotOfContext: UnsafeMutablePointer<UInt32>
    @usableFromInline let cells: UnsafeMutablePointer<UInt16>
    @usableFromInline let slotCapacity: Int
    @usableFromInline var slotsUsed: Int = 0
    /// The last k bytes, most recent in the low byte.
    @usableFromInline var history: UInt32 = 0
    @usableFromInline let contextMask: UInt32

    /// Largest order supported.
    public static let maxOrder = 2

    /// Runs `body` with a fresh model of `order` for coding up to `symbolCount`
    /// symbols (which bounds the number of contexts created).
    public static func withModel<R>(
        order: Int, symbolCount: Int, _ body: (inout OrderKFrequencyModel) throws(CodecError) -> R
    ) throws(CodecError) -> R {
        guard (0...maxOrder).contains(order) else { throw .invalidParameter("frequency model order \(order) outside 0...\(maxOrder)") }
        let contexts = 1 << (8 * order)
        let slots = Swift.max(1, Swift.min(contexts, symbolCount + 1))
        var model = OrderKFrequencyModel(order: order, contexts: contexts, slots: slots)
        return try body(&model)
    }

    deinit {
        slotOfContext.deallocate()
        cells.deallocate()
    }

    init(order: Int, contexts: Int, slots: Int) {
        self.order = order
        slotOfContext = .allocate(capacity: contexts)
        slotOfContext.initialize(repeating: 0, count: contexts)
        // Memory pages of slots never used are never touched.
        cells = .allocate(capacity: slots * AdaptiveFrequencyModel.stride)
        slotCapacity = slots
        contextMask = order == 0 ? 0 : UInt32(truncatingIfNeeded: (1 << (8 * order)) - 1)
    }

    /// The counts for the current context (created on first use).
    @inlinable @inline(__always)
    public mutating func currentContext() -> UnsafeMutablePointer<UInt16> {
        let c = Int(history & contextMask)
        let slot = slotOfContext[c]
        if slot != 0 {
            return cells + (Int(slot) &- 1) &* AdaptiveFrequencyModel.stride
        }
        return createContext(c)
    }

    @usableFromInline
    mutating func createContext(_ c: Int) -> UnsafeMutablePointer<UInt16> {
        // More distinct contexts than symbols coded cannot happen; share slot 0 defensively.
        var slot = 0
        if slotsUsed < slotCapacity {
            slot = slotsUsed
            slotsUsed += 1
            AdaptiveFrequencyModel.initialize(cells + slot * AdaptiveFrequencyModel.stride)
        }
        let ctx = cells + slot * AdaptiveFrequencyModel.stride
        slotOfContext[c] = UInt32(slot + 1)
        return ctx
    }

    /// Records `symbol` in `ctx` (from `currentContext()`) and moves to the next context.
    @inlinable @inline(__always)
    public mutating func update(_ symbol: Int, in ctx: UnsafeMutablePointer<UInt16>) {
        AdaptiveFrequencyModel.update(symbol, in: ctx)
        history = history &<< 8 | UInt32(truncatingIfNeeded: symbol)
    }
}
