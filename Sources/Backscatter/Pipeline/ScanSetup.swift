/// How a command gets its classifier: the one place that turns a profile path into a `ScanStage`.
public enum ScanSetup {
    /// The stage `scan`, `explain` and `split` run: the classifier with the profile loaded from
    /// `profilePath`, or zero-config (a profile inferred from the stream) when it is nil.
    /// - Parameter profilePath: a site profile (TOML), or nil for zero-config.
    /// - Throws: `ProfileError` when the profile cannot be loaded; its description names the key and why.
    public static func stage(profilePath: String?) throws -> ClassifierStage {
        let profile = try profilePath.map { path throws(ProfileError) in try SiteProfile.load(path: path) }
        return ClassifierStage(profile: profile)
    }

    /// Whether a real classifier is behind `stage(profilePath:)`.
    public static var classifierAvailable: Bool { true }
}
