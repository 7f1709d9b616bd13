#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing

/// m-FILTER (Digital Arts): `X-Mailer: m-FILTER` and the Subject "failure notice".
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-mfilter-01 and Sisimai's Lhost::mFILTER.
struct MFILTERRecognizer: Recognizer {
    var name: String { "mfilter" }

    /// `x-mailer` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xMailerField = HeaderNameFilter.Name("x-mailer", bit: 6)

    func claims(_ context: BounceContext) -> Bool {
        context.subjectEquals("failure notice") && context.header(Self.xMailerField)?.trimmed == "m-FILTER"
    }

    func recognize(_ context: BounceContext) -> Finding? {
        guard var finding = SmallFamilies.readAsUsual(context) else { return nil }
        // A single recipient's diagnostic is the server's reply under "-------server message" (the text
        // reader's block ran from the address over that line: "bob@example.net -------server message
        // 550 ..."); the codes and the reason are still read from the block, which names the command.
        if finding.recipients.count == 1, let reply = Self.serverMessage(in: context.text) {
            let block = finding.recipients[0].diagnostic
            if finding.recipients[0].decisionText == nil { finding.recipients[0].decisionText = block }
            finding.recipients[0].diagnostic = reply
        }
        return finding
    }

    /// The lines under m-FILTER's "-------server message" line, up to a blank line or the next
    /// "-------" section line, joined by a space (sisimai lhost-mfilter-01..05: one reply line); nil
    /// when the text has no such line or nothing under it.
    static func serverMessage(in text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            let found: Int? = Self.serverMessageLine.withUnsafeBufferPointer { ByteSubstring.firstOffset(of: $0, in: bytes) }
            guard let at = found, let base = bytes.baseAddress else { return nil }
            // The lines after the marker's, read in place (at most 20).
            var lineStart = at + Self.serverMessageLine.count
            while lineStart < bytes.count, bytes[lineStart] != ASCII.lineFeed { lineStart += 1 }
            lineStart += 1
            var joined: [UInt8] = []
            for _ in 0..<20 where lineStart < bytes.count {
                let end = memchr(base + lineStart, Int32(ASCII.lineFeed), bytes.count - lineStart)
                    .map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? bytes.count
                let (first, last) = UnsafeBufferPointer(rebasing: bytes[lineStart..<end]).trimmedBounds
                let line = UnsafeBufferPointer(rebasing: bytes[(lineStart + first)..<(lineStart + last)])
                if line.isEmpty || ASCII.hasPrefix(line, ignoringCase: "-------") { break }
                if !joined.isEmpty { joined.append(ASCII.space) }
                joined.append(contentsOf: line)
                lineStart = end + 1
            }
            return joined.isEmpty ? nil : String(decoding: joined, as: UTF8.self)
        }
    }

    /// The line m-FILTER puts above the server's reply.
    private static let serverMessageLine: [UInt8] = Array("-------server message".utf8)
}
