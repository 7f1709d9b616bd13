#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import BytePatterns
import MailParsing

/// Turns a recogniser's raw findings into `RecipientReport`s the same way for every format:
/// codes from the text, the reason (status first, text second), hard/soft, pseudo codes.
/// Follows the order of Sisimai 5's fact builder so that results compare with its corpus.
enum Finalization {
    /// The report of one recipient's finding. The strings the report takes over unchanged (the
    /// recipient, the remote MTA, the RFC 3464 fields) are moved out of `f`, not copied: `f` is left
    /// with them empty.
    /// - Parameter receivedNames: whether the report's own Received fields name `RemoteHostRules.providers[i]`
    ///   (`BounceContext.receivedNames(provider:)`), asked only about a provider whose rule decides.
    static func report(taking f: inout RecipientFinding, receivedNames: (_ provider: Int) -> Bool = { _ in false }) -> RecipientReport {
        // Swept by `RFC3464Recognizer.complete` already while the diagnostic is the text it swept (the
        // same String: compared by its storage at once).
        let shown = f.sweptDiagnostic.flatMap { f.diagnostic == $0.of ? $0.swept : nil } ?? Diagnostic.sweep(f.diagnostic)
        // A decision text still as `RFC3464Recognizer.complete` swept and searched it is neither swept
        // nor searched for a command again (a whole lead text each: bsd.mbox x3, 969 sweeps and up to
        // 1,224 searches).
        let sweptDecision = f.sweptDecisionText.flatMap { f.decisionText == $0.text ? $0 : nil }
        var diagnostic = sweptDecision?.text ?? f.decisionText.map(Diagnostic.sweep) ?? shown
        var status = f.status
        var replyCode = f.replyCode
        // The reply code found in `diagnostic` as it is at the end (none when an `x-unix` is in it),
        // when the removals left it as it was searched (`isTemporary(given:foundInText:...)`).
        var replyOfFinalText: ReplyCode?? = nil
        if !diagnostic.isEmpty {
            let swept = diagnostic
            // Both codes from one pass; whether the reply code is written before a `-` (a multi-line
            // reply) is found in the walk for `x-unix`.
            let (inText, replyInText, continued) = ReplyCode.findCodes(in: diagnostic)
            status = EnhancedStatusCode.prefer(field: status, inText: inText, replyCode: replyInText)
            if let replyInText {
                if replyCode == nil { replyCode = replyInText }
                if continued {
                    diagnostic = Diagnostic.removingContinuationPrefixes(diagnostic, reply: replyInText, status: inText, continued: true)
                }
            }
            diagnostic = Diagnostic.removingHTML(diagnostic)
            // Swept again only when a removal changed it: sweeping swept text changes nothing, and the
            // text is often a whole report's lead text (an unchanged string compares equal at once).
            if diagnostic != swept { diagnostic = Diagnostic.sweep(diagnostic) } else { replyOfFinalText = .some(replyInText) }
        }
        var command: SMTPCommand?
        if let given = f.command {
            command = given
        } else if let sweptDecision, diagnostic == sweptDecision.text {
            command = sweptDecision.command
        } else {
            command = SMTPCommandFinder.find(in: diagnostic)
        }
        var diagnosticType = f.diagnosticType
        if diagnosticType == nil {
            if f.reason == .mailerError { diagnosticType = "X-UNIX" }
            if f.reason != .feedback && f.reason != .vacation { diagnosticType = "SMTP" }
        }

        var reason: Reason
        // The diagnostic's phrases, when found for the reason: `isTemporary` reads them too.
        var phrases: DiagnosticWords.Matches? = nil
        if let preset = f.reason, !preset.isProvisional {
            reason = preset
        } else {
            // The phrase tables and the provider rules' words, found in one pass of the diagnostic: the
            // words tell which providers' rules can decide at all, and only when one does is it asked
            // whether that provider is named (by the remote MTA, the recipient's domain, the host names
            // of the diagnostic and of the report's Received fields).
            let words = DiagnosticWords.Matches(diagnostic)
            phrases = words
            if let byProvider = RemoteHostRules.reason(
                diagnostic: diagnostic, status: status, reply: replyCode,
                remoteMTA: f.remoteMTA,
                recipient: f.recipient,
                candidates: words.providers, suffixesInDiagnostic: words.providerSuffixes,
                phrases: words.providerPhrases, ruleWords: words.providerRuleWords,
                alsoNames: receivedNames) {
                reason = byProvider
            } else {
                let decision = ReasonDecision(preset: f.reason, status: status, replyCode: replyCode, diagnostic: diagnostic,
                                              diagnosticType: diagnosticType, command: command, action: f.action, phraseHits: words)
                let decided = decision.decide()
                if decided.isExplicit {
                    reason = decided
                } else if command == nil, diagnostic.contains("refused to talk to me") {
                    // Postfix's words for a server that refused the greeting ("connect to host[ip]:
                    // server refused to talk to me: 421 ...", "host ... refused to talk to me"): the
                    // connection stage, where a refusal is a block (`ReasonDecision`'s last rule for
                    // CONN, EHLO and HELO, which the command finder cannot reach: these words name no
                    // command; sisimai lhost-postfix-49, -50). Asked only here, where nothing else decided.
                    command = .connect
                    reason = .blocked
                } else {
                    reason = diagnostic.isEmpty ? (f.reason ?? .undefined) : .onHold
                }
            }
        }

        var hard = false
        if reason == .delivered || reason == .feedback || reason == .vacation {
            if reason != .delivered { replyCode = nil }
        } else {
            // Only `notAccept` reads the status and text (`Reason.isHardBounce`): the String is made for
            // it alone (made for every reason, Finalization.report 76.8M -> 73.2M on bsd.mbox x3).
            var statusAndText = ""
            if reason == .notAccept {
                statusAndText = (status?.description ?? "") + " " + diagnostic
                if statusAndText.utf8.count < 4 { statusAndText = "" }
            }
            hard = reason.isHardBounce(statusAndText: statusAndText)
        }

        var pseudo = false
        if status == nil {
            // The reply code's digits, a space and the diagnostic: its phrases found already, when they were.
            // Without a status, the text held no status code: its reply code found is reused when
            // the text is still the one searched.
            let temporary = replyOfFinalText.flatMap {
                DiagnosticWords.isTemporary(given: f.replyCode, foundInText: $0, diagnostic: diagnostic, matches: phrases)
            } ?? DiagnosticWords.isTemporary(replyCode: replyCode, diagnostic: diagnostic, matches: phrases)
            status = reason.pseudoStatus(temporary: temporary)
            pseudo = status != nil
        }

        // The reply code must agree with the status code's class (RFC 3463 §3.1 vs RFC 5321 §4.2.1).
        if let s = status, let r = replyCode, s.statusClass != r.replyClass {
            let again = ReplyCode.find(in: diagnostic, statusClass: s.statusClass)
            replyCode = (again?.replyClass == s.statusClass) ? again : nil
        } else if status == nil, replyCode != nil {
            replyCode = nil
        }

        var action = f.action
        if action == nil, let c = status?.statusClass, c == 4 || c == 5 { action = .failed }
        if reason == .delivered, action == nil { action = .delivered }

        // Made in one initialization, the finding's strings moved into it (`take`): copied, then set
        // one by one, each string was retained here and released with the finding, and the report
        // copied twice (bsd.mbox x3, 2,034 reports: 14,238 copies of a `String?`, 4,068 of a report).
        let finalDiagnostic = f.decisionText == nil ? diagnostic : Diagnostic.removingHTML(shown)
        return RecipientReport(recipient: take(&f.recipient), action: action, status: status, statusIsPseudo: pseudo,
                               replyCode: replyCode, reason: reason, hard: hard, diagnostic: finalDiagnostic,
                               diagnosticType: f.diagnosticType.map(lowercaseDiagnosticType), remoteMTA: f.remoteMTA.take(),
                               command: command, originalRecipient: f.originalRecipient.take(),
                               finalRecipient: f.finalRecipient.take(), lastAttemptDate: f.lastAttemptDate.take(),
                               finalLogID: f.finalLogID.take(), willRetryUntil: f.willRetryUntil.take(),
                               feedbackType: f.feedbackType.take())
    }

    /// `text`'s value, moved out (an empty String left in its place).
    @inline(__always)
    private static func take(_ text: inout String) -> String {
        let value = text
        text = ""
        return value
    }

    /// `type.lowercasedIfNeeded()`, with the types the recognisers give (upper-cased, RFC 3464 §2.3.6
    /// `smtp` and `x-unix`) answered by a comparison of small strings and a literal, not a scan and a
    /// new String (bsd.mbox x3: ~1,000 recipients a run).
    static func lowercaseDiagnosticType(_ type: String) -> String {
        switch type {
        case "SMTP": return "smtp"
        case "X-UNIX": return "x-unix"
        default: return type.lowercasedIfNeeded()
        }
    }

    /// The last non-empty piece of `address` split at `@` (`split(separator: "@").last`, without the
    /// array of pieces): the domain of an address; "" when there is none.
    static func domainPart(of address: String) -> String {
        // ASCII: every byte is a Character, so the same answer from the bytes, read in place (through
        // the UTF-8 view's indices: ~2,000 instructions an address).
        let inPlace = address.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            guard ASCII.isASCII(bytes) else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[domainRange(inASCII: bytes)]), as: UTF8.self)
        }
        if let inPlace, let ascii = inPlace { return ascii }
        var end = address.endIndex
        while end > address.startIndex, address[address.index(before: end)] == "@" { end = address.index(before: end) }
        let head = address[..<end]
        let start = head.lastIndex(of: "@").map { head.index(after: $0) } ?? head.startIndex
        return String(head[start...])
    }

    /// Where `domainPart(of:)` of an ASCII address is in its bytes: after the last `@` (the address's
    /// start when there is none), trailing `@`s left out.
    @inline(__always)
    static func domainRange(inASCII bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "@") { end -= 1 }
        var start = end
        while start > 0, bytes[start - 1] != UInt8(ascii: "@") { start -= 1 }
        return start..<end
    }

    /// The message's kind from its recipients' actions and reasons.
    static func kind(of reports: [RecipientReport], declared: MessageKind?) -> MessageKind {
        if let declared { return declared }
        guard !reports.isEmpty else { return .notBounce }
        // One pass reading two fields of each report in place (`contains(where:)` and `allSatisfy`
        // copied every report, a dozen retains each, four times over).
        var allVacation = true, allDelayed = true, allSuccess = true
        for i in reports.indices {
            let reason = reports[i].reason, action = reports[i].action
            if reason == .feedback { return .feedbackReport }
            allVacation = allVacation && reason == .vacation
            allDelayed = allDelayed && action == .delayed
            allSuccess = allSuccess && (action == .delivered || action == .relayed || action == .expanded || reason == .delivered)
        }
        if allVacation { return .autoReply }
        if allDelayed { return .delay }
        if allSuccess { return .success }
        return .bounce
    }
}

/// Diagnostic text clean-up.
enum Diagnostic {
    /// Collapses runs of whitespace (line ends included) into one space and trims, as Sisimai's
    /// "sweep" does. Idempotent: swept text comes back as it is.
    static func sweep(_ s: String) -> String {
        var s = s
        return s.withUTF8 { bytes -> String? in
            // Unchanged text (no leading, trailing or repeated blanks, only plain spaces) is returned as
            // is. The `clean` bytes before the first change are copied as they are, not looked at again.
            var previousBlank = true
            var clean = 0
            // Eight bytes at a time while they hold no control byte: then the only blanks are spaces,
            // and the word is clean when no space follows a blank (the word's first byte follows the
            // last byte before it). Little-endian: the first byte is the lowest.
            if let base = bytes.baseAddress {
                let raw = UnsafeRawPointer(base)
                // First sixteen at a time (a block that fails is read again by the eight-byte loop,
                // which stops in it). Eight bytes a round only: `sweep` 4.16M on bsd.mbox x3 (3,552
                // calls), sixteen: 3.33M. A block fails when it holds a control byte or a space whose
                // next byte is one too, the next bytes read as the block one byte on (the last lane's
                // next byte is the next block's first: a pair across two blocks fails the first, where
                // the shifts of each half's marks found it in the second, 32 instructions a block,
                // ~18 now). A text that starts with a space (after the blank its start counts as) is not
                // clean from its first byte, and is left to the loops after.
                let spaceLanes = SIMD16<UInt8>(repeating: 0x20)
                if !bytes.isEmpty, base[0] != 0x20 {
                    while clean &+ 17 <= bytes.count {
                        let block = raw.loadUnaligned(fromByteOffset: clean, as: SIMD16<UInt8>.self)
                        let next = raw.loadUnaligned(fromByteOffset: clean &+ 1, as: SIMD16<UInt8>.self)
                        let bad = unsafeBitCast((block .< spaceLanes) .| ((block .== spaceLanes) .& (next .== spaceLanes)),
                                                to: SIMD2<UInt64>.self)
                        if bad[0] | bad[1] != 0 { break }
                        clean &+= 16
                    }
                    // The bytes before `clean` hold no control byte: a blank among them is a space.
                    if clean > 0 { previousBlank = base[clean - 1] == 0x20 }
                }
                while clean + 8 <= bytes.count {
                    let word = raw.loadUnaligned(fromByteOffset: clean, as: UInt64.self).littleEndian
                    if ByteWord.hasByte(word, below: 0x20) { break }
                    let spaces = ByteWord.zeroBytes(word ^ ByteWord.broadcast(0x20))
                    if spaces & (spaces << 8) != 0 || (previousBlank && spaces & 0x80 != 0) { break }
                    previousBlank = spaces >> 63 != 0
                    clean += 8
                }
            }
            for b in UnsafeBufferPointer(rebasing: bytes[clean...]) {
                let blank = isBlank(b)
                if blank && (previousBlank || b != 0x20) { break }
                previousBlank = blank
                clean += 1
            }
            if clean == bytes.count && (!previousBlank || bytes.isEmpty) { return nil }
            // Swept into a scratch buffer and made a String without a second UTF-8 check: the text is a
            // String's valid UTF-8 and sweeping takes out or writes only ASCII blanks (as
            // `LeadText.sweptJoinedLines`). Written into the String's own storage, the text was
            // validated again (`String(unsafeUninitializedCapacity:)`), byte by byte where it is not
            // ASCII (bsd.mbox x3, 1,380 swept texts: GoogleGroups' 42 0.48M -> 0.13M; `Main.main` -0.40M).
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { out -> String in
                guard let from = bytes.baseAddress, let to = out.baseAddress else { return "" }
                // The clean prefix as it is (it may end with a single space, which then stands for the
                // blank run that follows it). From there on a blank run is written as one space when
                // it follows a written byte (`afterBlank` false), and the space the output may end
                // with is dropped at the end. The output is never longer than what was read, so every
                // write stays below `bytes.count`.
                to.update(from: from, count: clean)
                var afterBlank = previousBlank
                var n = collapsingBlanks(from: from, count: bytes.count, startingAt: clean, to: to, at: clean,
                                         afterBlank: &afterBlank)
                // A final blank run left one space (or only the leading blanks were read, n = 0).
                if afterBlank && n > 0 { n -= 1 }
                return UncheckedUTF8.string(UnsafeBufferPointer(rebasing: out[..<n]), isASCII: false)
            }
        } ?? s
    }

    /// Copies `from[i..<count]` to `to + n` with each run of blanks (space, tab, LF, CR) made one space,
    /// none written where `afterBlank` says the last byte written was one; returns the offset after
    /// what it wrote and leaves in `afterBlank` whether that was a blank. Sixteen bytes, then eight,
    /// are copied whole when they hold no control byte, no two spaces in a row and no space right
    /// after a blank: most of a report's words and the single spaces between them (byte by byte, the
    /// copy was most of the sweeps' 15.6M instructions on the sisimai bsd mbox x3). Writes at most
    /// `count - i` bytes, and no sixteen- or eight-byte store reaches past the last of them (what is
    /// written never outruns what is read). `sweep` sweeps with it; the one-pass lead text
    /// (`LeadText.sweptJoinedLines`) no longer does (929b946): its own loop copies sixteen bytes at a
    /// time on the same test, a `-` stopping a block too (for the transcript markers).
    ///
    /// Sixteen bytes at a time (SSE2 compares of SIMD16 vectors, as `HeaderField`'s unfolding): each
    /// block is stored whole and the count advanced past its clean lanes, up to the first control
    /// byte or the first of two spaces, which is then read on its own with the blank run it opens.
    /// (Eight bytes a round cost ~37 instructions a word, sixteen ~36 a block: on bsd.mbox x3 the 969
    /// lead texts' one pass, `LeadText.sweptJoinedLines`, 7.02M -> 5.74M, and `sweep` 4.78M -> 4.16M.
    /// Reading the blocks past a line's end, up to the text's, with the lanes past it masked, to
    /// spare the lines' tails the eight-byte loop, made the pass dearer: 6.34M.)
    @inline(__always)
    static func collapsingBlanks(from: UnsafePointer<UInt8>, count: Int, startingAt start: Int,
                                 to: UnsafeMutablePointer<UInt8>, at outStart: Int, afterBlank: inout Bool) -> Int {
        let raw = UnsafeRawPointer(from)
        let rawOut = UnsafeMutableRawPointer(to)
        var n = outStart
        var i = start
        let spaceLanes = SIMD16<UInt8>(repeating: 0x20)
        // A blank run right after a blank written writes nothing: passed over at once. From then on a
        // block never starts with a space after a blank written: a blank run read on its own ends
        // before a byte that is not blank, and a block that ends with a space is whole only when
        // the byte after it is no space.
        if afterBlank { while i < count, isBlank(from[i]) { i += 1 } }
        // `n - outStart <= i - start` throughout, so with `i + 16 <= count` the block's store ends
        // within the `count - start` bytes after `outStart`.
        while i &+ 17 <= count {
            let block = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            let next = raw.loadUnaligned(fromByteOffset: i &+ 1, as: SIMD16<UInt8>.self)
            (rawOut + n).storeBytes(of: block, as: SIMD16<UInt8>.self)
            // A lane is unclean when it holds a control byte, or a space that a space follows (the
            // lane of the block read one byte on): without control bytes a blank is a space. Where
            // the first of two spaces is the unclean byte, it opens the blank run as the second
            // would have after it. (Each lane's previous byte shifted in from the one before, each
            // half's marks in a word of its own: ~30 instructions a block, ~18 now.)
            let bad = unsafeBitCast((block .< spaceLanes) .| ((block .== spaceLanes) .& (next .== spaceLanes)), to: SIMD2<UInt64>.self)
            let (badLow, badHigh) = (UInt64(littleEndian: bad[0]), UInt64(littleEndian: bad[1]))
            if badLow | badHigh == 0 {
                n &+= 16
                i &+= 16
                afterBlank = from[i &- 1] == 0x20
                continue
            }
            let kept = badLow != 0 ? badLow.trailingZeroBitCount >> 3 : 8 + badHigh.trailingZeroBitCount >> 3
            n += kept
            i += kept
            if kept > 0 { afterBlank = from[i - 1] == 0x20 }
            // The unclean byte (i < count: it is a lane of the block), and the blank run it opens.
            let b = from[i]
            i += 1
            if isBlank(b) {
                if !afterBlank { to[n] = 0x20; n += 1; afterBlank = true }
                while i < count, isBlank(from[i]) { i += 1 }
            } else {
                to[n] = b
                n += 1
                afterBlank = false
            }
        }
        while i < count {
            var stop = count
            if i + 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian
                if !ByteWord.hasByte(word, below: 0x20) {
                    let spaces = ByteWord.zeroBytes(word ^ ByteWord.broadcast(0x20))
                    if spaces & (spaces << 8) == 0 && !(afterBlank && spaces & 0x80 != 0) {
                        (rawOut + n).storeBytes(of: word.littleEndian, as: UInt64.self)
                        n += 8
                        i += 8
                        afterBlank = spaces >> 63 != 0
                        continue
                    }
                }
                stop = i + 8
            }
            while i < stop {
                let b = from[i]
                i += 1
                if isBlank(b) {
                    if !afterBlank { to[n] = 0x20; n += 1; afterBlank = true }
                } else {
                    to[n] = b
                    n += 1
                    afterBlank = false
                }
            }
        }
        return n
    }

    /// Space, tab, LF or CR; most bytes are above 0x20 and are told so by one comparison.
    @inline(__always) private static func isBlank(_ b: UInt8) -> Bool {
        b <= 0x20 && (b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D)
    }

    /// Multi-line SMTP replies repeat `550-5.7.1` on each line (RFC 5321 §4.2.1); keep one copy in front.
    /// The four removals (`replacingAll` of `550-5.x.y`, `550-`, `550 5.x.y`, `550 `, in that order)
    /// done in one copy of the bytes, the needles on the stack: a String per removal and per needle
    /// was ~10,800 instructions a text, ~5,900 now (bsd.mbox x3: 108 texts past the guard; this
    /// function 2.07M -> 1.56M).
    /// - Parameter continued: `containsContinuation(of: reply, in: s)` when the caller knows it
    ///   (`ReplyCode.findNotingContinuation`), else nil.
    static func removingContinuationPrefixes(_ s: String, reply: ReplyCode, status: EnhancedStatusCode?, continued: Bool? = nil) -> String {
        guard continued ?? containsContinuation(of: reply, in: s) else { return s }
        let r = reply.description
        var code = r, statusText = status?.description ?? ""
        var bytes = Array(s.utf8)
        let count = code.withUTF8 { code in
            statusText.withUTF8 { statusBytes in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: code.count + 1 + statusBytes.count) { needle in
                    bytes.withUnsafeMutableBufferPointer { text in
                        var count = text.count
                        // The needle: the code, a separator, the status (when there is one).
                        _ = needle.initialize(fromContentsOf: code)
                        _ = UnsafeMutableBufferPointer(rebasing: needle[(code.count + 1)...]).initialize(fromContentsOf: statusBytes)
                        func remove(separatedBy separator: UInt8) {
                            needle[code.count] = separator
                            if status != nil { count = removingAll(UnsafeBufferPointer(needle), from: text, count: count) }
                            count = removingAll(UnsafeBufferPointer(rebasing: needle[...code.count]), from: text, count: count)
                        }
                        remove(separatedBy: UInt8(ascii: "-"))
                        remove(separatedBy: UInt8(ascii: " "))
                        return count
                    }
                }
            }
        }
        // Only ASCII needles are removed: the rest stays valid UTF-8.
        var t = count == bytes.count ? s : String(decoding: bytes[..<count], as: UTF8.self)
        // The code still appears in the text (quoted further on): put "550 5.x.y" back in front once.
        if t.contains(r) { t = r + " " + (status?.description ?? "") + " " + t }
        return t
    }

    /// Removes every `needle` from `text`'s first `count` bytes, leftmost first and without overlaps
    /// (`replacingAll(_:with: "")`'s answer), in place: the bytes after the last removal are never
    /// written before they are searched. Returns how many bytes are left.
    static func removingAll(_ needle: UnsafeBufferPointer<UInt8>, from text: UnsafeMutableBufferPointer<UInt8>,
                            count: Int) -> Int {
        guard !needle.isEmpty, let base = text.baseAddress else { return count }
        var read = 0, write = 0
        while let found = ByteSubstring.firstOffset(of: needle, in: UnsafeBufferPointer(start: base + read, count: count - read)) {
            if write != read { memmove(base + write, base + read, found) }
            write += found
            read += found + needle.count
        }
        if write != read { memmove(base + write, base + read, count - read) }
        return write + (count - read)
    }

    /// Whether `text` holds `reply`'s three digits followed by `-` (`text.contains(reply.description + "-")`),
    /// searched on the String's bytes: most diagnostics have none, and making the code's String and
    /// the needle's at each was half of this guard's cost (bsd.mbox x3: 1,431 calls, 1.5M
    /// instructions with `description`, the append and `contains`). Each `-` is found by memchr and
    /// the three bytes before it compared: a substring search for the four bytes cost 0.92M, this
    /// 0.63M (dashes are few in a diagnostic).
    static func containsContinuation(of reply: ReplyCode, in text: String) -> Bool {
        let value = Int(reply.value)
        // `value` is 200...599 (`ReplyCode.init?`): three digits.
        let digits = (UInt8(truncatingIfNeeded: 0x30 + value / 100), UInt8(truncatingIfNeeded: 0x30 + value / 10 % 10),
                      UInt8(truncatingIfNeeded: 0x30 + value % 10))
        var text = text
        return text.withUTF8 { hay in
            guard let base = hay.baseAddress else { return false }
            // A `-` at 3 or later: the digits fit before it.
            var i = 3
            while i < hay.count, let hit = memchr(base + i, Int32(UInt8(ascii: "-")), hay.count - i) {
                let k = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                if base[k - 3] == digits.0 && base[k - 2] == digits.1 && base[k - 1] == digits.2 { return true }
                i = k + 1
            }
            return false
        }
    }

    /// Removes an HTML fragment `<html>...</html>` embedded in a diagnostic.
    static func removingHTML(_ s: String) -> String {
        // Searched in the String's own bytes: a copy of them into an Array at each text with a `<`
        // (an address's angle brackets, mostly) and its release were half of this function's 2.08M
        // instructions on bsd.mbox x3 (1,458 copies). No `<html>`, no fragment: most diagnostics end
        // after one memchr walk over their `<`s, without a copy of their bytes. (A `<` looked for
        // first, then `<html>` from the start again: 1.21M over 2,982 calls; one walk: 0.95M.)
        // Read in place where the String's bytes are contiguous (a native String), without the copy
        // `withUTF8` needs and its release (bsd.mbox x3, 2,982 calls: Main.main -0.18M).
        if let edited = s.utf8.withContiguousStorageIfAvailable(removingHTML(inUTF8:)) { return edited ?? s }
        var text = s
        return text.withUTF8(removingHTML(inUTF8:)) ?? s
    }

    /// `removingHTML` of the text made of `bytes`, or nil when that is the text unchanged.
    private static func removingHTML(inUTF8 bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let a = firstHTMLOpenTag(in: bytes), a > 0,
              let b = htmlOffset(of: "</html>", in: bytes), a < b else { return nil }
        let afterEnd = b + "</html>".utf8.count
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[..<a]), as: UTF8.self) + " "
            + String(decoding: UnsafeBufferPointer(rebasing: bytes[afterEnd...]), as: UTF8.self)
    }

    /// The offset of the first `<html>` in `bytes`, ASCII letters compared without case (as
    /// `htmlOffset(of: "<html>", in:)`): each `<` that can start one found by memchr, the five bytes
    /// after it compared at once (`html` by its four bytes with the case bit set: only `H`/`h`,
    /// `T`/`t`, `M`/`m` and `L`/`l` give those letters so).
    static func firstHTMLOpenTag(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = bytes.count
        guard count >= 6, let base = bytes.baseAddress else { return nil }
        // A tag starts at 0...lastStart: its six bytes end within `bytes`.
        let lastStart = count - 6
        let raw = UnsafeRawPointer(base)
        let letters = UInt32(0x68) | UInt32(0x74) << 8 | UInt32(0x6D) << 16 | UInt32(0x6C) << 24  // "html", first byte lowest
        var i = 0
        while i <= lastStart {
            guard let hit = memchr(base + i, 0x3C, lastStart - i + 1) else { return nil }
            i = UnsafeRawPointer(hit) - raw
            // i <= lastStart (memchr searched no further): bytes i+1 ... i+5 are in `bytes`.
            if UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i + 1, as: UInt32.self)) | 0x2020_2020 == letters && bytes[i + 5] == 0x3E {
                return i
            }
            i += 1
        }
        return nil
    }

    /// The offset of the first occurrence of `lowercaseTag` in `bytes`, ASCII letters compared
    /// without case (as `ArraySlice.firstRange(ofCaseInsensitive:)`).
    private static func htmlOffset(of lowercaseTag: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        lowercaseTag.withUTF8Buffer { ASCIICaseInsensitive.firstOffset(of: $0, in: bytes) }
    }
}

extension String {
    /// Every occurrence of `needle` replaced (no Foundation), leftmost first and without overlaps:
    /// found by `ByteSubstring.firstOffset`, the text between copied in blocks (byte by byte with a
    /// comparison at each, 13,700 instructions a call on bsd.mbox x3).
    func replacingAll(_ needle: String, with replacement: String) -> String {
        guard !needle.isEmpty else { return self }
        var text = self, needle = needle, replacement = replacement
        return text.withUTF8 { hay in
            needle.withUTF8 { n in
                guard var found = ByteSubstring.firstOffset(of: n, in: hay) else { return self }
                var out: [UInt8] = []
                out.reserveCapacity(hay.count)
                var start = 0
                while true {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: hay[start..<found]))
                    replacement.withUTF8 { out.append(contentsOf: $0) }
                    start = found + n.count
                    guard let next = ByteSubstring.firstOffset(of: n, in: UnsafeBufferPointer(rebasing: hay[start...])) else { break }
                    found = start + next
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: hay[start...]))
                return String(decoding: out, as: UTF8.self)
            }
        }
    }
}

/// Host names in free text.
enum Hosts {
    /// The definition `names(in:)` follows, as a PCRE2 pattern (byte mode); the tests check the scanner
    /// against it. A byte scan instead of PCRE2: a call per match cost 27,000 instructions a message.
    static let definition = #"(?<![\w.@-])[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})+"#

    /// Dotted names in `text` (at most 20), lower-cased: the matches of `definition`, left to right,
    /// without overlap.
    static func names(in text: String) -> [String] {
        var text = text
        return text.withUTF8 { names(in: $0) }
    }

    static func names(in bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var out: [String] = []
        forEachName(in: bytes) { out.append(String(decoding: $0, as: UTF8.self).lowercasedIfNeeded()) }
        return out
    }

    /// The providers (`RemoteHostRules.providers`, bit i for provider i) that the names of
    /// `names(in:)` name, matched as bytes (the names are ASCII), no String made.
    static func providersNamed(in text: String) -> UInt64 {
        var text = text
        var named: UInt64 = 0
        text.withUTF8 { bytes in forEachName(in: bytes) { named |= RemoteHostRules.providersNamed(byHostBytes: $0) } }
        return named
    }

    /// Whether one of the names of `names(in:)` names `RemoteHostRules.providers[i]` (bit i of
    /// `providersNamed(in:)`), each compared with that provider's host suffixes alone: asked only
    /// about a provider whose rule decides.
    static func names(provider i: Int, in text: String) -> Bool {
        var text = text
        var named = false
        text.withUTF8 { bytes in
            forEachName(in: bytes) { name in
                if !named { named = RemoteHostRules.names(i, hostBytes: name) }
            }
        }
        return named
    }

    /// Calls `body` with each of the names `names(in:)` returns, as written (not lower-cased).
    ///
    /// Driven by the dots (`memchr`): a name's first label ends at a dot, so only the run of label bytes
    /// just before a dot can start one, and text without dots is passed over at once. (Walking every
    /// byte for a start was 1.3% of a full scan's instructions on sisimai bsd x3, 16.5M -> 6.9M.) The
    /// names are those of a left-to-right walk: a run can start a name only at its first byte, and
    /// only where that byte is a letter or digit not preceded by a word byte, `.`, `@` or `-`; a run that
    /// begins before `p` (inside the last name, when a label was cut at 63 bytes) starts none.
    static func forEachName(in bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let base = bytes.baseAddress else { return }
        let n = bytes.count
        var found = 0
        var p = 0
        while p < n, found < 20 {
            guard let hit = memchr(base + p, Int32(UInt8(ascii: ".")), n - p) else { return }
            let dot = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
            var start = dot
            while start > p, isLabelByte(bytes[start - 1]) { start -= 1 }
            let insideRun = start == p && p > 0 && isLabelByte(bytes[p - 1])
            guard !insideRun, start < dot, isAlphanumeric(bytes[start]), start == 0 || !isAttached(bytes[start - 1]) else {
                p = dot + 1
                continue
            }
            let (end, firstLabelEnd) = matchEnd(bytes, from: start)
            if let end {
                body(UnsafeBufferPointer(rebasing: bytes[start..<end]))
                found += 1
                p = end
            } else {
                // The first label was too long, or no label follows its dot.
                p = firstLabelEnd
            }
        }
    }

    /// Where the match starting at `start` ends, as the pattern's greedy quantifiers decide (nil for
    /// no match), and where the run of label bytes from `start` ends: the first label is at most 63
    /// bytes and must be followed by a dot; each later label takes at most 63 bytes, and the name ends
    /// before a dot that no label byte follows.
    private static func matchEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (end: Int?, firstLabelEnd: Int) {
        let n = bytes.count
        var i = start + 1
        while i < n, isLabelByte(bytes[i]) { i += 1 }
        let firstLabelEnd = i
        guard i - start <= 63 else { return (nil, firstLabelEnd) }
        var end: Int? = nil
        while i < n, bytes[i] == UInt8(ascii: ".") {
            let labelStart = i + 1
            var j = labelStart
            while j < n, j - labelStart < 63, isLabelByte(bytes[j]) { j += 1 }
            guard j > labelStart else { break }
            end = j
            i = j
        }
        return (end, firstLabelEnd)
    }

    @inline(__always) private static func isAlphanumeric(_ b: UInt8) -> Bool { ASCII.isDigit(b) || ASCII.isAlpha(b) }
    @inline(__always) private static func isLabelByte(_ b: UInt8) -> Bool { isAlphanumeric(b) || b == 0x2D }
    /// `\w` (ASCII, PCRE2 byte mode), `.`, `@` or `-`: the bytes the lookbehind refuses.
    @inline(__always) private static func isAttached(_ b: UInt8) -> Bool {
        isLabelByte(b) || b == 0x5F || b == 0x2E || b == 0x40
    }
}
