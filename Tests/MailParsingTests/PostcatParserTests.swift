import Foundation
import MailParsing
import Testing
import TestSupport

/// Postfix's `postcat` output read as a mailbox: each queued message exactly as queued, whatever the
/// chunking, with hostile marker lines and long messages bounded.
@Suite("postcat output")
struct PostcatParserTests {
    /// Messages of our own, the second one holding lines that copy postcat's markers.
    static let messages: [[UInt8]] = [
        Array("From: MAILER-DAEMON@mx.example.net\nTo: victim@example.org\nSubject: Undelivered Mail\n\nbody one\n".utf8),
        Array(("From: a@example.net\nSubject: markers\n\n*** HEADER EXTRACTED deferred/AAAA ***\n"
               + "*** MESSAGE FILE END deferred/OTHER ***\n*** ENVELOPE RECORDS deferred/FAKE ***\n"
               + "*** MESSAGE CONTENTS deferred/FAKE ***\nstill the second message\n").utf8),
        Array("From: c@example.net\nSubject: no line end at its end\n\nthird".utf8),
    ]

    /// What `postcat` prints for a queue file holding `message` (postcat.c's markers), the message's
    /// lines in `lineEnd`; `extracted: false` leaves the HEADER EXTRACTED section out.
    static func entry(_ id: String, _ message: [UInt8], extracted: Bool = true, lineEnd: String = "\n") -> [UInt8] {
        func text(_ s: String) -> [UInt8] { Array(s.replacingOccurrences(of: "\n", with: lineEnd).utf8) }
        var out = text("*** ENVELOPE RECORDS deferred/\(id) ***\nmessage_size:            1234             612               1               0            1234\n"
                       + "message_arrival_time: Sun Dec  6 10:00:00 2026\nsender: \nrecipient: victim@example.org\n"
                       + "*** MESSAGE CONTENTS deferred/\(id) ***\n")
        out += lineEnd == "\n" ? message : Array(String(decoding: message, as: UTF8.self).replacingOccurrences(of: "\n", with: lineEnd).utf8)
        if message.last != UInt8(ascii: "\n") { out += text("\n") }
        if extracted { out += text("*** HEADER EXTRACTED deferred/\(id) ***\noriginal_recipient: victim@example.org\n") }
        out += text("*** MESSAGE FILE END deferred/\(id) ***\n")
        return out
    }

    /// The parser over `chunks`, fed one after another.
    static func parse(_ chunks: [ArraySlice<UInt8>], limits: MailboxLimits = .init()) -> [ReadMessage] {
        var parser = PostcatParser(limits: limits)
        return MailboxTesting.feed(&parser, chunks, next: { $0.next(&$1) }, finish: { $0.finish(&$1) }).map(ReadMessage.init)
    }

    @Test("each queued message is read exactly, its offset and length its text in the output, in LF and CRLF")
    func messagesAsQueued() throws {
        for lineEnd in ["\n", "\r\n"] {
            let ids = ["4F1B2C3D4E", "7C8D9E0F1A", "5A6B7C8D9E"]
            var output: [UInt8] = []
            var starts: [Int] = []
            for (n, message) in Self.messages.enumerated() {
                let entry = Self.entry(ids[n], message, extracted: n != 2, lineEnd: lineEnd)
                let marker = Array("*** MESSAGE CONTENTS deferred/\(ids[n]) ***\(lineEnd)".utf8)
                starts.append(output.count + (try #require(entry.firstRange(of: marker))).upperBound)
                output += entry
            }
            let read = Self.parse([output[...]])
            #expect(read.count == 3)
            for (n, message) in read.enumerated() {
                let expected = lineEnd == "\n" ? Self.messages[n]
                    : Array(String(decoding: Self.messages[n], as: UTF8.self).replacingOccurrences(of: "\n", with: lineEnd).utf8)
                // The third message had no line end at its end: postcat's own line end follows it.
                let whole = n == 2 ? expected + Array(lineEnd.utf8) : expected
                #expect(message.bytes == whole, "\(n)")
                #expect(message.offset == starts[n] && message.length == whole.count, "\(message)")
                #expect(Array(output[message.offset..<(message.offset + message.length)]) == whole)
                #expect(message.index == n && message.defects.isEmpty)
            }
            #expect(PostcatParser.isPostcatOutput(output))
        }
    }

    @Test("every chunking gives the same messages")
    func chunking() {
        var output: [UInt8] = []
        for (n, message) in Self.messages.enumerated() { output += Self.entry("ID\(n)", message, extracted: n % 2 == 0) }
        output += Array("*** ENVELOPE RECORDS deferred/EMPTY ***\nsender: \n*** MESSAGE FILE END deferred/EMPTY ***\n".utf8)
        output += Self.entry("CUT", Self.messages[0]).dropLast(40)   // cut inside its trailer
        let report = ChunkingVerifier.verify(output, randomRuns: 6) { Self.parse($0) }
        #expect(report.mismatches.isEmpty, "\(report.mismatches)")
        #expect(report.whole.map(\.bytes) == Self.messages.enumerated().map { $0.offset == 2 ? $0.element + [10] : $0.element } + [Self.messages[0]])
    }

    @Test("a message cut off by the end of the input is read to it")
    func cutInsideAMessage() {
        let entry = Self.entry("ID", Self.messages[0])
        let marker = Array("*** MESSAGE CONTENTS deferred/ID ***\n".utf8)
        let upTo = entry.firstRange(of: marker)!.upperBound + 30
        let read = Self.parse([entry[..<upTo]])
        #expect(read.map(\.bytes) == [Array(Self.messages[0].prefix(30))])
        #expect(read.first?.defects == .missingFinalNewline)
    }

    @Test("a message past the limit is cut and the rest dropped as it comes; long lines outside go too")
    func limits() {
        let limits = MailboxLimits(maxMessageBytes: 4096, readChunkBytes: 512)
        let body = Array(repeating: Array("a line of the body of a long message\n".utf8), count: 2000).joined()
        let long = Array("From: a@example.net\n\n".utf8) + body
        let noise = Array("named_attribute: ".utf8) + [UInt8](repeating: 0x78, count: 50_000) + [10]
        var output = Self.entry("LONG", long)
        output.insert(contentsOf: noise, at: Array("*** ENVELOPE RECORDS deferred/LONG ***\n".utf8).count)
        output += Self.entry("NEXT", Self.messages[0])
        // Fed a chunk at a time, as the reader feeds it: what the parser holds stays near the limit.
        var parser = PostcatParser(limits: limits)
        var input = ByteSlice()
        var read: [MailboxMessage] = []
        var held = 0
        var at = 0
        while at < output.count {
            input.append(contentsOf: output[at..<min(output.count, at + 512)])
            at += 512
            while let m = parser.next(&input) { read.append(m) }
            held = max(held, input.count)
        }
        while let m = parser.finish(&input) { read.append(m) }
        #expect(read.count == 2)
        #expect(read.first?.bytes.count == 4096)
        #expect(read.first.map { Array($0.bytes) } == Array(long.prefix(4096)))
        #expect(read.first?.length == long.count)
        #expect(read.first?.defects == .truncated)
        #expect(read.last.map { Array($0.bytes) } == Self.messages[0])
        #expect(held <= limits.maxMessageBytes + PostcatParser.maxMarkerBytes + 512)
        // The same whatever the chunking.
        let report = ChunkingVerifier.verify(output, randomRuns: 3, byteByByteLimit: 0) { Self.parse($0, limits: limits) }
        #expect(report.mismatches.isEmpty, "\(report.mismatches)")
        #expect(report.whole.map(\.length) == [long.count, Self.messages[0].count])
    }

    @Test("the reader tells postcat output from a message and reads a file of it, and standard input")
    func reader() throws {
        var output: [UInt8] = []
        for (n, message) in Self.messages.enumerated() { output += Self.entry("ID\(n)", message) }
        let folder = try MailboxTesting.folder(["queue.txt": output, "queue.txt.gz": Gzip.compress(output)], prefix: "postcat")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["queue.txt", "queue.txt.gz"] {
            var reader = try MailboxReader(path: folder + "/" + name)
            #expect(reader.kind == .postcatOutput)
            var bytes: [[UInt8]] = []
            while let message = try reader.next() { bytes.append(Array(message.bytes)) }
            #expect(bytes.count == 3, "\(name)")
            #expect(bytes.first == Self.messages[0])
        }
        let raw = try MailboxReader.readRawEntry(path: folder + "/queue.txt", offset: Self.parse([output[...]])[1].offset,
                                                 length: Self.messages[1].count)
        #expect(raw == Self.messages[1])
    }

    /// Every message of `output` fed in chunks of `size` bytes.
    static func messages(_ output: [UInt8], chunk size: Int) -> [MailboxMessage] {
        var parser = PostcatParser()
        var input = ByteSlice()
        var out: [MailboxMessage] = []
        var at = 0
        while at < output.count {
            input.append(contentsOf: output[at..<min(at + size, output.count)])
            at += size
            while let m = parser.next(&input) { out.append(m) }
        }
        while let m = parser.finish(&input) { out.append(m) }
        return out
    }

    @Test("each message carries its entry's envelope: sender, recipients, whatever the chunking")
    func envelopes() {
        let second = Array(("*** ENVELOPE RECORDS deferred/BBBB ***\nsender: alice@example.net\n"
                            + "recipient: one@remote.example\nrecipient:   two@remote.example  \n"
                            + "*** MESSAGE CONTENTS deferred/BBBB ***\nSubject: b\n\nbody\n"
                            + "*** HEADER EXTRACTED deferred/BBBB ***\nrecipient: extracted@remote.example\n"
                            + "*** MESSAGE FILE END deferred/BBBB ***\n").utf8)
        // No sender or recipient line: no envelope, not the extracted recipient of the entry before.
        let third = Array(("*** ENVELOPE RECORDS deferred/CCCC ***\n*** MESSAGE CONTENTS deferred/CCCC ***\n"
                           + "Subject: c\n\nbody\n*** MESSAGE FILE END deferred/CCCC ***\n").utf8)
        let output = Self.entry("AAAA", Self.messages[0]) + second + third
        for size in [1, 7, output.count] {
            let read = Self.messages(output, chunk: size)
            #expect(read.count == 3)
            guard read.count == 3 else { continue }
            let text = { (bytes: [UInt8]) in String(decoding: bytes, as: UTF8.self) }
            #expect(read[0].queueEnvelope?.sender == [], "the null sender <>: empty")
            #expect(read[0].queueEnvelope?.recipients.map(text) == ["victim@example.org"])
            #expect(read[0].queueEnvelope?.arrivalTime == nil)
            #expect(read[1].queueEnvelope?.sender.map(text) == "alice@example.net")
            #expect(read[1].queueEnvelope?.recipients.map(text) == ["one@remote.example", "two@remote.example"])
            #expect(read[2].queueEnvelope == nil, "chunk \(size)")
        }
    }

    @Test("envelope lines are bounded: one longer than a marker is not read, the addresses stop at 1 MiB")
    func envelopeLimits() {
        let long = "recipient: " + String(repeating: "x", count: PostcatParser.maxMarkerBytes) + "@example.org\n"
        let address = String(repeating: "y", count: 1000) + "@example.org"
        let many = String(repeating: "recipient: \(address)\n", count: 2 * PostcatParser.maxEnvelopeBytes / address.utf8.count)
        let output = Array(("*** ENVELOPE RECORDS deferred/DDDD ***\nsender: \n" + long + many
                            + "*** MESSAGE CONTENTS deferred/DDDD ***\nSubject: d\n\nbody\n"
                            + "*** MESSAGE FILE END deferred/DDDD ***\n").utf8)
        for size in [4096, output.count] {
            let read = Self.messages(output, chunk: size)
            let recipients = read.first?.queueEnvelope?.recipients ?? []
            #expect(recipients.count == PostcatParser.maxEnvelopeBytes / address.utf8.count, "chunk \(size)")
            #expect(recipients.allSatisfy { $0.count == address.utf8.count })
            #expect(read.first.map { Array($0.bytes) } == Array("Subject: d\n\nbody\n".utf8))
        }
    }
}
