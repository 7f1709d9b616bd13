import Testing
@testable import DeliveryStatus
import TestSupport

/// The host names the provider rules read in a report's Received values: the dotted word after each
/// `from` or `by` (lower-case keywords), words split at blanks, parentheses, `;` and brackets.
/// `ReceivedHostWords.forEachHost` finds them from the `m`s and `y`s; `everyWordWalk`, the plain
/// statement of the rule, walks every word.
@Suite struct ReceivedHostWordsTests {
    /// The rule walked word by word: each word after a word that is exactly `from` or `by`, when it
    /// holds a dot.
    static func everyWordWalk(in value: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let separators: Set<UInt8> = [0x09, 0x0A, 0x0D, 0x20, 0x28, 0x29, 0x3B, 0x5B, 0x5D]   // \t \n \r space ( ) ; [ ]
        var afterFromOrBy = false
        var k = 0
        while k < value.count {
            while k < value.count, separators.contains(value[k]) { k += 1 }
            guard k < value.count else { break }
            let start = k
            while k < value.count, !separators.contains(value[k]) { k += 1 }
            let word = UnsafeBufferPointer(rebasing: value[start..<k])
            if afterFromOrBy && word.contains(UInt8(ascii: ".")) { body(word) }
            afterFromOrBy = word.elementsEqual("from".utf8) || word.elementsEqual("by".utf8)
        }
    }

    /// The host words of `bytes` by `find`, as Strings.
    static func words(_ bytes: [UInt8],
                      _ find: (UnsafeBufferPointer<UInt8>, (UnsafeBufferPointer<UInt8>) -> Void) -> Void) -> [String] {
        var found: [String] = []
        bytes.withUnsafeBufferPointer { buffer in find(buffer) { found.append(String(decoding: $0, as: UTF8.self)) } }
        return found
    }

    @Test(arguments: [
        ("from mx.example.org (mx.example.org [192.0.2.1]) by mail.example.net (Postfix) with ESMTP id 1; Tue",
         ["mx.example.org", "mail.example.net"]),
        ("from localhost by x with y", []),
        ("from [192.0.2.1] by a.b", ["192.0.2.1", "a.b"]),
        ("From A.B by(c.d)", ["c.d"]),
        ("by\r\n\tsmtp.qq.com;from\tm\u{E9}.example.jp", ["smtp.qq.com", "m\u{E9}.example.jp"]),
        ("from from a.b", ["a.b"]),
        ("xfrom a.b fromy c.d by.e f.g nearby h.i by", []),
        ("by a.b", ["a.b"]),
        ("", []),
    ])
    func examples(value: String, expected: [String]) {
        #expect(Self.words(Array(value.utf8), ReceivedHostWords.forEachHost) == expected, "\(value.debugDescription)")
        #expect(Self.words(Array(value.utf8), Self.everyWordWalk) == expected, "\(value.debugDescription)")
    }

    /// Random values of the words and separators that matter, at every length around a 16-byte block.
    @Test func sameAsEveryWordWalk() {
        var generator = SplitMix64(seed: 24)
        let pieces: [[UInt8]] = ["from", "by", "fro", "b", "y", "m", "a.b", ".", "x", "from.c", "é.d", " ", "\t", "\n",
                                 "\r", "(", ")", ";", "[", "]", "  "].map { Array($0.utf8) }
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<generator.below(40) { bytes += pieces[generator.below(pieces.count)] }
            #expect(Self.words(bytes, ReceivedHostWords.forEachHost) == Self.words(bytes, Self.everyWordWalk),
                    "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
    }

    /// Whether a host word of `value` (`everyWordWalk`) names `RemoteHostRules.providers[i]`, each
    /// word matched to every provider.
    static func namesByWalk(_ i: Int, in value: [UInt8]) -> Bool {
        var named: UInt64 = 0
        value.withUnsafeBufferPointer { buffer in
            everyWordWalk(in: buffer) { named |= RemoteHostRules.providersNamed(byHostBytes: $0) }
        }
        return named & (1 << UInt64(i)) != 0
    }

    /// The suffixes `hasHost(endingWith:in:)` is given: lower-case ASCII of two bytes or more, each
    /// with a dot and no separator.
    @Test func suffixesAreLowercaseDottedWords() {
        for p in RemoteHostRules.providers {
            for suffix in p.hostSuffixes {
                let bytes = Array(suffix.utf8)
                #expect(bytes.count >= 2 && bytes.contains(UInt8(ascii: ".")), "\(suffix)")
                #expect(bytes.allSatisfy { $0 < 0x80 && !(0x41...0x5A).contains($0) && !ReceivedHostWords.isSeparator($0) }, "\(suffix)")
            }
        }
        #expect(RemoteHostRules.suffixesOfProvider.count == RemoteHostRules.providers.count)
        for (i, p) in RemoteHostRules.providers.enumerated() {
            let suffixes = RemoteHostRules.suffixesOfProvider[i].map { k in
                let range = RemoteHostRules.suffixRanges[k]
                #expect(range.provider == i)
                return String(decoding: RemoteHostRules.suffixBytes[range.start..<(range.start + range.count)], as: UTF8.self)
            }
            #expect(suffixes == p.hostSuffixes)
        }
    }

    /// `hasHost(namingProvider:in:)` gives the answer of every host word matched to every provider:
    /// random values of keywords, separators, host names with each provider's suffixes (in either
    /// case, cut short, with a byte more) and characters whose lower case is ASCII, at lengths around
    /// the sixteen-byte blocks and the suffixes' lengths.
    @Test func namingProviderIsEveryWordMatched() {
        var generator = SplitMix64(seed: 32)
        var pieces: [[UInt8]] = ["from", "by", "From", "BY", "fro", "b", "y", "m", "a.b", ".", "x", "é", "\u{212A}", "\u{0130}",
                                 " ", "\t", "\n", "\r", "(", ")", ";", "[", "]", "  ", "-", "mx", "smtp.example.com "].map { Array($0.utf8) }
        for p in RemoteHostRules.providers {
            for suffix in p.hostSuffixes {
                pieces += [suffix, suffix.uppercased(), "mx" + suffix, String(suffix.dropFirst()), String(suffix.dropLast()),
                           suffix + "x", "from mx" + suffix, "by " + suffix.uppercased() + " "].map { Array($0.utf8) }
            }
        }
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<generator.below(24) { bytes += pieces[generator.below(pieces.count)] }
            for i in RemoteHostRules.providers.indices {
                let found = bytes.withUnsafeBufferPointer { ReceivedHostWords.hasHost(namingProvider: i, in: $0) }
                #expect(found == Self.namesByWalk(i, in: bytes), "\(i) \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
        }
    }

    @Test(arguments: [
        ("from mx.example.org by lsean.ezweb.ne.jp (x)", "KDDI", true),
        ("from mx.example.org by LSEAN.EZWEB.NE.JP", "KDDI", true),
        ("from mx.example.org byx lsean.ezweb.ne.jp", "KDDI", false),
        ("from mx.example.org with lsean.ezweb.ne.jp", "KDDI", false),
        ("from a.ezweb.ne.jpx by b", "KDDI", false),
        ("by\tmx1.qq.com", "Tencent", true),
        ("(from mx1.qq.com)", "Tencent", true),
        ("from mx1.qq.co", "Tencent", false),
        ("from                     x.y by                                                   mx1.qq.com", "Tencent", true),
        ("bymx1.qq.com", "Tencent", false),
    ])
    func namingProviderExamples(value: String, provider: String, expected: Bool) throws {
        let i = try #require(RemoteHostRules.providers.firstIndex { $0.name == provider })
        let bytes = Array(value.utf8)
        #expect(bytes.withUnsafeBufferPointer { ReceivedHostWords.hasHost(namingProvider: i, in: $0) } == expected)
        #expect(Self.namesByWalk(i, in: bytes) == expected)
    }
}
