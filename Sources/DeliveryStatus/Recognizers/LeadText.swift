#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing

/// `BounceContext.leadText`, read straight from the text's bytes: the lines (LF separated) up to the
/// first `Reporting-MTA:`, `Final-Recipient:` or `Original-Recipient:` line, without blank lines and
/// MIME noise (`Content-...`, boundaries, "This is a MIME..."), joined with one space.
///
/// Prefixes and phrases compare bytes, as `hasPrefix`/`contains` of MailParsing do; a line is tested
/// without its leading and trailing spaces, tabs, CR and LF, and kept as it was. Working on the bytes
/// spares the analysis the array of line slices for reports that need no other line view.
enum LeadText {
    static func joinedLines(of text: UnsafeBufferPointer<UInt8>) -> String {
        guard let base = text.baseAddress else { return "" }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)  // never longer than the text: no regrowth per kept line
        var lineStart = 0
        while true {
            let lineEnd = memchr(base + lineStart, 10, text.count - lineStart)
                .map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? text.count
            let line = UnsafeBufferPointer(rebasing: text[lineStart..<lineEnd])
            switch verdict(trimmed(line)) {
            case .end:
                return String(decoding: out, as: UTF8.self)
            case .skip:
                break
            case .keep:
                if !out.isEmpty { out.append(0x20) }  // kept lines are never empty
                out.append(contentsOf: line)
            }
            if lineEnd == text.count { break }
            lineStart = lineEnd + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private enum Verdict { case keep, skip, end }

    private static func verdict(_ l: UnsafeBufferPointer<UInt8>) -> Verdict {
        // Most lines start with none of the prefixes: their first bytes are tested first.
        switch l.first {
        case nil:
            return .skip
        case UInt8(ascii: "R"), UInt8(ascii: "F"), UInt8(ascii: "O"):
            if l.hasPrefix("Reporting-MTA:") || l.hasPrefix("Final-Recipient:") || l.hasPrefix("Original-Recipient:") { return .end }
        case UInt8(ascii: "C"):
            if l.hasPrefix("Content-") { return .skip }
        case UInt8(ascii: "T"):
            if l.hasPrefix("This is a MIME") || l.hasPrefix("This is a multi") || l.hasPrefix("This is an auto")
                || l.hasPrefix("This multi-part") { return .skip }
        case UInt8(ascii: "#"):
            if l.hasPrefix("###") { return .skip }
        case UInt8(ascii: "*"):
            if l.hasPrefix("***") { return .skip }
        case UInt8(ascii: "-"):
            if l.hasPrefix("--") { return .skip }
        default:
            break
        }
        if hasTranscriptMarker(l) { return .skip }
        return .keep
    }

    /// Whether the line contains `--- The follow` or `--- Transcript`: one search for their common
    /// `--- ` and a comparison of what follows each hit (two searches of every kept line: `joinedLines`
    /// 9.0M -> 8.0M instructions on the sisimai bsd mbox x3).
    private static func hasTranscriptMarker(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var from = 0
        while from < line.count {
            let rest = UnsafeBufferPointer(rebasing: line[from...])
            guard let hit = dashes.withUTF8Buffer({ ByteSubstring.firstOffset(of: $0, in: rest) }) else { return false }
            let after = UnsafeBufferPointer(rebasing: rest[(hit + 4)...])
            if after.hasPrefix("The follow") || after.hasPrefix("Transcript") { return true }
            from += hit + 1
        }
        return false
    }

    private static let dashes: StaticString = "--- "

    /// The line without leading and trailing spaces, tabs, CR and LF (`trimmedSlice`).
    private static func trimmed(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        var start = 0, end = line.count
        while start < end, blank(line[start]) { start += 1 }
        while end > start, blank(line[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: line[start..<end])
    }
}
