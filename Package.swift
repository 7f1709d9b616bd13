// swift-tools-version: 6.1
// backscatter: finds reverse-NDR ("backscatter") attacks in mail traffic.
// Layers, each importing only those below it:
//   MailParsing  -> bytes, mailbox readers, RFC 5322 headers, MIME      (stdlib + libc + CByteKernels' SSE2 masks
//                   + zlib for gzip-compressed input, CDecompressors for bzip2, xz, zstd, LZ4)
//   BytePatterns -> the one wrapper around PCRE2
//   DeliveryStatus -> RFC 3464/3463/6533 records, MTA recognisers, reasons
//   Backscatter  -> site profile, evidence, scoring, stream findings, audit (+ FoundationEssentials, swift-crypto)
//   BackscatterCLI (the `backscatter` executable), BackscatterHarness (corpus measurements)
import PackageDescription

let package = Package(
    name: "backscatter",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MailParsing", targets: ["MailParsing"]),
        .library(name: "DeliveryStatus", targets: ["DeliveryStatus"]),
        .library(name: "Backscatter", targets: ["Backscatter"]),
        .executable(name: "backscatter", targets: ["BackscatterCLI"]),
        .executable(name: "backscatter-harness", targets: ["BackscatterHarness"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // 4.x: its modules import FoundationEssentials, not the whole of Foundation (3.x linked Foundation and
        // ICU into every binary: 102 MB static, ~1,700 more conformance records for each first lookup to scan).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        // The `backscatter` executable's allocator (Debian ships no pkg-config file for it). Linked, it
        // takes over malloc and free for the process: bsd.mbox x3 630.7M -> 607.1M instructions.
        .systemLibrary(
            name: "CMimalloc",
            providers: [.apt(["libmimalloc-dev"])]
        ),
        // Sets mimalloc's options from a constructor, before the first allocation (see its .c file).
        .target(name: "CMimallocOptions", linkerSettings: [.linkedLibrary("mimalloc")]),
        // gzip-compressed mailboxes and messages, inflated as they are read (`MailParsing.GzipInflater`).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // bzip2, xz, zstd and LZ4-compressed mailboxes and messages (`MailParsing.StreamDecompressor`):
        // the libraries' headers at build time (libbz2-dev, liblzma-dev, libzstd-dev, liblz4-dev; each
        // optional, its format refused without it), the libraries themselves loaded with dlopen(3) when a
        // file needs one, so no start pays for them.
        .target(name: "CDecompressors", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // SSE2 byte kernels inlined into MailParsing's scans (the bit mask of a compare; see its header).
        .target(name: "CByteKernels"),
        .target(name: "MailParsing", dependencies: ["CByteKernels", "CZlib", "CDecompressors"]),
        .target(name: "BytePatterns", dependencies: ["CPCRE2"]),
        .target(name: "DeliveryStatus", dependencies: ["MailParsing", "BytePatterns"]),
        .target(
            name: "Backscatter",
            dependencies: [
                "MailParsing", "DeliveryStatus", "BytePatterns",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "BackscatterCLI",
            dependencies: [
                "Backscatter", "DeliveryStatus", "MailParsing", "CMimalloc", "CMimallocOptions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "BackscatterHarness",
            dependencies: ["Backscatter", "DeliveryStatus", "MailParsing"]
        ),
        .target(name: "TestSupport", dependencies: ["MailParsing", "CZlib"], path: "Tests/TestSupport"),
        // Coverage-guided fuzzing (Tests/Fuzz/README.md, "Coverage-guided"): the targets, a library the
        // tests run too, and their driver, libFuzzer's when built with -DBACKSCATTER_LIBFUZZER.
        .target(name: "FuzzTargets", dependencies: ["Backscatter", "DeliveryStatus", "MailParsing", "TestSupport"], path: "Tests/FuzzTargets"),
        .target(name: "FuzzDriverC", path: "Tests/FuzzDriverC"),
        .executableTarget(name: "BackscatterFuzz", dependencies: ["FuzzTargets", "FuzzDriverC", "MailParsing"], path: "Tests/FuzzDriver"),
        .testTarget(name: "MailParsingTests", dependencies: ["MailParsing", "TestSupport"]),
        .testTarget(name: "BytePatternsTests", dependencies: ["BytePatterns", "TestSupport"]),
        .testTarget(name: "DeliveryStatusTests", dependencies: ["DeliveryStatus", "TestSupport"]),
        .testTarget(name: "BackscatterTests", dependencies: ["Backscatter", "TestSupport", "FuzzTargets"]),
        .testTarget(name: "CLITests", dependencies: ["MailParsing", "TestSupport", "BackscatterCLI", "CMimalloc", "CMimallocOptions",
                                                    .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    ],
    swiftLanguageModes: [.v6]
)
