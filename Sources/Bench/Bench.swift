// Benchmarks run by `squeeze bench NAME` in release mode: each reports its
// own figures and the system baseline it is measured against in the same run.
@_exported import SqueezeKit
