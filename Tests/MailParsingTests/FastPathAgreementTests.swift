import Foundation
import Testing
import TestSupport
@testable import MailParsing

/// The byte-level fast paths against the routines they stand in for, on edge cases and on random
/// inputs built from the bytes that matter to each parser (line ends, blanks, colons, brackets, 8-bit).
@Suite struct FastPathAgreementTests {
    static func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func validUTF8AgreesWithTheStandardValidation() {
        var edge: [[UInt8]] = [[], [0x41], [0x80], [0xC3, 0xA9], [0xC3], [0xE2, 0x82, 0xAC], [0xE2, 0x82],
                               [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x98, 0x80], [0xF4, 0x90, 0x80, 0x80],
                               [0xC0, 0xAF], [0xEF, 0xBF, 0xBD], [0xFF], [0x00, 0x7F]]
        var generator = SplitMix64(seed: 1)
        let alphabet: [UInt8] = [0x41, 0x20, 0x00, 0x7F, 0x80, 0xBF, 0xC2, 0xC3, 0xE0, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xA9, 0x9F]
        for _ in 0..<3000 { edge.append(generator.bytes(alphabet, count: generator.below(12))) }
        for input in edge {
            #expect(CharsetDecoder.validUTF8(input[...]) == String(validating: input, as: UTF8.self), "\(input)")
        }
    }

    /// `Comment.scan` reads sixteen, then eight bytes at a time and only the parentheses and backslashes in them: the
    /// same comment as the byte loop (RFC 5322 §3.2.2: nested, quoted pairs skipped, unterminated to the
    /// end), at every offset, over values dense in those bytes and longer than a word.
    @Test func commentScanAgreesWithTheByteLoop() {
        func byBytes(_ value: [UInt8], _ open: Int) -> (Range<Int>, Int) {
            var depth = 0, i = open
            while i < value.count {
                let c = value[i]
                if c == ASCII.backslash { i += 2; continue }
                if c == ASCII.openParen { depth += 1 }
                if c == ASCII.closeParen {
                    depth -= 1
                    if depth == 0 { return ((open + 1)..<i, i + 1) }
                }
                i += 1
            }
            return ((open + 1)..<max(open + 1, value.count), value.count)
        }
        var generator = SplitMix64(seed: 12)
        let alphabet = Self.ascii("(()\\ab c;")
        var values: [[UInt8]] = [Self.ascii("("), Self.ascii("(\\"), Self.ascii("(abcdefg\\)"), Self.ascii("(abcdefgh\\"),
                                 Self.ascii("(a(b)c)d"), Self.ascii("(((((((((a)))))))))")]
        for _ in 0..<4000 { values.append([ASCII.openParen] + generator.bytes(alphabet, count: generator.below(40))) }
        // Longer and sparser: several sixteen-byte blocks, a backslash at a block's last byte among them.
        let sparse = Self.ascii("abcdefghijklmnop .-:[]") + Self.ascii("()\\")
        for _ in 0..<2000 { values.append([ASCII.openParen] + generator.bytes(sparse, count: generator.below(90))) }
        for value in values {
            for open in value.indices where value[open] == ASCII.openParen {
                let found = value.withUnsafeBufferPointer { Comment.scan($0, openingAt: open) }
                let expected = byBytes(value, open)
                #expect(found.content == expected.0 && found.next == expected.1, "\(String(decoding: value, as: UTF8.self)) \(open)")
                // Through a slice whose indices do not start at zero.
                let padded = Self.ascii("xyz") + value
                let sliced = Comment.scan(padded[3...], openingAt: open + 3)
                #expect(sliced.content == (expected.0.lowerBound + 3)..<(expected.0.upperBound + 3) && sliced.next == expected.1 + 3)
            }
        }
    }

    /// An encoded word's charset label is its bytes' Latin-1 text, ASCII or not, empty or not.
    @Test func charsetLabelIsTheLatin1Text() {
        var generator = SplitMix64(seed: 21)
        let alphabet = Self.ascii("utf-8ISO_2022jp*") + [0x00, 0x7F, 0x80, 0xA0, 0xE9, 0xFF]
        var labels: [[UInt8]] = [[], Self.ascii("utf-8"), [0xE9], Self.ascii("x") + [0xFF]]
        for _ in 0..<2000 { labels.append(generator.bytes(alphabet, count: generator.below(12))) }
        for label in labels {
            let padded = Self.ascii("=?") + label
            #expect(EncodedWords.Decoder.charsetLabel(padded[2...]) == label[...].latin1String, "\(label)")
        }
    }

    @Test func messageIDFastPathAgreesWithTheScan() {
        var values = ["<a@b>", " <a@b> ", ",;> <a@b>", "<a b@c>", "<a@b", "<>", "<> <x@y>", "(c) <a@b>", "<a(c)@b>",
                      "<a@b> <c@d>", "a@b", "<a<b@c>", "\t<x.y@z>\r\n", "<" + String(repeating: "x", count: 998) + ">",
                      "<" + String(repeating: "x", count: 999) + ">", "<\u{e9}@b>"].map(Self.ascii)
        values.append([0x3C, 0xE9, 0x40, 0x62, 0x3E])   // <é@b> in Latin-1
        var generator = SplitMix64(seed: 2)
        let alphabet = Self.ascii("<>@.a ,;(\t") + [0xE9]
        for _ in 0..<3000 { values.append(generator.bytes(alphabet, count: generator.below(14))) }
        for value in values {
            let expected = MessageIDParser.parseByScan(value[...])
            #expect(MessageIDParser.parse(value[...]) == expected, "\(value)")
            #expect(MessageIDParser.parseBracketed(value[...]) == expected.map { "<" + $0 + ">" }, "\(value)")
        }
    }

    /// `parseList` reads the plain ids at the front itself and the rest by the scan: the same ids as the
    /// scan alone, on lists of plain ids followed by anything, through slices that do not start at zero.
    @Test func messageIDListFastPathAgreesWithTheScan() {
        var values = ["<a@b> <c@d>", "<a@b>,<c@d>;<e@f>", "<a@b> junk <c@d>", "<a@b> (c) <d@e>", "<a@b> <c d@e>",
                      "<a@b><c@d", "<a@b> <>", "<a@b> x@y", "<a@b>\r\n\t", "<a@b> >", "<a@b> <c@d> (", "<a@b> \\",
                      "<\u{e9}@b> <c@d>", "<a@b> <\u{e9}@c>"].map(Self.ascii)
        values.append([0x3C, 0x61, 0x3E, 0x20, 0x3C, 0xE9, 0x40, 0x62, 0x3E])   // <a> <é@b>, the second in Latin-1
        var generator = SplitMix64(seed: 41)
        let alphabet = Self.ascii("<>@.a ,;(\t\r\n'\"\\") + [0xE9]
        for _ in 0..<3000 {
            var value: [UInt8] = []
            for _ in 0..<generator.below(4) {
                value += Self.ascii("<") + generator.bytes(Self.ascii("a@.x"), count: 1 + generator.below(6)) + Self.ascii("> ")
            }
            values.append(value + generator.bytes(alphabet, count: generator.below(14)))
        }
        for value in values {
            let padded = Self.ascii("xy") + value
            #expect(MessageIDParser.parseList(padded[2...]) == MessageIDParser.parseListByScan(value[...]), "\(value)")
        }
    }

    /// `MessageIDParser.simpleBracketed` reads the id sixteen bytes at a time, the last block
    /// overlapping: the same range as the byte loops it replaced (kept here as the reference), and
    /// `isASCII` exactly when the id's bytes are, over ids of 0-80 bytes with the bytes that end an id
    /// and 8-bit bytes at every offset, through slices that do not start at zero; `parse` and
    /// `parseBracketed` agree with the scan on them.
    @Test func messageIDBlockScanAgreesWithTheByteLoops() {
        func byBytes(_ value: ArraySlice<UInt8>) -> Range<Int>? {
            let leading: Set<UInt8> = [0x20, 0x09, 0x0D, 0x0A, 0x2C, 0x3B, 0x3E]
            let stops: Set<UInt8> = [0x3E, 0x3C, 0x28, 0x20, 0x09, 0x0D, 0x0A]
            var i = value.startIndex
            while i < value.endIndex, leading.contains(value[i]) { i += 1 }
            guard i < value.endIndex, value[i] == ASCII.lessThan else { return nil }
            let open = i
            i += 1
            while i < value.endIndex, !stops.contains(value[i]) { i += 1 }
            guard i < value.endIndex, value[i] == ASCII.greaterThan, i - open - 1 > 0,
                  i - open - 1 <= MessageIDParser.maxIDBytes else { return nil }
            return open..<(i + 1)
        }
        var generator = SplitMix64(seed: 31)
        let idAlphabet = Self.ascii("abcdefgh0123.@-_$") + [0x80, 0xC3, 0xA9, 0xFF, 0x7F, 0x00]
        let stops = Self.ascii("<>( \t\r\n")
        var values: [[UInt8]] = [Self.ascii("<>"), Self.ascii("<"), Self.ascii(">"),
                                 Self.ascii("<" + String(repeating: "y", count: 998) + ">"),
                                 Self.ascii("<" + String(repeating: "y", count: 999) + ">"),
                                 Self.ascii("<" + String(repeating: "y", count: 1200))]
        for length in 0...80 {
            let id = (0..<length).map { _ in Self.ascii("abc.@1")[generator.below(6)] }
            let closed = Self.ascii("<") + id + Self.ascii(">")
            values.append(closed)
            values.append(Self.ascii("<") + id)
            // One byte that ends the id, or one 8-bit byte, at every offset of the id.
            for at in 0..<length {
                var marked = closed
                marked[1 + at] = (stops + [0x80, 0xE9, 0xFF])[generator.below(stops.count + 3)]
                values.append(marked)
            }
        }
        for _ in 0..<4000 {
            var value = generator.bytes(Self.ascii(" \t,;>"), count: generator.below(3)) + Self.ascii("<")
            value += generator.bytes(idAlphabet, count: generator.below(70))
            if generator.below(4) > 0 { value += [stops[generator.below(stops.count)]] }
            value += generator.bytes(idAlphabet + stops, count: generator.below(20))
            values.append(value)
        }
        for value in values {
            for pad in [0, 5] {
                let padded = [UInt8](repeating: 0x78, count: pad) + value
                let slice = padded[pad...]
                let found = MessageIDParser.simpleBracketed(slice)
                let expected = byBytes(slice)
                #expect(found?.id == expected, "\(value)")
                if let found, let expected {
                    #expect(found.isASCII == slice[(expected.lowerBound + 1)..<(expected.upperBound - 1)].allSatisfy { $0 < 0x80 })
                }
            }
            let scanned = MessageIDParser.parseByScan(value[...])
            #expect(MessageIDParser.parse(value[...]) == scanned, "\(value)")
            #expect(MessageIDParser.parseBracketed(value[...]) == scanned.map { "<" + $0 + ">" }, "\(value)")
        }
    }

    @Test func addressStringsAgreeWithTheFullParser() {
        var values = ["a@b", "Name <a@b>", "<a@b>", ".a@b", "a..b@c", "Name <.a@b>", "\"q r\"@b", "a@b, c@d", "<>",
                      "MAILER-DAEMON <>", "x (comment)", "a@b (Real Name)", "=?utf-8?q?x?= <a@b>", "g: a@b, c@d;",
                      "<@r,@s:a@b>", "postmaster", "John Smith john@x", "a@b@c",
                      "\"Q N\" <a@b>", "a@b (C D)", "\"x <y@z>\" <a@b>", "\"a\\\"b\" <c@d>", "a@b (x(y))",
                      "a@b(c)", "(c) a@b", "\"unclosed <a@b>", "x \"q\" y <a.b@c>", "a@b ()", "\"\" <a@b>",
                      // The shapes of `AddressParser.unnamedShapeAddresses`, and near misses.
                      "", " ", " <> ", "Mail Delivery System <>", "\"Q\" <>", "\"a<b\" <>", "\"a\\b\" <>", "x\ty <>",
                      "< >", "<<>>", "<>>", "a <>, b@c", "Mail Delivery Subsystem <MAILER-DAEMON>", "<MAILER-DAEMON>",
                      "\"M D\" <MAILER-DAEMON>", "x <a.b>", "x <.a>", "x <a?b>", "x <=?a?=>", "x <a b>", "x <a\u{e9}>",
                      "x <a=b>", "x=?y <a>", "x, y <a>", "x: <a>", "mailer-daemon", "x.y.z", "a?b", "a=?b?=c",
                      "a@b,c@d", "a@b,\tc@d", "a@b, ,c@d,", ",", ", ,", "a@b, c", "a, b", "a@b, c d", "a@b, .c@d",
                      "a@b, c..d@e", "a@b, c@", "a@b, @c", "a@b, c@d@e", "a@b, c@[1.2.3.4]", "a@b;c@d", "a@b,\r\n c@d",
                      "a@b, c@d (x)", "a@b, <c@d>", "a@b\u{e9}, c@d", "\"a\"@b, c@d"].map(Self.ascii)
        var generator = SplitMix64(seed: 3)
        let alphabet = Self.ascii("ab.@<> ,\";:()=?") + [0xE9]
        for _ in 0..<3000 { values.append(generator.bytes(alphabet, count: generator.below(16))) }
        // Dense in the bytes `unnamedShapeAddresses` decides on (commas, blanks, line ends, brackets,
        // dots, `?`, quotes, backslashes), with runs of atext between them.
        let unnamedAlphabet = Self.ascii("ab-@<>,, \t\r\n.?=\"\\;:[]") + [0xE9]
        for _ in 0..<6000 {
            var value: [UInt8] = []
            for _ in 0..<generator.below(8) {
                value += generator.bytes(unnamedAlphabet, count: generator.below(3))
                value += Self.ascii(["x", "ab", "a@b", "a.b@c", "MAILER-DAEMON", "<>", "<a>", ", "][generator.below(8)])
            }
            values.append(value)
        }
        for value in values {
            let expected = AddressParser.parseList(value[...]).filter { !$0.isNull }.map(\.address)
            #expect(AddressParser.addressStrings(value[...]) == expected, "\(value)")
            // The single address the classifier reads (From, Reply-To) is `parseSingle`'s.
            #expect(AddressParser.singleAddressString(value[...]) == AddressParser.parseSingle(value[...])?.address, "\(value)")
            // The first address the classifier reads (X-Original-To, Delivered-To, To), and the count of
            // the returned original's recipients.
            #expect(AddressParser.firstAddressString(value[...]) == expected.first, "\(value)")
            #expect(AddressParser.addressCount(value[...]) == AddressParser.parseList(value[...]).count, "\(value)")
            // Both at once, for the record and the observation: the same answers, and a shaped value's
            // address is `singleAddressString`'s too.
            let (first, shaped) = AddressParser.firstAddressStringAndShape(value[...])
            #expect(first == expected.first, "\(value)")
            #expect(shaped == (AddressParser.addressShape(value[...]) != nil), "\(value)")
            if shaped { #expect(AddressParser.singleAddressString(value[...]) == first, "\(value)") }
            let (listed, count) = AddressParser.addressStringsAndCount(value[...])
            #expect(listed == expected, "\(value)")
            #expect(count == AddressParser.parseList(value[...]).count, "\(value)")
        }
    }

    /// The three passes `AddressParser.addressShape` replaced, kept as they were: `simpleShape`, then
    /// `addressOnlyShape`, then `MailAddress.needsQuoting` on the local part.
    enum FormerAddressShapes {
        static func addrSpec(_ bytes: ByteSlice) -> (local: Range<Int>, domain: Range<Int>)? {
            var at: Int? = nil
            for i in bytes.indices {
                if bytes[i] == ASCII.at {
                    if at != nil { return nil }
                    at = i - bytes.startIndex
                } else if !AddressParser.isAtext(bytes[i]) {
                    return nil
                }
            }
            guard let at, at > 0, at + 1 < bytes.count else { return nil }
            let start = bytes.startIndex
            return (start..<(start + at), (start + at + 1)..<bytes.endIndex)
        }

        static func simpleShape(_ value: ByteSlice) -> (local: Range<Int>, domain: Range<Int>, phrase: Range<Int>)? {
            let trimmed = value.trimmingWhitespace()
            guard !trimmed.isEmpty else { return nil }
            if trimmed.last != ASCII.greaterThan {
                guard let (local, domain) = addrSpec(trimmed) else { return nil }
                return (local, domain, trimmed.startIndex..<trimmed.startIndex)
            }
            guard let open = trimmed.firstIndex(of: ASCII.lessThan),
                  let (local, domain) = addrSpec(trimmed[(open + 1)..<(trimmed.endIndex - 1)]) else { return nil }
            let phrase = trimmed[..<open]
            var previous: UInt8 = 0
            for b in phrase {
                guard AddressParser.isAtext(b) || b == ASCII.space || b == ASCII.tab else { return nil }
                if previous == ASCII.equals && b == UInt8(ascii: "?") { return nil }
                previous = b
            }
            return (local, domain, phrase.indices)
        }

        static func addressOnlyShape(_ value: ByteSlice) -> (local: Range<Int>, domain: Range<Int>)? {
            let trimmed = value.trimmingWhitespace()
            guard let last = trimmed.last else { return nil }
            if last == ASCII.greaterThan {
                var i = trimmed.startIndex
                let end = trimmed.endIndex
                while i < end {
                    let b = trimmed[i]
                    if b == ASCII.quote {
                        var k = i + 1
                        while k < end, trimmed[k] != ASCII.quote {
                            if trimmed[k] == ASCII.backslash { return nil }
                            k += 1
                        }
                        guard k < end else { return nil }
                        i = k + 1
                        continue
                    }
                    if b == ASCII.lessThan { break }
                    guard AddressParser.isAtext(b) || b == ASCII.space || b == ASCII.tab else { return nil }
                    i += 1
                }
                guard i < end else { return nil }
                return addrSpec(trimmed[(i + 1)..<(end - 1)])
            }
            if last == ASCII.closeParen {
                guard let open = trimmed.firstIndex(of: ASCII.openParen) else { return nil }
                for b in trimmed[(open + 1)..<(trimmed.endIndex - 1)]
                where b == ASCII.openParen || b == ASCII.closeParen || b == ASCII.backslash { return nil }
                return addrSpec(trimmed[..<open].trimmingWhitespace())
            }
            return nil
        }
    }

    /// `AddressParser.addressShape` (one pass over the buffer) against the three passes it replaced, on
    /// values dense in the bytes the shapes turn on, at an offset start.
    @Test func addressShapeAgreesWithTheFormerPasses() {
        var values = ["a@b", " a@b ", "Name <a@b>", "<a@b>", ".a@b", "a.@b", "a..b@c", "a.b@c", "a@b..c", "Name <.a@b>",
                      "\"Q N\" <a@b>", "\"Q N\" <a..b@c>", "=?x?= <a@b>", "N =?x?= <a@b>", "\"x <y@z>\" <a@b>",
                      "\"a\\\"b\" <c@d>", "a@b (C D)", "a@b(c)", "a@b (x(y))", "a@b ()", "(c) a@b", "\"unclosed <a@b>",
                      "x \"q\" y <a.b@c>", "\"\" <a@b>", "<>", ">", "<", "@", "a@", "@b", "a@b@c", "\t<a@b>\r\n",
                      "N\r\n <a@b>", "a@b\r\n (c)", "<a@b> <c@d>", "a <b> <c@d>", "=?<a@b>", "a=\"?\"<a@b>"].map(Self.ascii)
        values.append([0x4E, 0xE9, 0x20, 0x3C, 0x61, 0x40, 0x62, 0x3E])  // Né <a@b> in Latin-1
        var generator = SplitMix64(seed: 14)
        let alphabet = Self.ascii("ab.@<> \t\r\n\"\\()=?,") + [0xE9]
        for _ in 0..<6000 { values.append(generator.bytes(alphabet, count: generator.below(18))) }
        // Every byte value in a phrase, a local part and a domain (`addressShape` reads them through a
        // table of byte classes): "=" and "?" next to it too.
        for b in UInt8.min...UInt8.max {
            values += [Self.ascii("N") + [b] + Self.ascii(" <a@b>"), [b] + Self.ascii("x <a@b>"), Self.ascii("=") + [b] + Self.ascii(" <a@b>"),
                       Self.ascii("a") + [b] + Self.ascii("b@c"), Self.ascii("a@b") + [b] + Self.ascii("c"),
                       Self.ascii("N <a") + [b] + Self.ascii("@c>"), Self.ascii("a") + [b] + Self.ascii("@c (x)")]
        }
        for value in values {
            let padded = Self.ascii("xyz") + value
            let slice = padded[3...]
            let shape = AddressParser.addressShape(slice)
            let simple = FormerAddressShapes.simpleShape(slice)
            let addressOnly = simple.map { (local: $0.local, domain: $0.domain) } ?? FormerAddressShapes.addressOnlyShape(slice)
            let got = shape.map { ((3 + $0.localStart)..<(3 + $0.at), (3 + $0.at + 1)..<(3 + $0.domainEnd)) }
            #expect(got?.0 == addressOnly?.local && got?.1 == addressOnly?.domain, "\(value)")
            let gotPhrase = shape.flatMap { s in s.phraseEnd.map { (3 + s.phraseStart)..<(3 + $0) } }
            #expect(gotPhrase == simple?.phrase, "\(value)")
            if let shape, let addressOnly {
                let quoting = padded[addressOnly.local].withUnsafeBufferPointer { MailAddress.needsQuoting(bytes: $0) }
                #expect(shape.localNeedsQuoting == quoting, "\(value)")
            }
        }
    }

    static func describe(_ section: HeaderSection) -> String {
        let fields = section.fields.map { "\($0.offset):\($0.name.indices):\($0.rawValue.indices):\($0.isFolded)" }
        return "\(fields) \(section.defects.rawValue) \(section.bodyStart) \(section.raw.indices)"
    }

    @Test func headerScanAgreesWithTheLineWalk() {
        var values = ["", "\n", "a: b\n\nbody", "From x Mon\na: b\n\n", "From : x\n\n", " lead\na: b\n", "a : b\r\n\r\n",
                      "a b: c\n", "no colon\n", "\t \n", "a: b\r\n c\r\n\r\n", "a: b\rc: d\r\r", ":x\n", "a\u{1}: b\n"]
            .map(Self.ascii)
        var generator = SplitMix64(seed: 4)
        let alphabet = Self.ascii("ab: \t\r\n\n\nF") + [0x00, 0xE9]
        for _ in 0..<4000 { values.append(generator.bytes(alphabet, count: generator.below(40))) }
        // Lines across the scan's search windows (256 bytes, then 512, 1,024 ...), each line end style.
        let pieces = ["a: ", "b:", String(repeating: "x", count: 255), String(repeating: "y", count: 257),
                      String(repeating: "z", count: 700), "\n", "\r\n", "\r", " ", "\t"].map(Self.ascii)
        for _ in 0..<400 {
            values.append((0..<generator.below(8)).flatMap { _ in pieces[generator.below(pieces.count)] })
        }
        var tight = ParsingLimits()
        tight.maxHeaderBytes = 12
        tight.maxHeaderFields = 2
        tight.maxFieldBytes = 3
        for limits in [ParsingLimits(), tight] {
            for value in values {
                // An offset start, as for the parts of a message.
                let padded = [0x78, 0x78] + value
                let input = padded[2...]
                #expect(Self.describe(HeaderSection.parse(input, limits: limits))
                        == Self.describe(HeaderSection.parseByLineScanner(input, limits: limits)), "\(value)")
            }
        }
    }

    /// The NUL and 8-bit defects, read from the line-end search's blocks (a section it saw no odd byte
    /// in is not tested again), against the line walk: sections of long lines, an odd byte now and then
    /// in a name, a value, a continuation, the line that ends the section or the body just after it,
    /// at every place of the sixteen-byte blocks.
    @Test func oddBytesFromTheLineScanAgreeWithTheLineWalk() {
        var generator = SplitMix64(seed: 26)
        let letters = Self.ascii("abcdefghij-XYZ:; <>@.0123456789")
        let odd: [UInt8] = [0x00, 0x80, 0xE9, 0xFF]
        let ends = ["\n", "\r\n", "\r"].map(Self.ascii)
        for _ in 0..<3000 {
            let end = ends[generator.below(ends.count)]
            var value: [UInt8] = []
            for line in 0..<(1 + generator.below(6)) {
                if line > 0, generator.below(4) == 0 {
                    value += [ASCII.tab] + generator.bytes(letters, count: generator.below(40)) + end
                } else {
                    value += generator.bytes(Self.ascii("abcXY-"), count: 1 + generator.below(12)) + Self.ascii(": ")
                    value += generator.bytes(letters, count: generator.below(70)) + end
                }
            }
            switch generator.below(3) {
            case 0: value += end   // the blank line
            case 1: value += Self.ascii("no field here") + end
            default: break
            }
            value += generator.bytes(letters, count: generator.below(20))
            for _ in 0..<generator.below(3) where !value.isEmpty {
                value[generator.below(value.count)] = odd[generator.below(odd.count)]
            }
            let padded = [0x78, 0x78] + value
            let input = padded[2...]
            #expect(Self.describe(HeaderSection.parse(input))
                    == Self.describe(HeaderSection.parseByLineScanner(input)), "\(value)")
        }
    }

    static func describe(_ part: MIMEPart) -> String {
        var text = "[\(part.headers.fields.count) \(part.headers.bodyStart) \(part.contentType.mimeType) \(part.body.indices)"
        text += " \(part.preamble.indices) \(part.epilogue.indices) \(part.defects.rawValue)"
        for child in part.parts { text += " " + describe(child) }
        return text + "]"
    }

    @Test func delimiterSearchAgreesWithTheLineWalk() {
        var generator = SplitMix64(seed: 5)
        let pieces = ["--b", "--b--", "--bb", "x--b", "-", "\n", "\r\n", "\r", "text", " ", "Content-Type: text/plain\n",
                      "Content-Type: multipart/mixed; boundary=c\n", "--c", "--c--", "\n\n"].map(Self.ascii)
        var bodies: [[UInt8]] = [Self.ascii("--b\n\nx\n--b--\n"), Self.ascii("--b\r\n\r\nx\r\n--b--"), Self.ascii("--b")]
        for _ in 0..<3000 { bodies.append((0..<generator.below(16)).flatMap { _ in pieces[generator.below(pieces.count)] }) }
        expectDelimiterSearchAgreesWithTheLineWalk(boundary: "b", bodies: bodies)
    }

    /// Each body, under a multipart header with `boundary`, parses to the same tree with the delimiter
    /// search and with the line walk.
    private func expectDelimiterSearchAgreesWithTheLineWalk(boundary: String, bodies: [[UInt8]]) {
        for body in bodies {
            let message = Self.ascii("Content-Type: multipart/mixed; boundary=\(boundary)\n\n") + body
            var search = MIMEParser(limits: ParsingLimits())
            var walk = MIMEParser(limits: ParsingLimits())
            walk.searchesDelimiters = false
            let a = search.parseEntity(message[...], depth: 0, defaultType: .textPlain)
            let b = walk.parseEntity(message[...], depth: 0, defaultType: .textPlain)
            #expect(Self.describe(a) == Self.describe(b), "\(body)")
        }
    }

    /// `holdsLineEnd` (two memchr) answers as `contains` of CR or LF does, wherever the line end lies
    /// (first, last, middle, none, empty, long delimiters, 8-bit bytes).
    @Test func delimiterLineEndTestAgreesWithContains() {
        var generator = SplitMix64(seed: 62)
        let alphabet = Self.ascii("-=_.aZ09\r\n") + [0x00, 0x8D, 0x8A, 0xFF]
        func holdsLineEnd(_ boundary: [UInt8]) -> Bool { boundary.withUnsafeBufferPointer(MIMEParser.holdsLineEnd) }
        #expect(!holdsLineEnd([]))
        #expect(holdsLineEnd(Self.ascii("\r")) && holdsLineEnd(Self.ascii("--b\n")))
        for _ in 0..<3000 {
            let delimiter = generator.bytes(alphabet, count: generator.below(300))
            #expect(holdsLineEnd(delimiter) == (delimiter.contains(0x0D) || delimiter.contains(0x0A)), "\(delimiter)")
        }
    }

    /// The delimiter search for `a.Z`, with near misses around its last byte (where the shift search
    /// tests each window first), agrees with the line walk.
    @Test func delimiterSearchOnARareLastByteAgreesWithTheLineWalk() {
        var generator = SplitMix64(seed: 6)
        let pieces = ["--a.Z", "--a.Z--", "--a.Zq", "x--a.Z", "-a.Z", "--a.", "a.Z", "Z", "--a.Y", "-", "\n", "\r\n", "\r",
                      "text", " ", "Content-Type: text/plain\n", "\n\n"].map(Self.ascii)
        var bodies: [[UInt8]] = [Self.ascii("--a.Z\n\nx\n--a.Z--\n"), Self.ascii("--a.Z"), Self.ascii("Z--a.Z\n"), []]
        for _ in 0..<3000 { bodies.append((0..<generator.below(16)).flatMap { _ in pieces[generator.below(pieces.count)] }) }
        expectDelimiterSearchAgreesWithTheLineWalk(boundary: "a.Z", bodies: bodies)
    }

    /// The delimiter search for `e0`, with near misses of its hyphens and bytes, agrees with the line walk.
    @Test func delimiterSearchOnAHyphenAnchorAgreesWithTheLineWalk() {
        var generator = SplitMix64(seed: 8)
        let pieces = ["--e0", "--e0--", "--e0e", "x--e0", "-e0", "--e", "e0", "-", "--", "\n", "\r\n", "\r",
                      "text", " ", "Content-Type: text/plain\n", "\n\n"].map(Self.ascii)
        var bodies: [[UInt8]] = [Self.ascii("--e0\n\nx\n--e0--\n"), Self.ascii("--e0"), Self.ascii("---e0\n"), []]
        for _ in 0..<3000 { bodies.append((0..<generator.below(16)).flatMap { _ in pieces[generator.below(pieces.count)] }) }
        expectDelimiterSearchAgreesWithTheLineWalk(boundary: "e0", bodies: bodies)
    }

    /// The first place at or after `from` where `--boundary` starts a line of `body` (at its start, or
    /// after a CR or LF), place by place: the reading `MIMEParser.firstLineStart` must agree with.
    /// `MIMEParser.fillDelimiterShifts` of `boundary`, as an array.
    static func delimiterShifts(_ boundary: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 256) { table, count in
            boundary.withUnsafeBufferPointer { MIMEParser.fillDelimiterShifts(table, boundary: $0) }
            count = 256
        }
    }

    static func naiveFirstLineStart(of boundary: [UInt8], in body: [UInt8], from: Int) -> Int? {
        let delimiter = Self.ascii("--") + boundary
        var at = from
        while at + delimiter.count <= body.count {
            if (at == 0 || body[at - 1] == 10 || body[at - 1] == 13), body[at..<(at + delimiter.count)].elementsEqual(delimiter) {
                return at
            }
            at += 1
        }
        return nil
    }

    /// The shift search (`MIMEParser.firstLineStart` with `delimiterShifts`) finds what looking at every
    /// place finds, from several starts: boundaries of one byte, of repeated bytes, of hyphens, with 8-bit
    /// bytes, and of 250-256 bytes (shifts past 255 cut to 255); bodies of near misses (the delimiter
    /// cut short, its last byte changed, not at a line start, after CR, LF or CRLF, at the very end),
    /// through a slice whose indices do not start at zero.
    @Test func delimiterShiftSearchAgreesWithLookingAtEveryPlace() {
        var generator = SplitMix64(seed: 35)
        var boundaries: [[UInt8]] = ["b", "-", "--", "aaaa", "a-a", "=_x_", "----=_Part_1", "0000007a", "ab"].map(Self.ascii)
        boundaries.append([0xE9, 0x80, 0x2D])
        let alphabet = Self.ascii("ab-_=07") + [0xE9]
        for _ in 0..<60 { boundaries.append(generator.bytes(alphabet, count: 1 + generator.below(12))) }
        for length in [250, 253, 254, 255, 256] {
            boundaries.append(generator.bytes(alphabet, count: length))
            boundaries.append([UInt8](repeating: UInt8(ascii: "a"), count: length - 1) + Self.ascii("b"))
        }
        for boundary in boundaries {
            let delimiter = Self.ascii("--") + boundary
            var last = delimiter
            last[last.count - 1] ^= 1
            let pieces: [[UInt8]] = [delimiter, delimiter + Self.ascii("--"), Array(delimiter.dropLast()), last, Array(delimiter.dropFirst()),
                                     boundary, Self.ascii("x"), Self.ascii("-"), Self.ascii("\n"), Self.ascii("\r"), Self.ascii("\r\n"),
                                     Self.ascii("text "), [boundary[boundary.count - 1]], [0xE9]]
            for _ in 0..<40 {
                var body: [UInt8] = []
                for _ in 0..<generator.below(10) { body += pieces[generator.below(pieces.count)] }
                let padded = Self.ascii("\n") + body
                let slice = padded[1...]
                let shifts = Self.delimiterShifts(boundary)
                // From the start, just after it, the end, and four places between.
                let froms = [0, 1, body.count] + (0..<4).map { _ in generator.below(body.count + 1) }
                for from in froms where from <= body.count {
                    let found = boundary.withUnsafeBufferPointer { b in
                        shifts.withUnsafeBufferPointer { MIMEParser.firstLineStart(ofDelimiterOf: b, shifts: $0, in: slice, from: from + 1) }
                    }
                    #expect(found.map { $0 - 1 } == Self.naiveFirstLineStart(of: boundary, in: body, from: from), "\(boundary) \(body) \(from)")
                }
            }
        }
    }

    /// Each shift is at least one and no more than the delimiter's length allows: the distance from a
    /// byte's last place (the last byte left out) to the delimiter's end, 255 at most.
    @Test func delimiterShiftsAreTheDistancesToTheEnd() {
        var generator = SplitMix64(seed: 36)
        for _ in 0..<300 {
            let boundary = generator.bytes(Self.ascii("ab-_=07") + [0xE9, 0x00], count: 1 + generator.below(256))
            let delimiter = Self.ascii("--") + boundary
            var expected = [UInt8](repeating: UInt8(min(delimiter.count, 255)), count: 256)
            for (k, byte) in delimiter.dropLast().enumerated() { expected[Int(byte)] = UInt8(min(delimiter.count - 1 - k, 255)) }
            #expect(Self.delimiterShifts(boundary) == expected, "\(boundary)")
        }
    }

    /// An unfolded value read in place agrees with trimming the slice and cutting it to the limit
    /// (blanks and line ends at either end, all blank, empty, the limit inside and past the value).
    @Test func unfoldedValueInPlaceAgreesWithTrimmingTheSlice() {
        var generator = SplitMix64(seed: 13)
        let alphabet = Self.ascii(" \t\r\nab") + [0xE9]
        for _ in 0..<6000 {
            let value = generator.bytes(alphabet, count: generator.below(24))
            let padded = [0x20, 0x20] + value + [0x61]
            let raw = padded[2..<(2 + value.count)]
            let limit = generator.below(30)
            let field = HeaderField(name: Self.ascii("x")[...], rawValue: raw, offset: 0, isFolded: false, maxUnfoldedBytes: limit)
            let trimmed = raw.trimmingWhitespace()
            let expected = trimmed.count > limit ? trimmed.prefix(limit) : trimmed
            #expect(field.unfoldedValue.indices == expected.indices, "\(value) \(limit)")
            #expect(Array(field.unfoldedValue) == Array(expected), "\(value) \(limit)")
        }
    }

    @Test func parametersReadDirectlyAgreeWithTheAssembly() {
        var values = ["; charset=utf-8", "; boundary=\"b\"; charset=x; Charset=y", "; a=\"q\\\"r\"", "; a=\"un",
                      "; a=1; b", "; (c) a=1", "; a= x y ;b=\"\r\n z\"", "; a=\"=?utf-8?q?x?=\""].map(Self.ascii)
        var generator = SplitMix64(seed: 7)
        let alphabet = Self.ascii("ab=;\" ()\\?") + [0xE9]
        for _ in 0..<3000 { values.append(generator.bytes(alphabet, count: generator.below(20))) }
        for value in values {
            // A name with a star (not an RFC 2231 piece: four digits) sends the value through the assembly.
            let (direct, directMalformed) = HeaderParameters.parse(value[...])
            let (assembled, assembledMalformed) = HeaderParameters.parse((value + Self.ascii(";zz*9999=x"))[...])
            // An unclosed quote or comment swallows the added parameter: nothing to compare then.
            guard assembled.entries.last?.name == "zz*9999" else { continue }
            #expect(direct.entries.map { "\($0.name)=\($0.value)" }
                    == assembled.entries.dropLast().map { "\($0.name)=\($0.value)" }, "\(value)")
            #expect(directMalformed == assembledMalformed || !directMalformed, "\(value)")
        }
    }

    /// The parameter list as `HeaderParameters.parse` read it over the slice (before it read a buffer
    /// pointer), for values without `*` (each name's first value, decoded as header text).
    static func parametersBySlice(_ bytes: ByteSlice) -> ([String], Bool) {
        var entries: [(String, String)] = [], malformed = false, count = 0
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end, count < HeaderParameters.maxParameters {
            while i < end {
                let byte = bytes[i]
                if ASCII.isWhitespaceOrNewline(byte) || byte == ASCII.semicolon {
                    i += 1
                } else if byte == ASCII.openParen {
                    var depth = 0
                    while i < end {
                        if bytes[i] == ASCII.backslash { i += 2; continue }
                        if bytes[i] == ASCII.openParen { depth += 1 }
                        if bytes[i] == ASCII.closeParen { depth -= 1; if depth == 0 { i += 1; break } }
                        i += 1
                    }
                } else { break }
            }
            guard i < end else { break }
            let nameStart = i
            while i < end, bytes[i] != ASCII.equals, bytes[i] != ASCII.semicolon, !ASCII.isWhitespaceOrNewline(bytes[i]) { i += 1 }
            let nameBytes = bytes[nameStart..<i]
            while i < end, ASCII.isWhitespaceOrNewline(bytes[i]) { i += 1 }
            guard i < end, bytes[i] == ASCII.equals else {
                if !nameBytes.isEmpty { malformed = true }
                while i < end, bytes[i] != ASCII.semicolon { i += 1 }
                continue
            }
            i += 1
            while i < end, ASCII.isWhitespaceOrNewline(bytes[i]) { i += 1 }
            var value: [UInt8] = []
            if i < end, bytes[i] == ASCII.quote {
                i += 1
                var closed = false
                while i < end {
                    let byte = bytes[i]
                    if byte == ASCII.backslash, i + 1 < end { value.append(bytes[i + 1]); i += 2; continue }
                    if byte == ASCII.quote { closed = true; i += 1; break }
                    if byte != ASCII.carriageReturn && byte != ASCII.lineFeed { value.append(byte) }
                    i += 1
                }
                if !closed { malformed = true }
                while i < end, bytes[i] != ASCII.semicolon {
                    if !ASCII.isWhitespaceOrNewline(bytes[i]) { malformed = true }
                    i += 1
                }
            } else {
                let valueStart = i
                while i < end, bytes[i] != ASCII.semicolon { i += 1 }
                value = Array(bytes[valueStart..<i].trimmingWhitespace())
            }
            count += 1
            let name = ASCII.lowercasedString(nameBytes)
            if !entries.contains(where: { $0.0 == name }) { entries.append((name, TextDecoding.decodeHeaderText(value[...]))) }
        }
        if i < end { malformed = true }
        return (entries.map { "\($0.0)=\($0.1)" }, malformed)
    }

    /// `HeaderParameters.parse` reads a buffer pointer by offsets: the parameters and the malformed flag
    /// the slice reading gave, on edge cases (input ending inside a name, a quote, a comment or after a
    /// backslash; folded values; CR, LF, CRLF; 8-bit bytes; common names in other cases) and on random
    /// values dense in the bytes that matter, through slices that do not start at zero.
    @Test func parametersFromTheBufferAgreeWithTheSliceReading() {
        var values = ["", ";", "; charset", "; charset=", "; charset=\"", "; charset=\"a\\", "; (a", "; (a\\", "; a=\"x\" y",
                      "; BOUNDARY=\"--=_b\r\n c\"", "; a=b\r\n\t; c=d", "; a=b\r; c=\"d\ne\"", "; Report-Type=delivery-status",
                      "; a= \u{E9}t\u{E9} ", "; a=\"=?utf-8?q?x?=\"", "; a=1; A=2", " ; ; =x; b", "; a=\"\u{E9}\"",
                      "; filename=\"report.txt\"; name=x; format=flowed; delsp=yes; charset=us-ascii",
                      "; a=1; b=2; c=3; B=4; a=5; d=6; C=7"].map(Self.ascii)
        var generator = SplitMix64(seed: 21)
        let alphabet = Self.ascii("aB=;\" ()\\?\r\n\t") + [0xE9, 0xC3]
        for _ in 0..<5000 { values.append(generator.bytes(alphabet, count: generator.below(32))) }
        // Long quoted values and tokens: the sixteen-byte blocks, and the eight-byte words of the plain test.
        let sparse = Self.ascii("abcdefghijklmnopqrstuvwxyz0123456789-_.=") + Self.ascii("\"\\\r\n?;") + [0xE9]
        for round in 0..<3000 {
            let body = generator.bytes(sparse, count: generator.below(80))
            values.append(Self.ascii(round % 2 == 0 ? "; boundary=\"" : "; name=") + body)
        }
        for round in 0..<70 {
            // Many parameters: the limit of 64.
            values.append(Array((0..<(round + 10)).flatMap { Self.ascii("; p\($0 % 80)=v\($0)") }))
        }
        for value in values {
            let padded = Self.ascii("xy") + value
            let slice = padded[2...]
            let (parameters, malformed) = HeaderParameters.parse(slice)
            let (expected, expectedMalformed) = Self.parametersBySlice(slice)
            #expect(parameters.entries.map { "\($0.name)=\($0.value)" } == expected, "\(value)")
            #expect(malformed == expectedMalformed, "\(value)")
        }
    }

    /// Long inputs for the sixteen-byte blocks of the one-pass decoder: `=`, CR, LF and blanks at every
    /// lane of a block and across block edges, runs of clean bytes (8-bit ones too) between them, bad hex,
    /// `=` and blanks at the very end, decoded `=20` and `=09` before a line end.
    @Test func quotedPrintableInBlocksAgreesWithTheByteDecoder() {
        var values: [[UInt8]] = []
        let clean = Self.ascii("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF") + [0x80, 0xC3, 0xA9, 0xFF, 0x00]
        let pieces = ["=", "=\n", "=\r\n", "=\r", "= \t\r\n", " \n", "\t\r\n", " ", "\t", "=20\n", "=09\r\n",
                      "=3D", "=3d", "=G1", "=4", "==", "\r", "\n", "\r\n", " =\n", "=20 \n", "  "].map(Self.ascii)
        var generator = SplitMix64(seed: 23)
        for _ in 0..<3000 {
            var value: [UInt8] = []
            let target = generator.below(120)
            while value.count < target {
                if generator.below(3) == 0 {
                    value += pieces[generator.below(pieces.count)]
                } else {
                    for _ in 0..<generator.below(40) { value.append(clean[generator.below(clean.count)]) }
                }
            }
            values.append(value)
        }
        // One special piece at every offset of a clean run of 16-80 bytes, with and without an ending.
        let run = [UInt8](repeating: UInt8(ascii: "x"), count: 80)
        for length in [16, 17, 31, 32, 33, 47, 64, 80] {
            for offset in 0...length {
                for piece in pieces {
                    values.append(Array(run[0..<offset]) + piece + Array(run[offset..<length]))
                    values.append(Array(run[0..<offset]) + piece)
                }
            }
        }
        for value in values {
            #expect(TransferDecoding.quotedPrintable(value[...]) == TransferDecoding.quotedPrintableByBytes(value[...]), "\(value)")
        }
    }

    @Test func quotedPrintableInOnePassAgreesWithTheByteDecoder() {
        var values = ["", "=", "a=\n", "a =\t\r\nb", "=41=4", "= =\n", "x=\r", "=\r\n\n", "a \r\n", "=4\n1", "==\n",
                      "=3D=\n", "a=20\n", "caf=C3=A9 \t"].map(Self.ascii)
        var generator = SplitMix64(seed: 8)
        let alphabet = Self.ascii("=Aa4 \t\r\n\nxF")
        for _ in 0..<4000 { values.append(generator.bytes(alphabet, count: generator.below(30))) }
        for value in values {
            #expect(TransferDecoding.quotedPrintable(value[...]) == TransferDecoding.quotedPrintableByBytes(value[...]), "\(value)")
        }
    }

    /// The one-pass decoder (wrapping offsets, a CR's LF written with it, `=` before a line end taken
    /// first as a soft break, hex digits by two range tests) against the byte decoder: every sisimai bsd
    /// message whole (headers and every part, as bytes), and 20,000 random mixes of literal runs (8-bit
    /// bytes too), `=`, hex digits of both cases, bad escapes, blanks before line ends, CR, LF, CRLF and
    /// soft breaks at the very end, through a slice whose indices do not start at zero.
    @Test func quotedPrintableAgreesOverTheCorpusAndRandomMixes() throws {
        var values: [[UInt8]] = []
        if Corpus.isAvailable {
            let folder = Corpus.path("sisimai/maildir/bsd")
            for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".eml") {
                if let data = FileManager.default.contents(atPath: folder + "/" + file) { values.append([UInt8](data)) }
            }
            #expect(values.count > 500)
        }
        let literal = Self.ascii("abcXYZ09<>\"/;") + [0x80, 0xC3, 0xA9, 0xE3, 0x81, 0x82, 0xFF, 0x00, 0x1B]
        let pieces = ["=", "=\n", "=\r\n", "=\r", "= \n", "=\t\r\n", "= \t", "=3D", "=3d", "=E3=81=82", "=e3=81",
                      "=C3=A9", "=20", "=09", "=G1", "=4", "=4\n", "=\n=", "==41", "=A", "=a=", " \n", "\t\r\n", " \r",
                      "  ", "\t", "\r", "\n", "\r\n", "\n\r", " =\n", "=20 \n", "a\r\n\r\n", "0123456789ABCDEFabcdef"].map(Self.ascii)
        var generator = SplitMix64(seed: 2_045)
        for _ in 0..<20_000 {
            var value: [UInt8] = []
            let target = generator.below(160)
            while value.count < target {
                if generator.below(2) == 0 {
                    value += pieces[generator.below(pieces.count)]
                } else {
                    for _ in 0..<generator.below(36) { value.append(literal[generator.below(literal.count)]) }
                }
            }
            // A soft break, a lone `=` or blanks at the very end.
            switch generator.below(5) {
            case 0: value += Self.ascii("=")
            case 1: value += Self.ascii("=\r\n")
            case 2: value += Self.ascii(" \t")
            default: break
            }
            values.append(value)
        }
        for value in values {
            let padded = [0x41, 0x3D] + value
            let slice = padded[2...]
            let decoded = TransferDecoding.quotedPrintable(slice)
            #expect(decoded == TransferDecoding.quotedPrintableByBytes(slice))
            if decoded != TransferDecoding.quotedPrintableByBytes(slice) { print(value.prefix(200)); break }
        }
    }

    /// `quotedPrintableTurningCRLFIntoLF` (CRLFs made LF as it decodes) writes what the byte decoder and
    /// then `LineFeedTextDecodingTests.turnCRIntoLF` write, or gives up (nil), and only then, for an
    /// input with a CR not followed by an LF or an `=0D`: CR, LF and CRLF line ends, `=0D` and `=0A`
    /// next to literal line ends (`\r=0A`, `=0D\n`, `\r\n=0A`), a CR whose LF follows trailing blanks
    /// or a soft break (`\r \n`, `\r=\n\n`), blanks and `=` at the very end, bad hex, 8-bit bytes, at
    /// every lane of a block and across block edges, and the sisimai bsd messages whole.
    @Test func quotedPrintableTurningCRLFIntoLFAgreesWithDecodingThenTurning() throws {
        var values: [[UInt8]] = ["", "\r", "\n", "\r\n", "\r\r\n", "\n\r", "=0D", "=0A", "=0D=0A", "\r=0A", "=0D\n", "=0D\r\n",
                                 "\r \n", "\r\t=\n\n", "\r=\n\n", "\r=\r\n\n", "a\r", "a =", "=\r", "=0D=0D=0A=0A", "\r=0D\n",
                                 "\r\n=0A", "=0A\r\n", "a \r\n", "=\r\n\r\n", "=0d"].map(Self.ascii)
        if Corpus.isAvailable {
            let folder = Corpus.path("sisimai/maildir/bsd")
            for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".eml") {
                if let data = FileManager.default.contents(atPath: folder + "/" + file) { values.append([UInt8](data)) }
            }
        }
        let literal = Self.ascii("abcXYZ09<>") + [0x80, 0xC3, 0xA9, 0xFF, 0x00]
        let pieces = ["=", "=\n", "=\r\n", "=\r", "= \t\r\n", "=0D", "=0A", "=0d=0a", "=0D=0A", "=3D", "=C3=A9", "=G1", "=4",
                      " ", "\t", "  ", "\r", "\n", "\r\n", "\n\r", "\r\r", " \r", "\t\n", "=20\r", "=09\n"].map(Self.ascii)
        var generator = SplitMix64(seed: 3_535)
        for _ in 0..<20_000 {
            var value: [UInt8] = []
            let target = generator.below(100)
            while value.count < target {
                if generator.below(2) == 0 {
                    value += pieces[generator.below(pieces.count)]
                } else {
                    for _ in 0..<generator.below(30) { value.append(literal[generator.below(literal.count)]) }
                }
            }
            values.append(value)
        }
        let run = [UInt8](repeating: UInt8(ascii: "x"), count: 40)
        for offset in 0...33 {
            for piece in pieces { values.append(Array(run[0..<offset]) + piece + Array(run[offset..<40])) }
        }
        for value in values {
            let expected = LineFeedTextDecodingTests.turnCRIntoLF(TransferDecoding.quotedPrintableByBytes(value[...]))
            // Room for the input and a guard of sixteen bytes after it, which must stay as they were.
            var out = [UInt8](repeating: 0xA5, count: value.count + 16)
            let written = value.withUnsafeBufferPointer { source in
                out.withUnsafeMutableBufferPointer {
                    TransferDecoding.quotedPrintableTurningCRLFIntoLF(source, into: UnsafeMutableBufferPointer(rebasing: $0[..<value.count]))
                }
            }
            // Given up only for a CR without its LF, or an escaped CR.
            let crlfOnly = value.indices.allSatisfy { value[$0] != 13 || ($0 + 1 < value.count && value[$0 + 1] == 10) }
            let escapedCR = value.indices.contains { value[$0] == 0x3D && value.count > $0 + 2 && value[$0 + 1] == 0x30 && (value[$0 + 2] | 0x20) == 0x64 }
            if crlfOnly && !escapedCR { #expect(written != nil, "\(value.prefix(200)) given up") }
            if let written { #expect(Array(out[..<written]) == expected, "\(value.prefix(200))") }
            #expect(out[value.count...].allSatisfy { $0 == 0xA5 }, "\(value.prefix(200)) written past its room")
        }
    }

    /// The base64 decoder as it read byte by byte (a switch per byte), for the table decoder to agree with.
    static func base64ByBytes(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in input {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="):
                accumulator = 0
                bits = 0
                continue
            default: continue
            }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        return out
    }

    @Test func base64AgreesWithTheByteDecoder() {
        var values = ["", "=", "QQ", "QQ==", "QUJD", "QUJDRA", "QUJD\r\nREVG", "aGVs\nbG8g\r\nd29y!bGQ=\n", "QQ==QkM=",
                      "QU=JD", "-_-_", "////", "A", "AB", "ABC", "ABCD=EFGH", " \tQUJD "].map(Self.ascii)
        var generator = SplitMix64(seed: 11)
        let alphabet = Self.ascii("AZaz09+/-_=\r\n !Q")
        for _ in 0..<4000 { values.append(generator.bytes(alphabet, count: generator.below(40))) }
        // Every byte value, in and out of the alphabet.
        values.append((0...255).map { UInt8($0) })
        for value in values {
            #expect(TransferDecoding.base64(value[...]) == Self.base64ByBytes(value), "\(value)")
            #expect(TransferDecoding.base64(([0x41] + value)[1...]) == Self.base64ByBytes(value), "sliced \(value)")
        }
    }

    @Test func plainTestOfEncodedWordsAgreesWithAByteLoop() {
        var generator = SplitMix64(seed: 9)
        let alphabet = Self.ascii("ab=?? \r\n")
        for _ in 0..<3000 {
            let value = generator.bytes(alphabet, count: generator.below(40))
            #expect(EncodedWords.isPlain(value[...]) == Self.isPlainByBytes(value), "\(value)")
        }
    }

    /// No line end and no `=?`, byte by byte: what `EncodedWords.isPlain` answers.
    static func isPlainByBytes(_ value: [UInt8]) -> Bool {
        var previous: UInt8 = 0
        for b in value {
            if b == 0x0D || b == 0x0A || (previous == 0x3D && b == 0x3F) { return false }
            previous = b
        }
        return true
    }

    /// `EncodedWords.plainness` answers `isPlain` (by bytes) and, for a plain value, whether every byte is ASCII
    /// (its word loop ORs the high bits on the way), at every length around the eight-byte words, with
    /// the marks and 8-bit bytes at every place; and `decode` of a plain ASCII value is its String.
    @Test func plainnessAgreesWithIsPlainAndTheASCIITest() {
        var generator = SplitMix64(seed: 17)
        let alphabet: [UInt8] = Self.ascii("ab=?? \r\n\t") + [0x80, 0xC3, 0xA9, 0xFF, 0x7F, 0x00]
        var values: [[UInt8]] = [[], [0x80], Self.ascii("=?"), Self.ascii("abcdefgh"), Self.ascii("abcdefgh\u{80}")]
        for _ in 0..<4000 { values.append(generator.bytes(alphabet, count: generator.below(40))) }
        for value in values {
            let plain = Self.isPlainByBytes(value)
            let ascii = value.allSatisfy { $0 < 0x80 }
            let expected: EncodedWords.Plainness = !plain ? .encoded : ascii ? .plainASCII : .plain
            #expect(EncodedWords.plainness(value[...]) == expected, "\(value)")
            #expect(EncodedWords.plainness(([0x41] + value)[1...]) == expected, "sliced \(value)")
            if plain {
                #expect(EncodedWords.decode(value[...]) == CharsetDecoder.utf8OrWindows1252(value[...]), "\(value)")
            }
        }
    }

    /// `EncodedWords.plainness` on long values: at every length from 0 to 48 (blocks of sixteen, the
    /// last overlapping, two words below sixteen, bytes below eight), a plain value, the same with one
    /// `?`, CR or LF, and with one 8-bit byte, at every place.
    @Test func plainnessReadsEveryPlaceOfLongValues() {
        var generator = SplitMix64(seed: 29)
        let plainBytes: [UInt8] = Self.ascii("abz=-_ .\t") + [0x7F, 0x00, 0x40]
        for count in 0...48 {
            let value = generator.bytes(plainBytes, count: count)
            var variants = [value]
            for place in 0..<count {
                for mark in Self.ascii("?\r\n") + [0x80, 0xE9, 0xFF] {
                    var changed = value
                    changed[place] = mark
                    variants.append(changed)
                }
            }
            for variant in variants {
                let plain = Self.isPlainByBytes(variant)
                let ascii = variant.allSatisfy { $0 < 0x80 }
                let expected: EncodedWords.Plainness = !plain ? .encoded : ascii ? .plainASCII : .plain
                #expect(EncodedWords.plainness(variant[...]) == expected, "\(variant)")
                #expect(EncodedWords.plainness(([0x41] + variant)[1...]) == expected, "sliced \(variant)")
            }
        }
    }

    /// `lowercasedByScalars` reads the scalars from the UTF-8 bytes and copies caseless ones as they
    /// are: it must still be `lowercased()` at and around the edges of the caseless ranges, for cased
    /// scalars of 2, 3 and 4 bytes (some lower-casing to more bytes), and upper-case ASCII between them.
    @Test func lowercasedByScalarsAgreesAtTheCaselessRangesEdges() {
        let pieces = ["\u{2FFF}", "\u{3000}", "\u{30FF}", "\u{3100}", "\u{33FF}", "\u{3400}", "\u{4DBF}", "\u{4DC0}",
                      "\u{4E00}", "\u{9FFF}", "\u{A000}", "\u{ABFF}", "\u{AC00}", "\u{D7A3}", "\u{D7A4}", "\u{FF21}",
                      "\u{216B}", "\u{13A0}", "\u{10400}", "\u{1E900}", "\u{1F600}", "İ", "Σ", "ẞ", "À", "µ", "A", "Z", "a",
                      "@", "[", " ", "\n", "日本語", "エラー"]
        var generator = SplitMix64(seed: 3000)
        for _ in 0..<3000 {
            let text = (0..<generator.below(10)).map { _ in pieces[generator.below(pieces.count)] }.joined()
            #expect(text.lowercasedByScalars() == text.lowercased(), "\(text.unicodeScalars.map { $0.value })")
        }
    }

    /// `lowercasedIfNeeded` reads up to the first upper-case letter and lower-cases from its word on,
    /// giving up at a non-ASCII byte: long ASCII texts with an upper-case letter and a non-ASCII scalar
    /// each at any place (either first, in one word or apart, or in the last bytes after the words).
    @Test func lowercasedIfNeededAgreesWithAnUpperAndANonASCIIAnywhere() {
        var generator = SplitMix64(seed: 3001)
        let lower = Array("abcxyz09 .-@\n".utf8)
        for _ in 0..<4000 {
            var bytes = generator.bytes(lower, count: generator.below(40))
            if generator.below(4) != 0 { bytes.insert(UInt8(ascii: "A") + UInt8(generator.below(26)), at: generator.below(bytes.count + 1)) }
            if generator.below(3) == 0 {
                let scalar = ["é", "É", "日", "\u{1F600}"][generator.below(4)]
                bytes.insert(contentsOf: Array(scalar.utf8), at: generator.below(bytes.count + 1))
            }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.lowercasedIfNeeded() == text.lowercased(), "\(text)")
        }
    }

    @Test func stringHelpersAgreeWithTheStandardLibrary() {
        var generator = SplitMix64(seed: 10)
        let pieces = ["A", "b", " ", "\t", "\r\n", "É", "é", "İ", "Σ", "ß", "Ａ", "日本", "カタカナ", "ひら", "한국", "\u{3000}",
                      "\u{1F600}", "Ω", "ǅ", "x\u{301}", "MAILER", "-"]
        for _ in 0..<3000 {
            let text = (0..<generator.below(12)).map { _ in pieces[generator.below(pieces.count)] }.joined()
            #expect(text.lowercasedIfNeeded() == text.lowercased(), "\(text)")
            #expect(text.lowercasedByScalars() == text.lowercased(), "\(text)")
            let other = (0..<generator.below(3)).map { _ in pieces[generator.below(pieces.count)] }.joined()
            #expect(text.hasPrefix(other) == text.utf8.starts(with: other.utf8), "\(text) \(other)")
            #expect(text.hasSuffix(other) == text.utf8.reversed().starts(with: other.utf8.reversed()), "\(text) \(other)")
            let sub = text.dropFirst(generator.below(3))
            #expect(sub.hasPrefix(other) == sub.utf8.starts(with: other.utf8), "\(text) \(other)")
            var u = sub.utf8.startIndex, v = sub.utf8.endIndex
            while u < v, ASCII.isWhitespaceOrNewline(sub.utf8[u]) { u = sub.utf8.index(after: u) }
            while v > u, ASCII.isWhitespaceOrNewline(sub.utf8[sub.utf8.index(before: v)]) { v = sub.utf8.index(before: v) }
            #expect(sub.trimmedSlice == sub[u..<v], "\(text)")
        }
    }

    /// The Substring twins read their bytes through `withUTF8` on a copy: the same answers as a plain
    /// byte search over the substring's UTF-8 view, for slices cut at both ends (not at zero, not to the
    /// end of their String), small and large Strings, empty needles and needles longer than the text.
    @Test func substringHelpersAgreeWithAByteSearch() {
        func naive(_ needle: [UInt8], _ haystack: [UInt8]) -> Int? {
            guard !needle.isEmpty else { return 0 }
            guard haystack.count >= needle.count else { return nil }
            for i in 0...(haystack.count - needle.count) where Array(haystack[i..<(i + needle.count)]) == needle { return i }
            return nil
        }
        var generator = SplitMix64(seed: 40)
        let pieces = ["A", "b", " ", "\t", "\r\n", "é", "日本", "\u{1F600}", "x\u{301}", "MAILER", "-", "550 5.1.1", "user unknown"]
        for _ in 0..<3000 {
            let text = (0..<generator.below(16)).map { _ in pieces[generator.below(pieces.count)] }.joined()
            let sub = text.dropFirst(generator.below(3)).dropLast(generator.below(3))
            let other = (0..<generator.below(4)).map { _ in pieces[generator.below(pieces.count)] }.joined()
            let bytes = Array(sub.utf8), needle = Array(other.utf8)
            #expect(sub.hasPrefix(other) == bytes.starts(with: needle), "\(text) \(other)")
            #expect(sub.hasSuffix(other) == bytes.reversed().starts(with: needle.reversed()), "\(text) \(other)")
            let offset = naive(needle, bytes)
            #expect(sub.contains(other) == (offset != nil), "\(text) \(other)")
            let range = sub.firstRange(of: other)
            #expect(range.map { sub.utf8.distance(from: sub.startIndex, to: $0.lowerBound) } == offset, "\(text) \(other)")
            #expect(range.map { text.utf8.distance(from: $0.lowerBound, to: $0.upperBound) } == offset.map { _ in needle.count })
        }
    }

    /// `Substring.trimmed`, made from the bytes in place, is `String(trimmedSlice)`, the String of
    /// the substring without the spaces, tabs, CR and LF at its ends.
    @Test func trimmedAgreesWithTheTrimmedSlice() {
        var generator = SplitMix64(seed: 41)
        let pieces = [" ", "\t", "\r", "\n", "\r\n", "a", "é", "日本", "\u{1F600}", "x\u{301}", "\u{00A0}", "550 5.1.1"]
        for _ in 0..<3000 {
            let text = (0..<generator.below(12)).map { _ in pieces[generator.below(pieces.count)] }.joined()
            let sub = text.dropFirst(generator.below(3)).dropLast(generator.below(3))
            let trimmed = sub.trimmed
            #expect(trimmed == String(sub.trimmedSlice), "\(text)")
            let bytes = Array(sub.utf8)
            let isEdge: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
            let start = bytes.firstIndex { !isEdge($0) } ?? bytes.count
            let end = (bytes.lastIndex { !isEdge($0) }).map { $0 + 1 } ?? start
            #expect(Array(trimmed.utf8) == Array(bytes[start..<max(start, end)]), "\(text)")
        }
    }

    @Test func unfoldingAgreesWithAByteLoop() {
        var generator = SplitMix64(seed: 6)
        let alphabet = Self.ascii("abcdefgh \t\r\n")
        for _ in 0..<2000 {
            let raw = generator.bytes(alphabet, count: generator.below(60))
            let limit = 1 + generator.below(40)
            let field = HeaderField(name: Self.ascii("x")[...], rawValue: raw[...], offset: 0, isFolded: true,
                                    maxUnfoldedBytes: limit)
            let kept = Array(raw.filter { $0 != 0x0D && $0 != 0x0A }.prefix(limit))
            #expect(Array(field.unfoldedValue) == Array(kept[...].trimmingWhitespace()), "\(raw) \(limit)")
            // Appended to a buffer (folded or not), the same bytes after what it held.
            for folded in [true, false] {
                let field = HeaderField(name: Self.ascii("x")[...], rawValue: raw[...], offset: 0, isFolded: folded,
                                        maxUnfoldedBytes: limit)
                var out = Self.ascii("held\n")
                field.appendUnfoldedValue(to: &out)
                #expect(out == Self.ascii("held\n") + Array(field.unfoldedValue), "\(raw) \(limit) \(folded)")
            }
        }
    }

    /// Long folded values (the sixteen-byte blocks of the unfolding: runs longer than a block, line
    /// ends anywhere in one, CRLF, lone CR and LF, blank lines, 8-bit bytes, limits inside and past
    /// the value) give every byte but CR and LF, cut at the limit and trimmed, as a byte loop does.
    @Test func unfoldingLongValuesAgreesWithAByteLoop() {
        var generator = SplitMix64(seed: 61)
        let text = Self.ascii("abcdefgh \t") + [0xC3, 0xA9, 0x00, 0xFF]
        let lineEnds = [Self.ascii("\r\n "), Self.ascii("\n\t"), Self.ascii("\r "), Self.ascii("\r\n"), Self.ascii("\n"),
                        Self.ascii("\r\n\r\n ")]
        for _ in 0..<3000 {
            var raw: [UInt8] = []
            for _ in 0..<generator.below(8) {
                raw += generator.bytes(text, count: generator.below(48))
                raw += lineEnds[generator.below(lineEnds.count)]
            }
            raw += generator.bytes(text, count: generator.below(40))
            let limit = generator.below(3) == 0 ? 100 * 1024 : 1 + generator.below(raw.count + 20)
            let field = HeaderField(name: Self.ascii("received")[...], rawValue: raw[...], offset: 0, isFolded: true,
                                    maxUnfoldedBytes: limit)
            let kept = Array(raw.filter { $0 != 0x0D && $0 != 0x0A }.prefix(limit))
            #expect(Array(field.unfoldedValue) == Array(kept[...].trimmingWhitespace()), "\(raw) \(limit)")
        }
    }
}
