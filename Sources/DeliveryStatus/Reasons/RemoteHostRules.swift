import BytePatterns
import MailParsing

/// Reasons decided by who refused the message: large providers document their own codes and wording
/// (Microsoft's 5.7.606, Orange's LPN007_416, Tencent's "frequency limited" ...), which say more than the
/// RFC 3463 code. Consulted before the general phrase tables, as Sisimai's "rhost" step is.
///
/// A provider's rules apply when one of its host names appears among the remote MTA, the hosts named in
/// the diagnostic or the report's Received fields, or when its own code signature appears.
/// Each rule's wording is from the provider's documentation as catalogued by Sisimai 5
/// (rhost/for-*.go, BSD-2-Clause) and was checked against the corpus file named beside it.
enum RemoteHostRules {
    struct Provider {
        var name: String
        var hostSuffixes: [String]
        /// A pattern that identifies the provider on its own (optional).
        var signature: BytePattern?
        /// A byte every match of `signature` contains (checked with one `memchr` before the pattern
        /// runs), or nil.
        var signatureByte: UInt8? = nil
        /// Lower-case ASCII phrases of which `decide` needs one in the (lower-cased) diagnostic: given a
        /// text with none of them, it returns nil. Looked for in every diagnostic with the reason
        /// tables (`DiagnosticWords.Matches.providers`), so that a provider is asked whether it is
        /// named only when its rule would decide.
        var words: [String]
        var decide: @Sendable (_ diagnostic: String, _ status: EnhancedStatusCode?, _ reply: ReplyCode?) -> Reason?
        /// For a rule that is the reason of the first of its phrases the diagnostic contains
        /// (`init(name:hostSuffixes:phrases:)`), the phrases' reasons in order (`words` are the
        /// phrases); nil for a rule of its own. Such a rule is decided from the phrases the group's pass
        /// found (`phraseMasks`), without the lower-cased diagnostic.
        var phraseReasons: [Reason]? = nil
        /// The rule decided from the words the group's pass found (bit k: `words[k]`, ASCII letters
        /// compared without case), given the diagnostic as it is,
        /// not lower-cased: the answer of `decide` over the lower-cased diagnostic. Lower-casing
        /// texts for the four rules of their own and their searches were ~0.56M instructions on
        /// bsd.mbox x3 (234 texts). Nil for a phrase rule.
        var decideByWords: (@Sendable (_ words: UInt64, _ diagnostic: String, _ status: EnhancedStatusCode?,
                                       _ reply: ReplyCode?) -> Reason?)? = nil

        /// Whether `signature` can match `text`: false when text lacks `signatureByte`.
        func mayMatchSignature(_ text: String) -> Bool {
            guard signature != nil else { return false }
            guard let signatureByte else { return true }
            return text.containsByte(signatureByte)
        }
    }

    /// The reason the refusing provider's own rules give, or nil: the first provider (in `providers`
    /// order) whose rule decides and that is named (by `hosts`, the recipient's domain, a host name
    /// in the diagnostic, or `alsoNames`) or whose signature matches.
    ///
    /// Each provider's rule is asked first, and whether the provider is named only when it decides,
    /// the cheap ways first: the rules are pure, so neither order changes an answer. (bsd.mbox x3:
    /// of 1,836 calls, 987 have none of any rule's words and in 834 some rule decides, KDDI's alone in
    /// 468, but a named provider's in only 288. Naming every provider at each call first, the
    /// diagnostic's host names cost 6.7M instructions and the Received fields' 9.6M.)
    /// - Parameters:
    ///   - remoteMTA: the remote MTA (as the report gives it), or nil.
    ///   - recipient: the recipient's address (or a domain): its domain part (`Finalization.domainPart`)
    ///     names the providers with a host suffix that ends with it.
    ///   - candidates: the providers (bit i: `providers[i]`) whose `words` occur in the diagnostic,
    ///     ASCII letters compared without case (`DiagnosticWords.Matches.providers`); the others' rules
    ///     return nil and are not asked. All of them by default.
    ///   - suffixesInDiagnostic: the providers one of whose `hostSuffixes` occurs in the diagnostic,
    ///     ASCII letters compared without case (`DiagnosticWords.Matches.providerSuffixes`): only they
    ///     can be named by a host name in it, which is looked for only when one of them decides.
    ///     All of them by default.
    ///   - phrases: the phrases of the phrase rules (bit k: phrase k of `phraseReasons`) that occur
    ///     in the diagnostic, ASCII letters compared without case (`DiagnosticWords.Matches.providerPhrases`),
    ///     or nil: then every rule reads the lower-cased diagnostic. Given, a phrase rule is decided
    ///     by them and the diagnostic is lower-cased only for a rule of its own (bsd.mbox x3: 909
    ///     lower-casings, 2.3M instructions, and 2,283 phrase searches, 1.4M, before).
    ///   - ruleWords: the words of the rules of their own decided by them (`Provider.decideByWords`;
    ///     bit `ruleWordStarts[i] + k`: word k of `providers[i]`) that occur in the diagnostic, ASCII
    ///     letters compared without case (`DiagnosticWords.Matches.providerRuleWords`), or nil: then
    ///     those rules read the lower-cased diagnostic.
    ///   - alsoNames: whether `providers[i]` is named otherwise (by the report's Received fields),
    ///     asked only about a provider whose rule decides and that the rest do not name.
    static func reason(diagnostic: String, status: EnhancedStatusCode?, reply: ReplyCode?, remoteMTA: String? = nil,
                       recipient: @autoclosure () -> String = "", candidates: UInt64 = .max,
                       suffixesInDiagnostic: UInt64 = .max, phrases: UInt64? = nil, ruleWords: UInt64? = nil,
                       alsoNames: (_ provider: Int) -> Bool = { _ in false }) -> Reason? {
        guard !diagnostic.isEmpty, candidates != 0 else { return nil }
        var lowercaseDiagnostic: String? = nil
        // Each provider read in place (`providers[i]`), not copied: a copy of a `Provider` and its
        // destruction were ~310 instructions (bsd.mbox x3: 885 providers asked, 0.28M).
        for i in providers.indices where candidates & (1 << UInt64(i)) != 0 {
            let decided: Reason?
            if let phrases, phraseMasks[i] != 0 {
                // A phrase rule: the first of its phrases found (its lowest bit), no text read.
                let found = phrases & phraseMasks[i]
                decided = found == 0 ? nil : phraseReasons[found.trailingZeroBitCount]
            } else if let ruleWords, let byWords = providers[i].decideByWords {
                // A rule of its own that reads which of its words occur, the diagnostic as it is.
                decided = byWords(ruleWords >> UInt64(ruleWordStarts[i]), diagnostic, status, reply)
            } else {
                if lowercaseDiagnostic == nil { lowercaseDiagnostic = diagnostic.lowercasedIfNeeded() }
                decided = providers[i].decide(lowercaseDiagnostic!, status, reply)
            }
            guard let r = decided else { continue }
            // Whether the deciding provider is named, asked of it alone, the cheap ways first: each host
            // name matched to every provider once a call (the bits kept for a later provider), the
            // remote MTA, the recipient's domain, the diagnostic's host names and the Received fields'
            // cost 1.39M instructions on bsd.mbox x3 (834 calls), the tables of every suffix made too.
            if let remoteMTA, names(i, host: remoteMTA) { return r }
            // The recipient's domain counts when it is the tail of a provider host name ("cox.net").
            if names(i, domainOf: recipient()) { return r }
            if providers[i].mayMatchSignature(diagnostic) && providers[i].signature?.hasMatch(in: diagnostic) == true { return r }
            if suffixesInDiagnostic & (1 << UInt64(i)) != 0 && Hosts.names(provider: i, in: diagnostic) { return r }
            if alsoNames(i) { return r }
        }
        return nil
    }

    /// Whether `host`, lower-cased, ends with one of `providers[i]`'s host suffixes (bit i of
    /// `providersNamed(byHost:)`): an ASCII host compared with them alone.
    static func names(_ i: Int, host: String) -> Bool {
        var host = host
        return host.withUTF8 { names(i, hostBytes: $0) }
    }

    /// Whether the host name made of `bytes` names `providers[i]` (bit i of
    /// `providersNamed(byHostBytes:)`): ASCII bytes compared with its host suffixes alone.
    static func names(_ i: Int, hostBytes bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard ASCII.isASCII(bytes) else { return providersNamed(byHostBytes: bytes) & (1 << UInt64(i)) != 0 }
        return suffixBytes.withUnsafeBufferPointer { all in
            for k in suffixesOfProvider[i] where asciiTailsMatch(bytes, all, suffixRanges[k], endsWithSuffix: true) { return true }
            return false
        }
    }

    /// Whether the domain of `address` names `providers[i]` (bit i of `providersNamed(byDomainOf:)`):
    /// for an ASCII address, its domain compared in place with the provider's host suffixes alone.
    static func names(_ i: Int, domainOf address: String) -> Bool {
        var address = address
        let inPlace = address.withUTF8 { bytes -> Bool? in
            guard ASCII.isASCII(bytes) else { return nil }
            let range = Finalization.domainRange(inASCII: bytes)
            guard !range.isEmpty else { return false }
            let domain = UnsafeBufferPointer(rebasing: bytes[range])
            return suffixBytes.withUnsafeBufferPointer { all in
                for k in suffixesOfProvider[i] where asciiTailsMatch(domain, all, suffixRanges[k], endsWithSuffix: false) { return true }
                return false
            }
        }
        return inPlace ?? (providersNamed(byDomainOf: address) & (1 << UInt64(i)) != 0)
    }

    /// For ASCII `text`, whether it, lower-cased, ends with the suffix at `range` of `all`
    /// (`endsWithSuffix`), or the suffix ends with it: `hasSuffix` of the two, compared from the end.
    @inline(__always)
    private static func asciiTailsMatch(_ text: UnsafeBufferPointer<UInt8>, _ all: UnsafeBufferPointer<UInt8>,
                                        _ range: (start: Int, count: Int, provider: Int), endsWithSuffix: Bool) -> Bool {
        let shared = endsWithSuffix ? range.count : text.count
        guard shared <= text.count, shared <= range.count else { return false }
        let textEnd = text.count, suffixEnd = range.start + range.count
        var k = 1
        while k <= shared, ASCII.lowercased(text[textEnd - k]) == all[suffixEnd - k] { k += 1 }
        return k > shared
    }

    /// The providers (bit i: `providers[i]`) with a host suffix that `host`, lower-cased, ends with.
    /// An ASCII host is compared byte by byte from its last byte back, folding case on the way (the
    /// answer of `lowercased()` then `hasSuffix`, without making either String: a host of the
    /// report's Received fields is looked at once per recipient).
    static func providersNamed(byHost host: String) -> UInt64 {
        var host = host
        if let named = host.withUTF8({ providersNamed(asciiTail: $0, endsWithSuffix: true) }) { return named }
        let lowercaseHost = host.lowercased()
        var named: UInt64 = 0
        for (suffix, i) in suffixes where lowercaseHost.hasSuffix(suffix) { named |= 1 << UInt64(i) }
        return named
    }

    /// `providersNamed(byHost:)` of the host name made of `bytes` (as `String(decoding:as:)` would
    /// make it), without making the String when the bytes are ASCII.
    static func providersNamed(byHostBytes bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        providersNamed(asciiTail: bytes, endsWithSuffix: true)
            ?? providersNamed(byHost: String(decoding: bytes, as: UTF8.self).lowercased())
    }

    /// `providersNamed(byDomain:)` of `Finalization.domainPart(of: address)`, 0 when that is empty: for
    /// an ASCII address read in its bytes, no String made for the domain (bsd.mbox x3: 834 addresses,
    /// `domainPart` 0.36M and the domain's String read again).
    static func providersNamed(byDomainOf address: String) -> UInt64 {
        var address = address
        let inPlace = address.withUTF8 { bytes -> UInt64? in
            guard ASCII.isASCII(bytes) else { return nil }
            let domain = Finalization.domainRange(inASCII: bytes)
            return domain.isEmpty ? 0 : providersNamed(asciiTail: UnsafeBufferPointer(rebasing: bytes[domain]), endsWithSuffix: false)
        }
        if let inPlace { return inPlace }
        let domain = Finalization.domainPart(of: address)
        return domain.isEmpty ? 0 : providersNamed(byDomain: domain)
    }

    /// The providers with a host suffix that ends with `domain`, lower-cased ("cox.net" names Cox by
    /// "smtp.cox.net"): for an ASCII domain compared by bytes, else by `hasSuffix`.
    static func providersNamed(byDomain domain: String) -> UInt64 {
        var domain = domain
        if let named = domain.withUTF8({ providersNamed(asciiTail: $0, endsWithSuffix: false) }) { return named }
        let lowercaseDomain = domain.lowercased()
        var named: UInt64 = 0
        for (suffix, i) in suffixes where suffix.hasSuffix(lowercaseDomain) { named |= 1 << UInt64(i) }
        return named
    }

    /// For ASCII `text` (a host name or a domain), the providers with a host suffix that `text`,
    /// lower-cased, ends with (`endsWithSuffix`) or that ends with `text`: the standard library's
    /// `hasSuffix` answer (a binary comparison for ASCII text), compared from the last byte back over
    /// one buffer of all suffixes, without a call per pair; nil for a text with a non-ASCII byte.
    private static func providersNamed(asciiTail text: UnsafeBufferPointer<UInt8>, endsWithSuffix: Bool) -> UInt64? {
        guard ASCII.isASCII(text) else { return nil }
        return suffixBytes.withUnsafeBufferPointer { all in
            var named: UInt64 = 0
            func compare(_ suffix: (start: Int, count: Int, provider: Int)) {
                // The shorter of the two must be the tail of the longer.
                let shared = endsWithSuffix ? suffix.count : text.count
                guard shared <= text.count, shared <= suffix.count else { return }
                if shared >= 8, let t = text.baseAddress, let s = all.baseAddress {
                    // Eight bytes at a time from the end, the first ones (overlapping the last word
                    // compared) last: most compares are of a name that ends with the suffix, byte by byte
                    // ~19 instructions a byte (bsd.mbox x3: 14,508 bytes).
                    let (textEnd, suffixEnd) = (text.count, suffix.start + suffix.count)
                    var k = 8
                    while true {
                        let a = ByteWord.lowercased(UnsafeRawPointer(t).loadUnaligned(fromByteOffset: textEnd &- k, as: UInt64.self))
                        guard a == UnsafeRawPointer(s).loadUnaligned(fromByteOffset: suffixEnd &- k, as: UInt64.self) else { return }
                        if k == shared { break }
                        k = min(k &+ 8, shared)
                    }
                    named |= 1 << UInt64(suffix.provider)
                    return
                }
                var k = 1
                while k <= shared, ASCII.lowercased(text[text.count - k]) == all[suffix.start + suffix.count - k] { k += 1 }
                if k > shared { named |= 1 << UInt64(suffix.provider) }
            }
            // A text of `tailBytes` bytes or more shares its last `tailBytes` with every suffix it can
            // match (both ways, a suffix too short to have them aside): only that bucket is compared,
            // not every suffix (each name in a diagnostic and each Received host is looked up here).
            guard let key = tailKey(text, folding: true) else {
                for suffix in suffixRanges { compare(suffix) }
                return named
            }
            for index in shortSuffixes { compare(suffixRanges[index]) }
            let bucket = Int(key)
            for index in suffixesByTail.entries[suffixesByTail.starts[bucket]..<suffixesByTail.starts[bucket + 1]] {
                compare(suffixRanges[index])
            }
            return named
        }
    }

    /// Bytes of a text's end that pick its bucket of suffixes.
    private static let tailBytes = 5
    /// Buckets of `suffixesByTail` (a power of two).
    private static let tailBuckets = 1024

    /// The bucket of the last `tailBytes` bytes of `bytes` (folded to lower case when `folding`), or
    /// nil when it is shorter.
    @inline(__always)
    private static func tailKey(_ bytes: UnsafeBufferPointer<UInt8>, folding: Bool) -> UInt32? {
        guard bytes.count >= tailBytes else { return nil }
        var hash: UInt32 = 2_166_136_261
        for k in (bytes.count - tailBytes)..<bytes.count {
            hash = (hash ^ UInt32(folding ? ASCII.lowercased(bytes[k]) : bytes[k])) &* 16_777_619
        }
        return hash & UInt32(tailBuckets - 1)
    }

    /// The indices (into `suffixRanges`) of the suffixes shorter than `tailBytes`: compared with every text.
    private static let shortSuffixes: [Int] = suffixRanges.indices.filter { suffixRanges[$0].count < tailBytes }

    /// The indices (into `suffixRanges`) of the other suffixes by the bucket of their last bytes:
    /// bucket b is `entries[starts[b]..<starts[b + 1]]`.
    private static let suffixesByTail: (entries: [Int], starts: [Int]) = {
        var byBucket = [[Int]](repeating: [], count: tailBuckets)
        suffixBytes.withUnsafeBufferPointer { all in
            for (index, suffix) in suffixRanges.enumerated() where suffix.count >= tailBytes {
                let bytes = UnsafeBufferPointer(rebasing: all[suffix.start..<(suffix.start + suffix.count)])
                byBucket[Int(tailKey(bytes, folding: false)!)].append(index)
            }
        }
        var entries: [Int] = []
        var starts = [0]
        for bucket in byBucket {
            entries += bucket
            starts.append(entries.count)
        }
        return (entries, starts)
    }()

    /// The bytes of every suffix of `suffixes`, one after another, and where each one is.
    static let suffixBytes: [UInt8] = suffixes.flatMap { Array($0.suffix.utf8) }
    static let suffixRanges: [(start: Int, count: Int, provider: Int)] = {
        var start = 0
        return suffixes.map { suffix, provider in
            defer { start += suffix.utf8.count }
            return (start, suffix.utf8.count, provider)
        }
    }()

    /// The indices into `suffixRanges` of each provider's host suffixes (`providers[i]`'s are
    /// `suffixesOfProvider[i]`: `suffixes` lists them provider by provider).
    static let suffixesOfProvider: [Range<Int>] = {
        var start = 0
        return providers.map { p in
            defer { start += p.hostSuffixes.count }
            return start..<(start + p.hostSuffixes.count)
        }
    }()

    /// Every provider's host suffixes with the provider's index in `providers` (fewer than 64 providers).
    private static let suffixes: [(suffix: String, provider: Int)] = {
        precondition(providers.count < 64, "the provider mask of `reason` holds 64 providers")
        return providers.enumerated().flatMap { i, p in p.hostSuffixes.map { ($0, i) } }
    }()

    /// The word sets of `providers` (one `PatternSet` of each provider's `words`, as literals, case-less,
    /// in `providers` order), with the options of the reason tables so that `DiagnosticWords`' group
    /// looks for them in the same pass.
    ///
    /// A phrase rule (`Provider.phraseReasons`) has a set for each phrase instead, so that the pass
    /// tells which of its phrases occur: `wordSetBits` says what each set stands for.
    /// A rule decided by its words (`Provider.decideByWords`) has a set for each word.
    static let wordSets: [PatternSet] = providers.flatMap { p -> [PatternSet] in
        p.phraseReasons == nil && p.decideByWords == nil ? [PatternSet.compiled(p.words.map(BytePattern.escaped))]
            : p.words.map { PatternSet.compiled([BytePattern.escaped($0)]) }
    }

    /// For each set of `wordSets`, its provider's bit (`1 << i` for `providers[i]`), for a phrase's set the phrase's bit (`1 << k` for phrase k of `phraseReasons`),
    /// and for a word of a rule decided by its words the word's bit (`1 << (ruleWordStarts[i] + k)`
    /// for its word k); 0 where none.
    static let wordSetBits: [(provider: UInt64, phrase: UInt64, ruleWord: UInt64)] = {
        var bits: [(provider: UInt64, phrase: UInt64, ruleWord: UInt64)] = []
        var phrase = 0
        for (i, p) in providers.enumerated() {
            if p.phraseReasons != nil {
                for _ in p.words {
                    bits.append((1 << UInt64(i), 1 << UInt64(phrase), 0))
                    phrase += 1
                }
            } else if p.decideByWords != nil {
                for k in p.words.indices { bits.append((1 << UInt64(i), 0, 1 << UInt64(ruleWordStarts[i] + k))) }
            } else {
                bits.append((1 << UInt64(i), 0, 0))
            }
        }
        return bits
    }()

    /// For `providers[i]` decided by its words, the bit of its first word in `ruleWords` (its words
    /// follow in order; at most 64 in all: `RemoteHostRulesTests` checks); 0 for the others.
    static let ruleWordStarts: [Int] = {
        var start = 0
        return providers.map { p in
            guard p.decideByWords != nil else { return 0 }
            defer { start += p.words.count }
            return start
        }
    }()

    /// The phrase rules' phrases' reasons, the providers' in `providers` order, each provider's in its
    /// own (at most 64: `RemoteHostRulesTests.phraseRulesFitTheMask` checks).
    static let phraseReasons: [Reason] = providers.flatMap { $0.phraseReasons ?? [] }

    /// For `providers[i]`, the bits of its phrases in `phraseReasons` (0 for a rule of its own): the
    /// lowest bit of a provider's that is found is its first phrase in the text. Read off `wordSetBits`,
    /// which numbers the phrases.
    static let phraseMasks: [UInt64] = providers.indices.map { i in
        wordSetBits.reduce(0) { mask, set in set.provider == 1 << UInt64(i) ? mask | set.phrase : mask }
    }

    /// The host suffixes of `providers` (one `PatternSet` of each provider's `hostSuffixes`, as literals,
    /// case-less, in `providers` order), found in the same pass: a host name in a diagnostic can name
    /// a provider only if the diagnostic holds one of its suffixes.
    static let suffixSets: [PatternSet] = providers.map { PatternSet.compiled($0.hostSuffixes.map(BytePattern.escaped)) }

    /// Whether `text` holds `lowercaseNeedle`, ASCII letters compared without case: in a text without
    /// U+0130 and U+212A, whether its lower case holds it.
    fileprivate static func containsCaseless(_ text: String, _ lowercaseNeedle: StaticString) -> Bool {
        var text = text
        return text.withUTF8 { bytes in lowercaseNeedle.withUTF8Buffer { ASCIICaseInsensitive.firstOffset(of: $0, in: bytes) != nil } }
    }

    /// The reason of the first of `table`'s phrases that `text` contains.
    fileprivate static func first(_ table: [(String, Reason)], in text: String) -> Reason? {
        for (phrase, reason) in table where text.contains(phrase) { return reason }
        return nil
    }

    /// Orange's numbers after LPN/OFR/OUK and their reasons (sisimai rhost-franceptt-*), `code` the
    /// number the three digits spell. A switch, not the `[String: Reason]` literal it was: making
    /// that dictionary at its first use made its type's metadata from its mangled name at run time
    /// (0.31M instructions on bsd.mbox, as much as its 42 lookups on bsd.mbox x3 cost many times over).
    static func franceTelecomReason(code: Int) -> Reason? {
        switch code {
        // 108: "Service refuse. Veuillez essayer plus tard. service refused, please try later" (sisimai rhost-franceptt-10).
        case 101, 102, 103, 108, 510, 999: return .blocked
        case 104: return .tooManyConn
        case 305, 402: return .securityError
        case 401, 517: return .authFailure
        case 403, 405, 415, 421: return .rejected
        case 416: return .userUnknown
        case 417: return .mailboxFull
        case 420, 426: return .suspend
        case 505: return .systemError
        case 506: return .spamDetected
        case 514: return .mesgTooBig
        case 630: return .policyViolation
        default: return nil
        }
    }

    /// `franceTelecomReason(code:)` of the three ASCII digits `a`, `b`, `c` (bytes), nil for any other bytes.
    @inline(__always)
    static func franceTelecomReason(digits a: UInt8, _ b: UInt8, _ c: UInt8) -> Reason? {
        guard ASCII.isDigit(a), ASCII.isDigit(b), ASCII.isDigit(c) else { return nil }
        return franceTelecomReason(code: Int(a &- 0x30) &* 100 &+ Int(b &- 0x30) &* 10 &+ Int(c &- 0x30))
    }

    /// FrancePTT's rule over the lower-cased diagnostic `text`: the reason of the code that ends the
    /// token from the last `lpn`, `ofr` or `ouk` (the first of the three the text holds) to the next
    /// space, `]` or `)`, else `.authFailure` for its SPF phrase. ASCII text is read as bytes, in place:
    /// the Character reading (`franceTelecomReasonByCharacters`) cost ~16,000 instructions a call
    /// (bsd.mbox x3: 42 calls, 0.69M).
    static func franceTelecomReason(_ text: String) -> Reason? {
        var text = text
        let inPlace = text.withUTF8 { bytes -> Reason?? in
            // Characters of ASCII text are its bytes (a CR LF pair is one, but neither byte is in a
            // label, a stop or a code): the same answer as the Character reading.
            guard ASCII.isASCII(bytes) else { return nil }
            return .some(franceTelecomCode(inASCII: bytes, labels: 0b111))
        }
        guard let inPlace else { return franceTelecomReasonByCharacters(text) }
        if let inPlace { return inPlace }
        return text.contains("spf/dns de votre nom de domaine") ? .authFailure : nil
    }

    /// `franceTelecomReason` of the lower-cased diagnostic, from its words found (bits 0-2: `lpn`, `ofr`,
    /// `ouk`; bit 3: the SPF phrase) and the diagnostic `text` as it is: an ASCII text's code read in
    /// place with the labels' letters compared without case (lower-casing changes no stop or
    /// digit), only for the labels it holds; another text lower-cased and read as before.
    static func franceTelecomReason(words: UInt64, _ text: String) -> Reason? {
        if words & 0b111 != 0 {
            var text = text
            let inPlace = text.withUTF8 { bytes -> Reason?? in
                guard ASCII.isASCII(bytes) else { return nil }
                return .some(franceTelecomCode(inASCII: bytes, labels: words & 0b111))
            }
            guard let inPlace else { return franceTelecomReason(text.lowercasedIfNeeded()) }
            if let inPlace { return inPlace }
        }
        return words & 0b1000 != 0 ? .authFailure : nil
    }

    /// The reason of the code that ends the token from the last `lpn`, `ofr` or `ouk` (the first of
    /// the three in `labels`, bits 0-2, that `bytes` holds, ASCII letters compared without case) to the
    /// next space, `]` or `)`, or nil.
    private static func franceTelecomCode(inASCII bytes: UnsafeBufferPointer<UInt8>, labels: UInt64) -> Reason? {
        guard let base = bytes.baseAddress else { return nil }
        let n = bytes.count
        // "lpnaaa" holds "lpn": a text with it has "lpn" and stops there. "_" (made "-" by the
        // Character reading) is no label byte, stop or digit: it changes nothing.
        for (k, label) in [(UInt8(ascii: "l"), UInt8(ascii: "p"), UInt8(ascii: "n")),
                           (UInt8(ascii: "o"), UInt8(ascii: "f"), UInt8(ascii: "r")),
                           (UInt8(ascii: "o"), UInt8(ascii: "u"), UInt8(ascii: "k"))].enumerated()
        where labels & (1 << UInt64(k)) != 0 {
            // The last occurrence (the labels cannot overlap themselves). A lower-case letter with
            // 0x20 set is itself or its upper case, nothing else.
            var start = n - 3
            while start >= 0,
                  !(base[start] | 0x20 == label.0 && base[start + 1] | 0x20 == label.1 && base[start + 2] | 0x20 == label.2) {
                start -= 1
            }
            guard start >= 0 else { continue }
            var end = start + 3
            while end < n, base[end] != 0x20, base[end] != UInt8(ascii: "]"), base[end] != UInt8(ascii: ")") { end += 1 }
            // The token holds the label: at least three bytes. The codes are three digits.
            if let reason = franceTelecomReason(digits: base[end - 3], base[end - 2], base[end - 1]) { return reason }
            break
        }
        return nil
    }

    /// `franceTelecomReason` read as Characters (for text that is not ASCII).
    static func franceTelecomReasonByCharacters(_ text: String) -> Reason? {
        let t = text.replacingAll("_", with: "-")
        for label in ["lpn", "lpnaaa", "ofr", "ouk"] {
            // A byte search first: a text without the label's bytes has no such Characters
            // either (lower-cased text holds no other form of these ASCII letters).
            guard t.contains(label), let r = t.lastRangeOf(label) else { continue }
            let token = t[r.lowerBound...].prefix { $0 != " " && $0 != "]" && $0 != ")" }
            // The token ends with a code when its last three Characters are three ASCII digits (a
            // Character with a mark on a digit is not that digit, as `hasSuffix` reads it).
            let last = Array(token.suffix(3))
            if last.count == 3, last.allSatisfy({ $0.isASCII && $0.utf8.count == 1 }),
               let reason = franceTelecomReason(digits: last[0].asciiValue ?? 0, last[1].asciiValue ?? 0, last[2].asciiValue ?? 0) {
                return reason
            }
            break
        }
        if text.contains("spf/dns de votre nom de domaine") { return .authFailure }
        return nil
    }

    static let providers: [Provider] = [
        // Orange / La Poste (sisimai rhost-franceptt-*): the number after LPN/OFR/OUK names the cause.
        Provider(name: "FrancePTT", hostSuffixes: [".laposte.net", ".orange.fr", ".wanadoo.fr"],
                 signature: try? BytePattern(#"\b(LPN|OFR|OUK)[A-Z0-9]*_\d{3}\b"#, options: [.caseless]),
                 signatureByte: UInt8(ascii: "_"),
                 // The labels below ("lpnaaa" holds "lpn"; "_" is no letter of theirs, so they occur
                 // in `t` only where they occur in the text), and the SPF phrase.
                 words: ["lpn", "ofr", "ouk", "spf/dns de votre nom de domaine"],
                 decide: { text, _, _ in franceTelecomReason(text) },
                 decideByWords: { words, text, _, _ in franceTelecomReason(words: words, text) }),
        // Google Workspace (sisimai rhost-gsuite-*): DNS errors and "address couldn't be found".
        Provider(name: "GSuite", hostSuffixes: ["googlemail.com"],
                 signature: try? BytePattern(#"DNS type 'mx' lookup of|because the address couldn't be found\. Check for typos"#),
                 signatureByte: UInt8(ascii: "'"),
                 words: ["because the address couldn't be found. check for typos or unnecessary spaces", "null mx",
                         " responded with code nxdomain", "domain name not found", " had no relevant answers."],
                 decide: { text, status, reply in
                     let s = status?.statusClass, r = reply?.replyClass
                     if text.contains("because the address couldn't be found. check for typos or unnecessary spaces") { return .userUnknown }
                     if text.contains("null mx") { return .notAccept }
                     if text.contains(" responded with code nxdomain") || text.contains("domain name not found") {
                         if s == 5 && r == 5 { return .hostUnknown }
                         if s == 5 || r == 5 { return nil }
                         return .networkError
                     }
                     if text.contains(" had no relevant answers."), s != 5, r != 5 { return .networkError }
                     return nil
                 },
                 decideByWords: { words, _, status, reply in
                     let s = status?.statusClass, r = reply?.replyClass
                     if words & 1 != 0 { return .userUnknown }
                     if words & 2 != 0 { return .notAccept }
                     if words & 0b1100 != 0 {
                         if s == 5 && r == 5 { return .hostUnknown }
                         if s == 5 || r == 5 { return nil }
                         return .networkError
                     }
                     if words & 0b10000 != 0, s != 5, r != 5 { return .networkError }
                     return nil
                 }),
        // Microsoft 365 / Exchange Online (sisimai rhost-microsoft-*, lhost-office365-*): its extended codes.
        Provider(name: "Microsoft", hostSuffixes: [".prod.outlook.com", ".protection.outlook.com", ".onmicrosoft.com", ".exchangelabs.com"],
                 phrases: [
                     ("access denied, banned sending ip", .blocked), ("5.1.10 ", .userUnknown),
                     ("recipientnotfound", .userUnknown), ("5.1.351 ", .userUnknown),
                     ("5.4.312 message expired, dns query failed", .networkError), ("message expired", .expired),
                     ("does not pass dmarc verification", .authFailure), ("doesn't meet the required authentication level", .authFailure),
                     ("rate limited due to ip reputation", .badReputation), ("must have a reverse dns record", .blocked),
                     ("access denied, bad helo", .blocked), ("using customer block list", .blocked),
                     ("5.7.504 recipient address rejected: access denied", .suspend), ("access denied, banned recipient", .suspend),
                 ]),
        // Tencent QQ (sisimai rhost-tencent-*).
        Provider(name: "Tencent", hostSuffixes: [".qq.com"],
                 phrases: [("ip frequency limited", .tooManyConn), ("connection frequency limited", .tooManyConn),
                           ("domain frequency limited", .tooManyConn), ("dmarc check failed", .authFailure),
                           ("spf check failed", .authFailure), ("mailbox not found", .userUnknown),
                           ("mailbox unavailable or access denied", .suspend), ("ip is rejected", .blocked)]),
        // Broadcom MessageLabs (sisimai rhost-messagelabs-*).
        Provider(name: "MessageLabs", hostSuffixes: [".messagelabs.com"], signature: nil,
                 words: ["please turn on smtp authentication in your mail client", "no such user", "542 ",
                         "your email address has been blacklisted"],
                 decide: { text, _, _ in
                     if text.contains("please turn on smtp authentication in your mail client") { return .securityError }
                     if text.contains("no such user") || text.contains("542 ") && text.contains(" rejected") { return .userUnknown }
                     if text.contains("your email address has been blacklisted") { return .rejected }
                     return nil
                 },
                 decideByWords: { words, text, _, _ in
                     if words & 1 != 0 { return .securityError }
                     // " rejected", common in diagnostics, looked for only here (a set of the pass, it
                     // cost more than it saved).
                     if words & 2 != 0 || words & 4 != 0 && containsCaseless(text, " rejected") { return .userUnknown }
                     if words & 8 != 0 { return .rejected }
                     return nil
                 }),
        // Yahoo Inc. (sisimai rhost-yahooinc-*).
        Provider(name: "YahooInc", hostSuffixes: [".yahoodns.net"],
                 phrases: [("[tss04]", .rejected), ("[tss09]", .blocked), ("[tsss]", .blocked),
                           ("this user doesn't have a", .userUnknown), ("user doesn't have a yahoo", .userUnknown),
                           ("not accepted for policy reasons", .policyViolation)]),
        // NTT DOCOMO (sisimai rhost-nttdocomo-*): docomo answers "550 Unknown user" to refuse a sender.
        // With status 5.2.0 the same words mean the recipient's filter refused it (sisimai rhost-nttdocomo-01).
        Provider(name: "NTTDOCOMO", hostSuffixes: ["mfsmax.docomo.ne.jp"], signature: nil,
                 words: ["552 too much mail data", "550 unknown user"],
                 decide: { text, status, _ in
                     if text.contains("552 too much mail data") { return .mailboxFull }
                     if text.contains("550 unknown user") { return status?.subject == 2 ? .filtered : .rejected }
                     return nil
                 },
                 decideByWords: { words, _, status, _ in
                     if words & 1 != 0 { return .mailboxFull }
                     if words & 2 != 0 { return status?.subject == 2 ? .filtered : .rejected }
                     return nil
                 }),
        // Facebook (sisimai rhost-facebook-*): "RCP-P2 ... Refused due to recipient preferences".
        Provider(name: "Facebook", hostSuffixes: [".facebook.com"],
                 phrases: [("rcp-p2", .filtered), ("refused due to recipient preferences", .filtered), ("rcp-p1", .userUnknown),
                           ("rcp-p3", .userUnknown), ("rcp-p4", .suspend)]),
        // Mimecast (sisimai rhost-mimecast-*).
        Provider(name: "Mimecast", hostSuffixes: [".mimecast.com"],
                 phrases: [("host network not allowed", .policyViolation), ("mcspamsignature", .virusDetected),
                           ("virus signature", .virusDetected), ("envelope rejected", .rejected)]),
        // Cox (sisimai rhost-cox-*): "sender rejected" is an IP block at Cox.
        Provider(name: "Cox", hostSuffixes: ["cox.net"],
                 phrases: [("sender rejected", .blocked), ("recipient rejected", .userUnknown), ("too many recipients", .tooManyConn)]),
        // GoDaddy (sisimai rhost-godaddy-*): "IBnnn" codes.
        Provider(name: "GoDaddy", hostSuffixes: ["smtp.secureserver.net", "mailstore1.secureserver.net"],
                 phrases: [("has sent to too many recipients this hour", .speeding), ("ib607", .speeding),
                           ("spamhaus.org", .blocked), ("ib506", .rejected), ("ib508", .rejected)]),
        // Spectrum/Charter (sisimai rhost-spectrum-*): "AUP#In-1310" and friends.
        Provider(name: "Spectrum", hostSuffixes: ["charter.net"],
                 phrases: [("aup#in-1310", .tooManyConn), ("aup#cxcnt", .tooManyConn), ("aup#cxrcp", .tooManyConn),
                           ("aup#in-1000", .blocked), ("aup#cxblk", .blocked)]),
        // KDDI au (ezweb.ne.jp): "550 <...>: User unknown" without a useful code (sisimai rfc3464-58,
        // rhost-gsuite-09, lhost-messagingserver-09, lhost-yahoo-07).
        // "550 : User unknown" with no address is KDDI's content filter (sisimai rhost-kddi-01).
        Provider(name: "KDDI", hostSuffixes: [".ezweb.ne.jp", "msmx.au.com"],
                 phrases: [("550 : user unknown", .filtered), ("550: : user unknown", .filtered), ("user unknown", .userUnknown),
                           ("mailbox full", .mailboxFull), ("quota exceeded", .mailboxFull)]),
        // Outlook.com / Hotmail (sisimai rhost-outlook-*, lhost-outlook-08).
        Provider(name: "Outlook", hostSuffixes: [".hotmail.com"],
                 phrases: [("requested action not taken: mailbox unavailable", .userUnknown), ("mailbox is full", .mailboxFull),
                           ("is over quota", .mailboxFull)]),
        // AOL (sisimai rhost-aol-*).
        Provider(name: "Aol", hostSuffixes: [".mail.aol.com", ".mx.aol.com"],
                 phrases: [("malformed or unexpected name server reply", .notAccept)]),
    ]
}

extension RemoteHostRules.Provider {
    /// A provider without a signature whose rule is the reason of the first of `phrases` the
    /// diagnostic contains (its `words` are the phrases).
    init(name: String, hostSuffixes: [String], phrases: [(String, Reason)]) {
        self.init(name: name, hostSuffixes: hostSuffixes, signature: nil, words: phrases.map(\.0),
                  decide: { text, _, _ in RemoteHostRules.first(phrases, in: text) }, phraseReasons: phrases.map(\.1))
    }
}

extension String {
    /// The last occurrence of `needle`.
    func lastRangeOf(_ needle: String) -> Range<String.Index>? {
        var found: Range<String.Index>? = nil
        var rest = self[...]
        while let r = rest.firstRange(of: needle) { found = r; rest = rest[r.upperBound...] }
        return found
    }
}
