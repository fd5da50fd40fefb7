import BitIO
import Codecs
#if canImport(Glibc)
import Glibc
#endif

/// A small deterministic PRNG (SplitMix64) so generated inputs are the same on every run.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Inputs that every codec must round-trip.
public enum Generators {
    public static func random(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        var g = SplitMix64(seed: seed)
        var out = [UInt8](repeating: 0, count: count)
        var i = 0
        while i < count {
            var w = g.next()
            for _ in 0..<8 where i < count { out[i] = UInt8(truncatingIfNeeded: w); w >>= 8; i += 1 }
        }
        return out
    }

    /// Geometric-like skew: small byte values are much more frequent.
    public static func skewed(_ count: Int, seed: UInt64 = 2) -> [UInt8] {
        var g = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(min(255, (g.next() & 0xFFFF).trailingZeroBitCount * 3 + Int(g.next() % 3))) }
    }

    /// Repeated phrases with occasional mutations: what LZ coders feed on.
    public static func repetitive(_ count: Int, seed: UInt64 = 3) -> [UInt8] {
        var g = SplitMix64(seed: seed)
        let phrases: [[UInt8]] = (0..<16).map { _ in random(Int(g.next() % 40) + 3, seed: g.next()) }
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            out.append(contentsOf: phrases[Int(g.next() % 16)])
            if g.next() % 8 == 0 { out.append(UInt8(truncatingIfNeeded: g.next())) }
        }
        return Array(out.prefix(count))
    }

    /// Named adversarial and ordinary inputs: empty, one byte, all-equal, two symbols,
    /// alphabet cycle, random, skewed, repetitive.
    public static func adversarial(large: Bool = false) -> [(String, [UInt8])] {
        var cases: [(String, [UInt8])] = [
            ("empty", []),
            ("one byte", [0x41]),
            ("one zero byte", [0]),
            ("all equal 100000", [UInt8](repeating: 0x61, count: 100_000)),
            ("two symbols", (0..<5000).map { UInt8($0 & 1) }),
            ("alphabet cycle", (0..<70_000).map { UInt8(97 + $0 % 26) }),
            ("all 256 values", (0..<256).map { UInt8($0) }),
            ("random 100000", random(100_000)),
            ("skewed 100000", skewed(100_000)),
            ("repetitive 200000", repetitive(200_000)),
        ]
        if large { cases.append(("random 16 MiB", random(16 << 20, seed: 99))) }
        return cases
    }
}

/// The bundled corpora, found relative to this source file.
public enum TestCorpus {
    public static var root: String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3) // Tests/TestSupport/Generators.swift
        return parts.joined(separator: "/") + "/corpora"
    }

    public struct Entry: Sendable, CustomStringConvertible {
        public let set: String
        public let name: String
        public let size: Int
        public let sha256: String
        public var path: String { "\(TestCorpus.root)/\(set)/\(name)" }
        public var description: String { "\(set)/\(name)" }
    }

    /// Every file listed in corpora/MANIFEST.tsv (columns set, file, bytes, sha256, origin, licence).
    public static var manifest: [Entry] {
        guard let text = try? readFile("\(root)/MANIFEST.tsv") else { return [] }
        let s = String(decoding: text, as: UTF8.self)
        return s.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: "\t").map(String.init)
            guard f.count >= 4, let n = Int(f[2]) else { return nil }
            return Entry(set: f[0], name: f[1], size: n, sha256: f[3])
        }
    }

    /// The corpus sets (folders of corpora/) in MANIFEST.tsv, in its order.
    public static var sets: [String] {
        var seen: [String] = []
        for e in manifest where !seen.contains(e.set) { seen.append(e.set) }
        return seen
    }

    /// The 14-file Calgary set used by published results.
    public static let calgary14 = ["bib", "book1", "book2", "geo", "news", "obj1", "obj2", "paper1",
                                   "paper2", "pic", "progc", "progl", "progp", "trans"]

    public static func bytes(_ set: String, _ name: String) throws -> [UInt8] {
        try readFile("\(root)/\(set)/\(name)")
    }
}

public struct TestIOError: Error, CustomStringConvertible {
    public let description: String
}

/// Reads a whole file (test helper; the product uses streaming I/O).
public func readFile(_ path: String) throws -> [UInt8] {
    guard let f = fopen(path, "rb") else { throw TestIOError(description: "cannot open \(path)") }
    defer { fclose(f) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&chunk, 1, chunk.count, f)
        if n <= 0 { break }
        out.append(contentsOf: chunk[0..<n])
    }
    return out
}

/// Encodes then decodes `input` with `codec`, returning the coded bytes;
/// throws if decoding fails or does not give back the input.
@discardableResult
public func roundTrip(_ codec: any Codec, _ input: [UInt8]) throws -> [UInt8] {
    var coded = ByteBuffer()
    try input.withUnsafeBytes { raw in try codec.encode(raw, into: &coded) }
    var decoded = ByteBuffer()
    try coded.withUnsafeBytes { raw in try codec.decode(raw, originalCount: input.count, into: &decoded) }
    guard decoded.bytes == input else {
        throw TestIOError(description: "round trip changed the data (\(input.count) bytes in, \(decoded.count) out)")
    }
    return coded.bytes
}
