/// A reversible filter run over a block before its codec (docs/FORMAT.md,
/// "Filters"). Format version 2 names it in each block header by `id`;
/// `delta` adds its stride as one more header byte.
public enum BlockFilter: Sendable, Equatable, Hashable, CustomStringConvertible {
    case none
    case x86
    case delta(stride: Int)

    /// Filter ids in a version-2 block header; never reused.
    public static let noneID: UInt8 = 0
    public static let x86ID: UInt8 = 1
    public static let deltaID: UInt8 = 2

    public var id: UInt8 {
        switch self {
        case .none: Self.noneID
        case .x86: Self.x86ID
        case .delta: Self.deltaID
        }
    }

    /// The byte that follows the id in the block header, if the filter has one.
    public var parameter: UInt8? {
        if case .delta(let s) = self { return UInt8(clamping: s) }
        return nil
    }

    /// Whether a filter id is followed by a parameter byte.
    public static func hasParameter(id: UInt8) -> Bool { id == deltaID }

    /// The filter an id (and its parameter byte) names, or a message saying what is wrong.
    public static func from(id: UInt8, parameter: UInt8?) -> Result<BlockFilter, FilterError> {
        switch id {
        case noneID: return .success(.none)
        case x86ID: return .success(.x86)
        case deltaID:
            guard let p = parameter, DeltaFilter.strides.contains(Int(p)) else {
                return .failure(FilterError("delta filter with stride \(parameter.map(String.init) ?? "missing") (valid: \(DeltaFilter.strides.lowerBound)…\(DeltaFilter.strides.upperBound))"))
            }
            return .success(.delta(stride: Int(p)))
        default:
            return .failure(FilterError("unknown filter id \(id) (known: 0 none, 1 x86, 2 delta)"))
        }
    }

    /// "none", "x86", "delta:2".
    public var description: String {
        switch self {
        case .none: "none"
        case .x86: "x86"
        case .delta(let s): "delta:\(s)"
        }
    }

    /// Forward, in place.
    public func apply(_ data: UnsafeMutableRawBufferPointer) {
        switch self {
        case .none: break
        case .x86: X86Filter.encode(data)
        case .delta(let s): DeltaFilter.encode(data, stride: s)
        }
    }

    /// Inverse, in place; total on any bytes.
    public func invert(_ data: UnsafeMutableRawBufferPointer) {
        switch self {
        case .none: break
        case .x86: X86Filter.decode(data)
        case .delta(let s): DeltaFilter.decode(data, stride: s)
        }
    }
}

/// What a user may ask for on the command line: a fixed filter, or delta with its stride detected per block.
public enum FilterSetting: Sendable, Equatable, CustomStringConvertible {
    case fixed(BlockFilter)
    case deltaAutoStride

    /// Parses `none`, `x86`, `delta` (stride detected per block) or `delta:N`.
    public init?(parsing text: String) {
        switch text.lowercased() {
        case "none": self = .fixed(.none)
        case "x86": self = .fixed(.x86)
        case "delta": self = .deltaAutoStride
        default:
            let parts = text.lowercased().split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0] == "delta", let s = Int(parts[1]), DeltaFilter.strides.contains(s) else { return nil }
            self = .fixed(.delta(stride: s))
        }
    }

    /// The filter for one block.
    public func resolve(_ block: UnsafeRawBufferPointer) -> BlockFilter {
        switch self {
        case .fixed(let f): return f
        case .deltaAutoStride: return .delta(stride: DeltaFilter.detectStride(block).stride)
        }
    }

    public var description: String {
        switch self {
        case .fixed(let f): f.description
        case .deltaAutoStride: "delta"
        }
    }
}

/// A filter header that names no valid filter.
public struct FilterError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
