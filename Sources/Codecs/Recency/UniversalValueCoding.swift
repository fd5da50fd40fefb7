/// How the `rank` and `interval` codecs write their values v ≥ 1: with one of the
/// universal codes of BitIO (Elias, IEEE Trans. IT-21, 1975; Apostolico & Fraenkel
/// 1987 for Fibonacci), with an adaptive Rice code, or with an adaptive binary
/// arithmetic coder over the γ-shaped decomposition of v (`GammaContextModel`).
/// The selector is stored as the first payload byte, so any payload says how to read it;
/// one above the last here (a newer build's) is `.unsupported`.
public enum UniversalValueCoding: UInt8, Sendable, CaseIterable {
    case gamma = 1
    case delta = 2
    case omega = 3
    case fibonacci = 4
    /// Rice code of v − 1 with k adapted to the recent mean (Weinberger, Seroussi &
    /// Sapiro, LOCO-I, 1996/2000): k is the least with N·2^k ≥ A for the running sum A
    /// over N values, halved every 32 values. A quotient of 24 or more escapes to γ(v).
    case adaptiveRice = 5
    /// Adaptive binary arithmetic coding with `GammaContextModel`.
    case arithmetic = 6

    /// The levels of the codecs are the selectors.
    public static let levels = allCases.map { Int($0.rawValue) }

    var universalCode: UniversalCode? {
        switch self {
        case .gamma: .gamma
        case .delta: .delta
        case .omega: .omega
        case .fibonacci: .fibonacci
        case .adaptiveRice, .arithmetic: nil
        }
    }

    /// Quotients from this value on escape to γ in the adaptive Rice code.
    static let riceEscape = 24

    /// Appends the selector byte and the coded `values` (each ≥ 1) to `out`.
    func encode(_ values: UnsafeBufferPointer<UInt32>, into out: inout ByteBuffer) {
        out.append(rawValue)
        switch self {
        case .arithmetic:
            var encoder = RangeEncoder(appendingTo: out)
            out = ByteBuffer()
            var model = GammaContextModel()
            for v in values { model.encode(v, into: &encoder) }
            out = encoder.finish()
        case .adaptiveRice:
            var writer = BitWriter(appendingTo: out)
            out = ByteBuffer()
            var rice = AdaptiveRiceState()
            for v in values {
                let n = UInt64(v) &- 1
                let k = rice.parameter
                let q = n &>> UInt64(k)
                if q < UInt64(Self.riceEscape) {
                    RiceCode.encode(n, k: k, to: &writer)
                } else {
                    writer.write(1, count: Self.riceEscape + 1)  // 24 zeros and a one
                    EliasGamma.encode(UInt64(v), to: &writer)
                }
                rice.update(n)
            }
            out = writer.finish()
        default:
            guard let code = universalCode else { return }
            var writer = BitWriter(appendingTo: out)
            out = ByteBuffer()
            for v in values { code.encode(UInt64(v), to: &writer) }
            out = writer.finish()
        }
    }

    /// Reads the selector and `count` values from `input`, handing each to `sink`;
    /// throws on an unknown selector, a value outside 1…`maximum`, an overlong code
    /// or a truncated input.
    static func decode<Sink: ValueSink>(_ input: UnsafeRawBufferPointer, count: Int, maximum: UInt32,
                                        name: String, into sink: inout Sink) throws(CodecError) {
        guard let first = input.first else { throw .truncated }
        guard let coding = UniversalValueCoding(rawValue: first) else {
            // 0 was never a selector; numbers above the last are for a newer build.
            guard first > Self.allCases.count else { throw .corrupt("\(name): unknown value coding \(first)") }
            throw .unsupported("\(name) value coding \(first) (this build reads 1–\(Self.allCases.count))")
        }
        let body = UnsafeRawBufferPointer(rebasing: input[1...])
        switch coding {
        case .arithmetic:
            var decoder = RangeDecoder(body)
            var model = GammaContextModel()
            for i in 0..<count {
                let v = model.decode(from: &decoder)
                guard v >= 1, v <= UInt64(maximum) else {
                    try decoder.finish()
                    throw .corrupt("\(name): value \(v) at \(i) outside 1…\(maximum)")
                }
                try sink.accept(UInt32(truncatingIfNeeded: v), at: i)
            }
            try decoder.finish()
        case .adaptiveRice:
            var reader = BitReader(body)
            var rice = AdaptiveRiceState()
            for i in 0..<count {
                let k = rice.parameter
                let zeros = try reader.readZerosBeforeOne(limit: riceEscape)
                reader.skip(1)
                let v: UInt64
                if zeros < riceEscape {
                    v = (UInt64(zeros) &<< UInt64(k) | reader.read(k)) &+ 1
                } else {
                    v = try EliasGamma.decode(from: &reader)
                }
                guard v >= 1, v <= UInt64(maximum) else {
                    try reader.checkNotOverrun()
                    throw .corrupt("\(name): value \(v) at \(i) outside 1…\(maximum)")
                }
                try sink.accept(UInt32(truncatingIfNeeded: v), at: i)
                rice.update(v &- 1)
            }
            try reader.checkNotOverrun()
        default:
            guard let code = coding.universalCode else { throw .corrupt("\(name): unknown value coding \(first)") }
            var reader = BitReader(body)
            for i in 0..<count {
                let v = try code.decode(from: &reader)
                guard v >= 1, v <= UInt64(maximum) else {
                    try reader.checkNotOverrun()
                    throw .corrupt("\(name): value \(v) at \(i) outside 1…\(maximum)")
                }
                try sink.accept(UInt32(truncatingIfNeeded: v), at: i)
            }
            try reader.checkNotOverrun()
        }
    }
}

/// The running statistics of the adaptive Rice code (LOCO-I's A and N).
struct AdaptiveRiceState {
    var sum: UInt64 = 4
    var count: UInt64 = 1

    /// Least k with count·2^k ≥ sum (at most 31: values are UInt32).
    @inline(__always) var parameter: Int {
        var k = 0
        while k < 31 && (count &<< UInt64(k)) < sum { k &+= 1 }
        return k
    }

    @inline(__always) mutating func update(_ n: UInt64) {
        sum &+= n
        count &+= 1
        if count >= 32 { sum >>= 1; count >>= 1 }
    }
}
