/// Many patterns tried as one: a single PCRE2 alternation in which each alternative leaves a
/// `(*MARK)` naming its index, so one JIT-compiled scan says whether any pattern matches and which.
///
/// Built once (a `static let`), shared across threads for the same reasons as `BytePattern`.
public struct PatternSet: Sendable {
    /// The alternatives as given (regular-expression syntax).
    public let patterns: [String]
    private let combined: BytePattern?

    /// Compiles `patterns` into one alternation.
    /// - Throws: `BytePatternError` when an alternative does not compile (the message names it).
    public init(_ patterns: [String], options: PatternOptions = [], limits: PatternLimits = .init()) throws(BytePatternError) {
        self.patterns = patterns
        guard !patterns.isEmpty else { combined = nil; return }
        // Check each alternative alone first so an error names the culprit, not the whole alternation.
        for p in patterns {
            do { _ = try BytePattern(p, options: options, limits: limits) } catch {
                throw BytePatternError(message: "\(error.message) in alternative \"\(p)\"", patternOffset: error.patternOffset)
            }
        }
        combined = try PatternSet.compile(patterns, options: options, limits: limits)
    }

    private static func compile(_ patterns: [String], options: PatternOptions, limits: PatternLimits) throws(BytePatternError) -> BytePattern? {
        guard !patterns.isEmpty else { return nil }
        var source = ""
        for (i, p) in patterns.enumerated() {
            if i > 0 { source += "|" }
            source += "(?:\(p))(*MARK:\(i))"
        }
        return try BytePattern(source, options: options, limits: limits)
    }

    /// A set of literal phrases (each matched as written, no metacharacters).
    public init(literals: [String], options: PatternOptions = [.caseless]) {
        // Escaped literals always compile; an empty set yields a set that never matches.
        let escaped = literals.map(BytePattern.escaped)
        self.patterns = escaped
        self.combined = try? PatternSet.compile(escaped, options: options, limits: .init())
    }

    /// The leftmost match of any alternative and the index of the alternative that made it.
    public func firstMatch(in bytes: ArraySlice<UInt8>) -> (index: Int, match: PatternMatch)? {
        guard let combined, let found = combined.firstMatch(in: bytes) else { return nil }
        return (found.mark.flatMap { Int($0) } ?? 0, found)
    }

    /// The leftmost match of any alternative in the UTF-8 bytes of `text`.
    public func firstMatch(in text: String) -> (index: Int, match: PatternMatch)? {
        guard let combined, let found = combined.firstMatch(in: text) else { return nil }
        return (found.mark.flatMap { Int($0) } ?? 0, found)
    }

    /// Whether any alternative matches `bytes`.
    public func hasMatch(in bytes: ArraySlice<UInt8>) -> Bool { combined?.hasMatch(in: bytes) ?? false }

    /// Whether any alternative matches the UTF-8 bytes of `text`.
    public func hasMatch(in text: String) -> Bool { combined?.hasMatch(in: text) ?? false }
}
