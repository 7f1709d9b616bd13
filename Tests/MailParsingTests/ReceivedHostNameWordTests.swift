import Testing
import TestSupport
@testable import MailParsing

/// `ReceivedField.hostName` passes over names eight bytes at a time (`hostNameBytes`) and
/// `FromReader.heloWord` reads four bytes in one load: both held to byte-by-byte definitions.
struct ReceivedHostNameWordTests {
    /// The byte-by-byte reading `hostName` had: after the last `@`, every byte allowed, a trailing dot dropped.
    static func referenceHostName(_ bytes: [UInt8]) -> Range<Int>? {
        var start = 0
        var i = bytes.count
        while i > 0 {
            i -= 1
            if bytes[i] == UInt8(ascii: "@") { start = i + 1; break }
            guard ReceivedField.isHostNameByte(bytes[i]) else { return nil }
        }
        var end = bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: ".") { end -= 1 }
        return end > start ? start..<end : nil
    }

    /// `helo`/`ehlo` any case (the name's range empty), `helo=NAME` (the range after `=`), else nil.
    static func referenceHelo(_ bytes: [UInt8]) -> Range<Int>? {
        let lower = bytes.map { ASCII.lowercased($0) }
        guard lower.count >= 4, lower.prefix(4).elementsEqual("helo".utf8) || lower.prefix(4).elementsEqual("ehlo".utf8) else { return nil }
        if lower.count == 4 { return 4..<4 }
        return bytes[4] == UInt8(ascii: "=") ? 5..<bytes.count : nil
    }

    @Test func agreeWithByteByByteReadingOnRandomWords() {
        var generator = SplitMix64(seed: 2_027)
        // Allowed bytes, the edges of each allowed range, `@`, `=`, 8-bit bytes and the helo letters.
        let alphabet: [UInt8] = Array("azAZ09.-_@=`{[/:;~ heloHELOmx".utf8) + [0x80, 0xC3, 0xFF, 0x7F, 0x00, 0x2F, 0x3A, 0x40, 0x5B, 0x60, 0x7B]
        for round in 0..<20_000 {
            let count = Int(generator.next() % 30)
            var word = (0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            if round % 3 == 0 { word = Array(Array("mx1.example-host_x.org".utf8).prefix(count)) + Array(word.dropFirst(min(count, 22))) }
            if round % 5 == 0, count >= 4 { word.replaceSubrange(0..<4, with: Array(["helo", "EHLO", "HeLo", "ehlO"][round % 4].utf8)) }
            // Placed after a prefix, so the word's range does not start at the buffer's start.
            let buffer: [UInt8] = Array("(x ".utf8) + word + Array(")".utf8)
            buffer.withUnsafeBufferPointer { bytes in
                let range = 3..<(3 + word.count)
                let name = ReceivedField.hostName(bytes, range).map { ($0.lowerBound - 3)..<($0.upperBound - 3) }
                #expect(name == Self.referenceHostName(word), "\(word)")
                if !word.isEmpty {
                    let helo = ReceivedField.FromReader.heloWord(bytes, range).map { ($0.lowerBound - 3)..<($0.upperBound - 3) }
                    #expect(helo == Self.referenceHelo(word), "\(word)")
                }
            }
        }
    }
}
