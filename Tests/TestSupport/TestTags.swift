import Foundation
import Testing

/// The slow tiers. CI runs everything; for feedback in seconds, run
/// `SQUEEZE_QUICK=1 swift test`: every test marked `.slowTier` then shows as
/// skipped (never as passed). Swift Testing's `--filter`/`--skip` match names,
/// not tags, hence the environment switch; the tags still group the tests in
/// IDEs and in `swift test --verbose` output.
extension Tag {
    /// Ratio floors: a codec's size on the corpora against a figure or a system tool.
    @Tag public static var ratio: Self
    /// Round trips or cross-checks over every corpus file (or its large files).
    @Tag public static var corpus: Self
}

extension Trait where Self == ConditionTrait {
    /// Left out (and reported as skipped) when the environment sets SQUEEZE_QUICK.
    public static var slowTier: Self {
        .enabled(if: ProcessInfo.processInfo.environment["SQUEEZE_QUICK"] == nil,
                 "slow tier: left out because SQUEEZE_QUICK is set")
    }
}
