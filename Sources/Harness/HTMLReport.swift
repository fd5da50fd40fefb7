import Foundation

/// A family of codecs shares a hue in the charts; its members (codecs and
/// levels) are shades of it, darker for the later (stronger) ones, so 31
/// candidates read as eight or nine groups instead of a 31-colour rainbow.
public struct CodecFamily: Equatable, Sendable {
    public let name: String
    public let hue: Int
    public let saturation: Int

    static let store = CodecFamily(name: "store", hue: 0, saturation: 0)
    static let all: [(prefixes: [String], family: CodecFamily)] = [
        (["store"], store),
        (["huffman"], CodecFamily(name: "Huffman", hue: 32, saturation: 90)),
        (["arith"], CodecFamily(name: "arithmetic", hue: 275, saturation: 55)),
        (["ans"], CodecFamily(name: "ANS", hue: 95, saturation: 70)),
        (["rank", "interval"], CodecFamily(name: "rank / interval", hue: 320, saturation: 65)),
        (["lzw"], CodecFamily(name: "LZW", hue: 55, saturation: 85)),
        (["lz77", "lzfast"], CodecFamily(name: "LZ77", hue: 212, saturation: 70)),
        (["ppm"], CodecFamily(name: "PPM", hue: 130, saturation: 55)),
        (["bwt"], CodecFamily(name: "BWT", hue: 355, saturation: 75)),
        (["cm"], CodecFamily(name: "context mixing", hue: 20, saturation: 60)),
    ]
    static let system = CodecFamily(name: "system libraries", hue: 190, saturation: 12)
    static let external = CodecFamily(name: "external programs", hue: 175, saturation: 60)
    static let other = CodecFamily(name: "other", hue: 60, saturation: 30)

    public static func of(_ c: CandidateInfo) -> CodecFamily {
        if c.origin == "system" { return system }
        if c.origin == "external" { return external }
        return all.first { $0.prefixes.contains { c.codec.hasPrefix($0) } }?.family ?? other
    }
}

/// Colours and families of a report's candidates, in the report's order.
public struct CandidatePalette: Sendable {
    public let families: [CodecFamily]
    /// Family index of each candidate.
    public let familyOf: [Int]
    /// CSS colours, "hsl(hue,saturation%,lightness%)".
    public let colors: [String]

    public init(_ candidates: [CandidateInfo]) {
        var families: [CodecFamily] = []
        var familyOf: [Int] = []
        for c in candidates {
            let f = CodecFamily.of(c)
            if !families.contains(f) { families.append(f) }
            familyOf.append(families.firstIndex(of: f) ?? 0)
        }
        // Shades: lightness from 70% (first member) down to 34% (last), evenly; a narrower
        // range would blur levels, a wider one would make dark shades of near hues look alike.
        var colors: [String] = []
        for (i, fi) in familyOf.enumerated() {
            let members = familyOf.indices.filter { familyOf[$0] == fi }
            let rank = members.firstIndex(of: i) ?? 0
            let lightness = members.count == 1 ? 48 : 70 - 36 * rank / (members.count - 1)
            let f = families[fi]
            colors.append("hsl(\(f.hue),\(f.saturation)%,\(lightness)%)")
        }
        self.families = families
        self.familyOf = familyOf
        self.colors = colors
    }
}

/// A label's box on a chart, for placing labels where they do not overlap.
public struct LabelBox: Sendable {
    public var x0, y0, x1, y1: Double
    public init(x0: Double, y0: Double, x1: Double, y1: Double) { self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1 }
    public func overlaps(_ o: LabelBox) -> Bool { x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1 }
}

extension ReportWriter {
    public static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A tick label without trailing zeros: 2, 2.5, 1.75, 0.05 (at most `digits` decimals).
    public static func tick(_ v: Double, digits: Int = 2) -> String {
        var text = String(format: "%.\(digits)f", v)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// Width of `text` at the charts' 11 px font, a little generous (no font metrics at hand).
    public static func textWidth(_ text: String) -> Double { Double(text.count) * 6.4 + 2 }

    /// Shows only the codecs whose box is ticked: every chart mark, table column and
    /// row of a codec carries data-c="index". Without JavaScript the boxes stay hidden and all is shown.
    static let pickerScript = """
    <script>
    (function(){
      document.body.classList.add("js");
      var boxes=[].slice.call(document.querySelectorAll("input[data-pick]"));
      var fams=[].slice.call(document.querySelectorAll("input[data-family]"));
      function apply(){
        var off={};
        boxes.forEach(function(b){ if(!b.checked) off[b.getAttribute("data-pick")]=1; });
        [].forEach.call(document.querySelectorAll("[data-c]"),function(e){
          e.style.display=off[e.getAttribute("data-c")]?"none":"";
        });
        fams.forEach(function(f){
          var m=boxes.filter(function(b){return b.getAttribute("data-fam")===f.getAttribute("data-family");});
          var on=m.filter(function(b){return b.checked;}).length;
          f.checked=on===m.length; f.indeterminate=on>0&&on<m.length;
        });
      }
      boxes.forEach(function(b){ b.addEventListener("change",apply); });
      fams.forEach(function(f){ f.addEventListener("change",function(){
        boxes.forEach(function(b){ if(b.getAttribute("data-fam")===f.getAttribute("data-family")) b.checked=f.checked; });
        apply();
      }); });
      [].forEach.call(document.querySelectorAll("button[data-show]"),function(btn){
        btn.addEventListener("click",function(){
          var w=btn.getAttribute("data-show");
          boxes.forEach(function(b){ b.checked=w==="all"||(w==="ours"&&b.getAttribute("data-origin")==="ours")
            ||(w==="front"&&b.hasAttribute("data-front")); });
          apply();
        });
      });
    })();
    </script>
    """

    /// A self-contained page: a legend that picks codecs, then per corpus a chart of
    /// every file's bits/byte, the table, and a size/speed chart with its Pareto front.
    public func html() -> String {
        let palette = CandidatePalette(comparison.candidates)
        var h = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>squeeze compare</title>
        <style>
        body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222;max-width:1400px}
        table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 7px}
        td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}.best{font-weight:700;background:#e6f4e6}
        .fail{color:#b00;font-weight:700}.chart,.wide{overflow-x:auto}svg text{font:11px system-ui,sans-serif}
        .legend{display:flex;flex-wrap:wrap;gap:4px 18px;margin:.5em 0 1em}.fam{min-width:15em}
        .fam b{display:block}.sw{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:-1px;border-radius:2px}
        .legend label{display:block;white-space:nowrap}.legend input,.buttons{display:none}
        .js .legend input{display:inline;margin:0 4px 0 0}.js .buttons{display:block}
        </style></head><body>
        <h1>squeeze compare</h1>
        <p>Generated by <code>\(Self.escape(command))</code>.</p>

        """
        if !environment.isEmpty && !maskTimings {
            h += "<p>" + environment.map { "\(Self.escape($0.0)): \(Self.escape($0.1))" }.joined(separator: " · ") + "</p>\n"
        }
        let failures = comparison.failures
        if !failures.isEmpty {
            h += "<h2 class=\"fail\">Failures (\(failures.count))</h2><table><tr><th>corpus</th><th>file</th><th>codec</th><th>error</th></tr>"
            for r in failures {
                h += "<tr><td>\(Self.escape(r.corpus))</td><td>\(Self.escape(r.file))</td><td>\(Self.escape(r.codec))</td><td class=\"fail\">\(Self.escape(r.error ?? ""))</td></tr>"
            }
            h += "</table>\n"
        }
        h += legend(palette)
        for corpus in comparison.corpora {
            h += corpusHTML(corpus, palette)
        }
        h += Self.pickerScript + "\n</body></html>\n"
        return h
    }

    /// The colour key, grouped by family; with JavaScript its boxes choose what the charts and tables show.
    func legend(_ palette: CandidatePalette) -> String {
        let fronts = Set(comparison.corpora.flatMap { comparison.paretoFront(corpus: $0.name).map(\.codec) })
        var h = "<h2>Codecs</h2>\n<p>Colours group codecs by family; darker shades are later levels. "
        h += "Tick codecs to show them in every chart and table; hover over a mark for its name and figures.</p>\n"
        h += "<p class=\"buttons\"><button data-show=\"all\">all</button> <button data-show=\"ours\">ours only</button>"
        h += " <button data-show=\"front\">Pareto fronts only</button></p>\n<div class=\"legend\">"
        for (fi, family) in palette.families.enumerated() {
            h += "<div class=\"fam\"><b><label><input type=\"checkbox\" checked data-family=\"\(fi)\">\(Self.escape(family.name))</label></b>"
            for (ci, c) in comparison.candidates.enumerated() where palette.familyOf[ci] == fi {
                h += "<label><input type=\"checkbox\" checked data-pick=\"\(ci)\" data-fam=\"\(fi)\" data-origin=\"\(Self.escape(c.origin))\""
                h += (fronts.contains(c.label) ? " data-front" : "") + ">"
                h += "<span class=\"sw\" style=\"background:\(palette.colors[ci])\"></span>\(Self.escape(c.label))</label>"
            }
            h += "</div>"
        }
        return h + "</div>\n"
    }

    func corpusHTML(_ corpus: Corpus, _ palette: CandidatePalette) -> String {
        let labels = comparison.candidates.map(\.label)
        var h = "<h2>\(Self.escape(corpus.name)) (\(English.count(corpus.files.count, "file")))</h2>\n"
        h += "<h3>Bits per byte of each file (smaller is better)</h3>\n<div class=\"chart\">\(fileChart(corpus, palette))</div>\n"
        h += "<div class=\"wide\"><table><tr><th>file</th><th>size</th>"
            + labels.enumerated().map { "<th data-c=\"\($0.offset)\">\(Self.escape($0.element))</th>" }.joined() + "</tr>\n"
        for file in corpus.files {
            let best = comparison.best(corpus: corpus.name, file: file.name)
            h += "<tr><td>\(Self.escape(file.name))</td><td class=\"n\">\(file.size)</td>"
            for (ci, label) in labels.enumerated() {
                let r = comparison.results.first { $0.corpus == corpus.name && $0.file == file.name && $0.codec == label }
                if let r, !r.ok { h += "<td class=\"fail\" data-c=\"\(ci)\">FAILED</td>"; continue }
                let isBest = r != nil && r?.compressedBytes == best?.compressedBytes
                h += "<td class=\"n\(isBest ? " best" : "")\" data-c=\"\(ci)\">\(Self.f(r?.bitsPerByte, 3))</td>"
            }
            h += "</tr>\n"
        }
        let totals = comparison.totals(corpus: corpus.name)
        let bestTotal = totals.filter { $0.failed == 0 }.map(\.compressedBytes).min()
        h += "<tr><th>total</th><td class=\"n\">\(corpus.files.reduce(Int64(0)) { $0 + $1.size })</td>"
        for (ci, t) in totals.enumerated() {
            h += "<td class=\"n\(t.compressedBytes == bestTotal ? " best" : "")\" data-c=\"\(ci)\">\(t.failed > 0 ? "FAILED" : Self.f(t.bitsPerByte, 3))</td>"
        }
        h += "</tr></table></div>\n"
        if !maskTimings {
            h += "<h3>Bits per byte against compression speed (corpus totals)</h3>\n"
            h += "<p>Only the Pareto front (no other codec both smaller and faster to compress) is labelled; hover over a point for its name.</p>\n"
            h += "<div class=\"chart\">\(paretoChart(corpus, palette))</div>\n"
            h += "<table><tr><th>codec</th><th>bits/byte</th><th>compress MB/s</th><th>decompress MB/s</th><th>peak memory</th></tr>"
            for (ci, t) in totals.enumerated() {
                let peak = comparison.results.filter { $0.corpus == corpus.name && $0.codec == t.codec }.compactMap(\.peakMemoryBytes).max()
                h += "<tr data-c=\"\(ci)\"><td><span class=\"sw\" style=\"background:\(palette.colors[ci])\"></span>\(Self.escape(t.codec))</td>"
                h += "<td class=\"n\">\(Self.f(t.bitsPerByte, 3))</td>"
                h += "<td class=\"n\">\(speed(t.compressMBps))</td><td class=\"n\">\(speed(t.decompressMBps))</td><td class=\"n\">\(memory(peak))</td></tr>"
            }
            h += "</table>\n<p>Recommendation: \(Self.escape(comparison.recommendation(corpus: corpus.name))).</p>\n"
        }
        return h
    }

    /// One row per file, one dot per codec on a bits/byte axis; each family keeps
    /// its own lane inside the row so close values of different families stay apart.
    public func fileChart(_ corpus: Corpus, _ palette: CandidatePalette) -> String {
        let labels = comparison.candidates.map(\.label)
        let lanes = max(1, palette.families.count)
        let laneH = 5.0, rowH = Double(lanes) * laneH + 12
        let nameW = (corpus.files.map { Self.textWidth($0.name) }.max() ?? 40) + 14
        let left = max(70.0, nameW), top = 10.0, plotW = 760.0, bottom = 36.0
        let width = left + plotW + 20
        let height = top + Double(corpus.files.count) * rowH + bottom
        let maxV = max(1.0, (comparison.results(corpus: corpus.name).compactMap(\.bitsPerByte).max() ?? 8).rounded(.up))
        func x(_ v: Double) -> Double { left + min(v, maxV) / maxV * plotW }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"bits per byte of each file\">"
        let step = maxV > 4 ? 1.0 : 0.5
        for t in stride(from: 0.0, through: maxV, by: step) {
            s += "<line x1=\"\(x(t))\" x2=\"\(x(t))\" y1=\"\(top)\" y2=\"\(height - bottom)\" stroke=\"#e3e3e3\"/>"
            s += "<text x=\"\(x(t))\" y=\"\(height - bottom + 14)\" text-anchor=\"middle\">\(Self.f(t, t == t.rounded() ? 0 : 1))</text>"
        }
        s += "<text x=\"\(left + plotW / 2)\" y=\"\(height - 6)\" text-anchor=\"middle\">bits per byte (← better)</text>"
        for (fi, file) in corpus.files.enumerated() {
            let y0 = top + Double(fi) * rowH
            if fi % 2 == 1 {
                s += "<rect x=\"\(left)\" y=\"\(y0)\" width=\"\(plotW)\" height=\"\(rowH)\" fill=\"#f6f6f6\"/>"
            }
            s += "<text x=\"\(left - 8)\" y=\"\(y0 + rowH / 2 + 4)\" text-anchor=\"end\">\(Self.escape(file.name))</text>"
            for (ci, label) in labels.enumerated() {
                guard let r = comparison.results.first(where: { $0.corpus == corpus.name && $0.file == file.name && $0.codec == label }),
                      let v = r.bitsPerByte else { continue }
                let cy = y0 + 6 + Double(palette.familyOf[ci]) * laneH + laneH / 2
                s += "<circle data-c=\"\(ci)\" cx=\"\(Self.f(x(v), 1))\" cy=\"\(cy)\" r=\"3.2\" fill=\"\(palette.colors[ci])\" stroke=\"#0006\" stroke-width=\"0.5\">"
                s += "<title>\(Self.escape(file.name)) · \(Self.escape(label)): \(Self.f(v, 3)) bits/byte</title></circle>"
            }
        }
        return s + "</svg>"
    }

    /// Corpus totals: bits/byte against compression speed, both on log axes (the
    /// strong codecs crowd near 2 bits/byte while store sits at 8). Only the Pareto
    /// front is labelled, each label placed where it covers no other label or point,
    /// joined to its point by a thin line when not beside it (or left out, the point
    /// keeping its hover title).
    func paretoChart(_ corpus: Corpus, _ palette: CandidatePalette) -> String {
        let totals = comparison.totals(corpus: corpus.name).filter { $0.failed == 0 && $0.compressMBps > 0 }
        guard !totals.isEmpty else { return "" }
        let w = 760.0, hgt = 460.0, left = 56.0, right = 20.0, top = 16.0, bottom = 44.0
        let axis = LogAxis(totals.map(\.compressMBps), empty: (0, 1), left: left, width: w - left - right)
        let bpb = totals.map(\.bitsPerByte)
        let ylo = max(0.02, (bpb.min() ?? 1) * 0.9), yhi = max(ylo * 1.5, (bpb.max() ?? 8) * 1.08)
        func x(_ mbps: Double) -> Double { axis.x(mbps) }
        func y(_ v: Double) -> Double { top + log(max(v, ylo) / ylo) / log(yhi / ylo) * (hgt - top - bottom) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(hgt))\" role=\"img\" aria-label=\"bits per byte against speed\">"
        s += axis.grid(top: top, bottom: hgt - bottom, coordinate: { "\($0)" }, label: { e in Self.f(pow(10, e), e < 0 ? Int(-e) : 0) })
        // Ticks at round values, at least 16 px apart so their labels never touch.
        var lastTick = -Double.infinity
        for t in [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, 16] where t >= ylo && t <= yhi {
            guard y(t) - lastTick >= 16 else { continue }
            lastTick = y(t)
            s += "<line x1=\"\(left)\" x2=\"\(w - right)\" y1=\"\(y(t))\" y2=\"\(y(t))\" stroke=\"#e3e3e3\"/>"
            s += "<text x=\"\(left - 6)\" y=\"\(y(t) + 4)\" text-anchor=\"end\">\(Self.tick(t))</text>"
        }
        s += "<text x=\"\((left + w - right) / 2)\" y=\"\(hgt - 8)\" text-anchor=\"middle\">compression speed, MB/s (log scale) →</text>"
        s += "<text transform=\"translate(14,\((top + hgt - bottom) / 2)) rotate(-90)\" text-anchor=\"middle\">bits/byte, log scale (↑ better)</text>"
        let front = comparison.paretoFront(corpus: corpus.name).sorted { $0.compressMBps < $1.compressMBps }
        if front.count > 1 {
            s += "<polyline fill=\"none\" stroke=\"#888\" stroke-dasharray=\"4 3\" points=\""
                + front.map { "\(x($0.compressMBps)),\(y($0.bitsPerByte))" }.joined(separator: " ") + "\"/>"
        }
        let labels = comparison.candidates.map(\.label)
        // Points first (front last, so on top), then labels, placed greedily.
        let ordered = totals.filter { t in !front.contains { $0.codec == t.codec } } + totals.filter { t in front.contains { $0.codec == t.codec } }
        var taken: [LabelBox] = []
        for t in ordered {
            let ci = labels.firstIndex(of: t.codec) ?? 0
            let onFront = front.contains { $0.codec == t.codec }
            let r = onFront ? 5.5 : 3.5
            s += "<circle data-c=\"\(ci)\" cx=\"\(x(t.compressMBps))\" cy=\"\(y(t.bitsPerByte))\" r=\"\(r)\" fill=\"\(palette.colors[ci])\" stroke=\"#0008\" stroke-width=\"\(onFront ? 1 : 0.5)\">"
            s += "<title>\(Self.escape(t.codec)): \(Self.f(t.bitsPerByte, 3)) bits/byte, \(Self.f(t.compressMBps, 2)) MB/s\(onFront ? " (Pareto front)" : "")</title></circle>"
        }
        // Every point is an obstacle for labels.
        for t in totals {
            let px = x(t.compressMBps), py = y(t.bitsPerByte)
            let r = front.contains { $0.codec == t.codec } ? 6.0 : 4.0
            taken.append(LabelBox(x0: px - r, y0: py - r, x1: px + r, y1: py + r))
        }
        for t in front.sorted(by: { $0.bitsPerByte < $1.bitsPerByte }) {
            guard let ci = labels.firstIndex(of: t.codec) else { continue }
            let px = x(t.compressMBps), py = y(t.bitsPerByte)
            let tw = Self.textWidth(t.codec), th = 13.0
            // Candidate spots: right, left, above, below, then further out diagonally.
            var spots: [(Double, Double)] = [(9, 4), (-9 - tw, 4), (-tw / 2, -9), (-tw / 2, 17)]
            for d in [16.0, 28, 40, 52] {
                spots += [(9, -d + 4), (9, d + 4), (-9 - tw, -d + 4), (-9 - tw, d + 4), (-tw / 2, -d - 4), (-tw / 2, d + 12)]
            }
            for (k, (dx, dy)) in spots.enumerated() {
                let box = LabelBox(x0: px + dx - 1, y0: py + dy - th + 2, x1: px + dx + tw + 1, y1: py + dy + 3)
                guard box.x0 >= left, box.x1 <= w - right, box.y0 >= top, box.y1 <= hgt - bottom,
                      !taken.contains(where: { $0.overlaps(box) }) else { continue }
                taken.append(box)
                if k >= 4 {
                    // Not beside its point: a leader line to the label's nearest edge.
                    let lx = min(max(px, box.x0), box.x1), ly = min(max(py, box.y0), box.y1)
                    s += "<line data-c=\"\(ci)\" x1=\"\(Self.f(px, 1))\" y1=\"\(Self.f(py, 1))\" x2=\"\(Self.f(lx, 1))\" y2=\"\(Self.f(ly, 1))\" stroke=\"#999\" stroke-width=\"0.7\"/>"
                }
                s += "<text data-c=\"\(ci)\" x=\"\(Self.f(px + dx, 1))\" y=\"\(Self.f(py + dy, 1))\">\(Self.escape(t.codec))</text>"
                break
            }
        }
        return s + "</svg>"
    }
}
