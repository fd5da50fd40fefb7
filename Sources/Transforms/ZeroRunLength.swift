import BitIO

/// Zero-run coding of move-to-front ranks: each run of m zero ranks becomes
/// the digits of m in bijective base 2 (digits 1 and 2, least significant
/// first), written as the symbols `runA` (digit 1) and `runB` (digit 2); a
/// nonzero rank r becomes the symbol r + 1. A run of m zeros thus costs
/// ⌊log2(m + 1)⌋ symbols, and the alphabet is 0…256. The idea of coding runs
/// with two run symbols is Wheeler's, as used in bzip2 (Seward 1996);
/// bijective numeration is described e.g. by Knuth, TAOCP vol. 2, §4.1.
public enum ZeroRunLength {
    /// Run digit 1.
    public static let runA: UInt16 = 0
    /// Run digit 2.
    public static let runB: UInt16 = 1
    /// Symbols 0…256.
    public static let alphabetSize = 257

    /// Writes the symbols for `ranks` into `symbols` (which needs room for
    /// `ranks.count` symbols, the most there can be) and returns their number,
    /// or -1 if `symbols` is too short.
    @inlinable
    public static func encode(_ ranks: UnsafeRawBufferPointer, into symbols: UnsafeMutableBufferPointer<UInt16>) -> Int {
        guard symbols.count >= ranks.count else { return -1 }
        var w = 0
        var run = 0
        for i in 0..<ranks.count {
            let r = ranks[i]
            if r == 0 { run &+= 1; continue }
            if run > 0 { w = writeRun(run, symbols, w); run = 0 }
            symbols[w] = UInt16(r) &+ 1
            w &+= 1
        }
        if run > 0 { w = writeRun(run, symbols, w) }
        return w
    }

    @inlinable @inline(__always)
    static func writeRun(_ length: Int, _ symbols: UnsafeMutableBufferPointer<UInt16>, _ at: Int) -> Int {
        var m = length
        var w = at
        while m > 0 {
            // Digit 1 when m is odd, else digit 2; then drop the digit.
            let digit = 2 &- (m & 1)
            symbols[w] = UInt16(truncatingIfNeeded: digit &- 1)
            w &+= 1
            m = (m &- digit) &>> 1
        }
        return w
    }

    /// Inverts `encode`: writes the ranks for `symbols` into `ranks` and returns
    /// how many. Throws `.corrupt` for a symbol above 256 or output that would
    /// pass `ranks.count`.
    public static func decode(_ symbols: UnsafeBufferPointer<UInt16>, into ranks: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int {
        let capacity = ranks.count
        var w = 0
        var run = 0
        var weight = 1
        for i in 0..<symbols.count {
            let s = Int(symbols[i])
            if s <= 1 {
                // Bijective digit s + 1 at weight 2^k; the weight cap keeps `run` from overflowing.
                guard weight <= capacity else { throw .corrupt("zero run longer than the block at symbol \(i)") }
                run &+= (s &+ 1) &* weight
                weight &<<= 1
                continue
            }
            guard s < alphabetSize else { throw .corrupt("zero-run symbol \(s) above 256 at \(i)") }
            if run > 0 {
                guard run <= capacity &- w else { throw .corrupt("zero run passes the block end at symbol \(i)") }
                if let base = ranks.baseAddress { (base + w).initializeMemory(as: UInt8.self, repeating: 0, count: run) }
                w &+= run
                run = 0
                weight = 1
            }
            guard w < capacity else { throw .corrupt("ranks pass the block end at symbol \(i)") }
            ranks[w] = UInt8(truncatingIfNeeded: s &- 1)
            w &+= 1
        }
        if run > 0 {
            guard run <= capacity &- w else { throw .corrupt("final zero run passes the block end") }
            if let base = ranks.baseAddress { (base + w).initializeMemory(as: UInt8.self, repeating: 0, count: run) }
            w &+= run
        }
        return w
    }

    /// Convenience over arrays.
    public static func encode(_ ranks: [UInt8]) -> [UInt16] {
        var out = [UInt16](repeating: 0, count: ranks.count)
        let n = ranks.withUnsafeBytes { r in out.withUnsafeMutableBufferPointer { o in encode(r, into: o) } }
        return Array(out.prefix(Swift.max(0, n)))
    }

    /// Convenience over arrays; `count` is the number of ranks expected (the block size).
    public static func decode(_ symbols: [UInt16], count: Int) throws(CodecError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Swift.max(0, count))
        let result: Result<Int, CodecError> = symbols.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBytes { o in Result { () throws(CodecError) -> Int in try decode(s, into: o) } }
        }
        let n = try result.get()
        guard n == count else { throw .corrupt("zero-run symbols give \(n) ranks, expected \(count)") }
        return out
    }
}
