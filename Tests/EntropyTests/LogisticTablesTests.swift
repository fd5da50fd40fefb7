import Testing
import Entropy

/// The context-mixing tables are part of the format: `LogisticTables` builds
/// them with integers only, and must give exactly the values archives were
/// written with (the checked-in copy in LogisticTableValues.swift).
@Suite struct LogisticTablesTests {
    /// Every entry of arith -3/-4's tables, compared with the checked-in copy.
    @Test func contextMixingTablesEqualCheckedInCopy() {
        #expect(LogisticTables.squash12.count == 4096)
        #expect(LogisticTables.stretch12.count == 4096)
        #expect(LogisticTables.rates.count == 1024)
        for i in 0..<4096 {
            #expect(LogisticTables.squash12[i] == LogisticTableValues.squash12[i], "squash12[\(i)]")
            #expect(LogisticTables.stretch12[i] == LogisticTableValues.stretch12[i], "stretch12[\(i)]")
        }
        for n in 0..<1024 {
            #expect(LogisticTables.rates[n] == LogisticTableValues.rates[n], "rates[\(n)]")
        }
    }

    /// The copy is what the old libm construction gives (the generator kept in
    /// LogisticTableValues); the nearest rounding tie is 1.7e-4 away, so any
    /// libm's exp agrees. Fails if someone edits the literals.
    @Test func checkedInCopyIsWhatTheLibmConstructionGave() {
        let ref = LogisticTableValues.libmReference()
        #expect(ref.squash == LogisticTableValues.squash12)
        #expect(ref.stretch == LogisticTableValues.stretch12)
        #expect(ref.rate == LogisticTableValues.rates)
    }

    /// The bwt rank model's tables (integer-only since they were written, moved
    /// here from Codecs): FNV-1a hashes of their little-endian bytes and spot
    /// values, taken from the code before the move (commit b6b74d3).
    @Test func bwtTablesUnchanged() {
        #expect(fnv1a(LogisticTables.squash16) == 0xbe94_4898_f97e_54ef)
        #expect(fnv1a(LogisticTables.stretch16) == 0x3b96_ad7d_4757_d45f)
        #expect(fnv1a(Array(LogisticTables.rates.prefix(128))) == 0xacaa_0e92_814e_e542)
        #expect([0, 1000, 2048, 3000, 4095].map { LogisticTables.squash16[$0] } == [22, 1075, 32768, 63983, 65514])
        #expect([0, 1000, 2048, 3000, 4095].map { LogisticTables.stretch16[$0] } == [-2047, -289, 0, 258, 2047])
        #expect(LogisticTables.squash16(-5000) == 22 && LogisticTables.squash16(5000) == 65514)
    }

    /// Shape: squash is nondecreasing and odd about 2048, stretch inverts it.
    @Test func squashIsMonotoneSymmetricAndStretchInvertsIt() {
        let sq = LogisticTables.squash12, st = LogisticTables.stretch12
        for i in 1..<4096 { #expect(sq[i - 1] <= sq[i], "squash12 at \(i)") }
        for x in 1...2047 { #expect(sq[2048 + x] + sq[2048 - x] == 4096, "squash12 symmetry at \(x)") }
        for x in -2047...2047 {
            #expect(st[Int(sq[x + 2048])] <= Int32(x), "stretch12(squash12(\(x)))")
        }
        for p in 1..<4096 where st[p] < 2047 {
            #expect(sq[Int(st[p]) + 2048] >= Int32(p), "squash12(stretch12(\(p)))")
        }
    }

    private func fnv1a<T: FixedWidthInteger>(_ values: [T]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for v in values {
            for k in 0..<(T.bitWidth / 8) {
                h = (h ^ UInt64(UInt8(truncatingIfNeeded: v >> (k * 8)))) &* 0x100_0000_01b3
            }
        }
        return h
    }
}
