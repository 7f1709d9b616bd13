import MailParsing

/// One Received field reduced to what the classifier judges a hop by: the name the client gave (HELO),
/// the reverse-DNS name and the IP the receiving host recorded, and the date.
/// Read with `ReceivedField.parse` (RFC 5321 §4.4); kept as plain values so observations stay small:
/// an observation holds up to `Observation.maxListed` hops for the whole scan.
public struct ReceivedHop: Sendable, Hashable {
    /// The name the client gave in HELO/EHLO (`from NAME`), lower case: chosen by the sender, so it can lie.
    public var helo: String?
    /// The reverse-DNS name the receiver looked up, lower case; nil when "unknown" or absent.
    public var reverseName: String?
    /// The IP the receiver recorded for the connection (parsed once: judging a hop never parses it again).
    public var address: IPAddress?
    /// `address` as canonical text; setting text that is no address clears it.
    public var ip: String? {
        get { address?.description }
        set { address = newValue.flatMap(IPAddress.init) }
    }
    /// The stamp's date, seconds since 1970 UTC.
    public var date: Int64?

    /// A hop with the given values (`ip` as text; one that is no address is dropped).
    public init(helo: String? = nil, reverseName: String? = nil, ip: String? = nil, date: Int64? = nil) {
        self.init(helo: helo, reverseName: reverseName, address: ip.flatMap(IPAddress.init), date: date)
    }

    private init(helo: String?, reverseName: String?, address: IPAddress?, date: Int64?) {
        self.helo = helo
        self.reverseName = reverseName
        self.address = address
        self.date = date
    }

    /// Reads one Received value, folded as it was written or unfolded.
    public init(_ value: ByteSlice) {
        let field = ReceivedField.parse(value, reading: [.from, .date])
        let address = field.from?.ip
        var reverseName = field.from?.reverseDNS?.lowercasedIfNeeded()
        if var name = reverseName, name.hasSuffix(".") { name.removeLast(); reverseName = name }
        var helo = field.from?.helo?.lowercasedIfNeeded()
        // Often the same name (`from mx.example.org (mx.example.org [192.0.2.1])`): one String for both.
        if let name = reverseName, helo == name { helo = name }
        self.init(helo: helo, reverseName: reverseName, address: address, date: field.date?.secondsSince1970)
    }
}
