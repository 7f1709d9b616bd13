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
        guard text.utf8.count >= 5 else { return nil }
        // The text between one space in front and three behind (no bounds tests at the ends).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 4)
        bytes.append(ASCIIByte.space)
        bytes.append(contentsOf: text.utf8)
        bytes.append(contentsOf: [ASCIIByte.space, ASCIIByte.space, ASCIIByte.space])
        maskIPv4(&bytes)
        let classes: [UInt8] = statusClass.map { [$0 + ASCIIByte.zero] } ?? [UInt8(ascii: "5"), UInt8(ascii: "4"), UInt8(ascii: "2")]

        // Candidate starts per class; after a hit the next search for that class resumes 5 bytes on.
        // One pass for all classes (each remembers where it may hit next), so `starts` comes out sorted.
        var starts: [Int] = []
        var resume = [Int](repeating: 1, count: classes.count)
        var i = 1
        while i + 1 < bytes.count {
            if bytes[i + 1] == ASCIIByte.dot, let k = classes.firstIndex(of: bytes[i]), i >= resume[k] {
                starts.append(i)
                resume[k] = i + 5
            }
            i += 1
        }
        var found: [String] = []
        var weak: String? = nil
        for i in starts {
            let before = bytes[i - 1]
            if ASCIIByte.isDigit(before) || before == ASCIIByte.dot || before == ASCIIByte.slash { continue }
            if before == ASCIIByte.upperV || before == ASCIIByte.lowerV { continue }
            guard i + 4 < bytes.count else { continue }
            let subject = bytes[i + 2]
            guard subject >= ASCIIByte.zero, subject <= UInt8(ascii: "7"), bytes[i + 3] == ASCIIByte.dot,
                  ASCIIByte.isDigit(bytes[i + 4]) else { continue }
            var end = i + 5
            while end < bytes.count, end < i + 7, ASCIIByte.isDigit(bytes[end]) { end += 1 }
            let first = String(decoding: bytes[i..<(i + 5)], as: UTF8.self)
            if first.hasSuffix(".0.0") || first == "4.4.7" {
                // RFC 3463 §3.2: X.0.0 only tells the class; 4.4.7 is a timeout on top of the real cause.
                weak = first
                continue
            }
            if end < bytes.count, ASCIIByte.isDigit(bytes[end]) { continue }  // 4+ digit detail: not a code
            found.append(String(decoding: bytes[i..<end], as: UTF8.self))
        }
        if let weak { found.append(weak) }
        guard var chosen = found.first else { return nil }
        for next in found.dropFirst() { chosen = preferText(chosen, next, nil) }
        return EnhancedStatusCode(chosen)
    }

    /// Chooses between the `Status:` field and the code found in the diagnostic text (Sisimai's rule,
    /// so results compare): agree with the reply code's class when the two classes differ; prefer the
    /// more specific one when one is `X.0.0`/`X.Y.0`; distrust codes that name protocol or system
    /// trouble (`4.4.7`, `4.7.0`, `5.3.Z`, `X.5.1`, `X.5.2`, `X.5.4`, `X.5.5`) in favour of the text's.
    public static func prefer(field: EnhancedStatusCode?, inText: EnhancedStatusCode?, replyCode: ReplyCode?) -> EnhancedStatusCode? {
        let chosen = preferText(field?.description ?? "", inText?.description ?? "", replyCode?.description)
        return EnhancedStatusCode(chosen)
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

    /// Replaces the digits of dotted-quad IPv4 addresses with `*`, in place.
    static func maskIPv4(_ array: inout [UInt8]) {
        array.withUnsafeMutableBufferPointer { maskIPv4(in: $0) }
    }

    /// `maskIPv4` over a buffer (no bounds tests per byte: ~10 instructions a byte less).
    private static func maskIPv4(in bytes: UnsafeMutableBufferPointer<UInt8>) {
        var i = 0
        while i < bytes.count {
            guard ASCIIByte.isDigit(bytes[i]), i == 0 || !(ASCIIByte.isDigit(bytes[i - 1]) || bytes[i - 1] == ASCIIByte.dot) else {
                i += 1; continue
            }
            var j = i, octets = 0, ok = true
            while octets < 4 {
                var value = 0, n = 0
                while j < bytes.count, n < 4, ASCIIByte.isDigit(bytes[j]) { value = value * 10 + Int(bytes[j] - ASCIIByte.zero); j += 1; n += 1 }
                if n == 0 || n > 3 || value > 255 { ok = false; break }
                octets += 1
                if octets < 4 {
                    if j < bytes.count, bytes[j] == ASCIIByte.dot { j += 1 } else { ok = false; break }
                }
            }
            if ok, octets == 4, !(j < bytes.count && ASCIIByte.isDigit(bytes[j])) {
                for k in i..<j where ASCIIByte.isDigit(bytes[k]) { bytes[k] = UInt8(ascii: "*") }
                i = j
            } else {
                i += 1
            }
        }
    }
}
