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
    private static let fromMailDeliverySystem = ClaimNeedle("Mail Delivery System")

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
        let multipart = context.message.root.isMultipart
        // records[0] exists before any address is seen, as text and DSN fields may precede it
        // ("  kijitora" without a domain: lhost-exim-04; a pipe recipient: lhost-exim-44).
        var records: [RecipientFinding] = [RecipientFinding(recipient: "")]
        var assigned = 0
        var another: [String] = [""]
        var afterStatusPart = false
        // The account starts at the first line holding a start phrase (one search of the text for each,
        // `LineSearch`) and ends before the first line starting with an end phrase, which may come first.
        // (Each line made a String and asked for the three end and seven start phrases before the start:
        // sisimai bsd mbox x3, EximRecognizer.recognize 13.73M -> 12.43M.)
        let lines = context.lines
        let startLine = LineSearch.firstLine(containingAnyOf: EximRecognizer.startPhrases, in: context) ?? lines.count
        let ends = FirstBytes(EximRecognizer.endPhrases)
        // No line holds a phrase the text does not hold (the lines are the text's, cut at LF, and no
        // phrase holds an LF): the text is asked once for each, and the lines only for those it holds
        // (each line asked for all five: bsd.mbox x3, ~5,000 String.contains calls).
        let text = context.text
        let textUndisclosed = text.contains(" an undisclosed address")
        // The two "generated" and the two "frozen" phrases asked only of a text holding the word they
        // share (one search, not two, of most texts: bsd.mbox x3, EximRecognizer.recognize 7.93M -> 7.68M).
        let textGenerated = text.contains("generated ") && (text.contains(" (generated from ") || text.contains(" generated by "))
        let textFrozen = text.contains(" frozen") && EximRecognizer.frozen.contains(where: { text.contains($0) })
        for (index, raw) in lines.enumerated() {
            if ends.mayStart(raw), EximRecognizer.endPhrases.contains(where: { raw.hasPrefix($0) }) { break }
            if index < startLine || raw.isEmpty { continue }
            // The line read as the text's slice: a String is made only of what a record keeps (a String
            // of each line: bsd.mbox x3, 1,590 copies and their frees).
            var line = raw
            // The first "@", ".", ":" and the third byte, read in place in one pass (an Array of the bytes
            // was made for the first two, and the colon was found by walking the UTF-8 view: 1,293 Arrays
            // and 369 walks of ~950 instructions on the bsd mbox x3).
            // (memchr for each: a byte loop finding all three cost ~640 instructions a line, 0.81M; EximRecognizer.recognize 11.38M -> 10.71M.)
            // With them the leading spaces, up to two, for the line's `hasPrefix("  ")` and `hasPrefix(" ")`
            // (a Substring's `hasPrefix` cost ~360 instructions a call, 2,205 calls on bsd.mbox x3).
            let (at, dot, colonOffset, third, indent) = line.withUTF8 { u -> (Int?, Int?, Int?, UInt8?, Int) in
                guard let base = u.baseAddress else { return (nil, nil, nil, nil, 0) }
                func first(_ byte: UInt8) -> Int? {
                    memchr(base, Int32(byte), u.count).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) }
                }
                let space = UInt8(ascii: " ")
                let indent = u[0] != space ? 0 : u.count > 1 && u[1] == space ? 2 : 1
                return (first(UInt8(ascii: "@")), first(UInt8(ascii: ".")), first(UInt8(ascii: ":")), u.count > 2 ? u[2] : nil, indent)
            }
            var isAddressLine = indent == 2 && (at ?? 0) >= 2 && (dot ?? 0) >= 2 && !line.contains("pipe to |")
                && third != nil && third != UInt8(ascii: " ") && (thirdParty || third != UInt8(ascii: "<"))
            let undisclosed = textUndisclosed && line.contains(" an undisclosed address")
            if undisclosed { isAddressLine = true }
            if isAddressLine {
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
                if assigned > 0, let last = records.last, last.recipient != address {
                    records.append(RecipientFinding(recipient: address))
                    another.append("")
                }
                records[records.count - 1].recipient = address
                assigned += 1
                if !diagnostic.isEmpty { records[records.count - 1].diagnostic = diagnostic }
                continue
            }
            if textGenerated, line.contains(" (generated from ") || line.contains(" generated by ") {
                if let token = String(line).splitSlices(separator: UInt8(ascii: " ")).first(where: { $0.contains("@") }) {
                    records[records.count - 1].originalRecipient = Addresses.bare(String(token))
                }
                continue
            }
            if textFrozen, EximRecognizer.frozen.contains(where: { line.contains($0) }) {
                another[another.count - 1] = String(line) + " "
                continue
            }
            if multipart {
                // The colon found among the bytes (by Characters, 11,700 instructions a line).
                if let colonOffset, indent == 0 {
                    let colon = line.utf8.index(line.utf8.startIndex, offsetBy: colonOffset)
                    let name = line[..<colon].lowercased()
                    // The value is made only for the names below (most lines with a colon are prose).
                    var value: String { String(line[line.index(after: colon)...]).trimmed }
                    switch name {
                    case "diagnostic-code":
                        let t = TypedValue(value)
                        records[records.count - 1].diagnosticType = t.type?.uppercased()
                        records[records.count - 1].diagnostic = t.value
                        continue
                    case "status":
                        if let s = EnhancedStatusCode(value.splitSlices(separator: UInt8(ascii: " ")).first.map(String.init) ?? "") { records[records.count - 1].status = s }
                        continue
                    case "action":
                        records[records.count - 1].action = DeliveryAction(field: value)
                        continue
                    case "remote-mta":
                        records[records.count - 1].remoteMTA = TypedValue(value).value
                        continue
                    case "final-recipient":
                        if records[records.count - 1].diagnosticType == nil {
                            records[records.count - 1].diagnosticType = value.contains("@") ? "SMTP" : "X-UNIX"
                        }
                        continue
                    case "reporting-mta", "arrival-date", "x-actual-recipient", "original-recipient", "last-attempt-date",
                         "content-type", "content-description", "content-transfer-encoding", "will-retry-until":
                        if name == "content-type" && value.lowercased().hasPrefix("message/delivery-status") { afterStatusPart = true }
                        continue
                    default: break
                    }
                }
                if afterStatusPart { continue }
                if indent > 0 {
                    another[another.count - 1].append(contentsOf: line)
                    another[another.count - 1].append(" ")
                }
            } else if assigned > 0 || indent == 2 {
                records[records.count - 1].diagnostic.append(" ")
                records[records.count - 1].diagnostic.append(contentsOf: line)
            }
        }
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
