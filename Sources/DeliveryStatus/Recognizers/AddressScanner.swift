#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The matches of the address pattern (an e-mail address in free text, RFC 5321 Mailbox loosely:
/// ``[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+``,
/// the tests' reference regex), found by hand in one pass over the bytes, each `@` found by memchr:
/// the same ranges PCRE2 finds, non-overlapping, left to right.
///
/// The pattern is `[local]+@label(\.label)+`, `local` the class of RFC 5322 atext and `.`, a label
/// `[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?`. What PCRE2 does with it, start by start:
/// - From any start inside a run of local bytes, `[local]+` takes the run to its end (no local byte
///   is `@`, so backing off never finds one); a match starts there only when the run ends at `@` and
///   the domain matches after it. So every start in a run fails alike, and the leftmost match is the
///   first run (from the search offset) that ends at `@` with a domain after it, whole.
/// - The first label can only be followed by `.` where its run of letters, digits and hyphens ends
///   (shorter labels are followed by a byte of the run), and only when that run ends with a letter or
///   digit: then the label is that run.
/// - Each later label is greedy (the longest: its run up to the last letter or digit), and another
///   `\.label` is taken while a `.` and a letter or digit follow; nothing comes after the repetition,
///   so the match ends at the first label not followed so.
///
/// PCRE2 tried each start in every run before an `@` (each scanning its run to the end): 3.2M
/// instructions for 228 texts of the sisimai bsd mbox x3; 0.61M by hand, the byte table's one-time
/// build included.
enum AddressScanner {
    /// What each byte may be in an address: `localByte` (RFC 5322 atext, and `.`), `labelByte` (a
    /// letter or digit, or `-`), `alnumByte` (a letter or digit).
    private static let kinds: [UInt8] = {
        var kinds = [UInt8](repeating: 0, count: 256)
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { kinds[Int(byte)] = alnumByte | labelByte | localByte }
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { kinds[Int(byte)] = alnumByte | labelByte | localByte }
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { kinds[Int(byte)] = alnumByte | labelByte | localByte }
        kinds[Int(UInt8(ascii: "-"))] = labelByte | localByte
        // The other atext bytes and `.`, set from their one list (an array of them made and searched
        // for each of the 256 bytes was most of this one-time build: 0.18M instructions, bsd.mbox).
        for byte in "!#$%&'*+/=?^_`{|}~.".utf8 { kinds[Int(byte)] |= localByte }
        return kinds
    }()
    private static let localByte: UInt8 = 1
    private static let labelByte: UInt8 = 2
    private static let alnumByte: UInt8 = 4

    /// The matches in `bytes`, left to right, at most `maxMatches` (offsets into `bytes`).
    static func matches(in bytes: UnsafeBufferPointer<UInt8>, maxMatches: Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        guard let base = bytes.baseAddress, maxMatches > 0 else { return out }
        let count = bytes.count
        kinds.withUnsafeBufferPointer { kinds in
            @inline(__always) func kind(_ i: Int) -> UInt8 { kinds[Int(base[i])] }
            /// The end of the longest label at `i` (a letter or digit there): its run of letters,
            /// digits and hyphens up to the last letter or digit; and the run's end.
            @inline(__always) func label(at i: Int) -> (end: Int, runEnd: Int) {
                var j = i + 1
                var end = i + 1
                while j < count {
                    let k = kind(j)
                    if k & labelByte == 0 { break }
                    j += 1
                    if k & alnumByte != 0 { end = j }
                }
                return (end, j)
            }
            /// The end of the domain starting at `i` (just after the `@`), or nil.
            func domainEnd(at i: Int) -> Int? {
                guard i < count, kind(i) & alnumByte != 0 else { return nil }
                let first = label(at: i)
                guard first.end == first.runEnd, first.end + 1 < count, base[first.end] == UInt8(ascii: "."),
                      kind(first.end + 1) & alnumByte != 0 else { return nil }
                var end = label(at: first.end + 1).end
                while end + 1 < count, base[end] == UInt8(ascii: "."), kind(end + 1) & alnumByte != 0 {
                    end = label(at: end + 1).end
                }
                return end
            }
            // `searched`: where the search goes on from (after the last match, or after a run that
            // did not end at an `@` with a domain).
            var searched = 0
            while searched < count, out.count < maxMatches {
                guard let hit = memchr(base + searched, Int32(UInt8(ascii: "@")), count - searched) else { break }
                let at = UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - base
                // The run of local bytes before the `@`, back to the search offset at most (a match
                // never starts before it); none of them is `@`.
                var start = at
                while start > searched, kind(start - 1) & localByte != 0 { start -= 1 }
                if start < at, let end = domainEnd(at: at + 1) {
                    // Room for eight at the first: grown from one by doubling, the array was
                    // reallocated twice a text (bsd.mbox x3: 480 times over 228 texts, 0.14M instructions).
                    if out.isEmpty { out.reserveCapacity(8) }
                    out.append(start..<end)
                    searched = end
                } else {
                    searched = at + 1
                }
            }
        }
        return out
    }
}
