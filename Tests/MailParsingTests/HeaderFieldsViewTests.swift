import Foundation
import Testing
import TestSupport
@testable import MailParsing

/// `HeaderSection.fields` is a view: the section keeps its bytes and one record a field
/// (`HeaderSection.FieldRecord`), and makes each `HeaderField` when it is read. The fields read back
/// as the scan reports them (`HeaderSection.forEachFieldRun(in:)`, which makes no field) and as fields
/// made from those parts by the public initializer unfold; the in-place walks and lookups agree with
/// the fields read one by one; a section built from given fields reads them back.
@Suite struct HeaderFieldsViewTests {
    /// Checks `section`, parsed from `input` with `limits`, against the scan's parts and against
    /// fields made of them by `HeaderField(name:rawValue:offset:isFolded:maxUnfoldedBytes:)`.
    /// - Returns: how many fields were checked.
    @discardableResult
    static func expectViewAgreesWithTheScan(_ section: HeaderSection, of input: ByteSlice, limits: ParsingLimits,
                                            _ label: String) -> Int {
        var parts: [(name: Range<Int>, rawValue: Range<Int>, folded: Bool)] = []
        _ = HeaderSection.forEachFieldRun(in: input, limits: limits) { parts += HeaderFieldStorageTests.ranges($0, from: input.startIndex) }
        #expect(section.fields.count == parts.count, "\(label)")
        #expect(section.fields.indices == 0..<parts.count, "\(label)")
        for (field, part) in zip(section.fields, parts) {
            let made = HeaderField(name: input[part.name], rawValue: input[part.rawValue], offset: part.name.lowerBound,
                                   isFolded: part.folded, maxUnfoldedBytes: limits.maxFieldBytes)
            #expect(field.name.indices == part.name && field.rawValue.indices == part.rawValue, "\(label)")
            #expect(Array(field.name) == Array(made.name) && Array(field.rawValue) == Array(made.rawValue), "\(label)")
            #expect(field.offset == made.offset && field.isFolded == made.isFolded, "\(label)")
            #expect(field.nameKey == made.nameKey && field.maxUnfoldedBytes == made.maxUnfoldedBytes, "\(label)")
            #expect(Array(field.unfoldedValue) == Array(made.unfoldedValue), "\(label)")
            #expect(field.nameString == made.nameString && field.valueString == made.valueString, "\(label)")
        }
        expectWalksAgreeWithTheFields(section, label)
        return parts.count
    }

    /// The in-place walks (`forEachFieldInPlace(in:)`, `forEachFieldInPlace(named:)`, `forEachUnfoldedValue`),
    /// the lookups and the name filter against the fields read one by one.
    static func expectWalksAgreeWithTheFields(_ section: HeaderSection, _ label: String) {
        let fields = Array(section.fields)
        var names: [String] = []
        for field in fields {
            let name = ASCII.lowercasedString(field.name)
            if !names.contains(name), Array(name.utf8) == field.name.map(ASCII.lowercased) { names.append(name) }
        }
        for name in names.prefix(20) + ["received", "x-absent-name-here", "to"] {
            let expected = fields.filter { $0.hasName(name) }
            #expect(section.all(name).map { Array($0.rawValue) } == expected.map { Array($0.rawValue) }, "\(label) \(name)")
            #expect(section.first(name)?.offset == expected.first?.offset, "\(label) \(name)")
            #expect(section.hasField(named: name) == !expected.isEmpty, "\(label) \(name)")
            #expect(section.firstUnfoldedValue(named: name).map(Array.init) == expected.first.map { Array($0.unfoldedValue) },
                    "\(label) \(name)")
            var inPlace: [(raw: [UInt8], unfolded: [UInt8], string: String, appended: [UInt8], offset: Int)] = []
            section.forEachFieldInPlace(named: name) { field in
                var appended: [UInt8] = [0x2A]
                field.appendUnfoldedValue(to: &appended)
                inPlace.append((Array(field.rawValue), Array(field.unfoldedValue), field.unfoldedValueString,
                                Array(appended.dropFirst()), field.field.offset))
                return true
            }
            #expect(inPlace.count == expected.count, "\(label) \(name)")
            for (found, field) in zip(inPlace, expected) {
                #expect(found.raw == Array(field.rawValue) && found.unfolded == Array(field.unfoldedValue), "\(label) \(name)")
                #expect(found.string == field.valueString && found.appended == Array(field.unfoldedValue), "\(label) \(name)")
                #expect(found.offset == field.offset, "\(label) \(name)")
            }
        }
        // One table for all: the first of the first half, every one of the rest (the empty name is in
        // no table's slot: no walk finds it).
        let tableNames = names.filter { !$0.isEmpty }
        let half = min(tableNames.count / 2, 32), rest = Array(tableNames.dropFirst(half).prefix(64 - half))
        let table = HeaderNameTable(firstOf: Array(tableNames.prefix(half)), allOf: rest)
        var walked: [(Int, [UInt8])] = []
        section.forEachFieldInPlace(in: table) { k, field in walked.append((k, Array(field.unfoldedValue))) }
        var expected: [(Int, [UInt8])] = []
        var seen = Set<Int>()
        for field in fields {
            for (k, name) in (Array(tableNames.prefix(half)) + rest).enumerated() where field.hasName(name) {
                if k < half {
                    if seen.contains(k) { continue }
                    seen.insert(k)
                }
                expected.append((k, Array(field.unfoldedValue)))
            }
        }
        #expect(walked.map(\.0) == expected.map(\.0) && walked.map(\.1) == expected.map(\.1), "\(label)")
        var bits = SIMD4<UInt64>.zero
        for field in fields where !field.name.isEmpty {
            let bit = HeaderSection.nameFilterBit(count: field.name.count, key: field.nameKey)
            bits[bit >> 6] |= 1 << UInt64(bit & 63)
        }
        #expect(section.nameFilterBits == bits, "\(label)")
    }

    /// Every message of sisimai's maildir/bsd, in LF, CRLF and CR, from a slice that does not start
    /// at index 0, with the default limits and with small ones (a value cut when unfolded, fields
    /// dropped, the section cut short): the view, the walks and the line walk's section agree.
    @Test(.enabled(if: Corpus.isAvailable || { print(Corpus.skipMessage); return false }()))
    func corpusViewsAgreeWithTheScan() throws {
        var small = ParsingLimits()
        small.maxFieldBytes = 20
        small.maxHeaderFields = 12
        small.maxHeaderBytes = 1_500
        var checked = 0
        // Every fourth file in CRLF and CR too.
        let files = try Corpus.forEachSisimaiMessage(allEndingsEvery: 4) { file, ending, input in
            for (limitsLabel, limits) in [("default", ParsingLimits()), ("small", small)] {
                let label = "\(file) \(ending) \(limitsLabel)"
                let section = HeaderSection.parse(input, limits: limits)
                checked += Self.expectViewAgreesWithTheScan(section, of: input, limits: limits, label)
                let walked = HeaderSection.parseByLineScanner(input, limits: limits)
                #expect(walked.raw.indices == section.raw.indices && walked.bodyStart == section.bodyStart, "\(label)")
                #expect(walked.defects == section.defects, "\(label)")
                #expect(walked.fields.map(\.offset) == section.fields.map(\.offset), "\(label)")
                #expect(walked.fields.map { $0.rawValue.indices } == section.fields.map { $0.rawValue.indices }, "\(label)")
                #expect(walked.fields.map(\.nameKey) == section.fields.map(\.nameKey), "\(label)")
                #expect(walked.fields.map(\.isFolded) == section.fields.map(\.isFolded), "\(label)")
            }
        }
        #expect(files > 500)
        #expect(checked > 20_000)
    }

    /// Edge sections (no field, an empty name, an empty value, a folded last value cut by the end of
    /// the input, names of 8 and 9 bytes, a value past the unfolding limit) agree as the corpus does.
    @Test func edgeSectionsAgreeWithTheScan() {
        let texts = [
            "", "\n", "A: b", ":x\nA:\nB: \n\n", "Received: a\n\tb\n c", "Reply-To: x\r\nReply-Tx: y\r\n\r\nbody",
            "X-Long-Name: 1\nx-long-name: 2\nX-LONG-NAMF: 3\n\n", "To : spaced\nCc:\t\t v \n\n",
            "From MAILER-DAEMON Mon Jan 1\nFrom: a\nSubject: s\n\n", "Subject: " + String(repeating: "v ", count: 80) + "\n\n",
            "Subject: a\n  \n\tb\n\nbody", "not a field\n\n", "A: 1\rB: 2\r\rbody",
        ]
        var tight = ParsingLimits()
        tight.maxFieldBytes = 3
        for text in texts {
            let padded = Array("..".utf8) + Array(text.utf8)
            for limits in [ParsingLimits(), tight] {
                let section = HeaderSection.parse(padded[2...], limits: limits)
                Self.expectViewAgreesWithTheScan(section, of: padded[2...], limits: limits, text.debugDescription)
            }
        }
    }

    /// A section built from given fields (`init(fields:maxFieldBytes:)`): the fields read back with
    /// their names, raw values and folding, at the new buffer's indices (`raw` holds each as
    /// `name:value` CRLF, then CRLF), unfolded within the section's limit; parsing `raw` again gives
    /// the same fields; the lookups find them.
    @Test func aSectionBuiltFromFieldsReadsThemBack() {
        let text = Array("xxxxxReceived: from a\r\n\tby b\r\nTo: c\r\n:empty\r\nX-Long-Name-Here:\r\n\r\n".utf8)
        let parsed = HeaderSection.parse(text[5...])
        let separate = HeaderField(name: Array("..Subject".utf8)[2...], rawValue: Array(" hello\n there".utf8)[...],
                                   offset: 40, isFolded: true)
        let given = Array(parsed.fields) + [separate]
        for limit in [100 * 1024, 4] {
            let section = HeaderSection(fields: given, maxFieldBytes: limit)
            #expect(section.fields.count == given.count)
            #expect(section.defects.isEmpty && section.bodyStart == section.raw.endIndex && section.raw.startIndex == 0)
            var expectedRaw: [UInt8] = []
            for field in given { expectedRaw += Array(field.name) + [ASCII.colon] + Array(field.rawValue) + [13, 10] }
            expectedRaw += [13, 10]
            #expect(Array(section.raw) == expectedRaw)
            for (field, original) in zip(section.fields, given) {
                #expect(Array(field.name) == Array(original.name) && Array(field.rawValue) == Array(original.rawValue))
                #expect(field.isFolded == original.isFolded && field.nameKey == original.nameKey)
                #expect(field.offset == field.name.startIndex && field.rawValue.startIndex == field.name.endIndex + 1)
                #expect(Array(section.raw[field.offset..<field.rawValue.endIndex]) == Array(field.name) + [ASCII.colon] + Array(field.rawValue))
                let relimited = HeaderField(name: original.name, rawValue: original.rawValue, offset: 0,
                                            isFolded: original.isFolded, maxUnfoldedBytes: limit)
                #expect(Array(field.unfoldedValue) == Array(relimited.unfoldedValue) && field.maxUnfoldedBytes == limit)
            }
            let reparsed = HeaderSection.parse(section.raw)
            #expect(reparsed.fields.map { Array($0.name) } == given.map { Array($0.name) })
            #expect(reparsed.fields.map { Array($0.rawValue) } == given.map { Array($0.rawValue) })
            #expect(reparsed.fields.map(\.isFolded) == given.map(\.isFolded))
            // The limit cuts the unfolded bytes before they are trimmed: " hel".
            #expect(section.first("subject")?.valueString == (limit == 4 ? "hel" : "hello there"))
            #expect(section.all("received").count == 1 && section.hasField(named: "x-long-name-here"))
            Self.expectWalksAgreeWithTheFields(section, "built \(limit)")
        }
        let none = HeaderSection(fields: [])
        #expect(none.fields.isEmpty && Array(none.raw) == [13, 10] && none.bodyStart == 2)
        #expect(HeaderSection().fields.isEmpty && HeaderSection().raw.isEmpty)
    }

    /// `FieldStorage` has no `deinit` and so never destroys its records: that is right only while a
    /// record holds no reference (a trivial type). A reference added to `FieldRecord` fails here.
    @Test func fieldRecordsNeedNoDestroying() {
        #expect(_isPOD(HeaderSection.FieldRecord.self))
    }
}
