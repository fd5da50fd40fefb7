import BitIO
import Testing
import TestSupport

/// Bit-at-a-time CRC-32 (reflected, polynomial 0xEDB88320): the definition, as an independent reference.
private func bitwiseCRC32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes {
        c ^= UInt32(b)
        for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
    }
    return ~c
}

@Suite("CRC32")
struct CRC32Tests {
    @Test("published check values")
    func knownValues() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
        #expect(CRC32.checksum([0]) == 0xD202_EF8D)
    }

    @Test("equals the bitwise definition for every length 0…600 at every start alignment")
    func matchesBitwise() {
        let data = Generators.random(700, seed: 11)
        var mismatches = 0
        for offset in 0..<8 {
            for length in 0...600 {
                let slice = data[offset..<(offset + length)]
                let fast = slice.withUnsafeBytes { CRC32.checksum($0) }
                if fast != bitwiseCRC32(slice) { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }

    @Test("incremental updates over random splits equal the one-shot checksum")
    func incremental() {
        var g = SplitMix64(seed: 5)
        let data = Generators.random(100_000, seed: 12)
        let whole = CRC32.checksum(data)
        #expect(whole == bitwiseCRC32(data[...]))
        for _ in 0..<20 {
            var c = CRC32()
            var i = 0
            while i < data.count {
                let n = min(data.count - i, Int(g.next() % 5000))
                data[i..<(i + n)].withUnsafeBytes { c.update($0) }
                i += n
            }
            #expect(c.value == whole)
        }
        var c = CRC32()
        c.update(UnsafeRawBufferPointer(start: nil, count: 0))
        #expect(c.value == 0)
    }

    @Test("append(checksum:count:) of two pieces equals the checksum of both, for any split")
    func combine() {
        var g = SplitMix64(seed: 21)
        let data = Generators.random(70_000, seed: 13)
        let whole = CRC32.checksum(data)
        var splits = [0, 1, 15, 16, 17, data.count - 1, data.count]
        for _ in 0..<40 { splits.append(Int(g.next() % UInt64(data.count + 1))) }
        for cut in splits {
            var c = CRC32()
            data[0..<cut].withUnsafeBytes { c.update($0) }
            let tail = data[cut...].withUnsafeBytes { CRC32.checksum($0) }
            c.append(checksum: tail, count: data.count - cut)
            #expect(c.value == whole, "cut at \(cut)")
        }
        // Many pieces, as a frame of blocks; and appending nothing changes nothing.
        var c = CRC32()
        var i = 0
        while i < data.count {
            let n = min(data.count - i, Int(g.next() % 9000))
            c.append(checksum: data[i..<(i + n)].withUnsafeBytes { CRC32.checksum($0) }, count: n)
            i += n
        }
        #expect(c.value == whole)
        let before = c.value
        c.append(checksum: 0, count: 0)
        #expect(c.value == before)
        // A run of zero bytes longer than any block: the shift by x^(8n) for large n.
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var z = CRC32()
        [UInt8]([1, 2, 3]).withUnsafeBytes { z.update($0) }
        let direct = ([1, 2, 3] + zeros).withUnsafeBytes { CRC32.checksum($0) }
        z.append(checksum: CRC32.checksum(zeros), count: zeros.count)
        #expect(z.value == direct)
    }
}
