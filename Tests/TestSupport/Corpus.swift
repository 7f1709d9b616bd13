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

    /// The repository's own `Fixtures/` folder.
    public static func fixture(_ relative: String) -> String {
        repositoryRoot.appendingPathComponent("Fixtures").appendingPathComponent(relative).path
    }
}
