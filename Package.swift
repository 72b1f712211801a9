// swift-tools-version:6.2
import PackageDescription

/// Upcoming features the Hummingbird codebase enables: explicit `any`, and imports that
/// must be declared where they are used.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The libpq wrapper also hides its imports by default, so no C type can leak into its
/// public API (the compiler refuses a `public` declaration that mentions one).
let clientSettings: [SwiftSetting] = strictSettings + [.enableUpcomingFeature("InternalImportsByDefault")]

let package = Package(
    name: "oversight",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "oversight", targets: ["oversight"]),
        .library(name: "PostgresClient", targets: ["PostgresClient"]),
        .library(name: "PostgresLocalServer", targets: ["PostgresLocalServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // Webhook delivery to the organization's gateways (already built for HummingbirdTesting).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "PostgresClient",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: clientSettings
        ),
        .target(name: "CPosixSpawn"),
        .target(
            name: "PostgresLocalServer",
            dependencies: [
                "CPosixSpawn",
                "PostgresClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: clientSettings
        ),
        .target(
            name: "OversightDomain",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "OversightStore",
            dependencies: [
                "PostgresClient",
                "OversightDomain",
                .product(name: "Crypto", package: "swift-crypto"),
                // scrypt, for anonymous reporters' receipts, hashed on NIO's blocking-work pool.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "OversightSeeding",
            dependencies: [
                "OversightStore",
                "OversightDomain",
                "PostgresClient",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "OversightServer",
            dependencies: [
                "OversightStore",
                "OversightDomain",
                "PostgresClient",
                "PostgresLocalServer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "oversight",
            dependencies: [
                "OversightDomain",
                "OversightSeeding",
                "OversightServer",
                "OversightStore",
                "PostgresClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "PostgresTestSupport",
            dependencies: [
                "PostgresClient",
                "PostgresLocalServer",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/PostgresTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PostgresClientTests",
            dependencies: ["PostgresClient", "PostgresLocalServer", "PostgresTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OversightDomainTests",
            dependencies: ["OversightDomain"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OversightStoreTests",
            dependencies: [
                "OversightDomain",
                "OversightSeeding",
                "OversightStore",
                "PostgresClient",
                "PostgresTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OversightServerTests",
            dependencies: [
                "oversight",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "OversightDomain",
                "OversightServer",
                "OversightStore",
                "PostgresClient",
                "PostgresLocalServer",
                "PostgresTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
