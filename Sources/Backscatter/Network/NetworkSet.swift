import MailParsing

/// One IPv4 or IPv6 network in CIDR notation (RFC 4632 §3.1, RFC 4291 §2.3): `198.51.100.0/28`,
/// `2001:db8:5::/48`; a bare address is a network of one.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network's first address (host bits cleared).
    public let base: IPAddress
    /// The number of leading bits that name the network.
    public let prefixLength: Int
    /// Whether the text had bits set after the prefix (`192.0.2.5/24`): accepted and masked, but worth a warning.
    public let hadHostBits: Bool

    /// Parses CIDR text (RFC 4632 §3.1, RFC 4291 §2.3) with the fields layer's `IPAddress`.
    /// - Throws: `NetworkParseError` saying what is wrong with the text.
    public init(parsing text: String) throws(NetworkParseError) {
        let trimmed = String(text.trimmedSlice)
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let addressText = parts.first, let address = IPAddress(String(addressText)) else {
            throw NetworkParseError(text: text, reason: "not an IPv4 or IPv6 address before the '/'")
        }
        let bitCount = address.family == .v4 ? 32 : 128
        var length = bitCount
        if parts.count == 2 {
            let lengthText = parts[1]
            guard !lengthText.isEmpty, lengthText.count <= 3, lengthText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let n = Int(lengthText), n <= bitCount else {
                throw NetworkParseError(text: text, reason: "the prefix length must be 0-\(bitCount)")
            }
            length = n
        }
        let base = IPNetwork.masked(address, to: length)
        self.base = base
        prefixLength = length
        hadHostBits = base != address
    }

    /// `address` with the bits after `prefixLength` cleared (cold path: profile loading only).
    private static func masked(_ address: IPAddress, to prefixLength: Int) -> IPAddress {
        var bytes = address.bytes
        for i in bytes.indices {
            let keep = max(0, min(8, prefixLength - i * 8))
            bytes[i] &= keep == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
        if address.family == .v4 {
            return IPAddress(ipv4: bytes.reduce(0) { $0 << 8 | UInt32($1) })
        }
        let groups = stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return IPAddress(groups.joined(separator: ":")) ?? address
    }

    /// Whether `address` lies in this network.
    public func contains(_ address: IPAddress) -> Bool {
        address.isIn(network: base, prefixLength: prefixLength)
    }

    /// Whether the address written as `text` lies in this network (false when it is not an address).
    public func contains(_ text: some StringProtocol) -> Bool {
        guard let address = IPAddress(String(text)) else { return false }
        return contains(address)
    }

    /// `base/prefixLength`, canonical.
    public var description: String { "\(base)/\(prefixLength)" }
}

/// Why a text is not a CIDR network.
public struct NetworkParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text that was given.
    public let text: String
    /// What is wrong with it.
    public let reason: String

    /// `not a CIDR network: "text" (reason)`.
    public var description: String { "not a CIDR network: \"\(text)\" (\(reason))" }
}

/// A set of networks with a membership test, e.g. the site's outbound relays.
///
/// Membership is a linear scan: a site names a handful of networks, so nothing cleverer pays off.
public struct NetworkSet: Sendable, Hashable {
    /// The networks, in the order given.
    public private(set) var networks: [IPNetwork]

    /// A set of the given networks.
    public init(_ networks: [IPNetwork] = []) {
        self.networks = networks
    }

    /// Parses each text as a CIDR network.
    /// - Throws: `NetworkParseError` for the first text that is not one.
    public init(parsing texts: [String]) throws(NetworkParseError) {
        var networks: [IPNetwork] = []
        for text in texts { networks.append(try IPNetwork(parsing: text)) }
        self.networks = networks
    }

    /// Whether no network is in the set.
    public var isEmpty: Bool { networks.isEmpty }

    /// Adds a network.
    public mutating func insert(_ network: IPNetwork) {
        if !networks.contains(network) { networks.append(network) }
    }

    /// Whether `address` lies in one of the networks.
    /// - Complexity: O(number of networks).
    public func contains(_ address: IPAddress) -> Bool {
        networks.contains { $0.contains(address) }
    }

    /// Whether the address written as `text` (`192.0.2.1`, `[IPv6:2001:db8::1]`) lies in one of the networks.
    /// - Complexity: O(number of networks).
    public func contains(_ text: some StringProtocol) -> Bool {
        guard let address = IPAddress(String(text)) else { return false }
        return contains(address)
    }
}
