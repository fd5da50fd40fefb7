/// Counts in messages and reports: "1 file", "2 files", never "1 files".
public enum English {
    /// `n` and the noun, plural unless `n` is 1 ("byte" → "bytes"; pass `plural` when adding "s" is wrong).
    public static func count<N: BinaryInteger>(_ n: N, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? singular : plural ?? singular + "s")
    }
}
