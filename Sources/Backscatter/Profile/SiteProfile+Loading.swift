import BytePatterns
import FoundationEssentials
import MailParsing

extension SiteProfile {
    /// `text` as a profile holds a domain name (its `site.domains`, `relays.hosts`, `message_id.domains`
    /// and DKIM domains): lower-cased, without blanks around it or a trailing dot; nil unless it is
    /// letters, digits, `-`, `_`, bytes past ASCII and dots between them. Profile inference keeps only
    /// names this takes, so that `profile check` reads back what `profile infer` wrote.
    public static func domainName(_ text: String) -> String? {
        var d = String(text.trimmedSlice).lowercased()
        if d.hasSuffix(".") { d.removeLast() }
        let ok = !d.isEmpty && d.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x2E || b == 0x5F || b >= 0x80
        } && !d.hasPrefix(".") && !d.contains("..")
        return ok ? d : nil
    }

    /// Loads a profile file; relative paths inside it (`users_file`, `sent_log.path`) resolve against its folder.
    /// - Parameter path: the TOML file.
    /// - Throws: `ProfileError` naming the file, the key path, the line and why.
    public static func load(path: String) throws(ProfileError) -> SiteProfile {
        let bytes: [UInt8]
        do {
            bytes = try POSIXFiles.readWholeFile(path)
        } catch {
            throw ProfileError(file: path, reason: "cannot read the profile file")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(bytes: bytes, file: path, baseDirectory: folder)
    }

    /// Parses profile text.
    /// - Parameters:
    ///   - text: the TOML text.
    ///   - file: the name used in errors and warnings.
    ///   - baseDirectory: the folder relative paths resolve against; the current directory when nil.
    /// - Throws: `ProfileError` naming the file, the key path, the line and why.
    public static func parse(_ text: String, file: String = "<profile>",
                             baseDirectory: String? = nil) throws(ProfileError) -> SiteProfile {
        try parse(bytes: Array(text.utf8), file: file, baseDirectory: baseDirectory)
    }

    static func parse(bytes: [UInt8], file: String, baseDirectory: String?) throws(ProfileError) -> SiteProfile {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(bytes: bytes)
        } catch {
            throw ProfileError(file: file, line: error.line, column: error.column, reason: error.reason)
        }
        var reader = ProfileReader(file: file, baseDirectory: baseDirectory)
        let profile = try reader.read(root)
        return profile
    }
}

/// Reads a parsed TOML tree into a `SiteProfile`, checking types and values and noting unknown keys.
struct ProfileReader {
    let file: String
    let baseDirectory: String?
    var warnings: [ProfileWarning] = []

    static let sections = ["site", "relays", "message_id", "dkim", "batv", "srs", "sent_log", "thresholds"]

    mutating func read(_ root: TOMLTable) throws(ProfileError) -> SiteProfile {
        var profile = SiteProfile()
        warnUnknown(in: root, path: "", known: Self.sections)
        if let table = try section(root, "site") { profile.site = try readSite(table) }
        if let table = try section(root, "relays") { profile.relays = try readRelays(table) }
        if let table = try section(root, "message_id") { profile.messageID = try readMessageID(table) }
        if let value = root["dkim"] { profile.dkim = try readDKIM(value, at: root.position(of: "dkim")) }
        if let table = try section(root, "batv") { profile.batv = try readBATV(table) }
        if let table = try section(root, "srs") { profile.srs = try readSRS(table) }
        if let table = try section(root, "sent_log") { profile.sentLog = try readSentLog(table) }
        if let table = try section(root, "thresholds") { profile.thresholds = try readThresholds(table) }
        for user in profile.site.users where user.contains("@") {
            let domain = user[user.index(after: user.lastIndex(ofASCII: UInt8(ascii: "@")) ?? user.startIndex)...]
            if !profile.site.domains.isEmpty, !profile.isSiteDomain(domain) {
                warnings.append(ProfileWarning(file: file, keyPath: "site.users", line: 0, column: 0,
                                               message: "user \(user) is not at one of site.domains"))
            }
        }
        profile.warnings = warnings
        return profile
    }

    // MARK: Sections

    private mutating func readSite(_ table: TOMLTable) throws(ProfileError) -> SiteProfile.Site {
        warnUnknown(in: table, path: "site", known: ["domains", "users", "users_file"])
        var site = SiteProfile.Site()
        for (domain, position, path) in try strings(table, "domains", in: "site") {
            site.domains.append(try domainName(domain, path: path, at: position))
        }
        for (user, position, path) in try strings(table, "users", in: "site") {
            site.users.append(try userName(user, path: path, at: position))
        }
        if let (usersFile, position) = try string(table, "users_file", in: "site") {
            site.usersFile = usersFile
            // Lines cut at LF, CR or CRLF on the bytes (`LineScanner`; split as a String by the Characters
            // "\n" and "\r", a file with CRLF line ends was one user: "\r\n" is a Character of its own).
            let bytes = try readFileBytes(usersFile, path: "site.users_file", at: position)
            var lines = LineScanner(bytes[...])
            while let line = lines.next() {
                let user = bytes[line.content].trimmingWhitespace()
                if user.isEmpty || user.first == UInt8(ascii: "#") { continue }
                site.fileUsers.append(String(decoding: user, as: UTF8.self))
            }
        }
        return site
    }

    private mutating func readRelays(_ table: TOMLTable) throws(ProfileError) -> SiteProfile.Relays {
        warnUnknown(in: table, path: "relays", known: ["hosts", "networks"])
        var relays = SiteProfile.Relays()
        for (host, position, path) in try strings(table, "hosts", in: "relays") {
            relays.hosts.append(try domainName(host, path: path, at: position))
        }
        for (text, position, path) in try strings(table, "networks", in: "relays") {
            do {
                let network = try IPNetwork(parsing: text)
                if network.hadHostBits {
                    warn(path, position, "\(text) has host bits set; read as \(network)")
                }
                relays.networks.insert(network)
            } catch {
                throw fail(path, position, error.description)
            }
        }
        return relays
    }

    private mutating func readMessageID(_ table: TOMLTable) throws(ProfileError) -> SiteProfile.MessageIDFormat {
        warnUnknown(in: table, path: "message_id", known: ["domains", "pattern"])
        var format = SiteProfile.MessageIDFormat()
        for (domain, position, path) in try strings(table, "domains", in: "message_id") {
            format.domains.append(try domainName(domain, path: path, at: position))
        }
        if let (pattern, position) = try string(table, "pattern", in: "message_id") {
            guard !pattern.isEmpty else { throw fail("message_id.pattern", position, "the pattern is empty") }
            do {
                _ = try BytePattern(pattern)
            } catch {
                throw fail("message_id.pattern", position, "not a PCRE2 pattern: \(error.message) at offset \(error.patternOffset)")
            }
            format.pattern = pattern
        }
        return format
    }

    private mutating func readDKIM(_ value: TOMLValue, at position: TOMLPosition?) throws(ProfileError) -> [DKIMKey] {
        var tables: [(TOMLTable, String)] = []
        switch value {
        case .table(let table):
            tables = [(table, "dkim")]
        case .array(let array):
            for (n, element) in array.elements.enumerated() {
                guard case .table(let table) = element else {
                    throw fail("dkim[\(n)]", array.positions[n], "expected a table ([[dkim]]), found \(element.typeName)")
                }
                tables.append((table, "dkim[\(n)]"))
            }
        default:
            throw fail("dkim", position, "expected [[dkim]] tables, found \(value.typeName)")
        }
        var keys: [DKIMKey] = []
        for (table, path) in tables {
            warnUnknown(in: table, path: path, known: ["domain", "selector", "public_key"])
            guard let (domain, domainPosition) = try string(table, "domain", in: path) else {
                throw fail(path, table.position, "missing domain (the d= of the site's signatures)")
            }
            guard let (selector, _) = try string(table, "selector", in: path) else {
                throw fail(path, table.position, "missing selector (the s= of the site's signatures)")
            }
            guard let (keyText, keyPosition) = try string(table, "public_key", in: path) else {
                throw fail(path, table.position, "missing public_key (PEM, or the base64 p= of the DNS record)")
            }
            let checkedDomain = try domainName(domain, path: "\(path).domain", at: domainPosition)
            do {
                keys.append(try DKIMKey(domain: checkedDomain, selector: selector, publicKey: keyText))
            } catch {
                throw fail("\(path).public_key", keyPosition, error.reason)
            }
        }
        return keys
    }

    private mutating func readBATV(_ table: TOMLTable) throws(ProfileError) -> SiteProfile.BATV {
        warnUnknown(in: table, path: "batv", known: ["keys", "valid_days", "since"])
        var batv = SiteProfile.BATV()
        if let value = table["keys"] {
            guard case .table(let keys) = value else {
                throw fail("batv.keys", table.position(of: "keys"),
                           "expected a table of key number -> hex secret, found \(value.typeName)")
            }
            for number in keys.keys {
                let path = "batv.keys.\(number)"
                let position = keys.position(of: number)
                // draft-levine-smtp-batv-01 §4.1: the key number K is one decimal digit.
                guard number.count == 1, let k = Int(number) else {
                    throw fail(path, position, "a key number is one digit 0-9 (the K of prvs=KDDDSSSSSS)")
                }
                guard case .string(let hex)? = keys[number] else {
                    throw fail(path, position, "expected a hex string, found \(keys[number]?.typeName ?? "nothing")")
                }
                guard let secret = Self.hexBytes(hex), !secret.isEmpty else {
                    throw fail(path, position, "not a hex secret (an even number of 0-9a-f): \(hex)")
                }
                batv.keys[k] = secret
            }
        }
        if let (days, position) = try integer(table, "valid_days", in: "batv") {
            // DDD is a day number mod 1000, so a validity of 1000 days or more cannot be told apart.
            guard (1...999).contains(days) else { throw fail("batv.valid_days", position, "must be 1-999 days") }
            batv.validDays = days
        }
        if let value = table["since"] {
            let position = table.position(of: "since")
            let dateTime: TOMLDateTime?
            switch value {
            case .dateTime(let dt): dateTime = dt
            case .string(let s): dateTime = TOMLParser.dateTime(s)
            default: dateTime = nil
            }
            guard let dt = dateTime else {
                throw fail("batv.since", position, "expected a date-time like 2026-01-08T00:00:00Z, found \(value.typeName)")
            }
            if let seconds = dt.secondsSince1970 {
                batv.since = seconds
            } else if dt.kind == .localDate || dt.kind == .localDateTime {
                // A date or date-time without offset is taken as UTC.
                batv.since = Double(TOMLDateTime.daysFromCivil(year: dt.year, month: dt.month, day: dt.day) * 86_400
                    + dt.hour * 3_600 + dt.minute * 60 + dt.second)
                warn("batv.since", position, "no UTC offset given; read as UTC")
            } else {
                throw fail("batv.since", position, "a time alone is not a moment; give a date-time")
            }
            batv.sinceText = dt.text
        }
        if batv.keys.isEmpty { warn("batv", nil, "no keys: BATV tags cannot be checked") }
        return batv
    }

    private mutating func readSRS(_ table: TOMLTable) throws(ProfileError) -> SiteProfile.SRS {
        warnUnknown(in: table, path: "srs", known: ["secrets"])
        var srs = SiteProfile.SRS()
        for (secret, position, path) in try strings(table, "secrets", in: "srs") {
            guard !secret.isEmpty else { throw fail(path, position, "the secret is empty") }
            srs.secrets.append(secret)
        }
        return srs
    }

    private mutating func readSentLog(_ table: TOMLTable) throws(ProfileError) -> SentLog {
        warnUnknown(in: table, path: "sent_log", known: ["path"])
        guard let (path, position) = try string(table, "path", in: "sent_log") else {
            throw fail("sent_log", table.position, "missing path (the file of Message-IDs the site sent)")
        }
        var log = SentLog(path: path, resolvedPath: resolve(path))
        log.read(bytes: try readFileBytes(path, path: "sent_log.path", at: position))
        if log.count == 0 { warn("sent_log.path", position, "\(path) holds no Message-ID") }
        return log
    }

    private mutating func readThresholds(_ table: TOMLTable) throws(ProfileError) -> SiteProfile.Thresholds {
        warnUnknown(in: table, path: "thresholds", known: ["backscatter", "legitimate"])
        var thresholds = SiteProfile.Thresholds()
        if let (v, position) = try number(table, "backscatter", in: "thresholds") {
            guard (0...1).contains(v) else { throw fail("thresholds.backscatter", position, "must be between 0 and 1") }
            thresholds.backscatter = v
        }
        if let (v, position) = try number(table, "legitimate", in: "thresholds") {
            guard (0...1).contains(v) else { throw fail("thresholds.legitimate", position, "must be between 0 and 1") }
            thresholds.legitimate = v
        }
        guard thresholds.legitimate <= thresholds.backscatter else {
            throw fail("thresholds", table.position, "legitimate (\(thresholds.legitimate)) must not exceed backscatter (\(thresholds.backscatter))")
        }
        return thresholds
    }

    // MARK: Typed access

    private func fail(_ keyPath: String, _ position: TOMLPosition?, _ reason: String) -> ProfileError {
        ProfileError(file: file, keyPath: keyPath, line: position?.line ?? 0, column: position?.column ?? 0, reason: reason)
    }

    private mutating func warn(_ keyPath: String, _ position: TOMLPosition?, _ message: String) {
        warnings.append(ProfileWarning(file: file, keyPath: keyPath, line: position?.line ?? 0,
                                       column: position?.column ?? 0, message: message))
    }

    private func section(_ root: TOMLTable, _ name: String) throws(ProfileError) -> TOMLTable? {
        guard let value = root[name] else { return nil }
        guard case .table(let table) = value else {
            throw fail(name, root.position(of: name), "expected a [\(name)] table, found \(value.typeName)")
        }
        return table
    }

    private func string(_ table: TOMLTable, _ key: String, in section: String) throws(ProfileError) -> (String, TOMLPosition?)? {
        guard let value = table[key] else { return nil }
        guard case .string(let s) = value else {
            throw fail("\(section).\(key)", table.position(of: key), "expected a string, found \(value.typeName)")
        }
        return (s, table.position(of: key))
    }

    /// An array of strings, or one string taken as an array of one, each with its key path.
    private func strings(_ table: TOMLTable, _ key: String,
                         in section: String) throws(ProfileError) -> [(String, TOMLPosition?, String)] {
        let path = "\(section).\(key)"
        switch table[key] {
        case nil:
            return []
        case .string(let s)?:
            return [(s, table.position(of: key), path)]
        case .array(let array)?:
            var out: [(String, TOMLPosition?, String)] = []
            for (n, element) in array.elements.enumerated() {
                guard case .string(let s) = element else {
                    throw fail("\(path)[\(n)]", array.positions[n], "expected a string, found \(element.typeName)")
                }
                out.append((s, array.positions[n], "\(path)[\(n)]"))
            }
            return out
        case let value?:
            throw fail(path, table.position(of: key), "expected an array of strings, found \(value.typeName)")
        }
    }

    private func integer(_ table: TOMLTable, _ key: String, in section: String) throws(ProfileError) -> (Int, TOMLPosition?)? {
        guard let value = table[key] else { return nil }
        guard case .integer(let i) = value, let n = Int(exactly: i) else {
            throw fail("\(section).\(key)", table.position(of: key), "expected an integer, found \(value.typeName)")
        }
        return (n, table.position(of: key))
    }

    private func number(_ table: TOMLTable, _ key: String, in section: String) throws(ProfileError) -> (Double, TOMLPosition?)? {
        switch table[key] {
        case nil: return nil
        case .float(let d)?: return (d, table.position(of: key))
        case .integer(let i)?: return (Double(i), table.position(of: key))
        case let value?:
            throw fail("\(section).\(key)", table.position(of: key), "expected a number, found \(value.typeName)")
        }
    }

    /// A domain name (`SiteProfile.domainName(_:)`).
    private func domainName(_ text: String, path: String, at position: TOMLPosition?) throws(ProfileError) -> String {
        guard let d = SiteProfile.domainName(text) else { throw fail(path, position, "not a domain name: \"\(text)\"") }
        return d
    }

    /// A user: a local part, or local@domain; no spaces, at most one '@' with text on both sides.
    private func userName(_ text: String, path: String, at position: TOMLPosition?) throws(ProfileError) -> String {
        let u = String(text.trimmedSlice)
        let parts = u.split(separator: "@", omittingEmptySubsequences: false)
        guard !u.isEmpty, !u.contains(" "), parts.count <= 2, parts.allSatisfy({ !$0.isEmpty }) else {
            throw fail(path, position, "not a user (a local part or local@domain): \"\(text)\"")
        }
        return u
    }

    private func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let base = baseDirectory, !base.isEmpty else { return path }
        return URL(fileURLWithPath: base).appendingPathComponent(path).path
    }

    private func readFileBytes(_ path: String, path keyPath: String, at position: TOMLPosition?) throws(ProfileError) -> [UInt8] {
        let resolved = resolve(path)
        do {
            return try POSIXFiles.readWholeFile(resolved)
        } catch {
            throw fail(keyPath, position, "cannot read \(resolved)")
        }
    }

    static func hexBytes(_ hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let h = Int(String(decoding: digits[i..<(i + 2)], as: UTF8.self), radix: 16) else { return nil }
            out.append(UInt8(h))
            i += 2
        }
        return out
    }

    // MARK: Unknown keys

    /// Notes keys the profile format does not know, suggesting the nearest known one (typos!).
    private mutating func warnUnknown(in table: TOMLTable, path: String, known: [String]) {
        for key in table.keys where !known.contains(key) {
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            var message = path.isEmpty ? "unknown section [\(key)]" : "unknown key \(key)"
            if let nearest = known.min(by: { Self.editDistance($0, key) < Self.editDistance($1, key) }),
               Self.editDistance(nearest, key) <= max(2, key.count / 3) {
                message += " (did you mean \(nearest)?)"
            }
            warn(keyPath, table.position(of: key), message + "; ignored")
        }
    }

    /// Levenshtein distance over UTF-8 bytes (keys are short).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.utf8), y = Array(b.utf8)
        var previous = Array(0...y.count)
        for i in 1...max(1, x.count) where !x.isEmpty {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...max(1, y.count) where !y.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return x.isEmpty ? y.count : previous[y.count]
    }
}
