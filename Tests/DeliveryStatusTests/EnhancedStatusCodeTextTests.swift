@testable import DeliveryStatus
import Testing

/// `EnhancedStatusCode.description`, a code's digits written on the stack and made a String unchecked,
/// reads as its definition, `class.subject.detail` interpolated, for every class and every subject and
/// detail of one, two and three digits; the codes it looks up in its literal tables too.
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

    /// The literal tables `description` looks codes up in hold each code's written text at the place
    /// `commonTextIndex` gives it, and every code it places: all one-digit subjects and details, all
    /// pseudo details (900...999), and the codes around them (`none`).
    @Test func tablesHoldTheWrittenTexts() throws {
        #expect(EnhancedStatusCode.oneDigitTexts.count == 300)
        #expect(EnhancedStatusCode.pseudoTexts.count == 200)
        var placed = 0
        for statusClass in [2, 4, 5] {
            for subject in [0, 1, 5, 7, 9, 10, 11, 99, 100, 900, 999] {
                for detail in Array(0...20) + Array(95...105) + Array(890...999) {
                    let code = try #require(EnhancedStatusCode(statusClass: statusClass, subject: subject, detail: detail))
                    let written = "\(statusClass).\(subject).\(detail)"
                    #expect(code.writtenDescription == written)
                    #expect(code.description == written)
                    switch EnhancedStatusCode.commonTextIndex(statusClass: code.statusClass, subject: code.subject, detail: code.detail) {
                    case .oneDigit(let k):
                        #expect(subject < 10 && detail < 10)
                        #expect(EnhancedStatusCode.oneDigitTexts[k] == written)
                        placed += 1
                    case .pseudo(let k):
                        #expect(statusClass != 2 && subject == 0 && detail >= 900)
                        #expect(EnhancedStatusCode.pseudoTexts[k] == written)
                        placed += 1
                    case .none:
                        #expect(!(subject < 10 && detail < 10) && !(statusClass != 2 && subject == 0 && detail >= 900))
                    }
                }
            }
        }
        // 3 classes x 5 one-digit subjects x 10 details, and 2 classes x 100 pseudo details.
        #expect(placed == 150 + 200)
        // Classes no code has are placed nowhere.
        for statusClass: UInt8 in [0, 1, 3, 6, 9, 255] {
            #expect(EnhancedStatusCode.commonTextIndex(statusClass: statusClass, subject: 1, detail: 1) == .none)
        }
    }
}
