import Testing
@testable import MailParsing
import TestSupport
import Foundation

/// `HeaderField` keeps one slice, from the name's first byte to the value's end, and the parts' places
/// in it: `name` and `rawValue` are the same slices of the parsed buffer, at the same indices, as when
/// the field kept each as a slice of its own; the public initializer joins parts of different buffers.
@Suite struct HeaderFieldStorageTests {
    /// The address of `slice`'s first element, or nil when it is empty.
    static func address(_ slice: ByteSlice) -> UnsafeRawPointer? {
        slice.withUnsafeBufferPointer { $0.baseAddress.map(UnsafeRawPointer.init) }
    }

    /// Checks each field of `section`, parsed from `input`, against the bytes of `input` alone: the
    /// name starts a line at the field's offset and holds no colon or blank; the raw value starts right
    /// after the colon that follows the name and its trailing blanks, and ends at a line end (or the end
    /// of the input); both are slices of `input`'s own storage (same addresses) at those indices.
    /// - Returns: how many fields were checked.
    @discardableResult
    static func expectFieldsLieInTheirBuffer(_ section: HeaderSection, of input: ByteSlice, _ label: String) -> Int {
        let base = address(input[input.startIndex..<input.endIndex])
        for field in section.fields {
            let name = field.name, value = field.rawValue
            #expect(name.startIndex == field.offset, "\(label)")
            #expect(input.startIndex <= name.startIndex && name.endIndex < value.startIndex
                    && value.endIndex <= input.endIndex, "\(label)")
            guard input.startIndex <= name.startIndex, name.endIndex < value.startIndex, value.endIndex <= input.endIndex
            else { continue }
            // A field line starts at the start of the input, of the section, or after a line end.
            let before = name.startIndex == input.startIndex ? nil : input[name.startIndex - 1]
            #expect(before == nil || before == ASCII.lineFeed || before == ASCII.carriageReturn
                    || name.startIndex == section.raw.startIndex, "\(label)")
            #expect(!name.contains(ASCII.colon) && !name.contains(ASCII.space) && !name.contains(ASCII.tab), "\(label)")
            #expect(input[value.startIndex - 1] == ASCII.colon, "\(label)")
            #expect(input[name.endIndex..<(value.startIndex - 1)].allSatisfy(ASCII.isWhitespace), "\(label)")
            #expect(value.endIndex == input.endIndex || input[value.endIndex] == ASCII.lineFeed
                    || input[value.endIndex] == ASCII.carriageReturn, "\(label)")
            #expect(field.isFolded == (value.contains(ASCII.lineFeed) || value.contains(ASCII.carriageReturn)), "\(label)")
            // The same storage: each part's first byte is where the input has it.
            if let base {
                if !name.isEmpty {
                    #expect(address(name) == base + (name.startIndex - input.startIndex), "\(label)")
                }
                if !value.isEmpty {
                    #expect(address(value) == base + (value.startIndex - input.startIndex), "\(label)")
                }
            }
            #expect(Array(name) == Array(input[name.startIndex..<name.endIndex]), "\(label)")
            #expect(Array(value) == Array(input[value.startIndex..<value.endIndex]), "\(label)")
        }
        return section.fields.count
    }

    /// The fields of the section at the start of `input` as the scan reports them, as index ranges of
    /// `input` (`HeaderSection.forEachFieldRun(in:)`, which makes no `HeaderField`): the slices each field
    /// kept before it kept one.
    static func scannedRanges(_ input: ByteSlice) -> [(name: Range<Int>, rawValue: Range<Int>, folded: Bool)] {
        var ranges: [(name: Range<Int>, rawValue: Range<Int>, folded: Bool)] = []
        _ = HeaderSection.forEachFieldRun(in: input) { ranges += Self.ranges($0, from: input.startIndex) }
        return ranges
    }

    /// The index ranges of staged fields (`forEachFieldRun`'s offsets from `start`) and their folding.
    static func ranges(_ staged: UnsafeBufferPointer<HeaderSection.StagedField>, from start: Int)
        -> [(name: Range<Int>, rawValue: Range<Int>, folded: Bool)] {
        staged.map { field in
            ((start + Int(field.nameStart))..<(start + Int(field.nameEnd)),
             (start + Int(field.valueStart))..<(start + Int(field.valueEndAndFolding & 0x7FFF_FFFF)), field.valueEndAndFolding >> 31 != 0)
        }
    }

    /// Every message of sisimai's maildir/bsd, in LF, CRLF and CR, parsed from a slice that does not
    /// start at index 0: the message header's fields have the indices the scan reports and the line
    /// walk reads, and every part's fields lie in the message's buffer as the bytes say.
    @Test(.enabled(if: Corpus.isAvailable)) func corpusFieldsKeepTheirIndicesAndBuffer() throws {
        var checked = 0
        let files = try Corpus.forEachSisimaiMessage { file, ending, input in
            let label = "\(file) \(ending)"
            let section = HeaderSection.parse(input)
            let ranges = Self.scannedRanges(input)
            #expect(section.fields.count == ranges.count, "\(label)")
            for (field, range) in zip(section.fields, ranges) {
                #expect(field.name.indices == range.name, "\(label)")
                #expect(field.rawValue.indices == range.rawValue, "\(label)")
                #expect(field.offset == range.name.lowerBound && field.isFolded == range.folded, "\(label)")
            }
            let walked = HeaderSection.parseByLineScanner(input)
            #expect(section.fields.map { $0.name.indices } == walked.fields.map { $0.name.indices }, "\(label)")
            #expect(section.fields.map { $0.rawValue.indices } == walked.fields.map { $0.rawValue.indices }, "\(label)")
            checked += Self.expectFieldsLieInTheirBuffer(section, of: input, label)
            // Every part's header section read from the input by the MIME parser (a part decoded
            // from a transfer encoding first lies in a buffer of its own, and is passed over).
            let message = ParsedMessage(parsing: input)
            var parts = [message.root]
            let span = input.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress)..<(UInt(bitPattern: $0.baseAddress) + UInt($0.count)) }
            while let part = parts.popLast() {
                parts += part.parts
                guard let raw = Self.address(part.headers.raw), span.contains(UInt(bitPattern: raw)) else { continue }
                checked += Self.expectFieldsLieInTheirBuffer(part.headers, of: input, label + " part")
            }
        }
        #expect(files > 500)
        #expect(checked > 50_000)
    }

    /// A field read by name, as `hasName` and the name tables compare it, after the storage change:
    /// names longer than eight bytes are compared from the ninth byte in the field's one slice.
    @Test func lookupsReadTheNameFromTheOneSlice() {
        let text = "X-Long-Name-Here: a\nX-Long-Name-Hers: b\nReceived: c\nContent-Type: d\n\n"
        let section = HeaderSection.parse(Array(text.utf8)[...])
        #expect(section["x-long-name-here"] == "a")
        #expect(section["x-long-name-hers"] == "b")
        #expect(section["x-long-name-her"] == nil)
        #expect(section.fields(firstOf: ["x-long-name-hers", "content-type"]).first.map { $0?.valueString } == ["b", "d"])
        #expect(section.fields[0].hasName("x-long-name-here") && !section.fields[0].hasName("x-long-name-hers"))
    }

    /// The public initializer with a name and a value from two different buffers: both parts read
    /// back as given, in one new buffer; the indices of both are kept where the name ends before the
    /// value starts (within a bounded gap), else the name's, the value right after it.
    @Test func partsOfTwoBuffersAreJoinedInOne() {
        let nameBuffer = Array("..Subject..".utf8), valueBuffer = Array("####  hello there\r\n\tagain###".utf8)
        let name = nameBuffer[2..<9], value = valueBuffer[4..<25]
        let field = HeaderField(name: name, rawValue: value, offset: 17, isFolded: true)
        #expect(Array(field.name) == Array(name) && Array(field.rawValue) == Array(value))
        #expect(field.name.indices == 2..<9 && field.rawValue.indices == 9..<30)
        let paddedValue = Array(repeating: UInt8(ascii: "#"), count: 12) + Array("  hello there\r\n\tagain".utf8)
        let apart = HeaderField(name: name, rawValue: paddedValue[12...], offset: 17, isFolded: true)
        #expect(apart.name.indices == 2..<9 && apart.rawValue.indices == 12..<33)
        #expect(Array(apart.name) == Array(name) && Array(apart.rawValue) == Array(value))
        let farValue = Array(repeating: UInt8(ascii: "#"), count: 200) + Array(" v".utf8)
        let far = HeaderField(name: name, rawValue: farValue[200...], offset: 0, isFolded: false)
        #expect(far.name.indices == 2..<9 && far.rawValue.indices == 9..<11 && far.valueString == "v")
        #expect(field.offset == 17 && field.isFolded && apart.valueString == "hello there\tagain")
        #expect(field.offset == 17 && field.isFolded)
        #expect(field.hasName("subject") && !field.hasName("subjec"))
        #expect(field.valueString == "hello there\tagain")
        var appended: [UInt8] = []
        field.appendUnfoldedValue(to: &appended)
        #expect(appended == Array("hello there\tagain".utf8))
    }

    /// An empty name or value keeps its indices as the other part does.
    @Test func anEmptyPartKeepsItsIndices() {
        let buffer = Array("To: someone\n".utf8)
        let noName = HeaderField(name: [], rawValue: buffer[3..<11], offset: 2, isFolded: false)
        #expect(noName.name.isEmpty && noName.name.indices == 0..<0)
        #expect(noName.rawValue.indices == 3..<11 && noName.valueString == "someone")
        #expect(noName.hasName("") && !noName.hasName("to"))
        let noValue = HeaderField(name: buffer[0..<2], rawValue: buffer[3..<3], offset: 0, isFolded: false)
        #expect(noValue.name.indices == 0..<2 && noValue.hasName("to"))
        #expect(noValue.rawValue.isEmpty && noValue.rawValue.indices == 3..<3 && noValue.valueString == "")
        let neither = HeaderField(name: [], rawValue: [], offset: 0, isFolded: false)
        #expect(neither.name.isEmpty && neither.rawValue.isEmpty && neither.unfoldedValue.isEmpty)
        // A parsed empty name (RFC 5322 needs one, the parser tolerates none) and an empty value.
        let parsed = HeaderSection.parse(Array(":x\nA:\nB: \n\n".utf8)[...])
        #expect(parsed.fields.map { Array($0.name) } == [[], Array("A".utf8), Array("B".utf8)])
        #expect(parsed.fields.map { $0.name.indices } == [0..<0, 3..<4, 6..<7])
        #expect(parsed.fields.map { $0.rawValue.indices } == [1..<2, 5..<5, 8..<9])
    }

    /// Setting `name` or `rawValue` makes the field anew from the parts: the other part reads the same,
    /// the key follows the name, and folded values unfold as before.
    @Test func settersRebuildTheField() {
        let parsed = HeaderSection.parse(Array("Received: from a\r\n\tby b\r\nTo: c\r\n\r\n".utf8)[...])
        var field = parsed.fields[0]
        #expect(field.isFolded && field.valueString == "from a\tby b")
        field.name = Array("X-Received".utf8)[...]
        #expect(field.hasName("x-received") && !field.hasName("received"))
        #expect(Array(field.rawValue) == Array(" from a\r\n\tby b".utf8) && field.valueString == "from a\tby b")
        // The new name (indices 0..<10) ends past the value's start (9): the value follows it.
        #expect(field.name.indices == 0..<10 && field.rawValue.indices == 10..<24)
        field.rawValue = Array(" one\n two".utf8)[...]
        #expect(field.hasName("x-received") && field.valueString == "one two")
        field.name.append(contentsOf: Array("-Extra".utf8))
        #expect(field.hasName("x-received-extra") && field.valueString == "one two")
        field.rawValue.removeAll()
        #expect(field.hasName("x-received-extra") && field.rawValue.isEmpty)
    }
}
