#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing

extension EnhancedStatusCode {
    /// The status code a free-text diagnostic carries, chosen the way Sisimai 5 chooses it so that
    /// results compare with its expectations.
    ///
    /// Rules (each guards against a number that is not a status code):
    /// - IPv4 addresses are masked first (`192.0.2.1` contains `2.1`...).
    /// - A candidate starts at a class digit (`statusClass` if given, else 5, 4, 2) followed by `.`,
    ///   not preceded by a digit, `.`, `/` (a path or version) or `v`/`V` (`v5.1.1`).
    /// - The subject is one digit 0–7; the detail 1–3 digits, not followed by a 4th.
    /// - `X.0.0` and `4.4.7` say little: kept only as a last resort.
    /// - When several remain, `prefer` folds them left to right.
    /// - Complexity: O(n) in the text's length.
    public static func find(in text: some StringProtocol, statusClass: UInt8? = nil) -> EnhancedStatusCode? {
        if let found = text.utf8.withContiguousStorageIfAvailable({ find(inUTF8: $0, statusClass: statusClass) }) {
            return found
        }
        return Array(text.utf8).withUnsafeBufferPointer { find(inUTF8: $0, statusClass: statusClass) }
    }

    /// `find(in:statusClass:)` over UTF-8 bytes, in place: the dots are found with memchr and only
    /// a class digit in front of one is looked at (~13,000 instructions a diagnostic when the text was
    /// copied, masked and scanned byte by byte).
    ///
    /// Masking IPv4 addresses needs no copy: in a run of digits and dots only the run's start can
    /// begin an address (every later byte follows a digit or a dot), so an address masks
    /// `runStart..<addressEnd`, and a class digit there is simply no candidate.
    static func find(inUTF8 text: UnsafeBufferPointer<UInt8>, statusClass: UInt8?) -> EnhancedStatusCode? {
        let n = text.count
        guard n >= 5, let base = text.baseAddress else { return nil }
        var scan = Scan(statusClass: statusClass)
        var from = 1
        while from < n, let hit = memchr(base + from, Int32(ASCIIByte.dot), n - from) {
            let dot = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            // A masked digit: so are the dots up to the address's end, which memchr need not find.
            from = scan.consider(dot - 1, in: text).map { $0 + 1 } ?? dot + 1
        }
        return scan.result(in: text)
    }

    /// The state of `find(inUTF8:statusClass:)`'s reading of the candidates, given in text order: each
    /// byte in front of a dot (`consider`), found by memchr there and by `ReplyCode.findCodes`'s
    /// sixteen-byte pass there.
    struct Scan {
        /// The class digit asked for, if any.
        let only: UInt8?
        // Class digits, most telling first; after a hit the next search for that class resumes 5 bytes
        // on. Candidates come in text order.
        var resume5 = 0, resume4 = 0, resume2 = 0
        var runEnd = 0, maskedEnd = 0
        var chosen: Range<Int>? = nil
        var weak: Range<Int>? = nil

        init(statusClass: UInt8?) { only = statusClass.map { $0 + ASCIIByte.zero } }

        /// Reads the candidate at `i`, the byte before a dot (`i + 1 < text.count`). Returns the end of
        /// a masked IPv4 address `i` lies in (no byte before it is a candidate), else nil. A candidate
        /// read again at once changes nothing (masked, of another class, or before its class resumes).
        @inline(__always)
        mutating func consider(_ i: Int, in text: UnsafeBufferPointer<UInt8>) -> Int? {
            let n = text.count
            func digitOrDot(_ b: UInt8) -> Bool { ASCIIByte.isDigit(b) || b == ASCIIByte.dot }
            let b = text[i]
            if let only {
                guard b == only else { return nil }
            } else {
                guard b == UInt8(ascii: "5") || b == UInt8(ascii: "4") || b == UInt8(ascii: "2") else { return nil }
            }
            if i >= runEnd {
                // A new run of digits and dots: where it starts and ends, and the address at its start.
                var start = i
                while start > 0, digitOrDot(text[start - 1]) { start -= 1 }
                var end = i + 2
                while end < n, digitOrDot(text[end]) { end += 1 }
                runEnd = end
                // A dotted quad is seven bytes at least: a shorter run is no address, and is not parsed
                // (bsd.mbox x3: 4,350 runs parsed, 0.49M instructions; now 1,581, 0.25M).
                maskedEnd = end - start >= 7 && ASCIIByte.isDigit(text[start]) ? (ipv4End(in: text, from: start) ?? start) : start
            }
            if i < maskedEnd { return maskedEnd }
            if only != nil || b == UInt8(ascii: "5") {
                guard i >= resume5 else { return nil }
                resume5 = i + 5
            } else if b == UInt8(ascii: "4") {
                guard i >= resume4 else { return nil }
                resume4 = i + 5
            } else {
                guard i >= resume2 else { return nil }
                resume2 = i + 5
            }
            let before = i == 0 ? ASCIIByte.space : text[i - 1]
            if digitOrDot(before) || before == ASCIIByte.slash { return nil }
            if before == ASCIIByte.upperV || before == ASCIIByte.lowerV { return nil }
            guard i + 4 < n else { return nil }
            let subject = text[i + 2]
            guard subject >= ASCIIByte.zero, subject <= UInt8(ascii: "7"), text[i + 3] == ASCIIByte.dot,
                  ASCIIByte.isDigit(text[i + 4]) else { return nil }
            var end = i + 5
            while end < n, end < i + 7, ASCIIByte.isDigit(text[end]) { end += 1 }
            // RFC 3463 §3.2: X.0.0 only tells the class; 4.4.7 is a timeout on top of the real cause.
            if (subject == ASCIIByte.zero && text[i + 4] == ASCIIByte.zero)
                || (b == UInt8(ascii: "4") && subject == UInt8(ascii: "4") && text[i + 4] == UInt8(ascii: "7")) {
                weak = i..<(i + 5)
                return nil
            }
            if end < n, ASCIIByte.isDigit(text[end]) { return nil }  // 4+ digit detail: not a code
            let found = i..<end
            chosen = chosen.map { preferred(field: $0, inText: found, in: text) } ?? found
            return nil
        }

        /// The code chosen from the candidates read.
        func result(in text: UnsafeBufferPointer<UInt8>) -> EnhancedStatusCode? {
            var chosen = chosen
            // The weak code goes last, as the fold's final right-hand side.
            if let weak { chosen = chosen.map { preferred(field: $0, inText: weak, in: text) } ?? weak }
            guard let chosen else { return nil }
            return code(at: chosen, in: text)
        }
    }

    /// The end of the dotted-quad IPv4 address (octets of 1–3 digits, each at most 255, not followed
    /// by a digit) that starts at `start`, or nil.
    static func ipv4End(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var j = start
        for octet in 0..<4 {
            var value = 0, digits = 0
            while j < bytes.count, digits < 4, ASCIIByte.isDigit(bytes[j]) {
                value = value * 10 + Int(bytes[j] - ASCIIByte.zero)
                j += 1; digits += 1
            }
            if digits == 0 || digits > 3 || value > 255 { return nil }
            if octet < 3 {
                guard j < bytes.count, bytes[j] == ASCIIByte.dot else { return nil }
                j += 1
            }
        }
        if j < bytes.count, ASCIIByte.isDigit(bytes[j]) { return nil }
        return j
    }

    /// The code written at `range` (`d.d.d{1,3}`, as the scan found it).
    static func code(at range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> EnhancedStatusCode? {
        var detail = 0
        for k in (range.lowerBound + 4)..<range.upperBound { detail = detail * 10 + Int(bytes[k] - ASCIIByte.zero) }
        return EnhancedStatusCode(statusClass: Int(bytes[range.lowerBound] - ASCIIByte.zero),
                                  subject: Int(bytes[range.lowerBound + 2] - ASCIIByte.zero), detail: detail)
    }

    /// `preferText(field, inText, nil)` for two code texts of the scan's shape (`d.d.d{1,3}`), compared
    /// in place: `.0` can only sit at the subject or the detail's first digit, `.0.0` only at both.
    /// The twin of `preferred(field:inText:replyClass:)`, which reads parsed codes: a code as written
    /// may have a detail with a leading zero (`5.1.01`), which Sisimai's rule reads as written, so the
    /// text is compared here rather than parsed first.
    static func preferred(field f: Range<Int>, inText t: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        let fc = bytes[f.lowerBound], fs = bytes[f.lowerBound + 2], fd = bytes[f.lowerBound + 4]
        let tc = bytes[t.lowerBound], ts = bytes[t.lowerBound + 2], td = bytes[t.lowerBound + 4]
        let fieldOneDigit = f.count == 5
        func same() -> Bool {
            guard f.count == t.count else { return false }
            for k in 0..<f.count where bytes[f.lowerBound + k] != bytes[t.lowerBound + k] { return false }
            return true
        }
        if same() { return f }
        let zero = ASCIIByte.zero
        let d1 = zero + 1, d2 = zero + 2, d3 = zero + 3, d4 = zero + 4, d5 = zero + 5, d7 = zero + 7
        let fieldZero = fs == zero || fd == zero, textZero = ts == zero || td == zero
        let fieldZeroZero = fs == zero && fd == zero, textZeroZero = ts == zero && td == zero
        if fieldZeroZero { return textZeroZero ? f : t }
        if fieldZero && !textZero { return t }
        if textZeroZero { return f }
        // "4.4.7", "4.7.0", "5.3.*"
        if fieldOneDigit && fc == d4 && ((fs == d4 && fd == d7) || (fs == d7 && fd == zero)) { return t }
        if fc == d5 && fs == d3 { return t }
        // ".5.1", ".5.2", ".5.4", ".5.5" after the class
        if fs == d5 && (fd == d1 || fd == d2 || fd == d4 || fd == d5) { return t }
        if fieldOneDigit && fc == d5 && fs == d1 && fd == d1 {
            if textZero || (tc == d5 && ts == d5) { return f }
            return t
        }
        if fieldOneDigit && fc == d5 && fs == d1 && fd == d3, tc == d5, ts == d7 { return t }
        return f
    }

    /// Chooses between the `Status:` field and the code found in the diagnostic text (Sisimai's rule,
    /// so results compare): agree with the reply code's class when the two classes differ; prefer the
    /// more specific one when one is `X.0.0`/`X.Y.0`; distrust codes that name protocol or system
    /// trouble (`4.4.7`, `4.7.0`, `5.3.Z`, `X.5.1`, `X.5.2`, `X.5.4`, `X.5.5`) in favour of the text's.
    public static func prefer(field: EnhancedStatusCode?, inText: EnhancedStatusCode?, replyCode: ReplyCode?) -> EnhancedStatusCode? {
        guard let field else { return inText }
        guard let inText else { return field }
        return preferred(field: field, inText: inText, replyClass: replyCode?.replyClass) ? field : inText
    }

    /// `preferText` on the two codes' descriptions, read off their numbers (a description has no
    /// leading zeros, so `.0` in it is a part equal to 0, and a part's text starts with `1` when its
    /// leading digit is 1): whether `field` wins. Formatting and re-parsing the two codes cost ~2,300
    /// instructions a call.
    static func preferred(field f: EnhancedStatusCode, inText t: EnhancedStatusCode, replyClass: UInt8?) -> Bool {
        if let r = replyClass, f.statusClass != t.statusClass {
            if r == f.statusClass { return true }
            if r == t.statusClass { return false }
        }
        if f == t { return true }
        let fieldZero = f.subject == 0 || f.detail == 0, textZero = t.subject == 0 || t.detail == 0
        let fieldZeroZero = f.subject == 0 && f.detail == 0, textZeroZero = t.subject == 0 && t.detail == 0
        if fieldZeroZero { return textZeroZero }
        if fieldZero && !textZero { return false }
        if textZeroZero { return true }
        if f.statusClass == 4 && ((f.subject == 4 && f.detail == 7) || (f.subject == 7 && f.detail == 0)) { return false }
        if f.statusClass == 5 && f.subject == 3 { return false }
        // ".5.1", ".5.2", ".5.4", ".5.5" after the class: subject 5, detail written with that first digit.
        if f.subject == 5 {
            var lead = f.detail
            while lead >= 10 { lead /= 10 }
            if lead == 1 || lead == 2 || lead == 4 || lead == 5 { return false }
        }
        if f.statusClass == 5 && f.subject == 1 && f.detail == 1 {
            return textZero || (t.statusClass == 5 && t.subject == 5)
        }
        if f.statusClass == 5 && f.subject == 1 && f.detail == 3, t.statusClass == 5, t.subject == 7 { return false }
        return true
    }

    static func preferText(_ field: String, _ inText: String, _ reply: String?) -> String {
        if field.isEmpty { return inText }
        if inText.isEmpty { return field }
        if field.utf8.count < 5 { return inText }
        if inText.utf8.count < 5 { return field }
        let f0 = field.utf8.first, t0 = inText.utf8.first
        if let r0 = reply?.utf8.first, f0 != t0 {
            if r0 == f0 { return field }
            if r0 == t0 { return inText }
        }
        if field == inText { return field }
        let fieldZero = field.contains(".0"), textZero = inText.contains(".0")
        let fieldZeroZero = field.contains(".0.0"), textZeroZero = inText.contains(".0.0")
        if fieldZeroZero { return textZeroZero ? field : inText }
        if fieldZero && !textZero { return inText }
        if textZeroZero { return field }
        if field == "4.4.7" || field == "4.7.0" || field.hasPrefix("5.3.") { return inText }
        for protocolTrouble in [".5.1", ".5.2", ".5.4", ".5.5"] where field.dropFirst().hasPrefix(protocolTrouble) {
            return inText
        }
        if field == "5.1.1" {
            if textZero || inText.hasPrefix("5.5.") { return field }
            return inText
        }
        if field == "5.1.3", inText.hasPrefix("5.7.") { return inText }
        return field
    }
}
