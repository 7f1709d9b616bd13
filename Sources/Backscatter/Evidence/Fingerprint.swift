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
        return ascii ?? subjectKeyOfScalars(subject)
    }

    /// `subjectKey` of a subject that is not ASCII (or has a CR): read on its UTF-8 bytes where
    /// `markersEnd` can tell where the markers end, each letter asked `isAlphabetic` (not the scalar's
    /// property); else by Characters and scalars. On sisimai bsd x3, by Characters with the property:
    /// 10,800 instructions a subject, 1.23M over 114; with `isAlphabetic`, 0.95M (0.70M of it the
    /// markers' Characters).
    static func subjectKeyOfScalars(_ subject: String) -> UInt64? {
        var text = subject
        let key: UInt64?? = text.withUTF8 { bytes -> UInt64?? in
            guard let start = markersEnd(bytes) else { return .none }
            var f = Fingerprint()
            var i = start
            while i < bytes.count {
                let b = bytes[i]
                if b < 0x80 {
                    f.addLetter(b)
                    i += 1
                    continue
                }
                guard let (length, isLetter) = multiByteScalar(at: i, in: bytes) else { break }
                if isLetter {
                    for k in 0..<length { f.add(bytes[i + k]) }
                }
                i += length
            }
            return .some(f.count >= 3 ? f.value : nil)
        }
        if let key { return key }
        return subjectKeyOfCharacters(subject)
    }

    /// Where the leading reply/forward markers of a subject end (`droppingMarkers`), read on its bytes;
    /// nil where the bytes cannot tell (a CR, a colon byte after a byte that is not ASCII, or a
    /// non-ASCII byte just after a colon: Characters may join them).
    ///
    /// A Character is `":"` only when it is the one scalar, so a colon among the first five Characters
    /// after the blanks needs a `:` byte there: read while the bytes are ASCII but CR (each then a
    /// Character of its own when the byte after it is ASCII too), and past the first byte that is not,
    /// the markers end there when no `:` byte follows.
    static func markersEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = bytes.count
        var start = 0
        while true {
            var t = start
            while t < n, bytes[t] == ASCII.space || bytes[t] == ASCII.tab { t += 1 }
            var j = t
            var colon = -1
            while j < n, j < t + 5 {
                let b = bytes[j]
                if b >= 0x80 {
                    // No colon byte from here on: no marker.
                    for k in j..<n where bytes[k] == ASCII.colon { return nil }
                    return start
                }
                if b == ASCII.carriageReturn { return nil }
                if b == ASCII.colon { colon = j; break }
                j += 1
            }
            guard colon > t else { return start }
            // The colon a Character of its own only when the byte after it is ASCII.
            if colon + 1 < n, bytes[colon + 1] >= 0x80 { return nil }
            for k in t..<colon where !(ASCII.isAlpha(bytes[k]) || bytes[k] == UInt8(ascii: "[") || bytes[k] == UInt8(ascii: "]")) {
                return start
            }
            start = colon + 1
        }
    }

    /// `subjectKey` by Characters (markers) and scalars (letters, `isAlphabetic`): where `markersEnd`
    /// cannot tell.
    static func subjectKeyOfCharacters(_ subject: String) -> UInt64? {
        var f = Fingerprint()
        for scalar in droppingMarkers(Substring(subject)).unicodeScalars {
            if scalar.isASCII {
                f.addLetter(UInt8(scalar.value))
            } else if isAlphabetic(scalar) {
                UTF8.encode(scalar) { f.add($0) }
            }
        }
        return f.count >= 3 ? f.value : nil
    }

    /// `subjectKey` read by Characters, with the scalars' own property: the definition, for the tests.
    static func subjectKeyByCharacters(_ subject: String) -> UInt64? {
        // By scalars: ASCII letters lower-cased, other letters kept as their UTF-8.
        var f = Fingerprint()
        for scalar in droppingMarkers(Substring(subject)).unicodeScalars {
            if scalar.isASCII {
                f.addLetter(UInt8(scalar.value))
            } else if scalar.properties.isAlphabetic {
                UTF8.encode(scalar) { f.add($0) }
            }
        }
        return f.count >= 3 ? f.value : nil
    }

    /// A subject without its leading reply/forward markers (`subjectKey`), read by Characters.
    private static func droppingMarkers(_ subject: Substring) -> Substring {
        var s = subject
        while true {
            let t = s.drop(while: { $0 == " " || $0 == "\t" })
            guard let colon = t.prefix(5).firstIndex(of: ":") else { break }
            let word = t[..<colon]
            guard !word.isEmpty, word.count <= 4, word.allSatisfy({ $0.isLetter || $0 == "[" || $0 == "]" }) else { break }
            s = t[t.index(after: colon)...]
        }
        return s
    }

    /// Whether a scalar is alphabetic (`Unicode.Scalar.Properties.isAlphabetic`), answered from
    /// `knownAlphabetic` for the blocks it knows and from the property elsewhere.
    @inline(__always)
    static func isAlphabetic(_ scalar: Unicode.Scalar) -> Bool {
        knownAlphabetic(scalar.value) ?? scalar.properties.isAlphabetic
    }

    /// `isAlphabetic` for the blocks most non-ASCII subjects are written in (Latin, Greek, Cyrillic,
    /// general punctuation, CJK punctuation, kana, CJK ideographs, Hangul, full-width forms), without
    /// the property lookup (~300 instructions a scalar); nil elsewhere. Each range is one run of equal
    /// answers of the property (a test asks the property of every scalar of each).
    static func knownAlphabetic(_ v: UInt32) -> Bool? {
        if v < 0x3000 {
            switch v {
            case 0x80...0xA9: return false                  // Latin-1 controls, symbols
            case 0xC0...0x2C1: return v != 0xD7 && v != 0xF7 // Latin-1 letters (but × and ÷), Latin Extended, IPA
            case 0x38E...0x3A1, 0x3A3...0x3F5: return true  // Greek
            case 0x3F7...0x481, 0x48A...0x52F: return true  // Cyrillic
            case 0x2000...0x2070: return false              // general punctuation
            default: return nil
            }
        }
        switch v {
        case 0x3000...0x3004, 0x3008...0x3020: return false // CJK symbols and punctuation
        case 0x3041...0x3096, 0x30A1...0x30FA, 0x30FC...0x30FF: return true // Hiragana, Katakana
        case 0x3400...0x4DBF, 0x4E00...0xA48C: return true  // CJK ideographs (and Yi)
        case 0xAC00...0xD7A3: return true                   // Hangul syllables
        case 0xFF01...0xFF20, 0xFF3B...0xFF40, 0xFF5B...0xFF65: return false // full-width punctuation, digits
        case 0xFF21...0xFF3A, 0xFF41...0xFF5A, 0xFF66...0xFFBE: return true // full-width letters, half-width kana
        default: return nil
        }
    }

    /// Body text normalised for grouping: the first `limit` letters (ASCII lower-cased, bytes >= 0x80 kept),
    /// everything else skipped, so per-copy tokens made of digits and links' punctuation change little.
    static func bodyKey(_ bytes: ByteSlice, limit: Int = 600) -> UInt64? {
        // Read in place (the slice's iterator, each byte through its index, was ~1,100 instructions a
        // text part: sisimai bsd x3, 729 parts).
        bytes.withUnsafeBufferPointer { bytes in
            var f = Fingerprint()
            for b in bytes {
                // A letter: `b | 0x20` is a lower-case ASCII letter exactly for the ASCII letters.
                let lower = b | 0x20
                if lower &- UInt8(ascii: "a") < 26 { f.add(lower) } else if b >= 0x80 { f.add(b) }
                if f.count >= limit { break }
            }
            return f.count >= 40 ? f.value : nil
        }
    }

    /// The last `last` letters of a text, ASCII lower-cased, everything but letters dropped; nil when
    /// fewer than 8 letters. (`last` >= 0.)
    static func letters(_ text: String, last: Int) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bytes.count, 1)) { kept -> String? in
                // ASCII (most subjects): the letters read as bytes in one pass over the String's own
                // storage (the UTF-8 view's iterator, twice, cost ~4,000 instructions a subject), each
                // byte written and kept or not without a branch, whether all are ASCII found out in the
                // same pass (sisimai bsd x3: the reading 2.06M -> 2.02M instructions over 3,246 texts).
                var n = 0
                var any: UInt8 = 0
                for b in bytes where n < kept.count {
                    any |= b
                    kept[n] = b | 0x20
                    n &+= (b | 0x20) &- UInt8(ascii: "a") < 26 ? 1 : 0
                }
                guard any < 0x80 else { return lettersOfUTF8(bytes, last: last, into: kept) }
                guard n >= 8 else { return nil }
                let from = max(0, n - last)
                // ASCII letters, made a String without `String(decoding:)`'s check of them.
                return UncheckedUTF8.asciiString(UnsafeBufferPointer(rebasing: kept[from..<n]))
            }
        }
    }

    /// What the classifier reads of an original's Subject: `subjectKey(subject)`, `letters(subject, last: 60)`
    /// and `HostShape.isShouting` of its first 120 Characters.
    ///
    /// An ASCII subject without CR (most; each byte a Character) read in one pass over its bytes: the
    /// letters written once, the key hashed from those after the markers, the capitals and `!`/`$`
    /// counted in the first 120 bytes. Other subjects go to the three readings.
    /// - Parameter readsLetters: whether the letters are made (nil when not).
    static func subjectFacts(_ subject: String, readsLetters: Bool = true) -> (key: UInt64?, letters: String?, shouting: Bool) {
        // Read through the UTF-8 view (`withUTF8` of a copy cost ~50 instructions a call more); a
        // subject that is not contiguous goes to the three readings.
        let ascii = subject.utf8.withContiguousStorageIfAvailable { bytes -> (key: UInt64?, letters: String?, shouting: Bool)? in
            guard ASCII.isASCII(bytes), !bytes.contains(ASCII.carriageReturn) else { return nil }
            return asciiSubjectFacts(bytes, readsLetters: readsLetters)
        }
        if let ascii, let ascii { return ascii }
        let head = subject.utf8.count <= 120 ? subject : String(subject.prefix(120))
        return (subjectKey(subject), readsLetters ? letters(subject, last: 60) : nil, HostShape.isShouting(head))
    }

    /// `subjectFacts` of an ASCII subject without CR, from its bytes.
    private static func asciiSubjectFacts(_ bytes: UnsafeBufferPointer<UInt8>, readsLetters: Bool) -> (key: UInt64?, letters: String?, shouting: Bool) {
        // Where the markers end, as `subjectKey` finds it.
        var start = 0
        while true {
            var t = start
            while t < bytes.count, bytes[t] == ASCII.space || bytes[t] == ASCII.tab { t += 1 }
            var colon = -1
            var j = t
            while j < bytes.count, j < t + 5 {
                if bytes[j] == ASCII.colon { colon = j; break }
                j += 1
            }
            guard colon > t, colon - t <= 4 else { break }
            var word = true
            for k in t..<colon where !(ASCII.isAlpha(bytes[k]) || bytes[k] == UInt8(ascii: "[") || bytes[k] == UInt8(ascii: "]")) {
                word = false
                break
            }
            guard word else { break }
            start = colon + 1
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bytes.count, 1)) { kept in
            // Each byte written lower-cased and kept when it is a letter (as `letters` does); in the first
            // 120, the letters kept by then and the capitals among them counted, and `!` and `$`, for
            // `isShouting`.
            var n = 0, upper = 0, bangs = 0
            let head = min(bytes.count, 120)
            for i in 0..<head {
                let b = bytes[i]
                let letter = (b | 0x20) &- UInt8(ascii: "a") < 26
                kept[n] = b | 0x20
                n &+= letter ? 1 : 0
                upper &+= letter && b < 0x60 ? 1 : 0
                bangs &+= b == UInt8(ascii: "!") || b == UInt8(ascii: "$") ? 1 : 0
            }
            let shouting = bangs >= 2 || (n >= 8 && upper * 10 >= n * 7)
            for i in head..<bytes.count {
                let b = bytes[i]
                kept[n] = b | 0x20
                n &+= (b | 0x20) &- UInt8(ascii: "a") < 26 ? 1 : 0
            }
            // The key hashes the letters after the markers: those kept less the ones before `start`.
            var keyFrom = 0
            for i in 0..<start where (bytes[i] | 0x20) &- UInt8(ascii: "a") < 26 { keyFrom += 1 }
            var f = Fingerprint()
            for k in keyFrom..<n { f.add(kept[k]) }
            let key = f.count >= 3 ? f.value : nil
            let letters = readsLetters && n >= 8 ? UncheckedUTF8.asciiString(UnsafeBufferPointer(rebasing: kept[max(0, n - 60)..<n])) : nil
            return (key, letters, shouting)
        }
    }

    /// The scalar of 2, 3 or 4 bytes (RFC 3629 §3) whose lead byte (0x80 or above) is `bytes[i]`, of valid
    /// UTF-8 (a native String's bytes): its length, and whether it is a letter (`isAlphabetic`); nil when
    /// the bytes end inside it.
    @inline(__always)
    private static func multiByteScalar(at i: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (length: Int, isLetter: Bool)? {
        let b = bytes[i]
        let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
        guard i + length <= bytes.count else { return nil }
        var value = UInt32(b) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for k in 1..<length { value = value << 6 | (UInt32(bytes[i + k]) & 0x3F) }
        guard let scalar = Unicode.Scalar(value) else { return (length, false) }
        return (length, isAlphabetic(scalar))
    }

    /// `letters` of text that is not all ASCII, from its UTF-8 bytes (valid: a native String's always
    /// are), the letters kept as their bytes in `kept` (room for all of `bytes`): an ASCII letter
    /// lower-cased, another scalar decoded from its bytes only to ask whether it is alphabetic
    /// (`isAlphabetic`). (Read scalar by scalar into an array of scalars, then encoded into a second
    /// array, it cost ~1.7M instructions over the few hundred such subjects of the sisimai bsd mbox x3.)
    private static func lettersOfUTF8(_ bytes: UnsafeBufferPointer<UInt8>, last: Int, into kept: UnsafeMutableBufferPointer<UInt8>) -> String? {
        guard kept.count >= bytes.count else { return nil }
        var n = 0, letters = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 {
                if ASCII.isAlpha(b) {
                    kept[n] = b | 0x20
                    n += 1
                    letters += 1
                }
                i += 1
                continue
            }
            guard let (length, isLetter) = multiByteScalar(at: i, in: bytes) else { break }
            if isLetter {
                for k in 0..<length { kept[n + k] = bytes[i + k] }
                n += length
                letters += 1
            }
            i += length
        }
        guard letters >= 8 else { return nil }
        // The last `last` letters: back from the end, a letter starting at each byte that is not a
        // continuation byte (10xxxxxx).
        var from = n, counted = 0
        while from > 0, counted < last {
            from -= 1
            if kept[from] & 0xC0 != 0x80 { counted += 1 }
        }
        // Whole scalars of valid UTF-8, from a lead byte on: valid UTF-8, made a String unchecked.
        return UncheckedUTF8.string(UnsafeBufferPointer(rebasing: kept[from..<n]), isASCII: false)
    }

    /// `letters` on scalars: the definition, for the tests.
    static func lettersByScalars(_ text: String, last: Int) -> String? {
        var scalars: [Unicode.Scalar] = []
        for scalar in text.unicodeScalars where scalar.properties.isAlphabetic {
            scalars.append(scalar.isASCII ? Unicode.Scalar(UInt8(scalar.value) | 0x20) : scalar)
        }
        guard scalars.count >= 8 else { return nil }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars.suffix(last))
        return String(out)
    }
}
