@testable import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// `RecognizerRegistry.recognize` asks its dedicated recognisers by their own types (`visitDedicated`):
/// it must answer as the loop over `any Recognizer` it replaces, kept below as it was (`Reference`), for
/// every sisimai bsd message.
@Suite struct RegistryLoopTests {
    enum Reference {
        /// `RecognizerRegistry.recognize` as it was: `for r in dedicated where r.claims(context)`.
        static func recognize(_ context: BounceContext) -> Recognition? {
            for r in RecognizerRegistry.dedicated where r.claims(context) {
                if let f = r.recognize(context), !f.recipients.isEmpty || f.kind != nil { return Recognition(name: r.name, finding: f) }
            }
            let standard = RecognizerRegistry.standard, autoReply = RecognizerRegistry.autoReply
            let fallback = RecognizerRegistry.fallback
            if standard.claims(context), let f = standard.recognize(context) { return Recognition(name: standard.name, finding: f) }
            if autoReply.claims(context), !BounceSigns.isFromMailerDaemon(context), let f = autoReply.recognize(context) { return Recognition(name: autoReply.name, finding: f) }
            for r in RecognizerRegistry.notices where r.claims(context) {
                if let f = r.recognize(context), !f.recipients.isEmpty { return Recognition(name: r.name, finding: f) }
            }
            if fallback.claims(context), let f = fallback.recognize(context), !f.recipients.isEmpty { return Recognition(name: fallback.name, finding: f) }
            return nil
        }
    }

    /// A summary of a result to compare: the recogniser's name, the kind and each recipient's fields.
    static func summary(_ result: Recognition?) -> String {
        guard let name = result?.name, let f = result?.finding else { return "nil" }
        let recipients = f.recipients.map {
            [$0.recipient, $0.status?.description ?? "-", $0.replyCode?.description ?? "-", $0.diagnostic,
             $0.decisionText ?? "-", $0.reason.map { "\($0)" } ?? "-"].joined(separator: "|")
        }
        return ([name, f.kind.map { "\($0)" } ?? "-"] + recipients).joined(separator: "\n")
    }

    @Test func sisimaiMessagesAreRecognisedAsBefore() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let folder = Corpus.path("sisimai/maildir/bsd")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files.count > 400)
        var named = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
            let bytes = ArraySlice([UInt8](data))
            let got = RecognizerRegistry.recognize(BounceContext(ParsedMessage(parsing: bytes)))
            let expected = Reference.recognize(BounceContext(ParsedMessage(parsing: bytes)))
            #expect(Self.summary(got) == Self.summary(expected), "\(file)")
            if got != nil { named += 1 }
        }
        // Most of the corpus is named: the comparison is not vacuous.
        #expect(named > 400)
    }

    /// `dedicatedCount`, which ends the grouped reading's claims (`recognize(_:claimedBy:)`), counts the
    /// dedicated list.
    @Test func dedicatedCountIsTheList() {
        #expect(RecognizerRegistry.dedicatedCount == RecognizerRegistry.dedicated.count)
        #expect(RecognizerRegistry.dedicatedCount > 40)
    }

    /// `dedicatedClaims` (a recogniser asked by its own type through `visitDedicated`) answers as the same
    /// recogniser asked through `dedicated` (as `any Recognizer`) for every sisimai bsd message, no index
    /// past them claims, and no format is listed twice.
    @Test func dedicatedClaimsFollowDedicatedOrder() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let folder = Corpus.path("sisimai/maildir/bsd")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        let dedicated = RecognizerRegistry.dedicated
        // By type: two recognisers may share a format's name (sendmail's text and DSN readers do).
        #expect(Set(dedicated.map { ObjectIdentifier(type(of: $0)) }).count == dedicated.count, "a format listed twice")
        var claimed = [Int](repeating: 0, count: dedicated.count)
        for file in files {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
            let bytes = ArraySlice([UInt8](data))
            for (index, r) in dedicated.enumerated() {
                // A fresh context each time: a lazily read fact must not depend on who asked first.
                let got = RecognizerRegistry.dedicatedClaims(index, BounceContext(ParsedMessage(parsing: bytes)))
                let expected = r.claims(BounceContext(ParsedMessage(parsing: bytes)))
                #expect(got == expected, "\(file) \(r.name)")
                if got { claimed[index] += 1 }
            }
            #expect(!RecognizerRegistry.dedicatedClaims(dedicated.count, BounceContext(ParsedMessage(parsing: bytes))))
        }
        // Every recogniser but a few claims some message: a swapped pair of cases would show.
        #expect(claimed.filter { $0 > 0 }.count > dedicated.count - 5, "\(zip(dedicated.map(\.name), claimed).filter { $0.1 == 0 })")
    }
}
