@testable import Backscatter
import MailParsing
import Testing
import TestSupport

/// The host-name facts the spam-shape evidence rests on (Evidence/HostShape.swift), on names from the
/// corpora's Received fields and edge cases of their own.
struct HostShapeTests {
    /// (reverse-DNS name, IP, looks dynamic)
    static let dynamicNames: [(String, String, Bool)] = [
        ("host154.97.172.130.dyn.brightlinkisp.com.mx", "130.172.97.154", true),  // octets in the name
        ("mail1.example.com", "80.8.136.186", false),
        ("dsl-88-12.pool.example.net", "203.0.113.9", true),           // "dsl", "pool" labels
        ("c-73-22-1-9.hsd1.il.comcast.net", "73.22.1.9", true),        // octets
        ("cpe001122.example.org", "192.0.2.1", true),                  // letters then digits: "cpe"
        ("static.example.org", "192.0.2.1", true),                     // any label before the last two
        ("static.mail.example.org", "192.0.2.1", true),
        ("mail.static.org", "192.0.2.1", false),                       // the last two labels are not read
        ("x.home.example.org", "192.0.2.1", true),
        ("res.x.example.org", "192.0.2.1", true),
        ("r.x.example.org", "192.0.2.1", false),                       // one letter: not a label of the list
        ("r9.x.example.org", "192.0.2.1", false),
        ("ip1.x.example.org", "192.0.2.1", true),                      // "ip" with digits after it
        ("IP-192-0-2-1.Example.ORG", "192.0.2.1", true),               // case, octets
        ("mx.example.org", "2001:db8::1", false),                      // IPv6: no octet test
        ("pool_7.isp.example", "2001:db8::1", true),                   // "_" separates labels
        ("пул.пример.рф", "192.0.2.1", false),                         // non-ASCII labels never match
        ("a..b.c.d", "1.2.3.4", false),
        ("1.2.x.y", "1.2.3.4", true),
        ("", "1.2.3.4", false),
    ]

    @Test(arguments: dynamicNames)
    func tellsDynamicNames(_ name: String, _ ip: String, _ dynamic: Bool) {
        #expect(HostShape.looksDynamicByArrays(name, ip: ip) == dynamic)
        if let address = IPAddress(ip) { #expect(HostShape.looksDynamic(name, address: address) == dynamic) }
    }

    /// (a name, another, the same registered domain)
    static let domainPairs: [(String, String, Bool)] = [
        ("mail.example.com", "mx.example.com", true),
        ("mail.example.com", "example.com", true),
        ("mail.example.com", "example.net", false),
        ("www.example.co.uk", "mx.example.co.uk", true),
        ("www.example.co.uk", "mx.other.co.uk", false),              // three labels when "co" <= 3 and "uk" is two letters
        ("a.bb.cc", "x.bb.cc", false),                               // bb <= 3, cc two letters: three labels kept
        ("a.bbbb.cc", "x.bbbb.cc", true),
        ("Mail.Example.COM", "mx.example.com", true),                // case
        ("example.com.", "mx.example.com", true),                    // empty labels are dropped
        ("a..example.com", "example.com", true),
        ("localhost", "localhost", true),
        ("localhost", "LOCALHOST", true),
        ("", "", true),
        ("", "example.com", false),
        ("почта.пример.рф", "mx.пример.рф", true),
        ("x.пр.рф", "y.пр.рф", false),                               // labels counted in Characters
        ("[192.0.2.1]", "mx.example.com", false),
    ]

    @Test(arguments: domainPairs)
    func comparesRegisteredDomains(_ a: String, _ b: String, _ same: Bool) {
        #expect(HostShape.sameRegisteredDomain(a, b) == same)
        #expect(HostShape.sameRegisteredDomain(b, a) == same)
        #expect((HostShape.registeredDomain(a) == HostShape.registeredDomain(b)) == same)
    }

    @Test func registeredDomainKeepsTwoOrThreeLabels() {
        #expect(HostShape.registeredDomain("Mail.Example.COM") == "example.com")
        #expect(HostShape.registeredDomain("www.example.co.uk") == "example.co.uk")
        #expect(HostShape.registeredDomain("a..example.com.") == "example.com")
        #expect(HostShape.registeredDomain("localhost") == "localhost")
        #expect(HostShape.registeredDomain("") == "")
    }

    /// Names, addresses and subjects made of the pieces that move the host-name tests: labels of the
    /// dynamic list, digits, separators, cases, non-ASCII letters, combining marks, CR LF.
    static func randomText(_ generator: inout SplitMix64, pieces: [String], upTo count: Int) -> String {
        (0..<Int.random(in: 0...count, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
    }

    static let namePieces = [".", ".", "-", "_", "192", "0", "2", "1", "10", "dsl", "Pool", "DYN", "ip", "static", "mail",
                             "example", "com", "co", "uk", "a", "bb", "x9", "пул", "é", "e\u{301}", "\r\n", "[", "]", ":"]

    /// `looksDynamic(_:address:)` (one pass over the name, the octets read from the address) is the
    /// definition on arrays of the address's text, over many made-up names and IPv4 and IPv6 addresses:
    /// octets written with leading zeros, too long or too large among the names' pieces.
    @Test func looksDynamicOfAnAddressAsOnArrays() {
        var generator = SplitMix64(seed: 1_335)
        let pieces = Self.namePieces + ["00", "010", "255", "256", "1000", "99", "7", "07", "2550"]
        let values: [UInt32] = [0, 1, 2, 7, 10, 99, 192, 255]
        let v6 = ["2001:db8::1", "::1", "fe80::1:2:3:4"].compactMap { IPAddress($0) }
        for _ in 0..<4_000 {
            let name = Self.randomText(&generator, pieces: pieces, upTo: 14)
            let quad = (0..<4).reduce(UInt32(0)) { value, _ in value << 8 | values[generator.below(values.count)] }
            for address in [IPAddress(ipv4: quad), v6[generator.below(v6.count)]] {
                #expect(HostShape.looksDynamic(name, address: address) == HostShape.looksDynamicByArrays(name, ip: address.description),
                        "\(name.debugDescription) \(address)")
            }
        }
        for (name, ip, dynamic) in Self.dynamicNames {
            if let address = IPAddress(ip) { #expect(HostShape.looksDynamic(name, address: address) == dynamic, "\(name.debugDescription)") }
        }
    }

    /// The byte reading of `sameRegisteredDomain` is the String one, over many made-up pairs.
    @Test func sameRegisteredDomainAsByStrings() {
        var generator = SplitMix64(seed: 1_307)
        for _ in 0..<3_000 {
            let a = Self.randomText(&generator, pieces: Self.namePieces, upTo: 8)
            let b = Bool.random(using: &generator) ? Self.randomText(&generator, pieces: Self.namePieces, upTo: 8)
                : Self.randomText(&generator, pieces: Self.namePieces, upTo: 3) + a.uppercased()
            #expect(HostShape.sameRegisteredDomain(a, b) == HostShape.sameRegisteredDomainByStrings(a, b), "\(a.debugDescription) \(b.debugDescription)")
        }
        // Every name of up to three labels from short and two-letter ones (`co.uk`, `com.br`), against
        // itself under another label, in capitals, and against a name of one label more.
        let labels = ["x", "yy", "com", "co", "uk", "br", "ü", ""]
        var names = labels
        for a in labels { for b in labels { names.append(a + "." + b); for c in labels { names.append(a + "." + b + "." + c) } } }
        for name in names {
            for other in ["q." + name, "Q" + name, name.uppercased(), "q.x." + name, names.randomElement(using: &generator)!] {
                #expect(HostShape.sameRegisteredDomain(name, other) == HostShape.sameRegisteredDomainByStrings(name, other), "\(name) \(other)")
            }
        }
    }

    /// The byte reading of `isBare` (a name with a dot parsed as an address) is the String
    /// one, on fixed names and many made-up ones of the pieces addresses and names are made of.
    @Test func bareHeloAsByStrings() {
        let fixed = ["[192.0.2.1]", "192.0.2.1", " 192.0.2.1 ", "192.0.2.1 x", "mail.example.com", "localhost", "",
                     "2001:db8::1", "::ffff:192.0.2.1", "IPv6:2001:db8::1", "ipv6:::1", " [192.0.2.1]", "cafe.be", "abc.de",
                     "fe80::1%eth0.x", "1.2.3.4%x", "1.2.3", "1.2.3.4.5", "a.b", ".", " .", "\t1.2.3.4", "é.example",
                     "e\u{301}.x", "0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3.4]", "[1.2.3.4]:25"]
        for name in fixed {
            #expect(HostShape.isBare(name) == HostShape.isBareByStrings(name), "\(name.debugDescription)")
        }
        var generator = SplitMix64(seed: 1_321)
        let pieces = [".", ".", ":", "::", "%", "[", "]", " ", "\t", "1", "2", "10", "192", "255", "256", "0", "a", "f", "F", "g",
                      "db8", "ipv6:", "IPv6:", "mail", "example", "com", "eth0", "é", "e\u{301}", "x"]
        for _ in 0..<5_000 {
            let name = Self.randomText(&generator, pieces: pieces, upTo: 10)
            #expect(HostShape.isBare(name) == HostShape.isBareByStrings(name), "\(name.debugDescription)")
        }
    }

    /// The byte reading of `isShouting` is the scalar one, over many made-up subjects.
    @Test func shoutingAsByScalars() {
        var generator = SplitMix64(seed: 1_319)
        let pieces = ["A", "B", "z", "q", " ", "!", "$", "FREE", "free", "Ü", "ü", "1", "?", "\r\n", "ΑΒΓ", "配信", "カナ", "한글", "Ｆｒｅｅ"]
        for _ in 0..<3_000 {
            let subject = Self.randomText(&generator, pieces: pieces, upTo: 14)
            #expect(HostShape.isShouting(subject) == HostShape.isShoutingByScalars(subject), "\(subject.debugDescription)")
        }
    }

    /// The blocks `isShouting` passes over as caseless have no upper- or lower-case scalar.
    @Test func caselessBlocksHaveNoCase() {
        for v in UInt32(0x3000)...0xD7A3 where HostShape.isCaseless(v) {
            guard let scalar = Unicode.Scalar(v) else { continue }
            #expect(!scalar.properties.isUppercase && !scalar.properties.isLowercase, "U+\(String(v, radix: 16))")
        }
        #expect(!HostShape.isCaseless(0x2FFF) && !HostShape.isCaseless(0x3100) && !HostShape.isCaseless(0xD7A4))
    }

    /// The link count over contiguous bytes is the element-by-element state machine's, on random text
    /// made of the pieces that move it (and a fixed case or two).
    @Test func linkCountOnBytesIsTheElementWiseOne() {
        #expect(HostShape.countLinks(Array("see http://a and HTTPS://b, httpss:// and hthttp: ftp://".utf8)) == 4)
        let pieces = ["h", "H", "t", "T", "p", "P", "s", "S", ":", "/", " ", "x", "http", "https:", "\u{E9}", "hhttp:",
                      " plain words, no link "]
        var generator = SplitMix64(seed: 601)  // seeded: every run reads the same inputs
        for _ in 0..<3_000 {
            let count = Int.random(in: 0...30, using: &generator)
            let text = Array((0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined().utf8)
            #expect(HostShape.countLinks(text) == HostShape.countLinksByElement(text), "\(String(decoding: text, as: UTF8.self))")
        }
    }

    /// The same over long runs without an `h` between the pieces, so that the sixteen- and eight-byte
    /// steps pass over them and stop with a piece at every offset of a block (and at the end of the
    /// text, a link cut anywhere).
    @Test func linkCountOverLongRunsIsTheElementWiseOne() {
        let pieces = ["h", "H", "t", "T", "p", "P", "s", "S", ":", "http", "HTTPS:", "http:", "\u{E9}", "hhttp:", "g", "("]
        var generator = SplitMix64(seed: 602)
        for _ in 0..<3_000 {
            var text: [UInt8] = []
            for _ in 0..<Int.random(in: 0...8, using: &generator) {
                // "H" is 0x48, "h" 0x68: the filler holds bytes next to both ("G", "I", "g", "i"), 8-bit too.
                let run = Int.random(in: 0...40, using: &generator)
                text += (0..<run).map { _ in [UInt8(ascii: "G"), UInt8(ascii: "i"), UInt8(ascii: " "), 0xC8, 0xE8, UInt8(ascii: "x")]
                    .randomElement(using: &generator)! }
                text += Array(pieces.randomElement(using: &generator)!.utf8)
            }
            #expect(HostShape.countLinks(text) == HostShape.countLinksByElement(text), "\(text)")
            // And from every start, so that the blocks fall at every offset.
            for start in 0..<min(text.count, 17) {
                let tail = Array(text[start...])
                #expect(HostShape.countLinks(tail) == HostShape.countLinksByElement(tail), "\(tail)")
            }
        }
    }
}

/// `Fingerprint.letters`, read on bytes for ASCII text: the definition on scalars (alphabetic scalars,
/// ASCII lower-cased, the last `last` of them, nil under 8).
@Suite struct FingerprintLettersTests {
    static func byScalars(_ text: String, last: Int) -> String? {
        let kept = text.unicodeScalars.filter { $0.properties.isAlphabetic }
            .map { $0.isASCII ? Unicode.Scalar(UInt8($0.value) | 0x20) : $0 }
        guard kept.count >= 8 else { return nil }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: kept.suffix(last))
        return String(out)
    }

    @Test(arguments: ["", "Re: hi", "Undelivered Mail Returned to Sender", "Out of Office: Cheap meds online - 80% off",
                      "12345678 abc", "AbCdEfGh", "Ünzustellbar: Ihre Nachricht an Jürgen", "配信できませんでした: 重要なお知らせ",
                      "Доставка не удалась сообщение", "Café – été à Paris!!", String(repeating: "abc ", count: 40)])
    func lettersAsOnScalars(text: String) {
        for last in [8, 60] {
            #expect(Fingerprint.letters(text, last: last) == Self.byScalars(text, last: last), "\(text) / \(last)")
        }
    }
}

/// `Fingerprint.letters`, read on the UTF-8 bytes of any text, is its definition on scalars, over many
/// made-up texts: letters of 1 to 4 bytes (Latin, Cyrillic, CJK, a letter beyond the BMP), marks and
/// symbols that are not letters (a combining accent, `ª`-like letters, an emoji, digits), line ends, and
/// every `last` from 0 up (the cut between the bytes of a letter shows).
@Suite struct FingerprintLettersAgreementTests {
    static let pieces = ["a", "B", "z", "Z", "1", " ", ":", "é", "Ü", "\u{301}", "ª", "Ж", "я", "配", "信", "ー", "😀",
                         "\u{1D400}", "\u{10400}", "\r\n", "\t", "€", "ß", "ǅ", "Ⅻ", "\u{0}", "\u{7F}"]

    @Test func lettersAsOnScalars() {
        var generator = SplitMix64(seed: 1_801)
        for _ in 0..<3_000 {
            let text = HostShapeTests.randomText(&generator, pieces: Self.pieces, upTo: 30)
            for last in [0, 1, 2, 7, 8, 9, 60] {
                #expect(Fingerprint.letters(text, last: last) == Fingerprint.lettersByScalars(text, last: last),
                        "\(text.debugDescription) / \(last)")
            }
        }
    }
}

/// `Fingerprint.subjectKey`, read on bytes for ASCII subjects: the key the Character-based reading
/// gives (markers of 1-4 letters before a colon in the first five Characters dropped, then the letters).
@Suite struct FingerprintSubjectKeyTests {
    @Test(arguments: ["", "Re: hi there", "RE: Fwd: AW: [SPAM]: Cheap meds", "  re :x", "Re:Re:Re:abc", "Fwd:", "a:b:c:def",
                      "Re: \r\nfolded subject", "ab12: not a marker", "[ext]: marker", "Tr: Ünzustellbar", "x\ty: z", "Undelivered Mail"])
    func keyAsByCharacters(subject: String) {
        #expect(Fingerprint.subjectKey(subject) == Fingerprint.subjectKeyByCharacters(subject), "\(subject.debugDescription)")
    }

    /// The key of any subject is the one read by Characters with the scalars' own property, over many
    /// made-up subjects: markers, letters of 1 to 4 bytes from the blocks `knownAlphabetic` knows and
    /// from others, punctuation of those blocks, line ends.
    @Test func keyAsByCharactersOverMadeUpSubjects() {
        var generator = SplitMix64(seed: 1_907)
        let pieces = FingerprintLettersAgreementTests.pieces + ["Re:", "AW: ", "[ext]:", "Ünz:", "配信:", "、", "。", "「", "ー", "・",
                                                                "ｶﾅ", "Ａ", "！", "한", "Ω", "–", "…", "×", "ÿ", "ǂ", "\u{2C2}"]
        for _ in 0..<3_000 {
            let subject = HostShapeTests.randomText(&generator, pieces: pieces, upTo: 16)
            #expect(Fingerprint.subjectKey(subject) == Fingerprint.subjectKeyByCharacters(subject), "\(subject.debugDescription)")
        }
    }

    /// `knownAlphabetic` answers as the scalar's property does, for every scalar it answers for.
    @Test func knownAlphabeticIsTheProperty() {
        var answered = 0
        for v in UInt32(0x80)...UInt32(0x10FFFF) {
            guard let scalar = Unicode.Scalar(v), let known = Fingerprint.knownAlphabetic(v) else { continue }
            answered += 1
            if known != scalar.properties.isAlphabetic { Issue.record("U+\(String(v, radix: 16))"); break }
        }
        #expect(answered > 40_000)
    }
}

/// The Message-ID readings of `ObservationReader` on bytes: the shape (`idShape`) and the odd-domain
/// test are their definitions on arrays and on the UTF-8 view, over many made-up ids.
@Suite struct MessageIDShapeTests {
    static let pieces = ["@", "@", ".", "-", "_", "$", "[", "]", "1234", "20260105", "ABC", "abc", "aB3", "Xy", "mx-out1",
                         "Acme", "EXAMPLE", "com", "é", "ü1", "\u{301}", String(repeating: "a.", count: 30)]

    @Test func shapeAndDomainAsDefined() {
        var generator = SplitMix64(seed: 1_321)
        for _ in 0..<4_000 {
            let id = HostShapeTests.randomText(&generator, pieces: Self.pieces, upTo: 12)
            #expect(ObservationReader.idShape(id) == ObservationReader.idShapeByArrays(id), "\(id.debugDescription)")
            #expect(Array(ObservationReader.idShape(id).utf8) == Array(ObservationReader.idShapeByArrays(id).utf8))
            #expect(ObservationReader.hasOddDomain(messageID: id) == ObservationReader.hasOddDomainByView(messageID: id), "\(id.debugDescription)")
        }
        #expect(ObservationReader.idShape("20260105032415.4009812558@MX-out1.acme.example") == "9.9@mx-out1.acme.example")
        #expect(ObservationReader.hasOddDomain(messageID: "abc@[192.0.2.1]"))
        #expect(!ObservationReader.hasOddDomain(messageID: "abc@example.com@@"))
    }

    /// `writeIDShape` writes an ASCII id's `idShape`, its domain (after the last `@`, as inference's
    /// `String.lowercased()` of it made it) starting where it says, nil without an `@`.
    @Test func writtenShapeAndDomainAsMade() {
        var generator = SplitMix64(seed: 3_517)
        var checked = 0
        for n in 0..<4_000 {
            var id = HostShapeTests.randomText(&generator, pieces: Self.pieces, upTo: 12)
            if n == 0 { id = "abc@" }
            let expectedDomain = id.after(lastASCII: ASCII.at).map { String($0).lowercased() }
            let shape = ObservationReader.idShape(id)
            let written: (shape: [UInt8], domain: [UInt8]?)? = id.withUTF8 { bytes in
                guard ASCII.isASCII(bytes) else { return nil }
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ObservationReader.idShapeCapacity(bytes.count)) { out in
                    let (count, domainStart) = ObservationReader.writeIDShape(asciiBytes: bytes, into: out)
                    return (Array(out[..<count]), domainStart.map { Array(out[$0..<count]) })
                }
            }
            guard let written else { continue }
            checked += 1
            #expect(written.shape == Array(shape.utf8), "\(id.debugDescription)")
            #expect(written.domain == expectedDomain.map { Array($0.utf8) }, "\(id.debugDescription)")
        }
        #expect(checked > 1_000)
    }

    /// `unbracketedIDFacts` reads what `withoutBrackets` and `hasOddDomain` do one after another,
    /// brackets or not.
    @Test func factsInOneReadingAsSeparately() {
        var generator = SplitMix64(seed: 2_817)
        for n in 0..<4_000 {
            let id = HostShapeTests.randomText(&generator, pieces: Self.pieces, upTo: 12)
            let bracketed = n % 7 == 0 ? id : "<" + id + ">"
            let inner = ObservationReader.withoutBrackets(bracketed)
            let (taken, oddDomain) = ObservationReader.unbracketedIDFacts(bracketed)
            #expect(Array(taken.utf8) == Array(inner.utf8), "\(bracketed.debugDescription)")
            #expect(oddDomain == ObservationReader.hasOddDomain(messageID: inner), "\(bracketed.debugDescription)")
            #expect(ObservationReader.hasOddDomain(bracketed: bracketed) == oddDomain, "\(bracketed.debugDescription)")
        }
        #expect(ObservationReader.unbracketedIDFacts("").id == "")
        #expect(ObservationReader.unbracketedIDFacts("<a@b.c>") == ("a@b.c", false))
    }
}
