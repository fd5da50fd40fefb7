import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import SqueezeKit

// The root command; named apart from SqueezeKit's `Squeeze` (the one-call API).
@main
struct SqueezeTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "squeeze",
        abstract: "A data-compression laboratory and archiver.",
        discussion: """
        Compress files with our own coders or the system zlib/bzip2/xz/zstd, measure how \
        compressible a source is, and compare coders on a corpus.

        gzip-style use works too: `squeeze FILE` compresses, `squeeze -d FILE.sqz` \
        decompresses, `squeeze -t` tests, `squeeze -l` lists, `-1` … `-22` (or --level N) \
        pick a level, and `-` means standard input or output. With no file, squeeze \
        compresses standard input to standard output (`-d`: decompresses), so \
        `cat x | squeeze > x.sqz` and `tar -I squeeze -cf dir.tar.sqz dir` work as with gzip. \
        Like zstd, -d, -t and -l also read plain .gz, .bz2, .xz and .zst files, and \
        `--format gzip|bzip2|xz|zstd` writes them.

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
            Generate.self,
            Explain.self,
            ArchiveCommand.self,
            GradeCommand.self,
        ]
    )

    static func main() {
        InterruptCleanup.install()
        do {
            let args = try ArgumentRewriter.rewrite(Array(CommandLine.arguments.dropFirst()))
            var command = try parseAsRoot(args)
            try command.run()
        } catch where isBrokenPipe(error) {
            // The reader went away (`squeeze -dc big.sqz | head`): end quietly, as
            // gzip does, by the signal a shell expects from such a writer.
            signal(SIGPIPE, SIG_DFL)
            raise(SIGPIPE)
            Glibc.exit(141)
        } catch let error as UsageError {
            Terminal.errorLine("Error: \(error.message)\nUsage: \(usageString(for: error.command))\n"
                + "  See 'squeeze \(commandPath(error.command)) --help' for more information.")
            Glibc.exit(2)
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

/// A subcommand's name as typed after `squeeze`: `archive create`, not `create`.
func commandPath(_ command: ParsableCommand.Type, under parent: ParsableCommand.Type = SqueezeTool.self) -> String {
    for sub in parent.configuration.subcommands {
        if sub == command { return sub._commandName }
        let inner = commandPath(command, under: sub)
        if !inner.isEmpty { return sub._commandName + " " + inner }
    }
    return parent == SqueezeTool.self ? command._commandName : ""
}

/// A usage error that belongs to one subcommand: printed with that
/// subcommand's usage line, exit status 2.
struct UsageError: Error {
    let message: String
    let command: ParsableCommand.Type
    init(_ message: String, _ command: ParsableCommand.Type) {
        self.message = message
        self.command = command
    }
}

/// Turns gzip/zstd habits into subcommands: `squeeze -d f.sqz` is
/// `squeeze decompress f.sqz`, `squeeze -9 f` is `squeeze compress --level 9 f`.
enum ArgumentRewriter {
    /// Every subcommand's name and aliases, read from the root command, so a new
    /// subcommand is never mistaken for a file to compress.
    static let subcommands: Set<String> = {
        var names: Set<String> = ["help"]
        for command in SqueezeTool.configuration.subcommands {
            names.insert(command._commandName)
            names.formUnion(command.configuration.aliases)
        }
        return names
    }()

    /// Options only compress takes: with them, `-l` was meant as a level.
    static let compressOnly: Set<String> = ["-a", "--algo", "-B", "--block-size", "--mem", "-T", "--threads", "--level", "--filter"]

    /// What a bare `--long` becomes, so the option can take its value as `--long=N` only (as zstd's does).
    static let longDefault = "default"

    /// `--long` alone -> `--long=default` (before any `--`).
    static func longShortcut(_ args: [String]) -> [String] {
        var passthrough = false
        return args.map { a in
            if a == "--" { passthrough = true }
            return !passthrough && a == "--long" ? "--long=\(longDefault)" : a
        }
    }

    static let levelHint = "-l lists archives (as in gzip, xz and zstd); give a level as -N (e.g. -9, -19, -9e) or --level N"

    static func rewrite(_ args: [String]) throws -> [String] {
        // A bare `squeeze` is a filter, as gzip and zstd are: standard input to
        // standard output (refused when that is a terminal).
        guard let first = args.first else { return ["compress"] }
        if subcommands.contains(first) {
            if first == "archive", let sub = args.dropFirst().first, sub == "create" || sub == "a" {
                return [first, sub] + levelShortcuts(longShortcut(Array(args.dropFirst(2))))
            }
            guard first == "compress" else { return args }
            let rest = Array(args.dropFirst())
            if rest.prefix(while: { $0 != "--" }).contains(where: { $0 == "-l" || $0 == "--list" }) {
                throw UsageError(levelHint, Compress.self)
            }
            return [first] + levelShortcuts(longShortcut(rest))
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
        if mode == "list" && rest.prefix(while: { $0 != "--" }).contains(where: { compressOnly.contains($0) || isLevelShortcut($0) }) {
            throw UsageError(levelHint, Compress.self)
        }
        return [mode] + (mode == "compress" ? levelShortcuts(longShortcut(rest)) : rest)
    }

    static func isLevelShortcut(_ a: String) -> Bool {
        let body = a.dropFirst()
        return a.hasPrefix("-") && !body.isEmpty && body.count <= 3 && body.first!.isNumber
            && body.dropFirst().allSatisfy({ $0.isNumber || $0 == "e" })
    }

    /// `-9`, `-19`, `-9e` -> `--level 9`, `--fast` -> `--level fast` (before any `--`).
    static func levelShortcuts(_ args: [String]) -> [String] {
        var out: [String] = []
        var passthrough = false
        for a in args {
            if a == "--" { passthrough = true }
            if !passthrough, isLevelShortcut(a) {
                out += ["--level", String(a.dropFirst())]
            } else if !passthrough, a == "--fast" {
                // gzip's --fast: the fastest level (of lzfast when no codec is named).
                out += ["--level", "fast"]
            } else {
                out.append(a)
            }
        }
        return out
    }
}
