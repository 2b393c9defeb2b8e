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
        .library(name: "SplatClient", targets: ["SplatClient"]),
        .library(name: "Wireless", targets: ["Wireless"]),
        .library(name: "Renderer", targets: ["Renderer"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "Optimizers", targets: ["Optimizers"]),
        .library(name: "SeededRandom", targets: ["SeededRandom"]),
        .library(name: "Scenarios", targets: ["Scenarios"]),
        .library(name: "Cluster", targets: ["Cluster"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics.git", from: "1.1.1"),
        // edge-serverd: HTTP/2, TLS, lifecycle, metrics, catalog, config.
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
    ],
    targets: [
        // System libraries (Debian packages installed by `make deps`).
        .systemLibrary(
            name: "COpenBLAS", path: "Sources/COpenBLAS",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(
            name: "CPNG", path: "Sources/CPNG",
            providers: [.apt(["libpng-dev"])]),
        .systemLibrary(
            name: "CJPEG", path: "Sources/CJPEG",
            providers: [.apt(["libjpeg62-turbo-dev"])]),
        // edge-serverd's HTTP/2 server codec (framing, HPACK, streams, flow control).
        .systemLibrary(
            name: "CNGHTTP2", path: "Sources/CNGHTTP2",
            providers: [.apt(["libnghttp2-dev"])]),
        // What the HTTP/2 client and server share around libnghttp2.
        .target(name: "NGHTTP2Support", dependencies: ["CNGHTTP2", .product(name: "NIOCore", package: "swift-nio")]),
        // Measurements of the running process (its CPU time), shared by the daemon and gs-lab.
        .target(name: "ProcessMetrics"),

        // Libraries: no project dependencies except Optimizers → Wireless.
        .target(
            name: "Protocol",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "SeededRandom"),
        // The project's client for both transports (used by edge-serverd's tests and client-sim).
        .target(
            name: "SplatClient",
            dependencies: [
                "Protocol", "SeededRandom", "CNGHTTP2", "NGHTTP2Support",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "Wireless",
            dependencies: [
                "COpenBLAS", "SeededRandom",
                .product(name: "Numerics", package: "swift-numerics"),
            ]),
        // The rasteriser's SIMD8 kernels are generic code that runs ~100× slower unoptimised, which
        // would leave the debug-built daemon of the end-to-end tests unable to keep its slots.
        .target(
            name: "Renderer", dependencies: ["CPNG", "SeededRandom"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // The CPU trainer on the differentiable rasteriser: datasets, loss, Adam, densification.
        // Its loops are generic/SIMD code like the renderer's, so it is optimised in debug too.
        .target(
            name: "Training", dependencies: ["Renderer", "SeededRandom", "CJPEG"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // What edge-serverd's slot loop and client-sim must agree on: poses ↔ cameras, the
        // emulated links, the world and its small model.
        .target(
            name: "SlotModel",
            dependencies: [
                "Protocol", "Renderer", "Wireless", "SeededRandom", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Numerics", package: "swift-numerics"),
            ]),
        .target(
            name: "Optimizers", dependencies: ["Wireless", "COpenBLAS", "SeededRandom"],
            resources: [.copy("IRAC/ILO/Resources/ilo-irac-v1.json"), .copy("SCC/MOCMPO/Resources/scc-mocmpo-v1.json")]),
        // Renderer-backed sources of the optimisers' scenario quantities (Optimizers itself
        // must not depend on Renderer).
        .target(name: "Scenarios", dependencies: ["Renderer", "Optimizers", "Wireless", "SeededRandom", "Training"]),

        // Many edges as one MEC network over etcd: membership, election, SCC placement.
        .target(
            name: "Cluster",
            dependencies: [
                "Optimizers",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Executables.
        .executableTarget(
            name: "EdgeServer",
            dependencies: [
                "Protocol", "Wireless", "Renderer", "Optimizers", "SlotModel", "CNGHTTP2", "NGHTTP2Support", "Training", "Cluster", "SplatClient",
                "ProcessMetrics", "Scenarios",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            // The live view's page (HTML, CSS, plain JavaScript): served by edge-serverd, no build step.
            resources: [.copy("LiveView/Resources")]),
        .executableTarget(
            name: "ClientSim",
            dependencies: [
                "Protocol", "Wireless", "Renderer", "Optimizers", "SlotModel", "SplatClient", "SeededRandom", "Scenarios",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .executableTarget(
            name: "Lab",
            dependencies: [
                "Protocol", "Wireless", "Renderer", "Optimizers", "Scenarios", "SplatClient", "Training", "SeededRandom", "ProcessMetrics",
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
        .testTarget(name: "SplatClientTests", dependencies: ["SplatClient", "Protocol", "SeededRandom"]),
        .testTarget(name: "WirelessTests", dependencies: ["Wireless", "SeededRandom", .product(name: "Numerics", package: "swift-numerics")]),
        .testTarget(name: "RendererTests", dependencies: ["Renderer", "SeededRandom"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Renderer", "SeededRandom"]),
        .testTarget(name: "OptimizersTests", dependencies: ["Optimizers", "Wireless", "SeededRandom"]),
        .testTarget(name: "COpenBLASTests", dependencies: ["COpenBLAS"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "SlotModel", "Protocol", "Renderer", "Wireless", "SplatClient", .product(name: "Crypto", package: "swift-crypto"),
                // The live view's browser test drives headless Chromium over the DevTools WebSocket.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]),
        .testTarget(
            name: "ClusterTests",
            dependencies: [
                "Cluster", "Optimizers", "SplatClient", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .testTarget(name: "ScenariosTests", dependencies: ["Scenarios", "Renderer", "Optimizers", "SeededRandom", "Training"]),
        .testTarget(
            name: "EdgeServerTests",
            dependencies: [
                "EdgeServer", "Protocol", "SplatClient", "SeededRandom", "CNGHTTP2", "Renderer", "SlotModel", "Scenarios",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
    ]
)
