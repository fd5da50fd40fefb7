#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Codecs
import Container

/// Compression in one call: bytes, `Data`, files and async streams in and out
/// of the `.sqz` format, with any registered codec.
///
/// ```swift
/// let packed = try Squeeze.compress(bytes, codec: "ppm", level: 9)
/// let back = try Squeeze.decompress(packed)
/// ```
///
/// The output is an ordinary `.sqz` frame, the same as `squeeze compress`
/// writes, so `squeeze -d` reads it and `Squeeze.decompress` reads the CLI's
/// files. Decompression needs no codec name: the frame names its codec and
/// level. Every function throws ``SqueezeError``.
public enum Squeeze {
    /// The codec used when none is named: the CLI's default.
    public static let defaultCodec = "lz77"

    /// The default `memoryLimit` for decompression: enough for any frame
    /// squeeze writes with default block sizes (the CLI's `--memory` default),
    /// so only foreign or hostile data meets it.
    public static var defaultMemoryLimit: Int { CodecRegistry.standard.largestDecodeMemory }

    // MARK: Bytes in memory

    /// Compresses `bytes` into one `.sqz` frame.
    ///
    /// - Parameters:
    ///   - bytes: the data to compress (any length, empty too).
    ///   - codec: a name from `registry` ("huffman", "ppm", "bwt", "zstd", …; see `squeeze algos`).
    ///   - level: one of the codec's levels; nil for its default.
    ///   - blockSize: raw bytes per block; nil for the codec's own size, made no
    ///     larger than the input so a short input allocates little.
    ///   - registry: where `codec` is looked up; add your own codecs to a copy of `.standard`.
    /// - Throws: ``SqueezeError/unknownCodec(_:known:)``, ``SqueezeError/invalidLevel(codec:level:valid:)``,
    ///   ``SqueezeError/invalidBlockSize(_:)`` or ``SqueezeError/codecFailed(_:)``.
    public static func compress(
        _ bytes: [UInt8], codec: String = defaultCodec, level: Int? = nil, blockSize: Int? = nil,
        registry: CodecRegistry = .standard
    ) throws(SqueezeError) -> [UInt8] {
        let descriptor = try lookUp(codec, level: level, in: registry)
        let lv = level ?? descriptor.defaultLevel
        let size = blockSize ?? Swift.min(descriptor.blockSize(lv), Swift.max(SqzFormat.minBlockSize, bytes.count))
        let blocks = Swift.max(1, (bytes.count + size - 1) / size)
        let compressor = try makeCompressor(descriptor, level: lv, blockSize: size, threads: Swift.min(blocks, cores))
        var source = MemorySource(bytes)
        var sink = MemorySink()
        do {
            _ = try compressor.compress(from: &source, to: &sink)
        } catch {
            throw SqueezeError(error)
        }
        return sink.bytes
    }

    /// Decompresses one `.sqz` frame (or several written one after another)
    /// and checks every block's and the whole content's CRC32.
    ///
    /// - Parameters:
    ///   - bytes: one or more `.sqz` frames.
    ///   - memoryLimit: refuse data whose decoder would need more bytes than this.
    ///   - registry: must hold the codec the frame names (codecs of your own included).
    /// - Throws: ``SqueezeError/notCompressed``, ``SqueezeError/truncated(_:)``, ``SqueezeError/corrupt(_:)``,
    ///   ``SqueezeError/unsupported(_:)`` or ``SqueezeError/memoryLimit(needed:limit:what:)``.
    public static func decompress(
        _ bytes: [UInt8], memoryLimit: Int = defaultMemoryLimit, registry: CodecRegistry = .standard
    ) throws(SqueezeError) -> [UInt8] {
        var sink = MemorySink()
        do {
            _ = try SqzDecompressor(registry: registry).decompress(from: MemorySource(bytes), to: &sink, memoryLimit: memoryLimit)
        } catch {
            throw SqueezeError(error)
        }
        return sink.bytes
    }

    // MARK: Foundation Data

    /// ``compress(_:codec:level:blockSize:registry:)-([UInt8],_,_,_,_)`` over `Data`.
    public static func compress(
        _ data: Data, codec: String = defaultCodec, level: Int? = nil, blockSize: Int? = nil,
        registry: CodecRegistry = .standard
    ) throws(SqueezeError) -> Data {
        Data(try compress([UInt8](data), codec: codec, level: level, blockSize: blockSize, registry: registry))
    }

    /// ``decompress(_:memoryLimit:registry:)-([UInt8],_,_)`` over `Data`.
    public static func decompress(
        _ data: Data, memoryLimit: Int = defaultMemoryLimit, registry: CodecRegistry = .standard
    ) throws(SqueezeError) -> Data {
        Data(try decompress([UInt8](data), memoryLimit: memoryLimit, registry: registry))
    }

    // MARK: Files

    /// Compresses everything readable from `input` (a file, a pipe) into
    /// `output`, in blocks of the codec's size coded on every core; memory is
    /// about two blocks per core whatever the input's length.
    @discardableResult
    public static func compress(
        from input: FileHandle, to output: FileHandle, codec: String = defaultCodec, level: Int? = nil,
        blockSize: Int? = nil, registry: CodecRegistry = .standard
    ) throws(SqueezeError) -> FrameSummary {
        let compressor = try makeStreamCompressor(codec, level: level, blockSize: blockSize, registry: registry)
        do {
            return try code(compressor, input.fileDescriptor, output.fileDescriptor)
        } catch {
            throw SqueezeError(error)
        }
    }

    /// Decompresses everything readable from `input` into `output`, one block at a time.
    @discardableResult
    public static func decompress(
        from input: FileHandle, to output: FileHandle, memoryLimit: Int = defaultMemoryLimit,
        registry: CodecRegistry = .standard
    ) throws(SqueezeError) -> FrameSummary {
        do {
            return try code(SqzDecompressor(registry: registry), input.fileDescriptor, output.fileDescriptor, memoryLimit: memoryLimit)
        } catch {
            throw SqueezeError(error)
        }
    }

    /// Compresses the file at `input` into a new file at `output` (replaced if
    /// it exists). On any error the output file is removed; errors name the file.
    @discardableResult
    public static func compress(
        from input: URL, to output: URL, codec: String = defaultCodec, level: Int? = nil,
        blockSize: Int? = nil, registry: CodecRegistry = .standard
    ) throws(SqueezeError) -> FrameSummary {
        let compressor = try makeStreamCompressor(codec, level: level, blockSize: blockSize, registry: registry)
        return try withFiles(input, output) { (i, o) throws(SqzError) in try code(compressor, i, o) }
    }

    /// Decompresses the file at `input` into a new file at `output` (replaced
    /// if it exists). On any error the output file is removed; errors name the file.
    @discardableResult
    public static func decompress(
        from input: URL, to output: URL, memoryLimit: Int = defaultMemoryLimit, registry: CodecRegistry = .standard
    ) throws(SqueezeError) -> FrameSummary {
        let decompressor = SqzDecompressor(registry: registry)
        return try withFiles(input, output) { (i, o) throws(SqzError) in
            try code(decompressor, i, o, memoryLimit: memoryLimit)
        }
    }

    // MARK: Helpers

    /// Compresses from one open descriptor to another (the FileHandle and the file forms).
    static func code(_ compressor: SqzCompressor, _ input: Int32, _ output: Int32) throws(SqzError) -> FrameSummary {
        var source = FileSource(fd: input)
        var sink = FileSink(fd: output)
        return try compressor.compress(from: &source, to: &sink)
    }

    /// Decompresses from one open descriptor to another (the FileHandle and the file forms).
    static func code(_ decompressor: SqzDecompressor, _ input: Int32, _ output: Int32, memoryLimit: Int) throws(SqzError) -> FrameSummary {
        var sink = FileSink(fd: output)
        return try decompressor.decompress(from: FileSource(fd: input), to: &sink, memoryLimit: memoryLimit)
    }

    static var cores: Int { Swift.max(1, ProcessInfo.processInfo.activeProcessorCount) }

    static func lookUp(_ codec: String, level: Int?, in registry: CodecRegistry) throws(SqueezeError) -> CodecDescriptor {
        guard let d = registry.named(codec) else { throw .unknownCodec(codec, known: registry.names) }
        if let level, !d.levels.contains(level) {
            throw .invalidLevel(codec: d.name, level: level, valid: d.levelsDescription)
        }
        return d
    }

    static func makeCompressor(_ d: CodecDescriptor, level: Int, blockSize: Int, threads: Int) throws(SqueezeError) -> SqzCompressor {
        guard blockSize >= SqzFormat.minBlockSize, blockSize <= SqzFormat.maxBlockSize else {
            throw .invalidBlockSize(blockSize)
        }
        do {
            return try SqzCompressor(descriptor: d, level: level, blockSize: blockSize, threads: threads)
        } catch {
            throw SqueezeError(error)
        }
    }

    /// A compressor for input of unknown length: the codec's own block size.
    static func makeStreamCompressor(
        _ codec: String, level: Int?, blockSize: Int?, registry: CodecRegistry
    ) throws(SqueezeError) -> SqzCompressor {
        let d = try lookUp(codec, level: level, in: registry)
        let lv = level ?? d.defaultLevel
        return try makeCompressor(d, level: lv, blockSize: blockSize ?? d.blockSize(lv), threads: cores)
    }

    /// Opens `input` for reading and `output` for writing, runs `body`, and
    /// removes the output when anything fails.
    static func withFiles<R>(
        _ input: URL, _ output: URL, _ body: (Int32, Int32) throws(SqzError) -> R
    ) throws(SqueezeError) -> R {
        let inPath = input.path, outPath = output.path
        let i = open(inPath, O_RDONLY | O_CLOEXEC)
        guard i >= 0 else { throw .io("\(inPath): cannot open: \(systemErrorMessage())") }
        defer { close(i) }
        // Truncating the input itself would lose it before a byte is read.
        var si = stat(), so = stat()
        if fstat(i, &si) == 0, stat(outPath, &so) == 0, si.st_dev == so.st_dev, si.st_ino == so.st_ino {
            throw .io("\(outPath): the output is the input file itself")
        }
        let o = open(outPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard o >= 0 else { throw .io("\(outPath): cannot create: \(systemErrorMessage())") }
        var failure: SqueezeError?
        var result: R?
        do {
            result = try body(i, o)
        } catch {
            let e = SqueezeError(error)
            // Read errors belong to the input, write errors to the output.
            if case .io(let why) = e, why.hasPrefix("write") { failure = e.naming(outPath) } else { failure = e.naming(inPath) }
        }
        if close(o) != 0, failure == nil { failure = .io("\(outPath): close failed: \(systemErrorMessage())") }
        if let result, failure == nil { return result }
        unlink(outPath)
        throw failure ?? .io("\(outPath): not written")
    }
}
