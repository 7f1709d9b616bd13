extension MailDate {
    /// Parses a Date field value (RFC 5322 §3.3, obsolete forms §4.3) and the broken forms real mail has.
    ///
    /// Accepted, in any order the fields come: an optional day name; day, month name and year
    /// (`Mon 9, 2005` and `9 Jan 2005` alike); two-digit years (< 50 → 20xx, else 19xx) and three-digit
    /// years (+ 1900) per §4.3; `hh:mm[:ss]` with optional AM/PM; numeric zones (`+0900`, `-600`,
    /// `+05:30`, HTML-escaped `&#43;0000`), RFC 822 zones (UT, GMT, EST/EDT, CST/CDT, MST/MDT, PST/PDT),
    /// military letters (taken as +0000, as §4.3 advises), and common names (CET, MET, JST, ...); comments
    /// (`+0000 (UTC)`) skipped; ISO 8601 (`2026-11-29T05:33:05Z`); numeric dates `29-04-2017` (day first
    /// unless that cannot be); asctime (`Fri May 13 10:00:00 EDT 2005`); trailing junk.
    /// A missing zone gives offset 0; a numeric zone wins over a name. Returns nil without a day, month
    /// and year, or when a field is out of range (month 13, Feb 30, 25:00).
    /// Complexity: O(n), no allocation beyond the token scan.
    public static func parse(_ value: ByteSlice) -> MailDate? {
        value.withUnsafeBufferPointer { v in
            // The canonical form (nearly every date) made a date directly; anything else scanned.
            if let fields = DateScanner.readCanonical(v) { return DateScanner.date(fields) }
            var scanner = DateScanner()
            scanner.scanGeneral(v)
            return scanner.result()
        }
    }

    /// Parses an mbox From_ line (`From sender Wed Feb  9 10:00 MET 2005`, asctime with or without
    /// seconds and zone, RFC 4155) or just its date part.
    package static func parseMboxFromLine(_ line: ByteSlice) -> MailDate? {
        var rest = line.trimmingWhitespace()
        if rest.hasPrefixCaseInsensitive("from ") {
            rest = rest.dropFirst(5)
            while let first = rest.first, ASCII.isWhitespace(first) { rest = rest.dropFirst() }
            // The envelope sender is one word; it may be missing ("From  Mon Jan ...").
            if !startsWithDayName(rest) {
                while let b = rest.first, !ASCII.isWhitespace(b) { rest = rest.dropFirst() }
            }
        }
        return parse(rest)
    }

    private static func startsWithDayName(_ bytes: ByteSlice) -> Bool {
        guard bytes.count >= 4, ASCII.isWhitespace(bytes[bytes.startIndex + 3]) else { return false }
        let word = bytes.prefix(3)
        for name in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] where word.equalsCaseInsensitive(Array(name.utf8)) {
            return true
        }
        return false
    }
}

/// The state of one date scan: fields found so far.
struct DateScanner {
    var day: Int? = nil
    var month: Int? = nil
    var year: Int? = nil
    var hour: Int? = nil
    var minute = 0
    var second = 0
    var meridiem: Int? = nil  // 0 AM, 12 PM
    var numericZone: Int? = nil
    var namedZone: Int? = nil

    /// Reads the fields of `value`, through a buffer pointer (indexing the slice checked its bounds at
    /// every byte: 17.0M -> 13.5M instructions for the 8,799 dates of the sisimai bsd mbox x3).
    mutating func scan(_ value: ByteSlice) {
        value.withUnsafeBufferPointer { scan($0) }
    }

    mutating func scan(_ value: UnsafeBufferPointer<UInt8>) {
        if !scanCanonical(value) { scanGeneral(value) }
    }

    /// Reads any form, token by token (`MailDate.parse`'s documentation lists them).
    mutating func scanGeneral(_ value: UnsafeBufferPointer<UInt8>) {
        var i = 0
        let end = value.count
        var tokens = 0
        while i < end {
            tokens += 1
            if tokens > 200 { return }  // a date has a dozen tokens; the rest is junk
            let b = value[i]
            if b == ASCII.openParen {
                i = Comment.scan(value, openingAt: i).next
                continue
            }
            // HTML-escaped sign, seen in backscatter-dev: "Fri, 16 Jan 2026 08:07:46 &#43;0000".
            if b == UInt8(ascii: "&"), i + 4 < end, value[i + 1] == UInt8(ascii: "#"), value[i + 4] == UInt8(ascii: ";") {
                if value[i + 2] == UInt8(ascii: "4"), value[i + 3] == UInt8(ascii: "3") || value[i + 3] == UInt8(ascii: "5") {
                    let sign = value[i + 3] == UInt8(ascii: "3") ? 1 : -1
                    i = scanZone(value, from: i + 5, sign: sign)
                    continue
                }
            }
            if (b == UInt8(ascii: "+") || b == ASCII.hyphen), hour != nil, numericZone == nil,
               i + 1 < end, ASCII.isDigit(value[i + 1])
            {
                i = scanZone(value, from: i + 1, sign: b == ASCII.hyphen ? -1 : 1)
                continue
            }
            if ASCII.isAlpha(b) {
                let start = i
                while i < end, ASCII.isAlpha(value[i]) || value[i] == ASCII.dot { i += 1 }
                word(UnsafeBufferPointer(rebasing: value[start..<i]))
                continue
            }
            if ASCII.isDigit(b) {
                i = scanNumber(value, from: i)
                continue
            }
            i += 1
        }
    }

    /// The RFC 5322 §3.3 form nearly every date is written in, `[Ddd,] D[D] Mon YYYY HH:MM:SS +HHMM`,
    /// its tokens apart by runs of spaces and tabs (leading ones too: a Received field's date part
    /// follows its `;` and a space), then nothing but blanks or one flat comment (`(UTC)`), read at fixed
    /// places. Sets the fields exactly as the general scan would (to which blanks only separate tokens,
    /// as here) and returns true; returns false, having set nothing, for anything else, which the general
    /// scan then reads. (The general scan cost ~1,300 instructions a date, ~40 a byte, on the 8,800 dates
    /// of the sisimai bsd mbox x3; a test holds the two readers together.)
    mutating func scanCanonical(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let fields = Self.readCanonical(v) else { return false }
        day = fields.day
        month = fields.month
        year = fields.year
        hour = fields.hour
        minute = fields.minute
        second = fields.second
        numericZone = fields.zone
        return true
    }

    /// The fields of a date in the canonical form, as `scanCanonical` sets them (`month` 1-based, `zone`
    /// the numeric zone in minutes).
    struct CanonicalFields {
        var day, month, year, hour, minute, second, zone: Int
    }

    /// The date the canonical fields name: what `result()` makes of them once `scanCanonical` has set
    /// them (no meridiem, the numeric zone), without a scanner's optionals set and read back (a
    /// Received or Date field's date read so cost ~50 instructions more).
    ///
    /// `MailDate(year:month:day:hour:minute:second:utcOffsetMinutes:)`, with only the checks the reading
    /// leaves: it bounds the month (1...12), the year (0...9999) and the zone (under a day either way),
    /// and no field is negative; the arithmetic cannot overflow there. (With `readCanonical` inlined
    /// into its callers, its fields not returned through memory: readCanonical, readDate and
    /// MailDate.parse 3.12M -> 2.28M self over 7,626 dates; Main.main 322.64M -> 322.17M, bsd.mbox x3.)
    @inline(__always)
    static func date(_ f: CanonicalFields) -> MailDate? {
        guard f.year >= 1, f.day >= 1, f.day <= CivilCalendar.daysInMonth(year: f.year, month: f.month),
              f.hour <= 23, f.minute <= 59, f.second <= 60 else { return nil }
        let days = CivilCalendar.daysFromValidCivil(year: f.year, month: f.month, day: f.day)
        // A leap second (:60) is read as :59, as `MailDate`'s initializer does.
        let local = days &* 86_400 &+ Int64(f.hour &* 3600 &+ f.minute &* 60 &+ min(f.second, 59))
        return MailDate(secondsSince1970: local &- Int64(f.zone &* 60), utcOffsetMinutes: f.zone)
    }

    /// The fields of `v` in the canonical form (see `scanCanonical`), or nil for anything else. Inlined
    /// into its two readers (see `date`).
    @inline(__always)
    static func readCanonical(_ v: UnsafeBufferPointer<UInt8>) -> CanonicalFields? {
        let end = v.count
        var i = 0
        @inline(__always) func digit(_ k: Int) -> Int? {
            guard k < end else { return nil }
            let d = v[k] &- ASCII.zero
            return d <= 9 ? Int(d) : nil
        }
        @inline(__always) func byte(_ k: Int, is b: UInt8) -> Bool { k < end && v[k] == b }
        @inline(__always) func isBlank(_ k: Int) -> Bool { k < end && (v[k] == ASCII.space || v[k] == ASCII.tab) }
        /// The index after the run of blanks at `k`, or nil when there is none.
        @inline(__always) func afterBlanks(_ k: Int) -> Int? {
            guard isBlank(k) else { return nil }
            var j = k + 1
            while isBlank(j) { j += 1 }
            return j
        }
        @inline(__always) func lowerLetter(_ k: Int) -> UInt64? {
            guard k < end, ASCII.isAlpha(v[k]) else { return nil }
            return UInt64(ASCII.lowercased(v[k]))
        }
        while isBlank(i) { i += 1 }
        // An optional day name: three letters and a comma (none is a month's first three).
        // A letter's lower case is itself with 0x20 set: tested and packed without `lowerLetter`'s
        // optionals and case test (the day name was ~40 instructions a date: DateScanner.scanCanonical
        // 2.33M -> 2.15M for the dates of the sisimai bsd mbox x3).
        if i + 3 <= end, ASCII.isAlpha(v[i]), ASCII.isAlpha(v[i + 1]), ASCII.isAlpha(v[i + 2]) {
            let name = UInt64(v[i] | 0x20) | UInt64(v[i + 1] | 0x20) << 8 | UInt64(v[i + 2] | 0x20) << 16
            // A day's name is no month's: tested first, it spares most dates the month switch (a
            // call, and the registers kept around it: ~30 instructions a date).
            guard byte(i + 3, is: ASCII.comma), Self.isDayName(firstThree: name) || Self.monthIndex(firstThree: name) == nil,
                  let next = afterBlanks(i + 4) else { return nil }
            i = next
        }
        // Day: one or two digits.
        guard let d0 = digit(i) else { return nil }
        var dayValue = d0, monthValue = 0, yearValue = 0, hourValue = 0, minuteValue = 0, secondValue = 0
        var zoneHours = 0, zoneMinutes = 0, sign = 1
        if let fixed = Self.readFixedLayout(v, dayAt: i) {
            // The layout nearly every date has, single spaces and all (see `readFixedLayout`).
            (dayValue, monthValue, yearValue) = (fixed.day, fixed.month, fixed.year)
            (hourValue, minuteValue, secondValue) = (fixed.hour, fixed.minute, fixed.second)
            (zoneHours, zoneMinutes, sign) = (fixed.zoneHours, fixed.zoneMinutes, fixed.zoneSign)
            i = fixed.next
        } else {
            i += 1
            if let d1 = digit(i) { dayValue = d0 * 10 + d1; i += 1 }
            // Month: three letters naming one.
            guard let monthAt = afterBlanks(i), let m0 = lowerLetter(monthAt), let m1 = lowerLetter(monthAt + 1),
                  let m2 = lowerLetter(monthAt + 2), let month = Self.monthIndex(firstThree: m0 | m1 << 8 | m2 << 16),
                  let yearAt = afterBlanks(monthAt + 3) else { return nil }
            monthValue = month
            // Year: four digits; time: HH:MM:SS.
            i = yearAt
            guard let y0 = digit(i), let y1 = digit(i + 1), let y2 = digit(i + 2), let y3 = digit(i + 3),
                  let timeAt = afterBlanks(i + 4) else { return nil }
            yearValue = ((y0 * 10 + y1) * 10 + y2) * 10 + y3
            i = timeAt
            guard let h0 = digit(i), let h1 = digit(i + 1), byte(i + 2, is: ASCII.colon),
                  let n0 = digit(i + 3), let n1 = digit(i + 4), byte(i + 5, is: ASCII.colon),
                  let s0 = digit(i + 6), let s1 = digit(i + 7), let zoneAt = afterBlanks(i + 8) else { return nil }
            (hourValue, minuteValue, secondValue) = (h0 * 10 + h1, n0 * 10 + n1, s0 * 10 + s1)
            // Zone: a sign and four digits, a valid offset (else the general scan leaves it unset).
            i = zoneAt
            guard i < end, v[i] == UInt8(ascii: "+") || v[i] == ASCII.hyphen,
                  let z0 = digit(i + 1), let z1 = digit(i + 2), let z2 = digit(i + 3), let z3 = digit(i + 4) else { return nil }
            zoneHours = z0 * 10 + z1
            zoneMinutes = z2 * 10 + z3
            sign = v[i] == ASCII.hyphen ? -1 : 1
            i += 5
        }
        guard zoneHours <= 23, zoneMinutes <= 59 else { return nil }
        // The rest: blanks, and at most one comment holding no parenthesis or backslash, which the
        // general scan would pass over whole.
        while isBlank(i) { i += 1 }
        if i < end {
            guard v[i] == ASCII.openParen else { return nil }
            i += 1
            while i < end, v[i] != ASCII.closeParen {
                guard v[i] != ASCII.openParen, v[i] != ASCII.backslash else { return nil }
                i += 1
            }
            guard i < end else { return nil }
            i += 1
            while isBlank(i) { i += 1 }
            guard i == end else { return nil }
        }
        return CanonicalFields(day: dayValue, month: monthValue + 1, year: yearValue, hour: hourValue, minute: minuteValue,
                               second: secondValue, zone: sign * (zoneHours * 60 + zoneMinutes))
    }

    /// The fields of `D[D] Mon YYYY HH:MM:SS +ZZZZ` written with single spaces, from the day at `i`
    /// (`v[i]` a digit), and the index after the zone; nil for any other layout, which the reader of
    /// the canonical form then reads blank run by blank run (the same fields: this is one of the
    /// layouts it reads). Each byte tested at its fixed place, without an optional per byte, eight at
    /// a time (the canonical reader was ~520 instructions a date: DateScanner.scanCanonical 3.90M ->
    /// 3.14M for the ~7,500 dates read on the sisimai bsd mbox x3 with a test per byte, -> 2.56M with
    /// the words). The zone's range is the caller's to check.
    @inline(__always)
    static func readFixedLayout(_ v: UnsafeBufferPointer<UInt8>, dayAt i: Int)
        -> (day: Int, month: Int, year: Int, hour: Int, minute: Int, second: Int, zoneSign: Int, zoneHours: Int, zoneMinutes: Int, next: Int)?
    {
        let end = v.count
        // One day digit and the 24 bytes after it at least: every index below is under `end`.
        guard i >= 0, i + 25 <= end else { return nil }
        @inline(__always) func digit(_ k: Int) -> Int { Int(v[k] &- ASCII.zero) }  // 0...9 when a digit
        @inline(__always) func isDigit(_ k: Int) -> Bool { v[k] &- ASCII.zero <= 9 }
        var day = digit(i)
        var p = i + 1
        guard day <= 9 else { return nil }
        if isDigit(p) {
            day = day * 10 + digit(p)
            p += 1
            guard p + 24 <= end else { return nil }
        }
        // " Mon YYYY HH:MM:SS +ZZZZ" from p, as three little-endian words of eight bytes (byte k of a
        // word at bits 8k): " Mon YYY", "Y HH:MM:", "SS +ZZZZ". `p + 24 <= end`.
        guard let base = UnsafeRawPointer(v.baseAddress) else { return nil }
        let w0 = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p, as: UInt64.self))
        let w1 = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p + 8, as: UInt64.self))
        let w2 = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p + 16, as: UInt64.self))
        // The fixed bytes: the spaces, the colons (the zone's sign is read below).
        guard w0 & 0x0000_00FF_0000_00FF == 0x0000_0020_0000_0020,
              w1 & 0xFF00_00FF_0000_FF00 == 0x3A00_003A_0000_2000,
              w2 & 0x0000_0000_00FF_0000 == 0x0000_0000_0020_0000 else { return nil }
        let sign = UInt8(truncatingIfNeeded: w2 >> 24)
        guard sign == UInt8(ascii: "+") || sign == ASCII.hyphen else { return nil }
        // The digits, each byte less `0` (other bytes cleared): every one of them 0...9, tested eight at
        // a time (a byte of 10 or more gets its high bit from adding 0x76, or had it; a carry out of a
        // byte comes only from one that had it).
        let digits0 = (w0 ^ 0x3030_3030_3030_3030) & 0xFFFF_FF00_0000_0000
        let digits1 = (w1 ^ 0x3030_3030_3030_3030) & 0x00FF_FF00_FFFF_00FF
        let digits2 = (w2 ^ 0x3030_3030_3030_3030) & 0xFFFF_FFFF_0000_FFFF
        @inline(__always) func allDigits(_ x: UInt64, _ mask: UInt64) -> Bool {
            (x | (x &+ 0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080 & mask == 0
        }
        guard allDigits(digits0, 0xFFFF_FF00_0000_0000), allDigits(digits1, 0x00FF_FF00_FFFF_00FF),
              allDigits(digits2, 0xFFFF_FFFF_0000_FFFF) else { return nil }
        @inline(__always) func at(_ x: UInt64, _ k: UInt64) -> Int { Int(truncatingIfNeeded: (x &>> (8 &* k)) & 0xFF) }
        // Byte k of `pairs(x)`: ten times digit k and digit k + 1, at most 99 (no carry into the next
        // byte), every two-digit field in one multiply a word, not taken out digit by digit (~30
        // instructions a date).
        @inline(__always) func pairs(_ x: UInt64) -> UInt64 { x &* 10 &+ x &>> 8 }
        let pairs0 = pairs(digits0), pairs1 = pairs(digits1), pairs2 = pairs(digits2)
        // Setting 0x20 makes a capital letter small and leaves a small one; it makes no other byte a
        // small letter, so `monthIndex` finds the month exactly when the three are letters naming one.
        guard let month = monthIndex(firstThree: (w0 &>> 8) & 0xFF_FFFF | 0x20_2020) else { return nil }
        return (day, month, at(pairs0, 5) * 100 + at(digits0, 7) * 10 + at(digits1, 0), at(pairs1, 2), at(pairs1, 5),
                at(pairs2, 0), sign == ASCII.hyphen ? -1 : 1, at(pairs2, 4), at(pairs2, 6), p + 24)
    }

    /// Reads digits at `from`; returns the value, the number of digits and the index after them (at most
    /// 9 digits kept: the arithmetic cannot overflow, and is written without overflow checks).
    @inline(__always)
    static func digits(_ value: UnsafeBufferPointer<UInt8>, from: Int) -> (Int, Int, Int) {
        var i = from
        var n = 0
        var count = 0
        while i < value.count {
            let digit = value[i] &- ASCII.zero
            guard digit <= 9 else { break }
            if count < 9 { n = n &* 10 &+ Int(digit) }
            count &+= 1
            i &+= 1
        }
        return (n, count, i)
    }

    mutating func scanNumber(_ value: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        let end = value.count
        let (n, count, after) = Self.digits(value, from: from)
        var i = after
        // hh:mm[:ss]
        if i + 1 < end, value[i] == ASCII.colon, ASCII.isDigit(value[i + 1]), hour == nil {
            let (m, mc, afterM) = Self.digits(value, from: i + 1)
            i = afterM
            var s = 0
            if i + 1 < end, value[i] == ASCII.colon, ASCII.isDigit(value[i + 1]) {
                let (sv, sc, afterS) = Self.digits(value, from: i + 1)
                s = sc <= 2 ? sv : 99
                i = afterS
            } else if i < end, value[i] == ASCII.colon {
                hour = 99  // "08:07:t": broken time
                return i + 1
            }
            hour = count <= 2 ? n : 99
            minute = mc <= 2 ? m : 99
            second = s
            // ISO 8601 fraction and zone: ".123", "Z".
            if i < end, value[i] == ASCII.dot || value[i] == ASCII.comma {
                i += 1
                while i < end, ASCII.isDigit(value[i]) { i += 1 }
            }
            if i < end, value[i] == UInt8(ascii: "Z") || value[i] == UInt8(ascii: "z") {
                numericZone = 0
                i += 1
            }
            return i
        }
        // Numeric dates: 2026-11-29, 29-04-2017, 04/29/2017, 29.04.2017.
        if i + 1 < end, value[i] == ASCII.hyphen || value[i] == ASCII.slash || value[i] == ASCII.dot,
           ASCII.isDigit(value[i + 1]), month == nil
        {
            let separator = value[i]
            let (second, sc, afterSecond) = Self.digits(value, from: i + 1)
            if afterSecond + 1 < end, value[afterSecond] == separator, ASCII.isDigit(value[afterSecond + 1]), sc <= 2 {
                let (third, tc, afterThird) = Self.digits(value, from: afterSecond + 1)
                if count == 4 {
                    year = n; month = second; day = third
                } else if tc == 4 || tc == 2 {
                    let y = tc == 2 ? Self.expandYear(third, digits: 2) : third
                    if second > 12 || (separator == ASCII.slash && n <= 12) {
                        month = n; day = second  // US order: 04/29/2017
                    } else {
                        day = n; month = second
                    }
                    year = y
                }
                var j = afterThird
                if j + 1 < end, value[j] == UInt8(ascii: "T") || value[j] == UInt8(ascii: "t"), ASCII.isDigit(value[j + 1]) {
                    j += 1
                }
                return j
            }
        }
        number(n, digits: count)
        return i
    }

    static func expandYear(_ y: Int, digits: Int) -> Int {
        // RFC 5322 §4.3: two-digit years 00-49 are 2000-2049, 50-99 are 1950-1999; three digits + 1900.
        switch digits {
        case 1, 2: return y < 50 ? 2000 + y : 1900 + y
        case 3: return 1900 + y
        default: return y
        }
    }

    mutating func number(_ n: Int, digits: Int) {
        if digits <= 2 || (digits == 3 && day == nil && n <= 31) {
            // "Tue, 029 Apr 2019" (sisimai): a zero-padded three-digit day.
            if day == nil { day = n } else if year == nil { year = Self.expandYear(n, digits: digits) }
        } else if digits <= 4, year == nil {
            year = Self.expandYear(n, digits: digits)
        }
    }

    /// A numeric zone after its sign: `0900`, `600` (h mm), `09`, `05:30`.
    mutating func scanZone(_ value: UnsafeBufferPointer<UInt8>, from: Int, sign: Int) -> Int {
        let (n, count, after) = Self.digits(value, from: from)
        var i = after
        var hours = 0, minutes = 0
        switch count {
        case 1, 2:
            hours = n
            if i < value.count, value[i] == ASCII.colon {
                let (m, mc, afterM) = Self.digits(value, from: i + 1)
                if mc == 2 { minutes = m; i = afterM }
            }
        case 3, 4: hours = n / 100; minutes = n % 100
        default: return i  // junk
        }
        if numericZone == nil, hours <= 23, minutes <= 59 { numericZone = sign * (hours * 60 + minutes) }
        return i
    }

    mutating func word(_ word: UnsafeBufferPointer<UInt8>) {
        var count = word.count
        while count > 0, word[count - 1] == ASCII.dot { count -= 1 }
        guard count > 0, count <= 12 else { return }
        let w = UnsafeBufferPointer(rebasing: word[..<count])
        // The word lower-cased, packed into two integers (at most 12 bytes), compared with the known
        // words without a String per word (a String, a month search and a dictionary lookup per word
        // were most of the cost of reading Received dates). The known words are constants: as `static
        // let`s each was a `swift_once` call at every use (five a word), and the packing went through
        // `prefix(12).enumerated()`: `word` 265 -> 168 instructions a call on the sisimai bsd mbox x3.
        let lower = PackedWord(w)
        if lower == Self.am || lower == Self.amDotted { meridiem = 0; return }
        if lower == Self.pm || lower == Self.pmDotted { meridiem = 12; return }
        // The first three letters name at most one month (jan ... dec differ): only that month is
        // tested for the word being a prefix of its name.
        // (A three-letter word, the usual, is that prefix already.)
        if month == nil, w.count >= 3, let m = Self.monthIndex(firstThree: lower.low & 0xFF_FFFF),
           w.count == 3 || Self.monthName(m).hasPrefix(lower) {
            month = m + 1
            return
        }
        if lower == Self.t && hour == nil { return }  // ISO 8601 separator
        if hour != nil, namedZone == nil, let zone = Self.zoneMinutes(lower) { namedZone = zone; return }
        // RFC 5322 §4.3: military zones "SHOULD be considered equivalent to -0000".
        if hour != nil, namedZone == nil, w.count == 1, lower != Self.j { namedZone = 0 }
    }

    /// Up to 12 bytes, ASCII letters lower-cased, and their count: equal when the lower-cased words are.
    struct PackedWord: Hashable {
        /// The first eight bytes, the first in the lowest bits.
        var low: UInt64 = 0
        /// Bytes 8 to 11.
        var high: UInt32 = 0
        var count: Int

        /// A word already packed (the constants below).
        init(low: UInt64, high: UInt32, count: Int) {
            self.low = low
            self.high = high
            self.count = count
        }

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            count = bytes.count
            let lowCount = min(count, 8), highCount = min(count, 12)
            var i = 0
            // Shifts below the width: `&<<` is exact, without `<<`'s test for a shift past it.
            while i < lowCount { low |= UInt64(ASCII.lowercased(bytes[i])) &<< UInt64(8 &* i); i &+= 1 }
            while i < highCount { high |= UInt32(ASCII.lowercased(bytes[i])) &<< UInt32(8 &* (i &- 8)); i &+= 1 }
        }

        init(_ text: String) {
            var text = text
            self = text.withUTF8 { PackedWord($0) }
        }

        /// Whether `prefix`'s bytes begin this word's.
        func hasPrefix(_ prefix: PackedWord) -> Bool {
            guard prefix.count <= count else { return false }
            let lowBytes = min(prefix.count, 8), highBytes = max(0, prefix.count - 8)
            let lowMask: UInt64 = lowBytes == 8 ? ~0 : (1 << UInt64(8 * lowBytes)) - 1
            let highMask: UInt32 = highBytes == 4 ? ~0 : (1 << UInt32(8 * highBytes)) - 1
            return low & lowMask == prefix.low && high & highMask == prefix.high
        }
    }

    /// Whether these three lower-case bytes (little-endian, as `monthIndex` takes them) name a day of the week.
    @inline(__always)
    static func isDayName(firstThree key: UInt64) -> Bool {
        @inline(__always) func pack(_ a: Unicode.Scalar, _ b: Unicode.Scalar, _ c: Unicode.Scalar) -> UInt64 {
            UInt64(a.value) | UInt64(b.value) << 8 | UInt64(c.value) << 16
        }
        switch key {
        case pack("m", "o", "n"), pack("t", "u", "e"), pack("w", "e", "d"), pack("t", "h", "u"), pack("f", "r", "i"),
             pack("s", "a", "t"), pack("s", "u", "n"): return true
        default: return false
        }
    }

    /// The month (0-based) whose name starts with these three lower-case bytes (little-endian), or nil.
    static func monthIndex(firstThree key: UInt64) -> Int? {
        @inline(__always) func pack(_ a: Unicode.Scalar, _ b: Unicode.Scalar, _ c: Unicode.Scalar) -> UInt64 {
            UInt64(a.value) | UInt64(b.value) << 8 | UInt64(c.value) << 16
        }
        switch key {
        case pack("j", "a", "n"): return 0
        case pack("f", "e", "b"): return 1
        case pack("m", "a", "r"): return 2
        case pack("a", "p", "r"): return 3
        case pack("m", "a", "y"): return 4
        case pack("j", "u", "n"): return 5
        case pack("j", "u", "l"): return 6
        case pack("a", "u", "g"): return 7
        case pack("s", "e", "p"): return 8
        case pack("o", "c", "t"): return 9
        case pack("n", "o", "v"): return 10
        case pack("d", "e", "c"): return 11
        default: return nil
        }
    }

    // The words `word` knows, packed (tested against `PackedWord` of their text).
    static var am: PackedWord { PackedWord(low: 0x6d61, high: 0, count: 2) }
    static var amDotted: PackedWord { PackedWord(low: 0x6d2e61, high: 0, count: 3) }  // "a.m" ("a.m." less its dot)
    static var pm: PackedWord { PackedWord(low: 0x6d70, high: 0, count: 2) }
    static var pmDotted: PackedWord { PackedWord(low: 0x6d2e70, high: 0, count: 3) }
    static var t: PackedWord { PackedWord(low: 0x74, high: 0, count: 1) }
    static var j: PackedWord { PackedWord(low: 0x6a, high: 0, count: 1) }

    /// The full name of the month (0-based), packed: `PackedWord(months[index])`.
    static func monthName(_ index: Int) -> PackedWord {
        switch index {
        case 0: return PackedWord(low: 0x79_7261_756e_616a, high: 0, count: 7)       // january
        case 1: return PackedWord(low: 0x7972_6175_7262_6566, high: 0, count: 8)     // february
        case 2: return PackedWord(low: 0x68_6372_616d, high: 0, count: 5)             // march
        case 3: return PackedWord(low: 0x6c_6972_7061, high: 0, count: 5)             // april
        case 4: return PackedWord(low: 0x79_616d, high: 0, count: 3)                  // may
        case 5: return PackedWord(low: 0x656e_756a, high: 0, count: 4)                // june
        case 6: return PackedWord(low: 0x796c_756a, high: 0, count: 4)                // july
        case 7: return PackedWord(low: 0x7473_7567_7561, high: 0, count: 6)           // august
        case 8: return PackedWord(low: 0x6562_6d65_7470_6573, high: 0x72, count: 9)   // september
        case 9: return PackedWord(low: 0x72_6562_6f74_636f, high: 0, count: 7)       // october
        case 10: return PackedWord(low: 0x7265_626d_6576_6f6e, high: 0, count: 8)    // november
        default: return PackedWord(low: 0x7265_626d_6563_6564, high: 0, count: 8)    // december
        }
    }

    static let months = ["january", "february", "march", "april", "may", "june", "july", "august",
                         "september", "october", "november", "december"]

    /// The minutes east of UTC of a zone name (RFC 5322 §4.3 obs-zone, plus names common in mail
    /// headers: comments like "(MET DST)", "(JST)", mbox From_ lines "MET"), the word lower-cased and
    /// packed, or nil. Every name has at most four letters, so its packed bytes are `low` alone (a word's
    /// bytes are never zero: a longer word matches none). A switch on constants: the dictionary of
    /// packed words it replaces was built at the first zone name, from a dictionary of Strings (bsd.mbox
    /// x3: 0.70M instructions once, for 93 lookups).
    static func zoneMinutes(_ word: PackedWord) -> Int? {
        @inline(__always) func pack(_ a: Unicode.Scalar, _ b: Unicode.Scalar = "\0", _ c: Unicode.Scalar = "\0",
                                    _ d: Unicode.Scalar = "\0") -> UInt64 {
            UInt64(a.value) | UInt64(b.value) << 8 | UInt64(c.value) << 16 | UInt64(d.value) << 24
        }
        guard word.high == 0 else { return nil }
        switch word.low {
        case pack("u", "t"), pack("u", "t", "c"), pack("g", "m", "t"), pack("z"), pack("w", "e", "t"): return 0
        case pack("b", "s", "t"), pack("w", "e", "s", "t"), pack("c", "e", "t"), pack("m", "e", "t"), pack("m", "e", "z"),
             pack("w", "a", "t"): return 60
        case pack("i", "s", "t"): return 330
        case pack("e", "d", "t"), pack("a", "s", "t"): return -240
        case pack("e", "s", "t"), pack("c", "d", "t"): return -300
        case pack("c", "s", "t"), pack("m", "d", "t"): return -360
        case pack("m", "s", "t"), pack("p", "d", "t"): return -420
        case pack("p", "s", "t"), pack("a", "k", "d", "t"): return -480
        case pack("a", "k", "s", "t"): return -540
        case pack("h", "s", "t"): return -600
        case pack("a", "d", "t"), pack("b", "r", "t"), pack("a", "r", "t"): return -180
        case pack("n", "s", "t"): return -210
        case pack("n", "d", "t"): return -150
        case pack("c", "e", "s", "t"), pack("m", "e", "s", "t"), pack("m", "e", "s", "z"), pack("e", "e", "t"),
             pack("c", "a", "t"), pack("s", "a", "s", "t"): return 120
        case pack("e", "e", "s", "t"), pack("m", "s", "k"), pack("i", "d", "t"), pack("e", "a", "t"): return 180
        case pack("m", "s", "d"): return 240
        case pack("j", "s", "t"), pack("k", "s", "t"): return 540
        case pack("h", "k", "t"), pack("s", "g", "t"), pack("a", "w", "s", "t"), pack("w", "s", "t"): return 480
        case pack("a", "c", "s", "t"): return 570
        case pack("a", "e", "s", "t"): return 600
        case pack("a", "e", "d", "t"): return 660
        case pack("n", "z", "s", "t"): return 720
        case pack("n", "z", "d", "t"): return 780
        case pack("p", "k", "t"): return 300
        default: return nil
        }
    }

    func result() -> MailDate? {
        guard let day, let month, let year else { return nil }
        var h = hour ?? 0
        if let meridiem, h <= 12 { h = h % 12 + meridiem }
        return MailDate(year: year, month: month, day: day, hour: h, minute: minute, second: second,
                        utcOffsetMinutes: numericZone ?? namedZone ?? 0)
    }
}
