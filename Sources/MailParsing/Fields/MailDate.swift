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
        if let words = iso8601Words {
            // Made a String unchecked (`UncheckedUTF8.asciiString`, ~212 instructions; `String(decoding:as:)`
            // ~270, validating what it need not; `String(unsafeUninitializedCapacity:)`, which validates its
            // storage after the closure, ~435).
            var buffer = (words.0.littleEndian, words.1.littleEndian, words.2.littleEndian, words.3.littleEndian)
            return withUnsafeBytes(of: &buffer) { raw in
                UncheckedUTF8.asciiString(UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                                              count: 25))
            }
        }
        let local = secondsSince1970 + Int64(utcOffsetMinutes * 60)
        let offset = abs(utcOffsetMinutes)
        var days = local / 86_400
        var rest = local % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let (y, m, d) = CivilCalendar.civilFromDays(days)
        let sign = utcOffsetMinutes < 0 ? "-" : "+"
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T" + pad(Int(rest / 3600), 2) + ":"
            + pad(Int(rest % 3600 / 60), 2) + ":" + pad(Int(rest % 60), 2) + sign + pad(offset / 60, 2) + ":"
            + pad(offset % 60, 2)
    }

    /// `iso8601`'s 25 bytes as four words (`isoWords`: byte k of the text at bits 8k of word k / 8), for a
    /// writer that stores them where they go, without a String (the JSON Lines output); nil outside the
    /// usual case, from 0001-01-01 (-62,135,596,800 s) through 9999 with an offset under 100 hours,
    /// where `iso8601` writes the text otherwise.
    @inline(__always)
    package var iso8601Words: (UInt64, UInt64, UInt64, UInt64)? {
        let local = secondsSince1970 + Int64(utcOffsetMinutes * 60)
        let offset = abs(utcOffsetMinutes)
        // Read in unsigned arithmetic and written in words (see `isoWords`).
        guard local >= -62_135_596_800, local < 253_402_300_800, offset < 100 * 60 else { return nil }
        let shifted = UInt64(local + 62_135_596_800)  // seconds since 0001-01-01T00:00:00
        let days = shifted / 86_400, rest = shifted % 86_400
        let (y, m, d) = CivilCalendar.civilFromDaysSinceYearOne(days)
        return Self.isoWords(year: y, month: m, day: d, hours: rest / 3600, minutes: rest % 3600 / 60,
                             seconds: rest % 60, negative: utcOffsetMinutes < 0,
                             offsetHours: UInt64(offset / 60), offsetMinutes: UInt64(offset % 60))
    }

    /// The 25 bytes of `YYYY-MM-DDTHH:MM:SS+HH:MM` as four words, byte k of the text at bits 8k of word
    /// k / 8 (the last word holds one byte). Every value is 0...99 but the year (0...9999). The digit pairs
    /// are made four at a time, one value a 16-bit lane (`digitPairs`), and the words assembled from
    /// them with the fixed bytes. (Written pair by pair through the address of a stack buffer, each pair's
    /// tens and units divided out alone, after the signed civil arithmetic and its checks: ~320
    /// instructions a date besides the String's ~210, now ~220; iso8601 with civilFromDays 1.02M -> 0.73M,
    /// Main.main 323.62M -> 323.27M on the 3,333 dates of the sisimai bsd mbox x3.)
    @inline(__always)
    static func isoWords(year: UInt64, month: UInt64, day: UInt64, hours: UInt64, minutes: UInt64, seconds: UInt64,
                         negative: Bool, offsetHours: UInt64, offsetMinutes: UInt64)
        -> (UInt64, UInt64, UInt64, UInt64)
    {
        let date = digitPairs(year / 100 | (year % 100) << 16 | month << 32 | day << 48)
        let time = digitPairs(hours | minutes << 16 | seconds << 32 | offsetHours << 48)
        let zoneMinutes = digitPairs(offsetMinutes)
        let hyphen = UInt64(ASCII.hyphen), colon = UInt64(ASCII.colon)
        let sign = negative ? hyphen : UInt64(UInt8(ascii: "+"))
        // "YYYY-MM-", "DDTHH:MM", ":SS+HH:M", "M".
        let w0 = date & 0xFFFF_FFFF | hyphen << 32 | (date >> 32 & 0xFFFF) << 40 | hyphen << 56
        let w1 = date >> 48 | UInt64(UInt8(ascii: "T")) << 16 | (time & 0xFFFF) << 24 | colon << 40 | (time >> 16 & 0xFFFF) << 48
        let w2 = colon | (time >> 32 & 0xFFFF) << 8 | sign << 24 | (time >> 48) << 32 | colon << 48 | (zoneMinutes & 0xFF) << 56
        return (w0, w1, w2, zoneMinutes >> 8 & 0xFF)
    }

    /// The two ASCII digits of each 16-bit lane's value (each 0...99), tens in the lane's low byte.
    /// `v * 103 >> 10` is `v / 10` for 0...99; each lane's product is under 2^14, so nothing carries into
    /// the next lane, and the bits shifted in from the next are masked off.
    @inline(__always)
    static func digitPairs(_ lanes: UInt64) -> UInt64 {
        let tens = (lanes &* 103) >> 10 & 0x000F_000F_000F_000F
        let units = lanes &- tens &* 10
        return tens | units << 8 | 0x3030_3030_3030_3030
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

/// Proleptic Gregorian calendar arithmetic (Howard Hinnant's days_from_civil / civil_from_days).
package enum CivilCalendar {
    package static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    @inline(__always)
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

    /// `civilFromDays` of a day count since 0001-01-01 (not 1970) in the years 1...9999, in unsigned
    /// arithmetic that cannot overflow there (no signed division's rounding fix or overflow checks).
    @inline(__always)
    package static func civilFromDaysSinceYearOne(_ days: UInt64) -> (UInt64, UInt64, UInt64) {
        // Days since 0000-03-01, the start of `civilFromDays`' era 0 (0001-01-01 is its day 306).
        let z = days &+ 306
        let era = z / 146_097
        let doe = z &- era &* 146_097
        let yoe = (doe &- doe / 1460 &+ doe / 36_524 &- doe / 146_096) / 365
        let doy = doe &- (365 &* yoe &+ yoe / 4 &- yoe / 100)
        let mp = (5 &* doy &+ 2) / 153
        let d = doy &- (153 &* mp &+ 2) / 5 &+ 1
        let m = mp < 10 ? mp &+ 3 : mp &- 9
        return (yoe &+ era &* 400 &+ (m <= 2 ? 1 : 0), m, d)
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
