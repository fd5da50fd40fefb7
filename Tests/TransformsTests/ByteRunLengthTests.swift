import Testing
import Transforms
import BitIO
import TestSupport

private func encodeRuns(_ input: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: input.count * 5 / 4 + 4)
    let n = input.withUnsafeBytes { i in out.withUnsafeMutableBytes { o in ByteRunLength.encode(i, into: o) } }
    #expect(n == input.withUnsafeBytes { ByteRunLength.encodedCount($0) })
    return Array(out.prefix(Swift.max(0, n)))
}

private func decodeRuns(_ coded: [UInt8], capacity: Int) throws(CodecError) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: capacity)
    let result: Result<Int, CodecError> = coded.withUnsafeBytes { i in
        out.withUnsafeMutableBytes { o in Result { () throws(CodecError) -> Int in try ByteRunLength.decode(i, into: o) } }
    }
    return Array(out.prefix(try result.get()))
}

@Test func byteRunsOfFourOrMoreBecomeFourBytesAndACount() throws {
    #expect(encodeRuns([7, 7, 7]) == [7, 7, 7])
    #expect(encodeRuns([7, 7, 7, 7]) == [7, 7, 7, 7, 0])
    #expect(encodeRuns([UInt8](repeating: 1, count: 259)) == [1, 1, 1, 1, 255])
    #expect(encodeRuns([UInt8](repeating: 1, count: 260)) == [1, 1, 1, 1, 255, 1])
    #expect(encodeRuns([UInt8](repeating: 0, count: 10) + [5]) == [0, 0, 0, 0, 6, 5])
}

@Test func byteRunsRoundTrip() throws {
    var g = SplitMix64(seed: 11)
    var runs: [UInt8] = []
    for _ in 0..<4000 { runs.append(contentsOf: repeatElement(UInt8(g.next() % 3), count: Int(g.next() % 600) + 1)) }
    for input in [[], [9], runs, Generators.random(50_000), [UInt8](repeating: 4, count: 100_000)] + Generators.adversarial().map(\.1) {
        let coded = encodeRuns(input)
        #expect(try decodeRuns(coded, capacity: input.count) == input)
    }
}

@Test func byteRunDecoderRejectsOverflowAndMissingCounts() {
    // A count byte is due after four equal bytes.
    #expect(throws: CodecError.self) { try decodeRuns([3, 3, 3, 3], capacity: 100) }
    // The run passes the capacity.
    #expect(throws: CodecError.self) { try decodeRuns([3, 3, 3, 3, 200], capacity: 100) }
    #expect(throws: CodecError.self) { try decodeRuns([1, 2, 3], capacity: 2) }
}
