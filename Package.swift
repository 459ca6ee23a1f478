// swift-tools-version:6.1
import PackageDescription

// The shipped `bootstrap` links no Foundation at all: JSON, base64 and dates are handled by our own small
// modules and libcrypto, which keeps the binary small and its start-up fast (see README, "Performance").
// Amazon Linux 2023 has glibc 2.34: the symbols newer glibc versions would bind are wrapped (Sources/GlibcCompatibility).
let glibcCompatibilityWraps = ["-Xlinker", "--wrap=hypotf", "-Xlinker", "--wrap=arc4random", "-Xlinker", "--wrap=_dl_find_object"]

let package = Package(
    name: "intercom-fullstory",
    products: [
        .library(name: "IntercomFullStory", targets: ["IntercomFullStory", "LambdaEvents"]),
        .executable(name: "intercom-fullstory", targets: ["IntercomFullStoryCLI"]),
        .executable(name: "bootstrap", targets: ["bootstrap"]),
        // For the benchmark package, which reads its sample event with it.
        .library(name: "FileContents", targets: ["FileContents"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Tests only: HTTPS stand-ins.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // `serve` only (never the bootstrap): the HTTP server, its lifecycle and its metrics. Hummingbird without its
        // default traits, which would link the whole of Foundation.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // System libraries.
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // The product's version and User-Agent.
        .target(name: "ProductVersion"),
        // HTTP over libcurl, shared by the runtime loop and the FullStory and Intercom clients.
        .target(name: "CurlHTTP", dependencies: ["CCurl", "SystemClock", "ASCIIText"]),
        // ASCII names, identifiers and header-safe values, as every layer checks them.
        .target(name: "ASCIIText"),
        // The clocks and sleeping: the one place that reads time.
        .target(name: "SystemClock"),
        // Text forms every layer writes: UTC instants in ISO 8601 (events, queue messages, log lines), and base64
        // (API Gateway's bodies, ABsmartly's units), by libcrypto.
        .target(name: "ISO8601Format"),
        .target(name: "Base64Format", dependencies: ["CCrypto"]),
        // A generic Lambda Runtime API client loop; knows nothing of Intercom or FullStory.
        .target(
            name: "LambdaRuntime",
            dependencies: [
                "CurlHTTP", "FlatJSON", "SystemClock", "ASCIIText", "ISO8601Format", "FileContents",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The events Lambda hands a function (API Gateway's proxy events, SQS batches) and their answers, and the
        // builder of API Gateway events that the CLI and the tests share. Pure data: no I/O.
        .target(name: "LambdaEvents", dependencies: ["FlatJSON", "ASCIIText", "Base64Format"]),

        // Amazon SQS over its JSON protocol, signed by libcurl (SigV4): durable delivery.
        .target(name: "AWSSQS", dependencies: ["CurlHTTP", "FlatJSON", "ASCIIText"]),

        // Pure code: no I/O, no networking.
        .target(name: "FlatJSON", dependencies: ["ASCIIText"]),
        .target(
            name: "IntercomFullStory", dependencies: ["FlatJSON", "CCrypto", "ASCIIText", "LambdaEvents", "ISO8601Format", "Base64Format"]),

        // What the function, the backfill and setup share: the settings they read alike (and how a variable is
        // read and refused).
        .target(name: "ServiceSettings", dependencies: ["ASCIIText", "CurlHTTP", "IntercomFullStory", "ProductVersion"]),
        // The time a piece of work may take, cut into its calls' timeouts and tries (one home for the budget).
        .target(name: "Budget", dependencies: ["SystemClock", "CurlHTTP"]),
        // The FullStory, Intercom and ABsmartly clients, for the function, the backfill and setup alike.
        .target(
            name: "ServiceClients",
            dependencies: [
                "CurlHTTP", "ASCIIText", "FlatJSON", "IntercomFullStory", "Budget", "SystemClock",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The Lambda function: configuration, destinations, delivery, redelivery, metrics, the invocation's log line.
        .target(
            name: "IntercomFullStoryFunction",
            dependencies: [
                "IntercomFullStory", "LambdaRuntime", "CurlHTTP", "AWSSQS", "FlatJSON", "ProductVersion", "SystemClock", "ASCIIText",
                "ServiceSettings", "ServiceClients", "Budget", "FileContents", "LambdaEvents",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // `intercom-fullstory backfill`: past conversations from Intercom's search to FullStory.
        .target(
            name: "Backfill",
            dependencies: [
                "IntercomFullStory", "ServiceSettings", "ServiceClients", "CurlHTTP", "FlatJSON", "FileContents", "SystemClock",
                "ASCIIText", "ISO8601Format",
            ]
        ),

        // `intercom-fullstory setup`: the Intercom attributes and checks that session pinning needs.
        .target(
            name: "Setup",
            dependencies: ["IntercomFullStory", "ServiceSettings", "ServiceClients", "CurlHTTP", "FlatJSON"]
        ),

        // `intercom-fullstory serve`: the function behind an HTTP server, and the delivery queue's consumer.
        .target(
            name: "Serve",
            dependencies: [
                "IntercomFullStoryFunction", "IntercomFullStory", "LambdaEvents", "LambdaRuntime", "AWSSQS", "Budget", "FlatJSON",
                "ProductVersion", "SystemClock",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Executables.
        .executableTarget(
            name: "bootstrap",
            dependencies: [
                "IntercomFullStoryFunction", "LambdaRuntime", "ServiceSettings", "GlibcCompatibility", "SwiftRuntimeStartup", "ProductVersion",
            ],
            linkerSettings: [.unsafeFlags(glibcCompatibilityWraps, .when(platforms: [.linux]))]
        ),
        .target(name: "GlibcCompatibility"),
        // Reading whole files without Foundation (CLI, tests, fuzz drivers, benchmark).
        .target(name: "FileContents"),
        // Argument capture without the static runtime's /proc/self/maps scan (cold start).
        .target(name: "SwiftRuntimeStartup"),
        // Benchmark only: the runtime loop with a do-nothing handler (see Benchmarks/).
        .executableTarget(
            name: "LambdaRuntimeEcho",
            dependencies: [
                "LambdaRuntime", "GlibcCompatibility", "SwiftRuntimeStartup", .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: [.unsafeFlags(glibcCompatibilityWraps, .when(platforms: [.linux]))]
        ),
        // Released as a download (make release) built as the bootstrap is, so it runs on glibc 2.34 and later.
        .executableTarget(
            name: "IntercomFullStoryCLI",
            dependencies: [
                "Backfill",
                "Setup",
                "Serve",
                "FileContents",
                "IntercomFullStory",
                "IntercomFullStoryFunction",
                "LambdaRuntime",
                "LambdaEvents",
                "ServiceSettings",
                "ProductVersion",
                "SystemClock",
                "GlibcCompatibility",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: [.unsafeFlags(glibcCompatibilityWraps, .when(platforms: [.linux]))]
        ),

        // Fuzzing (make fuzz): libFuzzer targets over the core, and the checks they share with the tests.
        .target(
            name: "WebhookFuzzing", dependencies: ["IntercomFullStory", "LambdaEvents", "FlatJSON", "FileContents"],
            path: "Tests/Fuzz/WebhookFuzzing"),
        .executableTarget(name: "fuzz-webhook-event", dependencies: ["WebhookFuzzing"], path: "Tests/Fuzz/FuzzWebhookEvent"),
        .executableTarget(name: "fuzz-signed-body", dependencies: ["WebhookFuzzing"], path: "Tests/Fuzz/FuzzSignedBody"),
        .executableTarget(
            name: "fuzz-delivery-message", dependencies: ["WebhookFuzzing"], path: "Tests/Fuzz/FuzzDeliveryMessage"),

        // Tests.
        // The runtime loop alone, reporting its heap growth over many invocations (LambdaRuntimeMemoryTests).
        .executableTarget(
            name: "runtime-memory-probe",
            dependencies: ["LambdaRuntime", "HeapUsage", .product(name: "Logging", package: "swift-log")],
            path: "Tests/RuntimeMemoryProbe"),
        .target(name: "HeapUsage", path: "Tests/HeapUsage"),
        .target(
            name: "TestSupport",
            dependencies: [
                "FileContents", "AWSSQS", "CurlHTTP", "FlatJSON", "IntercomFullStory", "LambdaEvents", "ISO8601Format", "Base64Format",
                "SystemClock",
                "ASCIIText",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "FlatJSONTests",
            dependencies: ["FlatJSON", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "CurlHTTPTests", dependencies: ["CurlHTTP", "TestSupport", "SystemClock", "ASCIIText"]),
        .testTarget(name: "ASCIITextTests", dependencies: ["ASCIIText"]),
        .testTarget(name: "AWSSQSTests", dependencies: ["AWSSQS", "CurlHTTP", "TestSupport"]),
        .testTarget(name: "SwiftRuntimeStartupTests", dependencies: ["SwiftRuntimeStartup"]),
        .target(name: "GlibcCompatibilityCheck", dependencies: ["GlibcCompatibility"], path: "Tests/GlibcCompatibilityCheck"),
        .testTarget(name: "GlibcCompatibilityTests", dependencies: ["GlibcCompatibility", "GlibcCompatibilityCheck"]),
        .testTarget(
            name: "IntercomFullStoryTests",
            dependencies: [
                "IntercomFullStory",
                "LambdaEvents",
                "ISO8601Format",
                "Base64Format",
                "FlatJSON",
                "WebhookFuzzing",
                "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "LambdaRuntimeTests",
            dependencies: [
                "LambdaRuntime", "TestSupport", "FlatJSON", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "IntercomFullStoryFunctionTests",
            dependencies: [
                "IntercomFullStoryFunction", "IntercomFullStory", "LambdaRuntime", "LambdaEvents", "CurlHTTP", "FlatJSON", "TestSupport", "AWSSQS",
                "ProductVersion", "SystemClock", "ServiceSettings", "ServiceClients", "Budget",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // Runs the built `intercom-fullstory backfill` against stand-ins for Intercom's search and FullStory.
        .testTarget(name: "BackfillTests", dependencies: ["TestSupport", "FlatJSON", "IntercomFullStory", "Backfill", "CurlHTTP", "ServiceSettings", "ServiceClients", "ISO8601Format"]),
        .testTarget(name: "SetupTests", dependencies: ["TestSupport", "FlatJSON"]),
        // Runs the built `intercom-fullstory serve` against stand-ins and moto.
        .testTarget(
            name: "ServeTests",
            dependencies: [
                "TestSupport", "FlatJSON", "AWSSQS", "IntercomFullStory", "ProductVersion", "FileContents",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // Runs the built `bootstrap` under the AWS Runtime Interface Emulator (see deploy/fetch-emulator.sh).
        .testTarget(
            name: "EndToEndTests", dependencies: ["TestSupport", "FlatJSON", "AWSSQS", "IntercomFullStory", "ProductVersion", "SystemClock"]),
    ],
    swiftLanguageModes: [.v6]
)
