import Testing
import Transforms
import TestSupport

/// The x86 and delta filters (Sources/Transforms/Filters): filter then inverse is
/// the identity on every input, and inverse then filter too (the inverse is a
/// bijection, so any bytes are a valid filtered block); hand-computed examples
/// pin what each does; the stride detector finds the stride of records.
@Suite struct BlockFilterTests {
    static func forward(_ f: BlockFilter, _ data: [UInt8]) -> [UInt8] {
        var d = data
        d.withUnsafeMutableBytes { f.apply($0) }
        return d
    }

    static func inverse(_ f: BlockFilter, _ data: [UInt8]) -> [UInt8] {
        var d = data
        d.withUnsafeMutableBytes { f.invert($0) }
        return d
    }

    /// Every filter the format can name: none, x86 and every delta stride.
    static let allFilters: [BlockFilter] = [.none, .x86] + DeltaFilter.strides.map { .delta(stride: $0) }

    /// Inputs full of E8/E9 in every position and with every high byte.
    static func adversarialX86() -> [(String, [UInt8])] {
        var cases: [(String, [UInt8])] = [
            ("all E8", [UInt8](repeating: 0xE8, count: 4099)),
            ("all E9", [UInt8](repeating: 0xE9, count: 777)),
            ("E8 00 x4 repeated", Array([[0xE8, 0, 0, 0, 0]].joined()) + (0..<2000).flatMap { _ in [UInt8]([0xE8, 0, 0, 0, 0]) }),
            ("E8 FF x4 repeated", (0..<2000).flatMap { _ in [UInt8]([0xE8, 0xFF, 0xFF, 0xFF, 0xFF]) }),
            ("E8 then high bytes 00/FF/E8 mixed", (0..<3000).map { [0xE8, 0x00, 0xFF, 0xE9, 0x12][$0 % 5] }),
            ("E8 every 3", (0..<3000).map { $0 % 3 == 0 ? 0xE8 : UInt8(truncatingIfNeeded: $0 % 7 == 0 ? 0xFF : 0) }),
        ]
        // An E8 at every offset near the end: whole calls, and calls cut by the end of the block.
        for n in 1...12 {
            for at in 0..<n {
                var d = [UInt8](repeating: 0x00, count: n)
                d[at] = 0xE8
                cases.append(("E8 at \(at) of \(n)", d))
                var f = [UInt8](repeating: 0xFF, count: n)
                f[at] = 0xE9
                cases.append(("E9 at \(at) of \(n) (FF)", f))
            }
        }
        for k in 0..<6 {
            var d = Generators.random(1024, seed: UInt64(k))
            d[1024 - 1 - k] = 0xE8
            cases.append(("E8 at end - \(k + 1), random", d))
        }
        return cases
    }

    static func inputs() -> [(String, [UInt8])] {
        var cases = Generators.adversarial() + adversarialX86()
        for n in [0, 1, 2, 5, 6, 255, 256, 257, 511, 4096] {
            cases.append(("random \(n)", Generators.random(n, seed: UInt64(n) + 11)))
        }
        // Real machine code: this test process's own executable (x86-64 on the CI machines).
        if let exe = try? readFile("/proc/self/exe") {
            cases.append(("own executable, first 1 MiB", Array(exe.prefix(1 << 20))))
        }
        return cases
    }

    @Test(arguments: inputs())
    func x86FilterThenInverseIsIdentity(_ c: (String, [UInt8])) {
        let filtered = Self.forward(.x86, c.1)
        #expect(filtered.count == c.1.count)
        #expect(Self.inverse(.x86, filtered) == c.1, "\(c.0)")
        // Any bytes are a filtered block: the inverse is total and the forward undoes it.
        #expect(Self.forward(.x86, Self.inverse(.x86, c.1)) == c.1, "\(c.0): inverse then forward")
    }

    /// Every filter (every delta stride) on random, adversarial and real inputs.
    @Test func everyFilterAndStrideRoundTrips() throws {
        var inputs: [(String, [UInt8])] = [("random 3000", Generators.random(3000, seed: 5)),
                                            ("skewed 1000", Generators.skewed(1000)), ("short 7", Generators.random(7, seed: 9))]
        inputs.append(("all E8", [UInt8](repeating: 0xE8, count: 600)))
        inputs.append(("geo", Array(try TestCorpus.bytes("calgary", "geo").prefix(20_000))))
        for f in Self.allFilters {
            for (name, data) in inputs {
                #expect(Self.inverse(f, Self.forward(f, data)) == data, "\(f) on \(name)")
                #expect(Self.forward(f, Self.inverse(f, data)) == data, "\(f) inverse first on \(name)")
            }
        }
    }

    @Test func x86HandComputed() {
        // A call at 0 with displacement 0x10: target 0x10 + 5 (the next instruction's offset).
        #expect(Self.forward(.x86, [0xE8, 0x10, 0, 0, 0]) == [0xE8, 0x15, 0, 0, 0])
        // A negative displacement (-3) at offset 10: -3 + 15 = 12.
        let at10 = [UInt8](repeating: 0x90, count: 10) + [0xE9, 0xFD, 0xFF, 0xFF, 0xFF]
        #expect(Self.forward(.x86, at10) == [UInt8](repeating: 0x90, count: 10) + [0xE9, 12, 0, 0, 0])
        // High byte 0x12: not a near call, left alone.
        #expect(Self.forward(.x86, [0xE8, 1, 2, 3, 0x12]) == [0xE8, 1, 2, 3, 0x12])
        // A call cut by the block end is left alone.
        #expect(Self.forward(.x86, [0x90, 0xE8, 0x10, 0, 0]) == [0x90, 0xE8, 0x10, 0, 0])
        // Two calls to one target from different places become the same bytes.
        var code = [UInt8](repeating: 0x90, count: 100)
        let target = 80
        for at in [3, 40] {
            let d = UInt32(bitPattern: Int32(target - (at + 5)))
            code[at] = 0xE8
            for k in 0..<4 { code[at + 1 + k] = UInt8(truncatingIfNeeded: d >> (8 * UInt32(k))) }
        }
        let f = Self.forward(.x86, code)
        #expect(Array(f[4..<8]) == Array(f[41..<45]))
        #expect(Array(f[4..<8]) == [80, 0, 0, 0])
    }

    @Test func deltaHandComputed() {
        #expect(Self.forward(.delta(stride: 1), [10, 12, 15, 15, 5]) == [10, 2, 3, 0, 246])
        #expect(Self.forward(.delta(stride: 2), [1, 2, 4, 6, 9, 12]) == [1, 2, 3, 4, 5, 6])
        // Shorter than the stride: unchanged.
        #expect(Self.forward(.delta(stride: 8), [1, 2, 3]) == [1, 2, 3])
    }

    /// Records of `width` bytes whose fields each change slowly: the detector finds the width.
    @Test(arguments: [1, 2, 3, 4, 6, 8, 12])
    func detectsTheStrideOfRecords(_ width: Int) {
        var g = SplitMix64(seed: UInt64(width))
        var fields = (0..<width).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        var data: [UInt8] = []
        for _ in 0..<(60_000 / width) {
            for k in 0..<width {
                fields[k] &+= UInt8(truncatingIfNeeded: g.next() % 3)
                data.append(fields[k])
            }
        }
        let found = data.withUnsafeBytes { DeltaFilter.detectStride($0) }
        #expect(found.stride == width, "records of \(width) bytes: detected \(found.stride)")
        #expect(found.deltaBits < found.sampleBits - 2)
    }

    @Test func parsesSettings() {
        #expect(FilterSetting(parsing: "x86") == .fixed(.x86))
        #expect(FilterSetting(parsing: "delta") == .deltaAutoStride)
        #expect(FilterSetting(parsing: "delta:2") == .fixed(.delta(stride: 2)))
        #expect(FilterSetting(parsing: "delta:255") == .fixed(.delta(stride: 255)))
        #expect(FilterSetting(parsing: "delta:0") == nil)
        #expect(FilterSetting(parsing: "delta:256") == nil)
        #expect(FilterSetting(parsing: "arm") == nil)
        for f in Self.allFilters {
            let back = BlockFilter.from(id: f.id, parameter: f.parameter)
            #expect(back == .success(f))
        }
        #expect(BlockFilter.from(id: 2, parameter: 0) == .failure(FilterError("delta filter with stride 0 (valid: 1…255)")))
        #expect(BlockFilter.from(id: 3, parameter: nil) == .failure(FilterError("unknown filter id 3 (known: 0 none, 1 x86, 2 delta)")))
    }

    /// The x86 signature tells code from random bytes.
    @Test func x86Signature() throws {
        let exe = try readFile("/proc/self/exe")
        let code = exe.withUnsafeBytes { X86Filter.signature($0) }
        let noise = Generators.random(1 << 20, seed: 3).withUnsafeBytes { X86Filter.signature($0) }
        #expect(code.plausibleShare > 0.3, "\(code)")
        #expect(noise.plausibleShare < 0.05, "\(noise)")
    }
}
