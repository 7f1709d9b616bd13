#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import BytePatterns
import MailParsing

/// Signs that a message is a delivery report at all (the generic reader's `claims`).
enum BounceSigns {
    /// Subjects of non-delivery reports, in the wording of the MTAs in the corpus and their translations:
    /// the reference `commonSubjectWords` and `otherSubjectWords` are tested against (not run).
    static let subjects = PatternSet.compiled([
        "undeliver", "undelivered", "delivery (status notification|failure|failed|has failed|problem|report|notification)",
        "failure notice", "returned mail", "mail delivery (failed|failure|system|subsystem)", "non[- ]?delivery",
        "could not be delivered", "delivery unsuccessful", "not delivered", "mail system error", "rejected",
        "bounce", "warning: could not send message", "message status", "nondeliverable", "delayed mail",
        "delivery notification", "returned to sender", "mail could not be delivered", "permanent error",
        "unzustellbar", "non remis", "no entregado", "niet bezorgd", "non recapitato", "配信", "エラー",
        "error", "failed", "failure", "notification", "problem",
    ])
    /// Senders of reports: the reference `senderWords` is tested against (not run).
    static let senders = PatternSet.compiled([
        "mailer-daemon", "postmaster", "mail delivery (system|subsystem)", "mdaemon", "mailerdaemon",
        "mail administrator", "mail-daemon", "internet mail delivery", "microsoftexchange", "bounce", "no-?reply",
        "mail delivery", "mailadmin", "mailmaster", "auto", "system administrator", "root@",
    ])

    /// Sent by a mailer daemon or postmaster, or with a non-delivery subject: never an auto-reply.
    static func isFromMailerDaemon(_ context: BounceContext) -> Bool {
        let f = context.lowercaseFrom
        if f.contains("mailer-daemon") || f.contains("postmaster") || f.contains("mail delivery") { return true }
        return context.subjectContainsCaseless(anyOf: daemonSubjectWords)
    }

    /// The literals `subjects` matches beside `commonSubjectWords`, lower case: its alternatives spelled
    /// out (`non[- ]?delivery` as its three spellings, `delivery (status notification|...)` as one
    /// literal a branch), less those that hold another literal of the two lists ("delivery failed"
    /// holds "failed", "mail could not be delivered" holds "could not be delivered"). A subject matches
    /// `subjects` exactly when it holds one of the two lists' literals, ASCII letters in any case and
    /// other bytes as they are, as the case-less pattern set that is not UTF compares them
    /// (`BounceSignsSubjectTests` holds them together): found by byte searches, `subjects` is neither
    /// compiled nor run (bsd.mbox x3: 21 subjects, 1.5M instructions with `senders`, most of them the
    /// two sets' compilation).
    static let otherSubjectWords: [ClaimNeedle] = ([StaticString]([
        "delivery report", "mail delivery system", "mail delivery subsystem", "non-delivery", "non delivery",
        "nondelivery", "could not be delivered", "delivery unsuccessful", "not delivered", "rejected", "bounce",
        "warning: could not send message", "message status", "nondeliverable", "delayed mail", "returned to sender",
        "unzustellbar", "non remis", "no entregado", "niet bezorgd", "non recapitato", "配信", "エラー", "problem",
    ])).map(ClaimNeedle.init)

    /// `senders` spelled out as `otherSubjectWords` spells `subjects` ("no-?reply" as two, "mail
    /// delivery (system|subsystem)" and "internet mail delivery" left to "mail delivery").
    static let senderWords: [ClaimNeedle] = ([StaticString]([
        "mailer-daemon", "postmaster", "mail delivery", "mdaemon", "mailerdaemon", "mail administrator", "mail-daemon",
        "microsoftexchange", "bounce", "noreply", "no-reply", "mailadmin", "mailmaster", "auto", "system administrator", "root@",
    ])).map(ClaimNeedle.init)

    /// `daemonSubjects` spelled out as `otherSubjectWords` spells `subjects`.
    static let daemonSubjectWords: [ClaimNeedle] = ([StaticString]([
        "undeliver", "delivery status", "delivery failure", "delivery failed", "delivery has failed", "failure notice",
        "returned mail", "non-delivery", "non delivery", "nondelivery", "could not be delivered",
    ])).map(ClaimNeedle.init)

    /// Whether the sender holds one of `senderWords` as `senders` compares them (`senders.hasMatch(in:
    /// context.from)`): an ASCII sender searched lower-cased, any other by `ASCIICaseInsensitive`, which
    /// folds ASCII letters only (`lowercaseFrom` of a sender that is not ASCII folds others too).
    static func isReportSender(_ context: BounceContext) -> Bool {
        let from = context.fromText
        if from.isASCII { return senderWords.contains { context.fromContainsLowercased($0) } }
        return senderWords.contains { word in
            word.text.withUTF8Buffer { ASCIICaseInsensitive.firstOffset(of: $0, in: from.bytes) != nil }
        }
    }

    /// Literal alternatives of `subjects` that most report subjects hold ("Undelivered Mail ...", "Mail
    /// delivery failed", "failure notice", "Returned mail: ...", "Delivery Status Notification").
    static let commonSubjectWords: [StaticString] = ["undeliver", "failed", "failure", "returned mail", "notification", "error"]

    /// Whether `subject` holds one of `commonSubjectWords`, ASCII letters in any case (as `subjects`,
    /// case-less and not UTF, matches them): then `subjects` matches it, found by a few byte searches
    /// rather than its PCRE2 scan of 33 alternatives (sisimai bsd x3: 153 of 174 subjects answered so,
    /// `looksLikeBounce` 1.94M -> 1.65M instructions).
    static func hasCommonSubjectWord(_ subject: String) -> Bool {
        var subject = subject
        return subject.withUTF8 { bytes in
            for word in commonSubjectWords
            where word.withUTF8Buffer({ ASCIICaseInsensitive.firstOffset(of: $0, in: bytes) != nil }) { return true }
            return false
        }
    }

    /// Subjects that only a mailer daemon writes: the reference `daemonSubjectWords` is tested against (not run).
    static let daemonSubjects = PatternSet.compiled([
        "undeliver", "delivery (status notification|failure|failed|has failed)", "failure notice", "returned mail",
        "mail delivery (failed|failure)", "non[- ]?delivery", "could not be delivered", "delivery status",
    ])

    static func looksLikeBounce(_ context: BounceContext) -> Bool {
        // The cheap tests first, the two lists of literals last (the answer is the same in any order).
        if hasCommonSubjectWord(context.subject) { return true }
        let type = context.message.root.contentType
        if type.is("multipart", "report") { return true }
        if context.hasHeader("x-failed-recipients") { return true }
        return context.subjectContainsCaseless(anyOf: otherSubjectWords) || isReportSender(context)
    }
}

/// Line-oriented helpers shared by the text recognisers.
enum TextScan {
    /// Addresses in one line, in order: the first 50 e-mail addresses in free text (RFC 5321 Mailbox,
    /// loosely: what bounces actually print; `AddressScanner`'s pattern), each `trimmedAddress`.
    ///
    /// Read in place (the line copied into a String and again into an array before): the matches found
    /// by `AddressScanner`, which finds the pattern's ranges as PCRE2 did (`TextScanBlocksTests` holds
    /// the two together), trimmed as
    /// bytes and made Strings unchecked, as `blocks` does (a match holds only ASCII bytes, one a
    /// Character: no CR). PCRE2's search, the copies and the String trimming cost ~4,300 instructions a
    /// line (bsd.mbox x3, 348 lines of fifteen recognisers: 1.49M).
    static func addresses(in line: Substring) -> [String] {
        if let found = line.utf8.withContiguousStorageIfAvailable({ addresses(inBytes: $0) }) { return found }
        var copy = String(line)
        return copy.withUTF8 { addresses(inBytes: $0) }
    }

    /// `addresses(in:)` of a line's UTF-8 bytes.
    private static func addresses(inBytes bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        AddressScanner.matches(in: bytes, maxMatches: 50).map { range in
            UncheckedUTF8.asciiString(trimmedAddress(UnsafeBufferPointer(rebasing: bytes[range])))
        }
    }

    /// An address match without the trailing `.`/`-` and leading `.` of the sentence around it.
    static func trimmedAddress(_ a: String) -> String {
        var t = a
        while let l = t.last, l == "." || l == "-" { t.removeLast() }
        while let f = t.first, f == "." { t.removeFirst() }
        return t
    }

    /// Whether a line (its UTF-8 bytes) is a delivery-status part's recipient field: `Final-Recipient`,
    /// `Original-Recipient` or `X-Actual-Recipient` as the RFC 3464 reader names them
    /// (`DeliveryStatusFields.Name`), then a colon, blanks allowed before it (Mimecast writes
    /// "Final-Recipient : rfc/822;...", sisimai lhost-mimecast-02).
    static func isRecipientField(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        switch deliveryStatusFieldName(line) {
        case .finalRecipient, .originalRecipient, .xActualRecipient: return true
        default: return false
        }
    }

    /// Whether a line (its UTF-8 bytes) is a section heading: words between runs of five dashes or more,
    /// blanks around them (sendmail's "   ----- Transcript of session follows -----").
    static func isSectionHeading(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let (start, end) = line.trimmedBounds
        guard end - start > 10 else { return false }
        for k in 0..<5 where line[start + k] != UInt8(ascii: "-") || line[end - 1 - k] != UInt8(ascii: "-") { return false }
        return line[(start + 5)..<(end - 5)].contains { $0 != UInt8(ascii: "-") }
    }

    /// The name of the delivery-status field a line (its UTF-8 bytes) starts with, as the RFC 3464
    /// reader names them, blanks allowed before the colon; `.other` for any other line.
    static func deliveryStatusFieldName(_ line: UnsafeBufferPointer<UInt8>) -> DeliveryStatusFields.Name {
        // The longest name is 20 bytes; a few blanks may follow it.
        guard let colon = line.prefix(26).firstIndex(of: UInt8(ascii: ":")) else { return .other }
        var end = colon
        while end > 0, ASCII.isWhitespace(line[end - 1]) { end -= 1 }
        return DeliveryStatusFields.Name.recognised(UnsafeBufferPointer(rebasing: line[..<end]))
    }

    /// Whether a line (its UTF-8 bytes) starts with `Received:` or `Return-Path:`, ASCII letters in any
    /// case: the returned original's headers.
    static func startsWithHeaderName(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let f = line.first, f == UInt8(ascii: "R") || f == UInt8(ascii: "r") else { return false }
        return ASCII.hasPrefix(line, ignoringCase: "received:") || ASCII.hasPrefix(line, ignoringCase: "return-path:")
    }

    /// Whether a line carries a sign of failure: a status or reply code, or a failure phrase.
    ///
    /// The code is read first: most blocks with a sign have one, and reading them costs no more than
    /// the phrases' PatternSet (bsd.mbox x3: `recipients` 5.98M -> 5.52M instructions).
    static func hasFailureSign(_ text: String) -> Bool {
        hasFailureCode(text) || failureWords.hasMatch(in: text)
    }

    /// Whether `text` holds a match of `failureCodes`, found by reading its bytes once (PCRE2 tried
    /// both alternatives, which start with no literal, at every byte: bsd.mbox x3, `recipients`
    /// 11.0M -> 7.5M instructions, 0.5M of them here). A test holds the two together.
    static func hasFailureCode(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { hasFailureCode(bytes: $0) }
    }

    /// `hasFailureCode(_:)` of UTF-8 bytes: the two alternatives of `failureCodes` as PCRE2 reads them
    /// (not UTF, so `\b` and `\d` are ASCII; `$` without multiline is the end or before a final LF).
    static func hasFailureCode(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        let zero = UInt8(ascii: "0"), dot = UInt8(ascii: ".")
        func isDigit(_ b: UInt8) -> Bool { b &- zero < 10 }
        /// `\w` of PCRE2's default tables: ASCII letters, digits and `_`.
        func isWordByte(_ b: UInt8) -> Bool { b &- zero < 10 || (b | 0x20) &- UInt8(ascii: "a") < 26 || b == UInt8(ascii: "_") }
        /// The end of the run of digits from `start` when it holds one to three (a run of four and
        /// more leaves `\d{1,3}` no way to be followed by a non-digit).
        func shortDigitRun(from start: Int) -> Int? {
            var end = start
            while end < count, end - start < 4, isDigit(bytes[end]) { end += 1 }
            let length = end - start
            return length >= 1 && length <= 3 ? end : nil
        }
        /// Whether an alternative matches at the place `i`, which holds a 2, 4 or 5 (where both start,
        /// after the byte before).
        func matches(at i: Int) -> Bool {
            let b = bytes[i]
            let before: UInt8? = i > 0 ? bytes[i - 1] : nil
            // `\b[245]\.\d{1,3}\.\d{1,3}\b`: RFC 3463 status ("5.1.1"); the last run of one to
            // three digits followed by a non-word byte or the end.
            if before.map({ !isWordByte($0) }) ?? true, i + 1 < count, bytes[i + 1] == dot,
               let middleEnd = shortDigitRun(from: i + 2), middleEnd < count, bytes[middleEnd] == dot,
               let lastEnd = shortDigitRun(from: middleEnd + 1), lastEnd == count || !isWordByte(bytes[lastEnd]) {
                return true
            }
            // `(^|[^\d.])[45]\d\d([ -]|$)`: an SMTP reply code ("550 ", "421-") standing alone.
            if b != UInt8(ascii: "2"), before.map({ !isDigit($0) && $0 != dot }) ?? true, i + 2 < count,
               isDigit(bytes[i + 1]), isDigit(bytes[i + 2]) {
                let after = i + 3
                if after == count { return true }
                let next = bytes[after]
                if next == 32 || next == UInt8(ascii: "-") || (next == ASCII.lineFeed && after + 1 == count) { return true }
            }
            return false
        }
        guard let base = bytes.baseAddress else { return false }
        // The places holding a 2, 4 or 5 found sixteen at a time (three compares a block), each read in
        // turn; the bytes after the last whole block read as the block from `count - 16`, whose places
        // read already answer no again. (Eight bytes at a time past those holding no digit 0-7, every
        // byte of a word with a digit was read one by one: bsd.mbox x3, 261 texts of `recipients`,
        // `hasFailureCode(bytes:)` 0.52M -> 0.19M instructions.)
        let (two, four, five) = (SIMD16<UInt8>(repeating: UInt8(ascii: "2")), SIMD16<UInt8>(repeating: UInt8(ascii: "4")),
                                 SIMD16<UInt8>(repeating: UInt8(ascii: "5")))
        /// Whether an alternative matches at a place of the sixteen from `j` (`j + 16 <= count`).
        func blockMatches(from j: Int) -> Bool {
            let block = UnsafeRawPointer(base + j).loadUnaligned(as: SIMD16<UInt8>.self)
            let marks = unsafeBitCast((block .== two) .| (block .== four) .| (block .== five), to: SIMD2<UInt64>.self)
            // One bit a marked place (the lowest of its byte).
            var low = UInt64(littleEndian: marks[0]) & 0x0101_0101_0101_0101
            var high = UInt64(littleEndian: marks[1]) & 0x0101_0101_0101_0101
            while low != 0 {
                if matches(at: j &+ low.trailingZeroBitCount >> 3) { return true }
                low &= low &- 1
            }
            while high != 0 {
                if matches(at: j &+ 8 &+ high.trailingZeroBitCount >> 3) { return true }
                high &= high &- 1
            }
            return false
        }
        guard count >= 16 else {
            for i in 0..<count where bytes[i] &- UInt8(ascii: "2") < 4 && bytes[i] != UInt8(ascii: "3") {
                if matches(at: i) { return true }
            }
            return false
        }
        var i = 0
        while i &+ 16 <= count {
            if blockMatches(from: i) { return true }
            i &+= 16
        }
        return i < count && blockMatches(from: count &- 16)
    }

    /// The codes of `hasFailureSign`: an RFC 3463 status or an SMTP reply code standing alone. Apart
    /// from the words, whose literal starts let the prefilter skip most of a text (together, PCRE2
    /// tried all 45 alternatives at every byte: 84,000 instructions a block).
    static let failureCodes = PatternSet.compiled([#"\b[245]\.\d{1,3}\.\d{1,3}\b"#, #"(^|[^\d.])[45]\d\d([ -]|$)"#])
    /// The words of `hasFailureSign`.
    static let failureWords = PatternSet.compiled([
        "unknown", "not exist", "no such", "invalid",
        "rejected", "refused", "denied", "full", "quota", "unavailable", "disabled", "failed", "error", "blocked",
        "spam", "timed? ?out", "expired", "unreachable", "not found", "too (large|big)", "exceeded", "suspended",
        "said:", "reason:", "diagnostic", "can't", "cannot", "unable", "inactive", "does not", "couldn't",
        "could not", "not delivered", "aborted", "exceed", "not listed", "no longer", "disabled", "over ?quota",
        "did not reach", "エラー", "存在しません", "宛先不明",
    ])

    /// A candidate recipient line: where an address stands and the block of text that follows it.
    struct Block {
        var address: String
        /// `address` lower-cased, the key blocks are matched and deduplicated by.
        var key: String
        var line: Int
        var text: String
    }

    /// Every address in the report text (before the returned original) with the block of lines that
    /// belongs to it: from its line up to the next line naming another address, the original's marker,
    /// or a second blank line; at most 20 lines. The bounce's own addresses (`ownAddressKeys`, the
    /// two keys compared, not a Set of two made and asked once an address: bsd.mbox x3, 228 texts,
    /// 0.67M instructions of `ownAddresses` and `Set.contains`) open no block.
    ///
    /// The text's bytes are copied once, not line by line, with an LF after the last line; the line
    /// starts are read from `TextLines`' line ends (each line starts one past the LF ending the one
    /// before), not found again by memchr (bsd.mbox x3, 228 texts, 4,896 lines: `addressBlocks`
    /// 4.44M -> 4.11M). Addresses are found by `AddressScanner`, trimmed as bytes (`trimmedAddress`),
    /// and a block's text is copied from the bytes of its lines, not joined from Substrings; blank
    /// lines are told from their bytes (sisimai bsd mbox x3, 228 texts: `blocks` 12.8M -> 5.4M).
    ///
    /// With `key`, only the first block of that key (the address lower-cased), if any: the first of
    /// `blocks(in:excludingOwn:)` that has it, where it ends found by a search forward from it alone.
    ///
    /// - Parameter markerStart: where `OriginalLocator.firstMarkerStart(in:)` finds the first marker in
    ///   the lines' text (`.some(nil)`: none), when the caller knows it (`BounceContext.originalMarkerStart`);
    ///   nil to have it searched here.
    static func blocks(in lines: TextLines, excludingOwn own: (String, String), only key: String? = nil,
                       markerStart: Int?? = nil) -> [Block] {
        // Read in place: `TextLines` keeps its text native and contiguous (a copy of the bytes with an LF
        // after the last line, and an array of the line starts, cost ~1,000 instructions a text: bsd.mbox
        // x3, 228 texts).
        var text = lines.text
        return text.withUTF8 { bytes in
            blocks(in: lines, bytes: bytes, isOwn: { sameKey($0, own.0) || sameKey($0, own.1) }, only: key,
                   markerStart: markerStart ?? OriginalLocator.firstMarkerStart(in: bytes))
        }
    }

    /// `blocks` over the lines' bytes, the text's: line `i` is `bytes[start(i) ..< ends[i]]`, each but
    /// the last followed by its LF.
    private static func blocks(in lines: TextLines, bytes: UnsafeBufferPointer<UInt8>,
                               isOwn: (String) -> Bool, only key: String?, markerStart: Int?) -> [Block] {
        let ends = lines.ends
        guard !ends.isEmpty, ends[ends.count - 1] == bytes.count else { return [] }
        /// Where line `i` starts (one past the LF ending the line before); `bytes.count + 1` for the line
        /// after the last, as if an LF ended the text.
        func start(_ i: Int) -> Int { i == 0 ? 0 : ends[i - 1] + 1 }
        func lineIndex(at offset: Int) -> Int {
            // The first line ending at or after `offset`: the last starting at or before it.
            lines.line(holdingOffset: offset)
        }
        /// Line `i` without its LF.
        func lineBytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[start(i)..<ends[i]])
        }
        /// Whether line `i` is only spaces, tabs, CRs and LFs (its `trimmedSlice` is empty).
        func isBlank(_ i: Int) -> Bool {
            lineBytes(i).allSatisfy { ASCII.isWhitespaceOrNewline($0) }
        }
        /// Whether line `i` ends with `:` but for spaces, tabs, CRs and LFs (`trimmed.hasSuffix(":")`;
        /// the String's own answer when a non-ASCII byte stands before the colon, where a Character
        /// might hold it).
        func endsWithColon(_ i: Int) -> Bool {
            let line = lineBytes(i)
            var end = line.count
            while end > 0, ASCII.isWhitespaceOrNewline(line[end - 1]) { end -= 1 }
            guard end > 0, line[end - 1] == UInt8(ascii: ":") else { return false }
            if end > 1 && line[end - 2] >= 0x80 { return lines[i].trimmed.hasSuffix(":") }
            return true
        }
        var end = lines.count
        if let markerStart { end = lineIndex(at: markerStart) }
        // `startsWithHeaderName` of each line, on its bytes (its first byte first): asking each line
        // as a Substring retained and released it.
        for i in 0..<end where startsWithHeaderName(lineBytes(i)) { end = i; break }
        var perLine = 0
        var previousLine = -1
        var previousField = (line: -1, isField: false)
        // The lines before `end` (no marker or header line: every line; an LF after the last makes no
        // address longer or shorter, nor another marker).
        let scanned = UnsafeBufferPointer(rebasing: bytes[..<(end == lines.count ? bytes.count : start(end))])
        let matches = AddressScanner.matches(in: scanned, maxMatches: 50 * max(1, end))
        guard !matches.isEmpty else { return [] }
        // Room for every match: grown from one by doubling, it (and the array of a block's lines) was
        // reallocated twice a text (bsd.mbox x3, 228 texts: 879 times, 0.29M instructions).
        var hits: [(line: Int, address: String, key: String)] = []
        hits.reserveCapacity(matches.count)
        for range in matches {
            let i = lineIndex(at: range.lowerBound)
            perLine = i == previousLine ? perLine + 1 : 1
            previousLine = i
            guard perLine <= 50 else { continue }
            let address = trimmedAddress(UnsafeBufferPointer(rebasing: bytes[range]))
            // The daemon prefixes are told on the bytes before any String is made: a match is ASCII
            // (`AddressScanner` admits no byte above 0x7F), so its lower-cased key starts with one
            // exactly when its bytes do without ASCII case (bsd.mbox x3, 546 addresses: 0.10M
            // instructions of `String.hasPrefix`).
            if isDaemonAddress(address) { continue }
            // A delivery-status part's recipient field names the address, it does not explain it (RFC
            // 3464 §2.3): a block from it read "Final-Recipient: RFC822; user@host" as the diagnostic of
            // a report whose DSN gave none (a pipe recipient's sendmail report, sisimai rfc3464-04).
            if i != previousField.line { previousField = (i, isRecipientField(lineBytes(i))) }
            if previousField.isField { continue }
            // ASCII (above): made unvalidated (`String(decoding:)` validated it), its key the address's
            // own String when its bytes hold no upper-case letter, else its bytes lower-cased
            // (`lowercasedIfNeeded` read the String again for one; bsd.mbox x3, 537 addresses).
            let a = UncheckedUTF8.asciiString(address)
            let key = address.contains(where: ASCII.isUppercase) ? ASCII.lowercasedString(address) : a
            if isOwn(key) { continue }
            hits.append((i, a, key))
        }
        guard !hits.isEmpty else { return [] }
        // Whether the hits name more than one address.
        let severalAddresses = hits.contains { !sameKey($0.key, hits[0].key) }
        // The lines of one block (`blockLines`, `taken` of them): at most `maxBlockLines`, as `stop` is at
        // most that many lines on from the address's; on the stack (an array reserved for them was
        // allocated and freed a text, and, captured by `block`, checked for exclusive access at each use:
        // bsd.mbox x3, 228 texts).
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: maxBlockLines) { blockLines in
            /// The block of `hit`, its lines up to `stop`.
            func block(_ hit: (line: Int, address: String, key: String), stop: Int) -> Block {
                // The address line and what follows; one blank gap may be crossed only right after the
                // address line (Gmail, DragonFly: "address" / blank / explanation paragraph).
                var taken = 0
                var pendingBlank = false
                var j = hit.line
                var length = 0
                while j < stop {
                    if isBlank(j) {
                        if taken > 0 { pendingBlank = true }
                        j += 1
                        continue
                    }
                    if pendingBlank {
                        // A gap is crossed right after the address line or after a label ("because:"),
                        // not into the next section when the text names several addresses: the
                        // transcript after sendmail's list of failed addresses speaks of each in turn.
                        if taken > 1 && !endsWithColon(blockLines[taken - 1]) { break }
                        if severalAddresses && isSectionHeading(lineBytes(j)) { break }
                        pendingBlank = false
                    }
                    // A delivery-status part's fields end the text's explanation (RFC 3464 §2.2:
                    // "Reporting-MTA: ..." right after a transcript's last line).
                    if taken > 0, deliveryStatusFieldName(lineBytes(j)) != .other { break }
                    // A section heading names what follows, it does not explain: sendmail's "-----
                    // Transcript of session follows -----" between a listed address and its reply was the
                    // start of the address's diagnostic (sisimai lhost-sendmail-11, -12, -21, -42).
                    if taken > 0, isSectionHeading(lineBytes(j)) {
                        j += 1
                        continue
                    }
                    blockLines[taken] = j
                    taken += 1
                    length += ends[j] + 1 - start(j)
                    j += 1
                }
                guard taken > 0 else { return Block(address: hit.address, key: hit.key, line: hit.line, text: "") }
                let (first, last) = (blockLines[0], blockLines[taken - 1])
                // The lines joined with LF: the text's own bytes from the first line's start to the last's
                // end when they are consecutive (a line crossed only when blank), else each line's bytes and
                // the LF after it, but the last's. Lines of a valid text cut at LFs and joined with LFs are
                // valid UTF-8, made a String unchecked (`String(unsafeUninitializedCapacity:)` checked each
                // again: bsd.mbox x3, 441 blocks, 0.43M instructions).
                if last - first + 1 == taken {
                    let joined = UnsafeBufferPointer(rebasing: bytes[start(first)..<ends[last]])
                    return Block(address: hit.address, key: hit.key, line: hit.line, text: UncheckedUTF8.string(joined, isASCII: ASCII.isASCII(joined)))
                }
                let text = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, length - 1)) { out -> String in
                    guard let to = out.baseAddress, let from = bytes.baseAddress else { return "" }
                    var written = 0
                    for k in 0..<taken {
                        let line = blockLines[k]
                        let count = ends[line] - start(line) + (k == taken - 1 ? 0 : 1)
                        (to + written).update(from: from + start(line), count: count)
                        written += count
                    }
                    let joined = UnsafeBufferPointer(rebasing: out[..<written])
                    return UncheckedUTF8.string(joined, isASCII: ASCII.isASCII(joined))
                }
                return Block(address: hit.address, key: hit.key, line: hit.line, text: text)
            }
            if let key {
                // One block: the first hit of the key, up to the next line naming another address.
                guard let n = hits.firstIndex(where: { sameKey($0.key, key) }) else { return [] }
                let hit = hits[n]
                let nextOther = hits[(n + 1)...].first { $0.line > hit.line && !sameKey($0.key, key) }?.line
                return [block(hit, stop: min(end, hit.line + maxBlockLines, nextOther ?? Int.max))]
            }
            let nextOther = linesNamingAnotherAddress(hits)
            var out: [Block] = []
            out.reserveCapacity(hits.count)
            for (n, hit) in hits.enumerated() {
                // The next line naming a different address ends this block.
                out.append(block(hit, stop: min(end, hit.line + maxBlockLines, nextOther[n] ?? Int.max)))
            }
            return out
        }
    }

    /// The most lines a block spans, its address line included.
    static let maxBlockLines = 20

    /// Whether two keys (lower-cased addresses) are equal, their lengths compared first: `==` of two
    /// Strings of different lengths calls the standard library's comparison (~90 instructions; bsd.mbox
    /// x3, 1,191 comparisons in `blocks`, most of different lengths). As `MIMEPart.isName` for media
    /// types. It differs from `==` only for a key canonically equivalent to one of another UTF-8 length
    /// (U+1FEF beside a grave accent): a different address byte for byte, so a different key here.
    @inline(__always)
    static func sameKey(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a == b
    }

    /// An address match without the trailing `.`/`-` and leading `.` of the sentence around it, as
    /// `trimmedAddress(_:)` of a String.
    static func trimmedAddress(_ a: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = a.count
        while end > start, a[end - 1] == UInt8(ascii: ".") || a[end - 1] == UInt8(ascii: "-") { end -= 1 }
        while start < end, a[start] == UInt8(ascii: ".") { start += 1 }
        return UnsafeBufferPointer(rebasing: a[start..<end])
    }

    /// Whether an address (ASCII bytes) starts with `mailer-daemon@` or `postmaster@`, ASCII letters
    /// in any case.
    static func isDaemonAddress(_ address: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let f = address.first else { return false }
        switch f | 0x20 {
        case UInt8(ascii: "m"): return ASCII.hasPrefix(address, ignoringCase: "mailer-daemon@")
        case UInt8(ascii: "p"): return ASCII.hasPrefix(address, ignoringCase: "postmaster@")
        default: return false
        }
    }

    /// For each hit, the first line after its own that names an address other than its own (by `key`),
    /// or nil: in one pass from the last line to the first, over lines that hold several hits too.
    /// (Searching forward from each hit was quadratic when a report named one address on thousands of
    /// lines: 40,000 such lines took 27 s.)
    static func linesNamingAnotherAddress(_ hits: [(line: Int, address: String, key: String)]) -> [Int?] {
        // Filled by appending: `[Int?](repeating:count:)` allocated through the stdlib's unspecialized
        // `_allocateBufferUninitialized` (bsd.mbox x3: 0.17M instructions over 219 calls).
        var answer: [Int?] = []
        answer.reserveCapacity(hits.count)
        for _ in 0..<hits.count { answer.append(nil) }
        // The nearest line done so far (they are done from the last up) with a key on it, and the
        // nearest line naming another key than that one (the same line when it names two).
        var near: (line: Int, key: String)? = nil
        var other: Int? = nil
        func firstLine(namingOtherThan key: String) -> Int? {
            guard let near else { return nil }
            return near.key != key ? near.line : other
        }
        var groupEnd = hits.count
        while groupEnd > 0 {
            let line = hits[groupEnd - 1].line
            var groupStart = groupEnd - 1
            while groupStart > 0, hits[groupStart - 1].line == line { groupStart -= 1 }
            for n in groupStart..<groupEnd { answer[n] = firstLine(namingOtherThan: hits[n].key) }
            let key = hits[groupStart].key
            other = hits[groupStart..<groupEnd].contains { $0.key != key } ? line : firstLine(namingOtherThan: key)
            near = (line, key)
            groupEnd = groupStart
        }
        return answer
    }

    /// The addresses of the bounce itself (its sender and recipient), never the failed recipient.
    static func ownAddresses(_ context: BounceContext) -> Set<String> {
        let (from, to) = ownAddressKeys(context)
        return [from, to]
    }

    /// `ownAddresses` as its two keys: the sender's and the recipient's address, lower-cased.
    static func ownAddressKeys(_ context: BounceContext) -> (String, String) {
        (Addresses.bare(context.from).lowercasedIfNeeded(), Addresses.bare(context.header("to") ?? "").lowercasedIfNeeded())
    }

    /// The generic scan of the context's text: each address whose block carries a sign of failure,
    /// with the block as the diagnostic; first block with such a sign per address. The blocks are the
    /// context's `addressBlocks`, made once for this scan and `block(for:in:)` (each made them for
    /// itself); the bounce's own addresses are excluded there.
    static func recipients(in context: BounceContext) -> [RecipientFinding] {
        var out: [RecipientFinding] = []
        // The keys of the recipients found, searched in order: one or two a scan, at most 200, where a
        // `Set` hashed each key and allocated its table (bsd.mbox x3: 0.32M instructions).
        var seen: [String] = []
        for b in context.addressBlocks where out.count < 200 {
            let key = b.key
            if seen.contains(where: { sameKey($0, key) }) { continue }
            var text = b.text
            if !hasFailureSign(text) {
                // The reason may stand above the address (ezweb: "The user(s) account is disabled." / blank /
                // "<address>"): the paragraph just above, if it names no other address.
                let above = TextScan.paragraph(above: b.line, in: context.lines)
                guard !above.isEmpty, hasFailureSign(above), addresses(in: Substring(above)).isEmpty else { continue }
                text = above + "\n" + text
            }
            seen.append(key)
            var r = RecipientFinding(recipient: b.address)
            r.diagnostic = text
            r.command = SMTPCommandFinder.find(in: b.text)
            out.append(r)
        }
        return out
    }

    /// The non-blank lines just above line `index` (skipping blank lines right above it), at most 4,
    /// joined with LF.
    ///
    /// Read on the text's bytes: a line is blank when every byte is a space, tab, CR or LF (what
    /// `trimmedSlice.isEmpty` tells), and the lines taken are adjacent, so joined with LF they are the
    /// text's own bytes from the first one's start to the last one's end, made a String once (each
    /// line as a Substring, trimmed, inserted in an array and joined cost ~9,300 instructions a call:
    /// bsd.mbox x3, 45 calls: 0.42M -> 0.02M instructions).
    static func paragraph(above index: Int, in lines: TextLines) -> String {
        let ends = lines.ends
        guard index > 0, index <= ends.count else { return "" }
        var text = lines.text
        return text.withUTF8 { bytes in
            /// The offset where line `j` starts (one past the LF ending the line before).
            func start(_ j: Int) -> Int { j == 0 ? 0 : ends[j - 1] + 1 }
            func isBlank(_ j: Int) -> Bool {
                UnsafeBufferPointer(rebasing: bytes[start(j)..<ends[j]]).allSatisfy(ASCII.isWhitespaceOrNewline)
            }
            var j = index - 1
            while j >= 0, isBlank(j) { j -= 1 }
            let last = j
            while j >= 0, last - j < 4, !isBlank(j) { j -= 1 }
            guard j < last else { return "" }
            // Cut at LFs, the bytes of a valid UTF-8 text are valid UTF-8.
            let paragraph = UnsafeBufferPointer(rebasing: bytes[start(j + 1)..<ends[last]])
            return UncheckedUTF8.string(paragraph, isASCII: ASCII.isASCII(paragraph))
        }
    }

    /// The block of the report text that speaks of `address`, if any (to complete a DSN's record).
    static func block(for address: String, in context: BounceContext) -> Block? {
        context.firstAddressBlock[address.lowercasedIfNeeded()].map { context.addressBlocks[$0] }
    }

    /// `block(for:in:)` of a report's only recipient to complete: that block alone, not every block of
    /// the text (each made a String, their ends found for all) and a table of them by address, made
    /// for one lookup (bsd.mbox x3, 54 reports: 1.16M -> 0.76M instructions, the text's lines split
    /// here now, 0.09M, counted). Not kept: a report with more recipients asks `block(for:in:)`,
    /// which makes them once.
    static func onlyBlock(for address: String, in context: BounceContext) -> Block? {
        blocks(in: context.lines, excludingOwn: ownAddressKeys(context), only: address.lowercasedIfNeeded(),
               markerStart: context.originalMarkerStart).first
    }

    /// What the report's text says of `address` from its block: the block without the address's label
    /// (`withoutAddressPrefix`), or, when the address stands alone on its lines (a list under a sentence:
    /// Outlook.com's "Unable to deliver message to the following recipients, due to being unable to
    /// connect successfully to the destination mail server." / blank / the address, sisimai
    /// lhost-outlook-07), the paragraph just above it when that names no address; empty when neither says anything.
    static func explanation(of address: String, from block: Block, in context: BounceContext) -> String {
        let said = withoutAddressPrefix(block.text, address: address)
        guard RFC3464Recognizer.isBlank(said) else { return said }
        let above = paragraph(above: block.line, in: context.lines)
        return !above.isEmpty && addresses(in: Substring(above)).isEmpty ? above : said
    }
}

/// Finds the SMTP command a failure happened at from the upper-case command words a report quotes
/// (Postfix "in reply to RCPT TO command", Exim "after RCPT TO:<...>", Sendmail ">>> DATA").
///
/// As Sisimai does (so results compare): the words are looked for in a fixed order and the last one
/// found wins, which prefers the later stage of the session (DATA over RCPT over MAIL). A bare word
/// counts only when it is not part of a longer word, an address or a host name (`DATABASE@...`).
enum SMTPCommandFinder {
    /// The command words in Sisimai's order; `find` spells them out from the end (a test holds the two
    /// together).
    static let words: [(String, SMTPCommand)] = [
        ("HELO", .helo), ("EHLO", .ehlo), ("STARTTLS", .starttls), ("AUTH PLAIN", .auth), ("AUTH LOGIN", .auth),
        ("AUTH CRAM-", .auth), ("AUTH DIGEST-", .auth), ("MAIL F", .mail), ("RCPT", .rcpt), ("RCPT T", .rcpt),
        ("DATA", .data), ("QUIT", .quit),
    ]

    /// The command the text names, or nil.
    ///
    /// The words of one command are adjacent in `words` (tested), so the command of the last word
    /// found is the last command found: `find(in:)` of the bytes decides from the end, QUIT first.
    static func find(in text: String) -> SMTPCommand? {
        var text = text
        return text.withUTF8 { find(in: $0) }
    }

    /// `find(in:)` of a text's bytes, in one pass: every word starts with four upper-case letters, so
    /// only the places where four such letters stand (found sixteen at a time, `capitalRuns`) are read,
    /// and each word's first place is kept. A bare word counts if its first occurrence stands alone, as one search per
    /// word found it; `RCPT T`, `MAIL F` and the four `AUTH ...` words count wherever they are.
    /// (bsd.mbox x3, 2,232 texts: the finder 3.76M -> 2.52M instructions against a search per word,
    /// up to eight a text; an earlier first pass for an upper-case pair, before those searches, cost
    /// more than it saved.)
    static func find(in bytes: UnsafeBufferPointer<UInt8>) -> SMTPCommand? {
        let n = bytes.count
        guard n >= 4, let base = bytes.baseAddress else { return nil }
        /// Whether the bare word of `length` bytes at `p` stands alone: no letter, digit or `@`,
        /// `[`, `\`, `]`, `^`, `_`, `` ` `` on either side (the bytes 48-57, 64-90, 96-122).
        func standsAlone(at p: Int, length: Int) -> Bool {
            func wordy(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 64 && b <= 90) || (b >= 96 && b <= 122) }
            let before: UInt8 = p > 0 ? base[p - 1] : 32
            let after: UInt8 = p + length < n ? base[p + length] : 32
            return !wordy(before) && !wordy(after)
        }
        /// Whether `word` stands at `p` (within the text).
        @inline(__always) func has(_ word: StaticString, at p: Int) -> Bool {
            let count = word.utf8CodeUnitCount
            return count <= n &- p && memcmp(base + p, word.utf8Start, count) == 0
        }
        // Each bare word's first place (-1: none) and whether the longer words were seen.
        var quit = -1, data = -1, rcpt = -1, starttls = -1, ehlo = -1, helo = -1
        var rcptT = false, mailF = false, auth = false
        /// Reads the place `p` (four upper-case letters); true when QUIT stands alone there, first.
        @inline(__always) func visit(_ p: Int) -> Bool {
            guard p &+ 4 <= n else { return false }
            // The four bytes as a little-endian word: "QUIT" is Q | U << 8 | I << 16 | T << 24.
            switch UInt32(littleEndian: UnsafeRawPointer(base + p).loadUnaligned(as: UInt32.self)) {
            case 0x5449_5551:   // QUIT
                if quit < 0 { quit = p; return standsAlone(at: p, length: 4) }
            case 0x4154_4144:   // DATA
                if data < 0 { data = p }
            case 0x5450_4352:   // RCPT
                if rcpt < 0 { rcpt = p }
                if !rcptT { rcptT = has("RCPT T", at: p) }
            case 0x4C49_414D:   // MAIL
                if !mailF { mailF = has("MAIL F", at: p) }
            case 0x4854_5541:   // AUTH
                if !auth, has("AUTH ", at: p) {
                    let q = p &+ 5
                    auth = has("DIGEST-", at: q) || has("CRAM-", at: q) || has("LOGIN", at: q) || has("PLAIN", at: q)
                }
            case 0x5241_5453:   // STAR
                if starttls < 0, has("STARTTLS", at: p) { starttls = p }
            case 0x4F4C_4845:   // EHLO
                if ehlo < 0 { ehlo = p }
            case 0x4F4C_4548:   // HELO
                if helo < 0 { helo = p }
            default: break
            }
            return false
        }
        // The places where four capitals stand, a block of sixteen at a time, from the out-of-line
        // scan (`capitalRuns`, one call a block that holds any): `find`'s own loop over the blocks kept
        // its offset on the stack among the words' places (~17 instructions a block), and read each
        // block holding a pair again with the words' state live around it; the places after the last
        // block were read byte by byte. (bsd.mbox x3, 2,232 texts: `find` 1.84M -> 1.44M; the same
        // loop out of line, called for each block with a pair, 1.81M.)
        var from = 0
        while true {
            let (start, runs) = capitalRuns(base, count: n, from: from)
            if runs == 0 { break }
            var rest = runs
            while rest != 0 {
                if visit(start &+ rest.trailingZeroBitCount) { return .quit }
                rest &= rest &- 1
            }
            from = start &+ 16
        }
        // `words` from the end: QUIT (done above), DATA, RCPT, MAIL F, the AUTH words, STARTTLS, EHLO, HELO.
        if data >= 0, standsAlone(at: data, length: 4) { return .data }
        if rcpt >= 0, rcptT || standsAlone(at: rcpt, length: 4) { return .rcpt }
        if mailF { return .mail }
        if auth { return .auth }
        if starttls >= 0, standsAlone(at: starttls, length: 8) { return .starttls }
        if ehlo >= 0, standsAlone(at: ehlo, length: 4) { return .ehlo }
        if helo >= 0, standsAlone(at: helo, length: 4) { return .helo }
        return nil
    }

    /// The first block of places from `from` on where four letters 'A'...'Z' start (every command
    /// word does): the block's first place and a bit a place, bit `k` for `start + k`, no place
    /// before `from` or past `count - 4` marked; `(count, 0)` when none is left.
    ///
    /// The places `q ..< q + 16` are read only when the sixteen bytes from `q + 1` hold two such letters
    /// at an even offset, which a run of four starting there has: one load and one test a block, two
    /// blocks tested together, the letters found by one add and one signed compare (`pcmpgtb`: the add
    /// moves 'A'...'Z' to -128...-103). The last places are read as the block that ends at the text's
    /// end, its places before `from` cleared.
    @inline(never)
    static func capitalRuns(_ base: UnsafePointer<UInt8>, count n: Int, from: Int) -> (start: Int, runs: UInt32) {
        let raw = UnsafeRawPointer(base)
        let shift = SIMD16<Int8>(repeating: 63), below = SIMD16<Int8>(repeating: -102)
        /// The lanes of the sixteen bytes at `p` that are 'A'...'Z'.
        @inline(__always) func capitals(_ p: Int) -> SIMDMask<SIMD16<Int8>> {
            (raw.loadUnaligned(fromByteOffset: p, as: SIMD16<Int8>.self) &+ shift) .< below
        }
        /// The lanes of the sixteen bytes at `p` where two capitals stand at an even offset, as two words.
        @inline(__always) func evenPairs(_ p: Int) -> SIMD2<UInt64> {
            unsafeBitCast(unsafeBitCast(capitals(p), to: SIMD8<Int16>.self) .== SIMD8<Int16>(repeating: -1), to: SIMD2<UInt64>.self)
        }
        /// A bit a place of `q ..< q + 16` where four capitals start (`q + 19 <= n`).
        @inline(__always) func runs(_ q: Int) -> UInt32 {
            let four = unsafeBitCast(capitals(q) .& capitals(q &+ 1) .& capitals(q &+ 2) .& capitals(q &+ 3), to: SIMD2<UInt64>.self)
            // Each lane's lowest bit moved to bit 56 + lane by the multiply, the eight gathered at the top.
            let gather: UInt64 = 0x0102_0408_1020_4080, lows: UInt64 = 0x0101_0101_0101_0101
            let low = ((UInt64(littleEndian: four[0]) & lows) &* gather) >> 56
            let high = ((UInt64(littleEndian: four[1]) & lows) &* gather) >> 56
            return UInt32(truncatingIfNeeded: low | high << 8)
        }
        var q = max(from, 0)
        while q &+ 35 <= n {
            let first = evenPairs(q &+ 1), second = evenPairs(q &+ 17)
            let both = first | second
            if both[0] | both[1] != 0 {
                if first[0] | first[1] != 0 {
                    let found = runs(q)
                    if found != 0 { return (q, found) }
                }
                // The second block's runs read without its own test: tested too, its lanes were read
                // back into four registers at every step.
                let found = runs(q &+ 16)
                if found != 0 { return (q &+ 16, found) }
            }
            q &+= 32
        }
        while q &+ 19 <= n {
            let pairs = evenPairs(q &+ 1)
            if pairs[0] | pairs[1] != 0 {
                let found = runs(q)
                if found != 0 { return (q, found) }
            }
            q &+= 16
        }
        // The places `q ... n - 4` left, fewer than sixteen.
        guard q &+ 4 <= n else { return (n, 0) }
        if n >= 19 {
            let last = n &- 19
            let found = runs(last) & (UInt32.max << UInt32(q &- last))
            return found != 0 ? (last, found) : (n, 0)
        }
        var found: UInt32 = 0
        for p in q...(n &- 4) where base[p] &- 65 < 26 && base[p &+ 1] &- 65 < 26 && base[p &+ 2] &- 65 < 26 && base[p &+ 3] &- 65 < 26 {
            found |= 1 << UInt32(p &- q)
        }
        return found != 0 ? (q, found) : (n, 0)
    }
}

extension TextScan {
    /// The block without a leading `address:` or `<address>:` label (OpenSMTPD, qmail style).
    ///
    /// An ASCII block and address are read as bytes (`asciiWithoutAddressPrefix`): the labels made by
    /// interpolation and lower-cased one by one, and the Characters counted to drop one, cost ~10,000
    /// instructions a call (bsd.mbox x3, 48 blocks: 0.48M).
    static func withoutAddressPrefix(_ block: String, address: String) -> String {
        var block = block, address = address
        if let cut = block.withUTF8({ b in address.withUTF8 { asciiWithoutAddressPrefix(b, address: $0) } }) {
            return cut
        }
        return withoutAddressPrefixByCharacters(block, address: address)
    }

    /// `withoutAddressPrefix` of ASCII bytes, nil when the block or the address is not ASCII or the
    /// address holds a CR. The labels are tried in the same order, each compared with the trimmed
    /// block's bytes, both lower-cased (what `lowercasedIfNeeded` and the package's byte `hasPrefix`
    /// compare); a label's bytes are its Characters, and so are those it covers in the block, as no
    /// CR stands in a label (a CRLF is one Character), so dropping as many bytes drops as many
    /// Characters.
    static func asciiWithoutAddressPrefix(_ block: UnsafeBufferPointer<UInt8>, address: UnsafeBufferPointer<UInt8>) -> String? {
        guard ASCII.isASCII(block), ASCII.isASCII(address), !address.contains(ASCII.carriageReturn) else { return nil }
        let (start, end) = block.trimmedBounds
        let t = UnsafeBufferPointer(rebasing: block[start..<end])
        let a = address.count
        /// Whether `t` holds the address, lower-cased, at `p`.
        func addressAt(_ p: Int) -> Bool {
            guard a <= t.count &- p else { return false }
            for k in 0..<a where ASCII.lowercased(t[p &+ k]) != ASCII.lowercased(address[k]) { return false }
            return true
        }
        /// Whether `t` has `byte` at `p`.
        func byte(_ byte: UInt8, at p: Int) -> Bool { p < t.count && t[p] == byte }
        let (open, close, colon) = (UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ":"))
        // `<address>:`, `address:`, `<address>`, `address`: the label's length, or the whole when none.
        let angled = byte(open, at: 0) && addressAt(1) && byte(close, at: a &+ 1)
        let bare = addressAt(0)
        let cut = angled && byte(colon, at: a &+ 2) ? a &+ 3
            : bare && byte(colon, at: a) ? a &+ 1
            : angled ? a &+ 2
            : bare ? a : 0
        let (restStart, restEnd) = UnsafeBufferPointer(rebasing: t[cut...]).trimmedBounds
        return UncheckedUTF8.asciiString(UnsafeBufferPointer(rebasing: t[(cut &+ restStart)..<(cut &+ restEnd)]))
    }

    /// `withoutAddressPrefix` for any text, by Characters.
    static func withoutAddressPrefixByCharacters(_ block: String, address: String) -> String {
        let t = block.trimmed
        let lowered = t.lowercasedIfNeeded()   // once, not once a label
        for label in ["<\(address)>:", "\(address):", "<\(address)>", address] where lowered.hasPrefix(label.lowercasedIfNeeded()) {
            return String(t.dropFirst(label.count)).trimmed
        }
        return t
    }
}
