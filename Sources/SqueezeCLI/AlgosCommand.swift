import ArgumentParser
import Foundation
import SqueezeKit

struct Algos: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "algos",
        abstract: "List every codec with its levels and origin.",
        discussion: """
        The default codec is marked with *, and each codec's default and strongest levels \
        are named. --json gives, for every codec: name, stable id, origin, the levels as typed, \
        default and strongest level, block size and decoder memory per level, and whether --mem \
        applies (with its range).
        """)

    @Flag(name: .long, help: "Print one JSON array with a record per codec.")
    var json = false

    struct Level: Codable {
        var level: Int
        var label: String
        var blockSize: Int
        /// Bytes a decoder needs for a frame of this level with its default block size
        /// (with the largest --mem where that applies).
        var decodeMemory: Int
    }

    struct Record: Codable {
        var name: String
        var id: Int
        var origin: String
        var summary: String
        var isDefaultCodec: Bool
        var levels: [String]
        var defaultLevel: String
        var strongestLevel: String
        var perLevel: [Level]
        var memorySetting: Bool
        var memoryRange: [Int]?
    }

    func run() throws {
        let registry = CodecRegistry.standard
        let defaultName = Compress.defaultCodec(registry)?.name
        if json {
            let records = registry.descriptors.map { d in
                Record(name: d.name, id: Int(d.id), origin: d.origin.rawValue, summary: d.summary,
                       isDefaultCodec: d.name == defaultName, levels: d.levels.map { d.label(forLevel: $0) },
                       defaultLevel: d.label(forLevel: d.defaultLevel), strongestLevel: d.label(forLevel: d.strongestLevel),
                       perLevel: d.levels.map {
                           Level(level: $0, label: d.label(forLevel: $0), blockSize: d.blockSize($0),
                                 decodeMemory: d.largestDecodeMemory(level: $0))
                       },
                       memorySetting: d.memoryRange != nil,
                       memoryRange: d.memoryRange.map { [$0.lowerBound, $0.upperBound] })
            }
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try enc.encode(records), as: UTF8.self))
            return
        }
        let rows = registry.descriptors.map { d in
            [d.name + (d.name == defaultName ? " *" : ""), d.origin == .ours ? "ours" : "system", d.levelsDescription,
             d.label(forLevel: d.defaultLevel), d.label(forLevel: d.strongestLevel),
             d.memoryRange.map { "\(Format.bytes(Int64($0.lowerBound)))…\(Format.bytes(Int64($0.upperBound)))" } ?? "",
             d.summary]
        }
        print(TextTable.render(header: ["codec", "origin", "levels", "default", "strongest", "--mem", "description"], rows: rows))
        print("\n* the default codec. Levels are given as -N or --level N; --mem sets the model memory where a range is shown.")
        print("Decoding refuses frames needing more than --memory (default \(Format.bytes(Int64(registry.largestDecodeMemory)))); `squeeze algos --json` gives each level's need.")
    }
}
