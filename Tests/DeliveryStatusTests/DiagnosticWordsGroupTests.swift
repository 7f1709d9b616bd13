import Testing
@testable import DeliveryStatus

/// `DiagnosticWords.Matches` (all tables in one pass) must agree with asking each table alone.
@Suite struct DiagnosticWordsGroupTests {
    static let texts = [
        "550 sorry, no mailbox here by that name (#5.1.1 - chkusr)",
        "550 5.1.1 <neko@example.co.jp>: Recipient address rejected: User unknown in virtual mailbox table",
        "552 5.2.2 Mailbox is FULL", "550 No such user here", "554 5.7.1 Message rejected as spam by Content Filtering.",
        "421 4.7.0 Too many connections from your IP, try again later", "I am away on vacation until Monday",
        "host mx.example.com said: 550 blocked using zen.spamhaus.org", "", "x",
    ]

    @Test(arguments: texts)
    func oneScanAgreesWithEachTable(text: String) {
        let all = DiagnosticWords.Matches(text)
        for reason in Reason.allCases where DiagnosticWords.tables[reason] != nil {
            #expect(all.contains(reason) == DiagnosticWords.matches(reason, text), "\(reason) in \(text)")
        }
    }
}
