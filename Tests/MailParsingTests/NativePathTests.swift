import Foundation
import MailParsing
import Testing
import TestSupport

/// File names that are not UTF-8: carried in Strings without loss (`NativePath`), listed and opened by
/// the mailbox readers.
@Suite("file names that are not UTF-8")
struct NativePathTests {
    /// A name's bytes, its path String, and back.
    static func roundTrip(_ bytes: [UInt8]) -> (String, [UInt8]) {
        let path = NativePath.string(fromNativeBytes: bytes)
        return (path, NativePath.nativeBytes(path))
    }

    @Test("a UTF-8 name is the String it spells")
    func utf8NameIsItself() {
        for name in ["inbox.mbox", "café.eml", "ünïcödé/日本語.eml", "emoji-😀.eml", ""] {
            let (path, back) = Self.roundTrip(Array(name.utf8))
            #expect(path == name)
            #expect(back == Array(name.utf8))
            #expect(!NativePath.carriesBytes(path))
            #expect(NativePath.displayed(path) == name)
        }
    }

    @Test("ill-formed bytes are carried one scalar each and come back")
    func illFormedBytesAreCarried() {
        // Latin-1 é; a lone continuation byte; a truncated three-byte sequence; an overlong '/'; a UTF-16
        // surrogate; a scalar above U+10FFFF; 0xFF and 0xFE (never UTF-8) (RFC 3629 §4's table).
        let cases: [([UInt8], String)] = [
            (Array("caf".utf8) + [0xE9] + Array(".eml".utf8), "caf\\xE9.eml"),
            ([0x80], "\\x80"),
            ([0xE2, 0x82], "\\xE2\\x82"),
            ([0xC0, 0xAF], "\\xC0\\xAF"),
            ([0xED, 0xA0, 0x80], "\\xED\\xA0\\x80"),
            ([0xF4, 0x90, 0x80, 0x80], "\\xF4\\x90\\x80\\x80"),
            (Array("bad".utf8) + [0xFF, 0xFE] + Array(":2,S".utf8), "bad\\xFF\\xFE:2,S"),
        ]
        for (bytes, shown) in cases {
            let (path, back) = Self.roundTrip(bytes)
            #expect(back == bytes, "\(shown)")
            #expect(NativePath.carriesBytes(path))
            #expect(NativePath.displayed(path) == shown)
            #expect(!path.contains("\u{FFFD}"))
        }
        // é's byte is U+10FFE9.
        #expect(NativePath.string(fromNativeBytes: [0xE9]).unicodeScalars.map(\.value) == [0x10FFE9])
    }

    @Test("a control character in a name is shown as its bytes, not sent to the terminal")
    func controlCharactersAreShownAsBytes() {
        // ESC starting a colour, a line end, DEL, and C1's NEL (UTF-8 C2 85); ordinary text kept.
        let name = "inbox\u{1B}[31m\nx\u{7F}\u{85}é.eml"
        #expect(NativePath.displayed(name) == "inbox\\x1B[31m\\x0Ax\\x7F\\xC2\\x85é.eml")
        #expect(!NativePath.carriesBytes(name))
        // An error line keeps its own line end and controls: only the carried bytes are shown as hex.
        let line = "backscatter: " + NativePath.string(fromNativeBytes: [0x61, 0xE9]) + ": not-found\n"
        #expect(NativePath.displayed(line, escapingControls: false) == "backscatter: a\\xE9: not-found\n")
        // The mapping itself does not change: the name round-trips as it is.
        #expect(NativePath.string(fromNativeBytes: Array(name.utf8)) == name)
    }

    @Test("a well-formed carrier scalar in a name is carried byte by byte, so the mapping stays one to one")
    func carrierScalarInANameIsCarried() {
        // U+10FFE9 written in UTF-8 (F4 8F BF A9) is a name of its own, not the byte 0xE9.
        let bytes: [UInt8] = [0x61, 0xF4, 0x8F, 0xBF, 0xA9]
        let (path, back) = Self.roundTrip(bytes)
        #expect(back == bytes)
        #expect(path.unicodeScalars.count == 5)
        #expect(NativePath.string(fromNativeBytes: [0xE9]) != path)
        // A scalar just below the carriers is ordinary text.
        let below = Array("\u{10FF7F}".utf8)
        #expect(Self.roundTrip(below).0 == "\u{10FF7F}")
    }

    @Test("any bytes come back as they were", arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func randomBytesComeBack(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        for _ in 0..<500 {
            let count = Int(generator.next() % 24)
            // Mostly high bytes and the lead bytes of long sequences, where ill-formed runs hide.
            let alphabet: [UInt8] = [0x41, 0x2E, 0x80, 0x8F, 0xBF, 0xBE, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xED, 0xF0, 0xF4, 0x90, 0xFF]
            let bytes = (0..<count).map { _ in
                generator.next() % 3 == 0 ? UInt8(truncatingIfNeeded: generator.next() | 1) : alphabet[Int(generator.next() % 16)]
            }
            let (path, back) = Self.roundTrip(bytes)
            #expect(back == bytes)
            // And a path read twice is the same path.
            #expect(NativePath.string(fromNativeBytes: NativePath.nativeBytes(path)) == path)
            // No byte is 0 (the alphabet has none, the others are odd): the C string is every byte.
            NativePath.withCString(path) { pointer in #expect(strlen(pointer) == bytes.count) }
        }
    }

    @Test("a folder's files with such names are read, each source opening its file")
    func folderEntriesAreRead() throws {
        let root = try MailboxTesting.folder(["plain.eml": Array("From: a@example.org\nSubject: plain\n\nbody\n".utf8)],
                                             prefix: "native-path")
        let names: [[UInt8]] = [Array("caf".utf8) + [0xE9] + Array(".eml".utf8), Array("x".utf8) + [0xFF, 0xFE, 0x80]]
        let paths = names.map { (Array(root.utf8) + [UInt8(ascii: "/")] + $0).map { CChar(bitPattern: $0) } + [0] }
        defer {
            // Removed by their bytes first: Foundation lists a folder by Strings.
            for path in paths { _ = path.withUnsafeBufferPointer { unlink($0.baseAddress!) } }
            try? FileManager.default.removeItem(atPath: root)
        }
        for (n, path) in paths.enumerated() {
            let fd = path.withUnsafeBufferPointer { open($0.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
            try #require(fd >= 0)
            let text = Array("From: b\(n)@example.org\nSubject: odd name \(n)\n\nbody\n".utf8)
            _ = text.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
            close(fd)
        }
        var reader = try MailboxReader(path: root)
        var sources: [String] = []
        var errors: [MailboxError] = []
        while true {
            do {
                guard let message = try reader.next() else { break }
                sources.append(message.source)
            } catch {
                errors.append(error)
            }
        }
        #expect(errors.isEmpty, "\(errors)")
        #expect(sources.count == 3)
        let read = Set(sources.map { Array(NativePath.nativeBytes($0).dropFirst(root.utf8.count + 1)) })
        #expect(read == Set(names + [Array("plain.eml".utf8)]))
        // An error about such a path shows its bytes, not U+FFFD.
        let missing = NativePath.string(fromNativeBytes: Array(root.utf8) + Array("/gone".utf8) + [0xE9])
        #expect(throws: MailboxError.self) { _ = try MailboxReader(path: missing) }
        do {
            _ = try MailboxReader(path: missing)
        } catch {
            #expect(error.code == .notFound)
            #expect(error.description.contains("/gone\\xE9 at byte 0"))
        }
    }
}
