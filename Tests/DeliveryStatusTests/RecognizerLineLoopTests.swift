@testable import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// The line loops of `EximRecognizer`, `QmailRecognizer` and `GmailRecognizer.recognize` find their start
/// line with `LineSearch` and turn lines away by their first byte (`FirstBytes`) instead of asking every
/// line for every phrase. The loops as they were are kept below (`OldLineLoops`), and both are asked of
/// every sisimai bsd message and of variants of them (CRLF line ends, cut short, 8-bit bytes, a start
/// phrase moved to other lines, an end line put first).
@Suite struct RecognizerLineLoopTests {
    static func bsdMessages() throws -> [(String, [UInt8])] {
        let folder = Corpus.path("sisimai/maildir/bsd")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        return files.compactMap { file in
            FileManager.default.contents(atPath: folder + "/" + file).map { (file, [UInt8]($0)) }
        }
    }

    /// Variants of one message: CRLF line ends, cut in the middle, a byte 0xE9 after every "This", a
    /// start phrase in the first body line, an end line as the first body line.
    static func variants(_ bytes: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = [bytes]
        var crlf: [UInt8] = []
        for b in bytes { if b == 10 { crlf.append(13) }; crlf.append(b) }
        out.append(crlf)
        out.append(Array(bytes.prefix(bytes.count / 2)))
        out.append(Array(bytes.prefix(bytes.count * 3 / 4)))
        let text = String(decoding: bytes, as: UTF8.self)
        out.append(Array(text.replacingOccurrences(of: "This", with: "Th\u{E9}is").utf8))
        out.append(Array(text.replacingOccurrences(of: "This message", with: "This\u{301} message").utf8))
        if let blank = text.range(of: "\n\n") {
            for insert in ["Hi. This is the qmail-send program\n", "--- Below this line is a copy of the message.\n",
                           "------ This is a copy of the message\n", "x has been frozen\n", "----- Original message -----\n",
                           "Delivery to the following recipient failed\n   \u{E9}@x.example\n"] {
                var t = text
                t.insert(contentsOf: insert, at: blank.upperBound)
                out.append(Array(t.utf8))
            }
        }
        return out
    }

    static func described(_ finding: Finding?) -> String { finding.map { "\($0)" } ?? "nil" }

    @Test func recognizeAsTheOldLoopsDid() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let messages = try Self.bsdMessages()
        #expect(messages.count > 400)
        var found = (exim: 0, qmail: 0, gmail: 0)
        for (file, bytes) in messages {
            for variant in Self.variants(bytes) {
                let context = BounceContext(ParsedMessage(parsing: ArraySlice(variant)))
                let old = BounceContext(ParsedMessage(parsing: ArraySlice(variant)))
                let exim = EximRecognizer().recognize(context)
                #expect(Self.described(exim) == Self.described(OldLineLoops.exim(old)), "exim \(file)")
                let qmail = QmailRecognizer().recognize(context)
                #expect(Self.described(qmail) == Self.described(OldLineLoops.qmail(old)), "qmail \(file)")
                let gmail = GmailRecognizer().recognize(context)
                #expect(Self.described(gmail) == Self.described(OldLineLoops.gmail(old)), "gmail \(file)")
                if exim != nil { found.exim += 1 }
                if qmail != nil { found.qmail += 1 }
                if gmail != nil { found.gmail += 1 }
            }
        }
        // Each reader finds recipients in many messages: the comparison is not vacuous.
        #expect(found.exim > 100 && found.qmail > 20 && found.gmail > 20)
    }

    /// `LineSearch.firstLine` (of `TextLines` and of a context's lines) against asking each line for
    /// each phrase, over the corpus, its variants and texts cut at every byte of a phrase.
    @Test func firstLineAgreesWithTheLineByLineSearch() throws {
        func reference(_ phrases: [String], _ lines: [Substring]) -> Int? {
            lines.firstIndex { line in phrases.contains(where: { line.contains($0) }) }
        }
        let sets = [EximRecognizer.startPhrases, QmailRecognizer.starts, ["a", "ab"], ["zz", "z"], [""]]
        var texts = ["", "\n", "\n\n", "has been frozen", " has been froze", "x\n has been frozen\n",
                     "We're sorry.\nHi. This is the qmail", "\u{E9}\nHe/Her is not \r\n", "aab\nab\nzz"]
        let phrase = "Hi. This is the qmail"
        for cut in 0...phrase.utf8.count { texts.append("line\n" + String(phrase.utf8.prefix(cut))!) }
        var contexts: [BounceContext?] = texts.map { _ in nil }
        if Corpus.isAvailable {
            for (_, bytes) in try Self.bsdMessages() {
                for variant in Self.variants(bytes).prefix(3) {
                    let context = BounceContext(ParsedMessage(parsing: ArraySlice(variant)))
                    texts.append(context.text)
                    contexts.append(context)
                }
            }
        }
        var hits = 0
        for (text, context) in zip(texts, contexts) {
            let lines = text.lineSlices
            for phrases in sets {
                let expected = reference(phrases, lines)
                #expect(LineSearch.firstLine(containingAnyOf: phrases, in: TextLines(text)) == expected, "\(phrases) in \(text.prefix(80))")
                if let context {
                    #expect(LineSearch.firstLine(containingAnyOf: phrases, in: context) == expected, "\(phrases) in \(text.prefix(80))")
                }
                if expected != nil { hits += 1 }
            }
        }
        #expect(hits > 300)
    }

    /// `FirstBytes.mayStart` is true for every line that starts with one of the prefixes.
    @Test func firstBytesKeepEveryLineAPrefixStarts() {
        let sets = [EximRecognizer.endPhrases, QmailRecognizer.ends, ["\u{E9}t\u{E9}", "\u{7F}", "?", "@"], ["", "x"], []]
        var lines: [Substring] = ["", "-", "------ This is a copy of ", "Original message follows.", "\u{E9}t\u{E9}",
                                  "\u{7F}", "?x", "@", "x", "\r", "\u{E9}"]
        for b in UInt8(0)...UInt8(127) { lines.append(Substring(String(UnicodeScalar(b)))) }
        for set in sets {
            let first = FirstBytes(set)
            for line in lines {
                let starts = set.contains(where: { line.hasPrefix($0) })
                if starts { #expect(first.mayStart(line), "\(set) \(line)") }
                // Only the prefixes' first bytes pass.
                if let b = line.utf8.first, !set.contains(where: { $0.utf8.first == b || $0.isEmpty }) { #expect(!first.mayStart(line)) }
            }
        }
    }
}

/// `String.splitSlices(separator:)` against the Character split it replaces.
@Suite struct SplitSlicesTests {
    @Test func splitsAsTheCharacterSplitDoes() {
        var texts = ["", ",", " ", ",,a,,b,", "a", "a b  c ", "\u{E9},x", ",\u{301}x,y", " \u{301}a b", "a\r\n,b\r\n",
                     "\r\n\r\n", "a\rb\nc", "x@y.example, z@w.example", "\u{FF}\u{FE},"]
        // Generated strings over a small alphabet (seeded: every run reads the same inputs).
        let alphabet: [String] = ["a", ",", " ", "\r", "\n", "\t", "\u{301}", "\u{E9}", "@"]
        var generator = SplitMix64(seed: 42)
        for _ in 0..<2_000 {
            var t = ""
            for _ in 0..<generator.below(16) { t += alphabet[generator.below(alphabet.count)] }
            texts.append(t)
            texts.append(t.replacingOccurrences(of: "\u{301}", with: "b").replacingOccurrences(of: "\u{E9}", with: "c"))
        }
        for text in texts {
            for separator in [UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: "a")] {
                let expected = text.split(separator: Character(Unicode.Scalar(separator))).map(String.init)
                #expect(text.splitSlices(separator: separator).map(String.init) == expected, "\(Array(text.utf8)) \(separator)")
            }
        }
    }
}

/// The three line loops as they were before `LineSearch` and `FirstBytes`.
enum OldLineLoops {
    static func exim(_ context: BounceContext) -> Finding? {
        let thirdParty = EximRecognizer.isThirdParty(context)
        let multipart = context.message.root.isMultipart
        // records[0] exists before any address is seen, as text and DSN fields may precede it
        // ("  kijitora" without a domain: lhost-exim-04; a pipe recipient: lhost-exim-44).
        var records: [RecipientFinding] = [RecipientFinding(recipient: "")]
        var assigned = 0
        var another: [String] = [""]
        var started = false
        var afterStatusPart = false
        for raw in context.lines {
            let line = String(raw)
            if EximRecognizer.endPhrases.contains(where: { line.hasPrefix($0) }) { break }
            if !started {
                for p in EximRecognizer.startPhrases where line.contains(p) { started = true }
                if !started { continue }
            }
            if line.isEmpty { continue }
            let u = Array(line.utf8)
            let at = u.firstIndex(of: UInt8(ascii: "@")), dot = u.firstIndex(of: UInt8(ascii: "."))
            var isAddressLine = line.hasPrefix("  ") && (at ?? 0) >= 2 && (dot ?? 0) >= 2 && !line.contains("pipe to |")
                && u.count > 2 && u[2] != UInt8(ascii: " ") && (thirdParty || u[2] != UInt8(ascii: "<"))
            let undisclosed = line.contains(" an undisclosed address")
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
            if line.contains(" (generated from ") || line.contains(" generated by ") {
                if let token = line.split(separator: " ").first(where: { $0.contains("@") }) {
                    records[records.count - 1].originalRecipient = Addresses.bare(String(token))
                }
                continue
            }
            if EximRecognizer.frozen.contains(where: { line.contains($0) }) {
                another[another.count - 1] = line + " "
                continue
            }
            if multipart {
                // The colon found among the bytes (by Characters, 11,700 instructions a line).
                if let colon = line.utf8.firstIndex(of: UInt8(ascii: ":")), !line.hasPrefix(" ") {
                    let name = line[..<colon].lowercased()
                    let value = String(line[line.index(after: colon)...]).trimmed
                    switch name {
                    case "diagnostic-code":
                        let t = TypedValue(value)
                        records[records.count - 1].diagnosticType = t.type?.uppercased()
                        records[records.count - 1].diagnostic = t.value
                        continue
                    case "status":
                        if let s = EnhancedStatusCode(value.split(separator: " ").first.map(String.init) ?? "") { records[records.count - 1].status = s }
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
                if line.hasPrefix(" ") { another[another.count - 1] += line + " " }
            } else if assigned > 0 || line.hasPrefix("  ") {
                records[records.count - 1].diagnostic += " " + line
            }
        }
        if assigned == 0, let failed = context.header("x-failed-recipients") {
            for a in failed.split(separator: ",") {
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

    static func qmail(_ context: BounceContext) -> Finding? {
        // The account starts at a line holding one of `starts`: a text holding none of them has no
        // account. One search of the whole text per phrase, where the loop below searches each line for
        // every phrase (backscatter-dev: 60M instructions on the "failure notice" spam qmail is asked about).
        guard QmailRecognizer.starts.contains(where: { context.text.contains($0) }) else { return nil }
        var records: [RecipientFinding] = []
        var remoteSaid: [String] = []
        var started = false
        for raw in context.lines {
            let line = String(raw)
            if QmailRecognizer.ends.contains(where: { line.hasPrefix($0) }) { break }
            if !started { started = QmailRecognizer.starts.contains { line.contains($0) }; continue }
            if line.isEmpty { continue }
            if line.hasPrefix("<"), let close = line.firstRange(of: ">:"), line[..<close.lowerBound].contains("@") {
                let address = Addresses.bare(String(line[line.index(after: line.startIndex)..<close.lowerBound]))
                records.append(RecipientFinding(recipient: address))
                remoteSaid.append("")
                // Text after "<address>:" on the same line is part of the account.
                let rest = line[close.upperBound...].trimmed
                if !rest.isEmpty { records[records.count - 1].diagnostic = rest + " " }
            } else if !records.isEmpty {
                records[records.count - 1].diagnostic += line + " "
                if line.hasPrefix("Remote host said:") { remoteSaid[remoteSaid.count - 1] = line }
            }
        }
        guard !records.isEmpty else { return nil }
        for i in records.indices {
            let d = Diagnostic.sweep(records[i].diagnostic)
            records[i].diagnostic = d
            for (command, phrases) in QmailRecognizer.commands where phrases.contains(where: { d.contains($0) }) {
                records[i].command = command
                break
            }
            if records[i].command == nil, d.contains("no SMTP connection got far enough") { records[i].command = SMTPCommandFinder.find(in: d) }
            if records[i].command == .ehlo || records[i].command == .helo {
                records[i].reason = .blocked
            } else if let a = d.firstRange(of: " does not like recipient."), d[a.upperBound...].contains("this message has been in the queue too long.") {
                records[i].reason = .onHold
            } else {
                search: for text in [remoteSaid[i], d] where !text.isEmpty {
                    for (reason, phrases) in QmailRecognizer.ownMessages where phrases.contains(where: { text.contains($0) }) {
                        records[i].reason = reason
                        break search
                    }
                    if text.contains("this message has been in the queue too long.") { records[i].reason = .expired; break }
                }
            }
            if records[i].command == nil { records[i].command = SMTPCommandFinder.find(in: d) }
        }
        return Finding(recipients: records)
    }

    static func gmail(_ context: BounceContext) -> Finding? {
        var records: [RecipientFinding] = []
        var current = RecipientFinding(recipient: "")
        var started = false
        for raw in context.lines {
            if raw.hasPrefix("----- Original message -----") || raw.hasPrefix("----- Message header follows -----") { break }
            if !started { started = raw.hasPrefix("Delivery to the following recipient") }
            if !started || raw.isEmpty { continue }
            if raw.hasPrefix(" "), raw.contains("@") {
                if !current.recipient.isEmpty { records.append(current); current = RecipientFinding(recipient: "") }
                let a = Addresses.bare(raw.trimmed)
                if Addresses.isAddress(a) { current.recipient = a }
            } else {
                current.diagnostic += raw + " "
            }
        }
        if !current.recipient.isEmpty { records.append(current) }
        guard !records.isEmpty else { return nil }
        for i in records.indices {
            let d = Diagnostic.sweep(records[i].diagnostic)
            records[i].diagnostic = d
            if let open = d.firstRange(of: " (state "), let close = d[open.upperBound...].firstIndex(of: ")"),
               let (command, reason) = GmailRecognizer.states[String(d[open.upperBound..<close])] {
                records[i].command = command
                records[i].reason = reason
            }
            if records[i].reason == nil {
                for (reason, phrases) in GmailRecognizer.ownMessages where phrases.contains(where: { d.contains($0) }) {
                    records[i].reason = reason
                    break
                }
            }
            guard records[i].reason != nil else { continue }
            // A code in the text overrides the reason, unless it is a vague X.0.Y.
            if let s = EnhancedStatusCode.find(in: d) {
                records[i].status = s
                if !s.description.contains(".0"), let r = Reason(status: s) { records[i].reason = r }
            }
        }
        return Finding(recipients: records)
    }
}
