import Foundation
import Testing

/// The examples in the DocC articles and the README's Library section are the
/// code compiled in DocExamples.swift: a document edited without running
/// scripts/doc-examples.py fails here, not only in scripts/build-docs.sh.
@Suite struct DocExamplesSyncTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The ```swift blocks of a text, as doc-examples.py cuts them.
    static func swiftBlocks(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil {
                if line == "```swift" { current = [] }
            } else if line == "```" {
                blocks.append(current!.map { $0 + "\n" }.joined())
                current = nil
            } else {
                current!.append(line)
            }
        }
        return blocks
    }

    static func read(_ relative: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }

    @Test func everyDocumentedExampleIsCompiled() throws {
        let generated = try Self.read("Tests/SqueezeKitTests/DocExamples.swift")
        let catalog = "Sources/SqueezeKit/SqueezeKit.docc"
        let articles = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent(catalog).path)
            .filter { $0.hasSuffix(".md") }.sorted()
        #expect(articles.count >= 7, "the landing page and an article per module")
        var documents = try articles.map { ("\(catalog)/\($0)", try Self.read("\(catalog)/\($0)")) }
        let readme = try Self.read("README.md")
        let library = readme.range(of: "\n## Library\n").map { String(readme[$0.upperBound...]) } ?? ""
        #expect(!library.isEmpty, "README.md has a Library section")
        documents.append(("README.md", library.range(of: "\n## ").map { String(library[..<$0.lowerBound]) } ?? library))

        var total = 0
        for (path, text) in documents {
            for (i, block) in Self.swiftBlocks(text).enumerated() {
                total += 1
                let expected = "// ```swift block \(i + 1) of \(path)\n"
                    + block.replacingOccurrences(of: "assert(", with: "#expect(")
                let found = generated.contains(expected)
                #expect(found, "\(path), block \(i + 1) is not in DocExamples.swift: run scripts/doc-examples.py")
            }
        }
        let compiled = generated.components(separatedBy: "// ```swift block ").count - 1
        #expect(compiled == total, "DocExamples.swift holds \(compiled) blocks, the documents \(total): run scripts/doc-examples.py")
        #expect(total >= 15)
    }
}
