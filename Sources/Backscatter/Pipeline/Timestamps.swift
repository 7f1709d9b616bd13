import MailParsing

/// ISO 8601 instants for records, filters and reports, without Foundation.
public enum Timestamps {
    /// Formats seconds since 1970 UTC as `YYYY-MM-DDTHH:MM:SS` plus `Z` or `±HH:MM` in the given zone.
    public static func iso8601(_ timestamp: Int64, offsetMinutes: Int = 0) -> String {
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

    /// Days since 1970-01-01 of a proleptic Gregorian date (MailParsing's `CivilCalendar`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        Int(CivilCalendar.daysFromCivil(year: year, month: month, day: day))
    }

    /// The civil date (year, month, day) of a day count since 1970-01-01 (MailParsing's `CivilCalendar`).
    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        CivilCalendar.civilFromDays(Int64(days))
    }

    /// Reads `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM`, `YYYY-MM-DDTHH:MM:SS`, each optionally followed by `Z` or
    /// `±HH:MM` (UTC when absent); a space may stand for the `T`.
    /// - Returns: seconds since 1970 UTC, or nil when the text is not such a date.
    public static func parseISO8601(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for i in from..<from + count {
                guard bytes[i] >= 48, bytes[i] <= 57 else { return nil }
                value = value * 10 + Int(bytes[i] - 48)
            }
            return value
        }
        guard let year = number(0, 4), bytes.count >= 10, bytes[4] == 45, let month = number(5, 2), bytes[7] == 45,
              let day = number(8, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = 0
        var i = 10
        if i < bytes.count, bytes[i] == UInt8(ascii: "T") || bytes[i] == UInt8(ascii: " ") {
            guard let hour = number(i + 1, 2), i + 3 < bytes.count, bytes[i + 3] == 58, let minute = number(i + 4, 2),
                  hour < 24, minute < 60
            else { return nil }
            seconds = hour * 3600 + minute * 60
            i += 6
            if i < bytes.count, bytes[i] == 58 {
                guard let second = number(i + 1, 2), second <= 60 else { return nil }
                seconds += second
                i += 3
            }
        }
        var offset = 0
        if i < bytes.count {
            if bytes[i] == UInt8(ascii: "Z") && i + 1 == bytes.count {
                offset = 0
            } else if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-"), i + 6 == bytes.count,
                      let hours = number(i + 1, 2), bytes[i + 3] == 58, let minutes = number(i + 4, 2) {
                offset = (hours * 60 + minutes) * (bytes[i] == UInt8(ascii: "-") ? -1 : 1)
            } else {
                return nil
            }
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86_400 + Int64(seconds) - Int64(offset * 60)
    }
}
