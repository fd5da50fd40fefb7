/// A universal (monotonic) integer code chosen by value, so a codec can
/// store or select its code at run time: `code.encode(n, to: &writer)`.
///
/// Domains: `.gamma`, `.delta`, `.omega`, `.fibonacci` code n ≥ 1 (0 is
/// written as 1; use `encode(zeroBased:)` when 0 can occur); `.unary`,
/// `.rice(k)` (k in 0...63) and `.golomb(m)` (m ≥ 1) code n ≥ 0.
/// Decoders throw `.corrupt` on overlong or out-of-range codewords,
/// `.invalidParameter` on k or m outside their range, and may return a value
/// built from zero padding after the input ends: check the reader
/// (`checkNotOverrun()`) when the block is done.
public enum UniversalCode: Sendable, Hashable, CustomStringConvertible {
    case unary
    case gamma
    case delta
    case omega
    case fibonacci
    /// Golomb–Rice with parameter k (m = 2^k).
    case rice(Int)
    /// Golomb with parameter m ≥ 1.
    case golomb(UInt64)

    /// Smallest value the code represents: 0 for unary, Rice and Golomb, 1 for the others.
    @inlinable
    public var minimumValue: UInt64 {
        switch self {
        case .unary, .rice, .golomb: 0
        case .gamma, .delta, .omega, .fibonacci: 1
        }
    }

    /// Whether the parameter (if any) is in range.
    public var isValid: Bool {
        switch self {
        case .rice(let k): RiceCode.parameterRange.contains(k)
        case .golomb(let m): m >= 1
        default: true
        }
    }

    public var description: String {
        switch self {
        case .unary: "unary"
        case .gamma: "gamma"
        case .delta: "delta"
        case .omega: "omega"
        case .fibonacci: "fibonacci"
        case .rice(let k): "rice(k=\(k))"
        case .golomb(let m): "golomb(m=\(m))"
        }
    }

    /// Bits `encode` writes for n.
    @inlinable
    public func codeLength(_ n: UInt64) -> Int {
        switch self {
        case .unary: UnaryCode.codeLength(n)
        case .gamma: EliasGamma.codeLength(n)
        case .delta: EliasDelta.codeLength(n)
        case .omega: EliasOmega.codeLength(n)
        case .fibonacci: FibonacciCode.codeLength(n)
        case .rice(let k): RiceCode.codeLength(n, k: k)
        case .golomb(let m): GolombCode.codeLength(n, m: m)
        }
    }

    @inlinable @inline(__always)
    public func encode(_ n: UInt64, to writer: inout BitWriter) {
        switch self {
        case .unary: UnaryCode.encode(n, to: &writer)
        case .gamma: EliasGamma.encode(n, to: &writer)
        case .delta: EliasDelta.encode(n, to: &writer)
        case .omega: EliasOmega.encode(n, to: &writer)
        case .fibonacci: FibonacciCode.encode(n, to: &writer)
        case .rice(let k): RiceCode.encode(n, k: k, to: &writer)
        case .golomb(let m): GolombCode.encode(n, m: m, to: &writer)
        }
    }

    @inlinable @inline(__always)
    public func decode(from reader: inout BitReader) throws(CodecError) -> UInt64 {
        switch self {
        case .unary: try UnaryCode.decode(from: &reader)
        case .gamma: try EliasGamma.decode(from: &reader)
        case .delta: try EliasDelta.decode(from: &reader)
        case .omega: try EliasOmega.decode(from: &reader)
        case .fibonacci: try FibonacciCode.decode(from: &reader)
        case .rice(let k): try RiceCode.decode(k: k, from: &reader)
        case .golomb(let m): try GolombCode.decode(m: m, from: &reader)
        }
    }

    /// Codes n ≥ 0 with every code: n + `minimumValue` is written
    /// (n = `UInt64.max` with a 1-based code is out of range and written as `UInt64.max`).
    @inlinable @inline(__always)
    public func encode(zeroBased n: UInt64, to writer: inout BitWriter) {
        let shifted = minimumValue == 0 || n == .max ? n : n &+ 1
        encode(shifted, to: &writer)
    }

    /// Inverse of `encode(zeroBased:)`.
    @inlinable @inline(__always)
    public func decodeZeroBased(from reader: inout BitReader) throws(CodecError) -> UInt64 {
        try decode(from: &reader) &- minimumValue
    }

    /// Bits `encode(zeroBased:)` writes for n.
    @inlinable
    public func codeLength(zeroBased n: UInt64) -> Int {
        codeLength(minimumValue == 0 || n == .max ? n : n &+ 1)
    }
}
