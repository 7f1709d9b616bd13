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
            var l = current
            if l.first == 62 {
                l = l.dropFirst()
                if l.first == 32 { l = l.dropFirst() }
            } else if l.starts(with: [32, 32, 32, 32]) {
                l = l.dropFirst(4)
            } else if l.starts(with: [32, 32]) && !l.starts(with: [32, 32, 32]) {
                l = l.dropFirst(2)
            }
            bytes.append(contentsOf: l)
            bytes.append(10)
        }
        let section = HeaderSection.parse(bytes[...])
        let known = section.fields.filter { f in
            ["received", "from", "to", "subject", "date", "message-id", "return-path", "mime-version", "content-type", "x-mailer", "dkim-signature", "reply-to", "cc"].contains(f.nameString.lowercased())
        }
        guard known.count >= 2 else { return .absent }
        let hasBody = section.bodyStart < bytes.count && bytes[section.bodyStart...].contains(where: { $0 > 32 })
        return ReturnedOriginal(presence: hasBody ? .full : .headers, source: "inline", headers: section, part: nil, bytes: bytes[...])
    }
}
