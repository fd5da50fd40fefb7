import BitIO

/// Run-length coding of bytes before block sorting: a run of 4 to 259 equal
/// bytes becomes the byte four times and then a count byte (run − 4); shorter
/// runs stay as they are. Long runs make the BWT slow and its output dominated
/// by runs; bzip2 (Seward 1996) applies the same kind of stage first.
public enum ByteRunLength {
    /// The size `encode` would produce.
    public static func encodedCount(_ input: UnsafeRawBufferPointer) -> Int {
        var total = 0
        forEachRun(input) { _, run in total &+= run < 4 ? run : 5 }
        return total
    }

    @inline(__always)
    static func forEachRun(_ input: UnsafeRawBufferPointer, _ body: (UInt8, Int) -> Void) {
        let n = input.count
        var i = 0
        while i < n {
            let b = input[i]
            var j = i &+ 1
            while j < n && input[j] == b && j &- i < 259 { j &+= 1 }
            body(b, j &- i)
            i = j
        }
    }

    /// Writes the coded form of `input` into `output` and returns its size, or
    /// -1 if `output` is shorter than `encodedCount(input)`.
    public static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        guard output.count >= encodedCount(input) else { return -1 }
        var w = 0
        forEachRun(input) { b, run in
            if run < 4 {
                for _ in 0..<run { output[w] = b; w &+= 1 }
            } else {
                for _ in 0..<4 { output[w] = b; w &+= 1 }
                output[w] = UInt8(truncatingIfNeeded: run &- 4)
                w &+= 1
            }
        }
        return w
    }

    /// Inverts `encode`; returns the number of bytes written. Throws `.corrupt`
    /// if the output would pass `output.count` or the input ends where a count
    /// byte is due.
    public static func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int {
        let n = input.count, capacity = output.count
        var w = 0
        var i = 0
        var previous = -1
        var same = 0
        while i < n {
            let b = input[i]
            i &+= 1
            guard w < capacity else { throw .corrupt("byte runs pass the block end at input byte \(i)") }
            output[w] = b
            w &+= 1
            if Int(b) == previous { same &+= 1 } else { previous = Int(b); same = 1 }
            if same == 4 {
                guard i < n else { throw .corrupt("byte run without its count at the block end") }
                let extra = Int(input[i])
                i &+= 1
                guard extra <= capacity &- w else { throw .corrupt("byte run passes the block end at input byte \(i)") }
                for _ in 0..<extra { output[w] = b; w &+= 1 }
                previous = -1
                same = 0
            }
        }
        return w
    }
}
