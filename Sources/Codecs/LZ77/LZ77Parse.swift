/// The token sequence of one block: parallel arrays, `distances[k] == 0`
/// marks a literal whose byte is `values[k]`; otherwise token k copies
/// `values[k]` (≥ 3) bytes from `distances[k]` bytes back.
public struct LZ77Parse: Sendable {
    public static let minMatch = 3

    public var values: [UInt32]
    public var distances: [UInt32]
    public var count: Int

    /// Parses `input` with hash chains (one chain per 3-byte hash, newest
    /// first: deflate's scheme, RFC 1951 §4) and optional lazy matching.
    public init(_ input: UnsafeRawBufferPointer, parameters: LZ77Parameters) {
        let n = input.count
        values = [UInt32](repeating: 0, count: n)
        distances = [UInt32](repeating: 0, count: n)
        count = 0
        guard n > 0, let base = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var produced = 0
        values.withUnsafeMutableBufferPointer { vb in
            distances.withUnsafeMutableBufferPointer { db in
                guard let v = vb.baseAddress, let d = db.baseAddress else { return }
                var finder = HashChainMatchFinder(count: n, parameters: parameters)
                produced = finder.parse(base, count: n, values: v, distances: d)
            }
        }
        count = produced
    }
}
