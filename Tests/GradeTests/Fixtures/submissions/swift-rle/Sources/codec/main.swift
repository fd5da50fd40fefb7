// Byte run-length coding: each run becomes (count, byte) with count 1…255.
// Small and dependency-free, so the grader builds it in seconds.
#if canImport(Glibc)
import Glibc
#endif

func readAll() -> [UInt8] {
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buf.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        out += buf[0..<n]
    }
    return out
}

func writeAll(_ bytes: [UInt8]) {
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(1, $0.baseAddress! + done, $0.count - done) }
        if n <= 0 { exit(1) }
        done += n
    }
}

let input = readAll()
var output: [UInt8] = []
switch CommandLine.arguments.dropFirst().first {
case "compress":
    var i = 0
    while i < input.count {
        var run = 1
        while i + run < input.count, run < 255, input[i + run] == input[i] { run += 1 }
        output += [UInt8(run), input[i]]
        i += run
    }
case "decompress":
    guard input.count % 2 == 0 else { fputs("codec: odd length, not our format\n", stderr); exit(1) }
    for j in stride(from: 0, to: input.count, by: 2) {
        output += [UInt8](repeating: input[j + 1], count: Int(input[j]))
    }
default:
    fputs("usage: codec compress|decompress < in > out\n", stderr)
    exit(2)
}
writeAll(output)
