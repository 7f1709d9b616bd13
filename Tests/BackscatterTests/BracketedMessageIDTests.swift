@testable import Backscatter
import Testing

/// The returned original's Message-ID held as the scan record's bracketed String (`OriginalFacts.messageIDText`).
struct BracketedMessageIDTests {
    /// Facts holding the scan record's bracketed Message-ID (`OriginalFacts.messageIDText`) read as the
    /// id, equal and hashed as facts holding the id itself, and round-trip as held.
    @Test func bracketedMessageIDReadsAsTheID() throws {
        let id = "20260101.ABC@Example.org"
        var held = SpillCodingTests.fullObservation().original ?? OriginalFacts(presence: .full)
        held.messageIDText = "<" + id + ">"
        held.messageIDIsBracketed = true
        var plain = held
        plain.messageID = id
        #expect(held.messageID == id)
        #expect(!plain.messageIDIsBracketed && plain.messageIDText == id)
        #expect(held == plain)
        #expect(held.hashValue == plain.hashValue)
        #expect(held.withMessageIDBytes { Array($0) } == Array(id.utf8))
        #expect(plain.withMessageIDBytes { Array($0) } == Array(id.utf8))
        let back = try SpillCodingTests.roundTrip(held)
        #expect(back == held && back.messageIDIsBracketed && back.messageIDText == held.messageIDText)
    }

}
