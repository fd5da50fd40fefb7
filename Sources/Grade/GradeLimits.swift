/// What a submission may use. Build and coding have their own limits: a compiler
/// needs far more than a codec should. Memory is address space (RLIMIT_AS), not
/// resident memory; CPU seconds are per process (RLIMIT_CPU); wall seconds are
/// the grader's own clock over the whole sandbox.
public struct GradeLimits: Sendable, Codable, Equatable {
    public var buildWallSeconds: Double = 600
    public var buildCPUSeconds: Int = 1200
    public var buildMemoryBytes: Int64 = 8 << 30
    public var runWallSeconds: Double = 60
    public var runCPUSeconds: Int = 30
    public var runMemoryBytes: Int64 = 1 << 30
    /// Largest file a run may write: this many times the original file, plus 1 MiB (RLIMIT_FSIZE).
    public var outputFactor: Double = 4
    /// Processes (threads count) the sandbox's user may have, when the grader runs as root and
    /// the submission as nobody (RLIMIT_NPROC is per user and not enforced for root).
    public var runProcesses: Int = 64
    public var buildProcesses: Int = 1024
    /// Largest file a build may write (object files, the linked binary).
    public var buildOutputBytes: Int64 = 2 << 30

    public init() {}

    public func outputLimit(originalBytes: Int64) -> Int64 {
        Int64(Double(originalBytes) * outputFactor) + (1 << 20)
    }
}
