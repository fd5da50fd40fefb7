import Foundation
import Testing
import TestSupport

/// The bundled corpora must be byte-exact copies (four files have CRLF line
/// endings that a careless checkout would convert).
@Test func everyCorpusFileMatchesTheManifest() throws {
    let entries = TestCorpus.manifest
    #expect(entries.count == 50)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    p.arguments = entries.map(\.path)
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    let sums = Dictionary(uniqueKeysWithValues: text.split(separator: "\n").map { line in
        let f = line.split(separator: " ", maxSplits: 1)
        return (String(f[1].trimmingCharacters(in: .whitespaces)), String(f[0]))
    })
    for e in entries {
        let attrs = try FileManager.default.attributesOfItem(atPath: e.path)
        #expect((attrs[.size] as? Int) == e.size, "\(e): size")
        #expect(sums[e.path] == e.sha256, "\(e): sha256")
    }
}
