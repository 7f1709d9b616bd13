/// How a command gets its classifier: the one place that turns a profile path into a `ScanStage`.
public enum ScanSetup {
    /// The stage `scan`, `explain` and `split` run: the classifier with the loaded profile, or
    /// zero-config (a profile inferred from the stream) when `profilePath` is nil.
    /// - Parameter profilePath: a site profile (TOML), or nil for zero-config.
    /// - Throws: `ProfileError` when the profile cannot be loaded; its description names the key and why.
    public static func stage(profilePath: String?) throws -> some ScanStage {
        ClassifierStage(profile: try profilePath.map { try SiteProfile.load(path: $0) })
    }

    /// Whether a real classifier is behind `stage(profilePath:)`.
    public static var classifierAvailable: Bool { true }
}
