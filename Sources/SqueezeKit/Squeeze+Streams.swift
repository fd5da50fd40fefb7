import Foundation
import Codecs
import Container

extension Squeeze {
    /// Compresses an async sequence of byte chunks (`[UInt8]`, `Data`, any
    /// `Sequence` of bytes) into a stream of `.sqz` chunks, with backpressure:
    /// a few chunks are buffered each way, so memory stays about two blocks per
    /// core however long the input is.
    ///
    /// ```swift
    /// for try await chunk in try Squeeze.compress(chunks, codec: "bwt") {
    ///     output.append(contentsOf: chunk)
    /// }
    /// ```
    ///
    /// The codec, level and block size are checked at once (this call throws);
    /// the returned stream throws ``SqueezeError``, or the input sequence's own
    /// error if reading it fails. Concatenated, the chunks equal
    /// ``compress(_:codec:level:blockSize:registry:)-([UInt8],_,_,_,_)`` of the
    /// concatenated input given the same `blockSize`.
    public static func compress<Chunks: AsyncSequence & Sendable>(
        _ chunks: Chunks, codec: String = defaultCodec, level: Int? = nil, blockSize: Int? = nil,
        registry: CodecRegistry = .standard
    ) throws(SqueezeError) -> AsyncThrowingStream<[UInt8], any Error> where Chunks.Element: Sequence<UInt8> {
        let compressor = try makeStreamCompressor(codec, level: level, blockSize: blockSize, registry: registry)
        return StreamBridge.run(chunks, outputChunk: 64 << 10) { (source, sink) throws(SqzError) in
            _ = try compressor.compress(from: &source, to: &sink)
        }
    }

    /// Decompresses an async sequence of `.sqz` chunks into a stream of the
    /// original bytes, block by block, checking every checksum on the way.
    /// The stream throws ``SqueezeError`` (as ``decompress(_:memoryLimit:registry:)-([UInt8],_,_)``
    /// does), or the input sequence's own error.
    public static func decompress<Chunks: AsyncSequence & Sendable>(
        _ chunks: Chunks, memoryLimit: Int = defaultMemoryLimit, registry: CodecRegistry = .standard
    ) -> AsyncThrowingStream<[UInt8], any Error> where Chunks.Element: Sequence<UInt8> {
        let decompressor = SqzDecompressor(registry: registry)
        return StreamBridge.run(chunks, outputChunk: 1 << 20) { (source, sink) throws(SqzError) in
            _ = try decompressor.decompress(from: source, to: &sink, memoryLimit: memoryLimit)
        }
    }
}

/// Runs the container's synchronous reader or writer on a thread of its own,
/// fed from an async sequence and drained by an async stream. (The container
/// pulls its input, so it cannot run on the cooperative pool without
/// blocking one of its few threads.)
enum StreamBridge {
    static func run<Chunks: AsyncSequence & Sendable>(
        _ chunks: Chunks, outputChunk: Int,
        _ work: @escaping @Sendable (inout PipeSource, inout PipeSink) throws(SqzError) -> Void
    ) -> AsyncThrowingStream<[UInt8], any Error> where Chunks.Element: Sequence<UInt8> {
        let input = ChunkPipe(capacity: 4)
        let output = ChunkPipe(capacity: 4)
        let feeder = Task {
            do {
                for try await chunk in chunks {
                    let bytes = Array(chunk)
                    if bytes.isEmpty { continue }
                    guard await input.send(bytes) else { return }
                }
                input.finish(throwing: nil)
            } catch {
                input.finish(throwing: error)
            }
        }
        let thread = Thread {
            var source = PipeSource(pipe: input)
            var sink = PipeSink(pipe: output, chunk: outputChunk)
            do throws(SqzError) {
                try work(&source, &sink)
                try sink.flush()
                output.finish(throwing: nil)
            } catch {
                // The input's own failure, or a cancelled consumer, explains a
                // read or write error better than the container's words for it.
                let cause: any Error = input.failure ?? (output.isCancelled ? SqueezeError.cancelled : SqueezeError(error))
                output.finish(throwing: cause)
            }
            input.cancel()
        }
        // Codecs recurse and keep tables on the stack as they would on the main thread.
        thread.stackSize = 8 << 20
        thread.start()
        let session = StreamSession(input: input, output: output, feeder: feeder)
        return AsyncThrowingStream(unfolding: { try await session.next() })
    }
}

/// Owns one stream's pipes: when the stream and its iterator are released,
/// the worker thread and the feeding task are told to stop.
final class StreamSession: Sendable {
    let input: ChunkPipe
    let output: ChunkPipe
    let feeder: Task<Void, Never>

    init(input: ChunkPipe, output: ChunkPipe, feeder: Task<Void, Never>) {
        self.input = input
        self.output = output
        self.feeder = feeder
    }

    func next() async throws -> [UInt8]? {
        try await withTaskCancellationHandler {
            try await output.receive()
        } onCancel: {
            output.cancel()
            input.cancel()
        }
    }

    deinit {
        output.cancel()
        input.cancel()
        feeder.cancel()
    }
}

/// The container's view of the input pipe.
struct PipeSource: ByteSource {
    let pipe: ChunkPipe
    var chunk: [UInt8] = []
    var offset = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SqzError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        if offset == chunk.count {
            guard let next = pipe.receiveBlocking() else {
                if pipe.failure != nil || pipe.isCancelled { throw .io("read error: the input stream stopped") }
                return 0
            }
            chunk = next
            offset = 0
        }
        let n = Swift.min(buffer.count, chunk.count - offset)
        let start = offset
        chunk.withUnsafeBytes { src in
            base.copyMemory(from: src.baseAddress! + start, byteCount: n)
        }
        offset += n
        return n
    }
}

/// The container's view of the output pipe: small writes (block headers) are
/// gathered into chunks of about `chunk` bytes.
struct PipeSink: ByteSink {
    let pipe: ChunkPipe
    let chunk: Int
    var pending: [UInt8] = []

    init(pipe: ChunkPipe, chunk: Int) {
        self.pipe = pipe
        self.chunk = chunk
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(SqzError) {
        pending.append(contentsOf: bytes)
        if pending.count >= chunk { try flush() }
    }

    mutating func flush() throws(SqzError) {
        if pending.isEmpty { return }
        guard pipe.sendBlocking(pending) else { throw .io("write error: the stream's consumer stopped") }
        pending = []
    }
}

/// A bounded queue of chunks between one sender and one receiver, where one
/// side is async (suspends) and the other a thread (blocks). A failure or a
/// cancellation wakes whoever waits.
final class ChunkPipe: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [[UInt8]] = []
    private let capacity: Int
    private var finished = false
    private var finalError: (any Error)?
    private var cancelled = false
    /// An async side waiting for room (sender) or for a chunk (receiver):
    /// resumed to look again.
    private var waitingSender: CheckedContinuation<Void, Never>?
    private var waitingReceiver: CheckedContinuation<Void, Never>?

    init(capacity: Int) { self.capacity = capacity }

    /// The sender's error, once it finished with one.
    var failure: (any Error)? { condition.lock(); defer { condition.unlock() }; return finalError }

    var isCancelled: Bool { condition.lock(); defer { condition.unlock() }; return cancelled }

    /// Async sender: false when the receiver is gone.
    func send(_ chunk: [UInt8]) async -> Bool {
        while true {
            if let sent = trySend(chunk) { return sent }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in waitForRoom(c) }
        }
    }

    /// nil when full; else whether the chunk went in (false: the receiver is gone).
    private func trySend(_ chunk: [UInt8]) -> Bool? {
        condition.lock()
        if cancelled { condition.unlock(); return false }
        guard chunks.count < capacity else { condition.unlock(); return nil }
        chunks.append(chunk)
        condition.signal()
        let r = waitingReceiver
        waitingReceiver = nil
        condition.unlock()
        r?.resume()
        return true
    }

    private func waitForRoom(_ c: CheckedContinuation<Void, Never>) {
        condition.lock()
        if cancelled || chunks.count < capacity {
            condition.unlock()
            c.resume()
        } else {
            waitingSender = c
            condition.unlock()
        }
    }

    /// Blocking sender: false when the receiver is gone.
    func sendBlocking(_ chunk: [UInt8]) -> Bool {
        condition.lock()
        while !cancelled && chunks.count >= capacity { condition.wait() }
        if cancelled { condition.unlock(); return false }
        chunks.append(chunk)
        let r = waitingReceiver
        waitingReceiver = nil
        condition.unlock()
        r?.resume()
        return true
    }

    /// Async receiver: nil at the end; throws the sender's error, or
    /// ``SqueezeError/cancelled``.
    func receive() async throws -> [UInt8]? {
        while true {
            switch tryReceive() {
            case .chunk(let c): return c
            case .end: return nil
            case .failed(let e): throw e
            case .empty:
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in waitForChunk(c) }
            }
        }
    }

    private enum Received {
        case chunk([UInt8]), end, failed(any Error), empty
    }

    private func tryReceive() -> Received {
        condition.lock()
        defer { condition.unlock() }
        if let c = takeFirst() { return .chunk(c) }
        if cancelled { return .failed(SqueezeError.cancelled) }
        if finished { return finalError.map { .failed($0) } ?? .end }
        return .empty
    }

    private func waitForChunk(_ c: CheckedContinuation<Void, Never>) {
        condition.lock()
        if cancelled || finished || !chunks.isEmpty {
            condition.unlock()
            c.resume()
        } else {
            waitingReceiver = c
            condition.unlock()
        }
    }

    /// Blocking receiver: nil at the end, after a failure or a cancellation
    /// (the caller reads `failure` and `isCancelled` to tell which).
    func receiveBlocking() -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && !finished && !cancelled { condition.wait() }
        if cancelled { return nil }
        return takeFirst()
    }

    /// Called with the lock held: removes the oldest chunk and wakes a sender waiting for room.
    private func takeFirst() -> [UInt8]? {
        guard !chunks.isEmpty else { return nil }
        let c = chunks.removeFirst()
        condition.broadcast()
        if let s = waitingSender {
            waitingSender = nil
            s.resume()
        }
        return c
    }

    /// The sender is done, with an error or without.
    func finish(throwing error: (any Error)?) {
        condition.lock()
        if !finished {
            finished = true
            finalError = error
        }
        condition.broadcast()
        let r = waitingReceiver
        waitingReceiver = nil
        condition.unlock()
        r?.resume()
    }

    /// The receiver is gone (or the whole stream stops): wakes both sides.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        let r = waitingReceiver, s = waitingSender
        waitingReceiver = nil
        waitingSender = nil
        condition.unlock()
        r?.resume()
        s?.resume()
    }
}
