import MailParsing

/// Shared reading steps for the recognisers of plain-text bounces whose layout one MTA fixes
/// (Exchange 2003, IMail, Lotus Notes, the anonymous X1/X2/X3 ...): the lines of the report between a
/// start marker and the returned original, and recipient blocks inside them.
///
/// Every view is built from `BounceContext.lines` (LF line ends), so the LF, CRLF and CR-only copies of
/// a message read the same.
enum TextReport {
    /// The report's lines, for a recogniser that looks for `marker` in them: the text's
    /// (`BounceContext.lines`: transfer encodings undone, so a base64 or quoted-printable part reads as
    /// what it says) when it holds `marker`, else the message body's raw lines (`rawLines`), for a
    /// report whose MIME structure is too broken to flatten. (Read raw always, lhost-verizon-01 with
    /// its text part in base64 was no bounce: `Tests/Fuzz/encodings.py`.)
    static func lines(holding marker: String, _ context: BounceContext) -> [Substring] {
        if LineSearch.firstOffset(ofAnyOf: [marker], in: context.text) != nil { return Array(context.lines) }
        return rawLines(context)
    }

    /// The message body's raw lines (transfer encoding not undone, LF line ends): for reports whose
    /// MIME structure is too broken to flatten (lhost-verizon-02 and lhost-apachejames-01 fold a
    /// boundary parameter without indentation).
    static func rawLines(_ context: BounceContext) -> [Substring] {
        let body = String(decoding: context.message.root.body.prefix(256 * 1024), as: UTF8.self)
        // `lineSlices`: split at LF by bytes (an LF is always a grapheme of its own, so the same lines
        // as `split(separator: "\n")`, which walked graphemes: ~900,000 instructions a report).
        return BounceContext.normalizeLineEnds(body).lineSlices
    }

    /// `lines` after the first line that begins with one of `start`, up to the first that begins with
    /// one of `stop`.
    static func section(_ lines: [Substring], start: [String], stop: [String]) -> ArraySlice<Substring> {
        guard let i = lines.firstIndex(where: { l in start.contains { l.hasPrefix($0) } }) else { return [] }
        let rest = lines[(i + 1)...]
        let end = rest.firstIndex(where: { l in stop.contains { l.hasPrefix($0) } }) ?? rest.endIndex
        return rest[..<end]
    }

    /// The report's lines after the first line that begins with one of `start` (or every line when
    /// `start` is empty), up to the first line that begins with one of `stop`.
    /// - Parameters:
    ///   - trimmingLeading: compare markers with the line's leading blanks removed.
    static func section(_ context: BounceContext, start: [String], stop: [String],
                        trimmingLeading: Bool = false) -> Slice<TextLines> {
        // A line that begins with a start marker (after its leading blanks or not) holds it, and so does
        // the text (no marker holds an LF): a text holding none is turned away before its lines are split.
        if !start.isEmpty, LineSearch.firstOffset(ofAnyOf: start, in: context.text) == nil { return TextLines()[...] }
        let lines = context.lines
        var begin = lines.startIndex
        if !start.isEmpty {
            guard let i = firstLine(in: lines, from: lines.startIndex, beginningWithAnyOf: start, trimmingLeading: trimmingLeading)
            else { return lines[lines.endIndex...] }
            begin = i + 1
        }
        var end = lines.endIndex
        if !stop.isEmpty, begin < end,
           let j = firstLine(in: lines, from: begin, beginningWithAnyOf: stop, trimmingLeading: trimmingLeading) {
            end = j
        }
        return begin <= end ? lines[begin..<end] : lines[end..<end]
    }

    /// The first line from `from` on that begins with one of `markers`, after its leading spaces and
    /// tabs with `trimmingLeading`, as `Substring.hasPrefix` (by Characters, canonically) answers.
    ///
    /// Read on the line's bytes where they decide: an ASCII marker against ASCII bytes, each its own
    /// Character, compared byte by byte; a non-ASCII byte among those read (a combining mark after the
    /// marker's last byte or after a blank, a character canonically equal to an ASCII one, such as
    /// U+212A KELVIN SIGN) or a non-ASCII marker leaves the line to the Substring's `hasPrefix`. Each line
    /// made a Substring and asked by Characters cost ~1,000 instructions a line (bsd.mbox x3, the
    /// sections of thirteen formats: their recognisers 1.15M instructions less in all).
    static func firstLine(in lines: TextLines, from: Int, beginningWithAnyOf markers: [String], trimmingLeading: Bool) -> Int? {
        let ends = lines.ends
        guard from >= 0, from < ends.count else { return nil }
        var text = lines.text
        return text.withUTF8 { bytes -> Int? in
            for i in from..<ends.count {
                let lineEnd = ends[i]
                var s = i == 0 ? 0 : ends[i - 1] + 1
                if trimmingLeading { while s < lineEnd, bytes[s] == 32 || bytes[s] == 9 { s += 1 } }
                let line = UnsafeBufferPointer(rebasing: bytes[s..<lineEnd])
                for marker in markers {
                    switch Self.begins(line, with: marker) {
                    case true?: return i
                    case false?: continue
                    case nil:
                        let l = trimmingLeading ? lines[i].drop(while: { $0 == " " || $0 == "\t" }) : lines[i]
                        if l.hasPrefix(marker) { return i }
                    }
                }
            }
            return nil
        }
    }

    /// Whether the bytes `line` begin with `marker` as `hasPrefix` answers of their Characters, or nil
    /// when the bytes do not decide: `marker` not ASCII, or a byte of `line` above 0x7F among the
    /// marker's length and the byte after it, up to the first that differs. ASCII bytes are each a
    /// Character unless the next byte begins an extending one, and no Character that begins with
    /// an ASCII byte other than the marker's is canonically equal to it.
    static func begins(_ line: UnsafeBufferPointer<UInt8>, with marker: String) -> Bool? {
        var marker = marker
        return marker.withUTF8 { m -> Bool? in
            for j in 0..<m.count {
                if m[j] >= 0x80 { return nil }
                guard j < line.count else { return false }
                let b = line[j]
                if b >= 0x80 { return nil }
                if b != m[j] { return false }
            }
            return m.count < line.count && line[m.count] >= 0x80 ? nil : true
        }
    }

    /// Splits `lines` into recipient blocks: `opens` says whether a line starts a new recipient (and
    /// gives its address and the diagnostic text on that line); the lines that follow, up to the next
    /// opening line, are added by `continues` (nil drops the line). At most 500 recipients.
    static func blocks<Lines: Sequence>(_ lines: Lines,
                       opens: (Substring) -> (address: String, text: String)?,
                       continues: (Substring, inout RecipientFinding) -> Void = { line, r in appendLine(line, to: &r) })
        -> [RecipientFinding] where Lines.Element == Substring {
        var out: [RecipientFinding] = []
        for line in lines {
            if let (address, text) = opens(line) {
                guard out.count < 500 else { break }
                var r = RecipientFinding(recipient: address)
                r.diagnostic = text
                out.append(r)
                continue
            }
            guard !out.isEmpty else { continue }
            continues(line, &out[out.count - 1])
        }
        return out
    }

    /// Appends a non-blank line to a recipient's diagnostic, one space between (`appendJoined`).
    static func appendLine(_ line: Substring, to r: inout RecipientFinding) {
        let t = line.trimmed
        guard !t.isEmpty else { return }
        appendJoined(t, to: &r.diagnostic)
    }

    /// Appends `t` to `text`, one space between when `text` is not empty: in place, and nothing more
    /// once `text` is longer than `BounceAnalyzer.maxDiagnosticBytes`, where every diagnostic is cut
    /// after its recogniser (so the cut text is the same). Made anew at each line, as it was
    /// (`text + " " + t`), the lines of one recipient cost their square: 25,000, 50,000 and 100,000 short
    /// lines under an Exchange 2003 recipient took 0.09, 0.37 and 1.47 s (a designed hostile message).
    static func appendJoined(_ t: String, to text: inout String) {
        guard text.utf8.count <= BounceAnalyzer.maxDiagnosticBytes else { return }
        if text.isEmpty {
            text = t
        } else {
            text += " "
            text += t
        }
    }

    /// The first address in a line, `<>` and trailing punctuation removed, or nil.
    static func firstAddress(_ line: Substring) -> String? {
        TextScan.addresses(in: line).first
    }

    /// The value of the first `To:` header line of the returned original (the recipient of last resort
    /// for formats that name nobody in their text, as Sisimai does for Lotus Notes and V5 sendmail).
    static func originalRecipient(_ context: BounceContext) -> String? {
        if let part = context.originalPart, let to = part.encapsulatedMessage?.headers["to"] {
            return TextScan.addresses(in: Substring(to)).first
        }
        // Inline copy: the first "To:" line in the text (after the report).
        for line in context.lines where line.hasPrefix("To:") || line.hasPrefix("to:") {
            if let a = TextScan.addresses(in: line).first { return a }
        }
        return nil
    }

    /// A reason from the first phrase table entry found in `text` (case-sensitive, as the MTA writes it).
    static func reason(in text: String, table: [(Reason, [String])]) -> Reason? {
        for (reason, phrases) in table where phrases.contains(where: { text.contains($0) }) { return reason }
        return nil
    }
}
