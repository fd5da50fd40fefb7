import Codecs
import Foundation

/// One competitor in a comparison: a registered codec at a level, or an external program.
public enum Candidate: Sendable {
    case codec(CodecDescriptor, level: Int)
    case external(ExternalCodec)

    /// "zstd -19", "huffman -2", "7zz-ppmd".
    public var label: String {
        switch self {
        case .codec(let d, let level): d.levels.count == 1 ? d.name : "\(d.name) -\(d.label(forLevel: level))"
        case .external(let e): e.name
        }
    }

    public var codecName: String {
        switch self {
        case .codec(let d, _): d.name
        case .external(let e): e.name
        }
    }

    public var levelLabel: String {
        switch self {
        case .codec(let d, let level): d.label(forLevel: level)
        case .external: ""
        }
    }

    public var origin: String {
        switch self {
        case .codec(let d, _): d.origin.rawValue
        case .external: "external"
        }
    }
}

/// Parses the candidate lists of `squeeze compare`.
public enum CandidateSelection {
    /// The baselines every report shows unless told otherwise: the strongest
    /// usual settings of each library, and zstd's default for speed.
    public static let defaultBaselines = "zlib:9,bzip2:9,xz:9e,zstd:19,zstd:3"

    /// `algos`: "all", "none", or comma-separated names, each optionally `name:level`
    /// ("all" may be one of them: `all,auto` adds auto mode to every codec);
    /// `levels`: "default", "strongest", "both", "all", or comma-separated level labels,
    /// applied to our codecs named without a level.
    public static func select(
        algos: String, baselines: String, levels: String, registry: CodecRegistry
    ) throws(CorpusError) -> [Candidate] {
        var out: [Candidate] = []
        let ours = registry.descriptors.filter { $0.origin == .ours }
        // "all" may stand in a list (`all,auto`); a codec named twice is measured once.
        var oursSpecs: [String] = []
        if algos != "none" {
            for item in algos.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                for spec in item == "all" ? ours.map(\.name) : [item] where !oursSpecs.contains(spec) { oursSpecs.append(spec) }
            }
        }
        for spec in oursSpecs { out += try parse(spec, registry: registry, levels: levels) }
        let baseSpecs: [String] = baselines == "none" ? []
            : (baselines == "default" ? defaultBaselines : baselines).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for spec in baseSpecs {
            // Baselines are optional in a build: skip quietly only for the default list.
            if baselines == "default", registry.named(String(spec.split(separator: ":")[0])) == nil { continue }
            out += try parse(spec, registry: registry, levels: "default")
        }
        return out
    }

    static func parse(_ spec: String, registry: CodecRegistry, levels: String) throws(CorpusError) -> [Candidate] {
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        guard let d = registry.named(parts[0]) else {
            throw CorpusError(description: "unknown codec '\(parts[0])'; known: \(registry.names.joined(separator: ", "))")
        }
        var chosen: [Int]
        if parts.count == 2 {
            guard let lv = d.level(parsing: parts[1]) else {
                throw CorpusError(description: "\(d.name) has no level '\(parts[1])'; levels: \(d.levelsDescription)")
            }
            chosen = [lv]
        } else {
            switch levels {
            case "default": chosen = [d.defaultLevel]
            case "strongest": chosen = [d.strongestLevel]
            case "both": chosen = d.defaultLevel == d.strongestLevel ? [d.defaultLevel] : [d.defaultLevel, d.strongestLevel]
            case "all": chosen = d.levels
            default:
                chosen = levels.split(separator: ",").compactMap { d.level(parsing: String($0)) }
                if chosen.isEmpty { chosen = [d.defaultLevel] }
            }
        }
        return chosen.map { .codec(d, level: $0) }
    }
}
