/// Longest-match search over a sliding window with hash chains: `head[h]`
/// holds the newest position whose next 3 bytes hash to h, `previous[i]`
/// the position before i with the same hash (deflate's scheme, RFC 1951 §4;
/// Bell, Cleary & Witten, "Text Compression", §8.3).
///
/// With `hashBytes` 4 the chains link positions whose next 4 bytes hash
/// alike, and a table of one position per 3-byte hash (`head3`) offers the
/// nearest 3-byte match: a chain then holds fewer false candidates, so the
/// same depth reaches farther for long matches (libdeflate's lazy levels
/// pair a hash-3 table with hash-4 chains the same way).
struct HashChainMatchFinder {
    var head: [Int32]
    var head3: [Int32]
    var previous: [Int32]
    let parameters: LZ77Parameters

    static let hash3Log = 15

    init(count: Int, parameters: LZ77Parameters) {
        self.parameters = parameters
        head = [Int32](repeating: -1, count: 1 << parameters.hashLog)
        head3 = [Int32](repeating: -1, count: parameters.hashBytes == 4 ? 1 << Self.hash3Log : 1)
        previous = [Int32](repeating: -1, count: Swift.max(count, 1))
    }

    /// Writes the tokens of `p[0..<n]` and returns how many there are (≤ n).
    mutating func parse(_ p: UnsafePointer<UInt8>, count n: Int,
                        values: UnsafeMutablePointer<UInt32>, distances: UnsafeMutablePointer<UInt32>) -> Int {
        let prm = parameters
        return head.withUnsafeMutableBufferPointer { hb in
            head3.withUnsafeMutableBufferPointer { h3b in
            previous.withUnsafeMutableBufferPointer { pb in
                guard let head = hb.baseAddress, let head3 = h3b.baseAddress, let prev = pb.baseAddress else { return 0 }
                let search = Search(p: p, n: n, head: head, head3: head3, prev: prev,
                                    hashShift: 32 - prm.hashLog, window: 1 << prm.windowLog,
                                    nice: prm.niceLength, maxLength: prm.maxLength,
                                    far3: prm.maxDistanceForLength3, four: prm.hashBytes == 4)
                let reducedDepth = Swift.max(1, prm.chainDepth >> 2)
                var t = 0
                var i = 0
                var pendingLength = 0, pendingDistance = 0
                while i < n {
                    // A deferred match that is already good rarely loses to the next one: search that less hard (as deflate does).
                    let depth = pendingLength >= prm.goodLength ? reducedDepth : prm.chainDepth
                    let (length, distance) = search.findAndInsert(i, depth: depth)
                    if pendingLength > 0 {
                        if length > pendingLength {
                            // The match one byte later is longer: the deferred byte becomes a literal.
                            values[t] = UInt32(p[i &- 1]); distances[t] = 0; t &+= 1
                            pendingLength = length; pendingDistance = distance
                            i &+= 1
                            continue
                        }
                        values[t] = UInt32(pendingLength); distances[t] = UInt32(pendingDistance); t &+= 1
                        let end = i &- 1 &+ pendingLength
                        search.insert(from: i &+ 1, to: end)
                        i = end
                        pendingLength = 0
                        continue
                    }
                    if length >= LZ77Parse.minMatch {
                        if prm.lazy && length < prm.niceLength {
                            pendingLength = length; pendingDistance = distance
                            i &+= 1
                            continue
                        }
                        values[t] = UInt32(length); distances[t] = UInt32(distance); t &+= 1
                        search.insert(from: i &+ 1, to: i &+ length)
                        i &+= length
                    } else {
                        values[t] = UInt32(p[i]); distances[t] = 0; t &+= 1
                        i &+= 1
                    }
                }
                if pendingLength > 0 {
                    values[t] = UInt32(pendingLength); distances[t] = UInt32(pendingDistance); t &+= 1
                }
                return t
            }
            }
        }
    }

    /// The hot loop's state, all raw pointers.
    struct Search {
        let p: UnsafePointer<UInt8>
        let n: Int
        let head: UnsafeMutablePointer<Int32>
        let head3: UnsafeMutablePointer<Int32>
        let prev: UnsafeMutablePointer<Int32>
        let hashShift: Int
        let window: Int
        let nice: Int
        let maxLength: Int
        let far3: Int
        /// Chains of 4-byte hashes plus the one-entry 3-byte table.
        let four: Bool

        @inline(__always)
        func hash(_ i: Int) -> Int {
            let v = UInt32(p[i]) | UInt32(p[i &+ 1]) &<< 8 | UInt32(p[i &+ 2]) &<< 16
            return Int(truncatingIfNeeded: (v &* 2_654_435_761) &>> UInt32(hashShift))
        }

        @inline(__always)
        func hash4(_ i: Int) -> Int {
            let v = UInt32(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt32.self))
            return Int(truncatingIfNeeded: (v &* 2_654_435_761) &>> UInt32(hashShift))
        }

        @inline(__always)
        func hash3(_ i: Int) -> Int {
            let v = UInt32(p[i]) | UInt32(p[i &+ 1]) &<< 8 | UInt32(p[i &+ 2]) &<< 16
            return Int(truncatingIfNeeded: (v &* 2_654_435_761) &>> UInt32(32 &- HashChainMatchFinder.hash3Log))
        }

        /// Adds positions `from..<to` to their chains.
        @inline(__always)
        func insert(from: Int, to: Int) {
            var j = from
            if four {
                let end = Swift.min(to, n &- 3)
                while j < end {
                    let h = hash4(j)
                    prev[j] = head[h]
                    head[h] = Int32(truncatingIfNeeded: j)
                    head3[hash3(j)] = Int32(truncatingIfNeeded: j)
                    j &+= 1
                }
                return
            }
            let end = Swift.min(to, n &- 2)
            while j < end {
                let h = hash(j)
                prev[j] = head[h]
                head[h] = Int32(truncatingIfNeeded: j)
                j &+= 1
            }
        }

        /// Length of the common prefix of p[a...] and p[b...], at most `limit`.
        @inline(__always)
        func commonLength(_ a: Int, _ b: Int, limit: Int) -> Int {
            LZ77Compare.commonLength(p, a, b, from: 0, limit: limit)
        }

        /// Best (length, distance) at i among the chain, then inserts i.
        @inline(__always)
        func findAndInsert(_ i: Int, depth: Int) -> (Int, Int) {
            guard i &+ LZ77Parse.minMatch <= n else { return (0, 0) }
            let limit = Swift.min(maxLength, n &- i)
            let lowest = i &- window
            var bestLength = LZ77Parse.minMatch &- 1, bestDistance = 0
            let h: Int
            if four {
                guard i &+ 4 <= n else { return (0, 0) }
                let h3 = hash3(i)
                let near = Int(head3[h3])
                head3[h3] = Int32(truncatingIfNeeded: i)
                if near >= 0 && i &- near <= far3 {
                    let length = commonLength(near, i, limit: limit)
                    if length >= LZ77Parse.minMatch {
                        bestLength = length; bestDistance = i &- near
                        if length >= nice || length >= limit {
                            h = hash4(i)
                            prev[i] = head[h]
                            head[h] = Int32(truncatingIfNeeded: i)
                            return (bestLength, bestDistance)
                        }
                    }
                }
                h = hash4(i)
            } else {
                h = hash(i)
            }
            var candidate = Int(head[h])
            prev[i] = head[h]
            head[h] = Int32(truncatingIfNeeded: i)
            var steps = depth
            while candidate >= 0 && candidate >= lowest && steps > 0 {
                if p[candidate &+ bestLength] == p[i &+ bestLength] {
                    let length = commonLength(candidate, i, limit: limit)
                    if length > bestLength && !(length == LZ77Parse.minMatch && i &- candidate > far3) {
                        bestLength = length; bestDistance = i &- candidate
                        if length >= nice || length >= limit { break }
                    }
                }
                candidate = Int(prev[candidate])
                steps &-= 1
            }
            return bestDistance == 0 ? (0, 0) : (bestLength, bestDistance)
        }
    }
}
