import MailParsing

/// One Received field reduced to what the classifier judges a hop by: the name the client gave (HELO),
/// the reverse-DNS name and the IP the receiving host recorded, the receiving host and the date.
/// Read with `ReceivedField.parse` (RFC 5321 §4.4); kept as plain values so observations stay small.
public struct ReceivedHop: Sendable, Hashable {
    /// The name the client gave in HELO/EHLO (`from NAME`), lower case: chosen by the sender, so it can lie.
    public var helo: String?
    /// The reverse-DNS name the receiver looked up, lower case; nil when "unknown" or absent.
    public var reverseName: String?
    /// The IP the receiver recorded for the connection, canonical text.
    public var ip: String? {
        didSet { address = ip.flatMap(IPAddress.init) }
    }
    /// `ip` parsed (kept beside the text, so that judging a hop never parses it again).
    public private(set) var address: IPAddress?
    /// The receiving host (`by NAME`), lower case.
    public var by: String?
    /// The stamp's date, seconds since 1970 UTC.
    public var date: Int64?

    /// A hop with the given values.
    public init(helo: String? = nil, reverseName: String? = nil, ip: String? = nil, by: String? = nil, date: Int64? = nil) {
        self.init(helo: helo, reverseName: reverseName, address: ip.flatMap(IPAddress.init), ip: ip, by: by, date: date)
    }

    private init(helo: String?, reverseName: String?, address: IPAddress?, ip: String?, by: String?, date: Int64?) {
        self.helo = helo
        self.reverseName = reverseName
        self.ip = ip
        self.address = address
        self.by = by
        self.date = date
    }

    /// Reads one Received value, folded as it was written or unfolded.
    public init(_ value: ByteSlice) {
        let field = ReceivedField.parse(value, reading: [.from, .by, .date])
        let address = field.from?.ip
        self.init(helo: field.from?.helo?.lowercasedIfNeeded(), reverseName: field.from?.reverseDNS?.lowercasedIfNeeded(),
                  address: address, ip: address?.description, by: field.by?.lowercasedIfNeeded(), date: field.date?.secondsSince1970)
        if var name = reverseName, name.hasSuffix(".") { name.removeLast(); reverseName = name }
    }
}
