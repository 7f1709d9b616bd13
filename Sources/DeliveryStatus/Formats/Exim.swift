#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import BytePatterns
import MailParsing

/// Exim (https://www.exim.org/), its clones (Mail.Ru, MXLogic/McAfee SaaS) and their translations.
///
/// The text is deliver.c's: "This message was created automatically by mail delivery software." then
/// each failed address indented by two spaces, its error indented by four; the copy of the message
/// follows "------ This is a copy of the message, including all the headers. ------".
/// Seen in sisimai lhost-exim-*, lhost-mailru-*, lhost-mxlogic-*.
struct EximRecognizer: Recognizer {
    var name: String { "exim" }

    /// `subjectPhrases` as a case-less pattern set, for a subject that is not ASCII.
    static let subjects = PatternSet.compiled(subjectPhrases.map { BytePattern.escaped("\($0.text)") })

    /// The three MXLogic fields' bits in the header-name filter: one test for the three (nearly always
    /// absent) before each is looked up.
    private static let mxLogicFields = HeaderNameFilter.Names(["x-mx-bounce", "x-mxl-hash", "x-mxl-notehash"])

    /// "Mail Delivery System" in the From field, for `claims` (`BounceContext.fromContains`).
    @inline(__always) private static var fromMailDeliverySystem: ClaimNeedle { ClaimNeedle("Mail Delivery System") }

    func claims(_ context: BounceContext) -> Bool {
        if EximRecognizer.isThirdParty(context) { return true }
        // Two of three signs. The subject's pattern set, the dearest, is asked last and only when it
        // decides (sisimai bsd mbox x3: 6.6M instructions for this `claims`, asking all three).
        var signs = 0
        if context.fromContains(Self.fromMailDeliverySystem) { signs += 1 }
        // The String's bytes are the field's when they are ASCII (invalid UTF-8 is repaired in the String).
        let exim = context.withMessageID { $0.isASCII ? EximRecognizer.hasEximMessageID(bytes: $0.bytes) : nil }
        if exim.map({ $0 ?? EximRecognizer.hasEximMessageID(context.header("message-id") ?? "") }) == true { signs += 1 }
        if signs != 1 { return signs == 2 }
        // An ASCII subject searched lower-cased for the patterns' phrases (case-less literals, which
        // match an ASCII text exactly where its lower-cased copy holds them), most answered by the
        // subject's byte set alone; the pattern set only for another (bsd.mbox x3: 399 questions, 0.55M).
        guard context.subjectText.isASCII else { return EximRecognizer.subjects.hasMatch(in: context.subject) }
        for phrase in Self.subjectPhrases where context.subjectContainsLowercased(phrase) { return true }
        return false
    }

    /// The subject phrases of Exim's reports, lower case: searched as they are in an ASCII subject
    /// (`BounceContext.subjectContainsLowercased`), through `subjects` in another.
    static let subjectPhrases = [
        ClaimNeedle("delivery status notification"), ClaimNeedle("mail delivery failed"), ClaimNeedle("mail failure"),
        ClaimNeedle("message frozen"), ClaimNeedle("warning: message "), ClaimNeedle("error(s) in forwarding or filtering"),
    ]

    /// Exim's message id: `<XXXXXX-XXXXXX-XX@host>` (base-62 time, pid, fraction). Read in place,
    /// without the spaces, tabs, CR and LF around it (as `trimmed` cuts).
    static func hasEximMessageID(_ id: String) -> Bool {
        var id = id
        return id.withUTF8(hasEximMessageID(bytes:))
    }

    /// `hasEximMessageID(_:)` of the String with these UTF-8 bytes.
    static func hasEximMessageID(bytes all: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = 0, end = all.count
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        while start < end, blank(all[start]) { start += 1 }
        while end > start, blank(all[end - 1]) { end -= 1 }
        let u = UnsafeBufferPointer(rebasing: all[start..<end])
        // The first "-" at 8 and the first "@" at 18: the two bytes there tested first, then the ones
        // before them (`firstIndex(of:)` of each walked the whole id, which most are not: bsd.mbox x3,
        // 1,356 calls, 0.29M instructions).
        guard u.count > 19, u[0] == UInt8(ascii: "<"), u[8] == UInt8(ascii: "-"), u[18] == UInt8(ascii: "@") else { return false }
        for k in 1..<18 where u[k] == UInt8(ascii: "@") || (k < 8 && u[k] == UInt8(ascii: "-")) { return false }
        return true
    }

    /// Whether an MXLogic field is present or the Message-ID holds "<mxl~" (MXLogic's reports). The
    /// fields asked only when the header-name filter may hold one; the Message-ID read as bytes
    /// (`BounceContext.withMessageID`), no String of it made (looked up by name and searched as a
    /// String in `recognize`: bsd.mbox x3, 165 calls, 0.23M).
    static func isThirdParty(_ context: BounceContext) -> Bool {
        (context.mayHaveAnyHeader(of: mxLogicFields) && (context.header("x-mx-bounce") != nil || context.header("x-mxl-hash") != nil
            || context.header("x-mxl-notehash") != nil))
            || context.withMessageID({ $0.has(UInt8(ascii: "~")) && $0.contains("<mxl~") }) == true
    }

    static let startPhrases = [
        "This message was created automatically by mail delivery software.",
        "A message that you sent was rejected by the local scannning code",
        "A message that you sent contained one or more recipient addresses ",
        "A message that you sent could not be delivered to all of its recipients",
        " has been frozen", " was frozen on arrival", " router encountered the following error(s):",
    ]
    static let frozen = [" has been frozen", " was frozen on arrival"]
    static let endPhrases = ["------ This is a copy of ", "----- This is a copy of ", "Included is a copy of the message header:"]

    /// Exim's own messages and the reason each means (exim/src: route.c, transports/*.c, parser.c, deliver.c).
    static let ownMessages: [(Reason, [String])] = [
        (.userUnknown, ["user not found"]),
        (.hostUnknown, ["all host address lookups failed permanently", "all relevant MX records point to non-existent hosts", "Unrouteable address"]),
        (.mailboxFull, ["mailbox is full", "error: quota exceed"]),
        (.notAccept, ["an MX or SRV record indicated no SMTP service", "no host found for existing SMTP connection"]),
        (.syntaxError, ["angle-brackets nested too deep", "expected word or \"<\"", "domain missing in source-routed address", "malformed address:"]),
        (.systemError, ["delivery to file forbidden", "delivery to pipe forbidden", "local delivery failed", "LMTP error after "]),
        (.contentError, ["Too many \"Received\" headers"]),
    ]
    /// Delay and retry wording (retry.c, deliver.c, smtp.c): the reason is `expired`.
    static let delayed = [
        "retry timeout exceeded", "No action is required on your part",
        "retry time not reached for any host after a long failure period",
        "all hosts have been failing for a long time and were last tried", "Delay reason: ", "has been frozen",
        "was frozen on arrival by ",
    ]

    func recognize(_ context: BounceContext) -> Finding? {
        let thirdParty = EximRecognizer.isThirdParty(context)
        // A report in parts: a multipart with a delivery-status part (every such Exim report of the corpus;
        // a plain-text one that a gateway wrapped in a multipart/mixed reads as it did unwrapped).
        let multipart = context.message.root.isMultipart && context.deliveryStatusPart != nil
        // records[0] exists before any address is seen, as text and DSN fields may precede it
        // ("  kijitora" without a domain: lhost-exim-04; a pipe recipient: lhost-exim-44).
        var a = Account()
        // The account starts at the first line holding a start phrase (one search of the text for each,
        // `LineSearch`) and ends before the first line starting with an end phrase, which may come first.
        // (Each line made a String and asked for the three end and seven start phrases before the start:
        // sisimai bsd mbox x3, EximRecognizer.recognize 13.73M -> 12.43M.) A text holding no start phrase
        // has no account: its lines are not read.
        var native = context.text
        native.makeContiguousUTF8()
        let text = native
        if let startOffset = LineSearch.firstOffset(ofAnyOf: EximRecognizer.startPhrases, in: text) {
            var reading = text
            reading.withUTF8 { t in
                // Room for every line of the text and a space each (`TextRun`).
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: t.count + 1) { scratch in
                    Self.readAccount(t, of: text, from: startOffset, multipart: multipart, thirdParty: thirdParty,
                                     scratch: scratch, into: &a)
                }
            }
        }
        // The walk's arrays taken out of `a` (a copy would share their buffers, copied at the first write).
        var records: [RecipientFinding] = [], another: [String] = []
        swap(&records, &a.records)
        swap(&another, &a.another)
        var assigned = a.assigned
        if assigned == 0, let failed = context.header("x-failed-recipients") {
            for a in failed.splitSlices(separator: UInt8(ascii: ",")) {
                let address = Addresses.bare(String(a))
                guard Addresses.isAddress(address) else { continue }
                if assigned == 0 { records[0].recipient = address } else { records.append(RecipientFinding(recipient: address)); another.append("") }
                assigned += 1
            }
        }
        if let first = records.first, first.recipient.isEmpty, let alias = first.originalRecipient { records[0].recipient = alias }
        guard assigned > 0 || !(records.first?.recipient.isEmpty ?? true) else { return nil }
        for i in records.indices {
            if !records[i].recipient.contains("@"), let alias = records[i].originalRecipient { records[i].recipient = alias }
            if records[i].diagnostic.isEmpty && multipart { records[i].diagnostic = records[0].diagnostic }
            if i < another.count, !another[i].isEmpty {
                let alt = Diagnostic.sweep(another[i])
                let d = records[i].diagnostic
                if d.isEmpty || d.hasPrefix("-") || d.hasSuffix("__") { records[i].diagnostic = alt }
                else if d.utf8.count < alt.utf8.count, alt.containsIgnoringCase(Diagnostic.sweep(d)) { records[i].diagnostic = alt }
            }
            var d = Diagnostic.sweep(records[i].diagnostic)
            if let cut = d.firstRange(of: "__") { d = String(d[..<cut.lowerBound]) }
            records[i].diagnostic = d
            EximRecognizer.decide(&records[i])
        }
        return Finding(recipients: records)
    }

    /// What the line walk gathers: a record for each failed address (the first before any), the text
    /// of each that another wording gives (`another`), how many addresses were read.
    private struct Account {
        var records: [RecipientFinding] = [RecipientFinding(recipient: "")]
        var another: [String] = [""]
        var assigned = 0
        var afterStatusPart = false

        /// The run's bytes appended to the String they were gathered for (the last record's diagnostic
        /// in a text of one part, its `another` in a multipart one), before anything else reads or writes it.
        mutating func flush(_ run: inout TextRun, multipart: Bool) {
            guard !run.isEmpty else { return }
            if multipart { another[another.count - 1].append(contentsOf: run.take()) }
            else { records[records.count - 1].diagnostic.append(contentsOf: run.take()) }
        }
    }

    /// The line loop of `recognize` over the bytes `t` of `text`, from the line holding `startOffset`
    /// to the first line starting with an end phrase.
    ///
    /// The lines are walked on the text's bytes (memchr for each LF), not read from
    /// `BounceContext.lines`: a line is made a Substring only when it names an address, a "generated"
    /// alias, a frozen message or a DSN field, and the lines a record's text gathers are appended as
    /// bytes (`TextRun`), one String a record. (Each line a Substring, each appended to a String with a
    /// space: bsd.mbox x3, 2,388 lines, 930 appends.) The state is one `inout` value, not variables
    /// captured by the closures around the loop (each access checked for exclusivity at run time: ~2,400
    /// `swift_beginAccess` calls, 0.21M instructions).
    private static func readAccount(_ t: UnsafeBufferPointer<UInt8>, of text: String, from startOffset: Int, multipart: Bool,
                                    thirdParty: Bool, scratch: UnsafeMutableBufferPointer<UInt8>, into a: inout Account) {
        guard let base = t.baseAddress else { return }
        /// Line `s..<e` of the text as a Substring.
        func slice(_ s: Int, _ e: Int) -> Substring {
            let u = text.utf8
            return Substring(u[u.index(u.startIndex, offsetBy: s)..<u.index(u.startIndex, offsetBy: e)])
        }
        var run = TextRun(scratch)
        // No line holds a phrase the text does not hold (the lines are the text's, cut at LF, and
        // no phrase holds an LF): the text from the start line on is asked once for each, and the
        // lines only for those it holds (each line asked for all five: bsd.mbox x3, ~5,000
        // String.contains calls).
        var startLine = startOffset
        while startLine > 0, t[startLine - 1] != ASCII.lineFeed { startLine -= 1 }
        let account = UnsafeBufferPointer(rebasing: t[startLine...])
        let textUndisclosed = Self.has(" an undisclosed address", in: account)
        // The two "generated" and the two "frozen" phrases asked only of a text holding the word
        // they share (one search, not two, of most texts: bsd.mbox x3, EximRecognizer.recognize
        // 7.93M -> 7.68M).
        let textGenerated = Self.has("generated ", in: account)
            && (Self.has(" (generated from ", in: account) || Self.has(" generated by ", in: account))
        let textFrozen = Self.has(" frozen", in: account)
            && (Self.has(" has been frozen", in: account) || Self.has(" was frozen on arrival", in: account))
        let count = t.count
        var s = 0
        while s <= count {
            let e = memchr(base + s, Int32(ASCII.lineFeed), count - s).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? count
            defer { s = e + 1 }
            let line = UnsafeBufferPointer(rebasing: t[s..<e])
            if Self.endLines.startAny(line) { break }
            if e < startOffset || line.isEmpty { continue }
            // The first "@", ".", ":" and the third byte (memchr for each: a byte loop finding all
            // three cost ~640 instructions a line, 0.81M; EximRecognizer.recognize 11.38M -> 10.71M).
            // With them the leading spaces, up to two, for the line's `hasPrefix("  ")` and `hasPrefix(" ")`.
            func first(_ byte: UInt8) -> Int? {
                memchr(base + s, Int32(byte), line.count).map { UnsafeRawPointer($0) - UnsafeRawPointer(base + s) }
            }
            let space = UInt8(ascii: " ")
            let indent = line[0] != space ? 0 : line.count > 1 && line[1] == space ? 2 : 1
            let third: UInt8? = line.count > 2 ? line[2] : nil
            var isAddressLine = indent == 2 && (first(UInt8(ascii: "@")) ?? 0) >= 2 && (first(UInt8(ascii: ".")) ?? 0) >= 2
                && !Self.has("pipe to |", in: line)
                && third != nil && third != space && (thirdParty || third != UInt8(ascii: "<"))
            let undisclosed = textUndisclosed && Self.has(" an undisclosed address", in: line)
            if undisclosed { isAddressLine = true }
            if isAddressLine {
                let line = slice(s, e)
                var address = ""
                var diagnostic = ""
                if undisclosed {
                    address = String(line.dropFirst(2))
                } else if let lt = line.utf8.firstIndex(of: UInt8(ascii: "<")), let close = line[lt...].firstRange(of: ">:") {
                    address = Addresses.bare(String(line[line.index(after: lt)..<close.lowerBound]))
                    diagnostic = Diagnostic.sweep(String(line[close.upperBound...]))
                } else {
                    let body = line.dropFirst(2)
                    let end = body.lastRange(of: ": ")?.lowerBound ?? body.endIndex
                    address = Addresses.bare(String(body[..<end]))
                }
                if !undisclosed && !Addresses.isAddress(address) { continue }
                a.flush(&run, multipart: multipart)
                if a.assigned > 0, let last = a.records.last, last.recipient != address {
                    a.records.append(RecipientFinding(recipient: address))
                    a.another.append("")
                }
                a.records[a.records.count - 1].recipient = address
                a.assigned += 1
                if !diagnostic.isEmpty { a.records[a.records.count - 1].diagnostic = diagnostic }
                continue
            }
            if textGenerated, Self.has(" (generated from ", in: line) || Self.has(" generated by ", in: line) {
                if let token = String(slice(s, e)).splitSlices(separator: UInt8(ascii: " ")).first(where: { $0.contains("@") }) {
                    a.records[a.records.count - 1].originalRecipient = Addresses.bare(String(token))
                }
                continue
            }
            if textFrozen, Self.has(" has been frozen", in: line) || Self.has(" was frozen on arrival", in: line) {
                a.flush(&run, multipart: multipart)
                a.another[a.another.count - 1] = String(slice(s, e)) + " "
                continue
            }
            if multipart {
                // A DSN field's name told on the bytes before the colon: a name that is not ASCII
                // is none of those below, lower-cased or not (no ASCII letter comes of lower-casing
                // a.another character but for "k" from U+212A, which none holds).
                if indent == 0, let colonOffset = first(UInt8(ascii: ":")),
                   let field = Self.field(named: UnsafeBufferPointer(rebasing: line[..<colonOffset])) {
                    let line = slice(s, e)
                    let colon = line.utf8.index(line.utf8.startIndex, offsetBy: colonOffset)
                    // The value is made only for the names below (most lines with a colon are prose),
                    // trimmed from the line's slice: a String of the slice, then its trimmed copy, made
                    // two (bsd.mbox x3: `recognize` 3.00M -> 2.93M instructions).
                    var value: String { line[line.index(after: colon)...].trimmed }
                    a.flush(&run, multipart: multipart)
                    switch field {
                    case .diagnosticCode:
                        let t = TypedValue(value)
                        a.records[a.records.count - 1].diagnosticType = t.type?.uppercased()
                        a.records[a.records.count - 1].diagnostic = t.value
                    case .status:
                        if let s = EnhancedStatusCode(value.splitSlices(separator: UInt8(ascii: " ")).first.map(String.init) ?? "") { a.records[a.records.count - 1].status = s }
                    case .action:
                        a.records[a.records.count - 1].action = DeliveryAction(field: value)
                    case .remoteMTA:
                        a.records[a.records.count - 1].remoteMTA = TypedValue(value).value
                    case .finalRecipient:
                        if a.records[a.records.count - 1].diagnosticType == nil {
                            a.records[a.records.count - 1].diagnosticType = value.contains("@") ? "SMTP" : "X-UNIX"
                        }
                    case .contentType:
                        if value.lowercased().hasPrefix("message/delivery-status") { a.afterStatusPart = true }
                    case .other:
                        break
                    }
                    continue
                }
                if a.afterStatusPart { continue }
                if indent > 0 { run.append(line, then: space) }
            } else if a.assigned > 0 || indent == 2 {
                run.append(space, then: line)
            }
        }
        a.flush(&run, multipart: multipart)
    }

    /// The end phrases, for the line walk's `hasPrefix` on bytes.
    private static let endLines = LinePrefixes(endPhrases)

    /// Whether `needle`'s bytes occur in `bytes` (the package's byte `contains`).
    @inline(__always)
    private static func has(_ needle: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        needle.withUTF8Buffer { ByteSubstring.firstOffset(of: $0, in: bytes) != nil }
    }

    /// The DSN fields a multipart Exim text's lines may carry, as the line loop reads them.
    private enum Field { case diagnosticCode, status, action, remoteMTA, finalRecipient, contentType, other }

    /// The field `name` (the bytes before a line's colon) is, lower-cased; nil for any other name.
    /// An ASCII name is lower-cased byte by byte (as `lowercased()` does it); any other is none of
    /// these names (lower-casing turns no other character into ASCII letters but U+212A into "k",
    /// which no name holds).
    private static func field(named name: UnsafeBufferPointer<UInt8>) -> Field? {
        // The names are 6 to 25 bytes long; a longer or shorter one is prose.
        guard name.count >= 6, name.count <= 25, ASCII.isASCII(name) else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: name.count) { lower -> Field? in
            for i in 0..<name.count { lower[i] = ASCII.lowercased(name[i]) }
            let lowered = UnsafeBufferPointer(lower)
            for (candidate, field) in fieldNames where candidate.count == lowered.count {
                if candidate.withUnsafeBufferPointer({ memcmp($0.baseAddress!, lowered.baseAddress!, lowered.count) == 0 }) { return field }
            }
            return nil
        }
    }

    /// The names `field(named:)` knows, lower case, with their fields.
    private static let fieldNames: [([UInt8], Field)] = ([
        ("diagnostic-code", .diagnosticCode), ("status", .status), ("action", .action), ("remote-mta", .remoteMTA),
        ("final-recipient", .finalRecipient), ("content-type", .contentType), ("reporting-mta", .other),
        ("arrival-date", .other), ("x-actual-recipient", .other), ("original-recipient", .other),
        ("last-attempt-date", .other), ("content-description", .other), ("content-transfer-encoding", .other),
        ("will-retry-until", .other),
    ] as [(String, Field)]).map { (Array($0.0.utf8), $0.1) }

    /// `ownMessages` and `delayed` with their phrases' bytes, for `decide`'s screened searches.
    private static let screenedOwnMessages = ScreenedTable(ownMessages)
    private static let screenedDelayed = ScreenedTable([(Reason.expired, delayed)])

    /// Exim's own reading of one record: command, reason from its wording, pseudo status code.
    static func decide(_ r: inout RecipientFinding) {
        let d = r.diagnostic
        if r.command == nil, d.contains("SMTP error from remote ") || d.contains("LMTP error after ") {
            r.command = SMTPCommandFinder.find(in: d)
        }
        switch r.command {
        case .ehlo, .helo: r.reason = .blocked
        case .mail: r.reason = .onHold
        default:
            // The 24 phrases asked only where the diagnostic may hold their bytes (`ScreenedText`: each
            // searched, bsd.mbox x3, ~2,900 searches: decide 1.41M -> 0.99M).
            let screened = ScreenedText(d)
            if let reason = screened.firstMeaning(in: screenedOwnMessages) { r.reason = reason }
            if r.reason == nil {
                if let expired = screened.firstMeaning(in: screenedDelayed) { r.reason = expired }
                else if d.contains("pipe to |") { r.reason = .mailerError }
            }
        }
        let reply = ReplyCode.find(in: d, statusClass: r.status?.statusClass)
        let inText = EnhancedStatusCode.find(in: d, statusClass: reply?.replyClass)
        let temporary = reply?.replyClass == 4 || r.reason == .expired || r.reason == .mailboxFull
        let pseudo = r.reason?.pseudoStatus(temporary: temporary)
        if r.replyCode == nil { r.replyCode = reply }
        if r.status == nil { r.status = EnhancedStatusCode.prefer(field: inText, inText: pseudo, replyCode: reply) }
    }
}

extension Substring {
    /// The last occurrence of `needle`.
    func lastRange(of needle: String) -> Range<Substring.Index>? {
        var found: Range<Substring.Index>? = nil
        var rest = self[...]
        while let r = rest.firstRange(of: needle) {
            found = r
            rest = rest[r.upperBound...]
        }
        return found
    }
}
