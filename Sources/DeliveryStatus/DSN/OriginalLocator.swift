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
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var start: Int? = nil
        for (i, line) in lines.enumerated() where markerPattern.hasMatch(in: String(line)) {
            start = i + 1
            break
        }
        guard var i = start else { return .absent }
        // Skip blank lines and MIME part headers of a textual attachment.
        while i < lines.count, lines[i].trimmed.isEmpty { i += 1 }
        guard i < lines.count else { return .absent }
        var block: [String] = []
        var j = i
        while j < lines.count, block.count < 5_000 {
            var l = String(lines[j])
            if l.hasPrefix(">") { l.removeFirst(); if l.hasPrefix(" ") { l.removeFirst() } }
            else if l.hasPrefix("    ") { l.removeFirst(4) }
            else if l.hasPrefix("  ") && !l.hasPrefix("   ") { l.removeFirst(2) }
            block.append(l)
            j += 1
        }
        var bytes = Array(block.joined(separator: "\n").utf8)
        bytes.append(10)
        let section = HeaderSection.parse(bytes[...])
        let known = section.fields.filter { f in
            ["received", "from", "to", "subject", "date", "message-id", "return-path", "mime-version", "content-type", "x-mailer", "dkim-signature", "reply-to", "cc"].contains(f.nameString.lowercased())
        }
        guard known.count >= 2 else { return .absent }
        let hasBody = section.bodyStart < bytes.count && bytes[section.bodyStart...].contains(where: { $0 > 32 })
        return ReturnedOriginal(presence: hasBody ? .full : .headers, source: "inline", headers: section, part: nil, bytes: bytes[...])
    }
}
