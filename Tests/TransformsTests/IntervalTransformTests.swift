import Testing
import Transforms
import BitIO
import TestSupport

@Suite struct IntervalTransformTests {
    @Test func handComputedExample() {
        // a at 0: first, 0 + 256 − 97; b at 1: 1 + 256 − 98; a at 2: 2; a at 3: 1; b at 4: 3.
        #expect(IntervalTransform.encode(Array("abaab".utf8)) == [159, 159, 2, 1, 3])
    }

    @Test(arguments: Generators.adversarial())
    func roundTrip(_ c: (String, [UInt8])) throws {
        let v = IntervalTransform.encode(c.1)
        #expect(v.count == c.1.count)
        for (i, x) in v.enumerated() { #expect(x >= 1 && Int(x) <= i + 256) }
        #expect(try IntervalTransform.decode(v) == c.1, "\(c.0)")
    }

    @Test func intervalIsAtLeastRankPlusOne() {
        let s = Generators.repetitive(10_000)
        let r = RecencyRank.encode(s), v = IntervalTransform.encode(s)
        for i in s.indices where r[i] < 256 { #expect(v[i] >= r[i] + 1) }
    }

    @Test func invalidValuesThrow() {
        #expect(throws: CodecError.self) { try IntervalTransform.decode([0]) }
        #expect(throws: CodecError.self) { try IntervalTransform.decode([257]) }       // before position −256
        #expect(throws: CodecError.self) { try IntervalTransform.decode([.max]) }
        // 'a' at 0 (value 159), then 'a' again at 1 claiming its first occurrence (160).
        #expect(throws: CodecError.self) { try IntervalTransform.decode([159, 160]) }
        #expect(throws: CodecError.self) { try IntervalTransform.decode([159, 1, 2]) }     // skips the a at 1
        let decoded = try? IntervalTransform.decode([159, 1, 1])
        #expect(decoded == [97, 97, 97])
    }

    @Test func randomValuesThrowOrDecode() {
        var g = SplitMix64(seed: 6)
        for _ in 0..<200 {
            let v = (0..<50).map { _ in UInt32(1 + g.next() % 300) }
            if let out = try? IntervalTransform.decode(v) { #expect(IntervalTransform.encode(out) == v) }
        }
    }
}
