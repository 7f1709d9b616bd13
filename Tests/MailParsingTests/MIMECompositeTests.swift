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
}
