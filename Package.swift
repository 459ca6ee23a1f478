// swift-tools-version:6.1
import PackageDescription

// The shipped `bootstrap` links no Foundation at all: JSON, base64 and dates are handled by our own small
// modules and libcrypto, which keeps the binary small and its start-up fast (see README, "Performance").
let package = Package(
    name: "intercom-fullstory",
    products: [
        .library(name: "IntercomFullStory", targets: ["IntercomFullStory"]),
        .executable(name: "intercom-fullstory", targets: ["IntercomFullStoryCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // System libraries.
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Pure code: no I/O, no networking.
        .target(name: "FlatJSON"),
        .target(name: "IntercomFullStory", dependencies: ["FlatJSON", "CCrypto"]),

        // Executables.
        .executableTarget(
            name: "IntercomFullStoryCLI",
            dependencies: [
                "IntercomFullStory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Tests.
        .testTarget(name: "FlatJSONTests", dependencies: ["FlatJSON"]),
        .testTarget(
            name: "IntercomFullStoryTests",
            dependencies: [
                "IntercomFullStory",
                "FlatJSON",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
