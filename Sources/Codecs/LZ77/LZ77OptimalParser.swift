/// The cost-based parse of the `lz77` codec: over a stretch of up to
/// `horizon` positions, a shortest-path search (Storer & Szymanski 1982;
/// Bell, "Better OPM/L text compression", 1986) in which position j's
/// outgoing edges are a literal, a short repeat, every length of a match at
/// each of the four repeat distances and every length of each match the
/// binary tree finds, each priced with the coder's current probabilities.
/// Every node carries the token state and repeat distances of its best path,
/// so edges out of it are priced in the context the coder will really be in.
/// A stretch ends where no path reaches further, or at a match of `nice`
/// bytes, which is taken as is; then the path is coded and the next begins.
struct LZ77OptimalParser {
    typealias M = LZ77ArithModel
    let horizon: Int
    /// Offer the nearest 2-byte match (`head2`) at each position.
    let shortMatches: Bool
    let nodeCount: Int

    // Per-node arrays (structure of arrays, indices into the stretch).
    var price: [UInt32]
    var from: [Int32]
    var tokenLength: [Int32]
    /// > 0: a new match's distance; 0: literal; −1…−4: repeat index + 1.
    var tokenDistance: [Int32]
    var nodeState: [UInt8]
    var nodeReps: [Int32]   // 4 per node
    /// Up to two tokens coded before the node's own token on its incoming edge
    /// (length, distance code; length 0: none), 4 per node: the edges
    /// "literal, rep0" and "match, literal, rep0" (see `parseAndCode`).
    var nodePrefix: [Int32]
    /// Newest position of each 2-byte value (−1: none): the nearest match of 2 bytes,
    /// which the tree (keyed by 3 bytes) does not find.
    var head2: [Int32]
    var matches: [LZ77Match]
    var path: [Int32]

    // Price tables, refreshed from the probabilities every so many tokens.
    var matchLengthPrices: [UInt32]   // posState × (maxLength + 1)
    var repLengthPrices: [UInt32]
    var slotPrices: [UInt32]          // lengthState × 64
    var nearDistancePrices: [UInt32]  // lengthState × 128: full price of distance codes < 128
    var alignPrices: [UInt32]         // 16

    static let nearCount = 128

    init(horizon: Int, shortMatches: Bool) {
        self.horizon = horizon
        self.shortMatches = shortMatches
        // A "match, literal, rep0" edge may reach 2 × maxLength + 1 past the horizon.
        nodeCount = horizon + 2 * M.maxLength + 3
        price = [UInt32](repeating: 0, count: nodeCount)
        from = [Int32](repeating: 0, count: nodeCount)
        tokenLength = [Int32](repeating: 0, count: nodeCount)
        tokenDistance = [Int32](repeating: 0, count: nodeCount)
        nodeState = [UInt8](repeating: 0, count: nodeCount)
        nodeReps = [Int32](repeating: 0, count: nodeCount * 4)
        nodePrefix = [Int32](repeating: 0, count: nodeCount * 4)
        head2 = [Int32](repeating: -1, count: shortMatches ? 1 << 16 : 1)
        matches = [LZ77Match](repeating: LZ77Match(length: 0, distance: 0), count: M.maxLength + 1)
        path = [Int32](repeating: 0, count: nodeCount)
        matchLengthPrices = [UInt32](repeating: 0, count: M.maxPosStates * (M.maxLength + 1))
        repLengthPrices = matchLengthPrices
        slotPrices = [UInt32](repeating: 0, count: 4 * 64)
        nearDistancePrices = [UInt32](repeating: 0, count: 4 * Self.nearCount)
        alignPrices = [UInt32](repeating: 0, count: 16)
    }

    /// Parses and codes `p[0..<n]` into `encoder`.
    mutating func run(_ finder: BinaryTreeMatchFinder, encoder: inout LZ77ArithEncoder, nice: Int) {
        let n = finder.n
        let t = LZ77Price.table
        t.withUnsafeBufferPointer { tb in
            price.withUnsafeMutableBufferPointer { priceB in
            from.withUnsafeMutableBufferPointer { fromB in
            tokenLength.withUnsafeMutableBufferPointer { lenB in
            tokenDistance.withUnsafeMutableBufferPointer { distB in
            nodeState.withUnsafeMutableBufferPointer { stateB in
            nodeReps.withUnsafeMutableBufferPointer { repsB in
            matches.withUnsafeMutableBufferPointer { matchB in
            path.withUnsafeMutableBufferPointer { pathB in
            matchLengthPrices.withUnsafeMutableBufferPointer { mlB in
            repLengthPrices.withUnsafeMutableBufferPointer { rlB in
            slotPrices.withUnsafeMutableBufferPointer { slotB in
            nearDistancePrices.withUnsafeMutableBufferPointer { nearB in
            alignPrices.withUnsafeMutableBufferPointer { alignB in
            nodePrefix.withUnsafeMutableBufferPointer { preB in
            head2.withUnsafeMutableBufferPointer { h2B in
                var s = Stretch(
                    table: tb.baseAddress!, price: priceB.baseAddress!, from: fromB.baseAddress!,
                    length: lenB.baseAddress!, distance: distB.baseAddress!, state: stateB.baseAddress!,
                    reps: repsB.baseAddress!, matches: matchB.baseAddress!, path: pathB.baseAddress!,
                    matchLengthPrices: mlB.baseAddress!, repLengthPrices: rlB.baseAddress!,
                    slotPrices: slotB.baseAddress!, nearPrices: nearB.baseAddress!, alignPrices: alignB.baseAddress!,
                    prefix: preB.baseAddress!, head2: h2B.baseAddress!,
                    horizon: horizon, nice: nice, shortMatches: shortMatches)
                var position = 0
                var tokensSinceRefresh = Int.max
                while position < n {
                    if tokensSinceRefresh > 256 {
                        s.refreshPrices(encoder.probs)
                        tokensSinceRefresh = 0
                    }
                    tokensSinceRefresh &+= s.parseAndCode(at: position, finder: finder, encoder: &encoder, n: n)
                    position = s.reached
                }
            }}}}}}}}}}}}}}}
        }
    }

    /// The search's working state: raw pointers into the parser's arrays.
    struct Stretch {
        let table: UnsafePointer<UInt32>
        let price: UnsafeMutablePointer<UInt32>
        let from: UnsafeMutablePointer<Int32>
        let length: UnsafeMutablePointer<Int32>
        let distance: UnsafeMutablePointer<Int32>
        let state: UnsafeMutablePointer<UInt8>
        let reps: UnsafeMutablePointer<Int32>
        let matches: UnsafeMutablePointer<LZ77Match>
        let path: UnsafeMutablePointer<Int32>
        let matchLengthPrices: UnsafeMutablePointer<UInt32>
        let repLengthPrices: UnsafeMutablePointer<UInt32>
        let slotPrices: UnsafeMutablePointer<UInt32>
        let nearPrices: UnsafeMutablePointer<UInt32>
        let alignPrices: UnsafeMutablePointer<UInt32>
        let prefix: UnsafeMutablePointer<Int32>
        let head2: UnsafeMutablePointer<Int32>
        let horizon: Int
        let nice: Int
        let shortMatches: Bool
        var reached = 0

        @inline(__always)
        func bitPrice(_ probs: UnsafeMutablePointer<UInt16>, _ index: Int, _ b: Bool) -> UInt32 {
            LZ77Price.bit(b, probs[index], table)
        }

        func treePrice(_ probs: UnsafeMutablePointer<UInt16>, _ base: Int, _ value: Int, bits: Int) -> UInt32 {
            var sum: UInt32 = 0
            var node = 1
            var k = bits &- 1
            while k >= 0 {
                let b = (value &>> k) & 1
                sum &+= bitPrice(probs, base &+ node, b != 0)
                node = node &<< 1 | b
                k &-= 1
            }
            return sum
        }

        func reverseTreePrice(_ probs: UnsafeMutablePointer<UInt16>, _ base: Int, _ value: Int, bits: Int) -> UInt32 {
            var sum: UInt32 = 0
            var node = 1
            for k in 0..<bits {
                let b = (value &>> k) & 1
                sum &+= bitPrice(probs, base &+ node, b != 0)
                node = node &<< 1 | b
            }
            return sum
        }

        func lengthPrice(_ probs: UnsafeMutablePointer<UInt16>, _ coderBase: Int, _ len: Int, posState: Int) -> UInt32 {
            typealias L = M.LengthCoder
            let v = len &- M.minLength
            if v < 8 {
                return bitPrice(probs, coderBase &+ L.choice, false) &+ treePrice(probs, coderBase &+ L.low &+ posState &* 8, v, bits: 3)
            }
            let c = bitPrice(probs, coderBase &+ L.choice, true)
            if v < 16 {
                return c &+ bitPrice(probs, coderBase &+ L.choice2, false) &+ treePrice(probs, coderBase &+ L.mid &+ posState &* 8, v &- 8, bits: 3)
            }
            return c &+ bitPrice(probs, coderBase &+ L.choice2, true) &+ treePrice(probs, coderBase &+ L.high, v &- 16, bits: 8)
        }

        mutating func refreshPrices(_ probs: UnsafeMutablePointer<UInt16>) {
            let stride = M.maxLength &+ 1
            for ps in 0..<M.maxPosStates {
                for len in M.minLength...M.maxLength {
                    matchLengthPrices[ps &* stride &+ len] = lengthPrice(probs, M.matchLength, len, posState: ps)
                    repLengthPrices[ps &* stride &+ len] = lengthPrice(probs, M.repLength, len, posState: ps)
                }
            }
            for k in 0..<16 { alignPrices[k] = reverseTreePrice(probs, M.align, k, bits: 4) }
            for ls in 0..<4 {
                for slot in 0..<64 {
                    var sp = treePrice(probs, M.distSlot &+ ls &* 64, slot, bits: 6)
                    if slot >= M.directSlotLimit { sp &+= UInt32(((slot &>> 1) &- 1 &- 4) &<< LZ77Price.shift) }
                    slotPrices[ls &* 64 &+ slot] = sp
                }
                for d in 0..<LZ77OptimalParser.nearCount {
                    let slot = M.slot(ofDistanceCode: UInt32(d))
                    var sp = slotPrices[ls &* 64 &+ slot]
                    if slot >= 4 {
                        let extra = (slot &>> 1) &- 1
                        sp &+= reverseTreePrice(probs, M.specialBase(slot), d &- ((2 | (slot & 1)) &<< extra), bits: extra)
                    }
                    nearPrices[ls &* LZ77OptimalParser.nearCount &+ d] = sp
                }
            }
        }

        @inline(__always)
        func distancePrice(_ dist: Int, lengthState ls: Int) -> UInt32 {
            let d = dist &- 1
            if d < LZ77OptimalParser.nearCount { return nearPrices[ls &* LZ77OptimalParser.nearCount &+ d] }
            let slot = M.slot(ofDistanceCode: UInt32(truncatingIfNeeded: d))
            return slotPrices[ls &* 64 &+ slot] &+ alignPrices[d & 15]
        }

        /// Price of the literal at `i` (its bits only) in a state whose last token
        /// was `afterMatch` not a literal, with `matchDistance` the repeat distance 0 then.
        func literalPrice(_ probs: UnsafeMutablePointer<UInt16>, _ encoder: LZ77ArithEncoder, at i: Int,
                          afterMatch: Bool, matchDistance: Int) -> UInt32 {
            let p = encoder.p
            let base = encoder.literalBase(at: i)
            let byte = Int(p[i])
            if !afterMatch { return treePrice(probs, base, byte, bits: 8) }
            let matchByte = Int(p[i &- matchDistance])
            var sum: UInt32 = 0
            var node = 1
            var k = 7
            var same = true
            while k >= 0 {
                let b = (byte &>> k) & 1
                if same {
                    let mb = (matchByte &>> k) & 1
                    sum &+= bitPrice(probs, base &+ 256 &+ mb &<< 8 &+ node, b != 0)
                    same = b == mb
                } else {
                    sum &+= bitPrice(probs, base &+ node, b != 0)
                }
                node = node &<< 1 | b
                k &-= 1
            }
            return sum
        }

        @inline(__always)
        func relax(_ target: Int, _ cost: UInt32, from origin: Int, length len: Int, distance dist: Int) {
            if cost < price[target] {
                price[target] = cost
                from[target] = Int32(truncatingIfNeeded: origin)
                length[target] = Int32(truncatingIfNeeded: len)
                distance[target] = Int32(truncatingIfNeeded: dist)
                prefix[target &* 4] = 0
            }
        }

        /// `relax` for an edge of two or three tokens: `first` (length, distance code)
        /// and, when `second` has a length, `second`, before the token (len, dist).
        @inline(__always)
        func relax(_ target: Int, _ cost: UInt32, from origin: Int, first: (Int, Int), second: (Int, Int),
                   length len: Int, distance dist: Int) {
            if cost < price[target] {
                price[target] = cost
                from[target] = Int32(truncatingIfNeeded: origin)
                length[target] = Int32(truncatingIfNeeded: len)
                distance[target] = Int32(truncatingIfNeeded: dist)
                let q = prefix + target &* 4
                q[0] = Int32(truncatingIfNeeded: first.0); q[1] = Int32(truncatingIfNeeded: first.1)
                q[2] = Int32(truncatingIfNeeded: second.0); q[3] = Int32(truncatingIfNeeded: second.1)
            }
        }

        /// The state and repeat distances after one token (length, distance code) from `st`, `r`.
        @inline(__always)
        static func advance(_ st: inout Int, _ r: inout (Int32, Int32, Int32, Int32), length len: Int, distance d: Int) {
            if d == 0 {
                st = M.nextState(st, kind: M.literalKind)
            } else if d > 0 {
                r = (Int32(truncatingIfNeeded: d), r.0, r.1, r.2)
                st = M.nextState(st, kind: M.matchKind)
            } else {
                let index = -d &- 1
                switch index {
                case 0: break
                case 1: r = (r.1, r.0, r.2, r.3)
                case 2: r = (r.2, r.0, r.1, r.3)
                default: r = (r.3, r.0, r.1, r.2)
                }
                st = M.nextState(st, kind: index == 0 && len == 1 ? M.shortRepKind : M.repKind)
            }
        }

        /// Sets node `j`'s state and repeat distances from its best incoming edge.
        @inline(__always)
        func settle(_ j: Int) {
            let f = Int(from[j])
            var st = Int(state[f])
            var r = (reps[f &* 4], reps[f &* 4 &+ 1], reps[f &* 4 &+ 2], reps[f &* 4 &+ 3])
            let q = prefix + j &* 4
            if q[0] != 0 {
                Self.advance(&st, &r, length: Int(q[0]), distance: Int(q[1]))
                if q[2] != 0 { Self.advance(&st, &r, length: Int(q[2]), distance: Int(q[3])) }
            }
            Self.advance(&st, &r, length: Int(length[j]), distance: Int(distance[j]))
            state[j] = UInt8(truncatingIfNeeded: st)
            reps[j &* 4] = r.0; reps[j &* 4 &+ 1] = r.1; reps[j &* 4 &+ 2] = r.2; reps[j &* 4 &+ 3] = r.3
        }

        /// Records `i` as the newest position of its first two bytes; returns the previous one (−1: none).
        @inline(__always)
        func insert2(_ i: Int, _ p: UnsafePointer<UInt8>) -> Int {
            let key = Int(p[i]) | Int(p[i &+ 1]) &<< 8
            let old = Int(head2[key])
            head2[key] = Int32(truncatingIfNeeded: i)
            return old
        }

        /// Price of "literal at `j`, then rep0 of `len2` bytes at j + 1" in state `st`
        /// right before the literal, whose repeat distance 0 is `rep0`.
        @inline(__always)
        func literalThenRep0Price(_ probs: UnsafeMutablePointer<UInt16>, _ encoder: LZ77ArithEncoder, at j: Int,
                                  state st: Int, rep0: Int, length len2: Int) -> UInt32 {
            let mask = encoder.positionMask
            let ps1 = j & mask
            var c = bitPrice(probs, M.isMatchCell(state: st, posState: ps1), false)
                &+ literalPrice(probs, encoder, at: j, afterMatch: st & 3 != M.literalKind, matchDistance: rep0)
            let s2 = M.nextState(st, kind: M.literalKind)
            let ps2 = (j &+ 1) & mask
            c &+= bitPrice(probs, M.isMatchCell(state: s2, posState: ps2), true)
                &+ repPrefixPrice(probs, 0, state: s2, posState: ps2)
                &+ repLengthPrices[ps2 &* (M.maxLength &+ 1) &+ len2]
            return c
        }

        /// Finds the cheapest path over one stretch starting at `start`, codes it,
        /// sets `reached`, and returns the number of tokens coded.
        mutating func parseAndCode(at start: Int, finder: BinaryTreeMatchFinder, encoder: inout LZ77ArithEncoder, n: Int) -> Int {
            let probs = encoder.probs
            let p = finder.p
            let limitNodes = Swift.min(horizon, n &- start)
            price[0] = 0
            state[0] = UInt8(truncatingIfNeeded: encoder.state)
            reps[0] = Int32(truncatingIfNeeded: encoder.reps.0); reps[1] = Int32(truncatingIfNeeded: encoder.reps.1)
            reps[2] = Int32(truncatingIfNeeded: encoder.reps.2); reps[3] = Int32(truncatingIfNeeded: encoder.reps.3)
            var end = 0          // farthest node any edge reaches
            var cur = 0
            var final = -1
            let stride = M.maxLength &+ 1
            while true {
                if cur > 0 { settle(cur) }
                let i = start &+ cur
                let available = Swift.min(M.maxLength, n &- i)
                let count = finder.findAndInsert(i, into: matches)
                let near2 = shortMatches && available >= 2 ? insert2(i, p) : -1
                let base = price[cur]
                let st = Int(state[cur])
                let posState = i & encoder.positionMask
                let r = reps + cur &* 4
                // Clear the nodes the edges out of `cur` may reach for the first time.
                let farthest = cur &+ available
                while end < farthest { end &+= 1; price[end] = LZ77Price.unreachable }

                // Match lengths at the four repeat distances (0: none of 2 bytes or more).
                var repLengths: (Int, Int, Int, Int) = (0, 0, 0, 0)
                var longRep = 0, longRepIndex = 0
                for k in 0..<M.repCount {
                    let dist = Int(r[k])
                    guard dist <= i, available >= 2, p[i] == p[i &- dist], p[i &+ 1] == p[i &- dist &+ 1] else { continue }
                    let len = finder.commonLength(i &- dist, i, from: 2, limit: available)
                    switch k {
                    case 0: repLengths.0 = len
                    case 1: repLengths.1 = len
                    case 2: repLengths.2 = len
                    default: repLengths.3 = len
                    }
                    if len > longRep { longRep = len; longRepIndex = k }
                }
                // A long match is taken without weighing the alternatives.
                let longest = count > 0 ? Int(matches[count &- 1].length) : 0
                if longRep >= nice || longest >= nice {
                    if longRep >= longest {
                        final = cur &+ longRep
                        forceEdge(final, from: cur, length: longRep, distance: -longRepIndex &- 1)
                    } else {
                        final = cur &+ longest
                        forceEdge(final, from: cur, length: longest, distance: Int(matches[count &- 1].distance))
                    }
                    break
                }

                // Literal.
                let isMatchZero = bitPrice(probs, M.isMatchCell(state: st, posState: posState), false)
                relax(cur &+ 1, base &+ isMatchZero &+ literalPrice(probs, encoder, at: i, afterMatch: st & 3 != M.literalKind,
                                                                    matchDistance: Int(r[0])),
                      from: cur, length: 1, distance: 0)
                let isMatchOne = base &+ bitPrice(probs, M.isMatchCell(state: st, posState: posState), true)
                // Short repeat: one byte at rep0.
                let rep0 = Int(r[0])
                // Literal, then rep0 from the next byte: the node after the literal
                // may be reached more cheaply with other repeat distances.
                if rep0 <= i && p[i] != p[i &- rep0] {
                    let room = Swift.min(M.maxLength, n &- i &- 1)
                    if room >= 2 && p[i &+ 1] == p[i &+ 1 &- rep0] && p[i &+ 2] == p[i &+ 2 &- rep0] {
                        let len2 = finder.commonLength(i &+ 1 &- rep0, i &+ 1, from: 2, limit: room)
                        let target = cur &+ 1 &+ len2
                        while end < target { end &+= 1; price[end] = LZ77Price.unreachable }
                        relax(target, base &+ literalThenRep0Price(probs, encoder, at: i, state: st, rep0: rep0, length: len2),
                              from: cur, first: (1, 0), second: (0, 0), length: len2, distance: -1)
                    }
                }
                if rep0 <= i && p[i] == p[i &- rep0] {
                    let c = isMatchOne &+ bitPrice(probs, M.isRep &+ st, true) &+ bitPrice(probs, M.isRepG0 &+ st, false)
                        &+ bitPrice(probs, M.isRep0LongCell(state: st, posState: posState), false)
                    relax(cur &+ 1, c, from: cur, length: 1, distance: -1)
                }
                // Repeat matches, every length.
                for k in 0..<M.repCount {
                    let len = k == 0 ? repLengths.0 : k == 1 ? repLengths.1 : k == 2 ? repLengths.2 : repLengths.3
                    guard len >= 2 else { continue }
                    let prefix = isMatchOne &+ repPrefixPrice(probs, k, state: st, posState: posState)
                    let lp = repLengthPrices + posState &* stride
                    var l = 2
                    while l <= len {
                        relax(cur &+ l, prefix &+ lp[l], from: cur, length: l, distance: -k &- 1)
                        l &+= 1
                    }
                    relaxThenLiteralRep0(cur, i, length: len, distance: Int(r[k]), code: -k &- 1,
                                         kind: M.repKind, cost: prefix &+ lp[len], state: st, probs, encoder, finder, n, &end)
                }
                // New matches, every length of each.
                let newPrefix = isMatchOne &+ bitPrice(probs, M.isRep &+ st, false)
                if near2 >= 0 && i &- near2 <= finder.window {
                    // The nearest 2-byte match (the tree's matches are 3 bytes or more).
                    let d2 = i &- near2
                    relax(cur &+ 2, newPrefix &+ matchLengthPrices[posState &* stride &+ 2] &+ distancePrice(d2, lengthState: 0),
                          from: cur, length: 2, distance: d2)
                }
                if count > 0 {
                    let prefix = newPrefix
                    let lp = matchLengthPrices + posState &* stride
                    var l = 2
                    for m in 0..<count {
                        let dist = Int(matches[m].distance)
                        let top = Int(matches[m].length)
                        while l <= top {
                            relax(cur &+ l, prefix &+ lp[l] &+ distancePrice(dist, lengthState: M.lengthState(l)),
                                  from: cur, length: l, distance: dist)
                            l &+= 1
                        }
                        relaxThenLiteralRep0(cur, i, length: top, distance: dist, code: dist, kind: M.matchKind,
                                             cost: prefix &+ lp[top] &+ distancePrice(dist, lengthState: M.lengthState(top)),
                                             state: st, probs, encoder, finder, n, &end)
                    }
                }
                cur &+= 1
                if cur >= end || cur >= limitNodes { final = cur; break }
            }
            // Positions inside the final edges were not searched: insert them.
            var j = start &+ cur &+ 1
            let stop = start &+ final
            if final > cur {
                while j < stop {
                    _ = finder.findAndInsert(j, into: matches)
                    if shortMatches && j &+ 1 < n { _ = insert2(j, p) }
                    j &+= 1
                }
            }
            // Walk back and code the path forwards.
            var steps = 0
            var node = final
            while node > 0 { path[steps] = Int32(truncatingIfNeeded: node); steps &+= 1; node = Int(from[node]) }
            var k = steps &- 1
            while k >= 0 {
                let to = Int(path[k])
                let q = prefix + to &* 4
                var at = start &+ Int(from[to])
                if q[0] != 0 {
                    code(&encoder, at: at, length: Int(q[0]), distance: Int(q[1]))
                    at &+= Int(q[0])
                    if q[2] != 0 {
                        code(&encoder, at: at, length: Int(q[2]), distance: Int(q[3]))
                        at &+= Int(q[2])
                    }
                }
                code(&encoder, at: at, length: Int(length[to]), distance: Int(distance[to]))
                k &-= 1
            }
            reached = start &+ final
            return steps
        }

        @inline(__always)
        func forceEdge(_ target: Int, from origin: Int, length len: Int, distance dist: Int) {
            from[target] = Int32(truncatingIfNeeded: origin)
            length[target] = Int32(truncatingIfNeeded: len)
            distance[target] = Int32(truncatingIfNeeded: dist)
            prefix[target &* 4] = 0
        }

        /// Codes one token (length, distance code) at `at`.
        @inline(__always)
        func code(_ encoder: inout LZ77ArithEncoder, at: Int, length len: Int, distance d: Int) {
            let before = encoder.trace == nil ? 0 : encoder.coder.bitsSoFar
            if d == 0 {
                encoder.literal(at: at)
            } else if d > 0 {
                encoder.match(at: at, length: len, distance: d)
            } else {
                encoder.repeatMatch(at: at, index: -d &- 1, length: len)
            }
            if encoder.trace != nil { encoder.record(at: at, length: len, distance: d, bits: encoder.coder.bitsSoFar - before) }
        }

        /// After a match of `len` bytes at `distance` from position `i` (node `cur`, costing
        /// `cost` from the stretch's start), the byte that breaks it as a literal and rep0
        /// going on at the same distance: the edge of three tokens that a match's end
        /// node, settled with whatever path was cheapest there, may not offer.
        @inline(__always)
        func relaxThenLiteralRep0(_ cur: Int, _ i: Int, length len: Int, distance dist: Int, code: Int, kind: Int,
                                  cost: UInt32, state st: Int, _ probs: UnsafeMutablePointer<UInt16>,
                                  _ encoder: LZ77ArithEncoder, _ finder: BinaryTreeMatchFinder, _ n: Int, _ end: inout Int) {
            let p = finder.p
            let j = i &+ len
            let room = Swift.min(M.maxLength, n &- j &- 1)
            guard room >= 2, p[j &+ 1] == p[j &+ 1 &- dist], p[j &+ 2] == p[j &+ 2 &- dist] else { return }
            let len2 = finder.commonLength(j &+ 1 &- dist, j &+ 1, from: 2, limit: room)
            let target = cur &+ len &+ 1 &+ len2
            while end < target { end &+= 1; price[end] = LZ77Price.unreachable }
            let c = cost &+ literalThenRep0Price(probs, encoder, at: j, state: M.nextState(st, kind: kind), rep0: dist, length: len2)
            relax(target, c, from: cur, first: (len, code), second: (1, 0), length: len2, distance: -1)
        }

        /// Price of the bits that select repeat distance `index` (after isMatch = 1).
        @inline(__always)
        func repPrefixPrice(_ probs: UnsafeMutablePointer<UInt16>, _ index: Int, state st: Int, posState: Int) -> UInt32 {
            var c = bitPrice(probs, M.isRep &+ st, true)
            if index == 0 {
                c &+= bitPrice(probs, M.isRepG0 &+ st, false) &+ bitPrice(probs, M.isRep0LongCell(state: st, posState: posState), true)
            } else {
                c &+= bitPrice(probs, M.isRepG0 &+ st, true)
                if index == 1 {
                    c &+= bitPrice(probs, M.isRepG1 &+ st, false)
                } else {
                    c &+= bitPrice(probs, M.isRepG1 &+ st, true) &+ bitPrice(probs, M.isRepG2 &+ st, index == 3)
                }
            }
            return c
        }
    }
}
