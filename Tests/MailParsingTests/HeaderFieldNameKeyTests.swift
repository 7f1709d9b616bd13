import Testing
import TestSupport
@testable import MailParsing

/// `HeaderField.nameKey`: the word each lookup by name compares first. Every answer is checked against
/// the byte-by-byte comparison the lookups made before the key (`ASCII.lowercased` of each name byte
/// equal to the byte sought, same count).
@Suite struct HeaderFieldNameKeyTests {
    /// The comparison without the key.
    static func bytewiseHasName(_ name: [UInt8], _ expected: [UInt8]) -> Bool {
        name.count == expected.count && zip(name, expected).allSatisfy { ASCII.lowercased($0) == $1 }
    }

    /// The key as the definition says: the first eight bytes, zero after the name's end, little-endian.
    static func bytewiseKey(_ bytes: [UInt8], lowercasing: Bool) -> UInt64 {
        var word: UInt64 = 0
        for (i, byte) in bytes.prefix(8).enumerated() {
            word |= UInt64(lowercasing ? ASCII.lowercased(byte) : byte) << UInt64(8 * i)
        }
        return word
    }

    @Test func keysAgreeWithTheDefinitionForEveryLengthAndByte() {
        var generator = SplitMix64(seed: 11)
        var names: [[UInt8]] = [[], Array("To".utf8), Array("Received".utf8), Array("CONTENT-TYPE".utf8)]
        // Every byte value at every place of names of 1 to 10 bytes (the loads of 1-3, 4-7 and 8+ bytes).
        for length in 1...10 {
            for place in 0..<length {
                for byte in 0...255 {
                    var name = generator.bytes(Array("aZ-x".utf8), count: length)
                    name[place] = UInt8(byte)
                    names.append(name)
                }
            }
        }
        for name in names {
            let lowered = name.withUnsafeBufferPointer { HeaderField.nameKey(lowercasing: $0) }
            let raw = name.withUnsafeBufferPointer { HeaderField.nameKey($0) }
            #expect(lowered == Self.bytewiseKey(name, lowercasing: true), "\(name)")
            #expect(raw == Self.bytewiseKey(name, lowercasing: false), "\(name)")
            // A slice that does not start at the array's start, and bytes after it that are not read.
            let padded = [0x41, 0x41] + name + [0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42]
            let field = HeaderField(name: padded[2..<(2 + name.count)], rawValue: [], offset: 0, isFolded: false)
            #expect(field.nameKey == Self.bytewiseKey(name, lowercasing: true), "\(name)")
        }
    }

    @Test func hasNameAgreesWithTheBytewiseComparison() {
        var generator = SplitMix64(seed: 12)
        let alphabet = Array("aAbB-:xX\u{0}".utf8) + [0xC1, 0xE1, 0x80]
        var pairs: [([UInt8], [UInt8])] = [
            (Array("Content-Type".utf8), Array("content-type".utf8)),
            (Array("Content-Type".utf8), Array("content-typf".utf8)),
            (Array("Content-Transfer-Encoding".utf8), Array("content-type".utf8)),
            (Array("RECEIVED".utf8), Array("received".utf8)),
            (Array("Received".utf8), Array("Received".utf8)),   // a name sought in upper case never matches
            ([], []), (Array("a".utf8), []), ([0], Array("a".utf8)),
        ]
        for _ in 0..<20000 {
            let name = generator.bytes(alphabet, count: generator.below(14))
            // Mostly the name lower-cased with one byte changed or not: keys equal, the rest unequal.
            var expected = name.map(ASCII.lowercased)
            if !expected.isEmpty, generator.below(2) == 0 {
                expected[generator.below(expected.count)] = alphabet[generator.below(alphabet.count)]
            }
            if generator.below(8) == 0 { expected = generator.bytes(alphabet, count: generator.below(14)) }
            pairs.append((name, expected))
        }
        for (name, expected) in pairs {
            let field = HeaderField(name: name[...], rawValue: [], offset: 0, isFolded: false)
            let want = Self.bytewiseHasName(name, expected)
            let text = String(decoding: expected, as: UTF8.self)
            if Array(text.utf8) == expected {
                #expect(field.hasName(text) == want, "\(name) \(expected)")
                let section = HeaderSection(fields: [field])
                #expect((section.first(text) != nil) == want, "\(name) \(expected)")
                var count = 0
                section.forEachField(named: text) { _ in count += 1 }
                #expect(count == (want ? 1 : 0), "\(name) \(expected)")
                let table = section.fields(HeaderNameTable(firstOf: [text], allOf: [text]))
                #expect((table.first[0] != nil) == (want && !expected.isEmpty), "\(name) \(expected)")
                #expect(table.all[0].count == (want && !expected.isEmpty ? 1 : 0), "\(name) \(expected)")
            }
            let viaKey = expected.withUnsafeBufferPointer { field.hasName(bytes: $0, key: HeaderField.nameKey($0)) }
            #expect(viaKey == want, "\(name) \(expected)")
        }
    }

    @Test func aNameChangedInPlaceChangesItsKey() {
        var field = HeaderField(name: Array("Subject".utf8)[...], rawValue: Array(" x".utf8)[...], offset: 0, isFolded: false)
        field.name = Array("Received".utf8)[...]
        #expect(field.hasName("received"))
        #expect(!field.hasName("subject"))
        field.name[field.name.startIndex] = UInt8(ascii: "D")
        #expect(field.hasName("deceived"))
        field.name.append(contentsOf: Array("-Extra".utf8))
        #expect(field.hasName("deceived-extra"))
        #expect(!field.hasName("deceived"))
    }

    @Test func contentKeyIsTheKeyOfContentDash() {
        #expect(MIMEParser.contentKey == Array("content-".utf8).withUnsafeBufferPointer { HeaderField.nameKey($0) })
    }

    /// The keys `HeaderSection.parse` reads by a masked eight-byte load from its buffer agree with the
    /// definition: names of every length from 0 to 10 (empty, 8-bit, upper case, a blank before the
    /// colon), at the buffer's end (fewer than eight bytes after the name's start: the byte loop) and
    /// within it, in slices that start past 0, with LF, CRLF and CR line ends.
    @Test func keysReadByTheHeaderParserAgreeWithTheDefinition() {
        var generator = SplitMix64(seed: 2020)
        let nameBytes = Array("aZ-x".utf8) + [0xE9, 0x7F]
        let ends = ["\n", "\r\n", "\r"].map { Array($0.utf8) }
        var sections: [[UInt8]] = [Array(":x".utf8), Array("A:".utf8), Array("To:".utf8), Array("Received:".utf8)]
        for _ in 0..<3000 {
            var section: [UInt8] = []
            for _ in 0..<(1 + generator.below(4)) {
                section += generator.bytes(nameBytes, count: generator.below(11))
                if generator.below(4) == 0 { section.append(0x20) }
                section += Array(": v".utf8).prefix(1 + generator.below(3))
                section += ends[generator.below(ends.count)]
            }
            // Half end right after a name's colon or inside the last value, with no blank line.
            if generator.below(2) == 0 { section.removeLast(generator.below(min(section.count, 4))) }
            sections.append(section)
        }
        for section in sections {
            let padded = [0x41, 0x3A] + section
            let parsed = HeaderSection.parse(padded[2...])
            for field in parsed.fields {
                #expect(field.nameKey == Self.bytewiseKey(Array(field.name), lowercasing: true), "\(section)")
            }
        }
    }
}
