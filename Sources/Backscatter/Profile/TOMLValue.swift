import MailParsing

/// A place in a TOML document: 1-based line and column (the column counts bytes).
package struct TOMLPosition: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number.
    package var line: Int
    /// 1-based column, in bytes from the start of the line.
    package var column: Int

    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    package var description: String { "\(line):\(column)" }
}

/// A TOML date, time or date-time (TOML 1.0 "Offset Date-Time", "Local Date-Time", "Local Date",
/// "Local Time"), kept as written and parsed.
package struct TOMLDateTime: Sendable, Hashable, CustomStringConvertible {
    /// Which of TOML's four date/time types this is.
    package enum Kind: Sendable, Hashable {
        case offsetDateTime, localDateTime, localDate, localTime
    }

    /// The text as written in the document.
    package var text: String
    package var kind: Kind
    package var year = 0, month = 0, day = 0
    package var hour = 0, minute = 0, second = 0
    /// Fraction of the second, in nanoseconds (digits beyond nine are truncated, as TOML 1.0 allows).
    package var nanosecond = 0
    /// Offset from UTC in seconds, for an offset date-time.
    package var utcOffsetSeconds: Int?

    /// Seconds since 1970-01-01T00:00:00Z, for an offset date-time (the only kind that names an instant).
    package var secondsSince1970: Double? {
        guard kind == .offsetDateTime, let offset = utcOffsetSeconds else { return nil }
        let days = TOMLDateTime.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset
        return Double(seconds) + Double(nanosecond) / 1e9
    }

    package var description: String { text }

    /// Days since 1970-01-01 of a proleptic Gregorian date (MailParsing's `CivilCalendar`).
    package static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        Int(CivilCalendar.daysFromCivil(year: year, month: month, day: day))
    }
}

/// One TOML value.
package indirect enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    case dateTime(TOMLDateTime)
    case array(TOMLArray)
    case table(TOMLTable)

    /// The TOML type's name, for error messages ("expected a string, found an integer").
    package var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .boolean: "a boolean"
        case .dateTime: "a date-time"
        case .array: "an array"
        case .table: "a table"
        }
    }
}

/// A TOML array (also an array of tables), with where each element was written.
package struct TOMLArray: Sendable, Equatable {
    package var elements: [TOMLValue]
    /// Where each element begins (for an array of tables: its `[[header]]`); same count as `elements`.
    package var positions: [TOMLPosition]

    package init(elements: [TOMLValue] = [], positions: [TOMLPosition] = []) {
        self.elements = elements
        self.positions = positions.count == elements.count
            ? positions : Array(repeating: TOMLPosition(line: 0, column: 0), count: elements.count)
    }

    package mutating func append(_ value: TOMLValue, at position: TOMLPosition) {
        elements.append(value)
        positions.append(position)
    }

    /// Arrays are equal when their elements are; positions are not compared.
    package static func == (lhs: TOMLArray, rhs: TOMLArray) -> Bool { lhs.elements == rhs.elements }
}

/// A TOML table: keys in document order, their values, and where each key was written.
package struct TOMLTable: Sendable, Equatable {
    /// Keys in the order they were first written.
    package private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]
    private var keyPositions: [String: TOMLPosition] = [:]
    /// Where the table was defined (its header, or its first key); the root table is at 1:1.
    package var position: TOMLPosition

    package init(position: TOMLPosition = TOMLPosition(line: 1, column: 1)) {
        self.position = position
    }

    /// The value of `key`, or nil.
    package subscript(key: String) -> TOMLValue? { values[key] }

    /// Where `key` was written (for a sub-table, its header), or nil.
    package func position(of key: String) -> TOMLPosition? { keyPositions[key] }

    /// Sets `key` to `value`, keeping the key's first position in document order.
    package mutating func set(_ key: String, _ value: TOMLValue, at position: TOMLPosition? = nil) {
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
        if let position { keyPositions[key] = position }
    }

    /// Whether the table has no keys.
    package var isEmpty: Bool { keys.isEmpty }

    /// Tables are equal when they hold the same keys with equal values; order and positions are not compared.
    package static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool { lhs.values == rhs.values }
}

/// A TOML syntax error: where it is and what was expected there.
package struct TOMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the error was found.
    package var position: TOMLPosition
    /// What went wrong, in words ("expected '=' after the key, found 'x'").
    package var reason: String

    package init(_ reason: String, at position: TOMLPosition) {
        self.reason = reason
        self.position = position
    }

    package var line: Int { position.line }
    package var column: Int { position.column }
    package var description: String { "\(position): \(reason)" }
}
