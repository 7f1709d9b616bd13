/// How a command gets its classifier: the one place that turns a profile path into a `ScanStage`.
///
/// SEAM(classifier): until the classifier lands this loads (and so validates) the profile and returns
/// `UnclassifiedStage`, so every bounce-like message is reported `uncertain`. The classifier engineer
/// replaces the body (classify with the loaded `SiteProfile`, or infer one when `profilePath` is nil)
/// and the commands pick it up unchanged.
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
