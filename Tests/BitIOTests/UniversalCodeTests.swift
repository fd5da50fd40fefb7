import BitIO
import Testing
import TestSupport

/// Every code with the parameters the tests sweep.
private let allCodes: [UniversalCode] = [
    .unary, .gamma, .delta, .omega, .fibonacci,
    .rice(0), .rice(1), .rice(6), .rice(10), .rice(40),
    .golomb(1), .golomb(3), .golomb(5), .golomb(100), .golomb(1000), .golomb(12345),
]

/// Codes whose lengths grow slowly enough to sweep every n in 1…2^16.
private let sweepCodes: [UniversalCode] = [
    .gamma, .delta, .omega, .fibonacci, .rice(6), .rice(10), .golomb(100), .golomb(1000), .golomb(12345),
]

// MARK: closed-form code lengths, written independently of the library

private func gammaLength(_ n: UInt64) -> Int { 2 * slowFloorLog2(n) + 1 }

private func deltaLength(_ n: UInt64) -> Int {
    let l = slowFloorLog2(n)
    return l + 2 * slowFloorLog2(UInt64(l + 1)) + 1
}

private func omegaLength(_ n: UInt64) -> Int {
    n == 1 ? 1 : slowFloorLog2(n) + 1 + omegaLength(UInt64(slowFloorLog2(n)))
}

/// 1, 2, 3, 5, 8, … up to the 64-bit limit.
private let fibonacci: [UInt64] = {
    var f: [UInt64] = [1, 2]
    while let last = f.last, case let (next, overflow) = last.addingReportingOverflow(f[f.count - 2]), !overflow {
        f.append(next)
    }
    return f
}()

/// Index (1-based) of the largest Fibonacci number ≤ n, plus one.
private func fibonacciLength(_ n: UInt64) -> Int { fibonacci.lastIndex(where: { $0 <= n })! + 1 + 1 }

private func riceLength(_ n: UInt64, _ k: Int) -> Int { Int(n >> UInt64(k)) + 1 + k }

private func golombLength(_ n: UInt64, _ m: UInt64) -> Int {
    var b = 0
    while (UInt64(1) << UInt64(b)) < m { b += 1 }        // ⌈log2 m⌉
    let u = (UInt64(1) << UInt64(b)) - m
    return Int(n / m) + 1 + (n % m < u ? b - 1 : b)
}

private func closedFormLength(_ code: UniversalCode, _ n: UInt64) -> Int {
    switch code {
    case .unary: Int(n) + 1
    case .gamma: gammaLength(n)
    case .delta: deltaLength(n)
    case .omega: omegaLength(n)
    case .fibonacci: fibonacciLength(n)
    case .rice(let k): riceLength(n, k)
    case .golomb(let m): golombLength(n, m)
    }
}

/// Encodes `values` with `code`, checking the bit count after each, and decodes them back.
/// Returns a description of the first problem, or nil.
private func roundTrip(_ code: UniversalCode, _ values: [UInt64]) -> String? {
    var w = BitWriter()
    for n in values {
        let before = w.bitCount
        code.encode(n, to: &w)
        let written = w.bitCount - before
        if written != code.codeLength(n) { return "\(code) n=\(n): wrote \(written) bits, codeLength \(code.codeLength(n))" }
    }
    let total = w.bitCount
    let out = w.finish().bytes
    return withReader(out) { r -> String? in
        for n in values {
            do {
                let d = try code.decode(from: &r)
                if d != n { return "\(code): decoded \(d) for \(n)" }
            } catch {
                return "\(code) n=\(n): \(error)"
            }
        }
        if r.bitPosition != total { return "\(code): reader at \(r.bitPosition), writer wrote \(total)" }
        return r.isOverrun ? "\(code): overrun" : nil
    }
}

@Suite("Universal integer codes")
struct UniversalCodeTests {
    @Test("known codewords from the definitions")
    func knownCodewords() {
        func s(_ code: UniversalCode, _ n: UInt64) -> String { bitString { code.encode(n, to: &$0) } }
        #expect(s(.unary, 0) == "1")
        #expect(s(.unary, 3) == "0001")
        #expect(s(.gamma, 1) == "1")
        #expect(s(.gamma, 2) == "010")
        #expect(s(.gamma, 5) == "00101")
        #expect(s(.delta, 1) == "1")
        #expect(s(.delta, 2) == "0100")
        #expect(s(.delta, 10) == "00100010")
        #expect(s(.omega, 1) == "0")
        #expect(s(.omega, 2) == "100")
        #expect(s(.omega, 3) == "110")
        #expect(s(.omega, 4) == "101000")
        #expect(s(.omega, 16) == "10100100000")
        #expect(s(.fibonacci, 1) == "11")
        #expect(s(.fibonacci, 2) == "011")
        #expect(s(.fibonacci, 3) == "0011")
        #expect(s(.fibonacci, 4) == "1011")
        #expect(s(.fibonacci, 11) == "001011")
        #expect(s(.rice(2), 5) == "0101")
        #expect(s(.rice(0), 2) == "001")
        #expect(s(.golomb(5), 0) == "100")
        #expect(s(.golomb(5), 3) == "1110")
        #expect(s(.golomb(5), 4) == "1111")
        #expect(s(.golomb(5), 7) == "0110")
        #expect(s(.golomb(1), 2) == "001")
    }

    @Test("every n in 1…2^16 round-trips and codeLength equals the closed formula and the bits written",
          arguments: sweepCodes)
    func sweep(code: UniversalCode) {
        let values = Array(UInt64(1)...UInt64(1 << 16))
        #expect(roundTrip(code, values) == nil)
        var bad: [UInt64] = []
        for n in values where code.codeLength(n) != closedFormLength(code, n) { bad.append(n) }
        #expect(bad.isEmpty, "\(code): first wrong lengths at \(bad.prefix(5))")
    }

    @Test("codes of 0…4096 (and n = 0 where it is in the domain)",
          arguments: allCodes)
    func small(code: UniversalCode) {
        let values = Array(code.minimumValue...4096)
        #expect(roundTrip(code, values) == nil)
        #expect(values.allSatisfy { code.codeLength($0) == closedFormLength(code, $0) })
    }

    @Test("random n up to 2^62 and up to UInt64.max")
    func randomLarge() {
        var g = SplitMix64(seed: 99)
        var values: [UInt64] = [UInt64.max, UInt64.max - 1, 1 << 63, (1 << 63) - 1, 1 << 62, (1 << 62) + 1, 1 << 57, (1 << 57) - 1]
        for _ in 0..<4000 { values.append(max(1, g.next() >> (g.next() % 64))) }
        for _ in 0..<1000 { values.append(max(1, g.next() >> 2)) }   // up to 2^62
        for code in [UniversalCode.gamma, .delta, .omega, .fibonacci] {
            #expect(roundTrip(code, values) == nil)
            #expect(values.allSatisfy { code.codeLength($0) == closedFormLength(code, $0) }, "\(code)")
        }
        // Rice and Golomb with parameters large enough that the quotient stays small.
        var ok = true
        for n in values {
            let k = max(0, 64 - n.leadingZeroBitCount - 12)
            let m = max(1, n >> 10) | (g.next() & 0xFF)
            if roundTrip(.rice(k), [n, n / 3, n]) != nil { ok = false }
            if roundTrip(.golomb(m), [n, n / 2, n]) != nil { ok = false }
            if UniversalCode.golomb(m).codeLength(n) != golombLength(n, m) { ok = false }
        }
        #expect(ok)
        #expect(roundTrip(.golomb(.max), [0, 1, .max - 1, 1 << 63]) == nil)
        #expect(roundTrip(.golomb((1 << 63) + 1), [0, 1, .max, 1 << 63]) == nil)
        #expect(roundTrip(.rice(63), [0, 1, .max, 1 << 63]) == nil)
    }

    @Test("a stream mixing codes, parameters and raw fields decodes back")
    func mixedStream() {
        var g = SplitMix64(seed: 3)
        var script: [(UniversalCode?, UInt64, Int)] = []
        for _ in 0..<50_000 {
            let pick = Int(g.next() % UInt64(allCodes.count + 1))
            if pick == allCodes.count {
                let width = Int(g.next() % 58)
                script.append((nil, g.next() & mask(width), width))
            } else {
                let code = allCodes[pick]
                var n = g.next() >> (40 + g.next() % 24)
                if case .unary = code { n %= 200 }
                if case .rice(let k) = code, k < 6 { n %= 500 }
                if case .golomb(let m) = code, m < 100 { n %= 500 }
                script.append((code, max(n, code.minimumValue), 0))
            }
        }
        var w = BitWriter()
        for (code, n, width) in script {
            if let code { code.encode(n, to: &w) } else { w.write(n, count: width) }
        }
        let out = w.finish().bytes
        let firstBad = withReader(out) { r -> Int? in
            for (i, (code, n, width)) in script.enumerated() {
                if let code {
                    guard let d = try? code.decode(from: &r), d == n else { return i }
                } else if r.read(width) != n {
                    return i
                }
            }
            return r.isOverrun ? -1 : nil
        }
        #expect(firstBad == nil)
    }

    @Test("zero-based forms code 0 with every code and invert exactly", arguments: allCodes)
    func zeroBased(code: UniversalCode) {
        let values: [UInt64] = Array(0...300) + [UInt64.max - 1]
        var w = BitWriter()
        var expectedBits = 0
        for n in values where quotientIsSmall(code, n) {
            code.encode(zeroBased: n, to: &w)
            expectedBits += code.codeLength(zeroBased: n)
        }
        #expect(w.bitCount == expectedBits)
        let out = w.finish().bytes
        let ok = withReader(out) { r -> Bool in
            for n in values where quotientIsSmall(code, n) {
                guard let d = try? code.decodeZeroBased(from: &r), d == n else { return false }
            }
            return !r.isOverrun
        }
        #expect(ok)
        if code.minimumValue == 1 {
            #expect(code.codeLength(zeroBased: 0) == code.codeLength(1))
        }
    }

    @Test("the static forms agree with the enum")
    func staticForms() {
        var a = BitWriter()
        var b = BitWriter()
        for n in UInt64(1)...3000 {
            EliasGamma.encode(n, to: &a); UniversalCode.gamma.encode(n, to: &b)
            EliasDelta.encode(n, to: &a); UniversalCode.delta.encode(n, to: &b)
            EliasOmega.encode(n, to: &a); UniversalCode.omega.encode(n, to: &b)
            FibonacciCode.encode(n, to: &a); UniversalCode.fibonacci.encode(n, to: &b)
            RiceCode.encode(n, k: 5, to: &a); UniversalCode.rice(5).encode(n, to: &b)
            GolombCode.encode(n, m: 37, to: &a); UniversalCode.golomb(37).encode(n, to: &b)
            UnaryCode.encode(n % 70, to: &a); UniversalCode.unary.encode(n % 70, to: &b)
            EliasGamma.encode(zeroBased: n, to: &a); UniversalCode.gamma.encode(zeroBased: n, to: &b)
        }
        #expect(a.finish() == b.finish())
    }

    @Test("Kraft sums over 1…N (or 0…N) stay ≤ 1, and the complete codes get close to 1")
    func kraft() {
        for code in allCodes {
            var sum = 0.0
            let limit: UInt64 = isSlow(code) ? 2000 : 1 << 16
            var exceeded = false
            for n in code.minimumValue...limit {
                sum += 1 / Double(sign: .plus, exponent: code.codeLength(n), significand: 1)
                if sum > 1 + 1e-12 { exceeded = true }
            }
            #expect(!exceeded, "\(code)")
            // Each code is complete (its lengths meet Kraft with equality in the limit):
            // the partial sum must already be close to 1 unless the code's tail is long.
            switch code {
            case .gamma, .unary, .fibonacci, .golomb(1), .golomb(3), .golomb(5), .rice(0), .rice(1), .rice(6), .golomb(100):
                #expect(sum > 0.99, "\(code): \(sum)")
            case .rice(40):
                break   // codes of 41+ bits: 2^16 values cannot get near 1
            default:
                #expect(sum > 0.3, "\(code): \(sum)")
            }
        }
    }

    @Test("decoding random garbage never traps or hangs and always consumes bits", arguments: allCodes + [.rice(70), .golomb(0)])
    func garbage(code: UniversalCode) {
        var g = SplitMix64(seed: 77)
        var decodes = 0
        for length in 0..<200 {
            var data = Generators.random(length, seed: g.next())
            if length % 3 == 0 { for i in data.indices where g.next() % 4 != 0 { data[i] = 0 } }    // long zero runs
            if length % 5 == 0 { for i in data.indices where g.next() % 4 != 0 { data[i] = 0xAA } } // "1010…"
            withReader(data) { r in
                // Every successful decode consumes at least one bit; stop at the first error or overrun.
                var steps = 0
                while steps <= data.count * 8 + 1 {
                    let before = r.bitPosition
                    guard (try? code.decode(from: &r)) != nil else { break }
                    decodes += 1
                    #expect(r.bitPosition > before)
                    if r.isOverrun { break }
                    steps += 1
                }
                #expect(steps <= data.count * 8 + 1)
            }
        }
        if code.isValid { #expect(decodes > 0) }
    }

    @Test("a truncated stream decodes a prefix, then fails or overruns", arguments: allCodes)
    func truncated(code: UniversalCode) {
        var g = SplitMix64(seed: 8)
        let values: [UInt64] = (0..<200).map { _ in max(code.minimumValue, (g.next() >> (44 + g.next() % 20)) % (isSlow(code) ? 300 : .max)) }
        var w = BitWriter()
        for n in values { code.encode(n, to: &w) }
        let full = w.finish().bytes
        for cut in 0..<full.count {
            let prefix = Array(full[0..<cut])
            let ok = withReader(prefix) { r -> Bool in
                for n in values {
                    let d: UInt64
                    do throws(CodecError) { d = try code.decode(from: &r) } catch { return error == .truncated || !r.isOverrun }
                    if r.isOverrun { return true }
                    if d != n { return false }    // a value read without overrun must be right
                }
                return false                       // cannot decode everything from a strict prefix
            }
            #expect(ok, "\(code) cut at \(cut)")
        }
    }

    @Test("overlong and out-of-range codewords are corrupt, not traps")
    func overlong() {
        func decode(_ code: UniversalCode, _ bits: String) -> Result<UInt64, CodecError> {
            withReader(bytes(fromBits: bits) + [0xFF, 0xFF, 0xFF, 0xFF]) { r in
                Result { () throws(CodecError) -> UInt64 in try code.decode(from: &r) }
            }
        }
        func isCorrupt(_ r: Result<UInt64, CodecError>) -> Bool {
            if case .failure(.corrupt) = r { return true } else { return false }
        }
        #expect(isCorrupt(decode(.gamma, String(repeating: "0", count: 64) + "1")))
        #expect(isCorrupt(decode(.delta, "0000001000001")))                // length 65
        #expect(isCorrupt(decode(.delta, "0000000")))                      // 7 zeros in the length prefix
        #expect(isCorrupt(decode(.omega, "11" + "1111" + String(repeating: "1", count: 16) + String(repeating: "1", count: 60))))
        #expect(isCorrupt(decode(.fibonacci, String(repeating: "01", count: 60))))
        #expect(isCorrupt(decode(.golomb(1 << 62), "00001" + String(repeating: "0", count: 62))))   // 4·2^62
        #expect(decode(.golomb(1 << 62), "0001" + String(repeating: "1", count: 62)) == .success(.max))
        #expect(isCorrupt(decode(.rice(60), "00000000000000001")))
        let longRun = withReader(bytes(fromBits: String(repeating: "0", count: 5000) + "1")) { r in
            Result { () throws(CodecError) -> UInt64 in try UnaryCode.decode(from: &r, limit: 4999) }
        }
        #expect(isCorrupt(longRun))
        if case .failure(.invalidParameter) = decode(.rice(64), "1") {} else { Issue.record("rice(64) accepted") }
        if case .failure(.invalidParameter) = decode(.golomb(0), "1") {} else { Issue.record("golomb(0) accepted") }
        #expect(!UniversalCode.rice(-1).isValid && !UniversalCode.golomb(0).isValid && UniversalCode.rice(63).isValid)
        // Largest valid values still decode.
        #expect(decode(.gamma, String(repeating: "0", count: 63) + "1" + String(repeating: "1", count: 63)) == .success(.max))
        #expect(decode(.unary, String(repeating: "0", count: 4000) + "1") == .success(4000))
    }
}

/// Codes whose length grows linearly in n (kept to small n in sweeps).
private func isSlow(_ code: UniversalCode) -> Bool {
    switch code {
    case .unary: true
    case .rice(let k): k < 6
    case .golomb(let m): m < 100
    default: false
    }
}

/// Whether n codes in a few thousand bits (unary-quotient codes grow linearly).
private func quotientIsSmall(_ code: UniversalCode, _ n: UInt64) -> Bool {
    switch code {
    case .unary: n < 1 << 12
    case .rice(let k): n >> UInt64(k) < 1 << 12
    case .golomb(let m): n / m < 1 << 12
    default: true
    }
}
