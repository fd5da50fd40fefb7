import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import SqueezeKit

@main
struct Squeeze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "squeeze",
        abstract: "A data-compression laboratory and archiver.",
        discussion: """
        Compress files with our own coders or the system zlib/bzip2/xz/zstd, measure how \
        compressible a source is, and compare coders on a corpus.

        gzip-style use works too: `squeeze FILE` compresses, `squeeze -d FILE.sqz` \
        decompresses, `squeeze -t` tests, `squeeze -l` lists, `-1` … `-22` pick a level, \
        and `-` means standard input or output.

        Exit status: 0 success, 1 an error with a file (named in the message), 2 a usage error.
        """,
        version: "0.1.0",
        subcommands: [
            Compress.self,
            Decompress.self,
            Test.self,
            List.self,
            Compare.self,
            Algos.self,
            Bench.self,
            Estimate.self,
        ]
    )

    static func main() {
        InterruptCleanup.install()
        let args = ArgumentRewriter.rewrite(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(args)
            try command.run()
        } catch let error as ExitCode {
            Glibc.exit(error.rawValue)
        } catch let error as FileError {
            Terminal.warn(error.description)
            Glibc.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            Terminal.errorLine(fullMessage(for: error))
            Glibc.exit(code == .validationFailure ? 2 : 1)
        }
    }
}

/// Turns gzip/zstd habits into subcommands: `squeeze -d f.sqz` is
/// `squeeze decompress f.sqz`, `squeeze -9 f` is `squeeze compress --level 9 f`.
enum ArgumentRewriter {
    static let subcommands: Set<String> = ["compress", "decompress", "d", "test", "t", "list", "l", "algos",
                                           "bench", "estimate", "compare", "help"]

    static func rewrite(_ args: [String]) -> [String] {
        guard let first = args.first else { return args }
        if subcommands.contains(first) {
            return first == "compress" ? [first] + levelShortcuts(Array(args.dropFirst())) : args
        }
        if ["-h", "--help", "--version", "--generate-completion-script", "--experimental-dump-help"].contains(first) {
            return args
        }
        // No subcommand: pick the mode from -d/-t/-l (alone or in a cluster like -dk), else compress.
        var mode = "compress"
        var rest: [String] = []
        var passthrough = false
        for a in args {
            if passthrough || a == "--" { passthrough = true; rest.append(a); continue }
            switch a {
            case "-d", "--decompress", "--uncompress": mode = "decompress"; continue
            case "-t", "--test": mode = "test"; continue
            case "-l", "--list": mode = "list"; continue
            case "-z", "--compress": mode = "compress"; continue
            default: break
            }
            if a.count > 2, a.hasPrefix("-"), !a.hasPrefix("--"), a.dropFirst().allSatisfy({ $0.isLetter }) {
                var letters = String(a.dropFirst())
                for (letter, m) in [("d", "decompress"), ("t", "test"), ("l", "list")] where letters.contains(letter) {
                    mode = m
                    letters.removeAll { String($0) == letter }
                }
                if !letters.isEmpty { rest.append("-" + letters) }
                continue
            }
            rest.append(a)
        }
        return [mode] + (mode == "compress" ? levelShortcuts(rest) : rest)
    }

    /// `-9`, `-19`, `-9e` -> `--level 9` (before any `--`).
    static func levelShortcuts(_ args: [String]) -> [String] {
        var out: [String] = []
        var passthrough = false
        for a in args {
            if a == "--" { passthrough = true }
            let body = a.dropFirst()
            if !passthrough, a.hasPrefix("-"), !body.isEmpty, body.count <= 3,
               body.first!.isNumber, body.dropFirst().allSatisfy({ $0.isNumber || $0 == "e" }) {
                out += ["--level", String(body)]
            } else {
                out.append(a)
            }
        }
        return out
    }
}
