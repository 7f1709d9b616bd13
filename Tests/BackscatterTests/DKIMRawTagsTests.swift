@testable import Backscatter
import MailParsing
import Testing
import TestSupport

/// `DKIMTags.domainAndSelector` reads the same `d=` and `s=` from a DKIM-Signature's raw value, folded as
/// written, as from its unfolded value (what `ObservationReader.checkDKIM` relies on where no field of
/// the section was cut): over made-up fields folded at random places, CRLF and bare LF, blanks around
/// the tag names and inside the values, upper case and non-ASCII bytes.
@Suite struct DKIMRawTagsTests {
    @Test func rawValueGivesTheUnfoldedValuesTags() {
        var generator = SplitMix64(seed: 2_729)
        let pieces = ["d", "s", "D", "S", "=", "=", ";", ";", " ", "\t", "\r\n ", "\r\n\t", "\n ", "a", "B", ".", "v=1",
                      "é", "ex.org", "sel1", "b=abc+/=", "x"]
        for _ in 0..<5_000 {
            let count = Int.random(in: 0...24, using: &generator)
            let value = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let text = "DKIM-Signature: " + value + "\r\nSubject: x\r\n\r\n"
            let headers = HeaderSection.parse(Array(text.utf8)[...])
            guard let field = headers.fields.first(where: { $0.hasName("dkim-signature") }) else { continue }
            #expect(!headers.defects.contains(.fieldTooLong))
            let raw = DKIMTags.domainAndSelector(field.rawValue), unfolded = DKIMTags.domainAndSelector(field.unfoldedValue)
            #expect(raw.domain == unfolded.domain && raw.selector == unfolded.selector, "\(value.debugDescription)")
        }
    }
}
