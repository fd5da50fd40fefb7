/// One file coded by one candidate: what the reports are made of.
public struct RunResult: Sendable, Codable, Equatable {
    public var corpus: String
    public var file: String
    public var originalBytes: Int64
    /// "zstd -19": codec and level as shown in tables.
    public var codec: String
    public var codecName: String
    public var level: String
    /// "ours", "system" or "external".
    public var origin: String
    public var compressedBytes: Int64?
    public var compressSeconds: Double?
    public var decompressSeconds: Double?
    /// Peak resident memory added while the codec ran (compress or decompress, whichever is larger).
    public var peakMemoryBytes: Int64?
    /// "ok", or "failed" with `error` saying why (a failed round trip is never a silent number).
    public var status: String
    public var error: String?

    public var ok: Bool { status == "ok" }

    public init(corpus: String, file: String, originalBytes: Int64, codec: String, codecName: String, level: String, origin: String,
                compressedBytes: Int64? = nil, compressSeconds: Double? = nil, decompressSeconds: Double? = nil,
                peakMemoryBytes: Int64? = nil, status: String, error: String? = nil) {
        self.corpus = corpus
        self.file = file
        self.originalBytes = originalBytes
        self.codec = codec
        self.codecName = codecName
        self.level = level
        self.origin = origin
        self.compressedBytes = compressedBytes
        self.compressSeconds = compressSeconds
        self.decompressSeconds = decompressSeconds
        self.peakMemoryBytes = peakMemoryBytes
        self.status = status
        self.error = error
    }

    public var bitsPerByte: Double? {
        guard let c = compressedBytes, originalBytes > 0 else { return nil }
        return 8 * Double(c) / Double(originalBytes)
    }

    /// original / compressed.
    public var ratio: Double? {
        guard let c = compressedBytes, c > 0, originalBytes > 0 else { return nil }
        return Double(originalBytes) / Double(c)
    }

    public var compressMBps: Double? { Self.speed(originalBytes, compressSeconds) }
    public var decompressMBps: Double? { Self.speed(originalBytes, decompressSeconds) }

    static func speed(_ bytes: Int64, _ seconds: Double?) -> Double? {
        guard let s = seconds, s > 0 else { return nil }
        return Double(bytes) / 1e6 / s
    }
}

/// Sums of one candidate over one corpus.
public struct CorpusTotal: Sendable, Codable, Equatable {
    public var corpus: String
    public var codec: String
    public var files: Int
    public var failed: Int
    public var originalBytes: Int64
    public var compressedBytes: Int64
    public var compressSeconds: Double
    public var decompressSeconds: Double

    public var bitsPerByte: Double { originalBytes == 0 ? 0 : 8 * Double(compressedBytes) / Double(originalBytes) }
    public var ratio: Double { compressedBytes == 0 ? 0 : Double(originalBytes) / Double(compressedBytes) }
    public var compressMBps: Double { compressSeconds > 0 ? Double(originalBytes) / 1e6 / compressSeconds : 0 }
    public var decompressMBps: Double { decompressSeconds > 0 ? Double(originalBytes) / 1e6 / decompressSeconds : 0 }
}
