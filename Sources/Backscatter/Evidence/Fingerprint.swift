import MailParsing

/// FNV-1a, 64 bits: a fast, allocation-free fingerprint for grouping (not for security).
struct Fingerprint {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    private(set) var count = 0

    mutating func add(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        count &+= 1
    }

    /// Adds an ASCII letter, lower-cased; any other byte is skipped.
    mutating func addLetter(_ byte: UInt8) {
        if ASCII.isAlpha(byte) { add(byte | 0x20) }
    }

    /// Subject normalised for grouping: letters only (ASCII lower-cased, other scalars kept), so that
    /// numbering, punctuation, spacing and case that spammers vary per copy do not split a campaign;
    /// leading reply/forward markers (`Re:`, `Fwd:`, `AW:`, `[ext]:` ...: a word of 1-4 letters and brackets
    /// before a colon in the first five characters) dropped.
    static func subjectKey(_ subject: String) -> UInt64? {
        var bytesOfSubject = subject
        // ASCII without CR (most subjects): the markers and the letters read as bytes, each byte a
        // Character (a CR LF pair would be one); the Character walk below cost ~6,000 instructions.
        let ascii: UInt64?? = bytesOfSubject.withUTF8 { bytes -> UInt64?? in
            guard ASCII.isASCII(bytes), !bytes.contains(ASCII.carriageReturn) else { return .none }
            var start = 0
            while true {
                var t = start
                while t < bytes.count, bytes[t] == ASCII.space || bytes[t] == ASCII.tab { t += 1 }
                guard let colon = (t..<min(bytes.count, t + 5)).first(where: { bytes[$0] == ASCII.colon }) else { break }
                guard colon > t, colon - t <= 4, (t..<colon).allSatisfy({ ASCII.isAlpha(bytes[$0]) || bytes[$0] == UInt8(ascii: "[")
                    || bytes[$0] == UInt8(ascii: "]") }) else { break }
                start = colon + 1
            }
            var f = Fingerprint()
            for b in bytes[start...] { f.addLetter(b) }
            return .some(f.count >= 3 ? f.value : nil)
        }
        return ascii ?? subjectKeyByCharacters(subject)
    }

    /// `subjectKey` read by Characters: the definition, and the reading of non-ASCII subjects (and of
    /// ASCII ones with a CR).
    static func subjectKeyByCharacters(_ subject: String) -> UInt64? {
        var s = Substring(subject)
        while true {
            let t = s.drop(while: { $0 == " " || $0 == "\t" })
            guard let colon = t.prefix(5).firstIndex(of: ":") else { break }
            let word = t[..<colon]
            guard !word.isEmpty, word.count <= 4, word.allSatisfy({ $0.isLetter || $0 == "[" || $0 == "]" }) else { break }
            s = t[t.index(after: colon)...]
        }
        // By scalars: ASCII letters lower-cased, other letters kept as their UTF-8.
        var f = Fingerprint()
        for scalar in s.unicodeScalars {
            if scalar.isASCII {
                f.addLetter(UInt8(scalar.value))
            } else if scalar.properties.isAlphabetic {
                UTF8.encode(scalar) { f.add($0) }
            }
        }
        return f.count >= 3 ? f.value : nil
    }

    /// Body text normalised for grouping: the first `limit` letters (ASCII lower-cased, bytes >= 0x80 kept),
    /// everything else skipped, so per-copy tokens made of digits and links' punctuation change little.
    static func bodyKey(_ bytes: some Collection<UInt8>, limit: Int = 600) -> UInt64? {
        var f = Fingerprint()
        for b in bytes {
            if b >= 0x41, b <= 0x5A { f.add(b | 0x20) } else if (b >= 0x61 && b <= 0x7A) || b >= 0x80 { f.add(b) }
            if f.count >= limit { break }
        }
        return f.count >= 40 ? f.value : nil
    }

    /// The last `last` letters of a text, ASCII lower-cased, everything but letters dropped; nil when
    /// fewer than 8 letters.
    static func letters(_ text: String, last: Int) -> String? {
        var text = text
        // ASCII (most subjects): the letters read as bytes in one pass over the String's own storage
        // (the UTF-8 view's iterator, twice, cost ~4,000 instructions a subject).
        let ascii: String?? = text.withUTF8 { bytes -> String?? in
            guard ASCII.isASCII(bytes) else { return .none }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bytes.count, 1)) { kept -> String? in
                var n = 0
                for b in bytes where ASCII.isAlpha(b) {
                    kept[n] = b | 0x20
                    n += 1
                }
                guard n >= 8 else { return nil }
                let from = max(0, n - last)
                return String(decoding: UnsafeBufferPointer(rebasing: kept[from..<n]), as: UTF8.self)
            }
        }
        if let ascii { return ascii }
        var scalars: [Unicode.Scalar] = []
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                // ASCII: the letters are the alphabetic scalars (the Unicode property lookup is slow).
                if (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) { scalars.append(Unicode.Scalar(UInt8(v) | 0x20)) }
            } else if scalar.properties.isAlphabetic {
                scalars.append(scalar)
            }
        }
        guard scalars.count >= 8 else { return nil }
        // Encoded into one byte buffer (`UnicodeScalarView.append(contentsOf:)` cost ~30,000 instructions).
        var out: [UInt8] = []
        out.reserveCapacity(min(scalars.count, last) * 4)
        for scalar in scalars.suffix(last) { UTF8.encode(scalar) { out.append($0) } }
        return String(decoding: out, as: UTF8.self)
    }
}
