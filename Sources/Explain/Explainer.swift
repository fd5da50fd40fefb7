/// What an explainer is given: the bytes (from a file or `--text`), or, for
/// the integer codes, the integers; and the options the command line passed.
public struct ExplainInput: Sendable {
    public var bytes: [UInt8]
    /// For the integer codes (`elias-gamma` …): the values to encode.
    public var integers: [UInt64]
    public var options: ExplainOptions

    public init(bytes: [UInt8] = [], integers: [UInt64] = [], options: ExplainOptions = ExplainOptions()) {
        self.bytes = bytes
        self.integers = integers
        self.options = options
    }

    /// The input as printable text: printable ASCII as is, other bytes as
    /// `\xNN` (and `\n`, `\t`), cut to `limit` characters with "…".
    public var shown: String { ExplainInput.printable(bytes, limit: 120) }

    public static func printable(_ bytes: some Collection<UInt8>, limit: Int = .max) -> String {
        var s = ""
        var n = 0
        for b in bytes {
            if n >= limit { s += "…"; break }
            s += printable(b)
            n += 1
        }
        return s
    }

    /// One byte as the tables show it: `a`, `␣` for a space, `\n`, `\x00`.
    public static func printable(_ b: UInt8) -> String {
        switch b {
        case 0x20: return "␣"
        case 0x0A: return "\\n"
        case 0x09: return "\\t"
        case 0x0D: return "\\r"
        case 0x21...0x7E: return String(UnicodeScalar(b))
        default:
            let hex = Array("0123456789abcdef")
            return "\\x" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 15)])
        }
    }
}

/// Settings an explainer may read; each explainer documents which.
public struct ExplainOptions: Sendable {
    /// Past this many symbols, steps summarise instead of listing every one.
    public var detailLimit: Int = 300
    /// Huffman `--limit L`: the largest code length.
    public var lengthLimit: Int?
    /// Context order (entropy's highest k, PPM's order).
    public var order: Int?
    /// PPM escape method: "A", "B", "C" or "D" (nil: all four side by side).
    public var escape: String?
    /// Golomb's m / Rice's k.
    public var parameter: Int?

    public init() {}
}

/// An error an explainer gives for input it cannot explain (an empty text, an
/// order out of range, a Golomb m of 0), with a message that says what to change.
public struct ExplainError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One algorithm that `squeeze explain` can show. Conformers are small value
/// types; `Explainers.all` lists them.
public protocol Explainer: Sendable {
    /// The name typed after `squeeze explain`.
    static var name: String { get }
    /// One line for `squeeze explain --help` and the list of explainers.
    static var summary: String { get }
    /// True for the integer codes, which read integers (`--value`, `--range`) instead of bytes.
    static var readsIntegers: Bool { get }
    init()
    func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation
}

extension Explainer {
    public static var readsIntegers: Bool { false }
}

/// The explainers, in the order of a course.
public enum Explainers {
    public static var all: [any Explainer.Type] {
        [
            EntropyExplainer.self,
            HuffmanExplainer.self,
            ANSExplainer.self,
            ArithmeticExplainer.self,
            EliasGammaExplainer.self,
            EliasDeltaExplainer.self,
            EliasOmegaExplainer.self,
            GolombExplainer.self,
            RiceExplainer.self,
            FibonacciExplainer.self,
            UnaryExplainer.self,
            LZ77Explainer.self,
            LZWExplainer.self,
            BWTExplainer.self,
            MTFExplainer.self,
            RankExplainer.self,
            IntervalExplainer.self,
            PPMExplainer.self,
        ]
    }

    public static func named(_ name: String) -> (any Explainer.Type)? {
        all.first { $0.name == name }
    }
}
