/// Why a site profile cannot be used: the file, the key path (`relays.networks[1]`), where, and why.
public struct ProfileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The profile file (or the file it names, e.g. a sent log that cannot be read).
    public var file: String
    /// The key path of the offending value, e.g. `relays.networks[1]`; empty for a TOML syntax error.
    public var keyPath: String
    /// 1-based line in `file`, or 0 when unknown.
    public var line: Int
    /// 1-based column in `file`, or 0 when unknown.
    public var column: Int
    /// What is wrong, in words ("not a CIDR network: ...").
    public var reason: String

    /// An error at a place in a file.
    public init(file: String, keyPath: String = "", line: Int = 0, column: Int = 0, reason: String) {
        self.file = file
        self.keyPath = keyPath
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// `file:line:column: keyPath: reason`, the form editors and compilers use.
    public var description: String { ProfileError.format(file, line, column, keyPath, reason) }

    static func format(_ file: String, _ line: Int, _ column: Int, _ keyPath: String, _ reason: String) -> String {
        var out = file
        if line > 0 { out += ":\(line)" }
        if line > 0, column > 0 { out += ":\(column)" }
        out += ": "
        if !keyPath.isEmpty { out += "\(keyPath): " }
        return out + reason
    }
}

/// Something in a site profile that was ignored or looks wrong but does not stop the profile from being
/// used: an unknown key (a typo?), a network written with host bits.
public struct ProfileWarning: Sendable, Hashable, CustomStringConvertible {
    /// The profile file.
    public var file: String
    /// The key path the warning is about.
    public var keyPath: String
    /// 1-based line, or 0 when unknown.
    public var line: Int
    /// 1-based column, or 0 when unknown.
    public var column: Int
    /// What looks wrong.
    public var message: String

    /// `file:line:column: keyPath: message`.
    public var description: String { ProfileError.format(file, line, column, keyPath, message) }
}
