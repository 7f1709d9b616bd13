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
            let (mimeType, headersOnly) = encapsulatingType(part.contentType)
            let root = part.encapsulatedMessage
            // A copy whose blank lines come first is no encapsulated message to the MIME parser
            // (`mime-invalid-encapsulated-message`): its header section is read from the part's body.
            var headers = root?.headers
            if let repaired = repaired(headers ?? HeaderSection.parse(part.body), in: part.body) { headers = repaired }
            return ReturnedOriginal(presence: headersOnly ? .headers : .full, source: mimeType,
                                    headers: headers, part: root, bytes: part.body)
        }
        if let markerStart = context.originalMarkerStart { return inline(context.text, markerStart: markerStart) }
        if let (headers, bytes, part) = headedPart(of: context.message.root) {
            // A whole message when a body follows the fields (a part's own fields end before `bytes`).
            let bodyStart = max(headers.bodyStart, bytes.startIndex)
            let hasBody = bodyStart < bytes.endIndex && bytes[bodyStart...].contains(where: { $0 > 32 })
            return ReturnedOriginal(presence: hasBody ? .full : .headers, source: "part", headers: headers, part: part, bytes: bytes)
        }
        var text = context.text
        return inline(text, markerStart: text.withUTF8(unmarkedCopyStart(in:)))
    }

    /// A part of a multipart report, after its first, that is the original's header section though not
    /// typed as one: its own header section, when it holds at least two fields of a message
    /// (`isMessageFields`): an X1 report sends the original as such a part, its delimiter line right
    /// above its Received fields (sisimai lhost-x1-01, lhost-x1-02); or the decoded text of a text part
    /// that starts with such a section: X6 attaches the original's header as a text
    /// file (lhost-x6-02), Messaging Server sends a delayed message as a text/plain part
    /// (lhost-messagingserver-07); or the body of a first `message/partial` fragment
    /// (`isFirstFragment`, lhost-bigfoot-02). Only the report's own parts are looked at (the root's, or those of
    /// the multipart a gateway wrapped as the root's one part).
    /// - Returns: the original's header section and bytes, and the part when it is the original (its
    ///   own fields the original's, its body the original's body), nil when its text is.
    static func headedPart(of root: MIMEPart) -> (headers: HeaderSection, bytes: ByteSlice, part: MIMEPart?)? {
        guard root.isMultipart else { return nil }
        var parts = root.parts
        // A report that a gateway or a list wrapped as the one part of a multipart/mixed: its own parts.
        while parts.count == 1, parts[0].isMultipart { parts = parts[0].parts }
        guard parts.count > 1 else { return nil }
        for index in 1..<parts.count {
            let part = parts[index]
            let own = part.headers
            if isMessageFields(own) { return (own, part.body, part) }
            guard !part.isMultipart, !part.isEncapsulating,
                  MIMEPart.isName(part.contentType.type, "text") || isFirstFragment(part.contentType) else { continue }
            // Its text decoded (transfer encoding, charset, CR LF and CR alone as LF), where it is not as it stands.
            let body = part.bodyIfDecodedAsIs ?? Array(part.decodedTextWithLFLineEnds().utf8)[...]
            // Its text's first line a field ("Return-path: <a@example.org>", "X-CTCH-RefID: str=..."),
            // blank lines before it skipped.
            var first = body.startIndex
            while first < body.endIndex, body[first] == 10 || body[first] == 13 { first += 1 }
            var colon = first
            while colon < body.endIndex, colon - first < 64, body[colon] != UInt8(ascii: ":"), body[colon] > 32 { colon += 1 }
            guard colon > first, colon < body.endIndex, body[colon] == UInt8(ascii: ":") else { continue }
            let section = HeaderSection.parse(body[first...])
            if isMessageFields(section) { return (section, body[first...], nil) }
        }
        return nil
    }

    /// Whether `contentType` is `message/partial` for a message's first fragment (no `number`, or 1):
    /// RFC 2046 §5.2.2, the first fragment begins with the enclosed message's header section. Bigfoot
    /// returns the original so, as a report's third part (sisimai lhost-bigfoot-02).
    static func isFirstFragment(_ contentType: ContentType) -> Bool {
        guard MIMEPart.isName(contentType.type, "message"), MIMEPart.isName(contentType.subtype, "partial") else { return false }
        guard let number = contentType.parameter("number") else { return true }
        return number == "1"
    }

    /// Whether at least two of the first `maxHeadedPartFields` fields of `headers` are a message's
    /// (`isKnownName`, but Content-Type and MIME-Version, which a part has too).
    static func isMessageFields(_ headers: HeaderSection) -> Bool {
        var known = 0
        for field in headers.fields.prefix(maxHeadedPartFields) {
            if field.name.withUnsafeBufferPointer(isMessageFieldName) { known += 1 }
            if known == 2 { return true }
        }
        return false
    }

    /// How many fields of each report part `headedPart(of:)` reads (X1's original has 16).
    static let maxHeadedPartFields = 64

    /// Where a copy of the original's header section that no marker line announces starts in `text`,
    /// as a marker line's start (the copy is read from the line after it), or nil: a line that starts
    /// with "Received:" or "Return-Path:" (no blank before the colon), after a blank line or a rule (a
    /// line that starts with a hyphen, an equals sign or a bar), or with another field of a message
    /// after a rule. Zoho puts the original's fields two blank lines under the report (sisimai
    /// lhost-zoho-01..05), MXLogic and EZweb under a rule of hyphens (lhost-mxlogic-01..03,
    /// lhost-ezweb-01), Notes under "------- Returned Message --------" (lhost-notes-01..03), mFILTER
    /// under "-------original mail info" (lhost-mfilter-03, -04), and a multipart report whose boundary
    /// is never used reads as one text with the original after the delivery-status fields (rfc3464-04,
    /// rfc3464-06). At most `maxUnmarkedLines` lines are looked at.
    static func unmarkedCopyStart(in text: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = text.baseAddress else { return nil }
        let count = text.count
        var previousStart = -1, lineStart = 0
        for _ in 0..<maxUnmarkedLines {
            guard lineStart < count else { return nil }
            let end = memchr(base + lineStart, 10, count - lineStart).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? count
            // Under a delivery-status field, quoted alike, a Return-Path or Received field: the report's
            // fields run into the copy's without a blank line (sisimai lhost-sendmail-14, a forwarded
            // bounce quoted with "> ": "> Last-Attempt-Date: ..." then "> Return-Path: <...>"). Asked only
            // of a line that starts with `R`, `r` or a quote mark (of every line, 0.12M instructions on
            // bsd.mbox x3).
            if previousStart >= 0, base[lineStart] | 0x20 == UInt8(ascii: "r") || base[lineStart] == ASCII.greaterThan,
               dsnFieldAbove(base, previousStart, lineStart, end) {
                return previousStart
            }
            if previousStart >= 0, base[lineStart] & 0xDF &- 0x41 < 26 {   // a line that starts with a letter
                // The line above: blank, or a rule (its first byte a hyphen, an equals sign or a bar).
                var k = previousStart
                while k < lineStart - 1, base[k] == 32 || base[k] == 9 || base[k] == 13 { k += 1 }
                let blankAbove = k == lineStart - 1
                let ruleAbove = !blankAbove && (base[k] == UInt8(ascii: "-") || base[k] == UInt8(ascii: "=") || base[k] == UInt8(ascii: "|"))
                if blankAbove || ruleAbove {
                    let line = UnsafeBufferPointer(rebasing: text[lineStart..<end])
                    // Under a rule, any field of a message (mFILTER's From, Subject, Date, Message-ID).
                    if TextScan.startsWithHeaderName(line) || ruleAbove && startsWithMessageField(line) { return previousStart }
                }
            }
            previousStart = lineStart
            lineStart = end + 1
        }
        return nil
    }

    /// How many lines `unmarkedCopyStart(in:)` reads of a text.
    static let maxUnmarkedLines = 5_000

    /// Whether the line at `lineStart` (ending at `end`) starts with a Return-Path or Received field
    /// after the same quote marks (`>` and blanks) as the line at `above` before its field, and that
    /// line above is a delivery-status report's per-recipient field (RFC 3464 §2.3, named as the
    /// RFC 3464 reader names them: `DeliveryStatusFields.Name`): the copy's trace fields following the
    /// report's without a blank line. Read on the lines' first bytes only.
    static func dsnFieldAbove(_ base: UnsafePointer<UInt8>, _ above: Int, _ lineStart: Int, _ end: Int) -> Bool {
        // The quote marks: `>` and blanks, at most eight bytes of them.
        func contentStart(_ start: Int, _ limit: Int) -> Int {
            var k = start
            while k < limit, k - start < 8, base[k] == ASCII.greaterThan || base[k] == ASCII.space { k += 1 }
            return k
        }
        let content = contentStart(lineStart, end)
        let line = UnsafeBufferPointer(start: base + content, count: end - content)
        guard ASCII.hasPrefix(line, ignoringCase: "return-path:") || ASCII.hasPrefix(line, ignoringCase: "received:") else { return false }
        let aboveEnd = lineStart - 1
        let aboveContent = contentStart(above, aboveEnd)
        guard aboveContent - above == content - lineStart,
              (0..<(content - lineStart)).allSatisfy({ base[above + $0] == base[lineStart + $0] }) else { return false }
        // The field name above: the bytes before its colon (no blank before it), at most 32 of them.
        var colon = aboveContent
        while colon < aboveEnd, colon - aboveContent < 32, base[colon] != ASCII.colon, base[colon] > ASCII.space { colon += 1 }
        guard colon > aboveContent, colon < aboveEnd, base[colon] == ASCII.colon else { return false }
        return DeliveryStatusFields.Name.recognised(UnsafeBufferPointer(start: base + aboveContent, count: colon - aboveContent)).isPerRecipient
    }

    /// `contentType.mimeType` and whether its subtype ends in "headers": a literal for each of the five
    /// types an original part has (`MIMEPart.isEncapsulating`), the concatenation only for another.
    /// `mimeType` appended twice to a new String (bsd.mbox x3, 1,134 parts: 0.53M instructions).
    static func encapsulatingType(_ contentType: ContentType) -> (mimeType: String, headersOnly: Bool) {
        let type = contentType.type, subtype = contentType.subtype
        if MIMEPart.isName(type, "message") {
            if MIMEPart.isName(subtype, "rfc822") { return ("message/rfc822", false) }
            if MIMEPart.isName(subtype, "global") { return ("message/global", false) }
            if MIMEPart.isName(subtype, "rfc822-headers") { return ("message/rfc822-headers", true) }
            if MIMEPart.isName(subtype, "global-headers") { return ("message/global-headers", true) }
        } else if MIMEPart.isName(type, "text") && MIMEPart.isName(subtype, "rfc822-headers") {
            return ("text/rfc822-headers", true)
        }
        return (contentType.mimeType, subtype.hasSuffix("headers"))
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
        // The part headers of a broken multipart read as text, with no blank or a tab after the colon
        // (sisimai rhost-franceptt-08 so written lost its original: `Tests/Fuzz/fieldnames.py`).
        "content-type:message/rfc822", "content-type:\tmessage/rfc822", "content-type:text/rfc822-headers",
        "content-type:\ttext/rfc822-headers",
        // GMX and 1&1: "--- The header of the original message is following. ---" (sisimai lhost-gmx-01..04,
        // lhost-einsundeins-02); mFILTER: "-------original message" (lhost-mfilter-01..04).
        "the header of the original message", "-------original message",
        // cPanel BoxTrapper's challenge: "The headers of the message sent from your address are shown
        // below:" (backscatter-dev, from SpamAssassin's VBounce test CHALLENGE_RESPONSE/10).
        "the headers of the message sent from your address",
        // Exim 3: "|------------------------- Message text follows: ------------------------|" (sisimai
        // rfc3464-37).
        "message text follows",
    ]

    /// `markers` as one case-less pattern set: the reference `firstMarkerStart(in:)` is tested against.
    static let markerPattern = PatternSet(literals: markers)

    /// Looks for an inline copy: after a marker line, the first block that parses as a header section
    /// with at least two fields (indentation or `>` quoting removed).
    /// - Parameter markerStart: `firstMarkerStart(in:)` of the text (`BounceContext.originalMarkerStart`,
    ///   one scan of the whole text: no marker spans a line end).
    static func inline(_ text: String, markerStart: Int?) -> ReturnedOriginal {
        // Work from the line after the marker's on.
        guard let markerStart else { return .absent }
        var text = text
        guard let bytes = text.withUTF8({ inlineLines($0, markerStart: markerStart) }) else { return .absent }
        var section = HeaderSection.parse(bytes[...])
        // The part headers of a multipart whose boundary is never found, read as text after the marker
        // "Content-Type: message/rfc822" (sisimai rhost-google-02): the copy's fields follow them.
        if !section.fields.isEmpty, section.fields.allSatisfy({ isPartFieldName($0.name) }), section.bodyStart < bytes.count {
            var from = section.bodyStart
            while from < bytes.count, bytes[from] == 10 || bytes[from] == 13 { from += 1 }
            section = HeaderSection.parse(bytes[from...])
        }
        if let repaired = repaired(section, in: bytes[...]) { section = repaired }
        var known = 0
        for f in section.fields where isKnownName(f.name) {
            known += 1
            if known == 2 { break }
        }
        guard known >= 2 else { return .absent }
        let hasBody = section.bodyStart < bytes.count && bytes[section.bodyStart...].contains(where: { $0 > 32 })
        return ReturnedOriginal(presence: hasBody ? .full : .headers, source: "inline", headers: section, part: nil, bytes: bytes[...])
    }

    /// Where the leftmost of `markers` starts in `text`, compared without ASCII case (as
    /// `markerPattern.firstMatch` finds it), or nil.
    ///
    /// Every marker holds one of three anchor words ("messag", "headers", "below"), so a marker starts a
    /// fixed distance before an anchor: sixteen places at a time are tested for an anchor's first byte
    /// and one more of its bytes (`SIMD16`), and the markers are compared only around the few places
    /// that pass. The automaton of `markerPattern` read every byte through a chain of dependent loads
    /// (bsd.mbox x3: 8.4M instructions over 741 texts in `inline`, 1.6M over 228 in `TextScan.blocks`;
    /// this search, 4.9M for both).
    static func firstMarkerStart(in text: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = text.baseAddress else { return nil }
        let count = text.count
        // No marker starts at `count` or after: `best` stays there when none is found.
        var best = count
        let tables = MarkerAnchors.tables
        let latest = tables.latestAnchorOffset
        // Blocks of sixteen places `i ..< i + 16`: each reads bytes up to `i + 15 + 5` (the farthest
        // second byte of an anchor), so a block runs while `i + 21 <= count`; the places after the last
        // block are tried one by one.
        let lowerCase = SIMD16<UInt8>(repeating: 0x20)
        let m = SIMD16<UInt8>(repeating: UInt8(ascii: "m")), g = SIMD16<UInt8>(repeating: UInt8(ascii: "g"))
        let h = SIMD16<UInt8>(repeating: UInt8(ascii: "h")), d = SIMD16<UInt8>(repeating: UInt8(ascii: "d"))
        let b = SIMD16<UInt8>(repeating: UInt8(ascii: "b")), w = SIMD16<UInt8>(repeating: UInt8(ascii: "w"))
        var i = 0
        // No marker starting before `best` has its anchor beyond `limit`. Kept in a local of its own,
        // updated after the markers are tried: `best`, passed to `tryMarkers` inout, was loaded from
        // memory and added to with an overflow check at every block (~18 of a block's ~44 instructions
        // were the loop's own; bsd.mbox x3, 41,784 blocks: `firstMarkerStart` 2.00M -> 1.58M
        // instructions of its own, with the two changes below).
        var limit = best &+ latest
        // The last place a block starts (negative for a text shorter than 21 bytes), tested as the QP
        // decoder's blocks are (`i &+ 21 <= count` kept both `i + 16` and `i + 37` at each block).
        let lastBlock = count &- 21
        while i <= lastBlock {
            if i > limit { return best }
            let raw = UnsafeRawPointer(base + i)
            // `| 0x20` folds A-Z to a-z; every byte compared here is a letter, so the fold admits
            // exactly its two cases.
            let at0 = raw.loadUnaligned(as: SIMD16<UInt8>.self) | lowerCase
            let at3 = raw.loadUnaligned(fromByteOffset: 3, as: SIMD16<UInt8>.self) | lowerCase
            let at4 = raw.loadUnaligned(fromByteOffset: 4, as: SIMD16<UInt8>.self) | lowerCase
            let at5 = raw.loadUnaligned(fromByteOffset: 5, as: SIMD16<UInt8>.self) | lowerCase
            // "messag": m and g five on; "headers": h and d three on; "below": b and w four on.
            let hits = ((at0 .== m) .& (at5 .== g)) .| ((at0 .== h) .& (at3 .== d)) .| ((at0 .== b) .& (at4 .== w))
            let marks = unsafeBitCast(hits, to: SIMD2<UInt64>.self)
            let lowMarks = UInt64(littleEndian: marks[0]), highMarks = UInt64(littleEndian: marks[1])
            // Both halves tested at once: most blocks hold no anchor (bsd.mbox x3: 4,572 of 41,784 do).
            if lowMarks | highMarks != 0 {
                // One bit a marked lane, cleared as its place is tried.
                var low = lowMarks & 0x8080_8080_8080_8080, high = highMarks & 0x8080_8080_8080_8080
                while low != 0 {
                    MarkerAnchors.tryMarkers(anchoredAt: i &+ low.trailingZeroBitCount &>> 3, in: text, best: &best, tables)
                    low &= low &- 1
                }
                while high != 0 {
                    MarkerAnchors.tryMarkers(anchoredAt: i &+ 8 &+ high.trailingZeroBitCount &>> 3, in: text, best: &best, tables)
                    high &= high &- 1
                }
                limit = best &+ latest
            }
            i &+= 16
        }
        while i < count {
            if i > best + latest { break }
            MarkerAnchors.tryMarkers(anchoredAt: i, in: text, best: &best, tables)
            i += 1
        }
        return best < count ? best : nil
    }

    /// The markers by the anchor word each holds (`firstMarkerStart(in:)`), built from `markers`, in
    /// flat arrays read through buffer pointers (an array of tuples of arrays retained each marker at
    /// each place tried).
    enum MarkerAnchors {
        /// The anchor words, lower case, by their first byte: each marker is filed under the first it holds.
        static let words: [String] = ["messag", "headers", "below"]
        /// A marker or an anchor word: its bytes in `bytes`, and where its anchor word starts in it.
        struct Entry {
            var start: Int
            var count: Int
            var anchorOffset: Int
            /// The first eight bytes (fewer when shorter, zero after them) as one little-endian word, and
            /// the mask of those bytes: compared with a lower-cased word of the text first.
            var head: UInt64 = 0
            var headMask: UInt64 = 0
            /// The (at most eight) bytes just before the anchor word, the last in the word's top byte, and
            /// their mask: compared with the lower-cased eight bytes before the place of an anchor once
            /// for all the markers of the word.
            var beforeAnchor: UInt64 = 0
            var beforeAnchorMask: UInt64 = 0

            init(_ bytes: [UInt8], start: Int, anchorOffset: Int) {
                self.start = start
                self.count = bytes.count
                self.anchorOffset = anchorOffset
                for (j, byte) in bytes.prefix(8).enumerated() {
                    head |= UInt64(byte) << UInt64(8 * j)
                    headMask |= 0xFF << UInt64(8 * j)
                }
                for k in 0..<min(8, anchorOffset) {
                    beforeAnchor |= UInt64(bytes[anchorOffset - 1 - k]) << UInt64(8 * (7 - k))
                    beforeAnchorMask |= 0xFF << UInt64(8 * (7 - k))
                }
            }
        }
        /// The bytes of the anchor words and of the markers (duplicates dropped), one after another; the
        /// entries: the three words first, then the markers of each word in turn (`firsts`).
        static let (bytes, entries, firsts): ([UInt8], [Entry], [Int]) = {
            var bytes: [UInt8] = []
            var entries: [Entry] = []
            for word in words {
                entries.append(Entry(Array(word.utf8), start: bytes.count, anchorOffset: 0))
                bytes += word.utf8
            }
            var filed = [[(marker: [UInt8], anchorOffset: Int)]](repeating: [], count: words.count)
            for marker in markers {
                let m = Array(marker.utf8)
                if filed.contains(where: { $0.contains { $0.marker == m } }) { continue }
                var found = false
                for (k, word) in words.enumerated() {
                    let w = Array(word.utf8)
                    guard m.count >= w.count, let at = (0...(m.count - w.count)).first(where: { m[$0..<($0 + w.count)] == w[...] }) else { continue }
                    filed[k].append((m, at))
                    found = true
                    break
                }
                precondition(found, "every marker holds an anchor word: \(marker)")
            }
            var firsts: [Int] = []
            for list in filed {
                firsts.append(entries.count)
                for (m, at) in list {
                    entries.append(Entry(m, start: bytes.count, anchorOffset: at))
                    bytes += m
                }
            }
            firsts.append(entries.count)
            return (bytes, entries, firsts)
        }()
        /// The farthest an anchor word starts from its marker's start.
        static let latestAnchorOffset: Int = entries.map(\.anchorOffset).max() ?? 0

        /// For each anchor word and each byte (`word * 256 + byte`), the markers of the word (bit `k`:
        /// entry `firsts[word] + k`) that may start where that byte, lower-cased, stands `distance`
        /// bytes from the anchor word's start: those whose own byte there is it, and those that hold no
        /// byte there.
        static func candidates(atDistance distance: Int) -> [UInt64] {
            var table = [UInt64](repeating: 0, count: words.count * 256)
            for word in words.indices {
                precondition(firsts[word + 1] - firsts[word] <= 64, "at most 64 markers an anchor word")
                for e in firsts[word]..<firsts[word + 1] {
                    let entry = entries[e]
                    let bit = UInt64(1) << UInt64(e - firsts[word])
                    let at = entry.anchorOffset + distance
                    if at >= 0 && at < entry.count {
                        table[word * 256 + Int(bytes[entry.start + at])] |= bit
                    } else {
                        for byte in 0..<256 { table[word * 256 + byte] |= bit }
                    }
                }
            }
            return table
        }
        /// `candidates(atDistance:)` two bytes before the anchor word (the end of the word before it:
        /// "origina*l* message", "th*e* message") and eight bytes into it (the word after "message ").
        static let candidatesTwoBefore = candidates(atDistance: -2)
        static let candidatesEightOn = candidates(atDistance: 8)

        /// The tables `tryMarkers` reads, copied once into memory never freed, read by `firstMarkerStart`
        /// once a text and passed on: each `static let` read at each place tried was a `swift_once`
        /// check, and each array read a bounds check (bsd.mbox x3, 7,620 places: 9,522 `swift_once`).
        struct Tables: @unchecked Sendable {
            // Unchecked: the buffers are written only here, before the value is shared.
            let bytes: UnsafeBufferPointer<UInt8>
            let entries: UnsafeBufferPointer<Entry>
            let firsts: UnsafeBufferPointer<Int>
            let twoBefore: UnsafeBufferPointer<UInt64>
            let eightOn: UnsafeBufferPointer<UInt64>
            let latestAnchorOffset: Int

            init() {
                bytes = Self.copy(MarkerAnchors.bytes)
                entries = Self.copy(MarkerAnchors.entries)
                firsts = Self.copy(MarkerAnchors.firsts)
                twoBefore = Self.copy(candidatesTwoBefore)
                eightOn = Self.copy(candidatesEightOn)
                latestAnchorOffset = MarkerAnchors.latestAnchorOffset
            }

            private static func copy<T>(_ array: [T]) -> UnsafeBufferPointer<T> {
                let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: array.count)
                _ = buffer.initialize(from: array)
                return UnsafeBufferPointer(buffer)
            }
        }
        static let tables = Tables()

        /// Whether `text[start...]` begins with the bytes of `entry` (lower case; ASCII letters of the
        /// text compared without case, other bytes as they are); false when the text ends first.
        @inline(__always)
        private static func hasPrefix(_ entry: Entry, _ bytes: UnsafeBufferPointer<UInt8>,
                                      in text: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
            guard start >= 0, entry.count <= text.count - start else { return false }
            var from = 0
            if start + 8 <= text.count, let base = text.baseAddress {
                // Eight bytes at once: most entries tried differ from the text in them.
                let word = ByteWord.lowercased(UInt64(littleEndian: UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)))
                guard word & entry.headMask == entry.head else { return false }
                from = min(8, entry.count)
            }
            // Wrapping adds: both offsets lie within their buffers (two overflow checks a byte).
            for j in from..<entry.count {
                let byte = text[start &+ j]
                let folded = byte &- 0x41 < 26 ? byte | 0x20 : byte
                if folded != bytes[entry.start &+ j] { return false }
            }
            return true
        }

        /// Lowers `best` to the start of each marker whose anchor word starts at `place` and that
        /// starts before `best`.
        @inline(never)
        static func tryMarkers(anchoredAt place: Int, in text: UnsafeBufferPointer<UInt8>, best: inout Int,
                               _ tables: Tables) {
            guard place >= 0, place < text.count else { return }
            // The word is told by its first byte: m, h or b.
            let word: Int
            switch text[place] | 0x20 {
            case UInt8(ascii: "m"): word = 0
            case UInt8(ascii: "h"): word = 1
            case UInt8(ascii: "b"): word = 2
            default: return
            }
            // The eight bytes before the place, lower-cased once: a marker whose bytes before its anchor
            // word differ from them cannot start there (each marker of "messag" was compared at its own
            // start: bsd.mbox x3, `tryMarkers` 2.77M -> 2.00M over 7,620 places).
            var beforePlace: UInt64 = 0
            let checksBefore = place >= 8
            if checksBefore, let base = text.baseAddress {
                beforePlace = ByteWord.lowercased(UInt64(littleEndian: UnsafeRawPointer(base + (place - 8)).loadUnaligned(as: UInt64.self)))
            }
            // Only the markers whose bytes two before the anchor and eight on are the text's are tried
            // (the nineteen of "messag" were each tried: bsd.mbox x3, `tryMarkers` 2.00M -> 1.19M).
            let firsts = tables.firsts, bytes = tables.bytes, entries = tables.entries
            let firstEntry = firsts[word], entryCount = firsts[word + 1] - firstEntry
            var candidates = entryCount >= 64 ? UInt64.max : (UInt64(1) << UInt64(entryCount)) &- 1
            func folded(_ byte: UInt8) -> Int { Int(byte &- 0x41 < 26 ? byte | 0x20 : byte) }
            if place >= 2 { candidates &= tables.twoBefore[word * 256 + folded(text[place - 2])] }
            if place + 8 < text.count { candidates &= tables.eightOn[word * 256 + folded(text[place + 8])] }
            guard candidates != 0, hasPrefix(entries[word], bytes, in: text, at: place) else { return }
            while candidates != 0 {
                let entry = entries[firstEntry + candidates.trailingZeroBitCount]
                candidates &= candidates &- 1
                if checksBefore && beforePlace & entry.beforeAnchorMask != entry.beforeAnchor { continue }
                let start = place - entry.anchorOffset
                if start >= 0, start < best, hasPrefix(entry, bytes, in: text, at: start) { best = start }
            }
        }
    }

    /// The lines after the marker's line (as `split(separator: 10, omittingEmptySubsequences: false)`
    /// gives them), blank ones at the start skipped, at most 5,000, each with its quoting removed and
    /// an LF after it, written straight into one array; nil when the marker's line has no end or only
    /// blank lines follow.
    ///
    /// The copy's quoting is its first line's (`Quoting`): its levels of `>` (each with one space after
    /// it), four spaces, or exactly two, removed from every line that has it; a first line without any
    /// leaves every line as it stands. Decided line by line, the folded fields of a copy that was not
    /// indented lost their continuation lines' indentation ("    by mx4.example.org with esmtp" a line
    /// of its own ended the header section after the first Received field: 74 sisimai originals lost
    /// their Message-ID).
    ///
    /// A line without quoting is written as it stands, LF included: such lines are copied as one run
    /// of the source, a run ending only before a quoted line's first kept byte (or at the end), not a
    /// copy and a separate LF each (bsd.mbox x3: 516 texts, ~21 lines each; `inline` 6.86M -> 6.40M).
    static func inlineLines(_ source: UnsafeBufferPointer<UInt8>, markerStart: Int) -> [UInt8]? {
        guard let base = source.baseAddress else { return nil }
        let count = source.count
        /// The offset of the LF that ends the line starting at `start`, `count` when none does.
        func lineEnd(from start: Int) -> Int {
            guard start < count, let hit = memchr(base + start, 10, count - start) else { return count }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
        }
        guard markerStart < count, let hit = memchr(base + markerStart, 10, count - markerStart) else { return nil }
        let markerLineEnd = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
        // Blank lines skipped; the last line (no LF after it, maybe empty) blank too: nothing follows.
        var first = markerLineEnd + 1
        while true {
            let end = lineEnd(from: first)
            var blank = true
            for k in first..<end where base[k] != 32 && base[k] != 9 && base[k] != 13 {
                blank = false
                break
            }
            if !blank { break }
            if end == count { return nil }
            first = end + 1
        }
        // Each line gives at most its bytes and an LF: the rest of the text and one more byte.
        return [UInt8](uninitializedCapacity: count - markerLineEnd) { out, written in
            written = 0
            guard let outBase = out.baseAddress else { return }
            /// Appends `source[from..<to]`.
            func copy(_ from: Int, _ to: Int) {
                (outBase + written).initialize(from: base + from, count: to - from)
                written += to - from
            }
            // The source bytes from `run` on are written as they are, up to the line at `lineStart`.
            var run = first, lineStart = first
            let quoting = Quoting(ofLineAt: first, base, count)
            for _ in 0..<5_000 {
                let end = lineEnd(from: lineStart)
                // The copy's quoting removed where the line has it.
                var lower = lineStart
                switch quoting {
                case .none:
                    break
                case .marks(let depth):
                    // As many levels as the first line's (fewer where the line has fewer).
                    for _ in 0..<depth {
                        guard let next = Quoting.levelEnd(at: lower, base, end) else { break }
                        lower = next
                    }
                case .spaces(let n):
                    var spaces = 0
                    while spaces < n, lower + spaces < end, base[lower + spaces] == 32 { spaces += 1 }
                    if spaces == n { lower += n }
                }
                if lower != lineStart {
                    copy(run, lineStart)
                    run = lower
                }
                if end == count {
                    // The last line: no LF after it in the source.
                    copy(run, count)
                    outBase[written] = 10
                    written += 1
                    return
                }
                lineStart = end + 1
            }
            copy(run, lineStart)
        }
    }

    /// Where a MIME delimiter line that a returned message's own header fields follow starts in `text`,
    /// for a report that lost its Content-Type and reads as one text ("--w595u9fR093279.1528523769/host"
    /// and then "Received: from ...", backscatter-dev), or nil: a delimiter-like line (`isDelimiterLike`)
    /// whose next line starts with a message's field name (`isMessageFieldName`: a part's own
    /// "Content-Type:" is the markers' to find). At most `maxDelimiterCandidates` such lines are looked at.
    static func lostDelimiterStart(in text: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = text.baseAddress else { return nil }
        let count = text.count
        var candidates = 0
        var from = 0
        while candidates < maxDelimiterCandidates, from < count {
            // A line start holding "--": the text's first line, or one after an LF.
            let start: Int
            if from == 0, count >= 2, base[0] == UInt8(ascii: "-"), base[1] == UInt8(ascii: "-") {
                start = 0
            } else {
                let found: Int? = lineStartDashes.withUnsafeBufferPointer { needle in
                    ByteSubstring.firstOffset(of: needle, in: UnsafeBufferPointer(rebasing: text[from...]))
                }
                guard let hit = found else { return nil }
                start = from + hit + 1
            }
            from = start + 2
            guard let lf = memchr(base + start, 10, count - start) else { return nil }
            let end = UnsafeRawPointer(lf) - UnsafeRawPointer(base)
            var last = end
            while last > start, base[last - 1] == 13 || base[last - 1] == 32 || base[last - 1] == 9 { last -= 1 }
            guard isDelimiterLike(UnsafeBufferPointer(rebasing: text[start..<last])) else { continue }
            candidates += 1
            // The next line: a field name of a message, then a colon.
            if startsWithMessageField(UnsafeBufferPointer(rebasing: text[(end + 1)...])) { return start }
        }
        return nil
    }

    /// Whether a line (its bytes, without blanks around) looks like a MIME delimiter line: `--`, no third
    /// hyphen, and at least eight more bytes with no blank (RFC 2046 §5.1.1; a section line "----- ...
    /// -----" is none, nor a signature's "-- ").
    static func isDelimiterLike(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard line.count >= 10, line[0] == UInt8(ascii: "-"), line[1] == UInt8(ascii: "-"), line[2] != UInt8(ascii: "-") else { return false }
        return !line.contains { $0 == 32 || $0 == 9 }
    }

    /// How many delimiter-like lines `lostDelimiterStart` looks at.
    static let maxDelimiterCandidates = 100

    /// LF and the two hyphens that start a delimiter line.
    private static let lineStartDashes: [UInt8] = Array("\n--".utf8)

    /// `isKnownName` but for a MIME part's own fields (Content-Type, MIME-Version): a message's fields.
    static func isMessageFieldName(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        isKnownName(name) && !ASCII.equals(name, ignoringCase: "content-type") && !ASCII.equals(name, ignoringCase: "mime-version")
    }

    /// Whether `line` (bytes from a line's start) starts with a message's field name
    /// (`isMessageFieldName`, at most 32 bytes) and its colon, no blank before it.
    static func startsWithMessageField(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var colon = 0
        while colon < line.count, colon < 32, line[colon] != UInt8(ascii: ":"), line[colon] > 32 { colon += 1 }
        return colon > 0 && colon < line.count && line[colon] == UInt8(ascii: ":")
            && isMessageFieldName(UnsafeBufferPointer(rebasing: line[..<colon]))
    }

    /// The copy's header section read again when its folding was broken, or nil when it was not: a
    /// section that ended at a line that is no field (`.missingBlankLine`) while a field the original
    /// would hold (`isKnownName`) follows before the blank line, or that is empty because blank lines
    /// come first. The continuation lines that lost their indentation get a space in front (GMX's
    /// "HTTP); Sat, 29 Nov 2014 00:32:10 +0100" under its Received field, sisimai lhost-gmx-01..04;
    /// Yahoo's X-YMail-OSG, lhost-yahoo-03..05; Office 365's Received fields, lhost-office365-08..12;
    /// lhost-postfix-57), and the blank lines before the first field are dropped (lhost-x3-01..03). One
    /// blank line met before any known field and right above one is read past, and dropped: a lost
    /// folding ended a value with it (lhost-office365-08, whose From, Subject and Message-ID come after).
    /// Bounded: `maxRepairedLines` lines read, at most `maxHeldLines` of them held for a known field.
    /// A line counts as a field here only with a name of letters, digits, `-`, `_` and `.` starting
    /// with a letter ("([fe80::fc54:69d1..." is a Received field's continuation, not a field).
    /// - Parameter bytes: the copy, its header section at the start.
    static func repaired(_ section: HeaderSection, in bytes: ByteSlice) -> HeaderSection? {
        guard section.fields.isEmpty || section.defects.contains(.missingBlankLine) else { return nil }
        // The fields before the line that ended the section need no repair: the lines are read from
        // there on (the section's `bodyStart`, an index of the buffer it was read from: `bytes`'s own
        // section read again if it came from another).
        var from = 0
        if !section.fields.isEmpty {
            let own = section.raw.startIndex == bytes.startIndex ? section : HeaderSection.parse(bytes)
            from = own.bodyStart - bytes.startIndex
            guard from > 0, from < bytes.count else { return nil }
        }
        return bytes.withUnsafeBufferPointer { source -> HeaderSection? in
            guard let base = source.baseAddress else { return nil }
            let count = source.count
            // A part's body keeps the message's line ends: LF or CRLF, or CR alone when it holds no LF.
            let lineFeed: Int32 = memchr(base, 10, count) == nil ? 13 : 10
            /// Where the line at `start` ends (its CR or LF, or `count`) and the next one starts.
            func line(_ start: Int) -> (end: Int, next: Int) {
                guard let hit = memchr(base + start, lineFeed, count - start) else { return (count, count) }
                let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                return (at > start && base[at - 1] == 13 ? at - 1 : at, at + 1)
            }
            func isBlank(_ start: Int, _ end: Int) -> Bool { (start..<end).allSatisfy { base[$0] == 32 || base[$0] == 9 } }
            // An empty section: the blank lines before the first field skipped.
            var first = from
            if section.fields.isEmpty {
                while first < count {
                    let (end, next) = line(first)
                    guard isBlank(first, end), next < count else { break }
                    first = next
                }
            }
            /// Whether the line at `start` (ending at `end`) starts a field, and one of a known name.
            func field(_ start: Int, _ end: Int) -> (isField: Bool, isKnown: Bool) {
                guard base[start] & 0xDF &- 0x41 < 26 else { return (false, false) }   // A-Z or a-z
                var k = start + 1
                while k < end, k - start < 80, base[k] == 45 || base[k] == 46 || base[k] == 95
                        || base[k] & 0xDF &- 0x41 < 26 || base[k] &- 48 < 10 { k += 1 }
                var colon = k
                while colon < end, base[colon] == 32 || base[colon] == 9 { colon += 1 }
                guard colon < end, base[colon] == 58 else { return (false, false) }
                return (true, isKnownName(UnsafeBufferPointer(rebasing: source[start..<k])))
            }
            // The lines from `first` on, up to the blank line (at most `maxRepairedLines`): those that
            // start no field and no continuation are held until a known field follows (`indent`).
            var indent: [Int] = [], held: [Int] = []
            var firstIsField = false
            // A blank line read past (`droppedBlank`): one met before any known field, right above one.
            // The fields a message is known by then follow it, and the lines above are fields whose
            // folding was lost, one of them ending in a blank line (Office 365's X-Microsoft-Antispam-
            // Message-Info, sisimai lhost-office365-08: its From, Subject and Message-ID under it).
            var knownSeen = section.fields.contains { isKnownName($0.name) }
            var droppedBlank: Range<Int>? = nil
            var start = first
            var lineCount = 0
            while start < count, lineCount < maxRepairedLines {
                let (end, next) = line(start)
                if isBlank(start, end) {
                    guard !knownSeen, droppedBlank == nil, next < count, field(next, line(next).end).isKnown else { break }
                    droppedBlank = start..<next
                    start = next
                    lineCount += 1
                    continue
                }
                let byte = base[start]
                let (isField, isKnown) = field(start, end)
                if isKnown {
                    knownSeen = true
                    indent.append(contentsOf: held)
                    held.removeAll(keepingCapacity: true)
                }
                if lineCount == 0 { firstIsField = isField }
                if !isField, byte != 32, byte != 9 {
                    // More lines than a folded field has: the copy's body, not its fields, follows.
                    if held.count == maxHeldLines { break }
                    held.append(start)
                }
                lineCount += 1
                start = next
            }
            var skipped = section.fields.isEmpty ? first : 0
            if section.fields.isEmpty, !firstIsField {
                // No field first: the copy's body, unless a blank line was read past, under which the
                // fields come. Lost folding above it: the part's own fields took the copy's first ones
                // (lhost-office365-08: no blank line under the part's Content-Type), their values' lost
                // lines begin the copy. The copy is read from the field under the blank line.
                guard let dropped = droppedBlank else { return nil }
                skipped = dropped.upperBound
                indent.removeAll { $0 < skipped }
                droppedBlank = nil
            }
            guard !indent.isEmpty || skipped > 0 || droppedBlank != nil else { return nil }
            var copy: [UInt8] = []
            copy.reserveCapacity(count - skipped + indent.count)
            // `source[range]`, but the dropped blank line (a whole line: never split by an indented one).
            func append(_ range: Range<Int>) {
                if let dropped = droppedBlank, range.overlaps(dropped) {
                    copy.append(contentsOf: source[range.lowerBound..<max(range.lowerBound, dropped.lowerBound)])
                    copy.append(contentsOf: source[min(range.upperBound, dropped.upperBound)..<range.upperBound])
                } else {
                    copy.append(contentsOf: source[range])
                }
            }
            var run = skipped
            for at in indent {
                append(run..<at)
                copy.append(32)
                run = at
            }
            append(run..<count)
            let repaired = HeaderSection.parse(copy[...])
            return repaired.fields.isEmpty ? nil : repaired
        }
    }

    /// How many lines of a broken header section `repaired(_:in:)` reads.
    static let maxRepairedLines = 2_000
    /// How many lines that start no field `repaired(_:in:)` reads before a known field must come (the
    /// longest lost folding in the sisimai corpus: lhost-yahoo-03's X-YMail-OSG, 8 lines).
    static let maxHeldLines = 32

    /// Whether a field name is one of a MIME part's own (Content-Type, Content-Transfer-Encoding,
    /// Content-Description, Content-Disposition, MIME-Version...: RFC 2045 §9, RFC 2183).
    static func isPartFieldName(_ name: ArraySlice<UInt8>) -> Bool {
        name.withUnsafeBufferPointer { ASCII.hasPrefix($0, ignoringCase: "content-") || ASCII.equals($0, ignoringCase: "mime-version") }
    }

    /// How an inline copy is quoted, told by its first line: `>` marks (a reply's quoting; `>> ` or
    /// `> > ` a copy forwarded twice, its levels counted, at most `maxQuoteDepth`), four spaces or
    /// exactly two (an indented copy), or not at all.
    enum Quoting: Equatable {
        case none, marks(Int), spaces(Int)

        /// The most `>` levels counted on a copy's first line.
        static let maxQuoteDepth = 8

        /// Where one level of `>` quoting at `k` ends (the `>` and one space after it, if there is
        /// one: `>> From:`, `> > From:`), before `end`; nil when no `>` is at `k`.
        @inline(__always)
        static func levelEnd(at k: Int, _ base: UnsafePointer<UInt8>, _ end: Int) -> Int? {
            guard k < end, base[k] == 62 else { return nil }
            return k + 1 < end && base[k + 1] == 32 ? k + 2 : k + 1
        }

        init(ofLineAt start: Int, _ base: UnsafePointer<UInt8>, _ count: Int) {
            var depth = 0, k = start
            while depth < Self.maxQuoteDepth, let next = Self.levelEnd(at: k, base, count) {
                depth += 1
                k = next
            }
            if depth > 0 { self = .marks(depth); return }
            var spaces = 0
            while spaces < 4, start + spaces < count, base[start + spaces] == 32 { spaces += 1 }
            self = spaces == 4 ? .spaces(4) : spaces == 2 ? .spaces(2) : .none
        }
    }

    /// The fields that show a header section is a message's: names compared on ASCII bytes without
    /// case, a name with a byte above 0x7F as before (its `lowercased()` may hold ASCII: U+212A
    /// KELVIN SIGN lower-cases to "k", as in "dkim-signature").
    static func isKnownName(_ name: ArraySlice<UInt8>) -> Bool {
        name.withUnsafeBufferPointer { isKnownName($0) }
    }

    /// `isKnownName` of a name's bytes where they lie. Compared by the inlined
    /// `ASCII.equals(_:ignoringCase:)`: `ArraySlice.equalsCaseInsensitive` is not inlined across modules
    /// and walked the name through a closure (bsd.mbox x3: `isKnownName` 0.30M -> 0.23M over 1,251 names).
    static func isKnownName(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        if name.contains(where: { $0 >= 0x80 }) {
            return ["received", "from", "to", "subject", "date", "message-id", "return-path", "mime-version", "content-type",
                    "x-mailer", "dkim-signature", "reply-to", "cc"].contains(String(decoding: name, as: UTF8.self).lowercased())
        }
        switch name.count {
        case 2: return ASCII.equals(name, ignoringCase: "to") || ASCII.equals(name, ignoringCase: "cc")
        case 4: return ASCII.equals(name, ignoringCase: "from") || ASCII.equals(name, ignoringCase: "date")
        case 7: return ASCII.equals(name, ignoringCase: "subject")
        case 8:
            return ASCII.equals(name, ignoringCase: "received") || ASCII.equals(name, ignoringCase: "x-mailer")
                || ASCII.equals(name, ignoringCase: "reply-to")
        case 10: return ASCII.equals(name, ignoringCase: "message-id")
        case 11: return ASCII.equals(name, ignoringCase: "return-path")
        case 12: return ASCII.equals(name, ignoringCase: "mime-version") || ASCII.equals(name, ignoringCase: "content-type")
        case 14: return ASCII.equals(name, ignoringCase: "dkim-signature")
        default: return false
        }
    }
}
