// swift-tools-version:6.1
import PackageDescription

import struct Foundation.URL

// A path dependency is named after its folder, which is wherever the repository was cloned.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

// Micro-benchmarks of the pure core with ordo-one/benchmark: `make bench` runs them (see bench/run.sh).
// A package of its own so the main package does not resolve the benchmark tooling.
let package = Package(
    name: "intercom-fullstory-benchmarks",
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "HandlerCost",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "IntercomFullStory", package: root),
                .product(name: "FileContents", package: root),
            ],
            path: "Benchmarks/HandlerCost",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
