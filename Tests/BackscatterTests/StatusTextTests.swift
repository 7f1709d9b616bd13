@testable import Backscatter
import DeliveryStatus
import Testing

/// `HeaderValues.statusText`, a code's digits written on the stack, reads as `description` does for every
/// class and every subject and detail of one, two and three digits.
struct StatusTextTests {
    @Test func statusTextReadsAsDescription() throws {
        for statusClass in [2, 4, 5] {
            for subject in 0...999 {
                for detail in [0, 1, 9, 10, 42, 99, 100, 555, 909, 999] {
                    let code = try #require(EnhancedStatusCode(statusClass: statusClass, subject: subject, detail: detail))
                    #expect(HeaderValues.statusText(code) == code.description)
                }
            }
        }
    }
}
