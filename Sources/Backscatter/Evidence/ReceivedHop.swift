import MailParsing

/// One Received field reduced to what the classifier judges a hop by: the name the client gave (HELO),
/// the reverse-DNS name and the IP the receiving host recorded, and the date.
/// Read with `ReceivedField.readFromAndDate`, `ReceivedField.parse`'s reading of the from clause and
/// the date (RFC 5321 §4.4); kept as plain values so observations stay small: an observation holds up
/// to `Observation.maxListed` hops for the whole scan. Optional fields spelled `Optional<T>`, so that no
/// initializer sets them to nil first (see `Observation`).
public struct ReceivedHop: Sendable, Hashable {
    /// The name the client gave in HELO/EHLO (`from NAME`), lower case: chosen by the sender, so it can lie.
    public var helo: Optional<String>
    /// The reverse-DNS name the receiver looked up, lower case; nil when "unknown" or absent.
    public var reverseName: Optional<String>
    /// The IP the receiver recorded for the connection (parsed once: judging a hop never parses it again).
    public var address: Optional<IPAddress>
    /// `address` as canonical text; setting text that is no address clears it.
    public var ip: String? {
        get { address?.description }
        set { address = newValue.flatMap(IPAddress.init) }
    }
    /// The stamp's date, seconds since 1970 UTC.
    public var date: Optional<Int64>
    /// Whether the stamp is a mail fetcher's: its with clause names POP or IMAP
    /// (`ReceivedField.isMailboxAccessProtocol`; fetchmail's `from pop.example.net [192.0.2.9] by host
    /// with POP3`). Its from clause is then the mailbox server the message waited on, not a server that
    /// sent it on, and its date the end of that wait. Read with the names (nil names, false).
    public var fetchedFromMailbox: Bool

    /// A hop with the given values (`ip` as text; one that is no address is dropped).
    public init(helo: String? = nil, reverseName: String? = nil, ip: String? = nil, date: Int64? = nil,
                fetchedFromMailbox: Bool = false) {
        self.helo = helo
        self.reverseName = reverseName
        self.address = ip.flatMap(IPAddress.init)
        self.date = date
        self.fetchedFromMailbox = fetchedFromMailbox
    }

    /// Reads one Received value, folded as it was written or unfolded.
    public init(_ value: ByteSlice) {
        self.init(value, reading: .whole)
    }

    /// What of a Received value a hop is read for.
    package enum Reading {
        /// Everything: the names, the address and the date.
        case whole
        /// The address; the names, the date and `fetchedFromMailbox` only when the address is public.
        case wholeWhenPublic
        /// The address and the date (the names nil): what a hop below the first public one is judged
        /// by (the relay tests read its address; the classifier dates the hop where our relay handed
        /// the original over: `relay-ip-ours-long-ago`).
        case addressAndDate
    }

    /// Reads one Received value as `init(_:)` does, for what `reading` asks (the rest nil).
    package init(_ value: ByteSlice, reading: Reading) {
        // The value's bytes opened once, for reading the clauses and making the names.
        (helo, reverseName, address, date, fetchedFromMailbox) = value.withUnsafeBufferPointer { buffer in
            // Read only up to the address where no name is asked; the date found from the value's end
            // (its last `;` outside comments, as the whole reading finds it).
            if reading == .addressAndDate {
                return (nil, nil, ReceivedField.readAddress(buffer, in: value), ReceivedField.date(buffer)?.secondsSince1970, false)
            }
            // (The date's `;` is looked for after the from clause, where the reading of it stopped.)
            let (from, rest) = ReceivedField.readFromAndRest(buffer, in: value)
            let whole = reading == .whole || (reading == .wholeWhenPublic && from?.ip?.isPublic == true)
            guard whole else { return (nil, nil, from?.ip, nil, false) }
            // The date, and the protocol of the with clause between the from clause and the date.
            let (date, protocolWord) = ReceivedField.dateAndProtocol(buffer, after: rest)
            let fetched = protocolWord.map { ReceivedField.isMailboxAccessProtocol(UnsafeBufferPointer(rebasing: buffer[$0])) } ?? false
            guard let from else { return (nil, nil, nil, date?.secondsSince1970, fetched) }
            // Each name becomes one lower-case String, made from the bytes when they are ASCII. (A String per
            // name from `ReceivedField.parse`, then its lower-cased copy, the names compared as Strings, and
            // the whole `ReceivedField` copied and destroyed: beyond reading the clauses, ~4.9M instructions
            // for the 4,050 hops of the sisimai bsd mbox x3; this is ~3.6M, most of it the Strings.)
            let names: (String?, String?) = {
                var reverseName: String? = nil
                var reverseASCII: UnsafeBufferPointer<UInt8>? = nil  // its bytes, when ASCII
                if let range = from.reverseDNS {
                    (reverseName, reverseASCII) = Self.reverseDNSName(UnsafeBufferPointer(rebasing: buffer[range]), in: value, range)
                }
                guard let range = from.helo else { return (nil, reverseName) }
                let name = UnsafeBufferPointer(rebasing: buffer[range])
                var helo: String
                if ASCII.isASCII(name) {
                    // Often the same name (`from mx.example.org (mx.example.org [192.0.2.1])`): one String
                    // for both. ASCII Strings are equal when their bytes are.
                    if let reverse = reverseASCII, Self.equalIgnoringCase(name, reverse) { return (reverseName, reverseName) }
                    helo = Self.lowercasedASCII(name)
                    // A name that was not ASCII may still be canonically equal to it (U+212A KELVIN SIGN
                    // and K): compared as Strings, as before.
                    if reverseASCII == nil, let reverseName, helo == reverseName { helo = reverseName }
                } else {
                    helo = CharsetDecoder.utf8OrWindows1252(Self.slice(value, range)).lowercasedIfNeeded()
                    if let reverseName, helo == reverseName { helo = reverseName }
                }
                return (helo, reverseName)
            }()
            return (names.0, names.1, from.ip, date?.secondsSince1970, fetched)
        }
    }

    /// The date, the IP and the connecting host (`reverseName ?? helo`) of one Received
    /// value, as `ReceivedHop(value)` reads them: what a notice's own first hop is read for. Only the
    /// host's name is made a String (the hop made both names: sisimai bsd x3, 1,758 notices), and only
    /// when `readsHost` (else the host is nil).
    package static func connection(_ value: ByteSlice, readsHost: Bool = true) -> (date: Int64?, address: IPAddress?, host: String?) {
        value.withUnsafeBufferPointer { buffer in
            let (from, date) = ReceivedField.readFromAndDate(buffer, in: value, readingForgedPhrase: false)
            guard let from else { return (date?.secondsSince1970, nil, nil) }
            let host: String?
            if !readsHost {
                host = nil
            } else if let range = from.reverseDNS {
                host = reverseDNSName(UnsafeBufferPointer(rebasing: buffer[range]), in: value, range).name
            } else if let range = from.helo {
                host = heloName(UnsafeBufferPointer(rebasing: buffer[range]), in: value, range)
            } else {
                host = nil
            }
            return (date?.secondsSince1970, from.ip, host)
        }
    }

    /// The reverse-DNS name at `range` (its bytes `name`) of `value`'s bytes, lower case, without a trailing
    /// dot; and those bytes when they are ASCII.
    @inline(__always)
    private static func reverseDNSName(_ name: UnsafeBufferPointer<UInt8>, in value: ByteSlice, _ range: Range<Int>)
        -> (name: String, ascii: UnsafeBufferPointer<UInt8>?)
    {
        var name = name
        if ASCII.isASCII(name) {
            // ASCII: lower-casing and the trailing dot are the bytes' (no grapheme joins a `.`).
            if name.last == ASCII.dot { name = UnsafeBufferPointer(rebasing: name.dropLast()) }
            return (lowercasedASCII(name), name)
        }
        var text = CharsetDecoder.utf8OrWindows1252(slice(value, range)).lowercasedIfNeeded()
        if text.hasSuffix(".") { text.removeLast() }
        return (text, nil)
    }

    /// The HELO name at `range` (its bytes `name`) of `value`'s bytes, lower case.
    @inline(__always)
    private static func heloName(_ name: UnsafeBufferPointer<UInt8>, in value: ByteSlice, _ range: Range<Int>) -> String {
        ASCII.isASCII(name) ? lowercasedASCII(name) : CharsetDecoder.utf8OrWindows1252(slice(value, range)).lowercasedIfNeeded()
    }

    /// `value[range]`, `range` an offset range into its bytes.
    private static func slice(_ value: ByteSlice, _ range: Range<Int>) -> ByteSlice {
        value[(value.startIndex + range.lowerBound)..<(value.startIndex + range.upperBound)]
    }

    /// ASCII bytes lower-cased, as a String: the bytes as they are when they hold no capital letter, as
    /// host names nearly always do (no second pass to lower-case them). Every caller has checked the
    /// bytes ASCII (`ASCII.isASCII`), so the String is made without a second check.
    private static func lowercasedASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        // Eight bytes at a time: a word holds a capital letter when lower-casing it changes it
        // (`ByteWord.lowercased`, exact per byte); the last few bytes one at a time.
        var i = 0
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            while i + 8 <= bytes.count {
                let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if ByteWord.lowercased(word) != word { return ASCII.lowercasedString(bytes) }
                i += 8
            }
        }
        while i < bytes.count {
            if ASCII.isUppercase(bytes[i]) { return ASCII.lowercasedString(bytes) }
            i += 1
        }
        // Unchecked: `String(decoding:)` checked the ASCII bytes again (~55 instructions a name).
        return UncheckedUTF8.asciiString(bytes)
    }

    /// Whether the two byte strings are equal, ASCII letters compared without case.
    private static func equalIgnoringCase(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        // Eight bytes of each at a time, lower-cased by `ByteWord.lowercased` (`ASCII.lowercased` of
        // each byte); the last few bytes one at a time. Every load ends at or before `a.count`.
        var i = 0
        if let baseA = UnsafeRawPointer(a.baseAddress), let baseB = UnsafeRawPointer(b.baseAddress) {
            while i + 8 <= a.count {
                let wordA = baseA.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let wordB = baseB.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if wordA != wordB, ByteWord.lowercased(wordA) != ByteWord.lowercased(wordB) { return false }
                i += 8
            }
        }
        while i < a.count {
            if ASCII.lowercased(a[i]) != ASCII.lowercased(b[i]) { return false }
            i += 1
        }
        return true
    }
}

extension Array where Element == ReceivedHop {
    /// The index of the newest hop with a public address that is no mail fetcher's
    /// (`ReceivedHop.fetchedFromMailbox`): the host that handed the message over from the Internet, as
    /// the server it was handed to recorded it. Nil when there is none.
    public var topPublicIndex: Int? {
        firstIndex { $0.address?.isPublic == true && !$0.fetchedFromMailbox }
    }
}
