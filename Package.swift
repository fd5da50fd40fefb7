// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "squeeze",
    products: [
        .executable(name: "squeeze", targets: ["SqueezeCLI"]),
        .library(name: "SqueezeKit", targets: ["SqueezeKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // `swift package generate-documentation` (scripts/build-docs.sh); a plugin only, nothing links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // Bit-stream core: byte buffers, bit reader/writer, universal codes, CRC32.
        .target(name: "BitIO"),
        // Estimators, frequency models, Huffman and arithmetic coders.
        .target(name: "Entropy", dependencies: ["BitIO", "Transforms"]),
        // Transforms: suffix array (SA-IS), BWT, move-to-front, recency rank, intervals, zero runs.
        .target(name: "Transforms", dependencies: ["BitIO", "CPrefetch"]),
        // A prefetch hint (compiler builtin) for the suffix-array and inverse-BWT loops.
        .systemLibrary(name: "CPrefetch", path: "Sources/System/CPrefetch"),
        // The Codec protocol, the registry and our own codecs.
        .target(name: "Codecs", dependencies: ["BitIO", "Entropy", "Transforms", "CPrefetch"]),
        // The .sqz frame.
        .target(name: "Container", dependencies: ["BitIO", "Transforms", "Codecs"]),

        // System compression libraries, used only as comparison baselines.
        .systemLibrary(name: "CZlib", path: "Sources/System/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBzip2", path: "Sources/System/CBzip2",
                       providers: [.apt(["libbz2-dev"])]),
        .systemLibrary(name: "CLzma", path: "Sources/System/CLzma", pkgConfig: "liblzma",
                       providers: [.apt(["liblzma-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/System/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        // libdeflate: the near-optimal deflate compressor, the rival of `lz77-huffman -9` in `bench lz77-class`.
        .systemLibrary(name: "CLibdeflate", path: "Sources/System/CLibdeflate",
                       providers: [.apt(["libdeflate-dev"])]),
        // libarchive writes and reads the pax tar stream of archives and writes members to disk.
        .systemLibrary(name: "CArchive", path: "Sources/System/CArchive", pkgConfig: "libarchive",
                       providers: [.apt(["libarchive-dev"])]),
        .target(name: "Baselines", dependencies: ["Codecs", "Container", "CZlib", "CBzip2", "CLzma", "CZstd"]),

        // The comparison harness: corpus walk, round-trip checks, timing, memory, reports (compare and estimate).
        .target(name: "Harness", dependencies: ["Codecs", "Entropy", "Container"]),

        // `squeeze explain`: step-by-step walkthroughs of each algorithm for teaching.
        .target(name: "Explain", dependencies: ["BitIO", "Entropy", "Transforms", "Codecs"]),

        // Archives of many files: a pax tar stream in .sqz blocks plus a member index (docs/ARCHIVE.md).
        .target(name: "Archive", dependencies: ["Codecs", "Container", "CArchive"]),

        // Everything a library user needs: `import SqueezeKit`.
        .target(name: "SqueezeKit", dependencies: ["BitIO", "Entropy", "Transforms", "Codecs", "Container", "Baselines", "Harness"]),
        // The autograder behind `squeeze grade`: sandboxed submissions, scores, an SQLite history.
        .target(name: "Grade", dependencies: ["SqueezeKit", .product(name: "GRDB", package: "GRDB.swift")]),
        // Benchmarks behind `squeeze bench`, always measured beside a system library.
        .target(name: "Bench", dependencies: ["SqueezeKit", "Archive", "CZlib", "CLibdeflate"]),
        .executableTarget(
            name: "SqueezeCLI",
            dependencies: ["SqueezeKit", "Bench", "Explain", "Grade", "Archive", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            // The Swift runtime and Foundation linked in: start-up falls from about 10 to 5 ms of CPU
            // (no symbol binding against libFoundation at load), which is most of what extracting one
            // archive member or compressing a small file costs (docs/ARCHIVE.md).
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xlinker", "--start-group",
                                            "-lFoundation", "-lFoundationInternationalization", "-lFoundationEssentials",
                                            "-l_FoundationCollections", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims",
                                            "-lswiftSynchronization", "-lswiftDispatch", "-ldispatch", "-lBlocksRuntime",
                                            "-Xlinker", "--end-group"],
                                           .when(platforms: [.linux], configuration: .release))]
        ),

        // Fuzz target for every decoder and the container: a replay driver in normal
        // builds, libFuzzer's entry point when scripts/fuzz.sh builds it with -DFUZZING.
        .executableTarget(name: "SqueezeFuzz", dependencies: ["SqueezeKit", "Archive"], path: "Fuzz/SqueezeFuzz"),

        // Generators, the corpus, round trips and the CLI runner: only Codecs, so the
        // BitIO or Transforms tests do not link the baselines, the container or the harness.
        .target(name: "TestSupport", dependencies: ["Codecs"], path: "Tests/TestSupport"),
        .testTarget(name: "BitIOTests", dependencies: ["BitIO", "TestSupport"]),
        .testTarget(name: "EntropyTests", dependencies: ["Entropy", "TestSupport"]),
        .testTarget(name: "TransformsTests", dependencies: ["Transforms", "TestSupport"]),
        // Ratio floors compare with the system baselines (CodecRegistry.standard), hence SqueezeKit.
        .testTarget(name: "CodecsTests", dependencies: ["Codecs", "SqueezeKit", "TestSupport"]),
        .testTarget(name: "ContainerTests", dependencies: ["Container", "SqueezeKit", "TestSupport"], exclude: ["Golden", "GoldenErrors"]),
        .testTarget(name: "BaselinesTests", dependencies: ["Baselines", "SqueezeKit", "TestSupport"]),
        .testTarget(name: "HarnessTests", dependencies: ["Harness", "SqueezeKit", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "ExplainTests", dependencies: ["Explain", "TestSupport"]),
        .testTarget(name: "ArchiveTests", dependencies: ["Archive", "SqueezeKit", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport"]),
        .testTarget(name: "GradeTests", dependencies: ["Grade", "TestSupport"], exclude: ["Fixtures"]),
        // The one-call API (Squeeze) and the documentation's examples, compiled as tests.
        .testTarget(name: "SqueezeKitTests", dependencies: ["SqueezeKit", "TestSupport"]),
    ]
)
