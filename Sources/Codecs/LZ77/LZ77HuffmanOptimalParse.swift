import BitIO
import Entropy

/// The cost-based parse of `lz77-huffman`'s strongest levels: the input is cut
/// into segments; the binary-tree finder (`BinaryTreeMatchFinder`) lists every
/// useful match length at each position of a segment once, into a cache; then
/// a shortest path from the segment's end backwards (Storer & Szymanski 1982)
/// chooses, at each position, a literal or any length of any cached match,
/// each priced in bits by the Huffman code lengths the coder would use. The
/// prices come from the previous pass over the segment, or for its first pass
/// from the code of the segment before it (neighbouring text has similar
/// statistics, so one pass is mostly enough); each segment becomes one coded
/// block, so the code it is priced with is close to the code it is written with.
///
/// The tokens go to `values`/`distances` as in `LZ77Parse`; `blockEnds` gets
/// the token index after each segment. No format change: the decoder sees the
/// same token stream as from the lazy parse.
struct LZ77HuffmanOptimalParse {
    /// Bytes per segment (and so per coded block): large enough that a block's
    /// code-length header (about 60–100 bytes) is small beside it.
    static let segmentSize = 1 << 16
    /// Cached matches per segment byte on average; a segment ends early if its cache fills.
    static let cachePerByte = 4

    let parameters: LZ77Parameters
    let passes: Int

    /// Parses `p[0..<n]`; returns the token count.
    func parse(_ p: UnsafePointer<UInt8>, count n: Int,
               values: UnsafeMutablePointer<UInt32>, distances: UnsafeMutablePointer<UInt32>,
               blockEnds: inout [Int]) -> Int {
        let prm = parameters
        let hashLog = prm.hashLog
        // The hash chains reach back 2^windowLog bytes, and so does this: a ring one
        // size larger, since the finder's ring of 2^k reaches 2^k − 1.
        let ringLog = prm.windowLog &+ 1
        let ring = BinaryTreeMatchFinder.ringPositions(count: n, windowLog: ringLog)
        let segment = Self.segmentSize
        let span = segment &+ prm.maxLength &+ 1
        let cut = prm.chainDepth
        let cacheCapacity = segment &* Self.cachePerByte &+ cut &+ 1

        var head = [Int32](repeating: -1, count: 1 << hashLog)
        var links = [Int32](repeating: -1, count: 2 &* ring)
        var cache = [LZ77Match](repeating: LZ77Match(length: 0, distance: 0), count: cacheCapacity)
        var scratch = [LZ77Match](repeating: LZ77Match(length: 0, distance: 0), count: cut &+ 1)
        var first = [Int32](repeating: 0, count: span &+ 1)
        var cost = [UInt32](repeating: 0, count: span &+ 1)
        var choiceLength = [UInt16](repeating: 0, count: span)
        var choiceDistance = [UInt32](repeating: 0, count: span)
        var prices = Prices()

        var tokens = 0
        head.withUnsafeMutableBufferPointer { hb in
        links.withUnsafeMutableBufferPointer { lb in
        cache.withUnsafeMutableBufferPointer { cb in
        scratch.withUnsafeMutableBufferPointer { sb in
        first.withUnsafeMutableBufferPointer { fb in
        cost.withUnsafeMutableBufferPointer { costB in
        choiceLength.withUnsafeMutableBufferPointer { clB in
        choiceDistance.withUnsafeMutableBufferPointer { cdB in
            guard let hp = hb.baseAddress, let lp = lb.baseAddress, let cache = cb.baseAddress,
                  let scratch = sb.baseAddress, let first = fb.baseAddress, let cost = costB.baseAddress,
                  let chosenLength = clB.baseAddress, let chosenDistance = cdB.baseAddress else { return }
            let finder = BinaryTreeMatchFinder(
                p: p, n: n, head: hp, links: lp, hashShift: UInt32(32 &- hashLog),
                mask: (1 << ringLog) &- 1, window: Swift.min(n, 1 << prm.windowLog),
                cut: cut, nice: prm.niceLength, maxLength: prm.maxLength)
            var start = 0
            var firstSegment = true
            while start < n {
                // 1. Every match of the segment into the cache.
                let target = Swift.min(n, start &+ segment)
                var used = 0
                var j = start
                while j < target && used &+ cut < cacheCapacity {
                    first[j &- start] = Int32(truncatingIfNeeded: used)
                    let count = finder.findAndInsert(j, into: cache + used)
                    if count > 0 && Int(cache[used &+ count &- 1].length) >= prm.niceLength {
                        // A long match is all that is kept; the positions it covers are only inserted.
                        let longest = cache[used &+ count &- 1]
                        cache[used] = longest
                        used &+= 1
                        let stop = Swift.min(n, j &+ Int(longest.length))
                        var k = j &+ 1
                        while k < stop {
                            first[k &- start] = Int32(truncatingIfNeeded: used)
                            _ = finder.findAndInsert(k, into: scratch)
                            k &+= 1
                        }
                        j = stop
                    } else {
                        used &+= count
                        j &+= 1
                    }
                }
                let end = j
                let length = end &- start
                first[length] = Int32(truncatingIfNeeded: used)

                // 2. Shortest paths, each pass priced by the one before.
                let rounds = firstSegment ? passes &+ 1 : passes
                for round in 0..<rounds {
                    if round > 0 { prices.learn(chosenLength, chosenDistance, p + start, count: length) }
                    prices.withTables { lit, len, dist in
                        cost[length] = 0
                        var i = length &- 1
                        while i >= 0 {
                            var best = lit[Int(p[start &+ i])] &+ cost[i &+ 1]
                            var bestLength = 1, bestDistance: UInt32 = 0
                            let limit = length &- i
                            var l = LZ77Parse.minMatch
                            var m = Int(first[i])
                            let mEnd = Int(first[i &+ 1])
                            while m < mEnd {
                                let top = Swift.min(Int(cache[m].length), limit)
                                let d = UInt32(truncatingIfNeeded: cache[m].distance)
                                let dc = Prices.distanceCost(d, dist)
                                while l <= top {
                                    let c = len[l] &+ dc &+ cost[i &+ l]
                                    if c < best { best = c; bestLength = l; bestDistance = d }
                                    l &+= 1
                                }
                                m &+= 1
                            }
                            cost[i] = best
                            chosenLength[i] = UInt16(truncatingIfNeeded: bestLength)
                            chosenDistance[i] = bestDistance
                            i &-= 1
                        }
                    }
                }
                // 3. The path's tokens; its statistics price the next segment.
                var i = 0
                while i < length {
                    let l = Int(chosenLength[i])
                    if l == 1 {
                        values[tokens] = UInt32(p[start &+ i]); distances[tokens] = 0
                    } else {
                        values[tokens] = UInt32(l); distances[tokens] = chosenDistance[i]
                    }
                    tokens &+= 1
                    i &+= l
                }
                prices.learn(chosenLength, chosenDistance, p + start, count: length)
                blockEnds.append(tokens)
                start = end
                firstSegment = false
            }
        }}}}}}}}
        return tokens
    }

    /// Bits per literal, per match length and per distance slot, from the code
    /// lengths of the last parse (a symbol it did not use is priced as a long code).
    struct Prices {
        static let unusedBits: UInt32 = 10
        var literal = [UInt32](repeating: 0, count: 256)
        var length = [UInt32](repeating: 0, count: LZ77HuffmanCodec.maxLength &+ 1)
        var distanceSlot = [UInt32](repeating: 0, count: LZ77HuffmanCodec.distanceSymbols)
        var litFreq = [UInt32](repeating: 0, count: LZ77HuffmanCodec.literalLengthSymbols)
        var distFreq = [UInt32](repeating: 0, count: LZ77HuffmanCodec.distanceSymbols)

        /// Before any parse: about what a text's code gives (literals 8 bits,
        /// length and distance slots 6 bits, plus their extra bits).
        init() {
            for b in 0..<256 { literal[b] = 8 }
            for s in 0..<16 { lengthSlotBits[s] = 6 }
            for s in 0..<LZ77HuffmanCodec.distanceSymbols { distanceSlot[s] = 6 }
            fillLengths()
        }

        var lengthSlotBits = [UInt32](repeating: 0, count: 16)

        mutating func fillLengths() {
            for l in LZ77Parse.minMatch...LZ77HuffmanCodec.maxLength {
                let s = LZ77HuffmanCodec.slot(UInt32(l &- 3))
                length[l] = lengthSlotBits[s.slot] &+ UInt32(s.extraBits)
            }
        }

        /// Counts the symbols of the path in `chosenLength`/`chosenDistance` and reprices.
        mutating func learn(_ chosenLength: UnsafeMutablePointer<UInt16>, _ chosenDistance: UnsafeMutablePointer<UInt32>,
                            _ p: UnsafePointer<UInt8>, count: Int) {
            for k in 0..<litFreq.count { litFreq[k] = 0 }
            for k in 0..<distFreq.count { distFreq[k] = 0 }
            var i = 0
            while i < count {
                let l = Int(chosenLength[i])
                if l == 1 {
                    litFreq[Int(p[i])] &+= 1
                } else {
                    litFreq[256 &+ LZ77HuffmanCodec.slot(UInt32(l &- 3)).slot] &+= 1
                    distFreq[LZ77HuffmanCodec.slot(chosenDistance[i] &- 1).slot] &+= 1
                }
                i &+= l
            }
            guard let litLengths = try? HuffmanCodeLengths.compute(litFreq, limit: 15),
                  let distLengths = try? HuffmanCodeLengths.compute(distFreq, limit: 15) else { return }
            for b in 0..<256 { literal[b] = litLengths[b] == 0 ? Self.unusedBits : UInt32(litLengths[b]) }
            for s in 0..<16 {
                lengthSlotBits[s] = litLengths[256 &+ s] == 0 ? Self.unusedBits : UInt32(litLengths[256 &+ s])
            }
            for s in 0..<distLengths.count { distanceSlot[s] = distLengths[s] == 0 ? Self.unusedBits : UInt32(distLengths[s]) }
            fillLengths()
        }

        func withTables(_ body: (UnsafePointer<UInt32>, UnsafePointer<UInt32>, UnsafePointer<UInt32>) -> Void) {
            literal.withUnsafeBufferPointer { a in
                length.withUnsafeBufferPointer { b in
                    distanceSlot.withUnsafeBufferPointer { c in
                        guard let a = a.baseAddress, let b = b.baseAddress, let c = c.baseAddress else { return }
                        body(a, b, c)
                    }
                }
            }
        }

        /// Bits of distance `d`: its slot's code plus the slot's extra bits.
        @inline(__always)
        static func distanceCost(_ d: UInt32, _ slotBits: UnsafePointer<UInt32>) -> UInt32 {
            let s = LZ77HuffmanCodec.slot(d &- 1)
            return slotBits[s.slot] &+ UInt32(s.extraBits)
        }
    }
}

extension LZ77Parse {
    /// The cost-based parse (`LZ77HuffmanOptimalParse`); `blockEnds` gets the
    /// token index after each segment, where the coder should end a block.
    init(optimal input: UnsafeRawBufferPointer, parameters: LZ77Parameters, passes: Int, blockEnds: inout [Int]) {
        var ends: [Int] = []
        self.init(input) { base, n, v, d in
            LZ77HuffmanOptimalParse(parameters: parameters, passes: passes).parse(base, count: n, values: v, distances: d, blockEnds: &ends)
        }
        blockEnds = ends
    }
}
