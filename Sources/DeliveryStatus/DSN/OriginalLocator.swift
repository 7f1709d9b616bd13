#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
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
        // One scan of the whole text (no marker spans a line end), then work from the next line on.
        guard let marker = markerPattern.firstMatch(in: text) else { return .absent }
        var text = text
        guard let bytes = text.withUTF8({ inlineLines($0, markerStart: marker.match.range.lowerBound) }) else { return .absent }
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

    /// The lines after the marker's line (as `split(separator: 10, omittingEmptySubsequences: false)`
    /// gives them), blank ones at the start skipped, at most 5,000, each with its quoting removed and
    /// an LF after it, written straight into one array; nil when the marker's line has no end or only
    /// blank lines follow.
    static func inlineLines(_ source: UnsafeBufferPointer<UInt8>, markerStart: Int) -> [UInt8]? {
        guard let base = source.baseAddress else { return nil }
        let count = source.count
        func lineFeed(from start: Int) -> Int? {
            guard start < count, let hit = memchr(base + start, 10, count - start) else { return nil }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
        }
        guard let markerLineEnd = lineFeed(from: markerStart) else { return nil }
        var nextLineStart: Int? = markerLineEnd + 1
        func nextLine() -> Range<Int>? {
            guard let start = nextLineStart else { return nil }
            guard let end = lineFeed(from: start) else {
                nextLineStart = nil
                return start..<count
            }
            nextLineStart = end + 1
            return start..<end
        }
        func isBlank(_ line: Range<Int>) -> Bool {
            for k in line where source[k] != 32 && source[k] != 9 && source[k] != 13 { return false }
            return true
        }
        // Skip blank lines.
        var line = nextLine()
        while let l = line, isBlank(l) { line = nextLine() }
        guard line != nil else { return nil }
        // Each line gives at most its bytes and an LF: the rest of the text and one more byte.
        return [UInt8](unsafeUninitializedCapacity: count - markerLineEnd) { out, written in
            written = 0
            guard let outBase = out.baseAddress else { return }
            var taken = 0
            while let current = line, taken < 5_000 {
                line = nextLine()
                taken += 1
                // Quoting removed: `>` (and one space after it), four spaces, or exactly two.
                var lower = current.lowerBound
                if lower < current.upperBound, source[lower] == 62 {
                    lower += 1
                    if lower < current.upperBound, source[lower] == 32 { lower += 1 }
                } else {
                    var spaces = 0
                    while spaces < 4, lower + spaces < current.upperBound, source[lower + spaces] == 32 { spaces += 1 }
                    if spaces == 4 { lower += 4 } else if spaces == 2 { lower += 2 }
                }
                let length = current.upperBound - lower
                (outBase + written).initialize(from: base + lower, count: length)
                written += length
                out[written] = 10
                written += 1
            }
        }
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
