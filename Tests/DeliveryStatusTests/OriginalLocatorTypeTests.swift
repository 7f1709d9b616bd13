import Testing
@testable import DeliveryStatus
import MailParsing

/// `OriginalLocator.encapsulatingType` against the `mimeType` and `hasSuffix("headers")` it stands for.
@Suite struct OriginalLocatorTypeTests {
    @Test func literalsAreTheConcatenation() {
        let types = ["message", "text", "application", "multipart", "messages", "Message", ""]
        let subtypes = ["rfc822", "global", "rfc822-headers", "global-headers", "plain", "headers", "partial",
                        "rfc822-header", "x-headers", "RFC822", ""]
        for type in types {
            for subtype in subtypes {
                let contentType = ContentType(type: type, subtype: subtype)
                let found = OriginalLocator.encapsulatingType(contentType)
                #expect(found.mimeType == contentType.mimeType, "\(type)/\(subtype)")
                #expect(found.headersOnly == subtype.hasSuffix("headers"), "\(type)/\(subtype)")
            }
        }
    }
}
