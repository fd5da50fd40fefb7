/// Byte comparison shared by the match finders.
enum LZ77Compare {
    /// Length of the common prefix of p[a...] and p[b...], known equal below
    /// `start`, at most `limit`: 8 bytes per step, the first difference found
    /// from the XOR's trailing zeros (little-endian loads).
    @inline(__always)
    static func commonLength(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int, from start: Int, limit: Int) -> Int {
        var k = start
        let raw = UnsafeRawPointer(p)
        while k &+ 8 <= limit {
            let x = raw.loadUnaligned(fromByteOffset: a &+ k, as: UInt64.self)
                ^ raw.loadUnaligned(fromByteOffset: b &+ k, as: UInt64.self)
            if x != 0 { return k &+ x.littleEndian.trailingZeroBitCount &>> 3 }
            k &+= 8
        }
        while k < limit && p[a &+ k] == p[b &+ k] { k &+= 1 }
        return k
    }
}

/// One candidate match: `length` bytes from `distance` bytes back.
struct LZ77Match {
    var length: Int32
    var distance: Int32
}

/// Match finding with a binary search tree of suffixes per 3-byte hash
/// (Bell, "Better OPM/L text compression", IEEE Trans. Comm. 1986; Bell,
/// Cleary & Witten, "Text Compression", §8.3). Each new position becomes the
/// root of its hash bucket's tree; walking down from the old root visits the
/// suffixes closest to it in sorted order, so one walk yields every useful
/// match length with its nearest distance, and splits the old tree into the
/// new root's smaller and larger subtrees. `cut` bounds the walk.
///
/// Positions are block offsets; with s = i & `mask`, `links[2s]` and
/// `links[2s + 1]` are the smaller and larger subtrees of position i, side by
/// side so one node costs one cache miss. The links are a ring of `mask` + 1
/// positions (LZMA's cyclic buffer): position i reuses the slot of i − mask − 1,
/// which is why a match reaches back at most `mask` bytes (`window`); a block
/// no longer than the ring is searched whole, as without it. The ring is what
/// bounds the finder's memory: 8 bytes a position of window, not of block.
/// The caller owns the memory (all raw pointers: this runs once per byte, and
/// its time is mostly those misses).
struct BinaryTreeMatchFinder {
    let p: UnsafePointer<UInt8>
    let n: Int
    let head: UnsafeMutablePointer<Int32>
    let links: UnsafeMutablePointer<Int32>
    let hashShift: UInt32
    /// Ring size − 1 (a power of two − 1).
    let mask: Int
    /// Farthest distance searched: at most `mask`.
    let window: Int
    let cut: Int
    let nice: Int
    let maxLength: Int

    /// Positions the link ring holds for a block of `count` bytes and a ring of 2^`windowLog`.
    static func ringPositions(count: Int, windowLog: Int) -> Int { Swift.max(1, Swift.min(count, 1 << windowLog)) }

    /// Bytes of scratch memory: head table plus two 32-bit links per ring position.
    static func memoryBytes(count: Int, hashLog: Int, windowLog: Int) -> Int {
        4 * ((1 << hashLog) + 2 * ringPositions(count: count, windowLog: windowLog))
    }

    @inline(__always)
    func hash(_ i: Int) -> Int {
        let v = UInt32(p[i]) | UInt32(p[i &+ 1]) &<< 8 | UInt32(p[i &+ 2]) &<< 16
        return Int(truncatingIfNeeded: (v &* 2_654_435_761) &>> hashShift)
    }

    /// Length of the common prefix of p[a...] and p[b...], from `start`, at most `limit`.
    @inline(__always)
    func commonLength(_ a: Int, _ b: Int, from start: Int, limit: Int) -> Int {
        LZ77Compare.commonLength(p, a, b, from: start, limit: limit)
    }

    /// Writes the matches at `i` in increasing length (each the nearest of
    /// its length among those visited) and inserts `i`. Returns their number.
    @inline(__always)
    func findAndInsert(_ i: Int, into matches: UnsafeMutablePointer<LZ77Match>) -> Int {
        let limit = Swift.min(maxLength, n &- i)
        guard limit >= 3 else { return 0 }
        let stop = Swift.min(nice, limit)
        let h = hash(i)
        var candidate = Int(head[h])
        head[h] = Int32(truncatingIfNeeded: i)
        var smallerSlot = links + 2 &* (i & mask)   // where the next suffix smaller than i's is attached
        var largerSlot = smallerSlot + 1
        var smallerLength = 0, largerLength = 0
        var best = 2
        var count = 0
        var depth = cut
        let lowest = i &- window
        while candidate >= 0 && candidate >= lowest && depth > 0 {
            depth &-= 1
            let k = commonLength(candidate, i, from: Swift.min(smallerLength, largerLength), limit: limit)
            if k > best {
                best = k
                matches[count] = LZ77Match(length: Int32(truncatingIfNeeded: k), distance: Int32(truncatingIfNeeded: i &- candidate))
                count &+= 1
                if k >= stop {
                    // Equal as far as we look: i takes the candidate's place in the tree.
                    let c = 2 &* (candidate & mask)
                    smallerSlot.pointee = links[c]
                    largerSlot.pointee = links[c &+ 1]
                    return count
                }
            }
            if p[candidate &+ k] < p[i &+ k] {
                smallerSlot.pointee = Int32(truncatingIfNeeded: candidate)
                smallerSlot = links + (2 &* (candidate & mask) &+ 1)
                candidate = Int(smallerSlot.pointee)
                smallerLength = k
            } else {
                largerSlot.pointee = Int32(truncatingIfNeeded: candidate)
                largerSlot = links + 2 &* (candidate & mask)
                candidate = Int(largerSlot.pointee)
                largerLength = k
            }
        }
        smallerSlot.pointee = -1
        largerSlot.pointee = -1
        return count
    }
}
