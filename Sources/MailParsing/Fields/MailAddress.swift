/// One mailbox from an address field (RFC 5322 §3.4): an optional display name and an addr-spec.
/// `displayName` is spelled `Optional<String>`, set once in place (see `MailboxMessage`).
public struct MailAddress: Sendable, Hashable {
    /// The display name, RFC 2047-decoded, or nil if none was given. A trailing comment
    /// (`user@example.com (Real Name)`) counts as the display name when there is no phrase.
    public var displayName: Optional<String>
    /// The local part, unquoted (quoted-pairs undone); UTF-8 allowed (RFC 6532).
    public var localPart: String
    /// The domain as written (a domain literal keeps its brackets); empty for a bare local part.
    public var domain: String

    /// Creates an address from its parts.
    public init(displayName: String? = nil, localPart: String, domain: String) {
        self.displayName = displayName
        self.localPart = localPart
        self.domain = domain
    }

    /// `local@domain`, the local part re-quoted when it is not a dot-atom (RFC 5322 §3.4.1); just the
    /// local part when there is no domain; empty for the null reverse-path `<>`.
    public var address: String {
        var local = Self.needsQuoting(localPart) ? Self.quoted(localPart) : localPart
        guard !domain.isEmpty else { return local }
        // One allocation for `local@domain`, the parts copied from their contiguous UTF-8 (this runs for
        // every address a record or the classifier shows; iterating the UTF-8 views cost ~800
        // instructions an address).
        var domain = domain
        return local.withUTF8 { l in
            domain.withUTF8 { d in
                String(unsafeUninitializedCapacity: l.count + 1 + d.count) { buffer in
                    var i = 0
                    for b in l { buffer[i] = b; i += 1 }
                    buffer[i] = ASCII.at
                    i += 1
                    for b in d { buffer[i] = b; i += 1 }
                    return i
                }
            }
        }
    }

    /// The domain in ASCII lower case (domains compare case-insensitively, RFC 5321 §2.4).
    public var lowercasedDomain: String { ASCII.lowercasedString(domain.utf8) }

    /// Whether this is the null reverse-path `<>` (RFC 5321 §4.5.5), as in a bounce's Return-Path.
    public var isNull: Bool { localPart.isEmpty && domain.isEmpty }

    /// RFC 5322 §3.2.3 atext, plus dots between atoms; 8-bit bytes are UTF-8 atext (RFC 6532 §3.2).
    static func needsQuoting(_ local: String) -> Bool {
        var local = local
        return local.withUTF8 { needsQuoting(bytes: $0) }
    }

    /// `needsQuoting(_:)` on the local part's UTF-8 bytes.
    static func needsQuoting(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.isEmpty { return false }
        if bytes.first == ASCII.dot || bytes.last == ASCII.dot { return true }
        var previous: UInt8 = 0
        for b in bytes {
            if b == ASCII.dot && previous == ASCII.dot { return true }
            previous = b
            // atext (the dot included) or 8-bit.
            if b < 0x80 && !AddressParser.isAtext(b) { return true }
        }
        return false
    }

    static func quoted(_ local: String) -> String {
        var out = "\""
        for scalar in local.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(scalar)
        }
        return out + "\""
    }
}
