import BitIO
import Foundation

/// Number and bit-string formatting shared by every explainer, so every table
/// shows probabilities, bit counts and code words the same way.
enum ExplainFormat {
    /// A figure with `digits` decimals ("2.0404").
    static func fixed(_ x: Double, _ digits: Int = 4) -> String {
        String(format: "%.\(digits)f", x)
    }

    /// A count with its noun, pluralised: "1 bit", "23 bits", "2 matches".
    static func count(_ n: Int, _ one: String, _ many: String? = nil) -> String {
        "\(n) " + (n == 1 ? one : many ?? one + "s")
    }

    /// The low `width` bits of `value` in binary, most significant first.
    static func binary(_ value: UInt64, width: Int) -> String {
        guard width > 0 else { return "" }
        var s = ""
        s.reserveCapacity(width)
        for i in stride(from: width - 1, through: 0, by: -1) {
            s.append(i < 64 && (value >> UInt64(i)) & 1 == 1 ? "1" : "0")
        }
        return s
    }

    /// n in binary without leading zeros ("10001" for 17; "0" for 0).
    static func binary(_ n: UInt64) -> String {
        n == 0 ? "0" : binary(n, width: 64 - n.leadingZeroBitCount)
    }

    /// The first `count` bits of `bytes` (MSB first) as a string of 0s and 1s.
    static func bits(_ bytes: [UInt8], count: Int) -> String {
        var s = ""
        s.reserveCapacity(count)
        for i in 0..<count {
            let byte = i >> 3 < bytes.count ? bytes[i >> 3] : 0
            s.append((byte >> UInt8(7 - (i & 7))) & 1 == 1 ? "1" : "0")
        }
        return s
    }

    /// What a `BitWriter` filled by `write` holds, as 0s and 1s: the code
    /// words exactly as squeeze writes them.
    static func written(_ write: (inout BitWriter) -> Void) -> String {
        var w = BitWriter()
        write(&w)
        let count = w.bitCount
        return bits(w.finish().bytes, count: count)
    }

    /// A long bit string cut for a table: its start, "…", its end.
    static func abbreviated(_ bits: String, limit: Int = 72) -> String {
        guard bits.count > limit else { return bits }
        return String(bits.prefix(limit - 16)) + "…" + String(bits.suffix(12)) + " (\(bits.count) bits)"
    }

    /// An exact fraction a/b in lowest terms ("1", "15/16").
    static func fraction(_ a: Int, _ b: Int) -> String {
        func gcd(_ x: Int, _ y: Int) -> Int { y == 0 ? x : gcd(y, x % y) }
        let g = Swift.max(gcd(a, b), 1)
        return b / g == 1 ? "\(a / g)" : "\(a / g)/\(b / g)"
    }

    /// The bits `code` writes for n, as "0" and "1" characters, MSB first (as BitWriter writes them).
    static func codeword(_ code: UniversalCode, _ n: UInt64) -> String {
        written { code.encode(n, to: &$0) }
    }

    /// A byte count for the summary: "19 bytes".
    static func bytes(_ n: Int) -> String { count(n, "byte") }

    /// Bits with two decimals unless whole: "23 bits", "17.58 bits".
    static func bits(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return "\(Int(x)) bits" }
        return fixed(x, 2) + " bits"
    }

    /// Bits per input byte, for the summary: "3.250 bits/byte".
    static func perByte(_ bits: Double, _ count: Int) -> String {
        count == 0 ? "–" : fixed(bits / Double(count), 3) + " bits/byte"
    }

    /// A string of input bytes as the tables show it, cut at `limit` characters.
    static func shown(_ bytes: some Collection<UInt8>, limit: Int = 40) -> String {
        ExplainInput.printable(bytes, limit: limit)
    }

    /// Text escaped for SVG and HTML.
    static func xml(_ s: String) -> String { ExplanationHTML.escape(s) }

    /// The input's description for `Explanation.input`.
    static func input(_ input: ExplainInput, summarised: Bool) -> Explanation.InputDescription {
        Explanation.InputDescription(shown: input.shown, count: input.bytes.count, summarised: summarised)
    }
}
