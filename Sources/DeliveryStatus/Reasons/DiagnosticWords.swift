#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import BytePatterns
import MailParsing

/// Phrase tables: what MTAs write in a diagnostic for each reason, as PCRE2 alternations compiled
/// once (case-less, `.` spans line ends). `a.*b` stands for "a, later b" in one diagnostic.
///
/// Sources: the phrases are the wording of real MTAs as catalogued by Sisimai 5 (reason/why-*.go,
/// BSD-2-Clause), rewritten here as patterns; where a phrase was checked against our corpus the
/// file is named (`../shared/corpus/sisimai/maildir/bsd/...`).
enum DiagnosticWords {
    /// Whether `text` contains a phrase of `reason`'s table.
    static func matches(_ reason: Reason, _ text: String) -> Bool {
        guard !text.isEmpty, let set = tables[reason] else { return false }
        if reason == .rejected, rejectedButNotSender.hasMatch(in: text) { return false }
        return set.hasMatch(in: text)
    }

    /// Which reasons' tables match `text`, all found in one pass (`PatternSetGroup`); the same
    /// answers as `matches(_:_:)` for each reason.
    struct Matches {
        /// Bit `reason.ordinal` set: `reason`'s table matched (none for an empty text). Bits rather
        /// than a `Set<Reason>`, which hashed each reason's raw value, a String (5.6M instructions for
        /// bsd.mbox x3's 15,000 lookups and 1,400 insertions), or the group's `[Bool]`, whose
        /// allocation at each text was 1.8M; numbered by the reason's `ordinal`, not its place in
        /// `groupReasons`, which each `contains` and each text searched for (with its `swift_once`):
        /// `ReasonDecision.decideWithTables` 3.65M and this closure 1.05M on bsd.mbox x3 before).
        private var hits: UInt64 = 0
        /// Bit `i` set: `RemoteHostRules.providers[i]`'s rule may decide, as one of its `words` occurs
        /// (ASCII letters compared without case); all bits when lower-casing the text would make ASCII
        /// letters of other characters (`lowercasingAddsASCII`). Found in the same pass as the tables
        /// (none for an empty text).
        private(set) var providers: UInt64 = 0
        /// Bit `i` set: one of `RemoteHostRules.providers[i]`'s host suffixes occurs in the text (ASCII
        /// letters compared without case), so a host name in it may name the provider.
        private(set) var providerSuffixes: UInt64 = 0
        /// Whether `temporaryWords` matched (found in the same pass, for `isTemporary(_:diagnostic:matches:)`).
        private(set) var temporaryWords = false
        /// Bit `k` set: phrase `k` of the providers' phrase rules (`RemoteHostRules.phraseReasons`)
        /// occurs, ASCII letters compared without case, which is where it occurs in the lower-cased
        /// text; nil when lowercasing would make ASCII letters of other characters
        /// (`lowercasingAddsASCII`: the rules then read the lower-cased text). 0 for an empty text.
        private(set) var providerPhrases: UInt64? = 0
        /// Bit `RemoteHostRules.ruleWordStarts[i] + k` set: word k of `RemoteHostRules.providers[i]`,
        /// a rule decided by its words (`Provider.decideByWords`), occurs, ASCII letters compared
        /// without case; nil where `providerPhrases` is. 0 for an empty text.
        private(set) var providerRuleWords: UInt64? = 0

        /// No text: nothing matched (`ReasonDecision`'s placeholder until it has the diagnostic's).
        init() {}

        init(_ text: String) {
            guard !text.isEmpty else { return }
            var hits: UInt64 = 0, providers: UInt64 = 0, suffixes: UInt64 = 0, phraseBits: UInt64 = 0, ruleWords: UInt64 = 0
            var lowercasingToASCII = false, temporary = false, rejectedButNotSender = false
            DiagnosticWords.group.withMatches(in: text) { found in
                // Every set's answer read in one run, each matched set's bits taken from its row of
                // `groupLayout.effects` (three runs over the tables, the providers' word sets and their
                // host suffix sets, each with its own bit arithmetic and the layout's arrays retained:
                // on bsd.mbox x3, 1,833 texts, this closure 0.54M -> 0.41M, `Main.main` -0.21M). The
                // sets with effects of their own are read after it.
                let layout = DiagnosticWords.groupLayout
                let effects = layout.effects
                Matches.forEachMatched(found, from: 0, count: effects.count) { i in
                    let effect = effects[i]
                    hits |= effect.hits
                    providers |= effect.providers
                    phraseBits |= effect.phrases
                    ruleWords |= effect.ruleWords
                    suffixes |= effect.suffixes
                }
                rejectedButNotSender = found[layout.rejectedButNotSender]
                lowercasingToASCII = found[layout.lowercasingToASCII]
                temporary = found[layout.temporaryWords]
            }
            // `rejectedButNotSender`, the group's set after the tables, undoes `.rejected`; the
            // characters whose lower case is ASCII (`lowercasingToASCII`) make every provider a candidate.
            if rejectedButNotSender { hits &= ~(1 << UInt64(Reason.rejected.ordinal)) }
            if lowercasingToASCII {
                providers = .max
                providerPhrases = nil
                providerRuleWords = nil
            } else {
                providerPhrases = phraseBits
                providerRuleWords = ruleWords
            }
            (self.hits, self.providers, providerSuffixes, temporaryWords) = (hits, providers, suffixes, temporary)
        }

        /// Calls `body` with each `i` in `0..<count` where `found[start + i]` is true (none past the
        /// end of `found`), reading eight answers at a time: most are false, and a test of each was
        /// most of this step's 0.97M instructions on bsd.mbox x3. A Bool is stored as the byte 0 or
        /// 1, so a word of eight is zero when all are false, and each true one is a single set bit.
        @inline(__always)
        private static func forEachMatched(_ found: UnsafeBufferPointer<Bool>, from start: Int, count: Int, _ body: (Int) -> Void) {
            guard start >= 0, count > 0, let base = found.baseAddress, start < found.count else { return }
            let count = min(count, found.count - start)
            let raw = UnsafeRawPointer(base + start)
            var i = 0
            while i + 8 <= count {
                var word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian
                while word != 0 {
                    body(i + word.trailingZeroBitCount / 8)
                    word &= word &- 1
                }
                i += 8
            }
            guard i < count else { return }
            if count >= 8 {
                // The last one to seven answers as the top bytes of the word that ends with them
                // (within the run, which is eight long at least), the ones read already shifted
                // out: one test, not one a Bool (the group's three runs end with seven each: 0.23M
                // instructions on bsd.mbox x3).
                var word = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self).littleEndian &>> UInt64(8 * (8 - (count - i)))
                while word != 0 {
                    body(i + word.trailingZeroBitCount / 8)
                    word &= word &- 1
                }
                return
            }
            while i < count {
                if found[start + i] { body(i) }
                i += 1
            }
        }

        /// The matched tables, bit `reason.ordinal` each (read whole by `ReasonDecision`).
        var reasonBits: UInt64 { hits }

        /// Whether `reason`'s table matched.
        func contains(_ reason: Reason) -> Bool {
            hits & (1 << UInt64(reason.ordinal)) != 0
        }
    }

    /// What a match of one set of `group` adds to `Matches`: its table's reason bit (`1 << ordinal`),
    /// a providers' word set's provider, phrase and rule word bits (`RemoteHostRules.wordSetBits`), a host suffix
    /// set's provider bit; none for the sets read on their own (`GroupLayout`).
    struct SetEffect {
        var hits: UInt64 = 0
        var providers: UInt64 = 0
        var phrases: UInt64 = 0
        var suffixes: UInt64 = 0
        var ruleWords: UInt64 = 0
    }

    /// Each set's `SetEffect`, in the group's order, and where the sets with effects of their own sit,
    /// read by `Matches` at each text. Trivial to copy: the effects are a buffer made once and never
    /// freed (as arrays, the layout's copy at each text retained and released them).
    struct GroupLayout: @unchecked Sendable {
        var effects: UnsafeBufferPointer<SetEffect>
        var rejectedButNotSender: Int
        var lowercasingToASCII: Int
        var temporaryWords: Int
    }

    static let groupLayout: GroupLayout = {
        let tableCount = groupReasons.count
        let wordsStart = tableCount + 1
        let suffixesStart = wordsStart + RemoteHostRules.wordSets.count
        let lowercasingToASCII = suffixesStart + RemoteHostRules.suffixSets.count
        let temporaryWords = lowercasingToASCII + 1
        let effects = UnsafeMutableBufferPointer<SetEffect>.allocate(capacity: temporaryWords + 1)
        effects.initialize(repeating: SetEffect())
        for (i, reason) in groupReasons.enumerated() where reason.ordinal < 64 { effects[i].hits = 1 << UInt64(reason.ordinal) }
        for (k, bits) in RemoteHostRules.wordSetBits.enumerated() {
            effects[wordsStart + k].providers = bits.provider
            effects[wordsStart + k].phrases = bits.phrase
            effects[wordsStart + k].ruleWords = bits.ruleWord
        }
        for k in 0..<min(64, RemoteHostRules.suffixSets.count) { effects[suffixesStart + k].suffixes = 1 << UInt64(k) }
        return GroupLayout(effects: UnsafeBufferPointer(effects), rejectedButNotSender: tableCount,
                           lowercasingToASCII: lowercasingToASCII, temporaryWords: temporaryWords)
    }()

    /// The reasons with a table, in a fixed order, and the tables in that order followed by
    /// `rejectedButNotSender`, as one group. At most 64 reasons (`Matches` keeps a bit for each;
    /// `DiagnosticWordsGroupTests.everyReasonHasABit` checks).
    static var groupReasons: [Reason] { groupTables.reasons }
    /// `groupReasons` and their tables, in that order: each reason's place in `reasonTables` found by
    /// its `ordinal`, the pairs read in place (looked up by `first(where:)`, each pair visited was
    /// copied, its table's references retained and released: ~4,000 calls at start-up).
    private static let groupTables: (reasons: [Reason], tables: [PatternSet]) = {
        var place = [Int](repeating: -1, count: Reason.allCases.count)
        for i in reasonTables.indices { place[reasonTables[i].reason.ordinal] = i }
        var reasons: [Reason] = [], tables: [PatternSet] = []
        for reason in Reason.allCases where place[reason.ordinal] >= 0 {
            reasons.append(reason)
            tables.append(reasonTables[place[reason.ordinal]].table)
        }
        return (reasons, tables)
    }()
    /// The tables, `rejectedButNotSender`, then the provider rules' words (`RemoteHostRules.wordSets`)
    /// and host suffixes (`suffixSets`), then `lowercasingToASCII` and `temporaryWords`, all found in
    /// one pass of a diagnostic, which the provider rules, the tables and `isTemporary` read (`groupLayout`).
    private static let group = PatternSetGroup(groupTables.tables + [rejectedButNotSender]
                                               + RemoteHostRules.wordSets + RemoteHostRules.suffixSets
                                               + [lowercasingToASCII, temporaryWords])

    /// U+0130 (C4 B0) and U+212A KELVIN SIGN (E2 84 AA) as bytes (`lowercasingAddsASCII`), found in
    /// the group's pass: two `memchr` over each diagnostic after it were 0.54M instructions on
    /// bsd.mbox x3. No byte of them is an ASCII letter, so `.caseless` changes nothing.
    static let lowercasingToASCII = PatternSet.compiled(["\u{130}", "\u{212A}"])

    /// Whether `text` holds U+0130 (C4 B0) or U+212A KELVIN SIGN (E2 84 AA), the two characters whose
    /// `lowercased()` holds ASCII letters: in any other text an ASCII phrase occurs in the lower-cased
    /// text exactly where it occurs in the text, ASCII letters compared without case.
    static func lowercasingAddsASCII(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress,
                  memchr(base, 0xC4, bytes.count) != nil || memchr(base, 0xE2, bytes.count) != nil else { return false }
            func holds(_ needle: [UInt8]) -> Bool {
                needle.withUnsafeBufferPointer { ByteSubstring.firstOffset(of: $0, in: bytes) } != nil
            }
            return holds([0xC4, 0xB0]) || holds([0xE2, 0x84, 0xAA])
        }
    }

    /// RFC 5321 §4.2.1 wording for a transient failure, or a 4yz/4.x.x code (Sisimai's test).
    static func isTemporary(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        let code = EnhancedStatusCode.find(in: text).map { $0.statusClass } ?? ReplyCode.find(in: text).map { $0.replyClass }
        if code == 4 { return true }
        return containsTemporaryWord(text)
    }

    /// Whether `temporaryWords` matches `text` (" temporar" or " persistent"; PCRE2 in byte mode,
    /// caseless: ASCII letters compared without case, other bytes as they are), found without PCRE2:
    /// sixteen places at a time, those with a space followed by `t`/`p` in either case, then the
    /// phrase's letters at each such place read as one word with the case bit set (for a letter,
    /// only its two cases give it so). (`temporaryWords.hasMatch`, its plan and match data: 5,500
    /// instructions a text, bsd.mbox x3 162 texts, 0.89M; each phrase's letters searched without case
    /// by `ASCIICaseInsensitive`, then a space before them: 1.03M, `t` is a common letter; this: 0.18M.)
    static func containsTemporaryWord(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { containsTemporaryWord(inUTF8: $0) }
    }

    /// `containsTemporaryWord(_:)` over UTF-8 bytes in place.
    static func containsTemporaryWord(inUTF8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // The shorter phrase, " temporar", takes nine bytes: it can start at 0...lastStart.
        let count = bytes.count
        guard count >= 9, let base = bytes.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let lastStart = count - 9
        /// Whether a phrase starts at `place` (0...lastStart): its space and eight letters end
        /// within `bytes`, and " persistent"'s last two letters are read only when they do too.
        func phraseStarts(at place: Int) -> Bool {
            guard bytes[place] == 0x20 else { return false }
            let letters = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: place + 1, as: UInt64.self)) | 0x2020_2020_2020_2020
            if letters == Self.temporarLetters { return true }
            return letters == Self.persisteLetters && place + 11 <= count
                && bytes[place + 9] | 0x20 == UInt8(ascii: "n") && bytes[place + 10] | 0x20 == UInt8(ascii: "t")
        }
        let spaceLanes = SIMD16<UInt8>(repeating: 0x20)
        let tLanes = SIMD16<UInt8>(repeating: UInt8(ascii: "t")), pLanes = SIMD16<UInt8>(repeating: UInt8(ascii: "p"))
        var i = 0
        // Places i ..< i + 16 and the bytes after them, i + 1 ..< i + 17: with i + 15 <= lastStart,
        // the last is at count - 9 at most.
        while i + 15 <= lastStart {
            let firsts = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            let seconds = raw.loadUnaligned(fromByteOffset: i + 1, as: SIMD16<UInt8>.self) | spaceLanes
            let marks = unsafeBitCast((firsts .== spaceLanes) .& ((seconds .== tLanes) .| (seconds .== pLanes)),
                                      to: SIMD2<UInt64>.self)
            // One bit a marked lane (its lowest), lane k at bit 8k.
            var low = UInt64(littleEndian: marks[0]) & 0x0101_0101_0101_0101
            var high = UInt64(littleEndian: marks[1]) & 0x0101_0101_0101_0101
            while low != 0 {
                if phraseStarts(at: i + low.trailingZeroBitCount >> 3) { return true }
                low &= low &- 1
            }
            while high != 0 {
                if phraseStarts(at: i + 8 + high.trailingZeroBitCount >> 3) { return true }
                high &= high &- 1
            }
            i += 16
        }
        while i <= lastStart {
            if phraseStarts(at: i) { return true }
            i += 1
        }
        return false
    }

    /// `isTemporary(codeAndText)`, or `isTemporary(codeAndText, diagnostic:matches:)` when `matches`
    /// are `diagnostic`'s, for the text `Finalization.report` reads: the reply code's digits (or
    /// nothing), a space and `diagnostic` (no text when that is shorter than 4 bytes). The text is
    /// put together in a temporary buffer and read in place, not made a String (bsd.mbox x3: 489
    /// texts, their String joins 0.34M instructions).
    static func isTemporary(replyCode: ReplyCode?, diagnostic: String, matches: Matches?) -> Bool {
        var code = replyCode?.description ?? ""
        var diagnosticBytes = diagnostic
        return code.withUTF8 { code in
            diagnosticBytes.withUTF8 { text in
                let count = code.count + 1 + text.count
                guard count >= 4 else { return false }
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { joined in
                    var end = joined.initialize(fromContentsOf: code)
                    joined[end] = 0x20
                    end += 1
                    _ = UnsafeMutableBufferPointer(rebasing: joined[end...]).initialize(fromContentsOf: text)
                    let bytes = UnsafeBufferPointer(joined)
                    let codeClass = EnhancedStatusCode.find(inUTF8: bytes, statusClass: nil)?.statusClass
                        ?? ReplyCode.find(inUTF8: bytes)?.replyClass
                    if codeClass == 4 { return true }
                    guard let matches else { return containsTemporaryWord(inUTF8: bytes) }
                    return matches.temporaryWords || startsWithTemporaryWord(diagnostic)
                }
            }
        }
    }

    /// `isTemporary(replyCode:diagnostic:matches:)` from what `Finalization.report` found in
    /// `diagnostic` already, without its text joined and searched again: the diagnostic holds no
    /// status code, and `foundInText` is `ReplyCode.findNotingContinuation(in: diagnostic,
    /// statusClass: nil).code`; `given` is the report's own reply code, and the joined text's code is
    /// `given ?? foundInText`'s digits. nil when that does not settle it: a code given and none
    /// found, where the text may mention `x-unix` (no code at all then).
    ///
    /// The joined text's status code is the diagnostic's (the digits and the space before it hold no
    /// dot, and a space before the diagnostic is read as its start), so none; its reply code is the
    /// more telling of `given` and `foundInText` (`ReplyCode.moreTelling`), an `x-unix` being in the
    /// diagnostic (bsd.mbox x3: of 489 questions, 465 texts were joined and searched again;
    /// `Finalization.report` 35.16M -> 34.72M).
    static func isTemporary(given: ReplyCode?, foundInText: ReplyCode?, diagnostic: String, matches: Matches?) -> Bool? {
        let code: ReplyCode?
        switch (given, foundInText) {
        case (nil, let found): code = found
        case (let given?, let found?): code = ReplyCode.moreTelling(given, found)
        case (_?, nil): return nil
        }
        // The joined text: the code's three digits (if any), a space, the diagnostic; none under 4 bytes.
        guard (code == nil ? 1 : 4) + diagnostic.utf8.count >= 4 else { return false }
        if code?.replyClass == 4 { return true }
        guard let matches else { return containsTemporaryWord(diagnostic) || startsWithTemporaryWord(diagnostic) }
        return matches.temporaryWords || startsWithTemporaryWord(diagnostic)
    }

    /// "temporar" and "persiste" as eight bytes read little-endian (the first byte lowest).
    private static let temporarLetters = letterWord("temporar")
    private static let persisteLetters = letterWord("persiste")

    private static func letterWord(_ eight: StaticString) -> UInt64 {
        eight.withUTF8Buffer { letters in
            var word: UInt64 = 0
            for (k, letter) in letters.prefix(8).enumerated() { word |= UInt64(letter) << UInt64(8 * k) }
            return word
        }
    }

    /// `isTemporary(text)` for a `text` made of a reply code's digits (or nothing), a space and
    /// `diagnostic`, whose `Matches` are `matches`: the phrases found in the pass that made them, not
    /// by a second scan (`isTemporary`'s 480 scans were 1.4M instructions on bsd.mbox x3). Each
    /// phrase begins with a space and goes on with letters, so it occurs in `text` exactly where it
    /// occurs in `diagnostic`, or where `diagnostic` begins with it after its space.
    static func isTemporary(_ text: String, diagnostic: String, matches: Matches) -> Bool {
        guard !text.isEmpty else { return false }
        let code = EnhancedStatusCode.find(in: text).map { $0.statusClass } ?? ReplyCode.find(in: text).map { $0.replyClass }
        if code == 4 { return true }
        return matches.temporaryWords || startsWithTemporaryWord(diagnostic)
    }

    /// Whether `text` begins with a phrase of `temporaryWords` without its leading space (ASCII
    /// letters compared without case, as the `.caseless` set does).
    static func startsWithTemporaryWord(_ text: String) -> Bool {
        text.hasPrefix(ignoringCase: "temporar") || text.hasPrefix(ignoringCase: "persistent")
    }

    /// A permanent failure by code (5yz / 5.x.x) or wording.
    static func isPermanent(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        let code = EnhancedStatusCode.find(in: text).map { $0.statusClass } ?? ReplyCode.find(in: text).map { $0.replyClass }
        if code == 5 { return true }
        return permanentWords.hasMatch(in: text)
    }

    static let temporaryWords = PatternSet.compiled([" temporar", " persistent"])

    static let permanentWords = PatternSet.compiled([" permanent "])

    /// "Recipient address rejected" and friends are about the recipient or the client, not the sender.
    static let rejectedButNotSender = PatternSet.compiled([
        #"5\.1\.0 address rejected"#, "recipient address rejected", "sender ip address rejected",
    ])

    /// Each reason's table (reasons in any order; `groupReasons` puts them in `Reason.allCases`
    /// order). A list of pairs, not the `[Reason: PatternSet]` literal it was: making that
    /// dictionary at start-up made its types' metadata from their mangled names at run time (0.33M
    /// of the tables' 0.55M instructions, bsd.mbox x3), and a run reads the tables only through
    /// `group`.
    static let reasonTables: [(reason: Reason, table: PatternSet)] = [
        (.userUnknown, .compiled([
            #"#5\.1\.1 bad address"#, "550 address invalid", #"5\.1\.0 address rejected\."#,
            "address (does not exist|not present in directory|unknown)", "can't accept user", #"does not exist\."#,
            "destination addresses were unknown", "destination server rejected recipients",
            "email address (does not exist|could not be found)",
            "invalid (address|mailbox|recipient)", "is not a (known user|valid mailbox)",
            "is not an active address at this host",
            "mailbox (does not exist|invalid|is inactive|is unavailable|not present|not found|unavaiable)",
            "nessun utente simile in questo indirizzo", "no account by that name here",
            "no existe (dicha persona|ese usuario )", "no mail box available for this user",
            "no mailbox (by that name is currently available|found)",
            "no such (address here|mailbox|person at this address|recipient|user)",
            "no thank you rejected: account unavailable", "no valid recipients, bye",
            "not a valid (recipient|user here)", "not a local address", "not email addresses",
            #"recipient address rejected\. \(in reply to rcpt to command\)"#,
            "recipient address rejected: (access denied|invalid user|invalid-recipient|unknown user|userunknown)",
            "recipient (does not exist|is not accepted|is not local|not exist|not found|not ok|unknown)",
            "recipient refuses to accept your mail", "requested action not taken: mailbox unavailable",
            "resolver\\.adr\\.recipient ?notfound", "sorry, (user unknown|badrcptto|no mailbox here by that name)",
            "sorry, your envelope recipient has been denied",
            "that domain or user isn't in my list of allowed rcpthosts",
            "the email account that you tried to reach does not exist",
            "the following recipients was undeliverable", "the user's email name is not found",
            "there is no one at this address", "this address no longer accepts mail",
            "this email address is wrong or no longer valid",
            "this recipient is (in my badrecipientto list|not in my validrcptto list)",
            "this spectator does not exist", "unknown (mailbox|recipient|user)",
            "user (does not exist|missing home directory|not active|not exist|not found|not known|unknown)",
            "utilisateur inconnu !", "vdeliver: invalid or unknown virtual user",
            "weil die adresse nicht gefunden wurde oder keine e-mails empfangen kann",
            "your envelope recipient is in my badrcptto list",
            "<.*> not found", #"<.*>\.\.\. blocked by "#, "account .* does not exist at the organization",
            "adresse d au moins un destinataire invalide\\. invalid recipient\\..*41[68]",
            "bad.*recipient", "mailbox .*does not exist", "mailbox .*unavailable or access denied",
            "no .* in name directory", "non.*existent user", "rcpt <.* does not exist", #"rcpt \(.*t exist "#,
            "recipient .* was not found in", "recipient address rejected: user .*  does not exist",
            "recipient address rejected: user unknown in .*  table", #"said: 550.*5\.1\.1 .* user unknown "#,
            "this user doesn't have a .* account", "unknown e.*mail address", "unknown local.*part",
            "user .* was not found", "user .* does not exist", #"user \(.*\) unknown"#,
        ])),
        (.mailboxFull, .compiled([
            "452 insufficient disk space", "account disabled temporarly for exceeding receiving limits",
            "boite du destinataire pleine", "exceeded storage allocation", "full mailbox",
            "mailbox (exceeds allowed size|size limit exceeded|would exceed maximum allowed storage)",
            "mailfolder is full", "no space left on device", "not sufficient disk space", "quota violation for",
            "too much mail data", "user has exceeded quota, bouncing mail", "user has too many messages on the server",
            "user's space has been used up",
            "account is .* quota", "disk.*quota", "enough .* space", "mailbox .*exceeded.* limit", "mailbox .*full",
            "mailbox .*quota", "maildir .*quota", "over .*quota", "quota .*exceeded",
        ])),
        (.mesgTooBig, .compiled([
            "exceeded (maximum inbound message size|the maximum incoming message size)", "line limit exceeded",
            "max message size exceeded", "message file too big", "message length exceeds administrative limit",
            "message size exceeds (fixed limit|fixed maximum message size|maximum value)", "message too big",
            "message too large for this ", "size limit", "taille limite du message atteinte",
        ])),
        (.exceedLimit, .compiled(["message header size exceeds limit", "message too large"])),
        (.suspend, .compiled([
            " is currently suspended", " temporary locked", "archived recipient", "boite du destinataire archivee",
            "email account that you tried to reach is (disabled|inactive)", "has been suspended", "inactive account",
            "invalid/inactive user", "is a deactivated mailbox", "is unavailable: user is terminated",
            "mailbox (currently suspended|disabled|is frozen|unavailable or access denied)",
            "recipient rejected: temporarily inactive", "recipient suspend the service",
            "this account has been (disabled or discontinued|temporarily suspended)",
            "this address no longer accepts mail", "this mailbox is disabled", "user or domain is disabled",
            "user suspended", "vdelivermail: account is locked email bounced",
        ])),
        (.hasMoved, .compiled([" has been replaced by "])),
        (.noRelaying, .compiled([
            "as a relay", #"email address is not verified\."#, "insecure mail relay",
            "is not permitted to relay through this server without authentication",
            "mail server requires authentication when attempting to send to a non-local e-mail address",
            "no relaying", "not a gateway", "not allowed to relay through this machine", "not an open relay, so get lost",
            "not local host", "relay (access denied|denied|not permitted)", "relaying denied", "relaying mail to ",
            "specified domain is not allowed", "that domain isn't in my list of allowed rcpthost",
            "this system is not configured to relay mail", "unable to relay ", "we don't handle mail for",
        ])),
        (.authFailure, .compiled([
            // "does not have authentication information": Gmail's reply to mail that passes neither SPF
            // nor DKIM ("550-5.7.1 This message does not have authentication information or fails to
            // pass authentication checks", sisimai lhost-sendmail-59).
            "//spf\\.pobox\\.com", "bad spf records for", "dmarc policy", "does not have authentication information",
            "doesn't meet the required authentication level",
            "please inspect your spf settings", "sender policy framework (\\(spf\\) fail|violation)",
            "spf \\(sender policy framework\\) domain authentication fail", "spf check: fail",
            "the 5322\\.from address doesn't meet the authentication requirements defined for the sender",
            " is not allowed to send mail\\..*_401", "is not allowed to send from <.* per it's spf record",
        ])),
        (.filtered, .compiled([
            "account is protected by", "bounced address", "has restricted sms e-mail", "is not accepting any mail",
            "message filtered", "message rejected due to user rules", "not found recipient account",
            "recipient id refuse to receive mail", "recipient is only accepting mail from specific email addresses",
            "refused due to recipient preferences", "user not found", "user refuses to receive this mail",
            "user reject", "you have been blocked by the recipient",
        ])),
        (.requirePTR, .compiled([
            "access denied\\. ip name lookup failed", "all mail servers must have a ptr record with a valid reverse dns entry",
            "bad dns ptr resource record", "cannot find your hostname", "cannot resolve your address\\.",
            "fix reverse dns for ", "ips with missing ptr records", "no ptr record found\\.",
            "please get a custom reverse dns name from your isp for your host", "ptr record setup",
            "reverse dns (failed|required)", "sender ip reverse lookup rejected",
            "the ip address sending this message does not have a ptr record setup",
            "the corresponding forward dns entry does not point to the sending ip",
            "this system will not accept messages from servers/devices with no reverse dns",
            "unresolvable relay host name", "we do not accept mail from hosts with dynamic ip or generic dns ptr-records",
            "domain .* mismatches client ip", "dns lookup failure: .* try again later",
            "reverse dns lookup for host .* failed permanently",
            "server access .* forbidden by invalid rdns record of your mail server", "service permits .* unverifyable sending ips",
        ])),
        (.notCompliantRFC, .compiled([
            "duplicate header", "this message is not rfc 5322 compliant",
            "https://support\\.google\\.com/mail/\\?p=rfcmessagenoncompliant", " multiple .* header",
        ])),
        (.badReputation, .compiled([
            "a poor email reputation score", "has been temporarily rate limited due to ip reputation",
            "ip/domain reputation problems", "likely suspicious due to the very low reputation", "none/bad reputation",
            "temporarily deferred due to unexpected volume or user complaints", "the sending mta's poor reputation",
        ])),
        (.contentError, .compiled([
            "duplicate header", "header size exceeds maximum permitted", "improper use of 8-bit data in message header",
            "message header size, or recipient list, exceeds policy limit", "message mime complexity exceeds the policy maximum",
            "routing loop detected -- too many received: headers", "this message contain invalid mime headers",
            "this message contain improperly-formatted binary content",
            "this message contain text that uses unnecessary base64 encoding",
        ])),
        (.rejected, .compiled([
            "access denied \\((in reply to mail from command|sender blacklisted)\\)", "address rejected",
            "administrative prohibition", "batv (failed to verify|validation failure)",
            "backscatter protection detected an invalid or expired email address",
            "because the sender isn't on the recipient's list of senders to accept mail from", "bogus mail from",
            "can't determine purported responsible address",
            "connections not accepted from servers without a valid sender domain", "denied \\[bouncedeny\\]",
            "denied by secumail valid-address-filter", "delivery not authorized, message refused", "does not exist e2110",
            "domain of sender address ", "email address is on senderfilterconfig list", "emetteur invalide",
            "empty envelope senders not allowed", "envelope blocked - ", "error: no third-party dsns",
            "from: domain is invalid\\. please provide a valid from:", "fully qualified email address required",
            "invalid domain, see <url:", "invalid sender", "is not a registered gateway user", "mail from not owned by user",
            "message rejected: email address is not verified", "mx records for ", "null sender is not allowed",
            "recipient addresses rejected : access denied", "recipient not accepted\\. \\(batv: no tag",
            "returned mail not accepted here", "rfc 1035 violation: recursive cname records for",
            "rule imposed mailbox access for", "sending this from a different address or alias using the ",
            "sender address has been blacklisted", "sender email address rejected", "sender is in my black list",
            "sender is spammer", "sender not pre-approved", "sender rejected", "sender domain is empty",
            "sender verify failed", "sender was rejected", "spam reporting address", "syntax error: empty email address",
            "the message has been rejected by batv defense", "this server does not accept mail from",
            "transaction failed unsigned dsn for", "unroutable sender address",
            "you are not allowed to post to this mailing list",
            "you are sending to/from an address that has been blacklisted",
            "your access to submit messages to this e-mail system has been rejected",
            "your email address has been blacklisted",
        ])),
        (.hostUnknown, .compiled([
            "domain (does not exist|is not reachable|must exist)", "host or domain name not found", "host unknown",
            "host unreachable", "mail domain mentioned in email address is unknown", "name or service not known",
            "no such domain", "recipient address rejected: unknown domain name", "recipient domain must exist",
            "the account or domain may not exist", "unknown host", "unrout(e)?able address", "553 .* does not exist",
        ])),
        (.spamDetected, .compiled([
            " - spam", "//www\\.spamhaus\\.org/help/help_spam_16\\.htm", "//dsbl\\.org/help/help_spam_16\\.htm",
            "//mail\\.163\\.com/help/help_spam_16\\.htm", "554 5\\.7\\.0 reject, id=", "appears to be unsolicited",
            "blacklisted url in message", "block for spam", "blocked by (policy: no spam please|spamassassin)",
            "blocked for abuse\\. see http://att\\.net/blocks", "cannot be forwarded because it was detected as spam",
            "considered unsolicited bulk e-mail \\(spam\\) by our mail filters", "content filter rejection",
            "cyberoam anti spam engine has identified this email as a bulk email", "denied due to spam list",
            "high probability of spam", "is classified as spam and is rejected", "listed in work\\.drbl\\.imedia\\.ru",
            "the mail server detected your message as spam and has prevented delivery\\.",
            "mail appears to be unsolicited", "mail content denied", "may consider spam",
            "message (considered as|contains) spam or virus", "message content rejected", "message detected as spam",
            "message filtered", "message looks like spam", "message is being rejected as it seems to be a spam",
            "message refused by (mailmarshal|trustwave seg) spamprofiler", "message rejected as spam",
            "message rejected because of unacceptable content", "message rejected due to suspected spam content",
            "message rejected for policy reasons", "message was rejected for possible spam/virus content",
            "our email server thinks this email is spam", "our system has detected that this message is ",
            "probable spam", "reject bulk\\.advertising", "rejected: spamassassin score ", "rejected - bulk email",
            "rejecting (banned|mail) content", "related to content with spam-like characteristics",
            "sender domain listed at ", "sending address not accepted due to spam filter",
            "spam (blocked|check|content matched|detected|email|not accepted|refused|rejection|score )",
            "spam message rejected\\.", "spambouncer identified spam", "spamming not allowed",
            "too many spam complaints", "too much spam\\.", "the email message was detected as spam",
            "the message has been rejected by spam filtering engine",
            "the message was rejected due to classification as bulk mail",
            "the content of this message looked like spam", "this message appears to be spam",
            "this message has been (identified as spam|scored as spam with a probability)",
            "this message was classified as spam", "this message was rejected by recurrent pattern detection system",
            "transaction failed spam message not queued", "we dont accept spam",
            "your email appears similar to spam we have received before", "your email breaches local uribl policy",
            "your email had spam-like ", "your email is (considered|probably) spam", "your email was detected as spam",
            "your message as spam and has prevented delivery", "your message has been temporarily blocked by our filter",
            "your message has been rejected because it appears to be spam", "your message has triggered a spam block",
            "your message may contain the spam contents", "your message failed several antispam checks",
            "greylisted.* please try again in", "mail score \\(.* over ", "mail rejete\\. mail rejected\\. .*506",
            "our filters rate at and above .* percent probability of being spam", "rejected by .* \\(spam\\)",
            "rejected due to spam .*(classification|content)", "rule imposed as .* is blacklisted on", "spam .* exceeded",
            "this message scored .* spam points",
        ])),
        (.speeding, .compiled([
            "mail sent from your ip address has been temporarily rate limited", "please try again slower",
            "receiving mail at a rate that prevents additional messages from being delivered",
        ])),
        (.tooManyConn, .compiled([
            "all available ips are at maximum connection limit", "connection rate limit exceeded",
            "exceeds per-domain connection limit for", "has exceeded the max emails per hour ",
            "throttling failure: (daily message quota|maximum sending rate) exceeded", "too many connections",
            "too many concurrent smtp connections", "too many errors from your ip", "too many recipients",
            "too many smtp sessions for this host", "trop de connexions, ",
            "we have already made numerous attempts to deliver this message",
        ])),
        (.blocked, .compiled([
            " said: 550 blocked", "//www\\.spamcop\\.net/bl\\.", "bad sender ip address", "banned sending ip",
            "blacklisted by", "blocked using ", "blocked - see http", "dnsbl:attrbl",
            "client host rejected: (abus detecte gu_eib_0[24]|may not be mail exchanger|was not authenticated)",
            "confirm this mail server", "connection dropped", "connection refused by", "connection reset by peer",
            "connection was dropped by remote host", "connections not accepted from ip addresses on spamhaus xbl",
            "currently sending spam see: ", "domain does not exist:", "dynamic/zombied/spam ips blocked",
            "error: no valid recipients from ", "esmtp not accepting connections", "extreme bad ip profile", "go away",
            "helo command rejected:", "host network not allowed", "hosts with dynamic ip",
            "invalid ip for sending mail of domain", "is in a black list", "is not allowed to send mail from",
            "mailfrom domain is listed in spamhaus", "no access from mail server", "no matches to nameserver query",
            "not currently accepting mail from your ip", "part of their network is on our block list",
            "please use the smtp server of your isp", "refused - see http", "rejected - multi-blacklist",
            "rejected because the sending mta or the sender has not passed validation", "rejecting open proxy",
            "sender ip address rejected", "server access forbidden by your ip ",
            "service not available, closing transmission channel",
            "smtp error from remote mail server after initial connection:",
            "sorry, that domain isn't in my list of allowed rcpthosts",
            "sorry, your remotehost looks suspiciously like spammer",
            "temporarily deferred due to unexpected volume or user complaints",
            "to submit messages to this e-mail system has been rejected", "too many spams from your ip",
            "too many unwanted messages have been sent from the following ip address above", "was blocked by ",
            "we do not accept mail from dynamic ips", "you are not allowed to connect", "you are sending spam",
            "your ip address is listed in the rbl", "your network is temporary blacklisted",
            "your server requires confirmation",
            "\\(.*@.*:blocked\\)", "access from ip address .* blocked", "client host .* blocked using",
            "connections will not be accepted from .* because the ip is in spamhaus's list", "dnsbl:rbl .*>_is_blocked",
            "email blocked by .*(\\.barracudacentral\\.org|spamhaus)", "host .* refused to talk to me: .* blocked",
            "ip .* is blocked by earthlink", "is in an .*rbl on ", "mail server at .* is blocked",
            "mail from .* refused:", "mail from .* refused, see .*orbs", "message from .* rejected based on blacklist",
            "messages from .* temporarily deferred due to user complaints", "server ip .* listed as abusive",
            "sorry! your ip address.* is blocked by rbl", "the (domain|email|ip).* is blacklisted",
            "veuillez essayer plus tard\\. service refused, please try later\\. .*(103|510)",
            "your access ip.* has been rejected", "your sender's ip address is listed at .*\\.abuseat\\.org",
        ])),
        (.virusDetected, .compiled([
            "it has a potentially executable attachment",
            "the message was rejected because it contains prohibited virus or spam content",
            "this form of attachment has been used by recent viruses or other malware", "virus detected",
            "virus phishing/malicious_url detected", "your message was infected with a virus",
        ])),
        (.policyViolation, .compiled([
            "an illegal attachment on your message", "because the recipient is not accepting mail with ",
            "by non-member to a members-only list", "closed mailing list", "denied by policy",
            "email not accepted for policy reasons", "email rejected due to security policies",
            "header are not accepted", "header error", "local policy violation",
            "message bounced due to organizational settings", "message given low priority",
            "message not accepted for policy reasons", "message rejected due to local policy",
            "messages with multiple addresses", "rejected for policy reasons", "protocol violation",
            "the email address used to send your message is not subscribed to this group",
            "the message was rejected by organization policy",
            "this message was blocked because its content presents a potential",
            "we do not accept messages containing images or other attachments", "you're using a mass mailer",
            "you have exceeded the.*allowable number of posts without solving a captcha",
        ])),
        (.systemError, .compiled([
            "aliasing/forwarding loop broken", "can't create user output file", "could not load drd for domain",
            "internal error reading data", "internal server error: operation now in progress",
            "interrupted system call", "it encountered an error while being processed", "it would create a mail loop",
            "local configuration error", "local error in processing", "loop was found in the mail exchanger",
            "loops back to myself", "mail system configuration error", "queue file write error",
            "recipient deferred because there is no mdb", "remote server is misconfigured", "server configuration error",
            "service currently unavailable", "system config error", "temporary local problem",
            "timeout waiting for input", "transaction failed ", "unable to connect .*daemon",
        ])),
        (.networkError, .compiled([
            "could not connect and send the mail to", "dns records for the destination computer could not be found",
            "hop count exceeded - possible mail loop", "host is unreachable", "host name lookup failure",
            "host not found, try again", "mail forwarding loop for ", "malformed (or unexpected )?name server reply",
            "maximum forwarding loop count exceeded", "message looping", "message probably in a routing loop",
            "no route to host", "too many hops", "unable to resolve route ", "unrouteable mail domain",
        ])),
        (.systemFull, .compiled(["mail system full", "requested mail action aborted: exceeded storage allocation"])),
        (.notAccept, .compiled([
            "does not accept mail \\(nullmx\\)", "host/domain does not accept mail", "host does not accept mail",
            "mail receiving disabled", "name server: \\.: host not found", "no mx record found for domain=",
            "no route for current request", "smtp protocol returned a permanent error",
        ])),
        (.expired, .compiled([
            "connection timed out", "could not find a gateway for", "delivery attempts will continue to be",
            "delivery (time )?expired", "failed to deliver to domain ", "giving up on", "have been failing for a long time",
            "has been delayed", "it has not been collected after", "message expired after sitting in queue for",
            "message expired, (cannot connect to remote server|connection refulsed)", "message timed out",
            "retry time not reached for any host after a long failure period", "server did not respond",
            "this message has been in the queue too long", "unable to deliver message after multiple retries",
            "was not reachable within the allowed queue period", "your message could not be delivered for more than",
            "could not be delivered for.* days",
            "could not deliver for the last \\d+ seconds",  // DragonFly dma, sisimai lhost-dragonfly-29
            "retry timeout exceeded",                          // Exim retry.c, sisimai lhost-gmx-04
        ])),
        (.failedSTARTTLS, .compiled(["starttls is required to send mail", "tls required but not supported"])),
        (.securityError, .compiled([
            "account not subscribed to ses", "authentication (credentials invalid|failure|required|turned on in your email client)",
            "executable files are not allowed in compressed files", "insecure mail relay",
            "recipient address rejected: access denied",
            "sorry, you don't authenticate or the domain isn't in my list of allowed rcpthosts",
            "unauthenticated senders not allowed", "verification failure",
            "you are not authorized to send mail, authentication is required",
            "authentication failed; server .* said: ", "authentification invalide.*305", "authentification requise.*402",
            "domain .* is a dead domain", "user .* is not authorized to perform ses:sendrawemail on resource",
        ])),
        (.suppressed, .compiled(["address is on (the|an) (account-level )?suppression list"])),
        (.mailerError, .compiled([
            " \\|\\| exit ", "procmail: ", "bin/procmail", "bin/maidrop", "command failed: ", "command died with status ",
            "command output:", "mailer error", "pipe to \\|/", "x-unix; ",
        ])),
        (.vacation, .compiled([
            "i am away on vacation", "i am away until", "i am out of the office", "i will be traveling for work on",
        ])),
    ]

    /// `reasonTables` by reason (for `matches(_:_:)` and the tests; made on first use).
    static let tables: [Reason: PatternSet] = Dictionary(uniqueKeysWithValues: reasonTables.map { ($0.reason, $0.table) })
}

extension PatternSet {
    /// A table's patterns, case-less with `.` spanning lines, compiled on first use (most of a run's
    /// phrase lookups go through `DiagnosticWords.group`, which compiles each phrase alone). A table
    /// that fails to compile is a programming error caught by the tests
    /// (`PatternTablesTests.everyTableCompiles`); at run time it matches nothing.
    static func compiled(_ patterns: [String]) -> PatternSet {
        PatternSet(deferring: patterns, options: [.caseless, .dotAll])
    }
}
