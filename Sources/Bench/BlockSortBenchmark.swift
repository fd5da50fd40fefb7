import SqueezeKit
#if canImport(Glibc)
import Glibc
#endif

/// Block sorting beside bzip2 in the same run: SA-IS suffix array, forward and
/// inverse Burrows–Wheeler transform on whole files (one block per file), and
/// libbz2 at level 9 (900 kB blocks: sort, MTF, RLE, Huffman) compressing and
/// decompressing the same file. MB/s = 10^6 raw bytes per second of wall time,
/// best of `runs`. bzip2 does more work per byte than the bare transform, so the
/// ratios say how far the transform alone is from a complete bzip2 pass.
/// Memory: the peak resident memory the forward and the inverse transform add to the
/// caller's input and output buffers, per block byte (VmHWM after resetting it, Linux;
/// 0 where the kernel does not allow the reset).
public enum BlockSortBenchmark {
    public struct Row: Sendable {
        public let file: String
        public let bytes: Int
        public let suffixArrayMBps: Double
        public let forwardMBps: Double
        public let inverseMBps: Double
        public let bzip2CompressMBps: Double
        public let bzip2DecompressMBps: Double
        /// Peak bytes the forward and inverse transforms add, per block byte.
        public let forwardPeakPerByte: Double
        public let inversePeakPerByte: Double
    }

    public static let defaultPaths = ["corpora/large/bible.txt", "corpora/large/world192.txt", "corpora/large/E.coli"]

    /// `blockSize` 0: the whole file as one block; otherwise the transforms run on
    /// consecutive blocks of that size (bzip2 -9 sorts 900 000-byte blocks).
    public static func measure(paths: [String] = defaultPaths, blockSize: Int = 0, runs: Int = 3) -> (rows: [Row], failures: [String]) {
        var rows: [Row] = []
        var failures: [String] = []
        for path in paths {
            guard let input = readCorpusFile(path), !input.isEmpty else { failures.append("cannot read \(path)"); continue }
            let n = input.count
            var sa = [Int32](repeating: 0, count: n)
            var bwt = [UInt8](repeating: 0, count: n)
            var back = [UInt8](repeating: 0, count: n)
            var bestSA = Double.infinity, bestFwd = Double.infinity, bestInv = Double.infinity
            var bestBzC = Double.infinity, bestBzD = Double.infinity
            var ok = true
            let bzip2 = Bzip2Codec(level: 9)
            for _ in 0..<runs {
                let block = blockSize > 0 ? blockSize : n
                var timeSA = 0.0, timeFwd = 0.0, timeInv = 0.0
                input.withUnsafeBytes { whole in
                    sa.withUnsafeMutableBufferPointer { buf in
                        guard let base = buf.baseAddress else { return }
                        var start = 0
                        while start < n {
                            let raw = UnsafeRawBufferPointer(rebasing: whole[start..<Swift.min(n, start + block)])
                            let t0 = Measurement.now()
                            SuffixArray.build(raw, into: base)
                            timeSA += Measurement.now() - t0
                            start += block
                        }
                    }
                    bwt.withUnsafeMutableBytes { outWhole in
                        back.withUnsafeMutableBytes { dstWhole in
                            var start = 0
                            while start < n {
                                let range = start..<Swift.min(n, start + block)
                                let raw = UnsafeRawBufferPointer(rebasing: whole[range])
                                let out = UnsafeMutableRawBufferPointer(rebasing: outWhole[range])
                                let t0 = Measurement.now()
                                let primary = BurrowsWheeler.forward(raw, into: out)
                                timeFwd += Measurement.now() - t0
                                let dst = UnsafeMutableRawBufferPointer(rebasing: dstWhole[range])
                                let t1 = Measurement.now()
                                do throws(CodecError) {
                                    try BurrowsWheeler.inverse(UnsafeRawBufferPointer(out), primaryIndex: primary, into: dst)
                                } catch { ok = false }
                                timeInv += Measurement.now() - t1
                                start += block
                            }
                        }
                    }
                }
                bestSA = Swift.min(bestSA, timeSA)
                bestFwd = Swift.min(bestFwd, timeFwd)
                bestInv = Swift.min(bestInv, timeInv)
                if back != input { ok = false }
                var coded = ByteBuffer()
                let t2 = Measurement.now()
                do { try input.withUnsafeBytes { raw in try bzip2.encode(raw, into: &coded) } } catch { ok = false }
                bestBzC = Swift.min(bestBzC, Measurement.now() - t2)
                var decoded = ByteBuffer(capacity: n)
                let t3 = Measurement.now()
                do { try coded.withUnsafeBytes { raw in try bzip2.decode(raw, originalCount: n, into: &decoded) } } catch { ok = false }
                bestBzD = Swift.min(bestBzD, Measurement.now() - t3)
                if decoded.count != n { ok = false }
            }
            if !ok { failures.append("round trip failed on \(path)"); continue }
            let block = blockSize > 0 ? Swift.min(blockSize, n) : n
            let (forwardPeak, inversePeak) = peakMemory(input, block: block)
            rows.append(Row(file: path, bytes: n, suffixArrayMBps: mbps(n, bestSA), forwardMBps: mbps(n, bestFwd),
                            inverseMBps: mbps(n, bestInv), bzip2CompressMBps: mbps(n, bestBzC),
                            bzip2DecompressMBps: mbps(n, bestBzD),
                            forwardPeakPerByte: Double(forwardPeak) / Double(block),
                            inversePeakPerByte: Double(inversePeak) / Double(block)))
        }
        return (rows, failures)
    }

    /// Peak resident bytes added by one forward and one inverse transform of the first
    /// `block` bytes, beyond the already touched input and output buffers.
    static func peakMemory(_ input: [UInt8], block: Int) -> (forward: Int64, inverse: Int64) {
        let source = Array(input.prefix(block))
        var bwt = [UInt8](repeating: 1, count: block)
        var back = [UInt8](repeating: 1, count: block)
        // Freed heap pages stay resident and would be reused unseen: hand them back first.
        releaseFreedMemory()
        guard Measurement.resetPeakMemory() else { return (0, 0) }
        let before = Measurement.residentMemory().current
        let primary = source.withUnsafeBytes { i in bwt.withUnsafeMutableBytes { o in BurrowsWheeler.forward(i, into: o) } }
        let forward = Measurement.residentMemory().peak - before
        releaseFreedMemory()
        Measurement.resetPeakMemory()
        let before2 = Measurement.residentMemory().current
        bwt.withUnsafeBytes { i in
            back.withUnsafeMutableBytes { o in
                do throws(CodecError) { try BurrowsWheeler.inverse(i, primaryIndex: primary, into: o) } catch {}
            }
        }
        let inverse = Measurement.residentMemory().peak - before2
        return (Swift.max(forward, 0), Swift.max(inverse, 0))
    }

    /// glibc's malloc_trim(0) (not in Swift's Glibc module, so found by name): returns
    /// the free pages of the heap to the system, so that a new allocation is counted.
    static func releaseFreedMemory() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        if let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "malloc_trim") {
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        }
        #endif
    }

    /// The printable report.
    /// `paths` nil: the default files from the corpora (`CorpusLocation`).
    public static func run(paths: [String]? = nil, runs: Int = 3) throws(BenchError) -> String {
        let relative = defaultPaths.map { String($0.dropFirst("corpora/".count)) }
        var chosen = paths ?? []
        if paths == nil {
            let root = try CorpusLocation.root(containing: relative)
            chosen = relative.map { root + "/" + $0 }
        }
        let paths = chosen
        var s = ""
        for blockSize in [0, 900_000] {
            s += report(measure(paths: paths, blockSize: blockSize, runs: runs), blockSize: blockSize, runs: runs) + "\n"
        }
        return s
    }

    static func report(_ measured: (rows: [Row], failures: [String]), blockSize: Int, runs: Int) -> String {
        let (rows, failures) = measured
        let blocks = blockSize > 0 ? "\(blockSize)-byte blocks" : "one block per file"
        var s = "Block sorting: SA-IS, BWT forward/inverse (\(blocks)) vs bzip2 -9; MB/s of raw data, wall time, best of \(runs)\n"
        s += pad("file", 28) + pad("bytes", 10) + pad("SA", 8) + pad("BWT", 8) + pad("inverse", 9)
            + pad("bz2 -9 c", 10) + pad("bz2 d", 8) + pad("BWT/bz2c", 10) + pad("inverse/bz2d", 14)
            + pad("BWT mem", 9) + "inverse mem (peak bytes added per block byte)\n"
        for r in rows {
            s += pad(r.file, 28) + pad(String(r.bytes), 10) + pad(fmt(r.suffixArrayMBps), 8) + pad(fmt(r.forwardMBps), 8)
                + pad(fmt(r.inverseMBps), 9) + pad(fmt(r.bzip2CompressMBps), 10) + pad(fmt(r.bzip2DecompressMBps), 8)
                + pad(fmt(r.forwardMBps / r.bzip2CompressMBps) + "x", 10) + pad(fmt(r.inverseMBps / r.bzip2DecompressMBps) + "x", 14)
                + pad(fmt(r.forwardPeakPerByte) + "n", 9) + fmt(r.inversePeakPerByte) + "n\n"
        }
        for f in failures { s += "FAILED: \(f)\n" }
        return s
    }


    static func fmt(_ x: Double) -> String { String((x * 10).rounded() / 10) }

}
