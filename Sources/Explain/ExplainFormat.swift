import BitIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small formatting helpers shared by the LZ77, LZW, BWT, MTF, rank, interval
/// and PPM explainers (kept apart from the renderers, which know no algorithm).
enum ExplainFormat {
    /// The bits `code` writes for n, as "0" and "1" characters, MSB first (as BitWriter writes them).
    static func codeword(_ code: UniversalCode, _ n: UInt64) -> String {
        var writer = BitWriter()
        code.encode(n, to: &writer)
        let count = writer.bitCount
        let bytes = writer.finish().bytes
        var s = ""
        s.reserveCapacity(count)
        for i in 0..<count { s += (bytes[i >> 3] >> (7 - UInt8(i & 7))) & 1 == 1 ? "1" : "0" }
        return s
    }

    /// "1 match", "2 matches".
    static func count(_ n: Int, _ one: String, _ many: String? = nil) -> String {
        "\(n) " + (n == 1 ? one : many ?? one + "s")
    }

    /// A byte count for the summary: "19 bytes".
    static func bytes(_ n: Int) -> String { n == 1 ? "1 byte" : "\(n) bytes" }

    /// Bits with two decimals unless whole: "23 bits", "17.58 bits".
    static func bits(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return "\(Int(x)) bits" }
        return fixed(x, 2) + " bits"
    }

    /// x with `digits` decimals, no exponent.
    static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "\(x)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (abs(x) * scale).rounded()
        let whole = Int(r / scale)
        var frac = String(Int(r - Double(whole) * scale))
        while frac.count < digits { frac = "0" + frac }
        return (x < 0 && r > 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + frac : "")
    }

    /// Bits per input byte, for the summary: "3.25 bits/byte".
    static func perByte(_ bits: Double, _ count: Int) -> String {
        count == 0 ? "–" : fixed(bits / Double(count), 3) + " bits/byte"
    }

    /// A string of input bytes as the tables show it, cut at `limit` characters.
    static func shown(_ bytes: some Collection<UInt8>, limit: Int = 40) -> String {
        ExplainInput.printable(bytes, limit: limit)
    }

    /// SVG text escaping.
    static func xml(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// The input's description for `Explanation.input`.
    static func input(_ input: ExplainInput, summarised: Bool) -> Explanation.InputDescription {
        Explanation.InputDescription(shown: input.shown, count: input.bytes.count, summarised: summarised)
    }
}
