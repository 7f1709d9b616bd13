// swift-tools-version: 6.1
// Benchmarks for backscatter, on ordo-one/benchmark (package-benchmark). A package of its own so that the
// library's users never build the benchmark machinery. Run from this folder: `swift package benchmark`.
import PackageDescription

let package = Package(
    name: "backscatter-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, because a path dependency is otherwise known by its folder name (which differs per clone).
        .package(name: "backscatter", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Builds the large mbox the benchmarks read, from the shared corpus, in a temporary folder.
        .target(
            name: "BenchmarkInputs",
            dependencies: [.product(name: "MailParsing", package: "backscatter")]
        ),
        .executableTarget(
            name: "MailboxSplitting",
            dependencies: [
                "BenchmarkInputs",
                .product(name: "MailParsing", package: "backscatter"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/MailboxSplitting",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "HeaderParsing",
            dependencies: [
                "BenchmarkInputs",
                .product(name: "MailParsing", package: "backscatter"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/HeaderParsing",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The main job on the sisimai bsd messages: bounce analysis alone and the whole scan, one job.
        .executableTarget(
            name: "BounceAnalysis",
            dependencies: [
                "BenchmarkInputs",
                .product(name: "MailParsing", package: "backscatter"),
                .product(name: "DeliveryStatus", package: "backscatter"),
                .product(name: "Backscatter", package: "backscatter"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/BounceAnalysis",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Splitting plus header sections / MIME trees of every message, as plain MB/s lines.
        .executableTarget(
            name: "HeaderParsingProbe",
            dependencies: ["BenchmarkInputs", .product(name: "MailParsing", package: "backscatter")]
        ),
        // A plain executable that splits one mbox and prints MB/s and peak resident memory (VmHWM), for
        // `/usr/bin/time -v` and for inputs larger than a benchmark iteration should be.
        .executableTarget(
            name: "MboxSplitProbe",
            dependencies: ["BenchmarkInputs", .product(name: "MailParsing", package: "backscatter")]
        ),
        // Times the structured field parsers over every header field of an mbox (fields helper).
        .executableTarget(
            name: "FieldParsingProbe",
            dependencies: [.product(name: "MailParsing", package: "backscatter")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
