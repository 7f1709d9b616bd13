import Testing
@testable import DeliveryStatus

/// The byte-level string helpers must give the answers of the Character-based code they replace.
@Suite struct StringBytesTests {
    static let texts: [String] = [
        "", "a", "A", "550 5.1.1 <Kijitora@Example.JP>: Recipient address rejected: User unknown in local recipient table",
        "RECIPIENT ADDRESS REJECTED", "user unknown", "x@y", "mailbox full ", "Ärger: Mailbox voll", "配信できませんでした user unknown",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "aaaab", "[@Z`{", "@z`{ ", String(repeating: "Za", count: 40) + "zAb",
        "DELIVERY FAİLURE: user unknown", "\u{212A}ELVIN said: mailbox full", "Ünknown ÜSER Zab; ab ÀB zàb",
        String(repeating: "é", count: 20) + "MAILBOX FULL",
    ]

    @Test func containsIgnoringCaseIsLowercasedContains() {
        for haystack in Self.texts {
            for needle in Self.texts + ["b", "AB", "user UNKNOWN", "recipient address", "ärger", "Zab", "[@z`{", "za", "fai", "failure", "kelvin", "k", "i", "zàb", "mailbox full"] {
                #expect(haystack.containsIgnoringCase(needle) == haystack.lowercased().contains(needle.lowercased()),
                        "\(haystack.debugDescription) / \(needle.debugDescription)")
            }
        }
    }

    /// `Addresses.isAddress` as it reads with Characters (its non-ASCII path).
    static func isAddressByCharacters(_ s: String) -> Bool {
        guard s.utf8.count >= 3, s.utf8.count <= 320, let at = s.lastIndex(of: "@") else { return false }
        let local = s[..<at], domain = s[s.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty, !domain.contains("@") else { return false }
        return !s.contains(" ") && !s.contains("\t")
    }

    @Test(arguments: ["a@b", "a@", "@b", "a@@b", "a@b@", "", "@@", "abc", "x@example.org", "ü@é.de", "a b@c", "a@b\tc",
                      "postmaster@[192.0.2.1]", "\"x\"@y", "a@b@c.d"])
    func isAddressAsWithCharacters(text: String) {
        #expect(Addresses.isAddress(text) == Self.isAddressByCharacters(text))
    }

    @Test(arguments: ["a@b", "a@", "@b", "a@@b", "a@b@", "", "@@", "abc", "x@example.org", "ü@é.de"])
    func domainPartIsLastPieceOfSplit(address: String) {
        #expect(Finalization.domainPart(of: address) == (address.split(separator: "@").last.map(String.init) ?? ""))
    }
}
