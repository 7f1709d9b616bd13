import MailParsing

/// Facts about host names and addresses that do not depend on any language: whether a reverse-DNS name
/// looks like a dynamic or residential address, whether a HELO is bare, a name's registered domain.
enum HostShape {
    /// Labels ISPs use for dynamically assigned and residential addresses (the naming conventions of
    /// RFC-less practice, e.g. draft-msullivan-dnsop-generic-naming-schemes-00 §2): a hint, not proof.
    private static let dynamicLabels: [String] = [
        "dsl", "adsl", "vdsl", "xdsl", "dyn", "dynamic", "dynip", "pool", "dhcp", "ppp", "pppoe", "cable",
        "cpe", "client", "clients", "broadband", "dial", "dialup", "dialin", "customer", "cust", "res",
        "resident", "residential", "user", "users", "host", "hosts", "ip", "nat", "fiber", "fibre", "ftth",
        "wireless", "wlan", "mobile", "cm", "modem", "subs", "static", "bb", "home", "in-addr",
    ]

    /// Whether `name` looks like a generic name for `ip`: two or more of its octets appear in it, or it
    /// has a label that ISPs use for dynamic pools.
    static func looksDynamic(_ name: String, ip: String) -> Bool {
        // Read as bytes (reverse-DNS names are ASCII, IDNA); a byte >= 0x80 counts as a letter, so a label
        // with non-ASCII letters never matches the (ASCII) list.
        let lower = Array(name.utf8.map(ASCII.lowercased))
        let octets = ip.utf8.split(separator: UInt8(ascii: "."))
        if octets.count == 4 {
            var hits = 0
            let digitRuns = lower.split(whereSeparator: { !ASCII.isDigit($0) })
            for o in octets where digitRuns.contains(where: { $0.elementsEqual(o) }) { hits += 1 }
            if hits >= 2 { return true }
        }
        // Hex or decimal rendering of the whole address as one token.
        let labels = lower.split(whereSeparator: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") })
        guard labels.count >= 3 else { return false }
        for label in labels.dropLast(2) {
            let letters = label.prefix(while: { ASCII.isAlpha($0) || $0 >= 0x80 })
            if dynamicLabels.contains(String(decoding: letters, as: UTF8.self)), letters.count >= 2 || label.count > letters.count {
                return true
            }
        }
        return false
    }

    /// Whether a HELO name is an address literal, a bare address, or a single label.
    static func isBare(_ helo: String) -> Bool {
        if helo.hasPrefix("[") { return true }
        if IPAddress(helo) != nil { return true }
        return !helo.contains(".")
    }

    /// The last two labels of a name (three when the second-level label is short, as in `co.uk`,
    /// `com.br`): good enough to tell whether two names belong to one organisation.
    static func registeredDomain(_ name: String) -> String {
        // Cut on the dots' bytes; the label lengths that decide two or three labels are in Characters.
        let labels = name.lowercasedIfNeeded().utf8.split(separator: UInt8(ascii: "."))
        let count = labels.count
        let take = count > 2 && Substring(labels[count - 2]).count <= 3 && Substring(labels[count - 1]).count == 2 ? 3 : 2
        var out: [UInt8] = []
        for label in labels.suffix(take) {
            if !out.isEmpty { out.append(UInt8(ascii: ".")) }
            out += label
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether the address written as `text` is a public unicast one (`IPAddress.isPublic`).
    static func isPublicAddress(_ text: String) -> Bool {
        IPAddress(text)?.isPublic ?? false
    }

    /// Whether a Subject is mostly capitals (of at least 8 cased letters) or carries runs of `!`/`$`.
    static func isShouting(_ subject: String) -> Bool {
        var upper = 0, lower = 0, bangs = 0
        for c in subject.unicodeScalars {
            let v = c.value
            if v < 0x80 {
                // ASCII without the Unicode property tables.
                if v >= 0x41 && v <= 0x5A { upper += 1 } else if v >= 0x61 && v <= 0x7A { lower += 1 }
            } else if c.properties.isUppercase {
                upper += 1
            } else if c.properties.isLowercase {
                lower += 1
            }
            if c == "!" || c == "$" { bangs += 1 }
        }
        if bangs >= 2 { return true }
        return upper + lower >= 8 && upper * 10 >= (upper + lower) * 7
    }

    /// `http://` and `https://` occurrences in a body.
    static func countLinks(_ body: some Collection<UInt8>) -> Int {
        var count = 0
        var state = 0
        let pattern: [UInt8] = Array("http".utf8)
        for b in body {
            let l = b | 0x20
            if state < 4 {
                state = l == pattern[state] ? state + 1 : (l == pattern[0] ? 1 : 0)
            } else if b == UInt8(ascii: ":") || l == UInt8(ascii: "s") {
                if b == UInt8(ascii: ":") { count += 1; state = 0 }
            } else {
                state = l == pattern[0] ? 1 : 0
            }
        }
        return count
    }
}

