// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Hotline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hotline", targets: ["hotline"]),
        .executable(name: "hotline-fuzz", targets: ["HotlineFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        // Traces over OTLP/HTTP only: the gRPC exporter's packages would double the build.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.2.0"),
    ],
    targets: [
        // librdkafka from Debian's librdkafka-dev, including the mock cluster header.
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        // The rules: plain Swift, no I/O, time comes in as a value.
        .target(name: "HotlineDomain"),
        // Kafka adapter over librdkafka: producer, consumer, mock cluster.
        .target(
            name: "HotlineKafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // PostgreSQL adapter: migrations and named queries.
        .target(
            name: "HotlinePostgres",
            dependencies: [
                "HotlineDomain",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Migrations")]
        ),
        // Workers: compose the domain with the Kafka and PostgreSQL adapters.
        .target(
            name: "HotlineWorkers",
            dependencies: [
                "HotlineDomain",
                "HotlineKafka",
                "HotlinePostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .executableTarget(
            name: "hotline",
            dependencies: [
                "HotlineWorkers",
                "HotlineDomain",
                "HotlineKafka",
                "HotlinePostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The decoders under libFuzzer (built with -DFUZZING) or replaying saved inputs (Ops/dev fuzz).
        .executableTarget(name: "HotlineFuzz", dependencies: ["HotlineDomain"]),
        .testTarget(
            name: "HotlineDomainTests",
            dependencies: [
                "HotlineDomain", "HotlineKafka", "HotlineWorkers", "HotlinePostgres", "HotlineFuzz",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "HotlineIntegrationTests",
            dependencies: [
                "HotlineKafka",
                "HotlinePostgres",
                "HotlineWorkers",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
