import MailParsing

/// A phrase of a recogniser's table with the set of its bytes (`ByteSet64`), made once beside the
/// table: `ScreenedText.contains(_:)` searches a text for it only when the text may hold all its bytes.
struct ScreenedPhrase: Sendable {
    /// The phrase.
    let text: String
    /// Its bytes.
    let bytes: ByteSet64

    /// `text`, with its bytes.
    init(_ text: String) {
        self.text = text
        self.bytes = Self.byteSet(of: text)
    }

    /// The set of `text`'s UTF-8 bytes.
    static func byteSet(of text: String) -> ByteSet64 {
        var copy = text
        return copy.withUTF8 { ByteSet64($0) }
    }

    /// A table of phrases by meaning, each phrase with its bytes.
    static func table<Meaning>(_ table: [(Meaning, [String])]) -> [(Meaning, [ScreenedPhrase])] {
        table.map { ($0.0, $0.1.map(ScreenedPhrase.init)) }
    }
}

/// A text asked for many phrases (a diagnostic against a table of wordings), with the set of its
/// bytes: most phrases hold a byte the text lacks (a capital letter, a colon, a quote) and are
/// answered without a search. (A search of a diagnostic costs ~230 instructions, the set ~3 a byte;
/// measured by callgrind on bsd.mbox x3: qmail's table searches 1.34M -> 0.83M, Exim's `decide`
/// 1.41M -> 0.99M. The share of phrases turned away, ~70% of Exim's and qmail's against their
/// diagnostics, was counted by a script outside the build, not by a test.)
struct ScreenedText {
    /// The text.
    let text: String
    /// Its bytes.
    let bytes: ByteSet64

    /// `text`, with its bytes.
    init(_ text: String) {
        self.text = text
        self.bytes = ScreenedPhrase.byteSet(of: text)
    }

    /// Whether `phrase` occurs in the text (`String.contains`, by bytes).
    @inline(__always) func contains(_ phrase: ScreenedPhrase) -> Bool {
        bytes.contains(allOf: phrase.bytes) && text.contains(phrase.text)
    }

    /// The meaning of the first row of `table` with a phrase in the text.
    func firstMeaning<Meaning>(in table: [(Meaning, [ScreenedPhrase])]) -> Meaning? {
        for (meaning, phrases) in table where phrases.contains(where: { contains($0) }) { return meaning }
        return nil
    }
}
