import MailParsing

/// A recogniser's table of phrases by meaning, each phrase with the set of its bytes (`ByteSet64`),
/// made once beside the table: `ScreenedText.firstMeaning(in:)` searches a text for a phrase only when
/// the text may hold all its bytes.
///
/// The phrases are one flat array of plain values (their bytes copied once into memory kept for the
/// program's life, their row a number): read as `[(Meaning, [ScreenedPhrase])]` of Strings, each row's
/// array and each phrase's String was retained and released as the search passed it, and each search
/// opened both Strings' bytes (bsd.mbox x3: 3,501 retains and releases for 1,251 searches).
struct ScreenedTable<Meaning: Sendable>: Sendable {
    /// One phrase: its bytes, their set, and its row.
    struct Entry: @unchecked Sendable {
        /// The phrase's UTF-8 bytes, never freed (the tables are static).
        let bytes: UnsafeBufferPointer<UInt8>
        /// The set of `bytes`.
        let set: ByteSet64
        /// The index of its row's meaning in `meanings`.
        let row: Int
    }

    /// The phrases, row after row, each row's in its order.
    let entries: [Entry]
    /// Each row's meaning.
    let meanings: [Meaning]
    /// Whether a phrase is empty (which every text, the empty one too, holds).
    let hasEmpty: Bool

    /// The table of `rows`: a meaning and its phrases each. Its phrases' bytes are never freed: make a
    /// table once, in a `static let`.
    init(_ rows: [(Meaning, [String])]) {
        meanings = rows.map(\.0)
        var entries: [Entry] = []
        for (row, (_, phrases)) in rows.enumerated() {
            for phrase in phrases {
                let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: phrase.utf8.count)
                _ = bytes.initialize(from: phrase.utf8)
                let kept = UnsafeBufferPointer(bytes)
                entries.append(Entry(bytes: kept, set: ByteSet64(kept), row: row))
            }
        }
        self.entries = entries
        hasEmpty = entries.contains { $0.bytes.isEmpty }
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
        var copy = text
        self.bytes = copy.withUTF8 { ByteSet64($0) }
    }

    /// The meaning of the first row of `table` with a phrase in the text (searched by bytes, as
    /// `String.contains`).
    func firstMeaning<Meaning>(in table: ScreenedTable<Meaning>) -> Meaning? {
        // An empty text holds no phrase but an empty one (qmail's remote host said nothing, mostly).
        guard bytes.bits != 0 || table.hasEmpty else { return nil }
        var text = text
        let row = text.withUTF8 { haystack -> Int? in
            for entry in table.entries where bytes.contains(allOf: entry.set) {
                if ByteSubstring.firstOffset(of: entry.bytes, in: haystack) != nil { return entry.row }
            }
            return nil
        }
        return row.map { table.meanings[$0] }
    }
}
