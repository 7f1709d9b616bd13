#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DeliveryStatus
import MailParsing

/// A site profile inferred from the stream itself (zero-config), with what was inferred and why.
public struct InferredProfile: Sendable {
    /// The inferred profile, printable as TOML with `SiteProfile.tomlText()`.
    public var profile: SiteProfile
    /// Domains the site signs its mail with (DKIM `d=` seen on its own originals); no key is known.
    public var dkimDomains: [String]
    /// When BATV signing appears to have begun (seconds since 1970 UTC), nil when not seen; no key is known.
    public var batvSince: Double?
    /// Local parts that received ordinary mail or bounces of our own mail: they exist.
    public var knownLocalParts: Set<String>
    /// How many times the stream showed one of `knownLocalParts` receiving mail (each ordinary message,
    /// each bounce of our own mail), and how many of them it showed only once: how complete the census
    /// of mailboxes is (`absentMailboxWeight`).
    public var mailboxSightings: Int = 0, mailboxesSeenOnce: Int = 0
    /// One line per inferred fact: what and from how many messages.
    public var facts: [String]

    /// The knowledge the classifier uses.
    public var knowledge: SiteKnowledge {
        SiteKnowledge(profile, inferred: true, unkeyedDKIMDomains: Set(dkimDomains), batvSinceUnkeyed: batvSince,
                      knownLocalParts: knownLocalParts, absentMailboxWeight: absentMailboxWeight)
    }

    /// What a victim's absence from `knownLocalParts` weighs (`recipient-unknown-here`): the mailboxes
    /// are a census of the stream, as complete as the stream is long. Good-Turing's estimate of the
    /// share of mail that goes to a mailbox not yet seen is the share of sightings whose mailbox was seen
    /// only once (`mailboxesSeenOnce / mailboxSightings`): a real mailbox is missing from the census that
    /// often, a made-up one always, so absence is worth the log of the inverse in log-odds, at most the
    /// signal's weight (4.0: none seen once). A bounce-only mailbox of ten notices, four of them ours to
    /// four people, is no census (0); backscatter-dev's 3,922 messages to 54 mailboxes are (4.0).
    public var absentMailboxWeight: Double {
        let full = Signal.recipientUnknownHere.weight
        guard mailboxSightings > 0 else { return 0 }
        guard mailboxesSeenOnce > 0 else { return full }
        // In tenths, as the other weights are written.
        return min(full, (log(Double(mailboxSightings) / Double(mailboxesSeenOnce)) * 10).rounded(.down) / 10)
    }

    /// The profile as TOML to edit and pass back with `--profile`, the inferred facts as comments above it.
    public var tomlText: String {
        var text = "# Inferred by backscatter from the mail itself; check it, add what it could not know\n"
        text += "# (users, the DKIM public key, the BATV key, the sent log), then pass it with --profile.\n"
        for fact in facts { text += "#   \(Self.commentText(fact))\n" }
        for domain in dkimDomains {
            text += "# DKIM: the site signs as d=\(Self.commentText(domain)); add its [[dkim]] public key to check signatures.\n"
        }
        return text + "\n" + profile.tomlText()
    }

    /// `text` safe inside a TOML comment: each control character (a line end would end the comment and
    /// make the rest of the fact a line of TOML; the facts quote the mail) a space.
    static func commentText(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    /// The facts as printable lines.
    public var description: String {
        "Inferred from the stream (no profile given):\n" + facts.map { "  - " + $0 }.joined(separator: "\n")
    }
}

/// Infers a site profile from the notes of a scan: the site's domains (where bounces and ordinary mail
/// are delivered), its outbound relays by IP (the hosts that hand the returned originals over, named
/// under the site's domains), its Message-ID shape, and whether it signs with DKIM or BATV.
public enum ProfileInference {
    /// Reads mailboxes, folders or message files and infers a profile from them (`backscatter profile infer`).
    /// - Throws: `MailboxError` when an input cannot be read.
    public static func infer(paths: [String]) throws -> InferredProfile {
        let analyzer = BounceAnalyzer()
        let reader = ObservationReader()
        let notes = SpillStore<ClassifierNote>(memoryLimit: ScanOptions().spillThreshold)
        for path in paths {
            var mailbox = try MailboxReader(path: path)
            while let entry = try mailbox.next() {
                let parsed = ParsedMessage(parsing: entry.bytes)
                notes.append(ClassifierNote.read(parsed, report: analyzer.analyze(parsed), reader: reader))
            }
        }
        return infer(notes.values())
    }

    /// At most this many distinct domains, Message-ID shapes and local parts are counted; past it, new
    /// ones are not (relay IPs: `maxRelays`, DKIM domains: 1 000). Default: 100 000.
    public static let maxKeys = 100_000
    /// The most relays inference names (the first pass counts at most this many IPs too).
    public static let maxRelays = 1_000

    /// Infers a profile from every message's note.
    /// - Parameter notes: every message's note; read three times, four when no relay is named under
    ///   the site's domains (each step needs the previous one's result), and never held.
    /// - Complexity: O(notes), memory bounded by the capped count maps (`maxKeys` each).
    public static func infer(_ notes: some Sequence<ClassifierNote>) -> InferredProfile {
        var facts: [String] = []
        // 1. Domains: where bounces and ordinary mail are delivered.
        // Each domain numbered and counted (its first spelling), at most `maxKeys` of them; an ASCII one
        // seen before found by its bytes (`CountedNames.cachedPlace`), so that a run's domain is made a
        // String and looked up in the map only when first seen (sisimai bsd x3: 1,098 runs, each a String
        // made and hashed, ~700 instructions).
        var domainCounts = CountedNames()
        var total = 0
        func domain(_ address: String) -> String? { address.after(lastASCII: ASCII.at).map(String.init) }
        // Consecutive messages mostly go to one domain: a run of it is counted here and added to its
        // count once, not looked up for each message (backscatter-dev zero-config: 567 runs in ~4,900
        // messages; `infer` 16.50M -> 13.22M with the byte test of the third pass).
        var runDomain = ""
        var runPlace = -1
        var runCount = 0
        for note in notes {
            // Through the box: `note.observation` would copy the whole observation out of it.
            let address = note.observationBox?.observation.victim ?? note.deliveredTo
            guard let address else { continue }
            // The run's domain tested on the bytes (~250 instructions; the Substring, its `==` and the
            // index ~450); when they cannot tell (nil), `==` does.
            let same = runCount > 0 ? Self.domain(of: address, is: runDomain) : false
            if same == true { total += 1; runCount += 1; continue }
            // The domain `d`, the text after the last `@`, is a place found by its bytes (those after the
            // last `@` byte, where `after(lastASCII:)` splits too) when seen before; `d` is made a
            // Substring only where it is needed (its index and Substring cost ~190 instructions a run).
            // (Read here, not in a local function: the cache captured by one was checked for exclusive
            // access on every call.)
            var cached: Int? = nil
            if let read = address.utf8.withContiguousStorageIfAvailable({ bytes -> (hasAt: Bool, place: Int?) in
                guard let at = ASCIIText.lastOffset(of: ASCII.at, in: bytes) else { return (false, nil) }
                return (true, domainCounts.cachedPlace(ofBytes: UnsafeBufferPointer(rebasing: bytes[(at + 1)...])))
            }) {
                guard read.hasAt else { continue }
                cached = read.place
            } else {
                guard address.lastIndex(ofASCII: ASCII.at) != nil else { continue }
            }
            total += 1
            if same == nil, let d = address.after(lastASCII: ASCII.at), runDomain == d { runCount += 1; continue }
            if runCount > 0, runPlace >= 0 { domainCounts.add(runCount, at: runPlace) }
            // The run's place: the cache's, else numbered when new while there are fewer than `maxKeys`;
            // -1 without room.
            if let cached {
                runPlace = cached
            } else {
                let name = address.after(lastASCII: ASCII.at).map(String.init) ?? ""
                runPlace = domainCounts.number(name, limit: Self.maxKeys)?.place ?? -1
            }
            // The run's domain: its first spelling (canonically equal to `d`, so the tests above answer
            // for it as for `d`).
            runDomain = runPlace >= 0 ? domainCounts.names[runPlace] : address.after(lastASCII: ASCII.at).map(String.init) ?? ""
            runCount = 1
        }
        if runCount > 0, runPlace >= 0 { domainCounts.add(runCount, at: runPlace) }
        // Only names a profile can hold (`SiteProfile.domainName`): a mutated Delivered-To's domain is not one.
        let domains = domainCounts.names.indices.filter { domainCounts.counts[$0] >= max(3, total / 20) }.map { domainCounts.names[$0] }
            .filter { SiteProfile.domainName($0) != nil }.sorted()
        var profile = SiteProfile()
        profile.site.domains = domains
        if !domains.isEmpty { facts.append("domains \(domains.joined(separator: ", ")): where \(total) messages were delivered") }
        // Each domain with a dot in front, made once (`"." + domain` in the test made a String per call).
        let dottedDomains = domains.map { "." + $0 }
        // All ASCII (as domains are): an ASCII name is tested on the bytes.
        let asciiDomains = domains.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
        func isOurs(_ name: String) -> Bool {
            if asciiDomains, let ours = isASCIIName(name, underDotted: dottedDomains) { return ours }
            return isName(name, under: domains, dotted: dottedDomains)
        }

        // 2. Relays: the IP the receiving server recorded for the host that handed over a returned
        //    original, when that host's reverse DNS (looked up by the receiver, not chosen by the sender)
        //    is under one of our domains. Seen once is enough: a sender cannot choose the name, and a
        //    small mailbox shows a second relay once or not at all (needing two sightings, a mailbox of
        //    20 messages whose one bounce came through mx-out2 called that bounce's greeting forged and
        //    its Message-ID foreign: backscatter-dev, 60 random mailboxes of 5-160 messages, 12 real
        //    bounces judged backscatter against 5).
        var relayCounts: [String: (name: String, count: Int)] = [:]
        for note in notes {
            // The IP as text (made from the parsed address on each read) only for a host of ours.
            guard let box = note.observationBox, let hop = topPublicHop(box), let name = hop.reverseName,
                  isOurs(name), let ip = hop.ip else { continue }
            if relayCounts.count < Self.maxRelays { relayCounts[ip, default: (name, 0)].count += 1 } else { relayCounts[ip]?.count += 1 }
        }
        var relays: [(key: String, value: (name: String, count: Int))] = relayCounts.sorted { $0.key < $1.key }
        // Without a relay named ours seen twice, a hosted one may be all there is.
        if !relays.contains(where: { $0.value.count >= 2 }) {
            // Fallback for relays named outside our domains (a hosted outbound service): an IP that hands
            // over originals from us (From at a site domain) to at least 3 different bouncing servers,
            // with at least 3 different subjects. A spam run sent from one host repeats one subject;
            // botnets spread over many IPs; our relays carry everything we send.
            var seen: [String: RelayCandidate] = [:]
            for note in notes {
                // Read through the box, as in the first pass.
                guard let box = note.observationBox, let from = box.observation.original?.from,
                      let d = domain(from), isOurs(d), let hop = topPublicHop(box), let ip = hop.ip else { continue }
                if seen[ip] == nil, seen.count >= maxKeys { continue }
                var entry = seen[ip] ?? RelayCandidate(name: hop.reverseName)
                entry.count += 1
                if entry.reflectors.count < 16 {
                    entry.reflectors.insert(box.observation.reportingMTA ?? box.observation.connectingHost ?? box.observation.connectingIP ?? "?")
                }
                if let key = box.observation.original?.subjectKey, entry.subjects.count < 16 { entry.subjects.insert(key) }
                seen[ip] = entry
            }
            let named = Set(relays.map(\.key))
            for (ip, candidate) in seen where candidate.reflectors.count >= 3 && candidate.subjects.count >= 3 && !named.contains(ip) {
                relays.append((key: ip, value: (name: candidate.name ?? ip, count: candidate.count)))
            }
            relays.sort { $0.key < $1.key }
            // At most `maxRelays`, the busiest: a site has a few relays, and every message's relay test
            // reads them all (a hostile stream could make up to `maxKeys` of them).
            if relays.count > Self.maxRelays {
                relays = Array(relays.sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.key < $1.key }
                    .prefix(Self.maxRelays)).sorted { $0.key < $1.key }
            }
        }
        for (ip, value) in relays {
            if let network = try? IPNetwork(parsing: ip) { profile.relays.networks.insert(network) }
            if value.name != ip, !profile.relays.hosts.contains(value.name), SiteProfile.domainName(value.name) != nil {
                profile.relays.hosts.append(value.name)
            }
            facts.append("relay \(value.name) [\(ip)]: handed over \(value.count) returned originals")
        }
        // The relays' addresses, for the third pass to test a hop's address without making its text: an
        // address's text (`description`) is canonical, one text for one address, and read back it is the
        // address, so an address is one of these exactly when its text is a relay's (its text made and
        // looked up among the relays' texts was ~850 instructions a note: sisimai bsd x3, 702 notes);
        // searched by halves, not hashed (`IPAddressList`).
        let relayAddresses = IPAddressList(relays.compactMap { IPAddress($0.key) })

        // 3. What our own originals look like: Message-ID shape and domain, DKIM domains, BATV tags.
        // Message-ID shapes and domains counted by `CountedNames`, an ASCII id's found by the bytes of
        // its shape (`ObservationReader.writeIDShape`), made a String only when first seen: each made
        // and hashed into a `[String: Int]` cost ~1,500 instructions an id (sisimai bsd x3, 285 ids).
        var shapeCounts = CountedNames(capacity: 64)
        var idDomainCounts = CountedNames(capacity: 64)
        var dkim: [String: Int] = [:]
        var own = 0
        var batvSince: Double?
        var tagged = 0
        // Each mailbox with how many times the stream showed it receiving mail (`absentMailboxWeight`).
        var knownLocals: [String: Int] = [:]
        func know(_ local: Substring) {
            let name = String(local)
            if knownLocals.count < maxKeys || knownLocals[name] != nil { knownLocals[name, default: 0] += 1 }
        }
        for note in notes {
            // The domain tested on the address's bytes; a String made of it (~200 instructions) or a
            // Substring and its `==` (~450) only when the bytes cannot tell.
            if let address = note.deliveredTo, domains.contains(where: { domain in
                Self.domain(of: address, is: domain) ?? address.after(lastASCII: ASCII.at).map { domain == $0 } ?? false
            }), let at = address.lastIndex(ofASCII: ASCII.at) {
                // Mail to a BATV-tagged address (a reply to our envelope sender) names the mailbox
                // under its tag (backscatter-dev 3541's X-Original-To, `prvs=3476143005=plindqvist`,
                // was counted as a mailbox of its own).
                if ObservationReader.mayHoldTag(address), let tagged = BATVAddress(parsing: address) {
                    know(Substring(tagged.localPart))
                } else {
                    know(address[..<at])
                }
            }
            // The relay test through the box, and the facts of an original that passed our relays read
            // there too: the observation and its original copied out were ~700 instructions a note with
            // their destroy, through the runtime's generic Optional witnesses (sisimai bsd x3, 306 notes).
            guard let box = note.observationBox, let address = topPublicAddress(box), relayAddresses.contains(address),
                  box.observation.original?.presence != nil else { continue }
            own += 1
            if let victim = box.observation.victim, let at = victim.lastIndex(ofASCII: ASCII.at) { know(victim[..<at]) }
            if let text = box.observation.original?.messageIDText, let bracketed = box.observation.original?.messageIDIsBracketed {
                // The shape made here (`OriginalFacts.messageIDShape`), for these originals only; an
                // ASCII id's shape, and its domain lower-cased after it, written into one buffer (the id
                // read where the facts hold it: `OriginalFacts.messageIDText`).
                let counted = OriginalFacts.withIDBytes(of: text, bracketed: bracketed) { bytes -> Bool in
                    guard ASCII.isASCII(bytes) else { return false }
                    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ObservationReader.idShapeCapacity(bytes.count)) { out in
                        let (n, domainStart) = ObservationReader.writeIDShape(asciiBytes: bytes, into: out)
                        if shapeCounts.count < maxKeys { shapeCounts.add(asciiBytes: UnsafeBufferPointer(rebasing: out[..<n]), limit: maxKeys) }
                        if let domainStart {
                            idDomainCounts.add(asciiBytes: UnsafeBufferPointer(rebasing: out[domainStart..<n]), limit: maxKeys)
                        }
                        return true
                    }
                }
                if !counted {
                    let id = box.observation.original?.messageID ?? ""
                    if shapeCounts.count < maxKeys { shapeCounts.add(ObservationReader.idShape(id), limit: maxKeys) }
                    if let d = domain(id)?.lowercased() { idDomainCounts.add(d, limit: maxKeys) }
                }
            }
            // A Set of the domains made only for an original with signatures (most have none).
            if let findings = box.observation.original?.dkim, !findings.isEmpty {
                for d in Set(findings.map(\.domain)) where dkim.count < 1000 { dkim[d, default: 0] += 1 }
            }
            if let written = box.observation.victimAsWritten, ObservationReader.mayHoldTag(written), BATVAddress(parsing: written) != nil {
                tagged += 1
                let t = Double(box.observation.original?.date ?? box.observation.arrival ?? 0)
                if t > 0 { batvSince = min(batvSince ?? t, t) }
            }
        }
        if own > 0 {
            // Only names a profile can hold (`SiteProfile.domainName`): a Message-ID's right-hand side
            // may be anything (`outputs.py` seed 799: `examcontent-type:multipart/mixed;boundary="n0"`,
            // which `profile infer` wrote and `profile check` refused).
            // A domain is ours when a fifth of these ids have it, or when it is the name of a relay of
            // ours (a relay writes ids at its own name, Postfix's `myhostname`): a small mailbox shows a
            // second relay once, and a fifth left its ids out of the format (backscatter-dev, a mailbox
            // of 40 with six originals through mx-out1 and one through mx-out2: automatic replies to
            // mx-out2's ids were `reply-to-foreign-id`).
            let relayNames = Set(relays.map(\.value.name))
            let common = idDomainCounts.names.indices.filter { idDomainCounts.counts[$0] * 5 >= own || relayNames.contains(idDomainCounts.names[$0]) }
                .map { idDomainCounts.names[$0] }.filter { SiteProfile.domainName($0) != nil }.sorted()
            profile.messageID.domains = common
            let shapes = Dictionary(uniqueKeysWithValues: zip(shapeCounts.names, shapeCounts.counts))
            if let (pattern, count) = pattern(forShapes: shapes, domains: common), count * 2 >= own {
                profile.messageID.pattern = pattern
                facts.append("Message-ID format \(pattern): \(count) of \(own) originals that passed our relays")
            } else if !common.isEmpty {
                facts.append("Message-ID domains \(common.joined(separator: ", ")): of \(own) originals that passed our relays")
            }
        }
        let dkimDomains = dkim.filter { $0.value * 2 >= own && own > 0 && SiteProfile.domainName($0.key) != nil }.map(\.key).sorted()
        if !dkimDomains.isEmpty { facts.append("DKIM signing as \(dkimDomains.joined(separator: ", ")) (no key known: signatures are not checked)") }
        if tagged >= 3, let since = batvSince {
            var batv = SiteProfile.BATV()
            batv.since = since
            batv.sinceText = MailDate(secondsSince1970: Int64(since), utcOffsetMinutes: 0).iso8601
            profile.batv = batv
            facts.append("BATV signing since about \(batv.sinceText ?? "?"): \(tagged) bounces of our mail carried tags (no key known: add it under [batv] keys)")
        } else {
            batvSince = nil
        }
        let sightings = knownLocals.values.reduce(0, +), seenOnce = knownLocals.values.filter { $0 == 1 }.count
        if !knownLocals.isEmpty {
            facts.append("\(knownLocals.count) mailboxes exist (they received ordinary mail or bounces of our own mail: "
                         + "\(sightings) messages; \(seenOnce) of the mailboxes seen only once)")
        }
        if facts.isEmpty { facts.append("nothing: too few messages to learn from") }
        return InferredProfile(profile: profile, dkimDomains: dkimDomains, batvSince: batvSince,
                               knownLocalParts: Set(knownLocals.keys), mailboxSightings: sightings, mailboxesSeenOnce: seenOnce,
                               facts: facts)
    }

    /// Whether the text after the last `@` of `address` is `domain` (which holds no `@`), decided on the
    /// UTF-8 bytes: true when they are the same, false when they differ and both are ASCII or the
    /// address has no `@`; nil when only `==` can tell (canonically equal text can differ in bytes).
    static func domain(of address: String, is domain: String) -> Bool? {
        address.utf8.withContiguousStorageIfAvailable { a -> Bool? in
            domain.utf8.withContiguousStorageIfAvailable { d -> Bool? in
                // From the end: the domain's bytes, then the `@` in front of them.
                var i = a.count, k = d.count
                while k > 0, i > 0, a[i - 1] == d[k - 1] { i -= 1; k -= 1 }
                if k == 0, i > 0, a[i - 1] == ASCII.at { return true }
                // They differ: as text too when the address's domain and `domain` are ASCII.
                var high: UInt8 = 0
                for byte in d { high |= byte }
                i = a.count
                while i > 0, a[i - 1] != ASCII.at { i -= 1; high |= a[i] }
                guard i > 0 else { return false }
                return high < 0x80 ? false : nil
            } ?? nil
        } ?? nil
    }

    /// The newest Received hop of a note's original with a public IP that is no mail fetcher's
    /// (`topPublicIndex`): the host that handed it over, as the server it was handed to recorded it.
    /// Read in place (passing the original would copy it, and each of its fields' references, for every
    /// note).
    static func topPublicHop(_ box: ClassifierNote.Box) -> ReceivedHop? {
        guard let top = box.observation.original?.hops.topPublicIndex else { return nil }
        return box.observation.original?.hops[top]
    }

    /// The address of `topPublicHop`, read in place (the hop is not copied out).
    static func topPublicAddress(_ box: ClassifierNote.Box) -> IPAddress? {
        guard let top = box.observation.original?.hops.topPublicIndex else { return nil }
        return box.observation.original?.hops[top].address
    }

    /// Whether `name` is one of `domains` or a name under one (`dotted`: each with a dot in front).
    static func isName(_ name: String, under domains: [String], dotted: [String]) -> Bool {
        for k in domains.indices where name == domains[k] || name.hasSuffix(dotted[k]) { return true }
        return false
    }

    /// `isName(_:under:dotted:)` of an ASCII name and ASCII domains (`dotted`: each with a dot in front),
    /// on the bytes; nil when the name is not ASCII. For ASCII text `==` is the bytes' equality, and a
    /// suffix that starts with a dot starts a Character, so `hasSuffix` is the bytes' suffix. (As
    /// Strings, ~860 instructions a name over three domains: sisimai bsd x3, 444 names.)
    static func isASCIIName(_ name: String, underDotted dotted: [String]) -> Bool? {
        name.utf8.withContiguousStorageIfAvailable { n -> Bool? in
            guard ASCII.isASCII(n) else { return nil }
            for domain in dotted {
                let under = domain.utf8.withContiguousStorageIfAvailable { d -> Bool in
                    // The name's last `d.count - 1` bytes are the domain's, and the name ends there or
                    // has a dot before them.
                    let m = d.count - 1
                    guard m >= 0, n.count >= m else { return false }
                    let start = n.count - m
                    for k in 0..<m where n[start + k] != d[k + 1] { return false }
                    return start == 0 || n[start - 1] == ASCII.dot
                }
                guard let under else { return nil }
                if under { return true }
            }
            return false
        } ?? nil
    }

    /// One pattern covering the commonest layout of the local parts (shapes that differ only in the class
    /// of a run, `9.9` and `9.x`, share a layout) at the given domains; nil without a layout.
    /// - Returns: the pattern and how many Message-IDs have that layout.
    static func pattern(forShapes shapes: [String: Int], domains: [String]) -> (String, Int)? {
        guard let (layout, count, members) = commonestLayout(forShapes: shapes, domains: domains) else { return nil }
        var out = "^"
        for (i, c) in layout.enumerated() {
            guard c == "x" else { out += c.isLetter || c.isNumber ? String(c) : "\\" + String(c); continue }
            // The classes the members have here, as bits (1 `9`, 2 `A`, 4 `a`, 8 any other): a Set of
            // Characters compared with Set literals cost ~20,000 instructions a place (sisimai bsd x3:
            // 0.31M for 15 Set literals).
            var classes: UInt8 = 0
            for member in members where i < member.count {
                switch member[i] {
                case "9": classes |= 1
                case "A": classes |= 2
                case "a": classes |= 4
                default: classes |= 8
                }
            }
            out += classes == 1 ? "\\d+" : classes == 2 ? "[A-Z]+" : classes == 4 ? "[a-z]+"
                : classes & ~3 == 0 ? "[0-9A-Z]+" : "[A-Za-z0-9]+"
        }
        return (out + domainPattern(domains), count)
    }

    /// The commonest layout of the local parts of `shapes` at `domains` (`x` for each class run, the
    /// punctuation kept; ties to the layout first in order), how many Message-IDs have it, and its
    /// shapes' local parts, as Characters; nil without one (no domain, no shape at them).
    static func commonestLayout(forShapes shapes: [String: Int], domains: [String])
        -> (layout: String, count: Int, members: [[Character]])? {
        guard !domains.isEmpty else { return nil }
        var layouts: [String: (count: Int, members: [String])] = [:]
        for (shape, count) in shapes {
            guard let at = shape.lastIndex(ofASCII: ASCII.at), domains.contains(String(shape[shape.utf8.index(after: at)...])) else { continue }
            let local = String(shape[..<at])
            let layout = String(local.map { "9Aax".contains($0) ? "x" : $0 })
            layouts[layout, default: (0, [])].count += count
            layouts[layout, default: (0, [])].members.append(local)
        }
        guard let (layout, value) = layouts.max(by: { $0.value.count != $1.value.count ? $0.value.count < $1.value.count : $0.key > $1.key }) else { return nil }
        return (layout, value.count, value.members.map(Array.init))
    }

    /// `@` and `domains` as a pattern's end: the one domain, or an alternation of them, escaped.
    static func domainPattern(_ domains: [String]) -> String {
        let escaped = domains.map { $0.map { $0.isLetter || $0.isNumber ? String($0) : "\\" + String($0) }.joined() }
        return "@" + (escaped.count == 1 ? escaped[0] : "(?:" + escaped.joined(separator: "|") + ")") + "$"
    }

    /// A PCRE2 pattern for a Message-ID shape (`ObservationReader.idShape`): `9` digits, `A` upper,
    /// `a` lower, `x` mixed letters and digits, punctuation and domain literal.
    static func pattern(forShape shape: String) -> String {
        var out = "^"
        var inDomain = false
        for c in shape {
            if inDomain {
                out += c.isLetter || c.isNumber ? String(c) : "\\" + String(c)
                continue
            }
            switch c {
            case "9": out += "\\d+"
            case "A": out += "[A-Z]+"
            case "a": out += "[a-z]+"
            case "x": out += "[A-Za-z0-9]+"
            case "@": out += "@"; inDomain = true
            default: out += c.isLetter || c.isNumber ? String(c) : "\\" + String(c)
            }
        }
        return out + "$"
    }
}

/// An IP that handed over originals from our domains (the relay inference's fallback).
private struct RelayCandidate {
    var name: String?
    var count = 0
    var reflectors = Set<String>()
    var subjects = Set<UInt64>()
}
