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
        value.withUnsafeBufferPointer { decoder.run($0) }
        return decoder.finish()
    }

    /// What `decode` has to do with a value (`plainness(_:)`).
    package enum Plainness {
        /// No line end, no `=?`, every byte below 0x80: the value is its own text.
        case plainASCII
        /// No line end and no `=?`, some 8-bit byte: UTF-8 or windows-1252.
        case plain
        /// A line end or `=?`: the decoder reads it.
        case encoded
    }

    /// Whether `value` is plain (no line end, no `=?`), and for a plain value whether it is ASCII: one
    /// pass where no byte is `?`, CR or LF (`plainnessWithoutMarks`), else byte by byte.
    static func plainness(_ value: ByteSlice) -> Plainness {
        value.withUnsafeBufferPointer { buffer in
            plainnessWithoutMarks(buffer) ?? (isPlain(buffer) ? (ASCII.isASCII(buffer) ? .plainASCII : .plain) : .encoded)
        }
    }

    /// `plainness` of bytes that hold no `?`, CR or LF, found in one pass (the bytes read are ORed on the
    /// way, for their high bits); nil at the first such byte, for the caller to read the value byte by
    /// byte. (The bounce context asks it of each sender: `.plainASCII` is a sender `decode` gives back as
    /// it is, as ASCII.)
    ///
    /// Sixteen bytes at a time, the last block ending at the value's end (overlapping the one before:
    /// a byte read twice answers the same); a value shorter than sixteen bytes as two words, likewise,
    /// or byte by byte below eight. Eight bytes at a time with the rest byte by byte, it was ~160
    /// instructions a value (bsd.mbox x3: 5,415 values, 0.86M -> 0.52M).
    @inline(__always)
    package static func plainnessWithoutMarks(_ buffer: UnsafeBufferPointer<UInt8>) -> Plainness? {
        guard let base = buffer.baseAddress else { return .plainASCII }
        let count = buffer.count
        let raw = UnsafeRawPointer(base)
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
                if marks[0] | marks[1] != 0 { return nil }
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
                return nil
            }
            return (first | last) & ByteWord.highs == 0 ? .plainASCII : .plain
        }
        var any: UInt8 = 0
        for b in buffer {
            if b == question || b == ASCII.carriageReturn || b == ASCII.lineFeed { return nil }
            any |= b
        }
        return any < 0x80 ? .plainASCII : .plain
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

    /// A parsed `=?charset?e?text?=` in a value's bytes: its charset's and text's offsets in them, and
    /// `end` just past it. (Offsets, not slices of the value: each slice a word held was retained and
    /// released.)
    struct Word {
        var charsetStart: Int
        var charsetEnd: Int
        var isBase64: Bool
        var textStart: Int
        var textEnd: Int
        var end: Int
    }

    static let question = UInt8(ascii: "?")

    /// Parses an encoded word starting at `start` of `value` (which holds `=?` there), or nil.
    /// Read through the value's buffer (the value's slice, indexed byte by byte with its bounds checked,
    /// cost ~680 instructions a word: bsd.mbox x3, 279 words).
    static func parseWord(_ value: UnsafeBufferPointer<UInt8>, at start: Int) -> Word? {
        let end = value.count
        var i = start + 2
        let charsetStart = i
        while i < end, value[i] != question {
            let b = value[i]
            if ASCII.isWhitespaceOrNewline(b) || b == ASCII.equals || i - charsetStart > 64 { return nil }
            i += 1
        }
        guard i > charsetStart, i + 2 < end, value[i + 2] == question else { return nil }
        let encoding = ASCII.lowercased(value[i + 1])
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
        let isBase64 = encoding == UInt8(ascii: "b")
        let textStart = i + 3
        var j = textStart
        // RFC 2047 §2: encoded-text has no '?' or SPACE, and ends at "?=".
        while j < end {
            let b = value[j]
            if b == question, j + 1 < end, value[j + 1] == ASCII.equals {
                return Word(charsetStart: charsetStart, charsetEnd: i, isBase64: isBase64, textStart: textStart,
                            textEnd: j, end: j + 2)
            }
            if ASCII.isWhitespaceOrNewline(b) { break }
            j += 1
        }
        // Broken: no "?=" before whitespace or the end. Spam does this; take the text up to there,
        // but for Q words only when a later "?=" is not on the same line (Q text may hold spaces).
        if !isBase64 {
            // A Q word with literal spaces, closed later on the same line: "=?utf-8?q?hello world?=".
            var k = j
            while k + 1 < end {
                let c = value[k]
                if c == ASCII.carriageReturn || c == ASCII.lineFeed { break }
                if c == ASCII.equals, value[k + 1] == question { break }  // the next word begins
                if c == question, value[k + 1] == ASCII.equals {
                    return Word(charsetStart: charsetStart, charsetEnd: i, isBase64: false, textStart: textStart,
                                textEnd: k, end: k + 2)
                }
                k += 1
            }
        }
        var textEnd = j
        if textEnd > textStart, value[textEnd - 1] == question { textEnd -= 1 }  // "...?" with the '=' lost
        return Word(charsetStart: charsetStart, charsetEnd: i, isBase64: isBase64, textStart: textStart,
                    textEnd: textEnd, end: j)
    }

    /// RFC 2047 §4.2 "Q": `_` is space, `=XX` a byte; a stray `=` is kept as is.
    static func decodeQ(_ text: ByteSlice, into out: inout [UInt8]) {
        text.withUnsafeBufferPointer { decodeQ($0, into: &out) }
    }

    /// `decodeQ` of a word's bytes: decoded into a buffer on the stack (never longer than the text)
    /// and appended at once (appended byte by byte, each append tested the array's room and
    /// uniqueness: ~1,750 instructions a word, bsd.mbox x3, 57 words).
    static func decodeQ(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let end = text.count
        guard end > 0 else { return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: end) { buffer in
            var n = 0
            var i = 0
            while i < end {
                let b = text[i]
                if b == UInt8(ascii: "_") {
                    buffer[n] = ASCII.space
                } else if b == ASCII.equals, i + 2 < end, let h = hexValue(text[i + 1]), let l = hexValue(text[i + 2]) {
                    buffer[n] = h << 4 | l
                    i += 2
                } else {
                    buffer[n] = b
                }
                n += 1
                i += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<n]))
        }
    }

    /// RFC 2047 §4.1 "B" (RFC 4648 base64), with the MIME body decoder's tolerance (`TransferDecoding.base64`):
    /// bytes outside the alphabet are skipped, missing padding is accepted, and `=` ends a quantum, so
    /// words glued together (`...==abc`) still decode.
    static func decodeB(_ text: ByteSlice, into out: inout [UInt8]) {
        text.withUnsafeBufferPointer { decodeB($0, into: &out) }
    }

    /// `decodeB` of a word's bytes: decoded into a buffer on the stack and appended at once (an array
    /// made of each word's bytes and appended cost ~1,000 instructions a word: bsd.mbox x3, 222 words).
    static func decodeB(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        guard !text.isEmpty else { return }
        // `TransferDecoding.base64(_:into:)`'s room: three quarters of the text, plus three.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: text.count / 4 * 3 + 3) { buffer in
            let n = TransferDecoding.base64(text, into: buffer)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<n]))
        }
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

        /// Reads `value`'s bytes (the value's buffer: its slice, indexed byte by byte, had its bounds
        /// checked at each). The plain bytes after one that is not a line end or `=` are taken a run at
        /// a time: up to the next line end or `=`, the byte-by-byte reading would append each as it is.
        mutating func run(_ value: UnsafeBufferPointer<UInt8>) {
            var i = 0
            let end = value.count
            while i < end {
                let b = value[i]
                if b == ASCII.carriageReturn || b == ASCII.lineFeed { i += 1; continue }
                if b == ASCII.equals, i + 1 < end, value[i + 1] == EncodedWords.question,
                   let word = EncodedWords.parseWord(value, at: i)
                {
                    flushPlain()
                    heldWhitespace.removeAll(keepingCapacity: true)
                    let label = UnsafeBufferPointer(rebasing: value[word.charsetStart..<word.charsetEnd])
                    let charset = CharsetName.canonicalLabel(Self.charsetLabel(label))
                    if charset != pendingCharset { flushPending(); pendingCharset = charset }
                    let text = UnsafeBufferPointer(rebasing: value[word.textStart..<word.textEnd])
                    if word.isBase64 {
                        // Each B word is its own base64 unit (RFC 2047 §5 (3)).
                        EncodedWords.decodeB(text, into: &pendingBytes)
                    } else {
                        EncodedWords.decodeQ(text, into: &pendingBytes)
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
                // `b`, and the run after it that holds no line end and no `=` (with `lastWasWord` false,
                // each of those bytes is appended as it is).
                var j = i + 1
                while j < end, value[j] != ASCII.equals, value[j] != ASCII.carriageReturn, value[j] != ASCII.lineFeed {
                    j += 1
                }
                plain.append(contentsOf: UnsafeBufferPointer(rebasing: value[i..<j]))
                i = j
            }
        }

        /// The charset's bytes as Latin-1 text (`latin1String`), which for ASCII bytes, every label
        /// seen, is their UTF-8 text made in one step: `latin1String` appends scalar by scalar, ~2,000
        /// instructions a label (sisimai bsd mbox x3: 279 encoded words, `run` 1.65M -> 1.15M).
        static func charsetLabel(_ bytes: ByteSlice) -> String {
            bytes.withUnsafeBufferPointer { charsetLabel($0) }
        }

        /// `charsetLabel` of a label's bytes read in place (a word's, in the value's buffer).
        static func charsetLabel(_ label: UnsafeBufferPointer<UInt8>) -> String {
            ASCII.isASCII(label) ? UncheckedUTF8.asciiString(label) : Array(label)[...].latin1String
        }

        mutating func finish() -> String {
            flushPending()
            // Tested first: appending the empty array was a call (~130 instructions) at each value's end.
            if !heldWhitespace.isEmpty { plain.append(contentsOf: heldWhitespace) }
            flushPlain()
            return output
        }
    }
}
