@testable import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// `V5sendmailRecognizer.address(inLine:)` reads ASCII lines by their bytes and
/// `V5sendmailRecognizer.recognize` turns lines away by their first byte and keeps the commands and
/// replies in arrays. Both are held to the Character reading and the loop as they were
/// (`OldV5sendmail`) over every sisimai bsd message, its variants and generated lines.
@Suite struct V5sendmailLineTests {
    /// Lines made of pieces: ASCII and other digits (Arabic-Indic, fullwidth, a fraction, a digit with
    /// a combining mark), blanks, CR, 8-bit letters, addresses with and without their '>' and "...".
    static func generatedLines(count: Int) -> [String] {
        let pieces = ["5", "4", "0", "\u{665}", "\u{FF15}", "\u{BD}", "5\u{301}", " ", "\t", "  ", "\r", "\r\n",
                      "<", ">", "...", "..", ".", "<a@b.example>", "<kijitora@example.edu>... ", "x", "\u{E9}",
                      "@", "Remote protocol error", "<\u{E9}@b.example>", "\u{600}", ":", ">>> RCPT To:", "<<< 550 "]
        var generator = SystemRandomNumberGenerator()
        var lines: [String] = ["", "554", "554 ", "554 <a@b.example>...", "554 <a@b.example>..", "554\t<a@b.example>... x",
                               "554  \t <a@b.example>...", "\u{665}\u{665}\u{664} <a@b.example>...", "55 <a@b.example>...",
                               "5545 <a@b.example>...", "554 <a@b.example>... \r", "554 <a@b.example> ...", "554 <>...",
                               "554 <a@b.example>\u{301}...", "554\r <a@b.example>...", "554 <a@b.example>...\u{E9}"]
        for _ in 0..<count {
            var line = ""
            if Bool.random(using: &generator) { line = "554 " }
            for _ in 0..<Int.random(in: 0...7, using: &generator) { line += pieces.randomElement(using: &generator)! }
            lines.append(line)
        }
        return lines
    }

    @Test func addressAgreesWithTheCharacterReading() throws {
        var lines = Self.generatedLines(count: 20_000)
        if Corpus.isAvailable {
            for (_, bytes) in try RecognizerLineLoopTests.bsdMessages() {
                for variant in RecognizerLineLoopTests.variants(bytes) {
                    let text = String(decoding: variant, as: UTF8.self)
                    for line in text.lineSlices { lines.append(line.trimmed) }
                }
            }
        }
        var addresses = 0
        for line in lines {
            let old = V5sendmailRecognizer.addressByCharacters(inLine: line)
            #expect(V5sendmailRecognizer.address(inLine: line) == old, "\(Array(line.utf8))")
            if old != nil { addresses += 1 }
        }
        #expect(addresses > 100)
    }

    @Test func recognizeAsTheOldLoopDid() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        var found = 0
        var messages = try RecognizerLineLoopTests.bsdMessages().map(\.1)
        // Commands and replies before, between and after recipients, one command cleared by a verb
        // that is none.
        messages.append(Array("""
            From: MAILER-DAEMON\nSubject: Returned mail: User unknown\n\n   ----- Transcript of session follows -----
            >>> MAIL From:<a@b.example>\n<<< 250 ok\n>>> RCPT To:<c@d.example>\n<<< 550 no such user
            550 <c@d.example>... User unknown\n>>> DATA\n>>> XXXX\n<<< 554 no
            554 <e@f.example>... Remote protocol error\n\u{665}21 x... Deferred\n.. while talking to x:
            421 example.com (smtp)... Deferred: Connection timed out\n   ----- Unsent message follows -----\nTo: g@h.example\n
            """.utf8))
        for bytes in messages {
            for variant in RecognizerLineLoopTests.variants(bytes) {
                let context = BounceContext(ParsedMessage(parsing: ArraySlice(variant)))
                let old = BounceContext(ParsedMessage(parsing: ArraySlice(variant)))
                let finding = V5sendmailRecognizer().recognize(context)
                #expect(RecognizerLineLoopTests.described(finding) == RecognizerLineLoopTests.described(OldV5sendmail.recognize(old)))
                if finding != nil { found += 1 }
            }
        }
        #expect(found > 10)
    }
}

/// `V5sendmailRecognizer.recognize` as it was before the byte reading (the reference of the tests above).
enum OldV5sendmail {
    static func recognize(_ context: BounceContext) -> Finding? {
        guard context.lines.contains(where: { line in V5sendmailRecognizer.unsentMarkers.contains { line.trimmed.hasPrefix($0) } }) else {
            return nil
        }
        let lines = TextReport.section(context, start: ["----- Transcript of session follows -----"],
                                       stop: V5sendmailRecognizer.unsentMarkers, trimmingLeading: true)
        var recipients: [RecipientFinding] = []
        var commands: [Int: SMTPCommand] = [:]
        var replies: [Int: String] = [:]
        var another = ""
        var sessionError = false
        for line in lines {
            let t = line.trimmed
            if t.isEmpty { continue }
            if let address = V5sendmailRecognizer.addressByCharacters(inLine: t) {
                guard recipients.count < 500 else { break }
                var r = RecipientFinding(recipient: address)
                r.diagnostic = t
                if let reply = replies[recipients.count] { r.diagnostic += ": " + reply }
                recipients.append(r)
                sessionError = false
            } else if t.hasPrefix(">>>") {
                let verb = t.dropFirst(3).trimmed.prefix(4)
                commands[recipients.count] = SMTPCommand(rawValue: verb.uppercased())
            } else if t.hasPrefix("<<< ") {
                replies[recipients.count] = String(t.dropFirst(4))
            } else if !sessionError {
                if t.hasPrefix("."), t.hasSuffix(":"), t.contains(" while talking to ") { sessionError = true; continue }
                if t.count > 4, t.prefix(3).allSatisfy(\.isNumber), t.contains("...") {
                    another = t
                }
            }
        }
        if recipients.isEmpty, let a = TextReport.originalRecipient(context) {
            recipients.append(RecipientFinding(recipient: a))
        }
        for i in recipients.indices {
            recipients[i].command = commands[i]
            if recipients[i].diagnostic.isEmpty { recipients[i].diagnostic = another.isEmpty ? (replies[i] ?? "") : another }
        }
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }
}
