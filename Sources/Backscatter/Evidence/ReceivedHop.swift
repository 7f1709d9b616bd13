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
    public var ip: String?
    /// The receiving host (`by NAME`), lower case.
    public var by: String?
    /// The stamp's date, seconds since 1970 UTC.
    public var date: Int64?

    /// A hop with the given values.
    public init(helo: String? = nil, reverseName: String? = nil, ip: String? = nil, by: String? = nil, date: Int64? = nil) {
        self.helo = helo
        self.reverseName = reverseName
        self.ip = ip
        self.by = by
        self.date = date
    }

    /// The longest Received value read (bytes); the rest of a longer one is ignored.
    public static let maxValueBytes = 16 * 1024

    /// Reads one Received value, folded as it was written or unfolded.
    public init(_ value: ByteSlice) {
        let field = ReceivedField.parse(value.prefix(Self.maxValueBytes), reading: [.from, .by, .date])
        self.init(helo: field.from?.helo.map(Self.lowercased), reverseName: field.from?.reverseDNS.map(Self.lowercased),
                  ip: field.from?.ip?.description, by: field.by.map(Self.lowercased), date: field.date?.secondsSince1970)
        if var name = reverseName, name.hasSuffix(".") { name.removeLast(); reverseName = name }
    }

    /// `name.lowercased()`, without a copy when it is already lower-case ASCII (host names nearly always are).
    private static func lowercased(_ name: String) -> String {
        name.utf8.allSatisfy({ $0 < 0x80 && !($0 >= 0x41 && $0 <= 0x5A) }) ? name : name.lowercased()
    }
}
