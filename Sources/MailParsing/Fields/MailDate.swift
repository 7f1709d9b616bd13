/// A point in time read from a Date field, a Received trailer or an mbox From_ line, with the zone
/// offset it was written in.
public struct MailDate: Sendable, Hashable {
    /// Seconds since 1970-01-01T00:00:00Z (UTC).
    public var secondsSince1970: Int64
    /// The writer's offset from UTC in minutes (east positive); 0 when no zone was given.
    public var utcOffsetMinutes: Int

    /// Creates a date from UTC seconds and a zone offset.
    public init(secondsSince1970: Int64, utcOffsetMinutes: Int) {
        self.secondsSince1970 = secondsSince1970
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    /// Creates a date from civil fields in the writer's local time; nil when a field is out of range.
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
                 utcOffsetMinutes: Int = 0)
    {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day),
              day <= CivilCalendar.daysInMonth(year: year, month: month),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
              (-24 * 60...24 * 60).contains(utcOffsetMinutes)
        else { return nil }
        let days = CivilCalendar.daysFromValidCivil(year: year, month: month, day: day)
        // A leap second (:60) is read as :59, as POSIX time has no place for it.
        let local = days * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
        self.init(secondsSince1970: local - Int64(utcOffsetMinutes * 60), utcOffsetMinutes: utcOffsetMinutes)
    }

    /// ISO 8601 / RFC 3339 text in the writer's zone: `2026-11-29T05:33:05+01:00`.
    public var iso8601: String {
        let local = secondsSince1970 + Int64(utcOffsetMinutes * 60)
        var days = local / 86_400
        var rest = local % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let (y, m, d) = CivilCalendar.civilFromDays(days)
        let sign = utcOffsetMinutes < 0 ? "-" : "+"
        let offset = abs(utcOffsetMinutes)
        if (0...9999).contains(y), offset / 60 < 100 {
            // The usual case, written digit by digit into one 25-byte string (the concatenation of
            // eleven padded Strings below cost ~10,000 instructions a date). Each pair of digits is
            // stored at its fixed place through the buffer's address (a nested function that moved a
            // captured count was ~38 instructions a pair: iso8601 3.27M -> 2.16M for the 3,333 dates
            // of the sisimai bsd mbox x3). Every value written is 0...99 (checked above for the year and
            // the offset's hours; a civil date's and a time of day's fields are so).
            let hours = Int(rest / 3600), minutes = Int(rest % 3600 / 60), seconds = Int(rest % 60)
            let signByte = utcOffsetMinutes < 0 ? ASCII.hyphen : UInt8(ascii: "+")
            // Written on the stack and made a String unchecked (`UncheckedUTF8.asciiString`, ~212 instructions;
            // `String(decoding:as:)` ~270, validating what it need not):
            // `String(unsafeUninitializedCapacity:)`, which validates its storage after the closure, cost
            // ~435 a date (iso8601 2.15M -> 1.94M for the 3,333 dates of the sisimai bsd mbox x3).
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 25) { out in
                guard out.count >= 25, let p = out.baseAddress else { return "" }
                @inline(__always) func pair(_ value: Int, at k: Int) {
                    let v = UInt8(truncatingIfNeeded: value)
                    p[k] = ASCII.zero &+ v / 10
                    p[k + 1] = ASCII.zero &+ v % 10
                }
                pair(y / 100, at: 0); pair(y % 100, at: 2); p[4] = ASCII.hyphen; pair(m, at: 5); p[7] = ASCII.hyphen
                pair(d, at: 8); p[10] = UInt8(ascii: "T"); pair(hours, at: 11); p[13] = ASCII.colon
                pair(minutes, at: 14); p[16] = ASCII.colon; pair(seconds, at: 17); p[19] = signByte
                pair(offset / 60, at: 20); p[22] = ASCII.colon; pair(offset % 60, at: 23)
                return UncheckedUTF8.asciiString(UnsafeBufferPointer(start: p, count: 25))
            }
        }
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T" + pad(Int(rest / 3600), 2) + ":"
            + pad(Int(rest % 3600 / 60), 2) + ":" + pad(Int(rest % 60), 2) + sign + pad(offset / 60, 2) + ":"
            + pad(offset % 60, 2)
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

/// Proleptic Gregorian calendar arithmetic (Howard Hinnant's days_from_civil / civil_from_days).
package enum CivilCalendar {
    package static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    package static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 for a civil date (year 1...9999).
    package static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `daysFromCivil` of a date already checked (year 1...9999, month 1...12, day 1...31): whole years
    /// and the days before the month from a table, in unsigned arithmetic that cannot overflow there
    /// (the era arithmetic's signed divisions and overflow checks were ~70 instructions a date, for
    /// every date read: ~7,400 on the sisimai bsd mbox x3).
    @inline(__always)
    package static func daysFromValidCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = UInt(truncatingIfNeeded: year), before: UInt
        switch month {
        case 1: before = 0
        case 2: before = 31
        case 3: before = 59
        case 4: before = 90
        case 5: before = 120
        case 6: before = 151
        case 7: before = 181
        case 8: before = 212
        case 9: before = 243
        case 10: before = 273
        case 11: before = 304
        default: before = 334
        }
        let leapDay: UInt = month > 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 1 : 0
        // Days from 0001-01-01 to the year's first day, then to 1970-01-01 (719,162 days after 0001-01-01).
        let y0 = y &- 1
        let days = y0 &* 365 &+ y0 / 4 &- y0 / 100 &+ y0 / 400 &+ before &+ leapDay &+ UInt(truncatingIfNeeded: day) &- 1
        return Int64(Int(bitPattern: days) &- 719_162)
    }

    /// The civil date (year, month, day) of a day count since 1970-01-01.
    package static func civilFromDays(_ days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }
}
