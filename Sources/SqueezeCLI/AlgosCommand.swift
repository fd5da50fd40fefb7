import ArgumentParser
import SqueezeKit

struct Algos: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every codec with its levels and origin.")

    func run() throws {
        let rows = CodecRegistry.standard.descriptors.map { d in
            [d.name, d.origin == .ours ? "ours" : "system", d.levelsDescription,
             d.label(forLevel: d.defaultLevel), d.summary]
        }
        print(TextTable.render(header: ["codec", "origin", "levels", "default", "description"], rows: rows))
    }
}
