import Testing
@testable import MailParsing

/// `MIMEParser.isComposite` tells parts apart by the names' lengths first: it must answer what the
/// multipart test and `MIMEPart.isEncapsulatingType` answer, for the composite types, names of the same
/// lengths that are not, and others.
@Suite struct MIMECompositeTests {
    @Test func agreesWithTheNameTests() {
        let types = ["text", "message", "multipart", "image", "application", "texx", "massage", "multipark", "",
                     "TEXT", "x-message", "textual", "messages"]
        let subtypes = ["plain", "rfc822", "global", "global-headers", "rfc822-headers", "rfc822-headerz",
                        "delivery-status", "mixed", "report", "digest", "", "rfc822-headers-x", "html"]
        for type in types {
            for subtype in subtypes {
                let contentType = ContentType(type: type, subtype: subtype)
                let expected = type == "multipart" || MIMEPart.isEncapsulatingType(contentType)
                #expect(MIMEParser.isComposite(contentType) == expected, "\(type)/\(subtype)")
            }
        }
    }

    /// `MIMEPart.isEncapsulating` (by the subtype's length first) answers true for exactly the five
    /// encapsulating types, and false for names of the same lengths that differ by a byte.
    @Test func encapsulatingTypesAreTheFive() {
        let encapsulating: Set<String> = ["message/rfc822", "message/global", "message/global-headers",
                                          "message/rfc822-headers", "text/rfc822-headers"]
        let types = ["text", "message", "multipart", "texx", "massage", "", "TEXT", "messages"]
        let subtypes = ["plain", "rfc822", "global", "global-headers", "rfc822-headers", "rfc822-headerz",
                        "rfc82x", "globaL", "glob-l", "global-headerz", "delivery-status", "", "rfc822-headers-x"]
        var found = 0
        for type in types {
            for subtype in subtypes {
                let expected = encapsulating.contains("\(type)/\(subtype)")
                #expect(MIMEPart.isEncapsulating(type, subtype) == expected, "\(type)/\(subtype)")
                if expected { found += 1 }
            }
        }
        #expect(found == encapsulating.count)
    }
}
