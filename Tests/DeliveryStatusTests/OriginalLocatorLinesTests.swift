import Testing
import TestSupport
@testable import DeliveryStatus
import MailParsing

/// The inline copy's lines, written into one array, against the slice-by-slice loop they replaced.
@Suite struct OriginalLocatorLinesTests {
    static func reference(_ source: [UInt8], markerStart: Int) -> [UInt8]? {
        guard let markerLineEnd = source[markerStart...].firstIndex(of: 10) else { return nil }
        var nextLineStart: Int? = markerLineEnd + 1
        func nextLine() -> ArraySlice<UInt8>? {
            guard let start = nextLineStart else { return nil }
            guard let lineFeed = source[start...].firstIndex(ofByte: 10) else {
                nextLineStart = nil
                return source[start...]
            }
            nextLineStart = lineFeed + 1
            return source[start..<lineFeed]
        }
        var line = nextLine()
        while let l = line, l.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { line = nextLine() }
        guard line != nil else { return nil }
        var bytes: [UInt8] = []
        var taken = 0
        // The first line's quoting is the copy's: its levels of `>` (each with the space after it, at
        // most eight), or its indentation.
        let first = line!
        /// `l` without up to `depth` levels of `>` at its start.
        func unquoted(_ l: ArraySlice<UInt8>, depth: Int) -> ArraySlice<UInt8> {
            var l = l
            for _ in 0..<depth {
                guard l.first == 62 else { break }
                l = l.dropFirst()
                if l.first == 32 { l = l.dropFirst() }
            }
            return l
        }
        var depth = 0
        while depth < 8, unquoted(first, depth: depth + 1).count < unquoted(first, depth: depth).count { depth += 1 }
        let spaces = depth > 0 ? 0 : first.starts(with: [32, 32, 32, 32]) ? 4
            : first.starts(with: [32, 32]) && !first.starts(with: [32, 32, 32]) ? 2 : 0
        while let current = line, taken < 5_000 {
            line = nextLine()
            taken += 1
            var l = current
            if depth > 0 {
                l = unquoted(l, depth: depth)
            } else if spaces > 0, l.starts(with: Array(repeating: 32, count: spaces)) {
                l = l.dropFirst(spaces)
            }
            bytes.append(contentsOf: l)
            bytes.append(10)
        }
        return bytes
    }

    /// The copy's first line decides its quoting: a copy that is not indented keeps its folded fields'
    /// continuation lines as they are (sisimai lhost-exim-05, lhost-qmail-01: the Received field's
    /// "    by ..." line unindented ended the header section, and the Message-ID after it was lost); an
    /// indented or `>`-quoted copy loses its quoting on every line, continuations still indented; a copy
    /// quoted twice (`>> `, `> > `) loses both levels.
    @Test func theFirstLineDecidesTheQuoting() {
        func lines(_ text: String) -> String? {
            Array(text.utf8).withUnsafeBufferPointer { OriginalLocator.inlineLines($0, markerStart: 0) }.map { String(decoding: $0, as: UTF8.self) }
        }
        let folded = "Received: from a\n    by b\n  with c\nMessage-ID: <1@x>\n"
        // (The text's last LF ends a line, and the empty line after it is written with its LF too.)
        #expect(lines("marker\n" + folded) == folded + "\n")
        #expect(lines("marker\n    Received: from a\n        by b\n    Message-ID: <1@x>\n")
                == "Received: from a\n    by b\nMessage-ID: <1@x>\n\n")
        #expect(lines("marker\n  Received: from a\n      by b\n  Message-ID: <1@x>\n")
                == "Received: from a\n    by b\nMessage-ID: <1@x>\n\n")
        #expect(lines("marker\n> Received: from a\n>     by b\n> Message-ID: <1@x>\n")
                == "Received: from a\n    by b\nMessage-ID: <1@x>\n\n")
        // A copy forwarded twice: both levels off every line, however the marks are spaced.
        #expect(lines("marker\n>> Received: from a\n>>     by b\n>> Message-ID: <1@x>\n>\n")
                == "Received: from a\n    by b\nMessage-ID: <1@x>\n\n\n")
        #expect(lines("marker\n> > Received: from a\n> >     by b\n> > Message-ID: <1@x>\n")
                == "Received: from a\n    by b\nMessage-ID: <1@x>\n\n")
        let section = HeaderSection.parse(Array(lines("marker\n" + folded)!.utf8)[...])
        #expect(section.first("message-id")?.valueString == " <1@x>" || section.first("message-id")?.valueString == "<1@x>")
    }

    @Test func linesMatchTheSliceLoop() {
        var generator = SplitMix64(seed: 21)
        let alphabet: [UInt8] = Array("  \n\n\r\t>>>ab:".utf8)
        for _ in 0..<30_000 {
            let length = Int(generator.next() % 40)
            let source = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let markerStart = length == 0 ? 0 : Int(generator.next() % UInt64(length))
            let lines = source.withUnsafeBufferPointer { OriginalLocator.inlineLines($0, markerStart: markerStart) }
            #expect(lines == Self.reference(source, markerStart: markerStart), "\(source)")
        }
        // More than 5,000 lines: the cap.
        let many = Array("marker\n".utf8) + Array(repeating: Array("> a\n".utf8), count: 6_000).flatMap { $0 }
        let capped = many.withUnsafeBufferPointer { OriginalLocator.inlineLines($0, markerStart: 0) }
        #expect(capped == Self.reference(many, markerStart: 0))
        // The cap over unquoted lines (one run of the source), over a mix, and at the last line.
        for (line, lines) in [("a\n", 6_000), ("a\n", 5_000), ("a\n", 4_999), ("  b\nc\n", 3_000), ("x\n", 5_001)] {
            let source = Array("marker\n".utf8) + Array(repeating: Array(line.utf8), count: lines).flatMap { $0 }
            for tail in [[], Array("end".utf8), Array(" >q".utf8)] {
                let text = source + tail
                let got = text.withUnsafeBufferPointer { OriginalLocator.inlineLines($0, markerStart: 0) }
                #expect(got == Self.reference(text, markerStart: 0), "\(line) x \(lines) + \(tail)")
            }
        }
    }

    /// Longer texts of quoted and unquoted lines (runs copied whole, broken at each quoted line).
    @Test func longLinesMatchTheSliceLoop() {
        var generator = SplitMix64(seed: 22)
        let pieces: [[UInt8]] = ["Received: x\n", "> From: a\n", "    To: b\n", "  Cc: c\n", "   d\n", "\n", " \r\n", ">\n", ">> e\n", "f"].map { Array($0.utf8) }
        for _ in 0..<5_000 {
            var source: [UInt8] = Array("head\nmarker line\n".utf8)
            for _ in 0..<Int(generator.next() % 30) { source += pieces[Int(generator.next() % UInt64(pieces.count))] }
            for markerStart in [0, 5, source.count - 1] where markerStart >= 0 && markerStart < source.count {
                let lines = source.withUnsafeBufferPointer { OriginalLocator.inlineLines($0, markerStart: markerStart) }
                #expect(lines == Self.reference(source, markerStart: markerStart), "\(source)")
            }
        }
    }
}
