import BytePatterns
import MailParsing

/// Finds the returned original: an encapsulated part (`message/rfc822`, `message/global`,
/// `text/rfc822-headers`, `message/global-headers`), else a copy quoted inline in the text after a
/// line announcing it ("copy of the message follows", "Original message", "headers of the original"...).
enum OriginalLocator {
    static func locate(_ context: BounceContext) -> ReturnedOriginal {
        if let part = context.originalPart {
            let headersOnly = part.contentType.subtype.hasSuffix("headers")
            let root = part.encapsulatedMessage
            return ReturnedOriginal(presence: headersOnly ? .headers : .full, source: part.contentType.mimeType,
                                    headers: root?.headers, part: root, bytes: part.body)
        }
        return inline(context.text)
    }

    /// Lines that announce an inline copy of the original (lower-cased prefixes/contents).
    static let markers: [String] = [
        "original message follows", "copy of the message follows", "copy of the original message",
        "original message --", "original message:", "original message header", "headers of the original",
        "message headers follow", "below this line is a copy of the message",
        "content-type: message/rfc822", "content-type: text/rfc822-headers", "unsent message below",
        "rejected message follows", "returned message follows", "this is a copy of the message", "this is a copy of your message",
        "below this line is a copy of the", "unsent message follows", "original message follows", "message header follows", "message was not delivered:",
        "--- below this line is a copy", "original message headers", "your message reads",
    ]

    /// `markers` as one case-less PCRE2 scan (String.contains per marker per line was the hot spot).
    static let markerPattern = PatternSet(literals: markers)

    /// Looks for an inline copy: after a marker line, the first block that parses as a header section
    /// with at least two fields (indentation or `>` quoting removed).
    static func inline(_ text: String) -> ReturnedOriginal {
        let source = Array(text.utf8)
        // One scan of the whole text (no marker spans a line end), then work from the next line on.
        guard let marker = markerPattern.firstMatch(in: source[...]),
              let markerLineEnd = source[marker.match.range.lowerBound...].firstIndex(of: 10) else { return .absent }
        // The lines after the marker line, one at a time (as `split(separator: 10,
        // omittingEmptySubsequences: false)` would give them, without splitting all of the rest).
        var nextLineStart: Int? = markerLineEnd + 1
        func nextLine() -> ArraySlice<UInt8>? {
            guard let start = nextLineStart else { return nil }
            guard let lineFeed = source[start...].firstIndex(ofByte: 10) else {
                nextLineStart = nil
                return source[start...]
            }
            nextLineStart = lineFeed + 1
            return source[start..<lineFeed]
        }
        // Skip blank lines.
        var line = nextLine()
        while let l = line, l.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { line = nextLine() }
        guard line != nil else { return .absent }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(source.count - markerLineEnd)
        var taken = 0
        while let current = line, taken < 5_000 {
            line = nextLine()
            taken += 1
            // Quoting removed: `>` (and one space after it), four spaces, or exactly two.
            // Leading spaces, counted up to 4 (byte tests in place of `starts(with:)` on array literals).
            var spaces = 0
            while spaces < 4, current.startIndex + spaces < current.endIndex, current[current.startIndex + spaces] == 32 { spaces += 1 }
            var l = current
            if l.first == 62 {
                l = l.dropFirst()
                if l.first == 32 { l = l.dropFirst() }
            } else if spaces == 4 {
                l = l.dropFirst(4)
            } else if spaces == 2 {
                l = l.dropFirst(2)
            }
            bytes.append(contentsOf: l)
            bytes.append(10)
        }
        let section = HeaderSection.parse(bytes[...])
        var known = 0
        for f in section.fields where isKnownName(f.name) {
            known += 1
            if known == 2 { break }
        }
        guard known >= 2 else { return .absent }
        let hasBody = section.bodyStart < bytes.count && bytes[section.bodyStart...].contains(where: { $0 > 32 })
        return ReturnedOriginal(presence: hasBody ? .full : .headers, source: "inline", headers: section, part: nil, bytes: bytes[...])
    }

    /// The fields that show a header section is a message's: names compared on ASCII bytes without
    /// case, a name with a byte above 0x7F as before (its `lowercased()` may hold ASCII: U+212A
    /// KELVIN SIGN lower-cases to "k", as in "dkim-signature").
    static func isKnownName(_ name: ArraySlice<UInt8>) -> Bool {
        if name.contains(where: { $0 >= 0x80 }) {
            return ["received", "from", "to", "subject", "date", "message-id", "return-path", "mime-version", "content-type",
                    "x-mailer", "dkim-signature", "reply-to", "cc"].contains(name.utf8String.lowercased())
        }
        switch name.count {
        case 2: return name.equalsCaseInsensitive("to") || name.equalsCaseInsensitive("cc")
        case 4: return name.equalsCaseInsensitive("from") || name.equalsCaseInsensitive("date")
        case 7: return name.equalsCaseInsensitive("subject")
        case 8: return name.equalsCaseInsensitive("received") || name.equalsCaseInsensitive("x-mailer") || name.equalsCaseInsensitive("reply-to")
        case 10: return name.equalsCaseInsensitive("message-id")
        case 11: return name.equalsCaseInsensitive("return-path")
        case 12: return name.equalsCaseInsensitive("mime-version") || name.equalsCaseInsensitive("content-type")
        case 14: return name.equalsCaseInsensitive("dkim-signature")
        default: return false
        }
    }
}
