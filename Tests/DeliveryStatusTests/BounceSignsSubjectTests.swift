import Testing
import TestSupport
import MailParsing
@testable import DeliveryStatus

/// The report subjects' and senders' tests by byte search answer as the pattern sets they stand for.
@Suite struct BounceSignsSubjectTests {
    /// Every common word is one of the subjects' alternatives, and each subject found to hold one (in
    /// any case, among other bytes) is matched by the pattern set, as are none it turns away but by it.
    @Test func commonWordsAreSubjectMatches() {
        for word in BounceSigns.commonSubjectWords {
            #expect(BounceSigns.hasCommonSubjectWord(word.description.uppercased()))
            #expect(BounceSigns.subjects.hasMatch(in: word.description.uppercased()))
        }
        let pieces = ["Undelivered", "UNDELIVERABLE", "Mail delivery FAILED", "Failure notice", "fail", "ure", "Returned  mail",
                      "Returned mail:", "Delivery Status Notification", "notif", "ERROR", "errors", "ü", "\u{130}", "\u{212A}",
                      "配信エラー", " ", "re: ", "x", "-", "out of office", "hello"]
        var rng = SplitMix64(seed: 57)
        var found = 0
        for _ in 0..<5_000 {
            var subject = (0..<Int.random(in: 0...4, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            if Int.random(in: 0...2, using: &rng) == 0 { subject = subject.lowercased() }
            if BounceSigns.hasCommonSubjectWord(subject) {
                found += 1
                #expect(BounceSigns.subjects.hasMatch(in: subject), "\(subject.debugDescription)")
            }
        }
        #expect(found > 1_000)
    }

    /// A context whose Subject and From are `subject` and `from` (no CR or LF in either).
    static func context(subject: String, from: String) -> BounceContext {
        BounceContext(ParsedMessage(parsing: ArraySlice(Array("From: \(from)\nSubject: \(subject)\n\nbody\n".utf8))))
    }

    /// The literal lists answer as the pattern sets they spell out: `commonSubjectWords` with
    /// `otherSubjectWords` as `subjects`, `senderWords` as `senders`, `daemonSubjectWords` as
    /// `daemonSubjects`, on subjects and senders made of their words and pieces of them in any case, with
    /// 8-bit letters (U+0130 and U+212A lower-case to ASCII by Unicode, not in the sets) between.
    @Test func literalListsAreThePatternSets() {
        let words = (BounceSigns.commonSubjectWords.map(\.description) + (BounceSigns.otherSubjectWords + BounceSigns.senderWords
            + BounceSigns.daemonSubjectWords).map { $0.text.description })
        let pieces = ["deliver", "delivery", "non", "-", " ", "  ", "status", "notif", "mail", "system", "sub", "has", "could not",
                      "fail", "error", "ü", "\u{130}", "\u{212A}", "\u{131}", "配", "信", "エラ", "ー", "re: ", "x", "@", "root", "no", "reply",
                      "daemon", "mailer", "post", "master", "auto", "Auto", "ＡＵＴＯ", "\t", "<a@b.c>", "\""]
        var rng = SplitMix64(seed: 58)
        var matched = (subjects: 0, senders: 0, daemon: 0)
        for _ in 0..<3_000 {
            func text() -> String {
                var t = (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                    Bool.random(using: &rng) ? words.randomElement(using: &rng)! : pieces.randomElement(using: &rng)!
                }.joined()
                switch Int.random(in: 0...3, using: &rng) {
                case 0: t = t.uppercased()
                case 1: t = t.map { Bool.random(using: &rng) ? $0.uppercased() : String($0) }.joined()
                default: break
                }
                return t
            }
            let context = Self.context(subject: text(), from: text())
            let subjects = BounceSigns.subjects.hasMatch(in: context.subject)
            #expect((BounceSigns.hasCommonSubjectWord(context.subject) || context.subjectContainsCaseless(anyOf: BounceSigns.otherSubjectWords))
                == subjects, "\(context.subject.debugDescription)")
            let senders = BounceSigns.senders.hasMatch(in: context.from)
            #expect(BounceSigns.isReportSender(context) == senders, "\(context.from.debugDescription)")
            let daemon = BounceSigns.daemonSubjects.hasMatch(in: context.subject)
            #expect(context.subjectContainsCaseless(anyOf: BounceSigns.daemonSubjectWords) == daemon, "\(context.subject.debugDescription)")
            if subjects { matched.subjects += 1 }
            if senders { matched.senders += 1 }
            if daemon { matched.daemon += 1 }
        }
        // Both answers are met often.
        #expect(matched.subjects > 500 && matched.subjects < 2_900)
        #expect(matched.senders > 500 && matched.senders < 2_900)
        #expect(matched.daemon > 300 && matched.daemon < 2_900)
    }
}
