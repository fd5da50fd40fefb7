import BitIO
import Codecs

/// `squeeze explain lzw`: the codes our `lzw` codec writes (Welch 1984), taken
/// from the codec's own parse (`LZWCodec.codes`), with the dictionary entry each
/// step adds and the width each code is written at.
public struct LZWExplainer: Explainer {
    public static let name = "lzw"
    public static let summary = "the dictionary as it grows and the codes emitted, with their widths"

    /// The codec's default (level 16): codes grow from 9 to 16 bits.
    static let maxBits = 16

    public init() {}

    /// One code of the parse: where its string starts, the string's length, the
    /// code and its width, and the entry added after it (nil for none).
    struct Row {
        var position: Int
        var length: Int
        var code: Int
        var width: Int
        var newEntry: (code: Int, start: Int, length: Int)?
    }

    /// Replays the codec's codes over the input to recover each code's string and
    /// the entries the decoder adds: an entry is the previous string plus the next byte.
    static func rows(_ bytes: [UInt8], maxBits: Int) throws(ExplainError) -> [Row] {
        let codec = LZWCodec(maxBits: maxBits)
        let codes = bytes.withUnsafeBytes { codec.codes($0) }
        let maxCodes = 1 << codec.maxBits
        var lengths: [Int: Int] = [:]   // code → string length
        var nextCode = LZWCodec.firstFree
        var position = 0
        var rows: [Row] = []
        rows.reserveCapacity(codes.count)
        for (code, width) in codes {
            if code == LZWCodec.clearCode {
                rows.append(Row(position: position, length: 0, code: code, width: width, newEntry: nil))
                lengths.removeAll(keepingCapacity: true)
                nextCode = LZWCodec.firstFree
                continue
            }
            let length = code < 256 ? 1 : (lengths[code] ?? 0)
            guard length > 0, position + length <= bytes.count else {
                throw ExplainError("internal: LZW code \(code) at byte \(position) is not in the replayed dictionary")
            }
            var entry: (code: Int, start: Int, length: Int)?
            if position + length < bytes.count && nextCode < maxCodes {
                entry = (nextCode, position, length + 1)
                lengths[nextCode] = length + 1
                nextCode += 1
            }
            rows.append(Row(position: position, length: length, code: code, width: width, newEntry: entry))
            position += length
        }
        guard position == bytes.count else {
            throw ExplainError("internal: LZW codes cover \(position) of \(bytes.count) bytes")
        }
        return rows
    }

    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        let bytes = input.bytes
        guard !bytes.isEmpty else { throw ExplainError("lzw: the input is empty; give some text") }
        let rows = try Self.rows(bytes, maxBits: Self.maxBits)
        let limit = max(1, input.options.detailLimit)
        let summarised = rows.count > limit
        var steps: [Explanation.Step] = []

        steps.append(Explanation.Step(
            title: "The initial dictionary",
            text: """
            Before the first byte the dictionary holds the 256 single bytes as codes 0–255. \
            Our lzw, like Unix compress, reserves code 256 for CLEAR (start the dictionary again), \
            so the first new string gets code 257 — where the textbook (Welch 1984) starts at 256. \
            Every code number above 255 is therefore one more than in the textbook example. \
            Each code is written with just enough bits for the largest code that could come next: \
            9 bits while that is below 512, then 10, … up to \(Self.maxBits) bits (the default level). \
            When the dictionary is full it is frozen, and a CLEAR is sent when the compression ratio \
            starts to fall.
            """))

        var table: [[String]] = []
        for (k, r) in rows.prefix(limit).enumerated() {
            let string = r.code == LZWCodec.clearCode ? "CLEAR" : ExplainFormat.shown(bytes[r.position..<r.position + r.length])
            let entry = r.newEntry.map { "\($0.code) = " + ExplainFormat.shown(bytes[$0.start..<$0.start + $0.length]) } ?? "–"
            table.append(["\(k + 1)", "\(r.position)", string, "\(r.code)", "\(r.width)", entry])
        }
        steps.append(Explanation.Step(
            title: "Greedy parse: longest string in the dictionary, its code, one new entry",
            text: """
            At each step the encoder takes the longest string at the current position that is \
            already in the dictionary, writes its code, and adds that string followed by the next \
            byte as a new entry. The decoder learns each entry one step late (it needs the first \
            byte of the next string), which is why a code may name the entry being made (the KwKwK case).\
            \(summarised ? " Only the first \(limit) of \(rows.count) codes are listed." : "")
            """,
            table: Explanation.Table(columns: ["step", "at byte", "string", "code", "bits", "new entry"],
                                     rows: table, alignRight: [true, true, false, true, true, false])))

        let entries = rows.compactMap { $0.newEntry }
        if !summarised {
            let lines = entries.map { "\($0.code)  " + ExplainFormat.shown(bytes[$0.start..<$0.start + $0.length]) }
            steps.append(Explanation.Step(
                title: "The dictionary at the end",
                text: "\(entries.count) entries were added beyond the 256 bytes (and CLEAR); "
                    + "each is an earlier entry plus one byte.",
                lines: lines.isEmpty ? ["(none)"] : lines))
        }

        let codeBits = rows.reduce(0) { $0 + $1.width }
        let payload = 1 + (codeBits + 7) / 8
        let real = bytes.withUnsafeBytes { raw -> Int in
            var out = ByteBuffer()
            do { try LZWCodec(maxBits: Self.maxBits).encode(raw, into: &out) } catch { return -1 }
            return out.count
        }
        let widths = Dictionary(grouping: rows, by: { $0.width }).map { ($0.key, $0.value.count) }.sorted { $0.0 < $1.0 }
        steps.append(Explanation.Step(
            title: "What it costs",
            text: """
            \(rows.count) codes: \(widths.map { "\($0.1) of \($0.0) bits" }.joined(separator: ", ")), \
            \(codeBits) bits in all. Our lzw writes one header byte (the largest code width) and \
            pads the last byte, so its payload is \(payload) bytes (the real codec wrote \(real)).
            """))

        let summary: [Explanation.Fact] = [
            Explanation.Fact(name: "codes", value: "\(rows.count)", number: Double(rows.count)),
            Explanation.Fact(name: "dictionary entries added", value: "\(entries.count)", number: Double(entries.count)),
            Explanation.Fact(name: "code bits", value: "\(codeBits) bits", number: Double(codeBits)),
            Explanation.Fact(name: "lzw payload", value: ExplainFormat.bytes(real), number: Double(real)),
            Explanation.Fact(name: "rate", value: ExplainFormat.perByte(Double(codeBits), bytes.count),
                             number: Double(codeBits) / Double(bytes.count)),
        ]
        return Explanation(algorithm: Self.name, title: "LZW of \"\(ExplainInput.printable(bytes, limit: 40))\"",
                           input: ExplainFormat.input(input, summarised: summarised), steps: steps, summary: summary)
    }
}
