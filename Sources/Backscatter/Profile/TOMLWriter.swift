/// Writes TOML 1.0 text that `TOMLParser` reads back to the same values.
package enum TOMLWriter {
    /// A whole document: the table's plain keys first, then its sub-tables as `[headers]` and arrays of
    /// tables as `[[headers]]`, each in the table's key order.
    package static func document(_ table: TOMLTable) -> String {
        var out = ""
        write(table, path: [], into: &out)
        return out
    }

    private static func write(_ table: TOMLTable, path: [String], into out: inout String) {
        // Plain keys first: after a [header] every key/value belongs to that header's table.
        for key in table.keys {
            guard let value = table[key], !isSection(value) else { continue }
            out += "\(self.key(key)) = \(self.value(value))\n"
        }
        for key in table.keys {
            guard let value = table[key] else { continue }
            let childPath = path + [key]
            let header = childPath.map(self.key).joined(separator: ".")
            switch value {
            case .table(let sub):
                if !out.isEmpty { out += "\n" }
                out += "[\(header)]\n"
                write(sub, path: childPath, into: &out)
            case .array(let array) where isArrayOfTables(array):
                for element in array.elements {
                    guard case .table(let sub) = element else { continue }
                    if !out.isEmpty { out += "\n" }
                    out += "[[\(header)]]\n"
                    write(sub, path: childPath, into: &out)
                }
            default:
                continue
            }
        }
    }

    private static func isSection(_ value: TOMLValue) -> Bool {
        switch value {
        case .table: true
        case .array(let array): isArrayOfTables(array)
        default: false
        }
    }

    private static func isArrayOfTables(_ array: TOMLArray) -> Bool {
        !array.elements.isEmpty && array.elements.allSatisfy { if case .table = $0 { true } else { false } }
    }

    /// A key: bare when it can be (toml.abnf unquoted-key), else a basic string.
    package static func key(_ key: String) -> String {
        let bare = !key.isEmpty && key.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x2D || b == 0x5F
        }
        return bare ? key : basicString(key)
    }

    /// One value in its inline form (tables as `{ inline }`, arrays on one line or one element a line).
    package static func value(_ value: TOMLValue) -> String {
        switch value {
        case .string(let s):
            // A text of several lines (a PEM key) reads best as a multi-line string.
            return s.contains("\n") ? multilineString(s) : basicString(s)
        case .integer(let i):
            return String(i)
        case .float(let d):
            if d.isNaN { return "nan" }
            if d.isInfinite { return d < 0 ? "-inf" : "inf" }
            let text = "\(d)"
            return text.contains(".") || text.contains("e") ? text : text + ".0"
        case .boolean(let b):
            return b ? "true" : "false"
        case .dateTime(let dt):
            return dt.text
        case .array(let array):
            let items = array.elements.map(self.value)
            let oneLine = "[" + items.joined(separator: ", ") + "]"
            if oneLine.count <= 100 && !oneLine.contains("\n") { return oneLine }
            return "[\n" + items.map { "  \($0),\n" }.joined() + "]"
        case .table(let table):
            if table.isEmpty { return "{}" }
            let items = table.keys.compactMap { k in table[k].map { "\(key(k)) = \(inlineValue($0))" } }
            return "{ " + items.joined(separator: ", ") + " }"
        }
    }

    /// Inside an inline table everything must stay on one line.
    private static func inlineValue(_ v: TOMLValue) -> String {
        switch v {
        case .string(let s): return basicString(s)
        case .array(let array): return "[" + array.elements.map(inlineValue).joined(separator: ", ") + "]"
        default: return value(v)
        }
    }

    /// toml.abnf basic-string, with the escapes it requires (quote, backslash, control characters).
    package static func basicString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u" + hex4(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// toml.abnf ml-basic-string: a newline after the opening quotes (trimmed by the parser), escapes for
    /// quote, backslash and control characters other than newline and tab.
    private static func multilineString(_ s: String) -> String {
        var out = "\"\"\"\n"
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u" + hex4(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\"\"\""
    }

    private static func hex4(_ v: UInt32) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - h.count)) + h
    }
}
