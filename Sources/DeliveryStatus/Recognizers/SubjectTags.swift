import MailParsing

/// The tags a site's filters and lists put in front of a Subject, removed before the recognisers read it:
/// backscatter is often tagged as spam on its way in (SpamAssassin's `rewrite_header Subject
/// *****SPAM*****`, `[SPAM]`, `{Spam?}`, `SPAM:`), and a claim on "Undeliverable:"
/// or "failure notice" must hold for "[SPAM] Undeliverable: ..." too (`Tests/Fuzz/relayed.py`: 73 of
/// the 628 sisimai bsd messages read otherwise with `[SPAM] ` in front, 9 as no bounce at all).
///
/// Removed from the start, up to `maxTags` of them, each with the blanks after it:
/// - a bracketed or braced tag, `[...]` or `{...}`, of 1 to 40 bytes without a bracket, brace or line end
///   (`[SPAM]`, `[list-name]`, `{Spam?}`, `[EXTERNAL]`);
/// - a starred tag, `*...*` with one or more stars on each side around 1 to 30 letters, digits, blanks
///   and `?!.-` (`*****SPAM*****`, `***Junk***`);
/// - a filter's word and a colon: `SPAM:`, `Spam:`, `Junk:`, `Bulk:`, `Possible spam:`, `Suspected spam:`,
///   `Probable spam:` (ASCII letters in any case).
/// Never all of it: a tag that is the whole subject stays (Apache James's own "[BOUNCE]").
enum SubjectTags {
    /// How many tags are removed at most.
    static let maxTags = 4

    /// `subject` without the tags in front, or `subject` itself when it has none.
    static func stripped(_ subject: String) -> String {
        guard let first = subject.utf8.first, mayOpenTag(first) else { return subject }
        var copy = subject
        let start: Int = copy.withUTF8 { bytes in
            var at = 0
            for _ in 0..<maxTags {
                guard at < bytes.count, let end = tagEnd(bytes, at: at) else { break }
                var next = end
                while next < bytes.count, bytes[next] == ASCII.space || bytes[next] == ASCII.tab { next += 1 }
                guard next < bytes.count else { break }   // the tag is all that is left: kept
                at = next
            }
            return at
        }
        guard start > 0 else { return subject }
        return String(decoding: subject.utf8.dropFirst(start), as: UTF8.self)
    }

    /// Whether a tag may start with `byte`: `[`, `{`, `*`, or the first letter of a filter's word in
    /// either case (`[` ORed with 0x20 is `{`).
    @inline(__always)
    static func mayOpenTag(_ byte: UInt8) -> Bool {
        switch byte | 0x20 {
        case UInt8(ascii: "{"), UInt8(ascii: "s"), UInt8(ascii: "j"), UInt8(ascii: "b"), UInt8(ascii: "p"): return true
        default: return byte == UInt8(ascii: "*")
        }
    }

    /// The words a filter writes before a colon, with it, lower case.
    static let filterWords: [StaticString] = ["spam:", "junk:", "bulk:", "possible spam:", "suspected spam:", "probable spam:"]

    /// The end of the tag that starts at `at`, or nil when none does.
    static func tagEnd(_ bytes: UnsafeBufferPointer<UInt8>, at: Int) -> Int? {
        let count = bytes.count
        let open = bytes[at]
        if open == UInt8(ascii: "[") || open == UInt8(ascii: "{") {
            let close = open == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
            var i = at + 1
            while i < count, i - at <= 41 {
                let b = bytes[i]
                if b == close { return i - at >= 2 ? i + 1 : nil }
                if b == UInt8(ascii: "[") || b == UInt8(ascii: "]") || b == UInt8(ascii: "{") || b == UInt8(ascii: "}")
                    || b == ASCII.lineFeed || b == ASCII.carriageReturn { return nil }
                i += 1
            }
            return nil
        }
        if open == UInt8(ascii: "*") {
            var i = at
            while i < count, bytes[i] == UInt8(ascii: "*") { i += 1 }
            let inner = i
            while i < count, i - inner <= 30, isStarredTagByte(bytes[i]) { i += 1 }
            guard i > inner, i - inner <= 30, i < count, bytes[i] == UInt8(ascii: "*") else { return nil }
            while i < count, bytes[i] == UInt8(ascii: "*") { i += 1 }
            return i
        }
        let rest = UnsafeBufferPointer(rebasing: bytes[at...])
        for word in filterWords where ASCII.hasPrefix(rest, ignoringCase: word) { return at + word.utf8CodeUnitCount }
        return nil
    }

    /// A byte of a starred tag's word: a letter, a digit, a blank, `?`, `!`, `.` or `-`.
    @inline(__always)
    private static func isStarredTagByte(_ b: UInt8) -> Bool {
        (b | 0x20) &- UInt8(ascii: "a") < 26 || b &- UInt8(ascii: "0") < 10 || b == ASCII.space
            || b == UInt8(ascii: "?") || b == UInt8(ascii: "!") || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
    }
}
