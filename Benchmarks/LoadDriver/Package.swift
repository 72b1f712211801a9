// swift-tools-version:6.2
import PackageDescription

// A package of its own, so the test build of the service never compiles the load driver.
let package = Package(
    name: "LoadDriver",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .executableTarget(
            name: "LoadDriver",
            dependencies: [
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        )
    ]
)
