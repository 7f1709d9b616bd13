import Foundation
import MailParsing

/// Where the shared corpora live, and whether they are here at all.
///
/// Tests read `../shared/corpus` in place (never copied into the repository) and skip, visibly, when it is
/// absent, as on a user's fresh clone.
public enum Corpus {
    /// The repository's root, found from this file's path.
    public static let repositoryRoot: URL = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }()

    /// `../shared/corpus` next to the repository, or `BACKSCATTER_CORPUS` if set.
    public static let root: URL = {
        if let override = ProcessInfo.processInfo.environment["BACKSCATTER_CORPUS"] {
            return URL(fileURLWithPath: override)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    }()

    /// Whether the shared corpus is present.
    public static var isAvailable: Bool { FileManager.default.fileExists(atPath: root.path) }

    /// The message printed by a test that skips because the corpus is absent.
    public static let skipMessage = "SKIPPED: ../shared/corpus is absent; corpus tests need it"

    /// A path inside the corpus.
    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// Every Received field of the sisimai bsd mails (`sisimai/maildir/bsd/*.eml`), in the files' order
    /// as listed: for agreement tests of the Received readers.
    public static func sisimaiReceivedFields() throws -> [HeaderField] {
        let folder = path("sisimai/maildir/bsd")
        var fields: [HeaderField] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".eml") {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
            fields += HeaderSection.parse(Array(data)[...]).all("received")
        }
        return fields
    }

    /// Calls `body` with each sisimai bsd mail (`sisimai/maildir/bsd/*.eml`, in name order) in LF line
    /// ends and, for every `allEndingsEvery`-th file (1: each), in CRLF and CR too, each as a slice that
    /// does not start at index 0 (a message cut from a mailbox never does): for the parsers' agreement
    /// tests over the three line ends.
    /// - Returns: how many files were read.
    @discardableResult
    public static func forEachSisimaiMessage(
        allEndingsEvery: Int = 1, _ body: (_ file: String, _ ending: String, _ input: ArraySlice<UInt8>) throws -> Void
    ) throws -> Int {
        let folder = path("sisimai/maildir/bsd")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".eml") }.sorted()
        var read = 0
        for (n, file) in files.enumerated() {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
            read += 1
            let lf = [UInt8](data).filter { $0 != ASCII.carriageReturn }
            var variants: [(String, [UInt8])] = [("LF", lf)]
            if n % allEndingsEvery == 0 {
                variants.append(("CRLF", lf.flatMap { $0 == ASCII.lineFeed ? [ASCII.carriageReturn, ASCII.lineFeed] : [$0] }))
                variants.append(("CR", lf.map { $0 == ASCII.lineFeed ? ASCII.carriageReturn : $0 }))
            }
            for (ending, text) in variants {
                let padded = Array("xyz".utf8) + text
                try body(file, ending, padded[3...])
            }
        }
        return read
    }

    /// The repository's own `Fixtures/` folder.
    public static func fixture(_ relative: String) -> String {
        repositoryRoot.appendingPathComponent("Fixtures").appendingPathComponent(relative).path
    }
}
