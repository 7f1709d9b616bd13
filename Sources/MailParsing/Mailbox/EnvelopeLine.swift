/// The mbox `From ` line ("From_ line", "envelope line", RFC 4155 §2 and qmail's mbox(5)):
/// `From <sender> <date>`, where the date is usually asctime(3) (`Thu Jul  2 12:05:05 2020`) but in the
/// wild also lacks seconds and carries a zone name (`Wed Feb  9 22:02 MET 2000`, Mail::Box `mbox.src`),
/// has no sender (`From  Thu Apr 29 ...`), or an RFC 5322 date.
package enum EnvelopeLine {
    private static let prefix: [UInt8] = Array("From ".utf8)
    /// Only this much of a line is looked at to judge its shape, so a line can be judged before its end
    /// arrives.
    package static let maxBytesJudged = 256

    /// Whether `buffer[start..<end]` begins with `From ` (case-sensitive, as every mbox writer emits it).
    @inline(__always)
    package static func startsWithFrom(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard end - start >= 5 else { return false }
        return buffer[start] == 0x46 && buffer[start + 1] == 0x72 && buffer[start + 2] == 0x6F
            && buffer[start + 3] == 0x6D && buffer[start + 4] == 0x20
    }

    /// Whether `line` starts as a From header field written with blanks before its colon (`From  : John
    /// Doe`: RFC 5322 §4.5.3, obs-optional; the A.6.3 example): `From `, blanks, a colon. Such a line is
    /// a message's first field, never an envelope (`MMDFParser`, `MailboxSplit`; `MailboxReader` asks the
    /// same of a file's first line as it reads it).
    package static func isFromFieldWithBlanks<Line: Collection<UInt8>>(_ line: Line) -> Bool {
        guard line.starts(with: prefix) else { return false }
        let rest = line.dropFirst(prefix.count).drop { $0 == ASCII.space || $0 == ASCII.tab }
        return rest.first == ASCII.colon
    }

    /// Whether `buffer[start..<end]` is `>`+ followed by `From ` (mboxrd quoting, RFC 4155 §2 and the
    /// mboxrd description in qmail's mbox(5): one `>` is added on writing, one removed on reading).
    @inline(__always)
    package static func isQuotedFrom(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var i = start
        while i < end, buffer[i] == ASCII.greaterThan { i += 1 }
        return i > start && startsWithFrom(buffer, i, end)
    }

    /// Whether a line starting `From ` looks like a real envelope line: among its words there is a time
    /// (`hh:mm` or `hh:mm:ss`), a month name and a four-digit year, in any order. A body line such as
    /// "From my point of view ..." (notmuch lkml) or "From one solid piece of aluminum ..." (ruby-mail
    /// cant_parse_from.eml) is not.
    ///
    /// Each word is judged by its first byte: a digit may begin a time or a year, anything else only a
    /// month name, matched by one compare of its three bytes (bsd.mbox x3, one call a message for
    /// `isOdd`: 2.68M -> 1.43M instructions, from trying every word as a time and as a year, and the
    /// months one by one from an array).
    package static func isWellFormed(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard startsWithFrom(buffer, start, end), let base = buffer.baseAddress else { return false }
        if endsWithAsctimeDate(base, start, end) { return true }
        let stop = min(end, start + maxBytesJudged)
        var sawTime = false, sawMonth = false, sawYear = false
        var i = start + 5
        while i < stop {
            while i < stop, ASCII.isWhitespace(base[i]) { i &+= 1 }
            let wordStart = i
            while i < stop, !ASCII.isWhitespace(base[i]) { i &+= 1 }
            let length = i &- wordStart
            guard length > 0 else { break }
            if ASCII.isDigit(base[wordStart]) {
                // A month name starts with a letter; a time and a year with a digit.
                if isTime(base, wordStart, i) {
                    sawTime = true
                } else if length == 4, ASCII.isDigit(base[wordStart &+ 1]), ASCII.isDigit(base[wordStart &+ 2]),
                          ASCII.isDigit(base[wordStart &+ 3]) {
                    sawYear = true
                }
            } else if length >= 3, isMonthName(base, wordStart) {
                sawMonth = true
            }
        }
        return sawTime && sawMonth && sawYear
    }

    /// Whether a line starting `From ` (and no longer than `maxBytesJudged`) ends with the date as
    /// asctime(3) writes it, ` Mmm dd hh:mm:ss yyyy` (a blank before the month; the day's bytes not
    /// looked at): then the word-by-word walk of `isWellFormed` would find the month, the time and the
    /// year among its words, so it need not run. Every envelope line of the sisimai bsd mbox ends so
    /// (bsd.mbox x3, one call a message for `isOdd`: `isWellFormed` 1.43M -> 0.26M instructions).
    @inline(__always)
    static func endsWithAsctimeDate(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        // The month's word starts at `end - 20`, after a blank at or after the space of "From " (`start + 4`).
        guard end &- start <= maxBytesJudged, end &- 21 >= start &+ 4 else { return false }
        let month = end &- 20
        @inline(__always) func digit(_ i: Int) -> Bool { ASCII.isDigit(base[i]) }
        return ASCII.isWhitespace(base[month &- 1]) && isMonthName(base, month)
            && ASCII.isWhitespace(base[end &- 14])
            && digit(end &- 13) && digit(end &- 12) && base[end &- 11] == ASCII.colon
            && digit(end &- 10) && digit(end &- 9) && base[end &- 8] == ASCII.colon
            && digit(end &- 7) && digit(end &- 6)
            && ASCII.isWhitespace(base[end &- 5])
            && digit(end &- 4) && digit(end &- 3) && digit(end &- 2) && digit(end &- 1)
    }

    /// Whether the line is an envelope line with nothing odd about it: well formed, with a sender.
    package static func isOdd(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        // "From  Thu Apr 29 ..." (two spaces): the sender is missing.
        if end - start > 5, ASCII.isWhitespace(buffer[start + 5]) { return true }
        return !isWellFormed(buffer, start, end)
    }

    /// `h:mm`, `hh:mm`, `hh:mm:ss` (trailing comma tolerated).
    private static func isTime(_ buffer: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var groups = 0
        var digits = 0
        var i = start
        while i < end {
            let byte = buffer[i]
            if ASCII.isDigit(byte) {
                digits += 1
                if digits > 2 { return false }
            } else if byte == ASCII.colon {
                if digits == 0 { return false }
                groups += 1
                digits = 0
            } else if byte == ASCII.comma, i == end - 1 {
                break
            } else {
                return false
            }
            i += 1
        }
        return digits == 2 && (groups == 1 || groups == 2)
    }

    /// Whether the three bytes at `start` are an English month abbreviation, in any case (asctime(3)).
    /// Or-ing 0x20 lower-cases a letter and makes no other byte one of the lower-case letters compared.
    private static func isMonthName(_ buffer: UnsafePointer<UInt8>, _ start: Int) -> Bool {
        let key = UInt32(buffer[start] | 0x20) << 16 | UInt32(buffer[start &+ 1] | 0x20) << 8
            | UInt32(buffer[start &+ 2] | 0x20)
        switch key {
        case 0x6A616E, 0x666562, 0x6D6172, 0x617072, 0x6D6179, 0x6A756E,  // jan feb mar apr may jun
             0x6A756C, 0x617567, 0x736570, 0x6F6374, 0x6E6F76, 0x646563:  // jul aug sep oct nov dec
            return true
        default:
            return false
        }
    }
}
