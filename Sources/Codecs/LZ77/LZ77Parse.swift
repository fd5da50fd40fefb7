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
        self.init(input) { base, n, v, d in
            var finder = HashChainMatchFinder(count: n, parameters: parameters)
            return finder.parse(base, count: n, values: v, distances: d)
        }
    }

    /// Room for one token per input byte, filled by `parse` (the input's
    /// bytes and count, then the two arrays), which returns how many tokens it wrote.
    init(_ input: UnsafeRawBufferPointer,
         filling parse: (UnsafePointer<UInt8>, Int, UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<UInt32>) -> Int) {
        let n = input.count
        values = [UInt32](repeating: 0, count: n)
        distances = [UInt32](repeating: 0, count: n)
        count = 0
        guard n > 0, let base = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var produced = 0
        values.withUnsafeMutableBufferPointer { vb in
            distances.withUnsafeMutableBufferPointer { db in
                guard let v = vb.baseAddress, let d = db.baseAddress else { return }
                produced = parse(base, n, v, d)
            }
        }
        count = produced
    }
}
