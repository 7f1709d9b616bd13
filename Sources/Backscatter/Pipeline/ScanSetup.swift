/// How a command gets its classifier: the one place that turns a profile path into a `ScanStage`.
///
/// SEAM(classifier): the classifier has landed as `ClassifierStage`; switching to it is one line
/// (`return ClassifierStage(profile: try profilePath.map { try SiteProfile.load(path: $0) })` and
/// `classifierAvailable` true), left to the CLI engineer because the CLI goldens and exit-status
/// tests change with it (`UPDATE_GOLDEN=1 swift test --filter CLITests`).
public enum ScanSetup {
    /// The stage `scan`, `explain` and `split` run.
    /// - Parameter profilePath: a site profile (TOML), or nil for zero-config.
    /// - Throws: when the profile cannot be loaded; the error's description names the key and why.
    public static func stage(profilePath: String?) throws -> some ScanStage {
        if let profilePath { _ = try SiteProfile.load(path: profilePath) }
        return UnclassifiedStage()
    }

    /// Whether a real classifier is behind `stage(profilePath:)` (false until it lands).
    public static var classifierAvailable: Bool { false }
}
