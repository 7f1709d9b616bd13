#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import TestSupport
@testable import MailParsing

/// The byte helpers rewritten for speed must give the answers of their plain versions.
@Suite struct ByteHelperTests {
    /// The plain case-insensitive search: every position, bytes folded.
    static func plainFirstRange(_ hay: [UInt8], _ needle: [UInt8]) -> Range<Int>? {
        guard !needle.isEmpty, hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where zip(hay[i...], needle).allSatisfy({ ASCII.lowercased($0) == $1 }) {
            return i..<(i + needle.count)
        }
        return nil
    }

    @Test(arguments: ["", "x", "<HTML>", "a <b> <Html> c", "</html>", "X-UNIX", "smtp; x-Unix; 1", "<<html>", "<htm", "xx-unix",
                      "ÄÖÜ äöü ÀÉ xx-uni X-UNIX tail", String(repeating: "Xé", count: 30) + "x-UnIx", String(repeating: "x-uni ", count: 12),
                      "\u{FF}\u{C4}xX-UNIX", String(repeating: "[@`{", count: 10) + "<hTmL>"])
    func firstRangeOfCaseInsensitiveIsThePlainSearch(text: String) {
        let bytes = Array(text.utf8)
        // A slice that does not start at 0, to check the returned indices.
        let padded = [UInt8]("..".utf8) + bytes
        let slice = padded[2...]
        #expect(slice.firstRange(ofCaseInsensitive: "<html>") == Self.plainFirstRange(bytes, Array("<html>".utf8)).map { ($0.lowerBound + 2)..<($0.upperBound + 2) })
        #expect(slice.firstRange(ofCaseInsensitive: "x-unix") == Self.plainFirstRange(bytes, Array("x-unix".utf8)).map { ($0.lowerBound + 2)..<($0.upperBound + 2) })
    }

    /// windows-1252 written as UTF-8 equals the scalar-by-scalar reading, for every byte.
    @Test func windows1252MatchesScalarMapping() {
        let all = (0...255).map { UInt8($0) }
        var expected = String.UnicodeScalarView()
        let high: [UInt32] = [
            0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
            0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
        ]
        for b in all { expected.append(Unicode.Scalar(b >= 0x80 && b < 0xA0 ? high[Int(b) - 0x80] : UInt32(b))!) }
        #expect(CharsetDecoder.windows1252(all[...]) == String(expected))
    }

    /// `ByteWord`'s tests against the byte-by-byte answers: every byte value at every place of a word
    /// whose other bytes are `A` (a letter, to catch carries into neighbours) or 0x80.
    @Test func wordTestsAreTheByteTests() {
        for filler in [UInt64(0x41), 0x80] {
            for b in 0...255 {
                for position in 0..<8 {
                    let word = UInt64(b) << (8 * UInt64(position)) | ByteWord.broadcast(UInt8(filler)) & ~(0xFF << (8 * UInt64(position)))
                    let bytes = (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * UInt64($0))) }
                    let folded = ByteWord.lowercased(word)
                    for k in 0..<8 {
                        #expect(UInt8(truncatingIfNeeded: folded >> (8 * UInt64(k))) == ASCII.lowercased(bytes[k]))
                    }
                    #expect(ByteWord.hasZeroByte(word) == bytes.contains(0))
                    for probe: UInt8 in [0x22, 0x5C, 0x7F, 0x41, 0] {
                        #expect(ByteWord.hasByte(word, probe) == bytes.contains(probe))
                    }
                    #expect(ByteWord.hasByte(word, below: 0x20) == bytes.contains { $0 < 0x20 })
                    #expect(ByteWord.hasAnyByte(word, 0x3B, 0x28, 0x29, 0x5C) == bytes.contains { [0x3B, 0x28, 0x29, 0x5C].contains($0) })
                    for letter in [UInt8(ascii: "h"), UInt8(ascii: "a")] {
                        #expect(ByteWord.hasLetter(word, ignoringCase: letter) == bytes.contains { ASCII.lowercased($0) == letter })
                    }
                    // Exact per byte, also with the neighbours zero (borrows into them would blur it).
                    for other in [word, word & (0xFF << (8 * UInt64(position)))] {
                        let zeros = ByteWord.zeroBytes(other)
                        for k in 0..<8 {
                            let isZero = UInt8(truncatingIfNeeded: other >> (8 * UInt64(k))) == 0
                            #expect(UInt8(truncatingIfNeeded: zeros >> (8 * UInt64(k))) == (isZero ? 0x80 : 0))
                        }
                    }
                }
            }
        }
    }
}

/// `ByteSubstring.firstOffset` tests sixteen places at a time in haystacks shorter than 128 bytes (the
/// last block overlapping the one before) and looks for the rarest of the needle's first eight bytes in
/// longer ones: it must still find the leftmost occurrence, as a plain byte-by-byte search does, and
/// read nothing outside the haystack.
@Suite struct ByteSubstringTests {
    static func naive(_ needle: [UInt8], _ haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty else { return 0 }
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where Array(haystack[i..<(i + needle.count)]) == needle { return i }
        return nil
    }

    @Test func findsTheLeftmostOccurrenceAsAPlainSearchDoes() {
        let long = String(repeating: "the queue has been read. ", count: 4)
        let haystacks = [
            "", "x", "(qmail 1234 invoked by uid 89)", long, long + "(qmail 1) (qmail 2)", "qqqq" + long + "qmail",
            String(repeating: "e", count: 70) + "eex", String(repeating: "ab", count: 40) + "abz" + String(repeating: "ab", count: 5) + "abz",
            "by mx.example.org with Internet Mail Service (5.5.2653.19) id <X>; " + long, long + "end",
        ]
        let needles = [
            "", "q", "(qmail ", " with Internet Mail Service (", "eex", "abz", "ababz", "read. the", "end", "zzz",
            ".outbound.protection.outlook.com", " the queue has been read. x", long,
        ]
        for h in haystacks {
            for n in needles {
                let hb = Array(h.utf8), nb = Array(n.utf8)
                let found = hb.withUnsafeBufferPointer { hp in nb.withUnsafeBufferPointer { ByteSubstring.firstOffset(of: $0, in: hp) } }
                #expect(found == Self.naive(nb, hb), "\(n.debugDescription) in \(h.debugDescription)")
            }
        }
    }

    /// `body` with `bytes` in memory that ends (`atEnd`) or begins at an inaccessible page, so that a read
    /// past the last byte (or before the first) crashes the test instead of going unnoticed.
    static func withGuardedBytes(_ bytes: [UInt8], atEnd: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let size = (bytes.count + page - 1) / page * page + page
        guard let raw = mmap(nil, size + 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              raw != MAP_FAILED else {
            Issue.record("mmap failed")
            return
        }
        defer { munmap(raw, size + 2 * page) }
        mprotect(raw, page, PROT_NONE)
        mprotect(raw + page + size, page, PROT_NONE)
        let start = raw.assumingMemoryBound(to: UInt8.self) + (atEnd ? page + size - bytes.count : page)
        bytes.withUnsafeBufferPointer { start.update(from: $0.baseAddress!, count: bytes.count) }
        body(UnsafeBufferPointer(start: start, count: bytes.count))
    }

    @Test func agreesWithAPlainSearchOnRandomInput() {
        var generator = SplitMix64(seed: 12)
        // Few distinct bytes make repeats, overlapping near-matches and 8-bit bytes common; a text-like
        // alphabet makes the rare-byte anchor of long haystacks differ from the first byte.
        let alphabets: [[UInt8]] = [
            Array("ab".utf8), Array("aab ".utf8) + [0x80, 0xFF], Array("the qmail (R) .com<>@".utf8) + [0xE3, 0x81],
        ]
        // Every path: fewer than 16 places, a block or more below 128 bytes, memchr above; around the edges.
        let lengths = [0, 1, 2, 3, 15, 16, 17, 18, 19, 31, 32, 33, 47, 48, 63, 64, 127, 128, 129, 200, 300]
        for round in 0..<6000 {
            let alphabet = alphabets[round % alphabets.count]
            let length = round % 3 == 0 ? generator.below(300) : lengths[generator.below(lengths.count)]
            let haystack = generator.bytes(alphabet, count: length)
            let needleLength = [1, 2, 3, 1 + generator.below(4), 1 + generator.below(20), 1 + generator.below(40)][generator.below(6)]
            var needle: [UInt8]
            switch generator.below(4) {
            case 0 where haystack.count >= needleLength:
                // From the haystack: at the very start, the very end or anywhere.
                let at = [0, haystack.count - needleLength, generator.below(haystack.count - needleLength + 1)][generator.below(3)]
                needle = Array(haystack[at..<(at + needleLength)])
            case 1 where haystack.count >= needleLength:
                // From the haystack with its last byte changed: many near misses.
                let at = generator.below(haystack.count - needleLength + 1)
                needle = Array(haystack[at..<(at + needleLength)])
                needle[needleLength - 1] = alphabet[generator.below(alphabet.count)]
            default:
                needle = generator.bytes(alphabet, count: needleLength)
            }
            let expected = Self.naive(needle, haystack)
            for atEnd in [true, false] {
                Self.withGuardedBytes(haystack, atEnd: atEnd) { h in
                    Self.withGuardedBytes(needle, atEnd: atEnd) { n in
                        let found = ByteSubstring.firstOffset(of: n, in: h)
                        #expect(found == expected, "\(needle) in \(haystack)")
                    }
                }
            }
        }
    }

    @Test func commonnessIsTheOrderOfTheTable() {
        let order = Array(" etaoinsrhldcu.0123456789mfpgwyb-:/=,<>;@\"vkETAOINSRHLDCUM()'_FPGWYBVKxjqzXJQZ\t[]!?*#%&+$|~^{}`".utf8)
        var table = [UInt8](repeating: 0, count: 256)
        for (position, byte) in order.enumerated() { table[Int(byte)] = UInt8(255 - position) }
        #expect(ByteSubstring.commonness == table)
    }
}

/// `ASCII.isASCII`, the one ASCII test of the byte readers: no byte of 0x80 or above, at any place
/// (the loop is vectorised: the tail and every lane must count).
@Suite struct ASCIITestTests {
    @Test func findsAHighByteAnywhere() {
        for length in [0, 1, 7, 8, 9, 31, 32, 33, 100] {
            let plain = [UInt8](repeating: 0x7F, count: length)
            #expect(ASCII.isASCII(plain[...]))
            for k in 0..<length {
                var bytes = plain
                bytes[k] = 0x80
                #expect(!ASCII.isASCII(bytes[...]), "length \(length), high byte at \(k)")
                #expect(!bytes.withUnsafeBufferPointer { ASCII.isASCII($0) })
            }
        }
    }
}
