// swift-tools-version:6.1
// A codec of your own, built against squeeze's library. See README.md.
import PackageDescription

let package = Package(
    name: "CustomCodec",
    dependencies: [
        // squeeze itself, two folders up; in your own project use its git URL instead.
        .package(name: "squeeze", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "CustomCodec",
            dependencies: [.product(name: "SqueezeKit", package: "squeeze")]
        ),
    ]
)
