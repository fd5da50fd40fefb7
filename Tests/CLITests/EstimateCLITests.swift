import Foundation
import Testing
import TestSupport

private struct ExecutableNotFound: Error, CustomStringConvertible { let description: String }

/// Runs the built `squeeze` executable (found beside the test bundle in the build products directory).
private func squeeze(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var candidates = [products.appendingPathComponent("squeeze")]
    // `swift test` may run the bundle from inside an .xctest directory.
    candidates.append(products.deletingLastPathComponent().appendingPathComponent("squeeze"))
    for p in ["release", "debug"] {
        candidates.append(URL(fileURLWithPath: TestCorpus.root).deletingLastPathComponent()
            .appendingPathComponent(".build/\(p)/squeeze"))
    }
    guard let exe = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw ExecutableNotFound(description: "squeeze executable not found near \(products.path)")
    }
    let process = Process()
    process.executableURL = exe
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

private func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
    let path = NSTemporaryDirectory() + "squeeze-estimate-\(getpid())-\(name)"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite struct EstimateCLITests {
    @Test func oneScreenForOneFile() throws {
        let r = try squeeze(["estimate", "\(TestCorpus.root)/calgary/paper1"])
        #expect(r.status == 0)
        #expect(r.out.contains("Achievable ≈"))
        #expect(r.out.contains("PPM order 5"))
        #expect(r.out.split(separator: "\n").count < 60)
    }

    @Test func jsonHasTheHandComputedH0() throws {
        let path = try temporaryFile("abra", Array("abracadabra".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try squeeze(["estimate", "--json", "--order", "16", path])
        #expect(r.status == 0)
        let doc = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        let file = (doc?["files"] as? [[String: Any]])?.first
        let h0 = file?["h0"] as? Double ?? -1
        #expect(abs(h0 - 2.0404) < 0.00005)
        #expect((file?["orders"] as? [Any])?.count == 17)
        #expect(file?["best"] != nil)
    }

    @Test func emptyAndOneByteFiles() throws {
        let empty = try temporaryFile("empty", [])
        defer { try? FileManager.default.removeItem(atPath: empty) }
        for path in [empty, "\(TestCorpus.root)/artificial/a.txt"] {
            let r = try squeeze(["estimate", path])
            #expect(r.status == 0, "\(path): \(r.err)")
            #expect(!r.out.contains("nan") && !r.out.contains("inf"))
        }
    }

    @Test func severalFilesCsvAndTotal() throws {
        let files = ["calgary/paper1", "calgary/progc", "artificial/aaa.txt"].map { "\(TestCorpus.root)/\($0)" }
        let table = try squeeze(["estimate"] + files)
        #expect(table.status == 0)
        #expect(table.out.contains("total"))
        let csv = try squeeze(["estimate", "--csv"] + files)
        let lines = csv.out.split(separator: "\n")
        #expect(lines.count == 5) // header, 3 files, total
        #expect(lines.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == lines[0].split(separator: ",").count })
    }

    @Test func plotIsAnSVG() throws {
        let svg = NSTemporaryDirectory() + "squeeze-estimate-\(getpid()).svg"
        defer { try? FileManager.default.removeItem(atPath: svg) }
        let r = try squeeze(["estimate", "--plot", svg, "\(TestCorpus.root)/calgary/progc"])
        #expect(r.status == 0)
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.hasPrefix("<?xml") && text.contains("<svg") && text.hasSuffix("</svg>\n"))
        #expect(text.contains("<polyline"))
    }

    @Test func errorsNameTheFile() throws {
        let r = try squeeze(["estimate", "/nonexistent/dir/file.bin"])
        #expect(r.status == 1)
        #expect(r.err.contains("/nonexistent/dir/file.bin"))
        let d = try squeeze(["estimate", TestCorpus.root])
        #expect(d.status == 1)
        #expect(d.err.contains(TestCorpus.root))
        let bad = try squeeze(["estimate", "--order", "99", "\(TestCorpus.root)/artificial/a.txt"])
        #expect(bad.status != 0)
    }
}
