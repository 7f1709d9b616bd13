import Testing
import TestSupport
@testable import MailParsing

/// `EncodedWords.decode` against the decoder it replaced (`ReferenceEncodedWords`: its words parsed
/// from the value's slice, each B word decoded into an array of its own, each Q byte and plain byte
/// appended one by one), on the corpus' shapes and on random values built from the bytes that matter
/// to it: `=?`, `?=`, `?`, `=`, `_`, hex digits, blanks, CR, LF, 8-bit bytes and charset labels.
@Suite struct EncodedWordsReadingAgreementTests {
    static func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// Values seen in the corpora (sisimai, backscatter-dev) and the broken forms `EncodedWords` tolerates.
    static let shapes = [
        "=?ISO-2022-JP?B?GyRCJTUhPCVQITwkWCROJWEhPCVrJE4bKEI=?=",
        "=?utf-8*sl?Q?_omre=C5?= =?Utf-8*SL?q?=BEje?=",
        "Re: =?UTF-8?B?w6k=?= and =?iso-8859-1?q?caf=E9?= done",
        "=?utf-8?q?hello world?= after", "=?utf-8?b?w6k", "=?utf-8?q?a?b", "=?utf-8?x?a?=", "=??q?a?=",
        "=?utf-8?b?w6k=?=\r\n =?utf-8?b?w6k=?=", "a=?b", "plain = text ? here", "=?utf-8?q?=?=",
        "=?utf-8?B?w6k==abc?=", "\"=?utf-8?q?quoted?=\"", "x=?utf-8?q?glued?=y", "=?utf-8?q?_?=\t\t=?utf-8?q?_?=",
        "=?windows-1252?q?=80?= \u{e9}", "=?utf-8?q?a?= b =?utf-8?q?c?=", "",
    ]

    @Test func decodeAgreesWithTheSliceReader() {
        var values = Self.shapes.map { Self.ascii($0) }
        var generator = SplitMix64(seed: 34)
        let pieces: [[UInt8]] = ["=?", "?=", "?", "=", "_", "utf-8", "ISO-2022-JP", "iso-8859-1", "*en", "?B?", "?q?",
                                 "?Q?", "?b?", "w6k=", "GyRC", "=E9", "=C3=A9", "=4", "=zz", " ", "\t", "\r", "\n", "\r\n ",
                                 "a", "Re: ", "(", ")", "\""].map { Self.ascii($0) } + [[0xE9], [0xC3, 0xA9], [0xFF], [0x00]]
        for _ in 0..<6000 {
            var value: [UInt8] = []
            for _ in 0..<generator.below(14) { value += pieces[generator.below(pieces.count)] }
            values.append(value)
        }
        for value in values {
            let expected = ReferenceEncodedWords.decode(value[...])
            #expect(EncodedWords.decode(value[...]) == expected, "\(value)")
            // A slice that does not start at 0, as the header walks hand values over.
            #expect(EncodedWords.decode(([0x41] + value)[1...]) == expected, "sliced \(value)")
        }
    }

    @Test func wordDecodersAgreeWithTheSliceReaders() {
        var generator = SplitMix64(seed: 35)
        let alphabet = Self.ascii("=_AaFf09zZ+/ ?") + [0x00, 0xE9, 0xFF]
        for _ in 0..<3000 {
            let text = generator.bytes(alphabet, count: generator.below(24))
            var q: [UInt8] = [1], b: [UInt8] = [2]
            EncodedWords.decodeQ(text[...], into: &q)
            EncodedWords.decodeB(text[...], into: &b)
            var expectedQ: [UInt8] = [1]
            ReferenceEncodedWords.decodeQ(text[...], into: &expectedQ)
            #expect(q == expectedQ, "Q \(text)")
            #expect(b == [2] + TransferDecoding.base64(text[...]), "B \(text)")
        }
    }
}

/// `EncodedWords.decode` as it was before it read the value's buffer (session 34): the reference for
/// `EncodedWordsReadingAgreementTests`.
enum ReferenceEncodedWords {
    static func decode(_ value: ByteSlice) -> String {
        switch EncodedWords.plainness(value) {
        case .plainASCII: return value.withUnsafeBufferPointer { UncheckedUTF8.asciiString($0) }
        case .plain: return CharsetDecoder.utf8OrWindows1252(value)
        case .encoded: break
        }
        var decoder = Decoder()
        decoder.run(value)
        return decoder.finish()
    }

    struct Word {
        var charset: ByteSlice
        var isBase64: Bool
        var text: ByteSlice
        var end: Int
    }

    static let question = UInt8(ascii: "?")

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
        while j < end {
            let b = value[j]
            if b == question, j + 1 < end, value[j + 1] == ASCII.equals {
                return Word(charset: charset, isBase64: encoding == UInt8(ascii: "b"), text: value[textStart..<j], end: j + 2)
            }
            if ASCII.isWhitespaceOrNewline(b) { break }
            j += 1
        }
        if encoding == UInt8(ascii: "q") {
            var k = j
            while k + 1 < end {
                let c = value[k]
                if c == ASCII.carriageReturn || c == ASCII.lineFeed { break }
                if c == ASCII.equals, value[k + 1] == question { break }
                if c == question, value[k + 1] == ASCII.equals {
                    return Word(charset: charset, isBase64: false, text: value[textStart..<k], end: k + 2)
                }
                k += 1
            }
        }
        var text = value[textStart..<j]
        if text.last == question { text = text.dropLast() }
        return Word(charset: charset, isBase64: encoding == UInt8(ascii: "b"), text: text, end: j)
    }

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

    struct Decoder {
        var output = ""
        var pendingBytes: [UInt8] = []
        var pendingCharset: String? = nil
        var plain: [UInt8] = []
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
                if b == ASCII.equals, i + 1 < end, value[i + 1] == ReferenceEncodedWords.question,
                   let word = ReferenceEncodedWords.parseWord(value, at: i)
                {
                    flushPlain()
                    heldWhitespace.removeAll(keepingCapacity: true)
                    let charset = CharsetName.canonicalLabel(word.charset.latin1String)
                    if charset != pendingCharset { flushPending(); pendingCharset = charset }
                    if word.isBase64 {
                        pendingBytes.append(contentsOf: TransferDecoding.base64(word.text))
                    } else {
                        ReferenceEncodedWords.decodeQ(word.text, into: &pendingBytes)
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

        mutating func finish() -> String {
            flushPending()
            plain.append(contentsOf: heldWhitespace)
            flushPlain()
            return output
        }
    }
}
