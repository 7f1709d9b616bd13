import Testing
@testable import MailParsing
import TestSupport

/// Unstructured header values and their display text. The first rows are real Subject and display-name
/// values from ../shared/corpus (sisimai and backscatter-dev), expected text from CPython's email.header.
let encodedWordTable: [(input: String, expected: String)] = [
    (#"RE: =?GB2312?Q?=D7=B0=D3=B2=B5=FA=CE=CA=CC=E2?="#, "RE: 装硬碟问题"),
    (#"=?iso-2022-jp?B?VW5kZWxpdmVyYWJsZTogGyRCJUslYyE8JXMbKEI=?="#, "Undeliverable: ニャーン"),
    (#"[TEST] =?ISO-2022-JP?B?GyRCJWYhPCU2ITxFUE8/GyhC?="#, "[TEST] ユーザー登録"),
    (#"=?UTF-16?B?//492Enc?="#, "👉"),
    (#"=?ISO-8859-4?Q?Kashiharajing=FE-mae?="#, "Kashiharajingū-mae"),
    (#"=?iso-8859-1*sv?Q?D=F6rte_=C5._S=F6rensen=2C_Jr.?="#, "Dörte Å. Sörensen, Jr."),
    (#"=?windows-1251?B?zeDx7vH7?="#, "Насосы"),
    (#"=?windows-1251?B?wPLo6u7iYQ==?="#, "Атиковa"),
    (#"=?EUC-KR?Q?NOTE:_=C7=D1=B1=B9=B8=BB=B7=CE_=C7=CF=B4=C2_=B0=CD?="#, "NOTE: 한국말로 하는 것"),
    (#"=?koi8-r?B?89DJ08/LLmRvYw==?="#, "Список.doc"),
    (#"=?Windows-1252?B?Rm9ybWHn428gRnJlbmV0aWtwb2xpcw==?="#, "Formação Frenetikpolis"),
    (#"=?iso-8859-15?Q?Delivery_Status_Notification_=28Failure=29?="#, "Delivery Status Notification (Failure)"),
    (#"=?UTF-8?B?0JLQsNGI0LUg0YHQvtC+0LHRidC10L3QuNC1INC90LUg0LTQvtGB0YLQsNCy0LvQtdC90L4=?=. Mail failure."#, "Ваше сообщение не доставлено. Mail failure."),
    (#"=?utf-8?Q?test_for_bounce=28=F0=9F=90=88=F0=9F=90=88=29?="#, "test for bounce(🐈🐈)"),
    (#"=?utf-8?b?VW5kZWxpdmVyYWJsZTogUkU6IOijheehrOein+mXrumimA==?="#, "Undeliverable: RE: 装硬碟问题"),
    // sisimai: a multibyte character (U+017E, C5 BE) split across two Q words with RFC 2231 language tags.
    (#"Auto reply: =?iso-8859-2*sl?Q?Doma=e8e?= =?utf-8*sl?Q?_omre=C5?= =?Utf-8*SL?q?=BEje?="#,
     "Auto reply: Domače omrežje"),
    (#"=?US-ASCII*EN?Q?pr?="#, "pr"),
    // sisimai lhost-postfix-09: labelled ISO-2022-JP, really Shift_JIS (CPython's decode_header gives mojibake).
    (#"=?ISO-2022-JP?B?gaGL2Yt9kmyJuoKwgUmBSYGhiWaJ5oFFg0GDaoOBgUWDWIN8gVuDY4FFibmKeYH0jouSrpe/lrOXv4LFjKmV+pHogaE=?="#,
     "■緊急値下げ！！■映画・アニメ・スポーツ・音楽♪視聴料無料で見放題■"),
    // backscatter-dev: an encoded word next to raw UTF-8 (RFC 6532) text.
    (#"=?ISO-8859-1?Q?Maril=F9?= Gioffré ♥ <Marilù.Gioffré@esempio-università.it>"#,
     "Marilù Gioffré ♥ <Marilù.Gioffré@esempio-università.it>"),
    (#"=?NONE?B?VEVTVA=?="#, "TEST"),                        // sisimai: unknown charset, short padding
    // RFC 2047 §8 examples.
    (#"(=?ISO-8859-1?Q?a?=)"#, "(a)"),
    (#"(=?ISO-8859-1?Q?a?= b)"#, "(a b)"),
    (#"(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"#, "(ab)"),
    (#"(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)"#, "(ab)"),
    ("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)"),
    (#"(=?ISO-8859-1?Q?a_b?=)"#, "(a b)"),
    (#"(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)"#, "(a b)"),
    (#"=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>"#, "Keith Moore <moore@cs.utk.edu>"),
    // Broken forms seen in spam.
    (#"=?utf-8?b?w6k=?="#, "é"),                              // lower-case b
    (#"=?utf-8?B?w6k?="#, "é"),                               // missing padding
    (#"=?utf-8?B?w6k===?="#, "é"),                            // too much padding
    (#"=?utf-8?B?w6k= w6k=?="#, "é w6k=?="),                  // a space inside B text ends the word
    (#"=?utf-8?B?w6k"#, "é"),                                 // missing ?=
    (#"=?utf-8?Q?caf=C3=A9 and more"#, "café and more"),      // missing ?=, text after the space is plain
    (#"=?utf-8?Q?hello world?="#, "hello world"),             // literal space inside Q text
    (#"foo=?utf-8?Q?=C3=A9?=bar"#, "fooébar"),                // glued to other text
    (#""=?utf-8?Q?Jos=C3=A9?=" <j@example.com>"#, #""José" <j@example.com>"#),  // inside a quoted string
    (#"=?utf-8?B?4pyI?= =?utf-8?B?77iP?="#, "✈️"),
    (#"=?utf-8?B?4p?= =?utf-8?B?yI?="#, "\u{FFFD}\u{FFFD}"), // each B word is its own base64 unit
    (#"=?utf-8?Q?=E2=9C?= =?UTF-8?Q?=88?="#, "✈"),           // split multibyte character, Q
    (#"=?gb2312?B?1tA=?==?gb2312?B?zsQ=?="#, "中文"),          // adjacent without space, split bytes
    (#"=?utf-8?Q?a?= b =?utf-8?Q?c?="#, "a b c"),
    (#"=?utf-8?X?abc?="#, "=?utf-8?X?abc?="),                 // unknown encoding: left as is
    (#"=??Q?abc?="#, "=??Q?abc?="),                           // empty charset
    (#"=?utf-8?Q?=ZZ=4?="#, "=ZZ=4"),                         // bad hex kept
    (#"=?x-no-such?Q?caf=E9?="#, "café"),                     // unknown charset: UTF-8 else Latin-1
    ("Grüße", "Grüße"),                                       // raw UTF-8
    ("Gr\u{FC}\u{DF}e", "Grüße"),
    ("", ""),
    ("   ", "   "),
    ("=?", "=?"),
    ("=?=?=?", "=?=?=?"),
    ("?=?=", "?=?="),
]

@Suite struct EncodedWordsTests {
    @Test(arguments: encodedWordTable.indices)
    func decodes(_ index: Int) {
        let row = encodedWordTable[index]
        #expect(EncodedWords.decode(Array(row.input.utf8)[...]) == row.expected, "\(row.input)")
    }

    @Test func rawLatin1BytesAreDecodedAsLatin1() {
        let input: [UInt8] = [0x47, 0x72, 0xFC, 0xDF, 0x65]  // "Grüße" in ISO-8859-1
        #expect(EncodedWords.decode(input[...]) == "Grüße")
    }

    @Test func hostileInputTerminatesWithBoundedOutput() {
        let pieces = ["=?", "?=", "=?utf-8?q?", "=?utf-8?b?", "=", "?", " ", "\u{0}", "_", "=C3", "A", "\r\n"]
        var generator = SplitMix64(seed: 401)  // seeded: every run reads the same inputs
        for _ in 0..<200 {
            var input = [UInt8]()
            for _ in 0..<Int.random(in: 0...200, using: &generator) {
                input += Array(pieces[Int.random(in: 0..<pieces.count, using: &generator)].utf8)
            }
            let text = EncodedWords.decode(input[...])
            #expect(text.utf8.count <= input.count * 3 + 8)
        }
        let huge = Array(String(repeating: "=?utf-8?q?", count: 20_000).utf8) + [UInt8](repeating: 0x41, count: 100_000)
        #expect(EncodedWords.decode(huge[...]).utf8.count <= huge.count * 3)
        let many = Array(String(repeating: "=?utf-8?B?w6k=?= ", count: 20_000).utf8)
        let decoded = EncodedWords.decode(many[...])
        #expect(decoded.count == 20_001 && decoded.hasPrefix("éééé") && decoded.hasSuffix("é "))
    }
}
