// Benchmarks run by `squeeze bench NAME` in release mode: each reports its
// own figures and the system baseline it is measured against in the same run.
@_exported import SqueezeKit

/// A whole file, or nil if it cannot be read (benchmarks fall back or report it).
func readCorpusFile(_ path: String) -> [UInt8]? {
    try? CorpusWalker.read(path)
}
