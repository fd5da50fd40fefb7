/// One slice of a run, `--shard I/N` (I counted from 0, as Kubernetes' JOB_COMPLETION_INDEX
/// and Slurm's `--array=0-N` count): item k of the full, deterministically ordered work
/// list belongs to shard k mod N. Round-robin rather than contiguous blocks, so shards
/// of a sorted list get a similar mix of small and large items.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public static let whole = Shard(validIndex: 0, count: 1)

    private init(validIndex: Int, count: Int) {
        self.index = validIndex
        self.count = count
    }

    /// Parses "I/N" with 0 ≤ I < N.
    public static func parse(_ text: String) throws(CorpusError) -> Shard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw CorpusError(description: "--shard wants I/N (for example 0/4), got '\(text)'")
        }
        guard n >= 1, i >= 0, i < n else {
            throw CorpusError(description: "--shard \(text): I counts from 0 and must be below N (0/\(max(n, 1)) … \(max(n, 1) - 1)/\(max(n, 1)))")
        }
        return Shard(validIndex: i, count: n)
    }

    /// Whether item `position` of the full list belongs to this shard.
    public func contains(_ position: Int) -> Bool { position % count == index }

    /// This shard's items, in their original order.
    public func select<T>(_ items: [T]) -> [T] {
        items.enumerated().filter { contains($0.offset) }.map(\.element)
    }

    public var description: String { "\(index)/\(count)" }
}
