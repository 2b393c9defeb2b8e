// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "splatedge",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "edge-serverd", targets: ["EdgeServer"]),
        .executable(name: "client-sim", targets: ["ClientSim"]),
        .executable(name: "gs-lab", targets: ["Lab"]),
        .library(name: "Protocol", targets: ["Protocol"]),
        .library(name: "Wireless", targets: ["Wireless"]),
        .library(name: "Renderer", targets: ["Renderer"]),
        .library(name: "Optimizers", targets: ["Optimizers"]),
        .library(name: "SeededRandom", targets: ["SeededRandom"]),
        .library(name: "Scenarios", targets: ["Scenarios"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics.git", from: "1.1.1"),
    ],
    targets: [
        // System libraries (Debian packages installed by `make deps`).
        .systemLibrary(
            name: "COpenBLAS", path: "Sources/COpenBLAS",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(
            name: "CPNG", path: "Sources/CPNG",
            providers: [.apt(["libpng-dev"])]),

        // Libraries: no project dependencies except Optimizers → Wireless.
        .target(
            name: "Protocol",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "SeededRandom"),
        .target(
            name: "Wireless",
            dependencies: [
                "COpenBLAS", "SeededRandom",
                .product(name: "Numerics", package: "swift-numerics"),
            ]),
        .target(name: "Renderer", dependencies: ["CPNG", "SeededRandom"]),
        .target(
            name: "Optimizers", dependencies: ["Wireless", "COpenBLAS", "SeededRandom"],
            resources: [.copy("IRAC/ILO/Resources/ilo-irac-v1.json")]),
        // Renderer-backed sources of the optimisers' scenario quantities (Optimizers itself
        // must not depend on Renderer).
        .target(name: "Scenarios", dependencies: ["Renderer", "Optimizers", "Wireless", "SeededRandom"]),

        // Executables.
        .executableTarget(
            name: "EdgeServer",
            dependencies: [
                "Protocol", "Wireless", "Renderer", "Optimizers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "ClientSim",
            dependencies: [
                "Protocol", "Wireless", "Renderer", "Optimizers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "Lab",
            dependencies: [
                "Protocol", "Wireless", "Renderer", "Optimizers", "Scenarios",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),

        // Tests: one target per module.
        .testTarget(
            name: "ProtocolTests",
            dependencies: [
                "Protocol", "SeededRandom",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]),
        .testTarget(name: "SeededRandomTests", dependencies: ["SeededRandom"]),
        .testTarget(name: "WirelessTests", dependencies: ["Wireless", "SeededRandom", .product(name: "Numerics", package: "swift-numerics")]),
        .testTarget(name: "RendererTests", dependencies: ["Renderer", "SeededRandom"]),
        .testTarget(name: "OptimizersTests", dependencies: ["Optimizers", "Wireless", "SeededRandom"]),
        .testTarget(name: "COpenBLASTests", dependencies: ["COpenBLAS"]),
        .testTarget(name: "ScenariosTests", dependencies: ["Scenarios", "Renderer", "Optimizers", "SeededRandom"]),
    ]
)
