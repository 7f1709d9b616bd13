import MailParsing

/// The few header values a `ScanRecord` shows, read from a header section.
///
/// SEAM(fields): the `fields` branch brings the real field parsers (addresses, RFC 2047, dates).
/// Until they are on main these are deliberately small readers: enough for the report, not a parser.
enum HeaderValues {
    /// The Message-ID as written (angle brackets kept), trimmed.
    static func messageId(_ headers: HeaderSection) -> String? {
        guard let field = headers.first("message-id") else { return nil }
        let value = field.valueString
        return value.isEmpty ? nil : value
    }

    /// The Subject, decoded for display.
    static func subject(_ headers: HeaderSection) -> String? {
        guard let field = headers.first("subject") else { return nil }
        return field.valueString
    }

    /// The addr-specs of an address list field, in order (all fields of that name).
    static func addresses(_ headers: HeaderSection, _ name: String) -> [String] {
        var out: [String] = []
        for field in headers.all(name) { out.append(contentsOf: addressList(field.unfoldedValue)) }
        return out
    }

    /// The date of the Date field.
    static func date(_ headers: HeaderSection) -> MessageDate? {
        guard let field = headers.first("date") else { return nil }
        return MessageDate(parsing: field.unfoldedValue)
    }

    /// Splits an address list at commas outside quotes, comments and angle brackets, and keeps each
    /// member's addr-spec (RFC 5322 §3.4): the part in angle brackets, or the bare address.
    static func addressList(_ value: ByteSlice) -> [String] {
        var out: [String] = []
        var start = value.startIndex
        var inQuote = false, depth = 0, inAngle = false
        var i = value.startIndex
        func take(_ part: ByteSlice) {
            if let address = addrSpec(part) { out.append(address) }
        }
        while i < value.endIndex {
            let byte = value[i]
            if inQuote {
                if byte == UInt8(ascii: "\\") { i += 1 } else if byte == UInt8(ascii: "\"") { inQuote = false }
            } else if depth > 0 {
                if byte == UInt8(ascii: "(") { depth += 1 } else if byte == UInt8(ascii: ")") { depth -= 1 }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inQuote = true
                case UInt8(ascii: "("): depth = 1
                case UInt8(ascii: "<"): inAngle = true
                case UInt8(ascii: ">"): inAngle = false
                case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":") where !inAngle:
                    if byte == UInt8(ascii: ":") { start = i + 1; break }  // group display name
                    take(value[start..<i])
                    start = i + 1
                default: break
                }
            }
            i += 1
        }
        if start < value.endIndex { take(value[start..<value.endIndex]) }
        return out
    }

    private static func addrSpec(_ member: ByteSlice) -> String? {
        if let open = member.firstIndex(of: UInt8(ascii: "<")) {
            let rest = member[(open + 1)...]
            let close = rest.firstIndex(of: UInt8(ascii: ">")) ?? rest.endIndex
            let inner = rest[rest.startIndex..<close].trimmingWhitespace()
            return inner.isEmpty ? "" : inner.utf8String
        }
        // A bare address: drop comments.
        var bytes: [UInt8] = []
        var depth = 0
        for byte in member {
            if byte == UInt8(ascii: "(") { depth += 1; continue }
            if byte == UInt8(ascii: ")") { depth = max(0, depth - 1); continue }
            if depth == 0 { bytes.append(byte) }
        }
        let trimmed = bytes[...].trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed.utf8String
    }
}

/// A Date field's instant and the zone offset it was written in.
struct MessageDate: Sendable, Hashable {
    /// Seconds since 1970-01-01T00:00:00Z.
    var timestamp: Int64
    /// The written zone's offset from UTC, in minutes.
    var offsetMinutes: Int

    init(timestamp: Int64, offsetMinutes: Int) {
        self.timestamp = timestamp
        self.offsetMinutes = offsetMinutes
    }

    /// Reads `[day-of-week ,] day month year hour:minute[:second] [zone]` (RFC 5322 §3.3, with the
    /// obsolete zones of §4.3 and a missing zone read as UTC).
    init?(parsing value: ByteSlice) {
        var tokens: [ByteSlice] = []
        var i = value.startIndex
        while i < value.endIndex {
            while i < value.endIndex, Self.isSeparator(value[i]) { i += 1 }
            let start = i
            while i < value.endIndex, !Self.isSeparator(value[i]) { i += 1 }
            if start < i { tokens.append(value[start..<i]) }
            if tokens.count > 12 { break }
        }
        var t = 0
        if t < tokens.count, let first = tokens[t].first, !ASCII.isDigit(first) { t += 1 }  // day of week
        guard t + 3 < tokens.count,
              let day = Self.number(tokens[t]),
              let month = Self.month(tokens[t + 1]),
              var year = Self.number(tokens[t + 2])
        else { return nil }
        // RFC 5322 §4.3: two-digit years below 50 are 20xx, three-digit years add 1900.
        if tokens[t + 2].count == 2 { year += year < 50 ? 2000 : 1900 } else if tokens[t + 2].count == 3 { year += 1900 }
        let time = tokens[t + 3].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard time.count >= 2, let hour = Self.number(time[0]), let minute = Self.number(time[1]) else { return nil }
        let second = time.count > 2 ? (Self.number(time[2]) ?? 0) : 0
        guard (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
              (1000...9999).contains(year)
        else { return nil }
        var offset = 0
        if t + 4 < tokens.count { offset = Self.zone(tokens[t + 4]) ?? 0 }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let local = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        self.timestamp = local - Int64(offset * 60)
        self.offsetMinutes = offset
    }

    /// `YYYY-MM-DDTHH:MM:SS+HH:MM` (`Z` for UTC), in the written zone.
    var iso8601: String { Self.iso8601(timestamp: timestamp, offsetMinutes: offsetMinutes) }

    /// Formats an instant as ISO 8601 in a zone.
    static func iso8601(timestamp: Int64, offsetMinutes: Int) -> String {
        let local = timestamp + Int64(offsetMinutes * 60)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secs = Int(local - days * 86_400)
        let (y, m, d) = civilFromDays(Int(days))
        var out = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T"
        out += pad(secs / 3600, 2) + ":" + pad(secs / 60 % 60, 2) + ":" + pad(secs % 60, 2)
        if offsetMinutes == 0 { return out + "Z" }
        let sign = offsetMinutes < 0 ? "-" : "+"
        let a = abs(offsetMinutes)
        return out + sign + pad(a / 60, 2) + ":" + pad(a % 60, 2)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == ASCII.space || byte == ASCII.tab || byte == UInt8(ascii: ",") || byte == ASCII.carriageReturn
            || byte == ASCII.lineFeed
    }

    private static func number(_ token: ByteSlice) -> Int? {
        guard !token.isEmpty, token.count <= 4 else { return nil }
        var value = 0
        for byte in token {
            guard ASCII.isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static let monthNames: [StaticString] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                                                     "oct", "nov", "dec"]

    private static func month(_ token: ByteSlice) -> Int? {
        guard token.count >= 3 else { return nil }
        let head = token.prefix(3)
        for (i, name) in monthNames.enumerated() where head.equalsCaseInsensitive(name) { return i + 1 }
        return nil
    }

    /// `+hhmm` / `-hhmm`, or an obsolete zone name (RFC 5322 §4.3), in minutes east of UTC.
    private static func zone(_ token: ByteSlice) -> Int? {
        if let sign = token.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), token.count == 5,
           let hhmm = number(token.dropFirst()) {
            let minutes = hhmm / 100 * 60 + hhmm % 100
            return sign == UInt8(ascii: "-") ? -minutes : minutes
        }
        let names: [(StaticString, Int)] = [("ut", 0), ("gmt", 0), ("utc", 0), ("z", 0), ("est", -300), ("edt", -240),
                                            ("cst", -360), ("cdt", -300), ("mst", -420), ("mdt", -360),
                                            ("pst", -480), ("pdt", -420)]
        for (name, minutes) in names where token.equalsCaseInsensitive(name) { return minutes }
        return nil
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }
}
