/// How a PPM model estimates escapes and updates counts.
///
/// The classic methods are kept for teaching, so the harness can show what
/// each idea buys (Cleary & Witten 1984 for A and B; Moffat 1990 for C; Howard 1993
/// for D). `strong` is this package's own PPMd-class design (after the ideas of
/// Shkarin, "PPM: one year later", 2002): adaptive binary coding of
/// deterministic contexts, secondary escape estimation, inherited counts for
/// new symbols and contexts, and bounded counts with periodic halving.
public enum PPMVariant: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Escape count 1 in every context.
    case a = 1
    /// A symbol is predicted only once seen twice: P(s) = (count − 1) / n,
    /// P(escape) = distinct symbols / n. Symbols seen once are not excluded
    /// after an escape (the coder could not have predicted them).
    case b = 2
    /// Escape count = number of distinct (non-excluded) symbols; counts +1.
    case c = 3
    /// Counts +2 (new symbols start at 1), escape count = distinct symbols:
    /// P(escape) = d / 2n.
    case d = 4
    /// Binary contexts with adaptive bit probabilities, SEE, inheritance.
    case strong = 16

    public var description: String {
        switch self {
        case .a: "PPMA"
        case .b: "PPMB"
        case .c: "PPMC"
        case .d: "PPMD"
        case .strong: "PPM (SEE, binary contexts, inheritance)"
        }
    }

    /// Amount added to a symbol's count when it is seen again.
    @inlinable var increment: UInt32 {
        switch self {
        case .a, .b, .c: 1
        case .d: 2
        case .strong: 2
        }
    }
}

/// What a PPM model does when its memory pool is full. The encoder names the
/// policy in the block's first byte (see `PPMCodec`), so the decoder mirrors it.
public enum PPMPoolPolicy: UInt8, Sendable, CaseIterable {
    /// Empty the pool and start again from the order-0 context (the first
    /// format: blocks whose marker byte is 0).
    case restart = 0
    /// Keep the trie's shape: no new contexts or symbols, every count still
    /// updated, and a position whose context cannot be built continues in the
    /// longest suffix of it that exists (as PPMd's "freeze" mode, Shkarin 2002).
    case freeze = 1
}
