// swift-tools-version:5.9
// A submission as a Swift package: the grader builds the product `codec` and runs
// `codec compress` and `codec decompress`, standard input to standard output.
import PackageDescription

let package = Package(
    name: "swift-rle",
    targets: [.executableTarget(name: "codec")]
)
