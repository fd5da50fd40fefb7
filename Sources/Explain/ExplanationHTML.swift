/// A self-contained HTML page (no network) that steps through an explanation.
/// (Skeleton: the explain helper replaces this with the full page.)
public enum ExplanationHTML {
    public static func render(_ e: Explanation) -> String {
        "<!doctype html><meta charset=utf-8><title>\(escape(e.title))</title><pre>\(escape(ExplanationText.render(e)))</pre>"
    }

    public static func escape(_ s: String) -> String {
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
}
