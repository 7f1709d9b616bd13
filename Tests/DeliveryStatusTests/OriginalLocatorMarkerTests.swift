import Testing
import TestSupport
@testable import DeliveryStatus
import BytePatterns
import MailParsing

/// `OriginalLocator.firstMarkerStart(in:)` against the pattern set it replaced (`markerPattern`).
@Suite struct OriginalLocatorMarkerTests {
    static func reference(_ bytes: [UInt8]) -> Int? {
        OriginalLocator.markerPattern.firstMatch(in: bytes[...])?.match.range.lowerBound
    }

    static func fast(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { OriginalLocator.firstMarkerStart(in: $0) }
    }

    /// A broken multipart's part header read as text announces the original with or without a blank
    /// after the colon (sisimai rhost-franceptt-08 written `Content-Type:message/rfc822`).
    @Test(arguments: ["Content-Type: message/rfc822", "Content-Type:message/rfc822", "content-type:\tmessage/rfc822",
                      "Content-Type:text/rfc822-headers"])
    func partHeaderAnnouncesTheOriginal(header: String) {
        let text = "Final-Recipient: rfc822; a@example.net\nStatus: 5.1.1\n\n--other-boundary\n\(header)\n\n"
            + "From: b@example.org\nTo: a@example.net\nSubject: hello\nMessage-ID: <1@example.org>\n\nBody\n"
        let start = Self.fast(Array(text.utf8))
        #expect(start != nil)
        #expect(OriginalLocator.inline(text, markerStart: start).presence != .none, "\(header)")
    }

    /// A report that lost its Content-Type reads as one text: the delimiter line that the original's own
    /// fields follow starts it (backscatter-dev), not the one before the text part (a blank line follows),
    /// nor one before a part's own fields, nor a section line of hyphens.
    @Test func aLostDelimiterBeforeTheOriginalsFields() throws {
        func start(_ text: String) -> Int? { Array(text.utf8).withUnsafeBufferPointer { OriginalLocator.lostDelimiterStart(in: $0) } }
        let text = "This is a MIME-encapsulated message\n\n--B4F2.1528523769/mx.example.net\n\nThe original message was received\n"
            + "<<< 550 no\n\n--B4F2.1528523769/mx.example.net\nReceived: from x by y; Wed, 4 Mar 2026 09:20:01 +0000\n"
            + "From: a@example.org\nSubject: hello\n\nBody\n"
        let at = try #require(start(text))
        #expect(text.utf8.dropFirst(at).starts(with: "--B4F2.1528523769/mx.example.net\nReceived:".utf8))
        #expect(OriginalLocator.inline(text, markerStart: at).presence == .full)
        #expect(start(text.replacingOccurrences(of: "\n", with: "\r\n")) != nil)
        #expect(start("--B4F2.1528523769\nContent-Type: text/plain\n\nhello\n") == nil)
        #expect(start("   ----- Transcript of session follows -----\nReceived: from x\n") == nil)
        #expect(start("-- \nFrom: a@example.org\n") == nil)   // a signature's separator
        #expect(start("--short\nFrom: a@example.org\n") == nil)
        #expect(start("--B4F2.1528523769\nFrom: a@example.org\n") == 0)
    }

    /// Texts made of markers (whole, cut short, in mixed case, with a byte changed), anchor words,
    /// words and bytes (8-bit ones, line ends, NUL), so that markers overlap, sit at block edges and
    /// at the very end.
    /// A copy of the original's fields that no marker announces: a "Received:" or "Return-Path:" line
    /// after a blank line (Zoho, a report whose boundary is never used) or after a line of hyphens or
    /// equals signs (MXLogic, Notes); not after a line of prose, not indented, not the text's first line.
    @Test func anUnmarkedCopyOfTheOriginalsFields() throws {
        func start(_ text: String) -> Int? { Array(text.utf8).withUnsafeBufferPointer { OriginalLocator.unmarkedCopyStart(in: $0) } }
        let fields = "Received:from mail.example.org by mx.example.net\n\twith SMTP id 17; Mon, 9 Mar 2026 02:59:50 -0800\n"
            + "Message-ID:<1@example.org>\nFrom:Alice <alice@example.org>\nTo:<bob@example.net>\nSubject:Lunch\n"
        let report = "bob@example.net Invalid Address, ERROR_CODE :550\n"
        for above in ["\n\n", "\n--------------------------\n", "\n------- Returned Message --------\n", "\n====\n"] {
            let text = report + above + fields
            let at = try #require(start(text), "\(above.debugDescription)")
            let original = OriginalLocator.inline(text, markerStart: at)
            #expect(original.presence == .headers, "\(above.debugDescription)")
            #expect(original.messageID == "<1@example.org>")
            #expect(start(text.replacingOccurrences(of: "\n", with: "\r\n")) != nil)
        }
        #expect(start(report + "\nReturn-Path: <alice@example.org>\n" + fields) != nil)
        #expect(start(report + fields) == nil)                       // under a line of prose
        #expect(start(report + "\n  " + fields) == nil)              // indented
        #expect(start(fields) == nil)                                // the text's first line
        #expect(start(report + "\nReceived-From-MTA: dns; x\n") == nil)
        // Under a rule, any field of a message (mFILTER); under a blank line, only Received and Return-Path.
        #expect(start(report + "-------original mail info\nFrom: a@example.org\nSubject: hi\n") != nil)
        #expect(start(report + "|---- Failed addresses follow: ----|\nFrom: a@example.org\n") != nil)
        #expect(start(report + "\nFrom: a@example.org\nSubject: hi\n") == nil)
        #expect(start(report + "-------SMTP command\nDATA\n") == nil)
        #expect(start(report + "-------original mail info\nContent-Type: text/plain\n") == nil)
    }

    /// A report's per-recipient fields running into the copy's trace fields without a blank line, quoted
    /// alike (sisimai lhost-sendmail-14, a forwarded bounce quoted with "> "): the copy starts at the
    /// Return-Path or Received line. Not under another field, nor under a line quoted otherwise. A copy
    /// forwarded twice (`>> `, `> > `) is read too: the inline reader takes as many levels of `>` off
    /// its lines as its first line has.
    @Test func aCopyRightUnderTheReportsFields() throws {
        func start(_ text: String) -> Int? { Array(text.utf8).withUnsafeBufferPointer { OriginalLocator.unmarkedCopyStart(in: $0) } }
        let dsn = "Final-Recipient: RFC822; bob@example.net\nAction: failed\nStatus: 5.1.1\n"
            + "Last-Attempt-Date: Tue, 17 Mar 2026 10:00:00 +0100\n"
        let copy = "Return-Path: <alice@example.org>\nReceived: from a by b; Tue, 17 Mar 2026 09:59:59 +0100\n"
            + "Message-ID: <4@example.org>\nFrom: alice@example.org\nSubject: Plans\n"
        func quoted(_ text: String, _ mark: String) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : mark + $0 }.joined(separator: "\n")
        }
        for mark in ["", "> ", ">> ", "> > "] {
            let text = quoted("Forwarded:\n" + dsn + copy, mark)
            let at = try #require(start(text), "\(mark.debugDescription)")
            let original = OriginalLocator.inline(text, markerStart: at)
            #expect(original.messageID == "<4@example.org>", "\(mark.debugDescription)")
        }
        #expect(start("Forwarded:\n" + dsn.replacingOccurrences(of: "Last-Attempt-Date", with: "Diagnostic-Code")
            + "Received: from a by b; Tue, 17 Mar 2026 09:59:59 +0100\nFrom: alice@example.org\n") != nil)
        // Under a field that is not the report's, or quoted otherwise: not a copy's start.
        #expect(start("Forwarded:\nX-Note: 1\n" + copy) == nil)
        #expect(start("Forwarded:\n> " + dsn.split(separator: "\n").joined(separator: "\n> ") + "\n>> " + copy) == nil)
        #expect(start("Forwarded:\n" + dsn + "From: alice@example.org\n") == nil)
    }

    /// After the marker "Content-Type: message/rfc822" of a multipart whose boundary is never found, the
    /// part's own fields come first: the copy's are the section after them (sisimai rhost-google-02).
    @Test func thePartsOwnFieldsBeforeTheCopy() throws {
        let text = "said: 550 5.1.1 unknown\n\n--AA92.1528513261/mail.example.jp\nContent-Description: Undelivered Message\n"
            + "Content-Type: message/rfc822\nContent-Transfer-Encoding: 7bit\n\nReceived: from localhost by mail.example.jp;\n"
            + "\tWed, 11 Mar 2026 08:59:58 +0900\nFrom: alice@example.jp\nMessage-Id: <2@example.jp>\n\nBody\n"
        let markerStart: Int = try #require(Self.fast(Array(text.utf8)))
        let original = OriginalLocator.inline(text, markerStart: markerStart)
        #expect(original.presence == .full)
        #expect(original.messageID == "<2@example.jp>")
    }

    /// A copy whose folding lost its indentation is read again with the lost continuation lines
    /// indented, but only up to the last field an original would hold: the body of a copy without its
    /// blank line stays out of the section.
    @Test func aCopyWhoseFoldingWasBroken() throws {
        func repaired(_ text: String) -> HeaderSection? {
            let bytes = Array(text.utf8)[...]
            return OriginalLocator.repaired(HeaderSection.parse(bytes), in: bytes)
        }
        let broken = try #require(repaired("Received: from [192.0.2.1] by mail.example.org (via\nHTTP); Fri, 13 Mar 2026 09:58:10 +0100\n"
            + "Message-ID: <1@mail.example.org>\nFrom: a@example.org\n\nBody\n"))
        #expect(broken.fields.count == 3)
        #expect(broken.first("message-id")?.valueString == "<1@mail.example.org>")
        #expect(try #require(repaired("Received: from x by y (via\rHTTP); Fri, 13 Mar 2026 09:58:10 +0100\rFrom: a@example.org\r\rBody\r")).fields.count == 2)
        #expect(repaired("From: a@example.org\nSubject: hi\nHello, this is the body\nand more\n") == nil)
        #expect(repaired("From: a@example.org\nSubject: hi\n\nBody\n") == nil)   // nothing broken
        let blankFirst = try #require(repaired("\n\nReceived: from x by y; Sun, 15 Mar 2026 23:34:40 +0900\nFrom: a@example.org\n\nBody\n"))
        #expect(blankFirst.fields.count == 2)
    }

    /// A lost folding that ended a value with a blank line, before any field a message is known by
    /// (sisimai lhost-office365-08): the one blank line right above a known field is read past, and
    /// the fields under it are the copy's; where the copy starts with the lost lines (the part's own
    /// fields took its first ones), it is read from the field under the blank line. Not past a blank
    /// line after a known field, nor one not followed by a known field, nor a second one.
    @Test func aCopyWhoseFoldingEndedInABlankLine() throws {
        func repaired(_ text: String) -> HeaderSection? {
            let bytes = Array(text.utf8)[...]
            return OriginalLocator.repaired(HeaderSection.parse(bytes), in: bytes)
        }
        let tail = "DKIM-Signature: v=1; d=example.org;\ns=sel;\nReceived: from x by y;\n Wed, 18 Mar 2026 10:00:00 +0000\n"
            + "From: a@example.org\nMessage-ID: <3@example.org>\n\nBody\n"
        // The lost lines start the copy: read from the DKIM-Signature on, its lost line indented.
        let lostFirst = try #require(repaired("AbCdEf0123==\nX-Info: 1\nX-Antispam:\nGhIj4567==\n\n" + tail))
        #expect(lostFirst.fields.map { String(decoding: $0.name, as: UTF8.self) } == ["DKIM-Signature", "Received", "From", "Message-ID"])
        #expect(lostFirst.first("message-id")?.valueString == "<3@example.org>")
        // Fields first, then a lost line and the blank: all kept, the lost lines indented.
        let fieldsFirst = try #require(repaired("X-Info:\nAbCdEf0123==\nX-Antispam:\nGhIj4567==\n\n" + tail))
        #expect(fieldsFirst.first("from")?.valueString == "a@example.org")
        #expect(fieldsFirst.first("x-antispam")?.valueString == "GhIj4567==")
        // A known field above the blank line: the copy's fields end there, as before.
        #expect(repaired("From: a@example.org\nlost line\n\n" + tail)?.first("message-id") == nil)
        // No known field under it: the body.
        #expect(repaired("AbCdEf0123==\n\nHello, this is the body\nFrom: the body still\n") == nil)
        #expect(repaired("X-Info:\nAbCdEf0123==\n\nX-Other: 1\nFrom: a@example.org\n")?.first("from") == nil)
        // One blank line only.
        #expect(repaired("AbCdEf0123==\n\nX-Info:\nlost\n\n" + tail)?.first("from") == nil)
    }

    /// A report part whose own header section is a message's (X1) is the original, and so is the text
    /// of a text part or a first message/partial fragment that starts with one; a part with a part's
    /// fields, or with one field of a message, is not.
    @Test func aPartWhoseFieldsAreTheOriginals() {
        func headed(_ secondPart: String) -> Bool {
            let text = "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nfailed\n\n--b\n"
                + secondPart + "\n\nbody\n--b--\n"
            return OriginalLocator.headedPart(of: ParsedMessage(parsing: Array(text.utf8)[...]).root) != nil
        }
        #expect(headed("Received: from x by y; Mon, 16 Mar 2026 09:59:00 +0100\nMessage-Id: <1@x>\nContent-Type: text/plain"))
        #expect(!headed("Content-Type: text/plain\nContent-Description: Notification\nMIME-Version: 1.0"))
        #expect(!headed("Content-Type: text/plain\nSubject: hello"))
        // A text part whose text is the original's header section (X6's attachment, Messaging Server).
        #expect(headed("Content-Type: text/plain\n\nX-Ref: 1\nReceived: from x by y; Mon, 16 Mar 2026 09:59:00 +0100\nFrom: a@x"))
        #expect(!headed("Content-Type: text/plain\n\nReporting-MTA: dns; x\nArrival-Date: Mon, 16 Mar 2026 09:59:00 +0100"))
        #expect(!headed("Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\nUmVjZWl2ZWQ6IGZyb20geA=="))
        // RFC 2046 §5.2.2: a message/partial part's first fragment begins with the original's header
        // section (Bigfoot, sisimai lhost-bigfoot-02); a later fragment holds only the body's rest.
        let fragment = "\n\nReceived: from x by y; Mon, 16 Mar 2026 09:59:00 +0100\nMessage-ID: <1@x>\nFrom: a@x"
        #expect(headed("Content-Type: message/partial" + fragment))
        #expect(headed("Content-Type: message/partial; id=\"a@x\"; number=1; total=2" + fragment))
        #expect(!headed("Content-Type: message/partial; id=\"a@x\"; number=2; total=2" + fragment))
        #expect(!headed("Content-Type: application/octet-stream" + fragment))
    }

    @Test func agreesWithThePatternSet() {
        var generator = SplitMix64(seed: 7)
        let pieces: [[UInt8]] = OriginalLocator.markers.map { Array($0.utf8) }
            + ["messag", "message", "headers", "below", "MESSAGE", "Headers", "Below this line", "copy of the ",
               "original ", "content-type: ", " ", "  ", "\n", "\r\n", "x", "mg", "hd", "bw"].map { Array($0.utf8) }
            + [[0x00], [0xC3, 0xA9], [0xFF], [0x4D], [0x6D], [0x40], [0x60], [0x7B]]
        for round in 0..<40_000 {
            var text: [UInt8] = []
            let pieceCount = generator.below(round % 4 == 0 ? 30 : 8)
            for _ in 0..<pieceCount {
                var piece = pieces[generator.below(pieces.count)]
                switch generator.below(6) {
                case 0: piece = piece.map { byte in (0x61...0x7A).contains(byte) && generator.below(2) == 0 ? byte - 0x20 : byte }
                case 1: piece = Array(piece.prefix(generator.below(piece.count + 1)))
                case 2 where !piece.isEmpty: piece[generator.below(piece.count)] = UInt8(truncatingIfNeeded: generator.below(256))
                case 3: piece = Array(piece.dropFirst(generator.below(piece.count + 1)))
                default: break
                }
                text += piece
            }
            #expect(Self.fast(text) == Self.reference(text), "\(String(decoding: text, as: UTF8.self).debugDescription)")
        }
    }

    /// Each marker alone at every offset of a run of filler, in upper case, and two markers where the
    /// later-anchored one starts first.
    @Test func edges() {
        #expect(Self.fast([]) == nil)
        for marker in OriginalLocator.markers {
            for offset in 0..<40 {
                for filler: UInt8 in [0x20, 0x6D, 0x0A] {
                    let text = Array(repeating: filler, count: offset) + Array(marker.uppercased().utf8)
                    #expect(Self.fast(text) == Self.reference(text), "\(marker) at \(offset)")
                    #expect(Self.fast(text) == offset || filler == 0x6D)
                    let cut = Array(text.dropLast())
                    #expect(Self.fast(cut) == Self.reference(cut))
                }
            }
        }
        let overlapping = Array("xx below this line is a copy of the message follows".utf8)
        #expect(Self.fast(overlapping) == 3)
        #expect(Self.fast(overlapping) == Self.reference(overlapping))
    }
}
