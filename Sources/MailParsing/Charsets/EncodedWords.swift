/// RFC 2047 encoded words in unstructured header text (`Subject:`, display names, comments).
///
/// Follows RFC 2047 and tolerates what real mail and spam do wrong:
/// - adjacent encoded words separated only by whitespace are joined (RFC 2047 §6.2);
/// - the bytes of adjacent words in the same charset are decoded together, so a multibyte character split
///   across two words survives (sisimai `=?utf-8*sl?Q?_omre=C5?= =?Utf-8*SL?q?=BEje?=`);
/// - RFC 2231 §5 language suffixes (`=?utf-8*en?`), lower-case `b`/`q`, bad or missing base64 padding,
///   encoded words glued to other text or inside quotes (decoded anyway, as mail readers do), and a
///   missing closing `?=` (the word then runs to the next whitespace or the end);
/// - 8-bit bytes outside encoded words: UTF-8 if valid, else windows-1252 (Latin-1);
/// - CR and LF are dropped (an unfolded value is expected; a folded one is unfolded here).
/// Limits: charsets longer than 64 bytes are not taken as encoded words. O(n) time, output bounded by
/// a small multiple of the input.
public enum EncodedWords {
    /// Decodes an unstructured header value to display text.
    public static func decode(_ value: ByteSlice) -> String {
        // Most values hold no encoded word and no line end: then the decoder would copy them as they are.
        switch plainness(value) {
        case .plainASCII:
            // ASCII is valid UTF-8: its String is what `utf8OrWindows1252` gives, made without the
            // comparison of `CharsetDecoder.validUTF8` (bsd.mbox x3: decode 5.53M -> 5.08M instructions),
            // and unchecked, `plainness` having found it ASCII (`UncheckedUTF8.asciiString`: decode 4.49M -> 4.33M).
            return value.withUnsafeBufferPointer { UncheckedUTF8.asciiString($0) }
        case .plain:
            return CharsetDecoder.utf8OrWindows1252(value)
        case .encoded:
            break
        }
        var decoder = Decoder()
        decoder.run(value)
        return decoder.finish()
    }

    /// What `decode` has to do with a value (`plainness(_:)`).
    enum Plainness {
        /// No line end, no `=?`, every byte below 0x80: the value is its own text.
        case plainASCII
        /// No line end and no `=?`, some 8-bit byte: UTF-8 or windows-1252.
        case plain
        /// A line end or `=?`: the decoder reads it.
        case encoded
    }

    /// Whether `value` is plain (no line end, no `=?`), and for a plain value whether it is ASCII, in one
    /// pass where no byte is `?`, CR or LF (the bytes read are ORed on the way, for their high bits).
    ///
    /// Sixteen bytes at a time, the last block ending at the value's end (overlapping the one before:
    /// a byte read twice answers the same); a value shorter than sixteen bytes as two words, likewise,
    /// or byte by byte below eight. Eight bytes at a time with the rest byte by byte, it was ~160
    /// instructions a value (bsd.mbox x3: 5,415 values, 0.86M -> 0.52M).
    static func plainness(_ value: ByteSlice) -> Plainness {
        value.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return .plainASCII }
            let count = buffer.count
            let raw = UnsafeRawPointer(base)
            /// The answer for a value with a `?`, CR or LF: read byte by byte.
            func read() -> Plainness {
                isPlain(buffer) ? (ASCII.isASCII(buffer) ? .plainASCII : .plain) : .encoded
            }
            if count >= 16 {
                let questions = SIMD16<UInt8>(repeating: question)
                let returns = SIMD16<UInt8>(repeating: ASCII.carriageReturn), feeds = SIMD16<UInt8>(repeating: ASCII.lineFeed)
                let lastBlock = count &- 16
                var any = SIMD16<UInt8>()
                var i = 0
                while true {
                    let at = i < lastBlock ? i : lastBlock
                    let block = raw.loadUnaligned(fromByteOffset: at, as: SIMD16<UInt8>.self)
                    let marks = unsafeBitCast((block .== questions) .| (block .== returns) .| (block .== feeds), to: SIMD2<UInt64>.self)
                    if marks[0] | marks[1] != 0 { return read() }
                    any |= block
                    if at == lastBlock { break }
                    i &+= 16
                }
                let bits = unsafeBitCast(any, to: SIMD2<UInt64>.self)
                return (bits[0] | bits[1]) & ByteWord.highs == 0 ? .plainASCII : .plain
            }
            if count >= 8 {
                let first = raw.loadUnaligned(as: UInt64.self), last = raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
                // The three tests in one (three `hasByte`, each with its own branch, cost ~5 instructions a
                // word more).
                if ByteWord.hasAnyByte(first, question, ASCII.carriageReturn, ASCII.lineFeed, ASCII.lineFeed)
                    || ByteWord.hasAnyByte(last, question, ASCII.carriageReturn, ASCII.lineFeed, ASCII.lineFeed) {
                    return read()
                }
                return (first | last) & ByteWord.highs == 0 ? .plainASCII : .plain
            }
            var any: UInt8 = 0
            for b in buffer {
                if b == question || b == ASCII.carriageReturn || b == ASCII.lineFeed { return read() }
                any |= b
            }
            return any < 0x80 ? .plainASCII : .plain
        }
    }

    /// Whether `value` holds no line end and no `=?` (`plainness`: eight bytes at a time first, a
    /// value without `?`, CR and LF is plain; only one with a `?` is looked at byte by byte).
    static func isPlain(_ value: ByteSlice) -> Bool {
        plainness(value) != .encoded
    }

    /// Whether `buffer` holds no line end and no `=?`, byte by byte.
    private static func isPlain(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous: UInt8 = 0
        for b in buffer {
            if b == ASCII.carriageReturn || b == ASCII.lineFeed || (previous == ASCII.equals && b == question) {
                return false
            }
            previous = b
        }
        return true
    }

    /// A parsed `=?charset?e?text?=`, with `end` just past it.
    struct Word {
        var charset: ByteSlice
        var isBase64: Bool
        var text: ByteSlice
        var end: Int
    }

    static let question = UInt8(ascii: "?")

    /// Parses an encoded word starting at `start` (which holds `=?`), or nil.
    static func parseWord(_ value: ByteSlice, at start: Int) -> Word? {
        let end = value.endIndex
        var i = start + 2
        let charsetStart = i
        while i < end, value[i] != question {
            let b = value[i]
            if ASCII.isWhitespaceOrNewline(b) || b == ASCII.equals || i - charsetStart > 64 { return nil }
            i += 1
        }
        guard i > charsetStart, i + 2 < end, value[i + 2] == question else { return nil }
        let charset = value[charsetStart..<i]
        let encoding = ASCII.lowercased(value[i + 1])
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
        let textStart = i + 3
        var j = textStart
        // RFC 2047 §2: encoded-text has no '?' or SPACE, and ends at "?=".
        while j < end {
            let b = value[j]
            if b == question, j + 1 < end, value[j + 1] == ASCII.equals {
                return Word(charset: charset, isBase64: encoding == UInt8(ascii: "b"),
                            text: value[textStart..<j], end: j + 2)
            }
            if ASCII.isWhitespaceOrNewline(b) { break }
            j += 1
        }
        // Broken: no "?=" before whitespace or the end. Spam does this; take the text up to there,
        // but for Q words only when a later "?=" is not on the same line (Q text may hold spaces).
        if encoding == UInt8(ascii: "q") {
            // A Q word with literal spaces, closed later on the same line: "=?utf-8?q?hello world?=".
            var k = j
            while k + 1 < end {
                let c = value[k]
                if c == ASCII.carriageReturn || c == ASCII.lineFeed { break }
                if c == ASCII.equals, value[k + 1] == question { break }  // the next word begins
                if c == question, value[k + 1] == ASCII.equals {
                    return Word(charset: charset, isBase64: false, text: value[textStart..<k], end: k + 2)
                }
                k += 1
            }
        }
        var text = value[textStart..<j]
        if text.last == question { text = text.dropLast() }  // "...?" with the '=' lost
        return Word(charset: charset, isBase64: encoding == UInt8(ascii: "b"), text: text, end: j)
    }

    /// RFC 2047 §4.2 "Q": `_` is space, `=XX` a byte; a stray `=` is kept as is.
    static func decodeQ(_ text: ByteSlice, into out: inout [UInt8]) {
        var i = text.startIndex
        let end = text.endIndex
        while i < end {
            let b = text[i]
            if b == UInt8(ascii: "_") {
                out.append(ASCII.space)
            } else if b == ASCII.equals, i + 2 < end, let h = hexValue(text[i + 1]), let l = hexValue(text[i + 2]) {
                out.append(h << 4 | l)
                i += 2
            } else {
                out.append(b)
            }
            i += 1
        }
    }

    /// RFC 2047 §4.1 "B" (RFC 4648 base64), with the MIME body decoder's tolerance (`TransferDecoding.base64`):
    /// bytes outside the alphabet are skipped, missing padding is accepted, and `=` ends a quantum, so
    /// words glued together (`...==abc`) still decode.
    static func decodeB(_ text: ByteSlice, into out: inout [UInt8]) {
        out.append(contentsOf: TransferDecoding.base64(text))
    }


    /// Accumulates output: plain text runs and pending decoded bytes of one charset.
    struct Decoder {
        var output = ""
        var pendingBytes: [UInt8] = []
        var pendingCharset: String? = nil
        var plain: [UInt8] = []
        /// Whitespace seen after an encoded word; dropped if another encoded word follows (§6.2).
        var heldWhitespace: [UInt8] = []
        var lastWasWord = false

        mutating func flushPending() {
            if let charset = pendingCharset {
                output += CharsetDecoder.decode(pendingBytes[...], charset: charset)
            }
            pendingBytes.removeAll(keepingCapacity: true)
            pendingCharset = nil
        }

        mutating func flushPlain() {
            if !plain.isEmpty { output += CharsetDecoder.utf8OrWindows1252(plain[...]) }
            plain.removeAll(keepingCapacity: true)
        }

        mutating func run(_ value: ByteSlice) {
            var i = value.startIndex
            let end = value.endIndex
            while i < end {
                let b = value[i]
                if b == ASCII.carriageReturn || b == ASCII.lineFeed { i += 1; continue }
                if b == ASCII.equals, i + 1 < end, value[i + 1] == EncodedWords.question,
                   let word = EncodedWords.parseWord(value, at: i)
                {
                    flushPlain()
                    heldWhitespace.removeAll(keepingCapacity: true)
                    let charset = CharsetName.canonicalLabel(Self.charsetLabel(word.charset))
                    if charset != pendingCharset { flushPending(); pendingCharset = charset }
                    if word.isBase64 {
                        // Each B word is its own base64 unit (RFC 2047 §5 (3)).
                        EncodedWords.decodeB(word.text, into: &pendingBytes)
                    } else {
                        EncodedWords.decodeQ(word.text, into: &pendingBytes)
                    }
                    lastWasWord = true
                    i = word.end
                    continue
                }
                if lastWasWord, ASCII.isWhitespace(b) {
                    heldWhitespace.append(b)
                    i += 1
                    continue
                }
                if lastWasWord {
                    flushPending()
                    plain.append(contentsOf: heldWhitespace)
                    heldWhitespace.removeAll(keepingCapacity: true)
                    lastWasWord = false
                }
                plain.append(b)
                i += 1
            }
        }

        /// The charset's bytes as Latin-1 text (`latin1String`), which for ASCII bytes, every label
        /// seen, is their UTF-8 text made in one step: `latin1String` appends scalar by scalar, ~2,000
        /// instructions a label (sisimai bsd mbox x3: 279 encoded words, `run` 1.65M -> 1.15M).
        static func charsetLabel(_ bytes: ByteSlice) -> String {
            bytes.withUnsafeBufferPointer { label in
                ASCII.isASCII(label) ? UncheckedUTF8.asciiString(label) : bytes.latin1String
            }
        }

        mutating func finish() -> String {
            flushPending()
            plain.append(contentsOf: heldWhitespace)
            flushPlain()
            return output
        }
    }
}
