import BitIO
import Testing
import TestSupport

/// One operation of a random write/read script.
private enum Op {
    case field(UInt64, Int)   // value, 0...57 bits
    case wide(UInt64, Int)    // value, 0...64 bits
    case bit(Bool)
    case align
    case flush
}

private func randomScript(_ g: inout SplitMix64, count: Int) -> [Op] {
    (0..<count).map { _ in
        let v = g.next()
        switch g.next() % 16 {
        case 0: return .bit(v & 1 == 1)
        case 1: return .wide(v, Int(g.next() % 65))
        case 2: return g.next() % 4 == 0 ? .align : .flush
        default: return .field(v, Int(g.next() % 58))
        }
    }
}

@Suite("BitWriter and BitReader")
struct BitStreamTests {
    @Test("MSB-first bit order of known fields")
    func knownBytes() {
        var w = BitWriter()
        w.write(0b101, count: 3)
        w.write(0b11111, count: 5)
        w.write(bit: true)
        w.write(0xFFFF_FFFF, count: 2)       // high bits of the value are ignored
        w.write(0, count: 0)
        #expect(w.bitCount == 11)
        #expect(w.finish().bytes == [0xBF, 0xE0])

        var w2 = BitWriter()
        w2.writeWide(0x0123_4567_89AB_CDEF, count: 64)
        w2.write(0x1FF, count: 4)
        #expect(w2.finish().bytes == [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xF0])

        #expect(withReader([0xBF, 0xE0]) { r in [r.read(3), r.read(5), r.readBit() ? 1 : 0, r.read(2), r.read(5)] }
            == [5, 31, 1, 3, 0])
    }

    @Test("writer output equals a bit-by-bit model, and the reader gives every field back",
          arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomScripts(seed: UInt64) {
        var g = SplitMix64(seed: seed)
        let script = randomScript(&g, count: 3000)
        var model: [Bool] = []
        var w = BitWriter(capacity: Int(seed % 3) * 7)    // also start from tiny capacities
        for op in script {
            switch op {
            case .field(let v, let n):
                w.write(v, count: n)
                for i in stride(from: n - 1, through: 0, by: -1) { model.append((v >> UInt64(i)) & 1 == 1) }
            case .wide(let v, let n):
                w.writeWide(v, count: n)
                for i in stride(from: n - 1, through: 0, by: -1) { model.append((v >> UInt64(i)) & 1 == 1) }
            case .bit(let b):
                w.write(bit: b)
                model.append(b)
            case .align:
                w.alignToByte()
                while model.count % 8 != 0 { model.append(false) }
            case .flush:
                w.flushWholeBytes()
            }
            #expect(w.bitCount == model.count)
        }
        let out = w.finish().bytes
        while model.count % 8 != 0 { model.append(false) }
        let expected = bytes(fromBits: String(model.map { $0 ? "1" : "0" }))
        #expect(out == expected)

        // Read the same script back, checking positions as we go.
        let ok = withReader(out) { r -> Bool in
            var position = 0
            for op in script {
                switch op {
                case .field(let v, let n):
                    if r.read(n) != v & mask(n) { return false }
                    position += n
                case .wide(let v, let n):
                    if r.readWide(n) != v & mask(n) { return false }
                    position += n
                case .bit(let b):
                    if r.readBit() != b { return false }
                    position += 1
                case .align:
                    r.alignToByte()
                    position = (position + 7) / 8 * 8
                case .flush:
                    break
                }
                if r.bitPosition != position || r.isOverrun { return false }
            }
            return r.totalBits == out.count * 8
        }
        #expect(ok)
    }

    @Test("reader equals a bit-indexing model on random bytes, with zeros and an overrun flag past the end")
    func readerModel() {
        var g = SplitMix64(seed: 42)
        for length in 0..<48 {
            let data = Generators.random(length, seed: UInt64(length) + 100)
            for _ in 0..<20 {
                let mismatches = withReader(data) { r -> Int in
                    var bad = 0
                    var position = 0
                    while position < data.count * 8 + 130 {
                        let kind = g.next() % 5
                        let n = Int(g.next() % 58)
                        switch kind {
                        case 0:
                            if r.peek(n) != referenceField(data, at: position, count: n) { bad += 1 }
                            r.skip(n)
                        case 1:
                            if r.readBit() != (referenceBit(data, position) == 1) { bad += 1 }
                            position -= n - 1
                        case 2:
                            r.refill(); r.refill()   // refilling more than needed changes nothing
                            if r.read(n) != referenceField(data, at: position, count: n) { bad += 1 }
                        case 3:
                            let wide = Int(g.next() % 65)
                            if r.readWide(wide) != referenceField(data, at: position, count: wide) { bad += 1 }
                            position += wide - n
                        default:
                            if r.read(n) != referenceField(data, at: position, count: n) { bad += 1 }
                        }
                        position += n
                        if r.bitPosition != position { bad += 1 }
                        if r.isOverrun != (position > data.count * 8) { bad += 1 }
                        if r.remainingBits != data.count * 8 - position { bad += 1 }
                    }
                    return bad
                }
                #expect(mismatches == 0, "length \(length)")
            }
        }
    }

    @Test("overrun: exactly at the end is fine, one bit more is truncated")
    func overrun() {
        let data: [UInt8] = [0xFF, 0x01, 0x80]
        withReader(data) { r in
            #expect(r.read(24) == 0xFF0180)
            #expect(!r.isOverrun)
            #expect(throws: Never.self) { try r.checkNotOverrun() }
            #expect(r.read(57) == 0)
            #expect(r.isOverrun)
            #expect(throws: CodecError.truncated) { try r.checkNotOverrun() }
            for _ in 0..<1000 { #expect(r.read(57) == 0) }   // keeps yielding zeros, never traps
        }
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        var r = BitReader(empty)
        #expect(r.totalBits == 0)
        #expect(r.peek(0) == 0 && !r.isOverrun)
        #expect(r.readBit() == false)
        #expect(r.isOverrun)
    }

    @Test("reader alignToByte skips to the next byte boundary")
    func readerAlign() {
        withReader([0xA5, 0x3C, 0xFF]) { r in
            r.alignToByte()
            #expect(r.bitPosition == 0)
            _ = r.read(3)
            r.alignToByte()
            #expect(r.bitPosition == 8)
            #expect(r.read(8) == 0x3C)
            r.alignToByte()
            #expect(r.bitPosition == 16)
        }
    }

    @Test("readZerosBeforeOne counts long runs, enforces the limit and reports truncation")
    func zeroRuns() throws {
        for run in [0, 1, 7, 56, 57, 58, 63, 64, 100, 200, 1000] {
            let s = String(repeating: "0", count: run) + "1"
            let data = bytes(fromBits: "101" + s)
            let result = withReader(data) { r -> (Int?, Int, Bool) in
                _ = r.read(3)
                let n = try? r.readZerosBeforeOne(limit: 1000)
                return (n, r.bitPosition, r.readBit())
            }
            #expect(result.0 == run)
            #expect(result.1 == 3 + run)
            #expect(result.2 == true)
            let limited = withReader(data) { r -> CodecError? in
                _ = r.read(3)
                do throws(CodecError) { _ = try r.readZerosBeforeOne(limit: run - 1); return nil } catch { return error }
            }
            if run > 0 {
                guard case .corrupt = limited else { Issue.record("run \(run): expected corrupt, got \(String(describing: limited))"); continue }
            }
        }
        let zeros = [UInt8](repeating: 0, count: 300)
        let e = withReader(zeros) { r -> CodecError? in
            do throws(CodecError) { _ = try r.readZerosBeforeOne(limit: .max); return nil } catch { return error }
        }
        #expect(e == .truncated)
    }

    @Test("appendingTo keeps existing bytes; continuing takes the storage; copies are independent")
    func appendAndCopies() {
        let prefix = ByteBuffer([1, 2, 3])
        var w = BitWriter(appendingTo: prefix)
        #expect(w.bitCount == 24)
        w.write(0xAB, count: 8)
        #expect(w.finish().bytes == [1, 2, 3, 0xAB])
        #expect(prefix.bytes == [1, 2, 3])

        var buffer = ByteBuffer([9])
        var c = BitWriter(continuing: &buffer)
        #expect(buffer.isEmpty)
        c.write(0x7, count: 3)
        c.finish(into: &buffer)
        #expect(buffer.bytes == [9, 0xE0])
        #expect(c.bitCount == 0)

        var a = BitWriter()
        for i in 0..<100 { a.write(UInt64(i), count: 13) }
        var b = a
        for _ in 0..<100 { a.write(0, count: 17); b.write(0x1FFFF, count: 17) }
        let ab = a.finish().bytes
        let bb = b.finish().bytes
        #expect(ab.count == bb.count)
        withReader(ab) { r in
            for i in 0..<100 { #expect(r.read(13) == UInt64(i)) }
            for _ in 0..<100 { #expect(r.read(17) == 0) }
        }
        withReader(bb) { r in
            for i in 0..<100 { #expect(r.read(13) == UInt64(i)) }
            for _ in 0..<100 { #expect(r.read(17) == 0x1FFFF) }
        }
    }

    @Test("finish pads to a byte and a writer can go on after it")
    func finishPadding() {
        for bits in 0..<70 {
            var w = BitWriter()
            for _ in 0..<bits { w.write(bit: true) }
            let out = w.finish()
            #expect(out.count == (bits + 7) / 8)
            #expect(w.bitCount == out.count * 8)
            w.write(0x5, count: 3)
            #expect(w.finish().count == out.count + 1)
        }
    }

    @Test("counts outside 0...57 give unspecified bits but never trap")
    func badCounts() {
        var g = SplitMix64(seed: 13)
        let data = Generators.random(40, seed: 14)
        withReader(data) { r in
            for _ in 0..<5000 {
                let n = Int(truncatingIfNeeded: g.next() % 200) - 100
                switch g.next() % 4 {
                case 0: _ = r.read(n)
                case 1: _ = r.peek(n)
                case 2: r.skip(n)
                default: _ = r.readWide(n)
                }
                _ = r.isOverrun
            }
        }
        var w = BitWriter()
        for _ in 0..<5000 {
            w.write(g.next(), count: Int(truncatingIfNeeded: g.next() % 200) - 100)
            if g.next() % 50 == 0 { w.flushWholeBytes() }
        }
        _ = w.finish()
        // A writer used correctly afterwards still works.
        var v = BitWriter()
        v.write(0b1011, count: 4)
        #expect(v.finish().bytes == [0xB0])
    }
}
