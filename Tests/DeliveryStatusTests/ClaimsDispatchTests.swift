import BytePatterns
@testable import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// The recognisers' `claims` read the Subject, From and Message-ID as bytes (`ClaimText`,
/// `BounceContext.fromContainsLowercased`, `withMessageID`, `headerValueContains`) instead of asking
/// Strings: each `claims` must answer as its String form did. The String forms are kept below as they
/// were (`Reference`), and both are asked of every sisimai bsd message and of generated headers that
/// differ from the literals the claims look for in case, blanks, folding, a combining mark after them,
/// U+212A KELVIN SIGN in place of K, invalid UTF-8 and encoded words.
@Suite struct ClaimsDispatchTests {
    /// The `claims` of the recognisers whose claims now read bytes, as they were written over Strings.
    enum Reference {
        /// Whether the From's display name starts with `prefix`, quoted or not (`ClaimText.hasNamePrefix`:
        /// an encoded word decodes without the quotes; Amavis, 1&1, X1 and X3 asked it quoted only).
        static func nameHasPrefix(_ from: String, _ prefix: String) -> Bool {
            from.hasPrefix(prefix) || from.hasPrefix("\"" + prefix)
        }

        static func oldAmavis(_ context: BounceContext) -> Bool {
            nameHasPrefix(context.from, "Content-filter at ")
        }

        static func oldApacheJames(_ context: BounceContext) -> Bool {
            if context.subject == "[BOUNCE]" { return true }
            if context.header("message-id")?.contains(".JavaMail.") == true { return true }
            if context.receivedContains("JAMES SMTP Server") { return true }
            // James's notify mailets: "Re:" and the subject with no blank between, both headings in the
            // raw body's first 64 KiB (added with the claim, 2026-12-05: lhost-verizon-02 claims here too,
            // Verizon being asked first).
            let subject = context.subject
            guard subject.hasPrefix("Re:"), let fourth = subject.utf8.dropFirst(3).first, fourth != 32, fourth != 9 else { return false }
            let body = String(decoding: context.message.root.body.prefix(64 * 1024), as: UTF8.self)
            return body.contains("Error message below:") && body.contains("Message details:")
        }

        static func oldBarracuda(_ context: BounceContext) -> Bool {
            context.subject.contains("our bulk email filter")
        }

        static func oldBigfoot(_ context: BounceContext) -> Bool {
            context.from.contains("@bigfoot.com>") || context.receivedContains(".bigfoot.com ")
        }

        static func oldBiglobe(_ context: BounceContext) -> Bool {
            guard context.subject.hasPrefix("Returned mail:") else { return false }
            let from = context.lowercaseFrom
            return ["postmaster@biglobe.ne.jp", "postmaster@inacatv.ne.jp", "postmaster@tmtv.ne.jp", "postmaster@ttv.ne.jp"]
                .contains { from.contains($0) }
        }

        static func oldCourier(_ context: BounceContext) -> Bool {
            if context.from.contains("Courier mail server at ") { return true }
            if context.subject.contains("NOTICE: mail delivery status.") || context.subject.contains("WARNING: delayed mail.") { return true }
            return context.header("message-id")?.trimmed.hasPrefix("<courier.") == true
        }

        static func oldDomino(_ context: BounceContext) -> Bool {
            let s = context.subject
            return (s.hasPrefix("DELIVERY FAILURE:") || s.hasPrefix("DELIVERY_FAILURE:")) && context.deliveryStatusPart == nil
        }

        static func oldEZweb(_ context: BounceContext) -> Bool {
            var signs = 0
            if context.from.contains("Postmaster@ezweb.ne.jp") || context.from.contains("Postmaster@au.com") { signs += 1 }
            if context.subject == "Mail System Error - Returned Mail" { signs += 1 }
            if let id = context.header("message-id")?.trimmed, id.hasSuffix(".ezweb.ne.jp>") || id.hasSuffix(".au.com>") { signs += 1 }
            // The Received fields, searched last, make at most one sign: asked only when it decides.
            if signs != 1 { return signs >= 2 }
            return context.receivedContains("ezweb.ne.jp (EZweb Mail) with") || context.receivedContains(".au.com (")
        }

        static func oldEinsUndEins(_ context: BounceContext) -> Bool {
            nameHasPrefix(context.from, "Mail Delivery System") && context.lowercaseFrom.contains("kundenserver")
                && context.subject == "Mail delivery failed: returning message to sender"
                && context.header("x-gmx-antispam") == nil
        }

        static func oldExchange2007(_ context: BounceContext) -> Bool {
            ["Undeliverable:", "Non_remis_", "Non remis:", "Non remis :", "Non recapitabile:"].contains { context.subject.hasPrefix($0) }
                && context.header("content-language") != nil
                && context.header("x-ms-exchange-crosstenant-originalarrivaltime") == nil
                && context.header("x-ms-exchange-crosstenant-fromentityheader") == nil
        }

        static func oldExim(_ context: BounceContext) -> Bool {
            let thirdParty = EximRecognizer.isThirdParty(context)
            if thirdParty { return true }
            // Two of three signs. The subject's pattern set, the dearest, is asked last and only when it
            // decides (sisimai bsd mbox x3: 6.6M instructions for this `claims`, asking all three).
            var signs = 0
            if context.from.contains("Mail Delivery System") { signs += 1 }
            if EximRecognizer.hasEximMessageID(context.header("message-id") ?? "") { signs += 1 }
            if signs != 1 { return signs == 2 }
            return EximRecognizer.subjects.hasMatch(in: context.subject)
        }

        static func oldFeedbackReport(_ context: BounceContext) -> Bool {
            let type = context.message.root.contentType
            if type.is("multipart", "report"), type.parameter("report-type")?.lowercasedIfNeeded() == "feedback-report" { return true }
            if context.feedbackReportPart != nil { return true }
            // Hotmail JMRP: "complaint about message from 192.0.2.222" (sisimai arf-22..24).
            if context.lowercaseFrom.contains("@hotmail.com"), context.lowercaseSubject.contains("complaint about message from") { return true }
            // iCloud unsubscribe request forwarded with the message attached (sisimai arf-26).
            if context.lowercaseFrom.contains("@icloud.com"), context.lowercaseSubject.trimmed == "unsubscribe" { return true }
            return false
        }

        static func oldGmail(_ context: BounceContext) -> Bool {
            context.from.contains("<mailer-daemon@googlemail.com>") && context.subject.contains("Delivery Status Notification")
        }

        static func oldGoogleGroups(_ context: BounceContext) -> Bool {
            guard let failed = context.header("x-failed-recipients") else { return false }
            if failed.lowercasedIfNeeded().contains("@googlegroups.com") { return true }
            let from = context.lowercaseFrom
            return from.contains("mailer-daemon@googlemail.com") || from.contains("mailer-daemon@google.com")
        }

        static func oldGoogleWorkspace(_ context: BounceContext) -> Bool {
            context.lowercaseFrom.contains("<mailer-daemon@googlemail.com>")
        }

        static func oldIMailServer(_ context: BounceContext) -> Bool {
            if context.subject.trimmed == "Undeliverable Mail" { return true }        // lhost-imailserver-01
            return context.header("x-mailer")?.trimmed.hasPrefix("<SMTP32 v") == true  // lhost-imailserver-02
        }

        static func oldInterScanMSS(_ context: BounceContext) -> Bool {
            if context.from.contains("\"InterScan MSS\"") || context.from.contains("\"InterScan Notification\"") { return true }
            return InterScanMSSRecognizer.subjects.contains(context.subject)
        }

        static func oldKDDI(_ context: BounceContext) -> Bool {
            let from = context.lowercaseFrom
            if from.contains("no-reply@"), from.contains(".dion.ne.jp") { return true }
            if context.header("reply-to")?.trimmed == "no-reply@app.auone-net.jp" { return true }
            return context.receivedContains("ezweb.ne.jp (") || context.receivedContains(".au.com (")
        }

        static func oldMXLogic(_ context: BounceContext) -> Bool {
            context.header("x-mx-bounce") != nil || context.header("x-mxl-hash") != nil || context.header("x-mxl-notehash") != nil
                || context.lowercaseFrom.contains(".mxlogic.net")   // lhost-mxlogic-03: only the sender says so
        }

        static func oldMailFoundry(_ context: BounceContext) -> Bool {
            context.subject == "Message delivery has failed"
                && context.receivedContains("(MAILFOUNDRY) id")
        }

        static func oldMailMarshalSMTP(_ context: BounceContext) -> Bool { context.subject.hasPrefix("Undeliverable Mail: \"") }

        static func oldMailRu(_ context: BounceContext) -> Bool {
            context.lowercaseFrom.contains("mailer-daemon@") && context.lowercaseFrom.contains("mail.ru")
                && (context.header("message-id").map { $0.contains(".mail.ru>") || $0.contains(".smailru.net>") } ?? false)
        }

        static func oldMcAfee(_ context: BounceContext) -> Bool {
            context.subject == "Delivery Status" && context.header("x-nai-header")?.contains("Modified by McAfee") == true
        }

        static func oldMessagingServer(_ context: BounceContext) -> Bool {
            context.header("content-type")?.contains("Boundary_(ID_") == true || context.subject.hasPrefix("Delivery Notification: ")
        }

        static func oldNotes(_ context: BounceContext) -> Bool {
            context.subject.hasPrefix("Undeliverable message")   // lhost-notes-01
        }

        static func oldOffice365(_ context: BounceContext) -> Bool {
            var signs = context.subject.contains("Undeliverable:") ? 1 : 0
            for h in ["x-ms-exchange-message-is-ndr", "x-microsoft-antispam-prvs", "x-exchange-antispam-report-test",
                      "x-exchange-antispam-report-cfa-test", "x-ms-exchange-crosstenant-originalarrivaltime",
                      "x-ms-exchange-crosstenant-fromentityheader", "x-ms-exchange-transport-crosstenantheadersstamped"]
            where context.hasHeader(h) {
                signs += 1
            }
            // "Message-ID: <...@NEKOCHAN.example.prod.outlook.com>" (lhost-office365-02)
            if let id = context.header("message-id"), (id.contains(".outbound.protection.outlook.com") || id.contains(".prod.outlook.com")) { signs += 1 }
            // The Received fields, searched last, make at most one sign: asked only when it decides.
            if signs != 1 { return signs >= 2 }
            return context.receivedContains(".outbound.protection.outlook.com") || context.receivedContains(".prod.outlook.com")
        }

        static func oldOpenSMTPD(_ context: BounceContext) -> Bool {
            if context.subject.hasPrefix("Delivery status notification") && context.lowercaseFrom.contains("mailer-daemon") { return true }
            return context.receivedContains("(OpenSMTPD)")
        }

        static func oldPowerMTA(_ context: BounceContext) -> Bool {
            context.subject.contains("Delivery report")
        }

        static func oldQmail(_ context: BounceContext) -> Bool {
            if context.subject == "failure notice" || context.subject == "Failure Notice" { return true }
            return context.receivedContains("(qmail ")
        }

        static func oldSendGrid(_ context: BounceContext) -> Bool {
            context.subject == "Undelivered Mail Returned to Sender" && context.header("return-path")?.trimmed == "<apps@sendgrid.net>"
        }

        static func oldV5sendmail(_ context: BounceContext) -> Bool {
            guard context.subject.hasPrefix("Returned mail: "), context.deliveryStatusPart == nil else { return false }
            return context.subject.dropFirst(15).first.map { $0.isUppercase } ?? false
        }

        static func oldVerizon(_ context: BounceContext) -> Bool {
            let from = context.lowercaseFrom
            if from.contains("post_master@vtext.com") { return true }                         // -02
            return from.contains("sysadmin@") && from.contains(".vzwpix.com")                 // -01
        }

        static func oldX1(_ context: BounceContext) -> Bool {
            context.subject.hasPrefix("Returned Mail: ") && nameHasPrefix(context.from, "Mail Deliver System")
        }

        static func oldX2(_ context: BounceContext) -> Bool {
            guard context.from.contains("MAILER-DAEMON@") else { return false }
            let s = context.lowercaseSubject
            return s.contains("delivery failure") || s.contains("failure delivery") || s.contains("failed delivery")
        }

        static func oldX3(_ context: BounceContext) -> Bool {
            nameHasPrefix(context.from, "Mail Delivery System") && context.subject.hasPrefix("Delivery status notification")
        }

        static func oldX5(_ context: BounceContext) -> Bool {
            // The sender first: the To field is read (unfolded, decoded) only when it decides.
            context.from.contains("Mail Delivery Subsystem") && context.header("to")?.contains("NotificationRecipients") == true
        }

        static func oldX6(_ context: BounceContext) -> Bool {
            context.subject.hasPrefix("There was an error sending your mail")
        }

        /// Its X-Mailer, or (a relay rewrote that: sisimai lhost-mfilter-05) another X-Mailer and both of
        /// its section labels, each beginning a line of the text.
        static func oldMFILTER(_ context: BounceContext) -> Bool {
            guard context.subject == "failure notice", let mailer = context.header("x-mailer") else { return false }
            if mailer.trimmed == "m-FILTER" { return true }
            let lines = context.text.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.contains { $0.hasPrefix("-------server message") } && lines.contains { $0.hasPrefix("-------SMTP command") }
        }

        // The claims that ask `header(_:)` with a `HeaderNameFilter.Name` (the filter bit made once) where they asked
        // `header(_:)`, as they were; the others above ask `header(_:)` still.
        static func oldActivehunter(_ context: BounceContext) -> Bool { context.header("x-ahmailid") != nil }

        static func oldAmazonWorkMail(_ context: BounceContext) -> Bool {
            let mailer = (context.header("x-original-mailer") ?? context.header("x-mailer"))?.trimmed
            return mailer == "Amazon WorkMail" && context.header("x-ses-outgoing") != nil
        }

        static func oldAutoReply(_ context: BounceContext) -> Bool {
            if let auto = context.header("auto-submitted")?.lowercased(), auto.hasPrefix("auto-replied") { return true }
            if context.header("x-autoreply") != nil || context.header("x-autorespond") != nil { return true }
            if let p = context.header("precedence")?.lowercased(), p.contains("auto_reply") || p.contains("auto-reply") { return true }
            if let x = context.header("x-auto-response-suppress"), !x.isEmpty, AutoReplyRecognizer.subjects.hasMatch(in: context.subject) { return true }
            return AutoReplyRecognizer.subjects.hasMatch(in: context.subject)
        }

        static func oldChallenge(_ context: BounceContext) -> Bool {
            if context.header("x-boxtrapper") != nil || context.header("x-tmda-confirm-address") != nil { return true }
            return ChallengeRecognizer.subjects.hasMatch(in: context.subject)
        }

        static func oldVirusNotice(_ context: BounceContext) -> Bool {
            context.deliveryStatusPart == nil && VirusNoticeRecognizer.subjects.hasMatch(in: context.subject)
        }

        static func oldExchange2003(_ context: BounceContext) -> Bool {
            if context.header("x-ms-embedded-report") != nil { return true }
            if let mailer = context.header("x-mailer")?.trimmed,
               mailer.hasPrefix("Internet Mail Service (") || mailer.hasPrefix("Microsoft Exchange Server Internet Mail Connector") {
                return true
            }
            if let ole = context.header("x-mimeole")?.trimmed, ole.hasPrefix("Produced By Microsoft Exchange") { return true }
            return context.receivedContains(" with Internet Mail Service (")
        }

        static func oldFML(_ context: BounceContext) -> Bool {
            guard context.header("x-mlserver") != nil, context.from.contains("-admin@"),
                  let id = context.header("message-id")?.trimmed else { return false }
            return id.contains(".FML") && id.hasPrefix("<") && id.dropFirst().first?.isNumber == true
        }

        static func oldGMX(_ context: BounceContext) -> Bool { context.header("x-gmx-antispam") != nil }

        static func oldReceivingSES(_ context: BounceContext) -> Bool {
            context.header("x-ses-outgoing") != nil && !context.lowercaseFrom.contains("amazonses.com")
        }

        static func oldSurfControl(_ context: BounceContext) -> Bool {
            context.header("x-sef-processed") != nil && context.header("x-mailer")?.trimmed == "SurfControl E-mail Filter"
        }

        static func oldYahoo(_ context: BounceContext) -> Bool { context.header("x-ymailisg") != nil }

        static func oldYandex(_ context: BounceContext) -> Bool {
            context.header("x-yandex-uniq") != nil && context.lowercaseFrom.contains("mailer-daemon@yandex.ru")
        }

        static func oldZoho(_ context: BounceContext) -> Bool { context.header("x-zohomail") != nil }
    }

    /// Each recogniser with its reference claims.
    static let pairs: [(any Recognizer, @Sendable (BounceContext) -> Bool)] = [
        (AmavisRecognizer(), Reference.oldAmavis),
        (ApacheJamesRecognizer(), Reference.oldApacheJames),
        (BarracudaRecognizer(), Reference.oldBarracuda),
        (BigfootRecognizer(), Reference.oldBigfoot),
        (BiglobeRecognizer(), Reference.oldBiglobe),
        (CourierRecognizer(), Reference.oldCourier),
        (DominoRecognizer(), Reference.oldDomino),
        (EZwebRecognizer(), Reference.oldEZweb),
        (EinsUndEinsRecognizer(), Reference.oldEinsUndEins),
        (Exchange2007Recognizer(), Reference.oldExchange2007),
        (EximRecognizer(), Reference.oldExim),
        (FeedbackReportRecognizer(), Reference.oldFeedbackReport),
        (GmailRecognizer(), Reference.oldGmail),
        (GoogleGroupsRecognizer(), Reference.oldGoogleGroups),
        (GoogleWorkspaceRecognizer(), Reference.oldGoogleWorkspace),
        (IMailServerRecognizer(), Reference.oldIMailServer),
        (InterScanMSSRecognizer(), Reference.oldInterScanMSS),
        (KDDIRecognizer(), Reference.oldKDDI),
        (MXLogicRecognizer(), Reference.oldMXLogic),
        (MailFoundryRecognizer(), Reference.oldMailFoundry),
        (MailMarshalSMTPRecognizer(), Reference.oldMailMarshalSMTP),
        (MailRuRecognizer(), Reference.oldMailRu),
        (McAfeeRecognizer(), Reference.oldMcAfee),
        (MessagingServerRecognizer(), Reference.oldMessagingServer),
        (NotesRecognizer(), Reference.oldNotes),
        (Office365Recognizer(), Reference.oldOffice365),
        (OpenSMTPDRecognizer(), Reference.oldOpenSMTPD),
        (PowerMTARecognizer(), Reference.oldPowerMTA),
        (QmailRecognizer(), Reference.oldQmail),
        (SendGridRecognizer(), Reference.oldSendGrid),
        (V5sendmailRecognizer(), Reference.oldV5sendmail),
        (VerizonRecognizer(), Reference.oldVerizon),
        (X1Recognizer(), Reference.oldX1),
        (X2Recognizer(), Reference.oldX2),
        (X3Recognizer(), Reference.oldX3),
        (X5Recognizer(), Reference.oldX5),
        (X6Recognizer(), Reference.oldX6),
        (MFILTERRecognizer(), Reference.oldMFILTER),
        (ActivehunterRecognizer(), Reference.oldActivehunter),
        (AmazonWorkMailRecognizer(), Reference.oldAmazonWorkMail),
        (AutoReplyRecognizer(), Reference.oldAutoReply),
        (ChallengeRecognizer(), Reference.oldChallenge),
        (VirusNoticeRecognizer(), Reference.oldVirusNotice),
        (Exchange2003Recognizer(), Reference.oldExchange2003),
        (FMLRecognizer(), Reference.oldFML),
        (GMXRecognizer(), Reference.oldGMX),
        (ReceivingSESRecognizer(), Reference.oldReceivingSES),
        (SurfControlRecognizer(), Reference.oldSurfControl),
        (YahooRecognizer(), Reference.oldYahoo),
        (YandexRecognizer(), Reference.oldYandex),
        (ZohoRecognizer(), Reference.oldZoho),
    ]

    /// Whether every recogniser's claims answers as its reference does, with a label for the first that does not.
    static func disagreement(_ bytes: [UInt8]) -> String? {
        // All asked of one context in order (as the registry asks), and each of a fresh one: the lazy
        // views must not depend on which claims ran first.
        let shared = BounceContext(ParsedMessage(parsing: ArraySlice(bytes)))
        let sharedReference = BounceContext(ParsedMessage(parsing: ArraySlice(bytes)))
        for (recognizer, reference) in pairs {
            let expected = reference(sharedReference)
            if recognizer.claims(shared) != expected { return "\(recognizer.name): expected \(expected) (shared)" }
            let fresh = BounceContext(ParsedMessage(parsing: ArraySlice(bytes)))
            if recognizer.claims(fresh) != expected { return "\(recognizer.name): expected \(expected)" }
        }
        return nil
    }

    @Test func sisimaiMessagesClaimAsBefore() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let folder = Corpus.path("sisimai/maildir/bsd")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files.count > 400)
        var claimed = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
            let bytes = [UInt8](data)
            if let wrong = Self.disagreement(bytes) { Issue.record("\(file): \(wrong)") }
            let context = BounceContext(ParsedMessage(parsing: ArraySlice(bytes)))
            if Self.pairs.contains(where: { $0.0.claims(context) }) { claimed += 1 }
        }
        // Most of the corpus is claimed by one of these: the test is not vacuous.
        #expect(claimed > 200)
    }

    /// Every message of the dev corpus (spam and backscatter, 3,922 messages) claims as before.
    @Test func devCorpusMessagesClaimAsBefore() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let path = Corpus.path("backscatter-dev/corpus.mbox")
        var input = ByteSlice([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        var parser = MboxParser(source: path)
        var count = 0, claimed = 0
        func check(_ message: MailboxMessage) {
            let bytes = [UInt8](message.bytes)
            if let wrong = Self.disagreement(bytes) { Issue.record("message \(message.index): \(wrong)") }
            let context = BounceContext(ParsedMessage(parsing: ArraySlice(bytes)))
            if Self.pairs.contains(where: { $0.0.claims(context) }) { claimed += 1 }
            count += 1
        }
        while let message = parser.next(&input) { check(message) }
        while let message = parser.finish(&input) { check(message) }
        #expect(count > 3900)
        #expect(claimed > 100)
    }

    /// Header fields the filtered lookups (`header(_:)` with a `HeaderNameFilter.Name`) ask for, and names that share
    /// their filter bits or differ from them by a byte, for the generated messages.
    static let askedFields: [(String, String)] = [
        ("X-AHMAILID", "1"), ("X-Original-Mailer", "Amazon WorkMail"), ("X-Mailer", " Amazon WorkMail "), ("X-SES-Outgoing", "x"),
        ("Auto-Submitted", "auto-replied"), ("X-Autoreply", "yes"), ("X-Autorespond", ""), ("Precedence", "auto_reply"),
        ("X-Auto-Response-Suppress", "All"), ("X-Boxtrapper", "x"), ("X-TMDA-Confirm-Address", "x"),
        ("X-MS-Embedded-Report", ""), ("X-Mailer", "Internet Mail Service (5.5)"), ("X-MimeOLE", "Produced By Microsoft Exchange V6"),
        ("X-MLServer", "fml"), ("X-GMX-Antispam", "0"), ("X-SEF-Processed", "1"), ("X-Mailer", "SurfControl E-mail Filter"),
        ("X-YMailISG", "x"), ("X-Yandex-Uniq", "x"), ("X-ZohoMail", "x"), ("X-MX-Bounce", "x"), ("X-MXL-Hash", "x"),
        ("X-MXL-NoteHash", "x"), ("Reply-To", "no-reply@app.auone-net.jp"), ("Return-Path", "<apps@sendgrid.net>"),
        ("X-NAI-Header", "Modified by McAfee"), ("X-Mailer", "m-FILTER"), ("X-Mailer", "<SMTP32 v8.0>"),
        ("To", "NotificationRecipients"), ("X-Failed-Recipients", "a@example.org"),
        ("X-Zohomaii", "x"), ("X-Ahmailid-", "x"), ("X-MXL-Hasg", "x"), ("Replyto", "x"), ("X-Maile", "x"),
    ]

    @Test func askedFieldsClaimAsBefore() {
        var claimed = 0
        for i in 0..<(Self.askedFields.count * Self.askedFields.count) {
            var message: [UInt8] = []
            let lf: [UInt8] = i % 2 == 0 ? [0x0A] : [0x0D, 0x0A]
            func field(_ name: String, _ value: String) { message += Array(name.utf8) + [0x3A, 0x20] + Array(value.utf8) + lf }
            field("Subject", Self.subjects[i % Self.subjects.count])
            field("From", Self.senders[(i * 7) % Self.senders.count])
            let (a, b) = (Self.askedFields[i % Self.askedFields.count], Self.askedFields[i / Self.askedFields.count])
            field(a.0, a.1)
            if i % 3 != 0 { field(b.0, b.1) }
            message += lf + Array("body".utf8) + lf
            if let wrong = Self.disagreement(message) {
                Issue.record("\(String(decoding: message, as: UTF8.self).debugDescription): \(wrong)")
            }
            let context = BounceContext(ParsedMessage(parsing: ArraySlice(message)))
            claimed += Self.pairs.filter { $0.0.claims(context) }.count
        }
        #expect(claimed > 500)
    }

    /// The literals the claims look for in Subject and From, whole.
    static let subjects = [
        "[BOUNCE]", "our bulk email filter", "Returned mail: see transcript", "Returned mail:x",
        "NOTICE: mail delivery status.", "WARNING: delayed mail.", "DELIVERY FAILURE: x", "DELIVERY_FAILURE: x",
        "Mail System Error - Returned Mail", "Mail delivery failed: returning message to sender",
        "Undeliverable: hello", "Non_remis_", "Non remis: a", "Non remis : a", "Non recapitabile: a",
        "Delivery Status Notification (Failure)", "Undeliverable Mail", "Mail could not be delivered",
        "メッセージを配信できません。", "メール配信に失敗しました", "Message delivery has failed", "Undeliverable Mail: \"x\"",
        "Delivery Status", "Delivery Notification: Delivery has failed", "Undeliverable message", "Delivery status notification: error",
        "Delivery report", "failure notice", "Failure Notice", "Undelivered Mail Returned to Sender",
        "Returned Mail: x", "delivery failure", "Failure Delivery", "failed delivery", "There was an error sending your mail",
        "complaint about message from 192.0.2.1", "unsubscribe",
        "Message frozen", "Warning: message 1aBcDe-000xyz-Q1 delayed 24 hours", "Error(s) in forwarding or filtering",
        "Mail failure - rejected by recipient",
        // The notices' subject pattern sets (auto-replies, challenges, virus notices), which are asked
        // only of a subject holding one of their literals.
        "Automatic reply: x", "Auto-Reply", "autoresponder", "\t Out of Office", "out of the office", "Away from the office",
        "On vacation", "Vacation reply", "Abwesenheitsnotiz", "Ich bin abwesend", "afwezig", "Absence", "fuera de la oficina",
        "Fuori sede", "niet aanwezig", "poissa", "I am away", "I'm away until", "OOO", "oook", "Réponse automatique",
        "自動応答", "Frånvaro", "x Out of Office", "Please confirm your message", "Confirm your e-mail", "Verification required",
        "verify your address", "Challenge", "Approval needed", "Authorisation required", "is protected by x", "whitelist",
        "BoxTrapper", "spam arrest", "anti-spam verification", "awaiting your confirmation", "Virus found in mail",
        "VIRUS (Eicar) IN MAIL FROM YOU", "virus in message", "infected", "Banned attachment", "Malware", "content filter",
        "Blocked attachment", "Undeliverable mail: virus", "Mail Scanner", "mailscanner", "unsubscribe ", " UNSUBSCRIBE",
        "Unsubscribe me", "",
    ]
    static let senders = [
        "\"Content-filter at host\" <postmaster@example.jp>", "<x@bigfoot.com>", "postmaster@biglobe.ne.jp",
        "Courier mail server at mx.example.com", "Postmaster@ezweb.ne.jp", "Postmaster@au.com",
        "\"Mail Delivery System\" <MAILER-DAEMON@kundenserver.de>", "Mail Delivery System <MAILER-DAEMON@example.org>",
        "<mailer-daemon@googlemail.com>", "\"InterScan MSS\" <a@b>", "\"InterScan Notification\" <a@b>",
        "no-reply@x.dion.ne.jp", "MAILER-DAEMON@example.jp", "mailer-daemon@mail.ru", "post_master@vtext.com",
        "sysadmin@x.vzwpix.com", "\"Mail Deliver System\" <a@b>", "Mail Delivery Subsystem <a@b>", "a@b.mxlogic.net",
        "a@hotmail.com", "a@icloud.com", "Mailer-Daemon@Google.com", "",
    ]
    static let messageIDs = [
        "<1.2.JavaMail.x@host>", "<courier.0000@host>", "<x.ezweb.ne.jp>", "<x.au.com>", "<1RmjIS-0005SK-Jk@host>",
        "<mxl~1@host>", "<x@a.prod.outlook.com>", "<x@b.outbound.protection.outlook.com>", "<x.mail.ru>", "<x.smailru.net>",
        "<plain@example.org>", "",
    ]

    /// Variants of a header value: as it is, case changed, blanks around it, a combining mark or a
    /// character after it, KELVIN SIGN for K, an invalid byte inside, folded, and as an encoded word.
    static func variants(_ value: String) -> [[UInt8]] {
        var out: [[UInt8]] = [Array(value.utf8), Array(value.uppercased().utf8), Array(value.lowercased().utf8),
                              Array(("  " + value + " \t").utf8), Array((value + "\u{301}").utf8), Array((value + "x").utf8),
                              Array(("Re: " + value).utf8),
                              Array(value.replacingOccurrences(of: "k", with: "\u{212A}").replacingOccurrences(of: "K", with: "\u{212A}").utf8),
                              Array(value.utf8) + [0xFF]]
        let bytes = Array(value.utf8)
        if bytes.count > 2 {
            let middle = bytes.count / 2
            out.append(Array(bytes[..<middle]) + [0xC3] + Array(bytes[middle...]))
            if let space = bytes.firstIndex(of: 0x20) {
                out.append(Array(bytes[..<space]) + Array("\r\n".utf8) + Array(bytes[space...]))
            }
            out.append(Array(bytes[..<(bytes.count - 1)]))
        }
        let encoded = Data(value.utf8).base64EncodedString()
        out.append(Array("=?UTF-8?B?\(encoded)?=".utf8))
        return out
    }

    @Test func generatedHeadersClaimAsBefore() {
        let subjects = Self.subjects.flatMap(Self.variants)
        let senders = Self.senders.flatMap(Self.variants)
        let ids = Self.messageIDs.flatMap(Self.variants)
        let types: [[UInt8]] = [Array("multipart/report; boundary=\"Boundary_(ID_abc)\"".utf8),
                                Array("multipart/mixed;\r\n\tboundary=\"Boundary_(ID_abc)\"".utf8), Array("text/plain".utf8),
                                Array("multipart/report; report-type=feedback-report; boundary=\"b\"".utf8),
                                Array("Multipart/Report; report-type=\"Feedback-Report\"; boundary=\"b\"".utf8),
                                Array("multipart/report; report-type=delivery-status; boundary=\"b\"".utf8),
                                Array("multipart/report; report-type=feedbac\u{212A}-report; boundary=\"b\"".utf8),
                                Array("multipart/report; report-type=feedback-reports; boundary=\"b\"".utf8)]
        let lineEnds: [[UInt8]] = [[0x0A], [0x0D, 0x0A]]
        var checked = 0, claimed = 0
        for i in 0..<max(subjects.count, senders.count, ids.count) * 4 {
            let lf = lineEnds[i % 2]
            var message: [UInt8] = []
            func field(_ name: String, _ value: [UInt8]) { message += Array(name.utf8) + [0x3A, 0x20] + value + lf }
            field("Subject", subjects[i % subjects.count])
            field("From", senders[(i * 7) % senders.count])
            if i % 5 != 4 { field("Message-ID", ids[(i * 13) % ids.count]) }
            field("Content-Type", types[i % types.count])
            if i % 3 == 0 { field("X-Failed-Recipients", Array("a@googlegroups.com".utf8)) }
            if i % 4 == 0 { field("Content-Language", Array("en-US".utf8)) }
            message += lf + Array("body".utf8) + lf
            if let wrong = Self.disagreement(message) {
                Issue.record("\(String(decoding: message, as: UTF8.self).debugDescription): \(wrong)")
            }
            let context = BounceContext(ParsedMessage(parsing: ArraySlice(message)))
            claimed += Self.pairs.filter { $0.0.claims(context) }.count
            checked += 1
        }
        #expect(checked > 1500)
        // Many generated messages are claimed: the literals are met, not only missed.
        #expect(claimed > 300)
    }

    /// `ClaimText` answers as the String questions it replaces, for text that is and is not ASCII.
    @Test func claimTextAgreesWithStrings() {
        let literals: [StaticString] = ["Undeliverable:", "Non remis :", "[BOUNCE]", "<courier.", ".au.com>", "failure notice",
                                        "Mail could not be delivered", "メール配信に失敗しました", "K", "a", "Undeliverable Mail"]
        let texts = (Self.subjects + Self.senders + Self.messageIDs + ["K", "\u{212A}", " a ", "\t", "é", "e\u{301}"])
            .flatMap(Self.variants).map { String(decoding: $0, as: UTF8.self) }
        for text in texts {
            var copy = text
            copy.withUTF8 { bytes in
                let view = ClaimText(bytes, isASCII: ASCII.isASCII(bytes))
                for literal in literals {
                    let l = literal.description
                    #expect(view.contains(literal) == text.contains(l), "\(text.debugDescription) contains \(l)")
                    #expect(view.hasPrefix(literal) == text.hasPrefix(l), "\(text.debugDescription) hasPrefix \(l)")
                    #expect(view.hasSuffix(literal) == text.hasSuffix(l), "\(text.debugDescription) hasSuffix \(l)")
                    #expect(view.trimmedHasPrefix(literal) == text.trimmed.hasPrefix(l), "\(text.debugDescription) trimmed hasPrefix \(l)")
                    #expect(view.trimmedHasSuffix(literal) == text.trimmed.hasSuffix(l), "\(text.debugDescription) trimmed hasSuffix \(l)")
                    if let equal = view.equals(literal) { #expect(equal == (text == l), "\(text.debugDescription) == \(l)") }
                    if let equal = view.trimmedEquals(literal) { #expect(equal == (text.trimmed == l), "\(text.debugDescription) trimmed == \(l)") }
                }
                #expect((view.equals("K") == nil) == !ASCII.isASCII(bytes))
            }
        }
    }

    /// The needles the claims look for in the Received fields (`receivedContains`).
    static let receivedNeedles: [StaticString] = [
        "(OpenSMTPD)", "JAMES SMTP Server", " with Internet Mail Service (", "ezweb.ne.jp (", ".au.com (", ".bigfoot.com ",
        "(qmail ", "(MAILFOUNDRY) id", ".outbound.protection.outlook.com", ".prod.outlook.com", "ezweb.ne.jp (EZweb Mail) with",
    ]

    /// Every alternative of the notices' subject sets holds one of the literals their `claims` look for
    /// before asking the set (`subjectLiterals`): an alternative added without one would never be asked.
    @Test func subjectLiteralsCoverEveryAlternative() {
        let sets: [(name: String, set: PatternSet, literals: [ClaimNeedle])] = [
            ("Challenge", ChallengeRecognizer.subjects, ChallengeRecognizer.subjectLiterals),
            ("VirusNotice", VirusNoticeRecognizer.subjects, VirusNoticeRecognizer.subjectLiterals),
        ]
        for (name, set, literals) in sets {
            #expect(!set.patterns.isEmpty)
            for pattern in set.patterns {
                let text = pattern.lowercased()
                #expect(literals.contains { text.contains($0.text.description) }, "\(name): \(pattern)")
            }
        }
    }

    /// `receivedHas(_:)` over random Received values built from pieces of the signs' and words' needles, blanks,
    /// parentheses at the start and end of a value, folding and several fields: as `receivedContains`
    /// of each needle (`receivedDisagreement`).
    @Test func receivedSignsAsSearches() {
        var random = SplitMix64(seed: 0x6B64_6469)
        let pieces = ["ezweb.ne.jp", ".au.com", "au.com", "zweb.ne.jp", " (", "(", " ", "x", ".com (", "(e", "\r\n\t", "\n ",
                      "ezweb.ne.jp (", ".au.com (", "EZweb Mail) with", "EZweb Mail)", "OpenSMTPD)", "(OpenSMTPD", "qmail ", "(qmail",
                      " with Internet Mail Service", " with Internet Mail Service (", "Internet Mail Service (", "((", "q",
                      "(OpenSMTPD)", "(qmail ", "ezweb.ne.jp (EZweb Mail) with", "JAMES", "JAMES SMTP Server", " SMTP Server",
                      ".bigfoot.com", ".bigfoot.com ", "bigfoot.com ", "Service", "\r\n (", " \t("]
        var found = Array(repeating: 0, count: BounceContext.ReceivedSign.allCases.count), messages = 0
        var foundWords = Array(repeating: 0, count: BounceContext.ReceivedWord.allCases.count)
        for _ in 0..<2_000 {
            var message = ""
            for _ in 0..<(1 + random.below(3)) {
                var value = ""
                for _ in 0..<random.below(9) { value += pieces[random.below(pieces.count)] }
                message += "Received:" + (random.below(2) == 0 ? " " : "") + value + "\n"
            }
            message += "Subject: x\n\nbody\n"
            if let wrong = Self.receivedDisagreement(Array(message.utf8)) { Issue.record("\(message.debugDescription): \(wrong)") }
            let context = BounceContext(ParsedMessage(parsing: ArraySlice(message.utf8)))
            for sign in BounceContext.ReceivedSign.allCases where context.receivedHas(sign) { found[sign.rawValue] += 1 }
            for word in BounceContext.ReceivedWord.allCases where context.receivedHas(word) { foundWords[word.rawValue] += 1 }
            messages += 1
        }
        // Each sign is found in some messages and missed in others: the test is not vacuous.
        for count in found + foundWords { #expect(count > 20 && count < messages - 20) }
    }

    /// Whether `receivedBytes` (unfolded by the context) is MailParsing's unfolding of the Received
    /// fields, and every needle is found in it as in that; a label for the first difference.
    static func receivedDisagreement(_ bytes: [UInt8], limits: ParsingLimits = .init()) -> String? {
        let context = BounceContext(ParsedMessage(parsing: ArraySlice(bytes), limits: limits))
        let expected = BounceContext.unfoldedByMailParsing(context.headers)
        for needle in receivedNeedles {
            let found = needle.withUTF8Buffer { n in
                expected.withUnsafeBufferPointer { ByteSubstring.firstOffset(of: n, in: $0) != nil }
            }
            if context.receivedContains(needle) != found { return "receivedContains(\(needle)): expected \(found)" }
        }
        for sign in BounceContext.ReceivedSign.allCases where context.receivedHas(sign) != context.receivedContains(sign.text) {
            return "receivedHas(\(sign)): expected \(!context.receivedHas(sign))"
        }
        // Asked first of a fresh context (the raw values' marks, then the search where they may hold
        // the needle), and of the context above, whose values were unfolded first.
        func isFound(_ needle: StaticString) -> Bool {
            needle.withUTF8Buffer { n in expected.withUnsafeBufferPointer { ByteSubstring.firstOffset(of: n, in: $0) != nil } }
        }
        let fresh = BounceContext(ParsedMessage(parsing: ArraySlice(bytes), limits: limits))
        for sign in BounceContext.ReceivedSign.allCases where fresh.receivedHas(sign) != isFound(sign.text) {
            return "receivedHas(\(sign)) first: expected \(isFound(sign.text))"
        }
        for word in BounceContext.ReceivedWord.allCases {
            if fresh.receivedHas(word) != isFound(word.text) { return "receivedHas(\(word)) first: expected \(isFound(word.text))" }
            if context.receivedHas(word) != isFound(word.text) { return "receivedHas(\(word)): expected \(isFound(word.text))" }
        }
        // The providers named, read from the raw values by a fresh context, as from the unfolded ones
        // (the first 30 values, as `receivedProviders` reads `receivedBytes`).
        var providers: UInt64 = 0
        expected.withUnsafeBufferPointer { all in
            var start = 0
            for _ in 0..<30 {
                guard let end = all[start...].firstIndex(of: 0x0A) else { break }
                ReceivedHostWords.forEachHost(in: UnsafeBufferPointer(rebasing: all[start..<end])) {
                    providers |= RemoteHostRules.providersNamed(byHostBytes: $0)
                }
                start = end + 1
            }
        }
        let unread = BounceContext(ParsedMessage(parsing: ArraySlice(bytes), limits: limits))
        if unread.receivedProviders != providers { return "receivedProviders \(unread.receivedProviders): expected \(providers)" }
        if context.receivedProviders != providers { return "receivedProviders (unfolded) \(context.receivedProviders): expected \(providers)" }
        // Each provider asked on its own (`receivedNames(provider:)`, remembered), of the raw values and
        // of the unfolded ones.
        let asked = BounceContext(ParsedMessage(parsing: ArraySlice(bytes), limits: limits))
        for i in RemoteHostRules.providers.indices {
            let expected = providers & (1 << UInt64(i)) != 0
            for _ in 0..<2 where asked.receivedNames(provider: i) != expected {
                return "receivedNames(provider: \(i)): expected \(expected)"
            }
            if context.receivedNames(provider: i) != expected { return "receivedNames(provider: \(i)) (unfolded): expected \(expected)" }
        }
        if Array(context.receivedBytes) != expected {
            return "receivedBytes \(String(decoding: context.receivedBytes, as: UTF8.self).debugDescription)"
                + " expected \(String(decoding: expected, as: UTF8.self).debugDescription)"
        }
        return nil
    }

    /// The Received fields are unfolded as MailParsing unfolds them, for every sisimai bsd message and
    /// every dev-corpus message.
    @Test func corpusReceivedFieldsUnfoldAsBefore() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let folder = Corpus.path("sisimai/maildir/bsd")
        var found = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
            let bytes = [UInt8](data)
            if let wrong = Self.receivedDisagreement(bytes) { Issue.record("\(file): \(wrong)") }
            let context = BounceContext(ParsedMessage(parsing: ArraySlice(bytes)))
            found += Self.receivedNeedles.filter { context.receivedContains($0) }.count
        }
        #expect(found > 20)
        let path = Corpus.path("backscatter-dev/corpus.mbox")
        var input = ByteSlice([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        var parser = MboxParser(source: path)
        var count = 0
        func check(_ message: MailboxMessage) {
            if let wrong = Self.receivedDisagreement([UInt8](message.bytes)) { Issue.record("message \(message.index): \(wrong)") }
            count += 1
        }
        while let message = parser.next(&input) { check(message) }
        while let message = parser.finish(&input) { check(message) }
        #expect(count > 3900)
    }

    /// Received fields folded before, inside and after each needle (LF, CRLF and CR line ends, a
    /// space or a tab starting the continuation, blanks before the line end), with blanks, 8-bit
    /// bytes and nothing around it, values longer than sixteen bytes and shorter, and a field limit
    /// that cuts the values: unfolded as MailParsing unfolds them, each needle found as there.
    @Test func foldedReceivedFieldsUnfoldAsBefore() {
        var checked = 0, found = 0
        let lineEnds: [[UInt8]] = [[0x0A], [0x0D, 0x0A], [0x0D]]
        let continuations: [[UInt8]] = [[0x20], [0x09], [0x20, 0x20], [0x09, 0x20]]
        let befores: [[UInt8]] = [[], Array("from mx.example.org by host.example.com ".utf8), [0x20], [0xE3, 0x81, 0x82, 0x20]]
        let afters: [[UInt8]] = [[], Array(" id 12345 for <a@example.org>; Mon, 1 Jan 2024".utf8), [0x20, 0x09], [0xFF]]
        let limits: [ParsingLimits] = [.init(), { var l = ParsingLimits(); l.maxFieldBytes = 24; return l }()]
        for (n, needle) in Self.receivedNeedles.enumerated() {
            let bytes = needle.withUTF8Buffer { Array($0) }
            for cut in 0...bytes.count {
                for variant in 0..<8 {
                    let i = n + cut + variant
                    let lf = lineEnds[i % lineEnds.count]
                    let before = befores[variant % befores.count], after = afters[(variant / 2 + cut) % afters.count]
                    var value = before + bytes[..<cut]
                    if variant % 4 == 3 { value += [0x20] }   // a blank before the line end
                    value += lf + continuations[(i / 3) % continuations.count] + bytes[cut...] + after
                    if variant % 2 == 1 { value += lf + [0x09] + Array("(envelope-from x)".utf8) }
                    var message = Array("Received:".utf8) + (variant % 3 == 0 ? [] : [0x20]) + value + lf
                    message += Array("Received: from other by other".utf8) + lf + [0x09] + Array("x".utf8) + lf
                    message += Array("Subject: x".utf8) + lf + lf + Array("body".utf8) + lf
                    for limit in limits {
                        if let wrong = Self.receivedDisagreement(message, limits: limit) {
                            Issue.record("\(String(decoding: message, as: UTF8.self).debugDescription): \(wrong)")
                        }
                    }
                    let context = BounceContext(ParsedMessage(parsing: ArraySlice(message)))
                    if context.receivedContains(needle) { found += 1 }
                    checked += 1
                }
            }
        }
        // Empty, blank-only and unfolded values, no Received field at all, one field per line end.
        for value in ["", " ", "\t \t", "(qmail 1234 invoked by uid 0)", " (OpenSMTPD) ", "a\n\t\n b"] {
            for lf in ["\n", "\r\n"] {
                let text = "Received:" + value.replacingOccurrences(of: "\n", with: lf) + lf + "Subject: x" + lf + lf + "body" + lf
                if let wrong = Self.receivedDisagreement(Array(text.utf8)) { Issue.record("\(text.debugDescription): \(wrong)") }
            }
        }
        if let wrong = Self.receivedDisagreement(Array("Subject: x\n\nbody\n".utf8)) { Issue.record("no Received: \(wrong)") }
        #expect(checked > 1000)
        // Folded needles are found (where a space starts the continuation), not only missed.
        #expect(found > 150)
    }

    /// `BounceContext.hasSendmailSectionLine` answers as the two `containsIgnoringCase` calls it replaced.
    @Test func sendmailSectionLineAsBefore() throws {
        func reference(_ text: String) -> Bool {
            text.containsIgnoringCase("----- the following addresses had") || text.containsIgnoringCase("----- transcript of session follows -----")
        }
        func check(_ bytes: [UInt8], _ label: String) {
            let context = BounceContext(ParsedMessage(parsing: ArraySlice(bytes)))
            #expect(context.hasSendmailSectionLine == reference(context.text), "\(label)")
        }
        let lines = ["----- The following addresses had permanent fatal errors -----", "----- Transcript of session follows -----",
                     "----- TRANSCRIPT OF SESSION FOLLOWS -----", "----- transcript of session follows ----", "----- the following addresses ha",
                     "------ The following addresses had", "----- \u{212A}he following addresses had", "----- The following addresses had\u{301}",
                     "-----\u{130} The following", "----- T", "-----", "---------- -----  The following addresses had", "",
                     "----------- Transcript of session follows -----", "---- The following addresses had", "-- -----  transcript",
                     "-----\t-----\n----- the following addresses had", "x----- tHE FOLLOWING ADDRESSES HAD", "----- ", "------"]
        var found = 0
        for (i, line) in lines.enumerated() {
            for prefix in ["", "x\n", "\u{212A}\n", "\u{130}\n", "-----------\n", "é "] {
                let body = prefix + line + (i % 2 == 0 ? "\n" : "")
                let message = Array("Subject: x\nContent-Type: text/plain; charset=utf-8\n\n".utf8) + Array(body.utf8)
                check(message, body.debugDescription)
                if reference(body) { found += 1 }
            }
        }
        #expect(found > 10)
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let folder = Corpus.path("sisimai/maildir/bsd")
        for file in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
            check([UInt8](data), file)
        }
    }

    /// `ByteSet64` over random bytes (ASCII, letters of both cases, bytes 64 apart, 8-bit bytes whose
    /// low six bits are those of letters), at every length around the eight-byte loads: a needle that
    /// `contains(allOf:)` rejects is never found and always has a byte whose bit no byte of the haystack
    /// has, the set is exactly the bits of the bytes, and `lowercased` holds the lower-cased bytes.
    @Test func byteSet64AgreesWithSearch() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet: [UInt8] = Array("aAbBzZ@.n-<> \"~0p".utf8) + [0x00, 0x01, 0x3F, 0x40, 0x7F, 0x80, 0xC1, 0xE1, 0xFA, 0xFF, 0xC3]
        var rejected = 0, found = 0
        for _ in 0..<20_000 {
            let bytes = (0..<next(40)).map { _ in alphabet[next(alphabet.count)] }
            let needle = (0..<(1 + next(3))).map { _ in alphabet[next(alphabet.count)] }
            bytes.withUnsafeBufferPointer { haystack in
                needle.withUnsafeBufferPointer { n in
                    let set = ByteSet64(haystack), mayContain = set.contains(allOf: ByteSet64(n))
                    let bitsOf = { (b: [UInt8]) in b.reduce(UInt64(0)) { $0 | (UInt64(1) << UInt64($1 & 63)) } }
                    #expect(set.bits == bitsOf(bytes), "\(bytes)")
                    let isFound = ByteSubstring.firstOffset(of: n, in: haystack) != nil
                    let lacksABit = n.contains { b in !haystack.contains { $0 & 63 == b & 63 } }
                    #expect(mayContain == !lacksABit, "\(bytes) \(needle)")
                    if isFound { #expect(mayContain, "\(bytes) \(needle)"); found += 1 }
                    if !mayContain { rejected += 1 }
                    let lower = bytes.map(ASCII.lowercased)
                    #expect(set.lowercased.contains(allOf: lower.withUnsafeBufferPointer { ByteSet64($0) }), "\(bytes)")
                    if lower.withUnsafeBufferPointer({ ByteSubstring.firstOffset(of: n, in: $0) }) != nil {
                        #expect(set.lowercased.contains(allOf: ByteSet64(n)), "\(bytes) \(needle) lower-cased")
                    }
                }
            }
        }
        #expect(rejected > 1_000 && found > 1_000)
    }

    /// `fromContains`, `subjectContains` and the lower-cased searches (no search when the value lacks one
    /// of the needle's bytes: `ByteSet64`) answer as the String searches they replace, for each needle
    /// alone, at the start and the end, case changed, a byte short, split by a fold, and beside 8-bit
    /// bytes and invalid UTF-8.
    @Test func byteSetSearchesAgreeWithStrings() {
        let texts: [StaticString] = ["Mail Delivery System", "MAILER-DAEMON@", "<mailer-daemon@googlemail.com>", "mailer-daemon@",
                                    ".dion.ne.jp", "\"InterScan MSS\"", "delivery failure", "Undeliverable:", "@", "a", "~"]
        let needles = texts.map(ClaimNeedle.init)
        var checked = 0, found = 0
        for needle in needles {
            let string = needle.text.description
            let text = Array(string.utf8)
            let upper = Array(string.uppercased().utf8), lower = Array(string.lowercased().utf8)
            var values: [[UInt8]] = [text, upper, lower, Array("x ".utf8) + text, text + Array(" x".utf8), [0xFF] + text + [0xC3],
                                     Array(text.dropFirst()), Array(text.dropLast()), text.map { $0 | 0x80 }, text + text.map { $0 | 0x80 },
                                     Array("é".utf8) + lower + Array("\u{212A}".utf8), [], [0x80]]
            if text.count > 2 { values.append(Array(text[..<(text.count / 2)]) + Array("\r\n ".utf8) + Array(text[(text.count / 2)...])) }
            for (i, value) in values.enumerated() {
                for field in ["Subject", "From"] {
                    let lf: [UInt8] = i % 2 == 0 ? [0x0A] : [0x0D, 0x0A]
                    let message = Array("\(field): ".utf8) + value + lf + Array("To: a@b".utf8) + lf + lf + Array("body".utf8) + lf
                    let context = BounceContext(ParsedMessage(parsing: ArraySlice(message)))
                    let label = String(decoding: message, as: UTF8.self).debugDescription
                    let exact = field == "From" ? context.fromContains(needle) : context.subjectContains(needle)
                    let folded = field == "From" ? context.fromContainsLowercased(needle) : context.subjectContainsLowercased(needle)
                    let haystack = field == "From" ? context.from : context.subject
                    #expect(exact == haystack.contains(string), "\(string) in \(label)")
                    if string == string.lowercased() {
                        #expect(folded == haystack.lowercasedIfNeeded().contains(string), "\(string) lower-cased in \(label)")
                    }
                    if exact { found += 1 }
                    checked += 1
                }
            }
        }
        #expect(checked > 250 && found > 50)
    }
}
