import Testing
import TestSupport
@testable import DeliveryStatus
import MailParsing

/// The DSN reader's own group parser against the header parser it replaced (`HeaderSection.parse`
/// per group), and the byte readers of field values against their String versions.
@Suite struct DeliveryStatusFieldsTests {
    /// Groups and fields as `Groups.next()` finds them with `HeaderSection`.
    static func reference(_ bytes: ArraySlice<UInt8>) -> [[DeliveryStatusFields.Field]] {
        var groups = DeliveryStatusFields.Groups(bytes)
        var out: [[DeliveryStatusFields.Field]] = []
        while let section = groups.next() {
            let isASCII = !section.defects.contains(.eightBitBytes)
            out.append(section.fields.map { DeliveryStatusFields.Field($0, isASCII: isASCII) })
        }
        return out
    }

    static func parsed(_ bytes: ArraySlice<UInt8>) -> [[DeliveryStatusFields.Field]] {
        var groups = DeliveryStatusFields.Groups(bytes)
        var out: [[DeliveryStatusFields.Field]] = []
        var fields: [DeliveryStatusFields.Field] = []
        while groups.next(into: &fields) {
            out.append(fields)
            fields.removeAll()
        }
        return out
    }

    static let pieces: [String] = [
        "Reporting-MTA: dns; mx.example.net", "Final-Recipient: rfc822; a@b.example", "Action: failed", "Status: 5.1.1 (x)",
        "Diagnostic-Code: smtp; 550 5.1.1", "  folded line", "\tfolded tab", "no colon here", "Name With Space: x", "X-Ext : y",
        "From MAILER-DAEMON Mon Jan 1", "From : someone", "from x", ": empty name", "   ", "", "Original-Recipient: rfc822;c@d",
        "Arrival-Date: Mon, 1 Jan", "Remote-MTA: dns; [192.0.2.1]", "X-Actual-Recipient: rfc822; é@x.example", "ACTION: Delayed",
        "Will-Retry-Until: soon", "status:4.4.7", "Diagnostic-Code:", "a:b:c",
    ]
    static let ends: [String] = ["\n", "\r\n", "\r", "\n\n", " \n", "\t\n", "\r\n\r\n"]

    @Test func groupParserMatchesHeaderSection() {
        var generator = SplitMix64(seed: 11)
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 12) {
                text += Self.pieces[Int(generator.next() % UInt64(Self.pieces.count))]
                text += Self.ends[Int(generator.next() % UInt64(Self.ends.count))]
            }
            if generator.next() % 4 == 0 { text = String(text.dropLast()) }
            let bytes = Array(text.utf8)[...]
            #expect(Self.parsed(bytes) == Self.reference(bytes), "\(text.debugDescription)")
        }
    }

    /// `valueBytes(in:)` reads an unfolded value in place: it must equal the `HeaderField`'s
    /// `unfoldedValue` (and `trimmedValue(in:)` the trimmed String) for every field of random groups,
    /// with blank values, folded values, CR, LF and CRLF line ends, 8-bit bytes and values cut off.
    @Test func valuesInPlaceMatchTheHeaderField() {
        /// `withValueBytes(in:buffer:_:)`, `value(in:buffer:)` and `trimmedValue(in:buffer:)` give what
        /// `valueBytes(in:)`, `value(in:)` and `trimmedValue(in:)` give.
        func expectInPlace(_ field: DeliveryStatusFields.Field, _ bytes: ArraySlice<UInt8>) {
            bytes.withUnsafeBufferPointer { buffer in
                #expect(field.withValueBytes(in: bytes, buffer: buffer) { Array($0) } == Array(field.valueBytes(in: bytes)))
                #expect(field.value(in: bytes, buffer: buffer) == field.value(in: bytes))
                #expect(field.trimmedValue(in: bytes, buffer: buffer) == field.trimmedValue(in: bytes))
            }
        }
        var generator = SplitMix64(seed: 29)
        let extra = ["Diagnostic-Code: smtp; \u{00E9}t\u{00E9} \t ", "Status: \t \r", "X-Long: " + String(repeating: "ab ", count: 40),
                     "Final-Recipient:rfc822;a@b\r", "Remote-MTA:   "]
        let pieces = Self.pieces + extra
        var fieldsSeen = 0
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 12) {
                text += pieces[Int(generator.next() % UInt64(pieces.count))]
                text += Self.ends[Int(generator.next() % UInt64(Self.ends.count))]
            }
            if generator.next() % 4 == 0 { text = String(text.dropLast()) }
            let bytes = Array(text.utf8)[...]
            for group in Self.parsed(bytes) {
                for field in group {
                    fieldsSeen += 1
                    let header = field.header(in: bytes)
                    #expect(field.valueBytes(in: bytes) == header.unfoldedValue, "\(text.debugDescription)")
                    #expect(field.value(in: bytes) == header.valueString, "\(text.debugDescription)")
                    #expect(field.trimmedValue(in: bytes) == header.valueString.trimmed, "\(text.debugDescription)")
                    expectInPlace(field, bytes)
                }
            }
        }
        #expect(fieldsSeen > 50_000)
        // A value longer than the limit is cut at it, and the cut may leave a blank at the end.
        let long = Array(("Diagnostic-Code: " + String(repeating: "a ", count: 60_000) + "\n").utf8)[...]
        let field = Self.parsed(long)[0][0]
        #expect(field.valueBytes(in: long) == field.header(in: long).unfoldedValue)
        #expect(field.valueBytes(in: long).count == DeliveryStatusFields.Field.maxUnfoldedBytes)
        #expect(field.trimmedValue(in: long) == field.header(in: long).valueString.trimmed)
        expectInPlace(field, long)
        // Folded and longer than the limit: unfolded by `unfolded(_:)`, cut at the limit as well.
        let folded = Array(("Diagnostic-Code: smtp;" + String(repeating: " a b\r\n\t c", count: 20_000) + "\n").utf8)[...]
        let foldedField = Self.parsed(folded)[0][0]
        #expect(foldedField.isFolded)
        #expect(foldedField.valueBytes(in: folded) == foldedField.header(in: folded).unfoldedValue)
        #expect(foldedField.trimmedValue(in: folded) == foldedField.header(in: folded).valueString.trimmed)
        expectInPlace(foldedField, folded)
        // A slice that does not start at 0: its fields' ranges are its indices.
        let shifted = Array(("X\n\nStatus: 5.1.1\nDiagnostic-Code: smtp; a\n b\n").utf8)[2...]
        for group in Self.parsed(shifted) {
            for field in group { expectInPlace(field, shifted) }
        }
    }

    /// `checkedAddress(asciiBytes:)` gives `address(asciiBytes:)` and `isAddress` of it.
    @Test func checkedAddressesMatchTheStrings() {
        let values = ["rfc822; <User+2Bx@Example.COM>", "rfc822; user@example.com", "RFC822; \"user\"@example.com.", "utf-8; a+b@x.example",
                      "x400; a@b", "a@b", "<a@b> (comment)", "rfc822;mailto:a@b", "rfc822; a+zz@b", "no address", "", "rfc822;", "dns; [1.2.3.4]",
                      "rfc822; 'a@b',", "rfc822; (a@b)", "rfc822; <a@b", "rfc822; a>b@c<d", "rfc822; @b", "rfc822; a@", "rfc822; <a b@c>",
                      "rfc822; <a@b@c>", "rfc822; ab", "rfc822; <a\t@b>", "rfc822; <" + String(repeating: "a", count: 320) + "@b>",
                      "rfc822; <" + String(repeating: "a", count: 316) + "@b>", "rfc822; <é@x>", "utf-8; <ü @x>", "rfc822; <x@@>", "rfc822; <+41@b>"]
        for v in values {
            let bytes = Array(v.utf8)[...]
            let (address, isAddress) = TypedValue.checkedAddress(asciiBytes: bytes)
            #expect(address == TypedValue.address(asciiBytes: bytes), "\(v)")
            #expect(isAddress == Addresses.isAddress(address), "\(v)")
        }
    }

    /// `asciiParts` as it was on ArraySlice indices (the buffer version must agree).
    static func referenceParts(_ bytes: ArraySlice<UInt8>) -> (type: Range<Int>?, value: Range<Int>) {
        func blank(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 || b == 10 }
        func trimmed(_ range: Range<Int>) -> Range<Int> {
            var lower = range.lowerBound, upper = range.upperBound
            while lower < upper, blank(bytes[lower]) { lower += 1 }
            while upper > lower, blank(bytes[upper - 1]) { upper -= 1 }
            return lower..<upper
        }
        let whole = trimmed(bytes.startIndex..<bytes.endIndex)
        if let semi = bytes[whole].firstIndex(of: UInt8(ascii: ";")) {
            let head = trimmed(whole.lowerBound..<semi)
            if !head.isEmpty, head.count <= 40, bytes[head].allSatisfy(TypedValue.isTypeByte) {
                return (head, trimmed((semi + 1)..<whole.upperBound))
            }
        }
        return (nil, whole)
    }

    /// `Addresses.bareRange` as it was (`firstIndex(of:)` and `starts(with: "mailto:".utf8)`).
    static func referenceBareRange(_ u: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        func isBreak(_ b: UInt8) -> Bool {
            switch b {
            case 0x20, 0x09, 0x0A, 0x3C, 0x3E, 0x28, 0x29, 0x2C, 0x3B, 0x22, 0x5B, 0x5D, 0x27, 0x3A: return true
            default: return false
            }
        }
        var lower = 0, upper = u.count
        if let lt = u.firstIndex(of: 0x3C), let gt = u[lt...].firstIndex(of: 0x3E) {
            lower = lt + 1
            upper = gt
        } else if let at = u.firstIndex(of: 0x40) {
            lower = at
            upper = at
            while lower > 0, !isBreak(u[lower - 1]) { lower -= 1 }
            while upper < u.count, !isBreak(u[upper]) { upper += 1 }
        }
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while lower < upper, blank(u[lower]) { lower += 1 }
        while upper > lower, blank(u[upper - 1]) { upper -= 1 }
        func trailing(_ b: UInt8) -> Bool {
            switch b {
            case 0x22, 0x27, 0x2E, 0x2C, 0x3B, 0x3A, 0x29, 0x5D: return true
            default: return false
            }
        }
        while lower < upper, u[lower] == 0x22 || u[lower] == 0x27 || u[lower] == 0x28 || u[lower] == 0x5B { lower += 1 }
        while upper > lower, trailing(u[upper - 1]) { upper -= 1 }
        if u[lower..<upper].starts(with: "mailto:".utf8) { lower += 7 }
        return (lower, upper)
    }

    /// Random address-like values from pieces that reach every branch: types of every case and
    /// length, `;` anywhere, blanks (space, tab, CR, LF) at both ends, `<`/`>` in either order,
    /// `+` escapes, quotes and trailing punctuation, `mailto:` (and near misses), 8-bit bytes, and
    /// values cut mid-token (a random prefix of the bytes).
    static func randomAddressValues(seed: UInt64, count: Int) -> [ArraySlice<UInt8>] {
        let pieces = ["rfc822", "RFC822", "Rfc822", "rfc823", "utf-8", "x400", "dns", "rfc8222", "rfc82", String(repeating: "t", count: 40),
                      String(repeating: "t", count: 41), ";", "; ", " ;", "\t", "\r", "\n", " ", "<", ">", "@", "@@", "+", "+2B", "+zz",
                      "user", "a.b", "example.com", ".", ",", "\"", "'", "(", ")", "[", "]", ":", "mailto:", "mailto", "MAILTO:", "mailt:",
                      "é", "ü", "a b", "x_y", "-", String(repeating: "a", count: 318)]
        var generator = SplitMix64(seed: seed)
        var out: [ArraySlice<UInt8>] = []
        for _ in 0..<count {
            var text = ""
            for _ in 0..<Int(generator.next() % 9) { text += pieces[Int(generator.next() % UInt64(pieces.count))] }
            var bytes = Array(text.utf8)
            if generator.next() % 5 == 0, !bytes.isEmpty { bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count)))) }
            // Now and then a slice that does not start at 0, as the DSN reader's are.
            let pad = Int(generator.next() % 3)
            let padded = Array(repeating: UInt8(ascii: "z"), count: pad) + bytes
            out.append(padded[pad...])
        }
        return out
    }

    /// The bytes `Addresses.marks` reports as `cut`: below 0x2D, `:` `;` `<` `>` `[` `]`.
    static func cutsAddress(_ b: UInt8) -> Bool { b < 0x2D || [0x3A, 0x3B, 0x3C, 0x3E, 0x5B, 0x5D].contains(b) }

    /// `Addresses.marks` (eight bytes a word) agrees with byte-by-byte tests, at every alignment of
    /// the `+`, `<` and `@` within a word and in the tail.
    @Test func marksAgreeWithByteTests() {
        for bytes in Self.randomAddressValues(seed: 43, count: 10_000) {
            let text = String(decoding: bytes, as: UTF8.self).debugDescription
            bytes.withUnsafeBufferPointer { u in
                let marks = Addresses.marks(u)
                #expect(marks.plus == u.contains(UInt8(ascii: "+")), "\(text)")
                #expect(marks.lessThan == u.contains(UInt8(ascii: "<")), "\(text)")
                #expect(marks.firstAt == (u.firstIndex(of: UInt8(ascii: "@")) ?? -1), "\(text)")
                #expect(marks.lastAt == (u.lastIndex(of: UInt8(ascii: "@")) ?? -1), "\(text)")
                #expect(marks.ascii == u.allSatisfy { $0 < 0x80 }, "\(text)")
                #expect(marks.cut == u.contains(where: Self.cutsAddress), "\(text)")
            }
        }
        // Every byte at every place of values up to 19 bytes, with an `@` before or after it.
        for length in 1..<20 {
            for position in 0..<length {
                for byte in UInt8.min...UInt8.max {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[position] = byte
                    if length > 2 { bytes[(position + length / 2) % length] = UInt8(ascii: "@") }
                    bytes.withUnsafeBufferPointer { u in
                        let marks = Addresses.marks(u)
                        #expect(marks.cut == u.contains(where: Self.cutsAddress), "\(bytes)")
                        #expect(marks.lastAt == (u.lastIndex(of: UInt8(ascii: "@")) ?? -1), "\(bytes)")
                        #expect(marks.firstAt == (u.firstIndex(of: UInt8(ascii: "@")) ?? -1), "\(bytes)")
                    }
                }
            }
        }
        for length in 0..<20 {
            for position in 0..<max(length, 1) {
                for mark in [UInt8(ascii: "+"), UInt8(ascii: "<"), UInt8(ascii: "@"), 0xC3] {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    if position < length { bytes[position] = mark }
                    bytes.withUnsafeBufferPointer { u in
                        let marks = Addresses.marks(u)
                        let hit = position < length
                        #expect(marks.plus == (hit && mark == UInt8(ascii: "+")))
                        #expect(marks.lessThan == (hit && mark == UInt8(ascii: "<")))
                        #expect(marks.firstAt == (hit && mark == UInt8(ascii: "@") ? position : -1))
                        #expect(marks.ascii == !(hit && mark == 0xC3))
                    }
                }
            }
        }
    }

    /// The buffer versions of `asciiParts`, `bareRange` and `checkedAddress` agree with what they
    /// replaced over many random values.
    @Test func addressReadersAgreeWithTheirReferencesOnRandomValues() {
        for bytes in Self.randomAddressValues(seed: 41, count: 30_000) {
            let text = String(decoding: bytes, as: UTF8.self).debugDescription
            let parts = TypedValue.asciiParts(bytes)
            let reference = Self.referenceParts(bytes)
            #expect(parts.type == reference.type && parts.value == reference.value, "\(text)")
            bytes.withUnsafeBufferPointer { u in
                let bare = Addresses.bareRange(u)
                let old = Self.referenceBareRange(u)
                #expect(bare == old, "\(text)")
            }
            let (address, isAddress) = TypedValue.checkedAddress(asciiBytes: bytes)
            let typed = TypedValue(asciiBytes: bytes)
            #expect(address == typed.address, "\(text)")
            #expect(isAddress == Addresses.isAddress(typed.address), "\(text)")
        }
    }

    /// `bareRange` (memchr for `<`, `>` and `@`) agrees with the byte loops it replaced on every
    /// line of the sisimai bsd messages, every line cut in half, with CR LF and CR line ends kept in
    /// them, on whole messages, and on the edges: empty, no `@`, `<` without `>`, `>` before `<`.
    @Test func bareRangeAgreesWithItsReferenceOnTheCorpus() throws {
        var inputs: [[UInt8]] = ["", "@", "<", ">", "<>", "><", "a@b", "<a@b", "a@b>", "x <a@b> y", "> <a@b", "\"q x\"@b.c",
                                 "mailto:a@b", "(a@b)", "a@b.\r\n", "\u{00E9}@\u{00FC}", "<\u{00E9}@b>", "a b c"].map { Array($0.utf8) }
        for (_, message) in try RecognizerLineLoopTests.bsdMessages() {
            inputs.append(message)
            var crlf: [UInt8] = []
            for b in message { if b == 10 { crlf.append(13) }; crlf.append(b) }
            for text in [message, crlf, message.map { $0 == 10 ? 13 : $0 }] {
                for line in text.split(separator: 10, omittingEmptySubsequences: false) {
                    inputs.append(Array(line))
                    inputs.append(Array(line.prefix(line.count / 2)))
                }
            }
        }
        for bytes in inputs {
            bytes.withUnsafeBufferPointer { u in
                let new = Addresses.bareRange(u)
                let old = Self.referenceBareRange(u)
                #expect(new == old, "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
        }
    }

    /// `diagnosticCode(_:in:)` gives `TypedValue(field, in:)`'s value and its type upper-cased, and
    /// `TypedValue.value(of:in:)` its value, for ASCII and 8-bit values, folded ones, types of every
    /// case, no type, and an empty value.
    @Test func diagnosticCodesMatchTypedValues() {
        let values = ["smtp; 550 5.1.1 <a@b>: user unknown", "SMTP;550", "X-Unix; Mailbox full", "x-postfix; host said: 550",
                      "no type here", "; x", "smtp;", "", "utf-8; \u{00E9}t\u{00E9}", "Smtp_Ext.v-2 ;  x ", "smtp; a\n b\n\tc",
                      String(repeating: "a", count: 41) + "; v", "a b; c", "mailer-daemon; zz;yy", "dns; [192.0.2.1]", " dns ;mx.example.net ", "\u{00E9}; v"]
        for v in values {
            let bytes = Array("Diagnostic-Code: \(v)\n\n".utf8)[...]
            var fields: [DeliveryStatusFields.Field] = []
            var groups = DeliveryStatusFields.Groups(bytes)
            guard groups.next(into: &fields), let field = fields.first else { continue }
            let typed = TypedValue(field, in: bytes)
            let (type, value) = RFC3464Recognizer.diagnosticCode(field, in: bytes)
            #expect(type == typed.type?.uppercased(), "\(v)")
            #expect(value == typed.value, "\(v)")
            #expect(TypedValue.value(of: field, in: bytes) == typed.value, "\(v)")
        }
    }

    @Test func namesMatchTheLowercasedStrings() {
        let names = ["final-recipient", "original-recipient", "x-actual-recipient", "action", "status", "remote-mta", "diagnostic-code",
                     "last-attempt-date", "final-log-id", "will-retry-until", "reporting-mta", "dsn-gateway", "received-from-mta",
                     "arrival-date", "original-envelope-id"]
        for name in names {
            for variant in [name, name.uppercased(), name.prefix(1).uppercased() + name.dropFirst(), name + "x", String(name.dropLast())] {
                let recognised = DeliveryStatusFields.Name(Array(variant.utf8)[...])
                #expect((recognised != .other) == names.contains(variant.lowercased()), "\(variant)")
            }
        }
        #expect(DeliveryStatusFields.Name(Array("ſtatus".utf8)[...]) == .other)
    }

    /// `name`'s bytes with some letters upper-cased and then one byte changed at random: 0x20 apart,
    /// to any byte within `anyByteMask`, or left.
    static func mutated(_ name: String, _ generator: inout SplitMix64, anyByteMask: UInt8) -> [UInt8] {
        var bytes = Array(name.utf8)
        for k in bytes.indices where generator.next() % 2 == 0 { bytes[k] = bytes[k] >= 0x61 && bytes[k] <= 0x7A ? bytes[k] - 32 : bytes[k] }
        let k = Int(generator.next() % UInt64(bytes.count))
        switch generator.next() % 3 {
        case 0: bytes[k] ^= 0x20
        case 1: bytes[k] = UInt8(truncatingIfNeeded: generator.next()) & anyByteMask
        default: break
        }
        return bytes
    }

    /// `Name.init` against the lower-cased String looked up in the table of names, over the names with
    /// one byte changed at random (to its other case, to the byte 0x20 apart, to any byte: `-` and CR,
    /// `a` and `A`/`!`), so a comparison that folded non-letters, or skipped a byte, would fail.
    @Test func namesMatchTheLowercasedStringsOnMutatedBytes() {
        let table: [(String, DeliveryStatusFields.Name)] = [
            ("final-recipient", .finalRecipient), ("original-recipient", .originalRecipient),
            ("x-actual-recipient", .xActualRecipient), ("action", .action), ("status", .status), ("remote-mta", .remoteMTA),
            ("diagnostic-code", .diagnosticCode), ("last-attempt-date", .lastAttemptDate), ("final-log-id", .finalLogID),
            ("will-retry-until", .willRetryUntil), ("reporting-mta", .reportingMTA), ("dsn-gateway", .dsnGateway),
            ("received-from-mta", .receivedFromMTA), ("arrival-date", .arrivalDate), ("original-envelope-id", .originalEnvelopeID),
        ]
        func reference(_ bytes: [UInt8]) -> DeliveryStatusFields.Name {
            let lowered = String(decoding: bytes, as: UTF8.self).lowercased()
            return table.first { $0.0 == lowered }?.1 ?? .other
        }
        var generator = SplitMix64(seed: 47)
        for (name, expected) in table {
            #expect(DeliveryStatusFields.Name(Array(name.uppercased().utf8)[...]) == expected, "\(name)")
            for _ in 0..<2_000 {
                let bytes = Self.mutated(name, &generator, anyByteMask: 0xFF)
                #expect(DeliveryStatusFields.Name(bytes[...]) == reference(bytes), "\(bytes)")
            }
        }
        #expect(DeliveryStatusFields.Name([UInt8]()[...]) == .other)
        // A slice not starting at 0, as the reader's are.
        let body = Array("xxStatus: 5.1.1".utf8)
        #expect(DeliveryStatusFields.Name(body[2..<8]) == .status)
    }

    /// `Field.lowercasedASCIIName(in:)` against `ASCII.lowercasedString` of the name: Postfix's two
    /// names (given as literals) and their neighbours in length, letters in either case, one byte
    /// changed at random (0x20 apart, or to any ASCII byte), read from a slice not starting at 0.
    @Test func lowercasedASCIINamesMatchLowercasedStrings() {
        let names = ["x-postfix-queue-id", "x-postfix-sender", "x-postfix-queue-i", "x-postfix-senders",
                     "x-display-name", "x-actual-recipient", "x-", "x-postfix-queue-ie"]
        var generator = SplitMix64(seed: 53)
        for name in names {
            for _ in 0..<1_000 {
                let bytes = Self.mutated(name, &generator, anyByteMask: 0x7F)
                let body = Array("ab".utf8) + bytes + Array(": v\n".utf8)
                let field = DeliveryStatusFields.Field(name: .other, isASCII: true, isFolded: false, nameRange: 2..<(2 + bytes.count),
                                                       rawValueRange: (3 + bytes.count)..<(body.count - 1))
                #expect(field.lowercasedASCIIName(in: body[...]) == ASCII.lowercasedString(bytes), "\(bytes)")
            }
        }
    }

    @Test func typedValuesOnBytesMatchStrings() {
        let values = ["rfc822; <User+2Bx@Example.COM>", "  smtp ;  550 5.1.1 no  ", "no type here", "dns; mx.example.net", ";x", "a b; c",
                      "RFC822;a@b", "x-unix; 1", String(repeating: "a", count: 41) + "; v", String(repeating: "a", count: 40) + "; v", "", " ; ",
                      "utf-8; a@b", "type;", "t\t;\tv\t"]
        for v in values {
            let bytes = TypedValue(asciiBytes: Array(v.utf8)[...])
            let string = TypedValue(v)
            #expect(bytes == string, "\(v)")
        }
    }

    @Test func actionsOnBytesMatchStrings() {
        let values = ["failed", "Failed (permanent)", "FAILURE; x", "  delayed", "delivered", "deliverable", "relayed", "expanded", "expired",
                      "undeliverable", "fail", "delay", "success", "succeeded", "other", "", "(failed)", ";failed", "fail-ed", "\tRelayed\t"]
        for v in values {
            #expect(DeliveryAction(asciiWord: DeliveryAction.firstWord(Array(v.utf8)[...])) == DeliveryAction(field: v), "\(v)")
        }
        // `init(asciiValue:)` against the table, every word in three cases, cut short and lengthened.
        let words = ["failed", "failure", "fail", "expired", "undeliverable", "delayed", "delay", "delivered", "deliverable", "success",
                     "succeeded", "relayed", "expanded", "other", "", "failes", "delaye", "relayes", "expande", "deliveres", "succeedes"]
        for word in words {
            for v in [word, word.uppercased(), word.capitalized, String(word.dropLast()), word + "s", " \(word) (x)", "(\(word);"] {
                #expect(DeliveryAction(asciiValue: Array(v.utf8)[...]) == DeliveryAction(field: v), "\(v)")
            }
        }
        for v in values {
            #expect(DeliveryAction(asciiValue: Array(v.utf8)[...]) == DeliveryAction(field: v), "\(v)")
        }
    }

    @Test func statusOnBytesMatchesStrings() {
        let values = ["5.1.1", "5.1.1 (bad destination)", "#5.1.1", "(5.7.1)", "  4.4.7.  ", "4.0.0 (a: b) (c)", "x (", ") (", "()",
                      "5.1.1(x)", "\t5.2.2\t", "", "(", "5.1.10, (y)", "2.0.0 )(", "5.0.0 (nested (x) y)"]
        for s in values {
            let token = s.trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "(" }).first.map(String.init) ?? ""
            var comment: String? = nil
            if let open = s.firstIndex(of: "("), let close = s.lastIndex(of: ")"), open < close {
                comment = String(s[s.index(after: open)..<close])
            }
            let (status, byteComment) = RFC3464Recognizer.readStatus(Array(s.utf8)[...])
            #expect(status == EnhancedStatusCode(token), "\(s)")
            #expect(byteComment == comment, "\(s)")
        }
    }

    @Test func addressesOnBytesMatchTypedValues() {
        let values = ["rfc822; <User+2Bx@Example.COM>", "rfc822; user@example.com", "RFC822; \"user\"@example.com.", "utf-8; a+b@x.example",
                      "x400; a@b", "a@b", "<a@b> (comment)", "rfc822;mailto:a@b", "rfc822; a+zz@b", "no address", "", "rfc822;", "dns; [1.2.3.4]",
                      "rfc822; 'a@b',", "rfc822; (a@b)", "rfc822; <a@b", "rfc822; a>b@c<d"]
        for v in values {
            #expect(TypedValue.address(asciiBytes: Array(v.utf8)[...]) == TypedValue(asciiBytes: Array(v.utf8)[...]).address, "\(v)")
        }
    }

    @Test func addressShapes() {
        for (text, expected) in [("a@b", true), ("@b", false), ("a@", false), ("a b@c", false), ("a\t@b", false), ("ab", false), ("é@x", true),
                                 ("a@b@c", true), ("x@@", false), ("ü @x", false)] {
            #expect(Addresses.isAddress(text) == expected, "\(text)")
        }
    }

    /// `RFC3464Recognizer.sameTypedValue`: true only for two fields `checkedAddress` reads alike, and
    /// true for the values Postfix writes with and without a blank after the `;`.
    @Test func sameTypedValueReadsAlike() {
        let values = [" rfc822; a@b.example", " rfc822;a@b.example", "rfc822;\ta@b.example ", " RFC822; a@b.example",
                      " rfc822; a+2B@b.example", " rfc822;a+2B@b.example", " x y; a@b.example", " x y;a@b.example",
                      " ; a@b.example", ";a@b.example", " rfc822;", " rfc822; ", " a@b.example", " rfc822; a@b.example;",
                      " rfc822;a@b.example;", " utf-8; <a@b.example>", " utf-8;<a@b.example>", " rfc822; a @b"]
        var trues = 0
        for x in values {
            for y in values {
                let text = "Final-Recipient:" + x + "\nOriginal-Recipient:" + y + "\n"
                let bytes = Array(text.utf8)[...]
                let fields = Self.parsed(bytes)[0]
                let same = bytes.withUnsafeBufferPointer {
                    RFC3464Recognizer.sameTypedValue(fields[0], fields[1], in: bytes, buffer: $0)
                }
                if same {
                    trues += 1
                    let a = TypedValue.checkedAddress(asciiBytes: fields[0].valueBytes(in: bytes))
                    let b = TypedValue.checkedAddress(asciiBytes: fields[1].valueBytes(in: bytes))
                    #expect(a == b, "\(x.debugDescription) \(y.debugDescription)")
                }
                if x == " rfc822; a@b.example" && y == " rfc822;a@b.example" { #expect(same) }
            }
        }
        #expect(trues > values.count)
    }

    /// `isTypeByteBit`'s table holds the bytes `isTypeByte` names, for every byte.
    @Test func typeByteTableMatchesTheTest() {
        for b in 0...255 { #expect(TypedValue.isTypeByteBit(UInt8(b)) == TypedValue.isTypeByte(UInt8(b)), "\(b)") }
    }
}
