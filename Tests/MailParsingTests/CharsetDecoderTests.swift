import Testing
@testable import MailParsing
import TestSupport
import Foundation

/// Charset label, the text's bytes in that charset (hex), and the text. The bytes were produced by
/// CPython's codecs (independent of glibc iconv); every label that occurs in ../shared/corpus
/// (`charset=` parameters and RFC 2047 words) is here, plus the other charsets the decoder promises.
let charsetTable: [(label: String, hex: String, expected: String)] = [
    ("utf-8", "4772c3bcc39f652c20e4b896e7958c", "Grüße, 世界"),
    ("UTF8", "6e61c3af7665", "naïve"),
    ("uft-8", "636166c3a9", "café"),
    ("us-ascii", "706c61696e2074657874", "plain text"),
    ("iso-8859-1", "44f672746520c52e2053f672656e73656e", "Dörte Å. Sörensen"),
    ("ISO-8859-2", "ae6c75bb6f75e86bfd206bf9f2", "Žluťoučký kůň"),
    ("iso-8859-3", "d575bf65707069", "Ġużeppi"),
    ("ISO-8859-4", "4b61736869686172616a696e67fe2d6d6165", "Kashiharajingū-mae"),
    ("iso-8859-5", "bfe0d8d2d5e2", "Привет"),
    ("iso-8859-7", "cae1ebe7ecddf1e1", "Καλημέρα"),
    ("iso-8859-9", "54fc726be76520fdf0fe", "Türkçe ığş"),
    ("ISO-8859-15", "507269783a203520a4", "Prix: 5 €"),
    ("iso-8859-16", "42756ee3207a6975612c20aa746566616e", "Bună ziua, Ștefan"),
    ("windows-1250", "a3f3649f", "Łódź"),
    ("windows-1251", "c7e4f0e0e2f1f2e2f3e9f2e5", "Здравствуйте"),
    ("windows-1252", "9371756f746564942096208035", "“quoted” – €5"),
    ("cp1253", "c5ebebdce4e1", "Ελλάδα"),
    ("windows-1254", "dd7374616e62756c", "İstanbul"),
    ("windows-1255", "f9ece5ed", "שלום"),
    ("windows-1256", "e3d1cdc8c7", "مرحبا"),
    ("windows-1257", "52ee6761", "Rīga"),
    ("KOI8-R", "f3d0c1d3c9c2cf2e646f63", "Спасибо.doc"),
    ("koi8-u", "ebc9a7d7", "Київ"),
    ("iso-2022-jp", "1b2442254b2563213c25731b2842201b2442467c4b5c386c1b2842", "ニャーン 日本語"),
    ("Shift_JIS", "82b182f182c982bf82cd90a28a45", "こんにちは世界"),
    ("x-sjis", "836583588367", "テスト"),
    ("cp932", "87408741b1b2b3", "①②ｱｲｳ"),
    ("EUC-JP", "c6fccbdcb8eca4cea5e1a1bca5eb", "日本語のメール"),
    ("euc-kr", "c7d1b1b9b8bbb7ce20c7cfb4c220b0cd", "한국말로 하는 것"),
    ("ks_c_5601-1987", "bec8b3e7c7cfbcbcbfe4", "안녕하세요"),
    ("gb2312", "d7b0d3b2b5facecacce2", "装硬碟问题"),
    ("GBK", "d6d0cec4e05dbcfe", "中文郵件"),
    ("gb18030", "d6d0cec4a2e3", "中文€"),
    ("big5", "c163c5e9a4a4a4e5", "繁體中文"),
    ("utf-7", "4869204d6f6d202d2b4a6a6f2d2d21", "Hi Mom -☺-!"),
    ("unicode-1-1-utf-7", "556e7a757374656c6c6261723a202b5a65566e4c412d", "Unzustellbar: 日本"),
    ("utf-16be", "0047007200fc00df0065", "Grüße"),
    ("utf-16le", "47007200fc00df006500", "Grüße"),
    ("utf-16", "fffe42004f004d002000164e4c75", "BOM 世界"),
    ("ISO-2022-JP", "1b2442254b2563213c25731b2842", "ニャーン"),  // sisimai: =?iso-2022-jp?B?GyRCJUslYyE8JXMbKEI=?=
    // CP50221 extensions glibc rejects: NEC row 13 (①②㈱) and NEC-selected IBM extensions (髙: JIS 7C62, CP932 EEE0).
    ("iso-2022-jp", "1b24422d212d222d6a1b2842", "①②㈱"),
    ("iso-2022-jp", "1b24427c621b2842", "髙"),
    ("iso-2022-jp", "1b2849313233341b2842", "ｱｲｳｴ"),             // JIS X 0201 katakana
    ("iso-2022-jp", "41ff42", "A\u{FFFD}B"),                   // junk 8-bit byte: never fails
    ("iso-2022-jp", "82a082a2", "あい"),                       // raw Shift_JIS in a mislabelled message
    ("iso-2022-jp", "1b2442242224241b28421b2e411b4e41", "あい\u{C1}"), // ISO-2022-JP-2 G2 Latin-1 (RFC 1554) via glibc
    ("\"UTF-8\"", "c3a9", "é"),
    ("x-unknown", "c3a9", "é"),
    ("x-unknown", "e9", "é"),
    ("none", "54455354", "TEST"),
    (" Windows-1252 ", "e7e3", "çã"),
    ("utf-8*en", "c3a9", "é"),
    ("us-ascii", "e9", "é"),            // 8-bit in "us-ascii": not UTF-8, so windows-1252
    ("us-ascii", "c3a9", "é"),          // 8-bit in "us-ascii": valid UTF-8
    ("utf-8", "66e96c", "f\u{FFFD}l"),  // invalid UTF-8 is repaired
    ("no-such-charset", "e9", "é"),
    ("", "e9", "é"),
]

func bytes(hex: String) -> ByteSlice {
    var out = [UInt8]()
    var high: UInt8? = nil
    for c in hex.utf8 {
        let v: UInt8
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
        default: continue
        }
        if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
    }
    return out[...]
}

@Suite struct CharsetDecoderTests {
    @Test(arguments: charsetTable.indices)
    func decodesKnownText(_ index: Int) {
        let row = charsetTable[index]
        #expect(CharsetDecoder.decode(bytes(hex: row.hex), charset: row.label) == row.expected, "\(row.label)")
    }

    @Test func nilCharsetIsUTF8ThenLatin1() {
        #expect(CharsetDecoder.decode(bytes(hex: "c3a9"), charset: nil) == "é")
        #expect(CharsetDecoder.decode(bytes(hex: "e9"), charset: nil) == "é")
        #expect(CharsetDecoder.decode(bytes(hex: "80"), charset: nil) == "€")
    }

    @Test(arguments: ["utf-8", "UTF-7", "iso-8859-2", "ISO_8859-15", "windows-1251", "cp1250", "koi8-u",
                      "iso-2022-jp", "shift_jis", "CP932", "x-euc-jp", "euc-kr", "ks_c_5601-1987", "gb2312",
                      "GBK", "gb18030", "big5", "utf-16", "x-unicode-2-0-utf-7", "unicode-1-1-utf-7", "latin1",
                      "iso-8859-11", "mac-cyrillic"])
    func supportsCharset(_ label: String) {
        #expect(CharsetDecoder.isSupported(label))
    }

    /// The idle converters (`IconvPool`, one array searched by name): a converter checked out while
    /// another of its charset is in use is a second one, and every iconv charset of the table decoded
    /// in turn, twice, and the first again after each, gives its text each time.
    @Test func pooledConvertersStayApartByCharset() {
        let nested = IconvPool.withConverter("ISO-8859-2") { outer in
            IconvPool.withConverter("ISO-8859-2") { inner in inner !== outer && inner.name == outer.name } ?? false
        }
        #expect(nested == true)
        let rows = charsetTable.filter { row in
            if case .iconv = CharsetName.resolve(row.label) { return true }
            return false
        }
        #expect(rows.count > 5)
        for _ in 0..<2 {
            for row in rows + [rows[0]] {
                #expect(CharsetDecoder.decode(bytes(hex: row.hex), charset: row.label) == row.expected, "\(row.label)")
            }
        }
    }

    @Test(arguments: ["x-unknown", "none", "", "no-such-charset", "utf-8//TRANSLIT", "../../etc/passwd"])
    func doesNotSupportJunk(_ label: String) {
        #expect(!CharsetDecoder.isSupported(label))
    }

    @Test func labelsAreNormalised() {
        #expect(CharsetName.resolve("\"UTF-8\";") == .utf8)
        #expect(CharsetName.resolve("x-sjis") == .iconv("CP932"))
        #expect(CharsetName.resolve("ISO8859_2") == .iconv("ISO-8859-2"))
        #expect(CharsetName.resolve("iso-8859-1:1987") == .windows1252)
        #expect(CharsetName.resolve("Windows-1251") == .iconv("CP1251"))
        #expect(CharsetName.resolve("UTF-8*SL") == .utf8)
        #expect(CharsetName.resolve("utf-16le") == .utf16(bigEndian: false))
    }

    /// `CharsetName.alias` finds every alias, with its kind, and no other name: the reference is a
    /// search of all the aliases by String equality, asked of each alias a byte shorter, a byte longer,
    /// with one byte changed, and with one byte made U+212A KELVIN SIGN (canonically equivalent to `K`).
    @Test func aliasesAreFoundByTheirBytes() {
        let all = CharsetName.aliasesByLength.joined().map { (name: $0.name.description, kind: $0.kind) }
        func reference(_ name: String) -> CharsetKind? { all.first { $0.name == name }?.kind }
        #expect(all.count == 201)
        #expect(Set(all.map(\.name)).count == all.count)
        for (length, entries) in CharsetName.aliasesByLength.enumerated() {
            for entry in entries { #expect(entry.name.utf8CodeUnitCount == length) }
        }
        for (name, kind) in all {
            #expect(CharsetName.alias(name) == kind, "\(name)")
            let bytes = Array(name.utf8)
            var variants = [String(name.dropLast()), name + "a", name + "-"]
            for i in bytes.indices {
                var changed = bytes
                changed[i] = bytes[i] == UInt8(ascii: "q") ? UInt8(ascii: "z") : UInt8(ascii: "q")
                variants.append(String(decoding: changed, as: UTF8.self))
                variants.append(String(decoding: bytes[..<i], as: UTF8.self) + "\u{212A}" + String(decoding: bytes[(i + 1)...], as: UTF8.self))
            }
            for variant in variants { #expect(CharsetName.alias(variant) == reference(variant), "\(variant)") }
        }
        #expect(CharsetName.alias("") == nil)
        #expect(CharsetName.alias(String(repeating: "a", count: 40)) == nil)
        #expect(CharsetName.resolveCanonically("X-UTF-8") == .utf8)
        #expect(CharsetName.resolveCanonically("csShiftJIS") == .iconv("CP932"))
    }

    /// `CharsetName.commonLabelKind` answers for seven labels without the canonical label: the same kind
    /// as the canonical lookup for them in any case, and nil for near misses (quoted, suffixed, padded,
    /// one byte off), which the canonical lookup then reads.
    @Test func commonLabelsResolveAsTheCanonicalLookupDoes() {
        let common = ["utf-8", "us-ascii", "iso-8859-1", "iso-2022-jp", "windows-1252", "unicode-1-1-utf-7",
                      "iso-8859-15"]
        var generator = SplitMix64(seed: 31)
        for name in common {
            var variants = [name, name.uppercased(), "\"" + name + "\"", name + ";", " " + name, name + "*en",
                            "x-" + name, String(name.dropLast()), name + "5"]
            for _ in 0..<50 {
                variants.append(String(name.map { generator.below(2) == 0 ? Character($0.uppercased()) : $0 }))
                var bytes = Array(name.utf8)
                bytes[generator.below(bytes.count)] = Array("-_:.aZ9\u{7F}".utf8)[generator.below(8)]
                variants.append(String(decoding: bytes, as: UTF8.self))
            }
            for label in variants {
                let canonical = CharsetName.resolveCanonically(label)
                #expect(CharsetName.resolve(label) == canonical, "\(label)")
                if let kind = CharsetName.commonLabelKind(label) {
                    #expect(kind == canonical, "\(label)")
                    // A near miss of one may be another common label ("iso-8859-1" + "5").
                    #expect(common.contains(label.lowercased()), "\(label)")
                }
            }
            #expect(CharsetName.commonLabelKind(name.uppercased()) != nil)
        }
    }

    /// `windows1252` writes UTF-8 into a buffer of its own, made a String unchecked: every byte alone, and all 256 in a
    /// row (ASCII, two- and three-byte sequences side by side), must give the WHATWG code points.
    @Test func windows1252WritesEveryByteAsItsCodePoint() {
        let high: [UInt32] = [0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160,
                              0x2039, 0x152, 0x8D, 0x17D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
                              0x2014, 0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0x9D, 0x17E, 0x178]
        func expected(_ b: UInt8) -> String {
            String(Character(Unicode.Scalar(b >= 0x80 && b < 0xA0 ? high[Int(b) - 0x80] : UInt32(b))!))
        }
        for b in UInt8.min...UInt8.max {
            #expect(CharsetDecoder.windows1252([b][...]) == expected(b), "\(b)")
        }
        let all = Array(UInt8.min...UInt8.max)
        #expect(CharsetDecoder.windows1252(all[1...]) == all[1...].map(expected).joined())
    }

    /// `windows1252` copies eight ASCII bytes at a time: its text must be the byte-at-a-time mapping's
    /// (each byte its WHATWG code point) on 20,000 random inputs of ASCII runs longer and shorter than a
    /// word, with 8-bit bytes (C1-range ones too) at every offset and at the very end, through a slice
    /// whose indices do not start at zero.
    @Test func windows1252WordsAgreeWithTheByteMapping() {
        let high: [UInt32] = [0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160,
                              0x2039, 0x152, 0x8D, 0x17D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
                              0x2014, 0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0x9D, 0x17E, 0x178]
        func byBytes(_ bytes: ArraySlice<UInt8>) -> String {
            var scalars = String.UnicodeScalarView()
            for b in bytes { scalars.append(Unicode.Scalar(b >= 0x80 && b < 0xA0 ? high[Int(b) - 0x80] : UInt32(b))!) }
            return String(scalars)
        }
        let ascii: [UInt8] = [0x00, 0x0A, 0x0D, 0x20, 0x41, 0x7A, 0x7F]
        let eightBit: [UInt8] = [0x80, 0x81, 0x8D, 0x99, 0x9F, 0xA0, 0xC3, 0xE9, 0xFF]
        var generator = SplitMix64(seed: 1_252)
        for _ in 0..<20_000 {
            var input: [UInt8] = []
            for _ in 0..<generator.below(8) {
                input += generator.bytes(ascii, count: generator.below(20))
                input += generator.bytes(eightBit, count: generator.below(3))
            }
            let padded = [0x41, 0x80] + input
            let slice = padded[2...]
            #expect(CharsetDecoder.windows1252(slice) == byBytes(slice), "\(input)")
        }
    }

    @Test func utf16WithoutBOMGuessesByteOrder() {
        #expect(CharsetDecoder.decode(bytes(hex: "00410042"), charset: "utf-16") == "AB")
        #expect(CharsetDecoder.decode(bytes(hex: "41004200"), charset: "utf-16") == "AB")
        #expect(CharsetDecoder.decode(bytes(hex: "004100"), charset: "utf-16be") == "A\u{FFFD}")
        #expect(CharsetDecoder.decode(bytes(hex: "d800"), charset: "utf-16be") == "\u{FFFD}")
    }

    @Test func invalidSequencesBecomeReplacementCharacters() {
        // Shift_JIS lead byte followed by an invalid trail byte, then a truncated lead byte.
        #expect(CharsetDecoder.decode(bytes(hex: "41ff4282"), charset: "shift_jis") == "A\u{FFFD}B\u{FFFD}")
        // ISO-2022-JP switched to JIS X 0208 and never switched back: still decoded, shift state reset after.
        #expect(CharsetDecoder.decode(bytes(hex: "1b2442254b"), charset: "iso-2022-jp") == "ニ")
        #expect(CharsetDecoder.decode(bytes(hex: "4142"), charset: "iso-2022-jp") == "AB")
        // UTF-7 with an unterminated base64 run.
        #expect(!CharsetDecoder.decode(bytes(hex: "2b4a6a6f"), charset: "utf-7").isEmpty)
    }

    /// A stateful decoder that rejects every byte after an illegal sequence is put back in its initial
    /// state. glibc's UTF-7, after a base64 run that yields a lone surrogate (`+999vMailpostmasterb`,
    /// reduced from a mutated sisimai bounce), rejected each following base64 letter one call at a time
    /// (~25 µs a call: a 420 KB part took 10 s); reset, it reads the letters as direct characters.
    @Test func stuckStatefulDecoderIsReset() {
        let input = Array("+999vMailpostmasterb".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 5000) + Array("-\r\nend".utf8)
        var output: [UInt8] = []
        let replaced = IconvPool.withConverter("UTF-7") { $0.convert(input[...], into: &output) }
        #expect(replaced != nil && replaced! <= IconvConverter.stuckAfterRejections + 4)
        let text = String(decoding: output, as: UTF8.self)
        #expect(text.contains(String(repeating: "a", count: 4900)))
        #expect(text.hasSuffix("\r\nend"))
    }

    /// An ISO-2022-JP pair cut by a line end (a two-byte run whose escape back to ASCII was lost, on an
    /// odd byte) is one U+FFFD, and the line end stays: it was skipped with the pair, so LF text joined
    /// the next line to this one where CRLF text lost only its CR (found by the `line-ends` fuzz target;
    /// `Fixtures/fuzz/line-ends/iso2022jp-pair-cut-by-line-end.eml`). A broken pair of printable bytes
    /// is still skipped whole.
    @Test(arguments: ["\n", "\r\n", "\r"]) func iso2022JPPairCutByALineEnd(ending: String) {
        let input = bytes(hex: "1b24422424") + Array("-\(ending)Nyaan\(ending)".utf8)
        #expect(CharsetDecoder.decode(input, charset: "iso-2022-jp") == "い\u{FFFD}\(ending)Nyaan\(ending)")
        #expect(CharsetDecoder.decode(bytes(hex: "1b244224242d7f2424"), charset: "iso-2022-jp") == "い\u{FFFD}い")
    }

    /// A line end that UTF-7's shifted state rejects is read again from the initial state, not
    /// skipped: glibc's UTF-7 rejects the byte after a base64 run whose bits end no character
    /// (`+0800`, a mutated `Date:` field the `line-ends` fuzz target kept), and skipping that line end
    /// joined the field to the next line, whose letters then read as base64, in LF, CRLF and CR alike
    /// but with one more U+FFFD for CRLF. The lines stay apart and read the same in every line end.
    @Test(arguments: ["\n", "\r\n", "\r"]) func rejectedLineEndIsReadAgain(ending: String) {
        let text = "Date: Thu +0800\nMIME-Version: 1.0\nx +AGEAYgBj-\n".replacingOccurrences(of: "\n", with: ending)
        var output: [UInt8] = []
        let replaced = IconvPool.withConverter("UTF-7") { $0.convert(Array(text.utf8)[...], into: &output) }
        #expect(replaced == 1)
        let expected = "Date: Thu \u{D3CD}\u{FFFD}\nMIME-Version: 1.0\nx abc\n".replacingOccurrences(of: "\n", with: ending)
        #expect(String(decoding: output, as: UTF8.self) == expected)
    }

    /// Why `IconvConverter.rereadsRejectedLineEnds` leaves ISO-2022-JP out: glibc's converter for it
    /// does not reject a line end in its two-byte state; it keeps the line end and reads the text after
    /// it on as two-byte pairs (`MIME` as two characters), so no line is joined.
    @Test(arguments: ["\n", "\r\n", "\r"]) func glibcISO2022JPKeepsALineEndInTwoByteState(ending: String) {
        let input = bytes(hex: "1b2442254b") + Array("\(ending)MIME".utf8)
        var output: [UInt8] = []
        let replaced = IconvPool.withConverter("ISO-2022-JP") { $0.convert(input[...], into: &output) }
        #expect(replaced == 0)
        #expect(String(decoding: output, as: UTF8.self) == "ニ\(ending)揺妖")
    }

    /// Past `IconvConverter.maxReplacements` illegal sequences the rest is read without iconv: ASCII
    /// as it is (so `+AGE-`, UTF-7 for "a", stays as written), any other byte U+FFFD.
    @Test func replacementsPastTheLimitEndTheConversion() {
        func decoded(invalid count: Int) -> (text: String, replaced: Int?) {
            let input = [UInt8](repeating: 0xFF, count: count) + Array("+AGE-".utf8) + [0xFF]
            var output: [UInt8] = []
            let replaced = IconvPool.withConverter("UTF-7") { $0.convert(input[...], into: &output) }
            return (String(decoding: output, as: UTF8.self), replaced)
        }
        let limit = IconvConverter.maxReplacements
        let within = decoded(invalid: limit - 1)
        #expect(within.text == String(repeating: "\u{FFFD}", count: limit - 1) + "a\u{FFFD}")
        #expect(within.replaced == limit)
        let past = decoded(invalid: limit + 40)
        #expect(past.text == String(repeating: "\u{FFFD}", count: limit + 40) + "+AGE-\u{FFFD}")
        #expect(past.replaced == limit + 41)
    }

    /// UTF-7 of direct characters alone is read as its bytes without glibc (`utf7DirectOnly`): the same
    /// text glibc's converter gives, for every ASCII byte alone and in random runs (with `+`, `\`, `~`,
    /// controls and shifted base64 among them), and for the corpus's Microsoft text.
    @Test func utf7DirectTextAgreesWithIconv() {
        func iconv(_ bytes: [UInt8]) -> String {
            var output: [UInt8] = []
            _ = IconvPool.withConverter("UTF-7") { $0.convert(bytes[...], into: &output) }
            return String(decoding: output, as: UTF8.self)
        }
        var generator = SplitMix64(seed: 7)
        var inputs: [[UInt8]] = (0..<128).map { [UInt8(ascii: "a"), UInt8($0), UInt8(ascii: "b")] }
        inputs.append(Array("This is an automatically generated Delivery Status Notification.\r\n\r\nDelivery to (x@y) failed.\n".utf8))
        let alphabet: [UInt8] = Array("ab Z09'(),-./:?!\"#$%&*;<=>@[]^_`{|}\t\r\n+\\~-AGE".utf8) + [0, 11, 12, 127]
        for _ in 0..<3000 { inputs.append(generator.bytes(alphabet, count: generator.below(24))) }
        var direct = 0
        for bytes in inputs {
            if bytes.withUnsafeBufferPointer(CharsetDecoder.utf7DirectOnly) { direct += 1 }
            #expect(Array(CharsetDecoder.decode(bytes[...], kind: .iconv("UTF-7")).utf8) == Array(iconv(bytes).utf8), "\(bytes)")
        }
        #expect(direct > 100)
    }

    /// Hostile bytes through every decoder: terminates, and output is bounded by a few bytes per input byte.
    /// Seeded, so that every run reads the same bytes (with the system generator one run in 128 drew a
    /// lone ISO-2022-JP shift code as its one-byte input: SO and SI stand for no character, so that
    /// text is rightly empty).
    @Test func hostileBytesNeverFail() {
        var generator = SplitMix64(seed: 2_022)
        let labels = ["utf-8", "us-ascii", "iso-8859-1", "iso-8859-2", "koi8-r", "iso-2022-jp", "shift_jis",
                      "euc-jp", "euc-kr", "gb2312", "big5", "utf-7", "utf-16", "utf-16le", "x-unknown", "hz-gb-2312"]
        for label in labels {
            for length in [0, 1, 2, 3, 7, 64, 4096, 70_000] {
                let input = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let text = CharsetDecoder.decode(input[...], charset: label)
                #expect(text.utf8.count <= length * 4 + 8, "\(label) \(length)")
                let onlyShiftCodes = label == "iso-2022-jp" && input.allSatisfy { $0 == 0x0E || $0 == 0x0F }
                if length > 0, !onlyShiftCodes { #expect(!text.isEmpty, "\(label) \(length)") }
            }
            let nuls = [UInt8](repeating: 0, count: 1000)
            #expect(CharsetDecoder.decode(nuls[...], charset: label).unicodeScalars.count >= 1, "\(label)")
        }
        #expect(CharsetDecoder.decode([0x0E, 0x0F][...], charset: "iso-2022-jp").isEmpty)
    }

    @Test func convertersAreSharedAcrossThreads() async {
        let input = bytes(hex: "82b182f182c982bf82cd90a28a45")
        await withTaskGroup(of: String.self) { group in
            for _ in 0..<16 { group.addTask { CharsetDecoder.decode(input, charset: "shift_jis") } }
            for await text in group { #expect(text == "こんにちは世界") }
        }
    }

    /// Every `charset=` label in sisimai's bounces is really decoded, except labels that name no charset.
    @Test(.enabled(if: Corpus.isAvailable)) func everyCorpusLabelIsSupported() throws {
        let folder = Corpus.path("sisimai/maildir/bsd")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        var labels = Set<String>()
        for file in files where file.hasSuffix(".eml") {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
            let text = String(decoding: data, as: UTF8.self).lowercased()
            var rest = text[...]
            while let r = rest.range(of: "charset=") {
                let tail = rest[r.upperBound...].drop(while: { $0 == "\"" })
                let label = tail.prefix(while: { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
                if !label.isEmpty { labels.insert(String(label)) }
                rest = rest[r.upperBound...]
            }
        }
        let notCharsets: Set<String> = ["x-unknown", "3d", "iso-", "3diso-"]
        #expect(labels.count > 10)
        for label in labels where !notCharsets.contains(label) && !label.hasPrefix("3d") {
            #expect(CharsetDecoder.isSupported(label), "\(label)")
        }
    }
}

@Test func corpusSkipNotice() {
    if !Corpus.isAvailable { print(Corpus.skipMessage) }
    #expect(Corpus.root.path.hasSuffix("corpus"))
}
