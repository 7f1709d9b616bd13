import Testing
@testable import MailParsing
import TestSupport

private func bytes(_ s: String) -> ByteSlice { Array(s.utf8)[...] }

@Suite struct HeaderSectionTests {
    @Test(arguments: ["\n", "\r\n", "\r"])
    func readsFieldsAndBodyWithAnyLineEnd(_ eol: String) {
        let text = ["From: a@example.org", "Subject: hello", "\tworld", "To: b@example.org", "", "body"]
            .joined(separator: eol)
        let input = bytes(text)
        let section = HeaderSection.parse(input)
        #expect(section.fields.count == 3)
        #expect(section["subject"] == "hello\tworld")
        #expect(section.first("subject")?.isFolded == true)
        #expect(Array(input[section.bodyStart...]) == Array("body".utf8))
        #expect(section.defects.isEmpty)
    }

    @Test func lookupIsCaseInsensitiveAndOrdered() {
        let section = HeaderSection.parse(bytes("Received: one\nRECEIVED: two\nx: y\n\n"))
        #expect(section.all("received").map(\.valueString) == ["one", "two"])
        var walked: [String] = []
        section.forEachField(named: "received") { walked.append($0.valueString) }
        #expect(walked == ["one", "two"])
        #expect(section.first("X")?.valueString == nil)   // names are given in lower case
        #expect(section.first("x")?.valueString == "y")
    }

    /// One walk answers as `first` and `all` do, name by name (same-length names, repeats, absent ones).
    @Test func severalLookupsInOneWalkAnswerAsOneByOne() {
        let section = HeaderSection.parse(bytes(
            "To: a@x\nReceived: one\nFrom: f@x\ncc: c1\nRECEIVED: two\nTO: b@x\nCc: c2\nDate: d\n\nbody"))
        let firstNames = ["from", "to", "date", "subject", "received"], allNames = ["cc", "to", "bcc", "received"]
        let (first, all) = section.fields(firstOf: firstNames, allOf: allNames)
        #expect(first.map { $0?.valueString } == firstNames.map { section.first($0)?.valueString })
        #expect(all.map { $0.map(\.valueString) } == allNames.map { section.all($0).map(\.valueString) })
        #expect(all[1].map(\.valueString) == ["a@x", "b@x"])
        #expect(first[3] == nil)
        // Names of 64 bytes and more are found too.
        let long = String(repeating: "x", count: 70)
        let withLong = HeaderSection.parse(bytes("\(long): v\nTo: t\n\n"))
        #expect(withLong.fields(firstOf: [long, "to"]).first.map { $0?.valueString } == ["v", "t"])
    }

    /// The walk in place calls back in the section's order, once for the first field of each `firstOf`
    /// name and for every field of each `allOf` name, with the name's place in the table.
    @Test func walkInPlaceCallsBackInSectionOrder() {
        let section = HeaderSection.parse(bytes(
            "To: a@x\nReceived: one\nFrom: f@x\ncc: c1\nRECEIVED: two\nTO: b@x\nCc: c2\nDate: d\nFrom: g@x\n\nbody"))
        let table = HeaderNameTable(firstOf: ["from", "to", "subject"], allOf: ["cc", "received", "bcc"])
        var calls: [String] = []
        section.forEachField(in: table) { k, field in calls.append("\(k):\(field.valueString)") }
        #expect(calls == ["1:a@x", "4:one", "0:f@x", "3:c1", "4:two", "3:c2"])
        var none = 0
        HeaderSection.parse(bytes("\n\nbody")).forEachField(in: table) { _, _ in none += 1 }
        #expect(none == 0)
    }

    /// The unfolded-value walks agree with the fields' own `unfoldedValue` (folded and not, names of
    /// eight bytes and more, any case, CR/LF/CRLF, a field cut at the end of input), and the named
    /// walk stops when its body says so.
    @Test(arguments: ["\n", "\r\n", "\r"])
    func unfoldedValueWalksAgreeWithTheFields(_ eol: String) {
        let text = ["To:  a@x ", "Received: one", "\tmore  ", "From: f@x", "MESSAGE-ID: <m@x>",
                    "Message-Idx: no", "RECEIVED: two", " ", "TO: b@x", "Message-ID:\t<n@x>", "from: g@x",
                    "received:   cut at the end"].joined(separator: eol)
        let section = HeaderSection.parse(bytes(text))
        let table = HeaderNameTable(firstOf: ["from", "message-id"], allOf: ["received", "to"])
        var expected: [String] = []
        section.forEachField(in: table) { k, field in expected.append("\(k):\(field.unfoldedValue.utf8String)") }
        var walked: [String] = []
        section.forEachUnfoldedValue(in: table) { k, value in walked.append("\(k):\(value.utf8String)") }
        #expect(walked == expected)
        #expect(walked.count == 7)   // two To, three Received, the first From and Message-ID
        // The in-place walk hands over the same fields: raw value, unfolded value and the whole field.
        var copied: [String] = [], inPlace: [String] = []
        section.forEachField(in: table) { k, field in
            copied.append("\(k):\(field.rawValue.utf8String)|\(field.unfoldedValue.utf8String)|\(field.offset)")
        }
        section.forEachFieldInPlace(in: table) { k, field in
            inPlace.append("\(k):\(field.rawValue.utf8String)|\(field.unfoldedValue.utf8String)|\(field.field.offset)")
        }
        #expect(inPlace == copied)
        #expect(inPlace.count == 7)
        for name in ["received", "message-id", "to", "from", "x-absent"] {
            var values: [String] = []
            section.forEachUnfoldedValue(named: name) { values.append($0.utf8String); return true }
            #expect(values == section.all(name).map { $0.unfoldedValue.utf8String })
        }
        var seen = 0
        section.forEachUnfoldedValue(named: "received") { _ in seen += 1; return false }
        #expect(seen == 1)
    }

    @Test func toleratesSpaceBeforeColonAndRecordsIt() {
        let section = HeaderSection.parse(bytes("Subject : obsolete\n\nbody"))
        #expect(section["subject"] == "obsolete")
        #expect(section.defects.contains(.spaceBeforeColon))
    }

    @Test func missingBlankLineStartsTheBodyAtTheFirstNonField() {
        let input = bytes("From: a@b\nTo: c@d\nThis is the body: no blank line\nmore\n")
        let section = HeaderSection.parse(input)
        #expect(section.fields.count == 2)
        #expect(section.defects.contains(.missingBlankLine))
        #expect(input[section.bodyStart...].starts(with: Array("This is the body".utf8)))
    }

    @Test func truncatedHeaderSection() {
        let section = HeaderSection.parse(bytes("From: a@b\nSubject: cut"))
        #expect(section.fields.count == 2)
        #expect(section["subject"] == "cut")
        #expect(section.defects.contains(.truncatedHeaderSection))
    }

    @Test func recordsEightBitAndNul() {
        var raw = Array("Subject: caf\u{e9}\nX-Junk: a".utf8)
        raw.append(0)
        raw += Array("b\n\n".utf8)
        let section = HeaderSection.parse(raw[...])
        #expect(section.defects.contains(.eightBitBytes))
        #expect(section.defects.contains(.nulBytes))
        #expect(section.fields.count == 2)
    }

    @Test func skipsEnvelopeLineButNotObsoleteFromField() {
        let withEnvelope = HeaderSection.parse(bytes("From MAILER-DAEMON Thu Apr 29 23:34:45 2015\nFrom: x@y\n\n"))
        #expect(withEnvelope.defects.contains(.envelopeLineInHeader))
        #expect(withEnvelope.fields.count == 1)
        let obsolete = HeaderSection.parse(bytes("From : x@y\n\n"))
        #expect(!obsolete.defects.contains(.envelopeLineInHeader))
        #expect(obsolete["from"] == "x@y")
    }

    @Test func limitsAreEnforced() {
        var limits = ParsingLimits()
        limits.maxHeaderFields = 3
        limits.maxFieldBytes = 10
        let text = (0..<10).map { "X-\($0): \(String(repeating: "v", count: 50))" }.joined(separator: "\n") + "\n\nbody"
        let section = HeaderSection.parse(bytes(text), limits: limits)
        #expect(section.fields.count == 3)
        #expect(section.defects.contains(.tooManyFields))
        #expect(section.defects.contains(.fieldTooLong))
        #expect(section.fields[0].unfoldedValue.count == 10)
    }

    /// RFC 5322 §2.2.3: a folded value loses its line ends, in CRLF, LF and CR alike; unfolding keeps at
    /// most `maxFieldBytes` of the value, counted before trimming.
    @Test(arguments: ["\r\n", "\n", "\r"])
    func foldedValueUnfoldsWithinTheLimit(lineEnd: String) {
        let text = "Subject: aaaa" + lineEnd + " bbbb" + lineEnd + "\tcccc" + lineEnd + lineEnd + "body"
        let whole = HeaderSection.parse(bytes(text))
        #expect(whole.fields[0].isFolded)
        #expect(String(decoding: whole.fields[0].unfoldedValue, as: UTF8.self) == "aaaa bbbb\tcccc")
        var limits = ParsingLimits()
        limits.maxFieldBytes = 7
        let cut = HeaderSection.parse(bytes(text), limits: limits)
        #expect(String(decoding: cut.fields[0].unfoldedValue, as: UTF8.self) == "aaaa b")
    }

    @Test func headerByteLimitEndsTheSection() {
        var limits = ParsingLimits()
        limits.maxHeaderBytes = 64
        let text = (0..<20).map { "X-\($0): value" }.joined(separator: "\n") + "\n\nbody"
        let section = HeaderSection.parse(bytes(text), limits: limits)
        #expect(section.defects.contains(.headerTooLong))
        #expect(section.fields.count < 20)
    }

    /// `init(fieldsOf:limits:)` keeps the first 64 fields' offsets on the stack and the rest in an array, and reads
    /// without staging where `maxHeaderBytes` does not fit 31 bits: each way, every field is kept, in
    /// order, with its name, value, offset and folding, as the line walk reads them.
    @Test(arguments: [0, 1, 63, 64, 65, 130])
    func stagedFieldsAgreeWithTheLineWalk(count: Int) {
        let text = (0..<count).map { $0 % 5 == 4 ? "X-\($0): v\($0)\r\n\tfolded" : "X-\($0) : v\($0)" }
            .joined(separator: "\r\n") + "\r\n\r\nbody"
        for maxHeaderBytes in [ParsingLimits().maxHeaderBytes, Int(Int32.max)] {
            var limits = ParsingLimits()
            limits.maxHeaderBytes = maxHeaderBytes
            let staged = HeaderSection.parse(bytes(text), limits: limits)
            let walked = HeaderSection.parseByLineScanner(bytes(text), limits: limits)
            #expect(staged.fields.count == count)
            #expect(staged.fields.map { Array($0.name) } == walked.fields.map { Array($0.name) })
            #expect(staged.fields.map { Array($0.rawValue) } == walked.fields.map { Array($0.rawValue) })
            #expect(staged.fields.map(\.offset) == walked.fields.map(\.offset))
            #expect(staged.fields.map(\.isFolded) == walked.fields.map(\.isFolded))
            #expect(staged.bodyStart == walked.bodyStart && staged.defects == walked.defects)
        }
    }

    /// The scan remembers the next CR it found, or how far none lies, across the lines of a section (its
    /// search windows double on each miss): mixed line ends, a lone CR far after LF-only lines, a CR
    /// inside a long line and a section without an end all read as the line walk reads them.
    @Test func lineEndsFoundThroughTheRememberedCRAgreeWithTheLineWalk() {
        let many = (0..<300).map { "X-\($0): v\($0)" }
        let long = "X-Long: " + String(repeating: "w", count: 3000)
        let texts = [
            many.joined(separator: "\n") + "\r\nA: b\r\n\r\nbody",
            many.joined(separator: "\n") + "\rA: b\n\nbody",
            many.joined(separator: "\n") + "\n" + long + "\rX-After: c\n\nbody\r\n",
            "A: b\n" + long + "\n" + long + "\r\n\tfolded\r\nB: c\r\n",
            many.joined(separator: "\r\n") + "\n \n" + many.joined(separator: "\r"),
            "A: b\r", "A: b\rB", "\r", "A:\r\r\n",
        ]
        for text in texts {
            let scanned = HeaderSection.parse(bytes(text))
            let walked = HeaderSection.parseByLineScanner(bytes(text))
            #expect(scanned.fields.map { Array($0.name) } == walked.fields.map { Array($0.name) })
            #expect(scanned.fields.map { Array($0.rawValue) } == walked.fields.map { Array($0.rawValue) })
            #expect(scanned.bodyStart == walked.bodyStart && scanned.defects == walked.defects)
            #expect(Array(scanned.raw) == Array(walked.raw))
        }
    }

    /// The scan finds a plain name's colon sixteen bytes at a time over at most 64 bytes, then the line's
    /// end sixteen at a time (the buffer's last fifteen bytes one by one), and reads each field's name key
    /// by one load: over names of 0 to 80 bytes (across the 16-byte blocks and the 64-byte reach) with a
    /// colon, blank, CR, LF, DEL, NUL or 8-bit byte anywhere, each line end style, and every input cut
    /// short at random, it agrees with the line walk (names, values, offsets, folding, defects, keys).
    @Test func blockScanOfNamesAndLineEndsAgreesWithTheLineWalk() {
        var generator = SplitMix64(seed: 15)
        let nameBytes = Array("abcXYZ-_09".utf8)
        let odd: [UInt8] = [ASCII.colon, ASCII.space, ASCII.tab, ASCII.carriageReturn, ASCII.lineFeed, 0x7F, 0x00, 0xE9, 0x20, 0x21, 0x7E]
        let valueBytes = Array("ab :;\t".utf8) + [0xE9]
        let ends: [[UInt8]] = [[ASCII.lineFeed], [ASCII.carriageReturn, ASCII.lineFeed], [ASCII.carriageReturn]]
        for round in 0..<3000 {
            var text: [UInt8] = []
            for _ in 0..<generator.below(6) {
                var name = generator.bytes(nameBytes, count: generator.below(81))
                if !name.isEmpty, generator.below(3) == 0 { name[generator.below(name.count)] = odd[generator.below(odd.count)] }
                text += name
                text += generator.below(8) == 0 ? [ASCII.space, ASCII.colon] : [ASCII.colon]
                text += generator.bytes(valueBytes, count: generator.below(60))
                text += ends[generator.below(3)]
                if generator.below(5) == 0 { text += [ASCII.tab] + generator.bytes(valueBytes, count: generator.below(30)) + ends[generator.below(3)] }
            }
            if generator.below(2) == 0 { text += ends[generator.below(3)] + Array("body text".utf8) }
            if round % 3 == 0, !text.isEmpty { text = Array(text[..<generator.below(text.count + 1)]) }
            let padded = [0x78, 0x78] + text
            let input = padded[2...]
            let scanned = HeaderSection.parse(input)
            let walked = HeaderSection.parseByLineScanner(input)
            #expect(scanned.fields.map { Array($0.name) } == walked.fields.map { Array($0.name) }, "\(text)")
            #expect(scanned.fields.map { Array($0.rawValue) } == walked.fields.map { Array($0.rawValue) }, "\(text)")
            #expect(scanned.fields.map(\.offset) == walked.fields.map(\.offset))
            #expect(scanned.fields.map(\.isFolded) == walked.fields.map(\.isFolded))
            #expect(scanned.fields.map(\.nameKey) == walked.fields.map(\.nameKey), "\(text)")
            #expect(scanned.bodyStart == walked.bodyStart && scanned.defects == walked.defects, "\(text)")
            #expect(Array(scanned.raw) == Array(walked.raw))
        }
    }

    /// The records' keys are lower-cased two fields at a time by SSE2 lanes (`StagedField.lowercased(_:_:)`),
    /// an odd last one and those past the stack's room by the word (`ByteWord.lowercased`): names of 1
    /// to 12 bytes with every byte value at each of their first nine places, in sections of 1 to 70
    /// fields (odd and even counts, past the 64 staged on the stack), the last name near the buffer's
    /// end or not, each line end style: the keys, names and values are the line walk's.
    @Test func keysLowercasedInPairsAgreeWithTheLineWalk() {
        let ends: [[UInt8]] = [[ASCII.lineFeed], [ASCII.carriageReturn, ASCII.lineFeed], [ASCII.carriageReturn]]
        var generator = SplitMix64(seed: 35)
        for value in 0...255 {
            for place in 0..<9 {
                let end = ends[(value &+ place) % 3]
                var text: [UInt8] = []
                let fields = 1 + generator.below(70)
                for k in 0..<fields {
                    var name = Array("X-Abc-Zyx-Q".utf8).prefix(1 + (k &+ value) % 11).map { $0 }
                    if place < name.count, k % 2 == value % 2 { name[place] = UInt8(value) }
                    text += name + [ASCII.colon] + Array(" v".utf8) + end
                }
                if value % 2 == 0 { text += end + Array("body".utf8) }
                let input = text[...]
                let scanned = HeaderSection.parse(input)
                let walked = HeaderSection.parseByLineScanner(input)
                #expect(scanned.fields.map(\.nameKey) == walked.fields.map(\.nameKey), "\(value) \(place)")
                #expect(scanned.fields.map { Array($0.name) } == walked.fields.map { Array($0.name) }, "\(value) \(place)")
                #expect(scanned.fields.map { Array($0.rawValue) } == walked.fields.map { Array($0.rawValue) })
                #expect(scanned.bodyStart == walked.bodyStart && scanned.defects == walked.defects, "\(value) \(place)")
                #expect(scanned.fields.map(\.nameKey) == scanned.fields.map { $0.name.withUnsafeBufferPointer(HeaderField.nameKey(lowercasing:)) })
            }
        }
    }

    /// A line's end is found among the bytes 10...13 by one range test a block, a VT or FF found
    /// stepped over: values full of VT, FF and the bytes beside the range (TAB, SO), anywhere in the
    /// 16-byte blocks and the last fifteen bytes, with each line end style, read as the line walk reads them.
    @Test func verticalTabsAndFormFeedsInValuesAgreeWithTheLineWalk() {
        var generator = SplitMix64(seed: 25)
        let valueBytes: [UInt8] = [0x61, 0x20, ASCII.tab, 0x0B, 0x0C, 0x0E, 0x7F, 0xFF]
        let ends: [[UInt8]] = [[ASCII.lineFeed], [ASCII.carriageReturn, ASCII.lineFeed], [ASCII.carriageReturn]]
        for round in 0..<2000 {
            var text: [UInt8] = []
            for k in 0..<generator.below(5) {
                text += Array("X-\(k):".utf8)
                text += generator.bytes(valueBytes, count: generator.below(70))
                text += ends[generator.below(3)]
                if generator.below(4) == 0 { text += [ASCII.tab, 0x0B] + generator.bytes(valueBytes, count: generator.below(40)) + ends[generator.below(3)] }
            }
            if generator.below(2) == 0 { text += ends[generator.below(3)] + Array("body".utf8) }
            if round % 3 == 0, !text.isEmpty { text = Array(text[..<generator.below(text.count + 1)]) }
            Self.expectScanAgreesWithLineWalk(text)
        }
    }

    /// The line-end search stops at every byte below 14 and notes the NULs among them (the blocks'
    /// OR tells only 8-bit bytes): NULs, tabs and other control bytes anywhere in values and
    /// continuation lines, in the 16-byte blocks and the last fifteen bytes, with each line end style,
    /// give the defects (`nulBytes`, `eightBitBytes`) and fields the line walk gives.
    @Test func nulBytesInValuesAreRecordedAsTheLineWalkRecordsThem() {
        var generator = SplitMix64(seed: 31)
        let valueBytes: [UInt8] = [0x61, 0x61, 0x61, 0x20, ASCII.tab, 0x00, 0x01, 0x08, 0x0B, 0x0E, 0xE9]
        let ends: [[UInt8]] = [[ASCII.lineFeed], [ASCII.carriageReturn, ASCII.lineFeed], [ASCII.carriageReturn]]
        for round in 0..<3000 {
            var text: [UInt8] = []
            for k in 0..<generator.below(5) {
                text += Array("X-\(k):".utf8)
                text += generator.bytes(valueBytes, count: generator.below(70))
                text += ends[generator.below(3)]
                if generator.below(3) == 0 {
                    text += [generator.below(2) == 0 ? ASCII.tab : ASCII.space]
                    text += generator.bytes(valueBytes, count: generator.below(40)) + ends[generator.below(3)]
                }
            }
            if generator.below(2) == 0 { text += ends[generator.below(3)] + [0x00, 0xE9] + Array("body".utf8) }
            if round % 3 == 0, !text.isEmpty { text = Array(text[..<generator.below(text.count + 1)]) }
            Self.expectScanAgreesWithLineWalk(text)
        }
    }

    /// A line that starts with no blank is read by one block for its name's colon and its first line
    /// end or control byte (`scanFields`): names of 0 to 20 bytes (the colon in every lane of the first
    /// block and just past it), a CR, LF, CRLF, NUL, tab, VT, space, colon, DEL or 8-bit byte right
    /// after the colon or anywhere in the block, lines that end on the block's edge, CR-only input, no
    /// blank line; each input read whole and cut after every byte agrees with the line walk.
    @Test func oneBlockReadOfNameAndLineEndAgreesWithTheLineWalk() {
        var generator = SplitMix64(seed: 33)
        let nameBytes = Array("aZ-9".utf8)
        let odd: [UInt8] = [ASCII.carriageReturn, ASCII.lineFeed, 0x00, ASCII.tab, 0x0B, 0xE9, ASCII.space, ASCII.colon, 0x7F]
        let ends: [[UInt8]] = [[ASCII.lineFeed], [ASCII.carriageReturn, ASCII.lineFeed], [ASCII.carriageReturn]]
        for _ in 0..<400 {
            var text: [UInt8] = []
            for _ in 0..<(1 + generator.below(4)) {
                let name = generator.bytes(nameBytes, count: generator.below(21))
                text += name + [ASCII.colon]
                // A value that ends the line within the first block, on its edge, or past it.
                let room = max(0, 16 - name.count - 1)
                let valueCount = generator.below(3) == 0 ? room : generator.below(room + 20)
                var value = generator.bytes(Array("ab c".utf8), count: valueCount)
                if !value.isEmpty, generator.below(2) == 0 {
                    value[generator.below(min(value.count, 16))] = odd[generator.below(odd.count)]
                }
                text += value + ends[generator.below(3)]
                if generator.below(6) == 0 { text += [ASCII.tab] + value + ends[generator.below(3)] }
            }
            if generator.below(2) == 0 { text += ends[generator.below(3)] + Array("body".utf8) }
            for cut in 0...text.count { Self.expectScanAgreesWithLineWalk(Array(text[..<cut])) }
        }
    }

    /// The scan (`parse`) and the line walk (`parseByLineScanner`) read `text` into the same fields
    /// (names, raw values, folding), body start and defects; and where the scan saw no NUL or 8-bit
    /// byte (`forEachField(in:)`'s third answer), the section holds none (the DSN reader then skips
    /// its ASCII test).
    static func expectScanAgreesWithLineWalk(_ text: [UInt8]) {
        let input = text[...]
        let scanned = HeaderSection.parse(input)
        let walked = HeaderSection.parseByLineScanner(input)
        #expect(scanned.fields.map { Array($0.name) } == walked.fields.map { Array($0.name) }, "\(text)")
        #expect(scanned.fields.map { Array($0.rawValue) } == walked.fields.map { Array($0.rawValue) }, "\(text)")
        #expect(scanned.fields.map(\.isFolded) == walked.fields.map(\.isFolded))
        #expect(scanned.bodyStart == walked.bodyStart && scanned.defects == walked.defects, "\(text)")
        let (start, end, mayHoldOddBytes) = HeaderSection.forEachFieldRun(in: input) { _ in }
        if !mayHoldOddBytes { #expect(!input[start..<end].contains { $0 == 0 || $0 > 127 }, "\(text)") }
    }

    /// `forEachFieldRun(in:limits:_:)` hands over the fields `parse` reads, in order, past the scan's
    /// room on the stack too (its fields staged there, the rest in an array, a run each).
    @Test(arguments: [0, 1, 63, 64, 65, 130])
    func forEachFieldHandsOverTheParsedFields(count: Int) {
        let text = (0..<count).map { $0 % 5 == 4 ? "X-\($0): v\($0)\r\n\tfolded" : "X-\($0) : v\($0)" }
            .joined(separator: "\r\n") + "\r\n\r\nbody"
        let padded = Array(("xx" + text).utf8)
        let input = padded[2...]
        let parsed = HeaderSection.parse(input)
        var names: [[UInt8]] = [], values: [[UInt8]] = [], folds: [Bool] = []
        var runs = 0
        let (sectionStart, bodyStart, mayHoldOddBytes) = HeaderSection.forEachFieldRun(in: input) { staged in
            runs += 1
            for (name, value, isFolded) in HeaderFieldStorageTests.ranges(staged, from: input.startIndex) {
                names.append(Array(input[name]))
                values.append(Array(input[value]))
                folds.append(isFolded)
            }
        }
        #expect(runs == (count == 0 ? 0 : count <= 64 ? 1 : 2))
        #expect(names == parsed.fields.map { Array($0.name) })
        #expect(values == parsed.fields.map { Array($0.rawValue) })
        #expect(folds == parsed.fields.map(\.isFolded))
        #expect(sectionStart == parsed.raw.startIndex && bodyStart == parsed.bodyStart)
        #expect(!mayHoldOddBytes)
    }

    @Test func emptyInputAndJunkNeverCrash() {
        for junk in ["", "\n", "\r\n\r\n", ":", ": x\n\n", " leading\n\n", "\r", "a", "\u{0}\u{0}:\n"] {
            _ = HeaderSection.parse(bytes(junk))
        }
    }
}
