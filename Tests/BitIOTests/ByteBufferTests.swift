import BitIO
import Testing
import TestSupport

@Suite("ByteBuffer")
struct ByteBufferTests {
    @Test("appends of every kind agree with an array model")
    func appendsMatchArrayModel() {
        var g = SplitMix64(seed: 7)
        var b = ByteBuffer()
        var model: [UInt8] = []
        for _ in 0..<2000 {
            switch g.next() % 6 {
            case 0:
                let x = UInt8(truncatingIfNeeded: g.next())
                b.append(x); model.append(x)
            case 1:
                let chunk = Generators.random(Int(g.next() % 300), seed: g.next())
                chunk.withUnsafeBytes { b.append(contentsOf: $0) }
                model += chunk
            case 2:
                let chunk = Generators.random(Int(g.next() % 40), seed: g.next())
                b.append(contentsOf: chunk[...])
                model += chunk
            case 3:
                let v = UInt32(truncatingIfNeeded: g.next())
                b.appendLittleEndian(v)
                model += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
            case 4:
                let n = Int(g.next() % 100)
                let fill = UInt8(truncatingIfNeeded: g.next())
                let written = b.withUnsafeAppendingSpace(maxCount: n) { space -> Int in
                    let k = space.count / 2
                    for i in 0..<k { space[i] = fill }
                    return k
                }
                #expect(written == n / 2)
                model += [UInt8](repeating: fill, count: n / 2)
            default:
                let word = g.next()
                let valid = Int(g.next() % 9)
                b.appendBigEndianWord(word, validBytes: valid)
                for i in 0..<valid { model.append(UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * i))) }
            }
            #expect(b.count == model.count)
            #expect(b.capacity >= b.count)
        }
        #expect(b.bytes == model)
        #expect(b.withUnsafeBytes { Array($0) } == model)
        #expect(b == ByteBuffer(model))
    }

    @Test("equality compares contents, not capacity; truncate, removeAll and setCount clamp")
    func equalityAndSizes() {
        var a = ByteBuffer(capacity: 1000)
        a.append(contentsOf: [1, 2, 3])
        let b = ByteBuffer([1, 2, 3])
        #expect(a == b)
        #expect(a != ByteBuffer([1, 2]))
        a.truncate(to: 2)
        #expect(a.bytes == [1, 2])
        a.truncate(to: 10)
        #expect(a.bytes == [1, 2])
        a.truncate(to: -5)
        #expect(a.isEmpty)
        a.append(contentsOf: [4, 5])
        a.setCount(a.capacity + 100)
        #expect(a.count == a.capacity)
        a.setCount(-1)
        #expect(a.count == 0)
        a.append(9)
        a.removeAll()
        #expect(a.isEmpty && a.capacity >= 1000)
        #expect(ByteBuffer() == ByteBuffer(capacity: 5))
    }

    @Test("withUnsafeAppendingSpace clamps a bad return count and passes errors through")
    func appendingSpaceClamps() {
        var b = ByteBuffer()
        _ = b.withUnsafeAppendingSpace(maxCount: 4) { _ in 99 }
        #expect(b.count == 4)
        _ = b.withUnsafeAppendingSpace(maxCount: 4) { _ in -3 }
        #expect(b.count == 4)
        #expect(throws: CodecError.truncated) {
            try b.withUnsafeAppendingSpace(maxCount: 4) { (_) throws(CodecError) -> Int in throw .truncated }
        }
        #expect(b.count == 4)
    }

    @Test("copies are independent values")
    func valueSemantics() {
        var a = ByteBuffer([1, 2, 3])
        let b = a
        a.append(4)
        a.withUnsafeMutableStorage { $0[0] = 42 }
        #expect(b.bytes == [1, 2, 3])
        #expect(a.bytes == [42, 2, 3, 4])
    }
}
