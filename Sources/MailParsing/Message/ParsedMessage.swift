/// A message read into its header section and MIME tree. Built once per message; every slice in it
/// points into the bytes it was parsed from.
public struct ParsedMessage: Sendable {
    /// The message's own header section (the root part's), a copy kept here (one retain: a section
    /// holds one reference, `HeaderSection.Fields`). Read from the root's record in the tree (memory
    /// Swift cannot know unchanged while a walk that takes its address runs,
    /// `HeaderSection.forEachFieldInPlace`), the analysis' readers each copied it (bsd.mbox x3: 3,711
    /// copies in `HeaderValues.record` and `ObservationReader.observe`); a stored `let` is read in place.
    public let headers: HeaderSection
    /// The root of the MIME tree (`let`, as `headers` is its copy).
    public let root: MIMEPart
    /// The bytes the message was parsed from.
    public let bytes: ByteSlice

    /// Parses a message: its header section, then its MIME structure.
    /// - Parameters:
    ///   - bytes: one whole message (header section and body).
    ///   - limits: bounds on header size, nesting depth and part count.
    /// - Complexity: O(n) in the message length, times the nesting depth for nested boundaries.
    public init(parsing bytes: ByteSlice, limits: ParsingLimits = .init()) {
        var parser = MIMEParser(limits: limits)
        self.root = parser.parseEntity(bytes, depth: 0, default: .textPlain)
        self.headers = root.headers
        self.bytes = bytes
    }

    /// Every defect recorded in the header and MIME structure, as stable names, without repeats.
    public var defects: [String] {
        var names: [String] = []
        root.appendDistinctDefectNames(into: &names)
        return names
    }

    /// Every part of the message, depth-first in document order, the root first.
    public func allParts() -> [MIMEPart] { root.allParts() }
}
