@_exported import BitIO
@_exported import Entropy

/// A lossless coder of one block of bytes.
///
/// `encode` appends the coded form of `input` to `out`; `decode` appends
/// exactly `originalCount` bytes to `out` or throws. A decoder must never
/// trap or loop forever, whatever `input` holds, and never allocate more than
/// its descriptor's `decodeMemory` (or `payloadMemory`) states for the block,
/// which the container checks against the reader's `--memory` limit first.
public protocol Codec: Sendable {
    func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError)
    func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError)
}

/// Where a codec comes from: written here, or a system library used as a baseline.
public enum CodecOrigin: String, Sendable, Codable {
    case ours
    case system
}

/// Everything the registry, the container and the CLI need to know about a
/// codec: stable name and id, levels, block size, and how to make one.
public struct CodecDescriptor: Sendable {
    /// Stable name used on the command line and in reports ("huffman", "zstd").
    public let name: String
    /// Stable id written into `.sqz` frames; never reused.
    public let id: UInt8
    /// One line for `squeeze algos`.
    public let summary: String
    public let origin: CodecOrigin
    /// Every valid level, in increasing strength.
    public let levels: [Int]
    public let defaultLevel: Int
    /// The level used when a report asks for "the strongest".
    public let strongestLevel: Int
    /// Levels besides the default and the strongest whose payload is coded
    /// another way (bwt's levels 1…5 use another model): fuzzing and the
    /// corrupt-input tests decode at these too.
    public let otherFormatLevels: [Int]
    /// How a level is shown and typed ("9e" for xz extreme); nil: the number.
    public let levelLabel: (@Sendable (Int) -> String)?
    /// Default raw block size for a level.
    public let blockSize: @Sendable (Int) -> Int
    /// Makes a codec for a level (the level must be one of `levels`).
    public let make: @Sendable (Int) -> any Codec
    /// For codecs whose model size is a choice (PPM's `--mem`): makes a codec
    /// for a level with a model memory bound in bytes. Nil: no such setting.
    public let makeWithMemory: (@Sendable (Int, Int) -> any Codec)?
    /// The model memory `makeWithMemory` accepts, in bytes (`--mem`).
    public let memoryRange: ClosedRange<Int>?
    /// Bytes the decoder needs for one block of the given raw size at a level:
    /// output, payload, tables and model (for `--memory` and `algos --json`).
    /// Memory a block's payload asks for on its own (PPM's model bound) is not
    /// included here but reported by `payloadMemory`.
    public let decodeMemory: @Sendable (_ level: Int, _ blockSize: Int) -> Int
    /// Extra model memory that one coded block declares in its own header
    /// (PPM writes its `--mem` bound into every block), read before decoding so
    /// a memory limit can refuse the block; nil when the codec has none.
    public let payloadMemory: (@Sendable (_ payload: UnsafeRawBufferPointer, _ rawCount: Int) -> Int)?

    public init(
        name: String, id: UInt8, summary: String, origin: CodecOrigin = .ours,
        levels: [Int], defaultLevel: Int, strongestLevel: Int? = nil, otherFormatLevels: [Int] = [],
        levelLabel: (@Sendable (Int) -> String)? = nil,
        blockSize: @escaping @Sendable (Int) -> Int = { _ in 1 << 20 },
        make: @escaping @Sendable (Int) -> any Codec,
        makeWithMemory: (@Sendable (Int, Int) -> any Codec)? = nil,
        memoryRange: ClosedRange<Int>? = nil,
        decodeMemory: @escaping @Sendable (_ level: Int, _ blockSize: Int) -> Int = { _, n in 2 * n + (1 << 20) },
        payloadMemory: (@Sendable (_ payload: UnsafeRawBufferPointer, _ rawCount: Int) -> Int)? = nil
    ) {
        self.name = name
        self.id = id
        self.summary = summary
        self.origin = origin
        self.levels = levels
        self.defaultLevel = defaultLevel
        self.strongestLevel = strongestLevel ?? levels.last ?? defaultLevel
        self.otherFormatLevels = otherFormatLevels
        self.levelLabel = levelLabel
        self.blockSize = blockSize
        self.make = make
        self.makeWithMemory = makeWithMemory
        self.memoryRange = memoryRange
        self.decodeMemory = decodeMemory
        self.payloadMemory = payloadMemory
    }

    /// The same codec with its model memory bounded by `bytes` at every level,
    /// or nil if the codec has no memory setting.
    public func bounded(memory bytes: Int) -> CodecDescriptor? {
        guard let makeWithMemory else { return nil }
        return CodecDescriptor(name: name, id: id, summary: summary, origin: origin, levels: levels,
                               defaultLevel: defaultLevel, strongestLevel: strongestLevel,
                               otherFormatLevels: otherFormatLevels, levelLabel: levelLabel,
                               blockSize: blockSize, make: { makeWithMemory($0, bytes) }, makeWithMemory: makeWithMemory,
                               memoryRange: memoryRange,
                               decodeMemory: decodeMemory, payloadMemory: payloadMemory)
    }

    /// The most memory a frame of this codec written by squeeze at `level`
    /// with its default block size can need to decode (with the largest
    /// `--mem` where a block can declare more model than its level's, as
    /// PPM's do through `payloadMemory`; cm's `--mem` only ever lowers it).
    public func largestDecodeMemory(level: Int) -> Int {
        let n = blockSize(level)
        return decodeMemory(level, n) + (payloadMemory != nil ? memoryRange?.upperBound ?? 0 : 0)
    }

    /// The text for a level, as the user types it.
    public func label(forLevel level: Int) -> String {
        levelLabel?(level) ?? String(level)
    }

    /// Parses a level as typed ("6", "9e"); nil if it is not one of `levels`.
    public func level(parsing text: String) -> Int? {
        levels.first { label(forLevel: $0) == text }
    }

    /// The levels as the user types them, compressed into ranges ("1-9", "0-9, 0e-9e").
    public var levelsDescription: String {
        var parts: [String] = []
        var i = 0
        while i < levels.count {
            var j = i
            while j + 1 < levels.count, levels[j + 1] == levels[j] + 1,
                  label(forLevel: levels[j + 1]).hasSuffix("e") == label(forLevel: levels[i]).hasSuffix("e") { j += 1 }
            parts.append(i == j ? label(forLevel: levels[i]) : "\(label(forLevel: levels[i]))-\(label(forLevel: levels[j]))")
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }
}

/// Name and id lookup over a set of codecs.
public struct CodecRegistry: Sendable {
    public private(set) var descriptors: [CodecDescriptor]

    public init(_ descriptors: [CodecDescriptor]) {
        self.descriptors = []
        for d in descriptors { register(d) }
    }

    /// Adds a codec; a later registration with the same name or id replaces the earlier one.
    public mutating func register(_ d: CodecDescriptor) {
        descriptors.removeAll { $0.name == d.name || $0.id == d.id }
        descriptors.append(d)
    }

    public func named(_ name: String) -> CodecDescriptor? {
        descriptors.first { $0.name == name.lowercased() }
    }

    public func withID(_ id: UInt8) -> CodecDescriptor? {
        descriptors.first { $0.id == id }
    }

    public var names: [String] { descriptors.map(\.name) }

    /// The most memory any frame squeeze writes with default block sizes can
    /// need to decode, rounded up to 64 MiB: the default decoder memory limit,
    /// so only foreign or hostile frames meet it.
    public var largestDecodeMemory: Int {
        let most = descriptors.flatMap { d in d.levels.map { d.largestDecodeMemory(level: $0) } }.max() ?? 0
        return (most + (64 << 20) - 1) & ~((64 << 20) - 1)
    }

    /// Our own codecs (no system libraries).
    public static let ours = CodecRegistry(BuiltinCodecs.all)
}
