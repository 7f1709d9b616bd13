import Foundation
import TestSupport
@testable import Backscatter

/// The backscatter-dev labelled inbox, read simply for the signature tests: messages split at mboxrd
/// `From ` lines, each with its delivery time and its labels.jsonl line.
struct DevCorpusMessage: Sendable {
    var index: Int
    /// The whole message (header and body) as bytes, From_ line removed, `>From ` unquoted.
    var bytes: [UInt8]
    /// The delivery time of the From_ line, seconds since 1970 UTC.
    var deliveredAt: Double
    var label: String
    var kind: String
    var hard: [String]
    var victim: String?

    /// The header section as text (up to the first empty line), CRLF kept as written.
    var headerText: String {
        let text = String(decoding: bytes, as: UTF8.self)
        if let r = text.range(of: "\r\n\r\n") ?? text.range(of: "\n\n") { return String(text[..<r.lowerBound]) }
        return text
    }

    /// The first header field named `name` (unfolded), or nil.
    func header(_ name: String) -> String? {
        // "\r\n" is one Character in Swift, so split on both spellings.
        let lines = headerText.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map(String.init)
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if line.lowercased().hasPrefix(name.lowercased() + ":") {
                var value = String(line.dropFirst(name.count + 1))
                i += 1
                while i < lines.count, lines[i].hasPrefix(" ") || lines[i].hasPrefix("\t") {
                    value += lines[i]
                    i += 1
                }
                return value.trimmingCharacters(in: .whitespaces)
            }
            i += 1
        }
        return nil
    }
}

enum DevCorpus {
    /// All messages of backscatter-dev/corpus.mbox with their labels, or [] when the corpus is absent.
    static let messages: [DevCorpusMessage] = load()

    private static func load() -> [DevCorpusMessage] {
        guard let data = FileManager.default.contents(atPath: Corpus.path("backscatter-dev/corpus.mbox")),
              let labelText = try? String(contentsOfFile: Corpus.path("backscatter-dev/labels.jsonl"), encoding: .utf8)
        else { return [] }
        let labels = labelText.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        var out: [DevCorpusMessage] = []
        let bytes = [UInt8](data)
        var starts: [Int] = []
        var lineStart = 0
        while lineStart < bytes.count {
            if bytes[lineStart...].starts(with: Array("From ".utf8)) { starts.append(lineStart) }
            guard let nl = bytes[lineStart...].firstIndex(of: 0x0A) else { break }
            lineStart = nl + 1
        }
        for (n, start) in starts.enumerated() {
            let end = n + 1 < starts.count ? starts[n + 1] : bytes.count
            guard let fromEnd = bytes[start..<end].firstIndex(of: 0x0A) else { continue }
            let fromLine = String(decoding: bytes[start..<fromEnd], as: UTF8.self)
            var body = Array(bytes[(fromEnd + 1)..<end])
            // mboxrd: one '>' is removed from ">From ", ">>From ", ... lines.
            body = unquote(body)
            let label = n < labels.count ? labels[n] : [:]
            out.append(DevCorpusMessage(index: n, bytes: body, deliveredAt: fromLineTime(fromLine) ?? 0,
                                        label: label["label"] as? String ?? "", kind: label["kind"] as? String ?? "",
                                        hard: label["hard"] as? [String] ?? [], victim: label["victim"] as? String))
        }
        return out
    }

    private static func unquote(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var atLineStart = true
        var i = 0
        while i < bytes.count {
            if atLineStart, bytes[i] == UInt8(ascii: ">") {
                var j = i
                while j < bytes.count, bytes[j] == UInt8(ascii: ">") { j += 1 }
                if bytes[j...].starts(with: Array("From ".utf8)) { i += 1 }
            }
            let b = bytes[i]
            out.append(b)
            atLineStart = b == 0x0A
            i += 1
        }
        return out
    }

    /// `From sender Mon Jan  5 00:00:15 2026` -> seconds since 1970, taken as UTC.
    static func fromLineTime(_ line: String) -> Double? {
        let f = line.split(separator: " ")
        guard f.count >= 7, let day = Int(f[4]), let year = Int(f[6]) else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let m = months.firstIndex(of: String(f[3])) else { return nil }
        let hms = f[5].split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3 else { return nil }
        let days = TOMLDateTime.daysFromCivil(year: year, month: m + 1, day: day)
        return Double(days * 86_400 + hms[0] * 3_600 + hms[1] * 60 + hms[2])
    }
}
