@testable import Backscatter
import Foundation
import Testing
import TestSupport

/// toml-test (Fixtures/profile/toml-test, MIT): every valid document parses to its JSON, every invalid one
/// is rejected.
@Suite struct TOMLConformanceTests {
    static let root = Corpus.fixture("profile/toml-test")

    /// toml-test's exclusions for TOML 1.0.0 (version.go): `\e` is a TOML 1.1 escape.
    static let notTOML10: Set<String> = ["valid/string/escape-esc"]

    static func cases(_ kind: String) -> [String] {
        let base = URL(fileURLWithPath: root).appendingPathComponent(kind)
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".toml") }
            .map { "\(kind)/\($0.dropLast(5))" }.filter { !notTOML10.contains($0) }.sorted()
    }

    static let valid = cases("valid")
    static let invalid = cases("invalid")

    @Test func suiteIsPresent() {
        #expect(Self.valid.count >= 99)
        #expect(Self.invalid.count >= 234)
    }

    @Test(arguments: valid)
    func parsesValidDocument(_ name: String) throws {
        let bytes = try #require(FileManager.default.contents(atPath: "\(Self.root)/\(name).toml"))
        let json = try #require(FileManager.default.contents(atPath: "\(Self.root)/\(name).json"))
        let expected = try JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
        let table = try TOMLParser.parse(bytes: [UInt8](bytes))
        let mismatch = Self.compare(.table(table), expected, path: "")
        #expect(mismatch == nil, "\(name): \(mismatch ?? "")")
    }

    @Test(arguments: invalid)
    func rejectsInvalidDocument(_ name: String) throws {
        let bytes = try #require(FileManager.default.contents(atPath: "\(Self.root)/\(name).toml"))
        #expect(throws: TOMLError.self, "\(name) was accepted") { try TOMLParser.parse(bytes: [UInt8](bytes)) }
    }

    /// nil when `value` equals toml-test's tagged JSON `expected`, else where and why not.
    static func compare(_ value: TOMLValue, _ expected: Any, path: String) -> String? {
        switch value {
        case .table(let table):
            guard let object = expected as? [String: Any], !isTagged(object) else { return "\(path): expected \(expected), got a table" }
            if Set(object.keys) != Set(table.keys) {
                return "\(path): keys \(table.keys.sorted()) != \(object.keys.sorted())"
            }
            for key in table.keys {
                guard let v = table[key], let e = object[key] else { continue }
                if let m = compare(v, e, path: "\(path).\(key)") { return m }
            }
            return nil
        case .array(let array):
            guard let list = expected as? [Any], list.count == array.elements.count else {
                return "\(path): expected \(expected), got an array of \(array.elements.count)"
            }
            for (n, (v, e)) in zip(array.elements, list).enumerated() {
                if let m = compare(v, e, path: "\(path)[\(n)]") { return m }
            }
            return nil
        default:
            guard let tagged = expected as? [String: Any], let type = tagged["type"] as? String,
                  let text = tagged["value"] as? String else { return "\(path): expected \(expected), got \(value)" }
            switch (value, type) {
            case (.string(let s), "string"):
                return s == text ? nil : "\(path): \(s.debugDescription) != \(text.debugDescription)"
            case (.integer(let i), "integer"):
                return Int64(text) == i ? nil : "\(path): \(i) != \(text)"
            case (.float(let d), "float"):
                let want: Double? = ["inf": .infinity, "+inf": .infinity, "-inf": -.infinity][text] ?? Double(text)
                if text.hasSuffix("nan") { return d.isNaN ? nil : "\(path): \(d) is not nan" }
                return want == d ? nil : "\(path): \(d) != \(text)"
            case (.boolean(let b), "bool"):
                return String(b) == text ? nil : "\(path): \(b) != \(text)"
            case (.dateTime(let dt), "datetime"), (.dateTime(let dt), "datetime-local"),
                 (.dateTime(let dt), "date-local"), (.dateTime(let dt), "time-local"):
                guard let want = TOMLParser.dateTime(text) else { return "\(path): cannot read expected \(text)" }
                let same = want.kind == dt.kind && want.year == dt.year && want.month == dt.month && want.day == dt.day
                    && want.hour == dt.hour && want.minute == dt.minute && want.second == dt.second
                    && want.nanosecond == dt.nanosecond && want.utcOffsetSeconds == dt.utcOffsetSeconds
                let kinds: [String: TOMLDateTime.Kind] = ["datetime": .offsetDateTime, "datetime-local": .localDateTime,
                                                          "date-local": .localDate, "time-local": .localTime]
                return same && kinds[type] == dt.kind ? nil : "\(path): \(dt.text) != \(text) (\(type))"
            default:
                return "\(path): \(value.typeName) where toml-test has \(type)"
            }
        }
    }

    static func isTagged(_ object: [String: Any]) -> Bool {
        object.count == 2 && object["type"] is String && object["value"] is String
    }
}
