import Foundation
import Codecs
import Container
import Entropy

/// Hand-written SVG: bits/byte against context order k, one panel per file
/// (empirical Hk, best adaptive order-k code length, horizontal lines for the
/// PPM blend, the best estimate and the smallest codecs from --compare).
public enum EstimatePlot {
    static let panelWidth = 420.0
    static let panelHeight = 280.0
    static let margin = (left: 46.0, right: 96.0, top: 34.0, bottom: 36.0)
    /// Codecs drawn per panel (the smallest outputs of --compare).
    static let plottedCodecs = 5
    static let codecColors = ["#7f7f7f", "#8c564b", "#e377c2", "#bcbd22", "#17becf", "#9467bd", "#aec7e8", "#ff9896"]

    public static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    public static func n(_ x: Double) -> String { String(format: "%.1f", x) }

    public static func svg(_ results: [EstimateResult]) -> String {
        let columns = Swift.max(1, Swift.min(3, results.count))
        let rowsCount = Swift.max(1, (results.count + columns - 1) / columns)
        let legendHeight = 54.0
        let width = Double(columns) * panelWidth
        let height = legendHeight + Double(rowsCount) * panelHeight
        var out: [String] = []
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" "
                   + "viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"11\">")
        out.append("<title>squeeze estimate: bits per byte against context order</title>")
        out.append("<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"white\"/>")
        // Legend.
        var lx = 12.0
        func legend(_ label: String, _ color: String, _ dash: String, marker: Bool) {
            out.append("<line x1=\"\(n(lx))\" y1=\"18\" x2=\"\(n(lx + 26))\" y2=\"18\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>")
            if marker { out.append("<circle cx=\"\(n(lx + 13))\" cy=\"18\" r=\"3\" fill=\"\(color)\"/>") }
            out.append("<text x=\"\(n(lx + 31))\" y=\"22\">\(escape(label))</text>")
            lx += 38 + Double(label.count) * 6.2
        }
        legend("empirical Hk (hollow: contexts too sparse)", "#1f77b4", "", marker: true)
        legend("adaptive order-k (best of KT, Laplace, KT over used bytes)", "#ff7f0e", " stroke-dasharray=\"6 3\"", marker: true)
        out.append("<text x=\"12\" y=\"42\" fill=\"#444\">horizontal: PPM blend (purple, dotted), best estimate (green), "
                   + "the \(plottedCodecs) smallest codecs from --compare (labelled); y: bits/byte, x: order k</text>")

        for (i, r) in results.enumerated() {
            let ox = Double(i % columns) * panelWidth
            let oy = legendHeight + Double(i / columns) * panelHeight
            out.append(panel(r, x: ox, y: oy))
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    static func panel(_ r: EstimateResult, x ox: Double, y oy: Double) -> String {
        let rep = r.report
        let count = rep.byteCount
        func perByte(_ bits: Double) -> Double { count > 0 ? bits / Double(count) : 0 }
        let K = Swift.max(1, rep.orders.count - 1)
        let hk = rep.orders.map(\.conditionalEntropy)
        let adaptive = rep.orders.map { perByte($0.bestAdaptiveBits) }
        // The smallest few only: with every registered codec the labels would not fit beside the panel.
        let codecs = Array((r.codecs ?? []).filter { $0.error == nil && $0.verified }
            .sorted { $0.bitsPerByte < $1.bitsPerByte }.prefix(plottedCodecs))
        let top = Swift.min(12, Swift.max(8, (hk + adaptive + codecs.map(\.bitsPerByte)).max() ?? 8).rounded(.up))
        let plotW = panelWidth - margin.left - margin.right
        let plotH = panelHeight - margin.top - margin.bottom
        let x0 = ox + margin.left
        let y0 = oy + margin.top
        func px(_ k: Double) -> Double { x0 + plotW * k / Double(K) }
        func py(_ v: Double) -> Double { y0 + plotH * (1 - Swift.min(Swift.max(v, 0), top) / top) }
        var out: [String] = []
        let title = (rep.name as NSString).lastPathComponent
        out.append("<g>")
        out.append("<text x=\"\(n(x0))\" y=\"\(n(oy + 18))\" font-weight=\"bold\">\(escape(title))</text>")
        out.append("<text x=\"\(n(x0 + plotW))\" y=\"\(n(oy + 18))\" text-anchor=\"end\" fill=\"#444\">best \(String(format: "%.3f", rep.best.bitsPerByte)) b/B</text>")
        // Grid and axes.
        let step = top > 8 ? 2.0 : 1.0
        var v = 0.0
        while v <= top + 1e-9 {
            out.append("<line x1=\"\(n(x0))\" y1=\"\(n(py(v)))\" x2=\"\(n(x0 + plotW))\" y2=\"\(n(py(v)))\" stroke=\"#e4e4e4\"/>")
            out.append("<text x=\"\(n(x0 - 5))\" y=\"\(n(py(v) + 4))\" text-anchor=\"end\">\(Int(v))</text>")
            v += step
        }
        for k in 0...K {
            out.append("<text x=\"\(n(px(Double(k))))\" y=\"\(n(y0 + plotH + 14))\" text-anchor=\"middle\">\(k)</text>")
        }
        out.append("<text x=\"\(n(x0 + plotW / 2))\" y=\"\(n(y0 + plotH + 29))\" text-anchor=\"middle\" fill=\"#444\">order k</text>")
        out.append("<rect x=\"\(n(x0))\" y=\"\(n(y0))\" width=\"\(n(plotW))\" height=\"\(n(plotH))\" fill=\"none\" stroke=\"#888\"/>")
        // Horizontal lines: PPM, best, codecs.
        func hline(_ value: Double, _ color: String, _ label: String, dash: String = "", labelDy: Double = 4) {
            let y = py(value)
            out.append("<line x1=\"\(n(x0))\" y1=\"\(n(y))\" x2=\"\(n(x0 + plotW))\" y2=\"\(n(y))\" stroke=\"\(color)\" stroke-width=\"1.5\"\(dash)/>")
            out.append("<text x=\"\(n(x0 + plotW + 4))\" y=\"\(n(y + labelDy))\" fill=\"\(color)\" font-size=\"10\">\(escape(label))</text>")
        }
        // Spread labels that would overlap on the right margin.
        var labels: [(Double, String, String, String)] = [
            (perByte(rep.ppm.bits), "#9467bd", "PPM \(String(format: "%.2f", perByte(rep.ppm.bits)))", " stroke-dasharray=\"2 3\""),
            (rep.best.bitsPerByte, "#2ca02c", "best \(String(format: "%.2f", rep.best.bitsPerByte))", ""),
        ]
        for (j, c) in codecs.enumerated() {
            labels.append((c.bitsPerByte, codecColors[j % codecColors.count], "\(c.codec) \(c.level) \(String(format: "%.2f", c.bitsPerByte))", ""))
        }
        labels.sort { $0.0 > $1.0 }
        // Label baselines 11 px apart at least, top-down; if they run below the
        // panel, push them all up (never above the plot's top).
        var ys: [Double] = []
        for (value, _, _, _) in labels {
            let want = py(value) + 4
            ys.append(Swift.max(want, (ys.last ?? -1e9) + 11))
        }
        let bottom = oy + panelHeight - 4
        if let last = ys.last, last > bottom {
            let shift = Swift.min(last - bottom, Swift.max(0, (ys.first ?? 0) - (y0 + 4)))
            ys = ys.map { $0 - shift }
        }
        for (i, (value, color, label, dash)) in labels.enumerated() {
            hline(value, color, label, dash: dash, labelDy: ys[i] - py(value))
        }
        // Series.
        func polyline(_ values: [Double], _ color: String, _ dash: String) {
            let pts = values.enumerated().map { "\(n(px(Double($0.offset)))),\(n(py($0.element)))" }.joined(separator: " ")
            out.append("<polyline points=\"\(pts)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>")
        }
        if rep.orders.count > 1 {
            polyline(adaptive, "#ff7f0e", " stroke-dasharray=\"6 3\"")
            polyline(hk, "#1f77b4", "")
        }
        for (k, value) in adaptive.enumerated() {
            out.append("<circle cx=\"\(n(px(Double(k))))\" cy=\"\(n(py(value)))\" r=\"2.5\" fill=\"#ff7f0e\"/>")
        }
        for (k, o) in rep.orders.enumerated() {
            let fill = o.isSparse ? "white" : "#1f77b4"
            out.append("<circle cx=\"\(n(px(Double(k))))\" cy=\"\(n(py(hk[k])))\" r=\"3.5\" fill=\"\(fill)\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>")
        }
        out.append("</g>")
        return out.joined(separator: "\n")
    }
}
