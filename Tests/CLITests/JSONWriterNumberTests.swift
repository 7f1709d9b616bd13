@testable import BackscatterCLI
import Testing
import TestSupport

/// The JSON writer's numbers (`JSONWriter.int`, `.decimal`, written two digits at a time from a table of
/// the pairs) read as the plain conversions do: an Int as `String(_:)`, a decimal as
/// `Decimals.format(_:places: 3)`, whose digits come from its own loop a digit at a time.
struct JSONWriterNumberTests {
    static func written(_ write: (inout JSONWriter) -> Void) -> String {
        String(decoding: JSONWriter.document(capacity: 0, write), as: UTF8.self)
    }

    @Test func intsReadAsStringDoes() {
        var values: [Int] = [0, 1, -1, 9, 10, 99, 100, 101, 999, 1_000, Int.max, Int.min, Int.max - 1, Int.min + 1]
        var power = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -(power - 1), -power]
        }
        var generator = SplitMix64(seed: 17)
        for _ in 0..<20_000 {
            let bits = Int(truncatingIfNeeded: generator.next())
            values.append(bits >> generator.below(64))
        }
        for value in values {
            #expect(Self.written { $0.int(value) } == String(value), "\(value)")
        }
    }

    @Test func decimalsReadAsFormatDoes() {
        var values: [Double] = [0, -0.0, 0.5, 0.0005, 0.0004999, 1.0005, -1.0005, 0.1, 0.25, 0.333, 12.3456,
                                99.9995, 100, 1e15, -1e15, 8.9e15, 9.1e15, 1e20, -1e20]
        var generator = SplitMix64(seed: 23)
        for _ in 0..<20_000 {
            let magnitude = Double(generator.below(1_000_000_000)) / Double([1, 10, 1_000, 100_000][generator.below(4)])
            values.append(generator.below(2) == 0 ? magnitude : -magnitude)
        }
        for value in values {
            #expect(Self.written { $0.decimal(value) } == Decimals.format(value, places: 3), "\(value)")
        }
        #expect(Self.written { $0.decimal(.nan) } == "null")
        #expect(Self.written { $0.decimal(.infinity) } == "null")
    }
}
