@testable import DeliveryStatus
import Testing

/// `EnhancedStatusCode.description`, a code's digits written on the stack and made a String unchecked,
/// reads as its definition, `class.subject.detail` interpolated, for every class and every subject and
/// detail of one, two and three digits.
struct EnhancedStatusCodeTextTests {
    @Test func descriptionIsClassSubjectDetail() throws {
        for statusClass in [2, 4, 5] {
            for subject in 0...999 {
                for detail in [0, 1, 9, 10, 42, 99, 100, 555, 909, 999] {
                    let code = try #require(EnhancedStatusCode(statusClass: statusClass, subject: subject, detail: detail))
                    #expect(code.description == "\(statusClass).\(subject).\(detail)")
                }
            }
        }
    }
}
