/// An IPv4 or IPv6 address, as found in Received fields, SMTP replies and site profiles.
///
/// Parsing accepts dotted-quad IPv4 and RFC 4291 §2.2 IPv6 text (with `::`, an embedded dotted quad,
/// upper or lower case), optionally wrapped as an address literal (`[192.0.2.1]`, `[IPv6:2001:db8::1]`,
/// RFC 5321 §4.1.3), with a zone index (`fe80::1%eth0`, dropped) or a port after the literal
/// (`[192.0.2.1]:2222`, dropped). IPv4-mapped IPv6 (`::ffff:192.0.2.1`) becomes the IPv4 address, so
/// network membership does not depend on how a relay wrote it. Text is canonical: RFC 5952 for IPv6.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address family.
    public enum Family: Sendable, Hashable {
        /// IPv4, 32 bits.
        case v4
        /// IPv6, 128 bits.
        case v6
    }

    /// The address family.
    public let family: Family
    /// The upper 64 bits (IPv6), or 0 (IPv4).
    private let high: UInt64
    /// The lower 64 bits (IPv6), or the 32-bit IPv4 address.
    private let low: UInt64

    private init(family: Family, high: UInt64, low: UInt64) {
        self.family = family
        self.high = high
        self.low = low
    }

    /// The address as a key that orders addresses: its family (0 IPv4, 1 IPv6) and its bits. Two
    /// addresses are equal exactly when their keys are (for sorted lists looked up by binary search,
    /// `IPAddressList`, where a `Set` hashed each address asked: ~250 instructions).
    package var orderKey: (family: UInt8, high: UInt64, low: UInt64) { (family == .v4 ? 0 : 1, high, low) }

    /// An IPv4 address from its 32-bit value (network order as a number: 192.0.2.1 is 0xC0000201).
    public init(ipv4 value: UInt32) { self.init(family: .v4, high: 0, low: UInt64(value)) }

    /// Parses address text; nil when it is not an address. Read in the String's own bytes: copied
    /// into an array first, a host name that is no address cost ~800 instructions (bsd.mbox x3, the
    /// classifier's 459 HELO names with a dot).
    public init?(_ text: String) {
        var text = text
        guard let address = text.withUTF8({ IPAddress(bytes: $0) }) else { return nil }
        self = address
    }

    /// Parses address bytes; nil when they are not an address.
    public init?(bytes: ByteSlice) {
        guard let address = bytes.withUnsafeBufferPointer({ IPAddress(bytes: $0) }) else { return nil }
        self = address
    }

    /// Parses address bytes through a buffer pointer (the slice's `trimmingWhitespace`, `firstIndex`
    /// and sub-slices, each checking bounds and retaining the array, were ~540 instructions an address
    /// on the sisimai bsd mbox x3). Every offset is guarded by `end`, at most `bytes.count`.
    init?(bytes: UnsafeBufferPointer<UInt8>) {
        // The shape nearly every Received address has, `[192.0.2.1]` or `192.0.2.1` and nothing else,
        // read in one tight pass; anything else (a failure here sets nothing) by the general reading
        // below, which gives the same address for these (IPAddress.init(bytes:) 1.16M -> 0.61M on the
        // sisimai bsd mbox x3, 4,446 calls).
        if let quad = Self.plainDottedQuad(bytes) {
            self.init(ipv4: quad)
            return
        }
        var start = 0, end = bytes.count
        while start < end, ASCII.isWhitespaceOrNewline(bytes[start]) { start += 1 }
        while end > start, ASCII.isWhitespaceOrNewline(bytes[end - 1]) { end -= 1 }
        // An address literal's "]" is found by the loop below, which stops there, or after it (a
        // search for it first read a literal's bytes twice: IPAddress.init(bytes:) 1.13M -> 1.10M for the
        // 3,945 addresses of the sisimai bsd mbox x3). "ipv6:" holds no "]": its test up to the
        // trimmed end is its test up to the "]".
        let trimmedEnd = end
        let bracketed = start < end && bytes[start] == ASCII.openBracket
        if bracketed { start += 1 }
        if start < end, bytes[start] | 0x20 == UInt8(ascii: "i"),
           UnsafeBufferPointer(rebasing: bytes[start..<end]).hasPrefixCaseInsensitive("ipv6:") { start += 5 }
        // A zone index ends the address ("fe80::1%eth0"); a colon before it makes it IPv6. Until a
        // colon the bytes are read as a dotted quad in the same pass (`parseV4`'s rules; a separate
        // search for the colon and then the quad were ~300 instructions an address).
        var quad: UInt32 = 0, parts = 0, part: UInt32 = 0, digits = 0
        var isQuad = true
        var k = start
        while k < end {
            let b = bytes[k]
            let digit = b &- ASCII.zero
            if digit <= 9 {
                part = part &* 10 &+ UInt32(digit)  // at most 3 digits are kept: no overflow
                digits += 1
                if digits > 3 || part > 255 { isQuad = false; part = 0; digits = 0 }
            } else if b == ASCII.dot {
                if digits > 0, parts < 3 {
                    quad = quad << 8 | part
                    parts += 1
                    part = 0
                    digits = 0
                } else {
                    isQuad = false
                }
            } else if b == UInt8(ascii: "%") {
                end = k
                break
            } else if b == ASCII.colon {
                break
            } else if hexValue(b) != nil {
                isQuad = false  // an IPv6 group, if a colon follows
            } else {
                // Neither IPv4 nor the hex digits IPv6 has before its first colon (Received words like
                // "forged" and "authenticated" end here, not at their end), nor a literal's "]".
                guard bracketed, b == ASCII.closeBracket else { return nil }
                break
            }
            k += 1
        }
        if bracketed {
            // The first "]" at or after where the loop stopped (none before it): the address ends
            // there at the latest.
            var close = k
            while close < trimmedEnd, bytes[close] != ASCII.closeBracket { close += 1 }
            guard close < trimmedEnd else { return nil }
            // After "]" only a port may follow: "[192.0.2.1]:2222" (Exim), "[IPv6:...]".
            if close + 1 < trimmedEnd {
                guard bytes[close + 1] == ASCII.colon else { return nil }
                for j in (close + 2)..<trimmedEnd where !ASCII.isDigit(bytes[j]) { return nil }
            }
            end = min(end, close)
        }
        if k == end {
            // No colon: IPv4 or nothing.
            guard isQuad, digits > 0, parts == 3 else { return nil }
            self.init(ipv4: quad << 8 | part)
            return
        }
        // IPv6: the zone index may come after the colon.
        while k < end, bytes[k] != UInt8(ascii: "%") { k += 1 }
        end = k
        guard end - start <= 45 else { return nil }
        guard let (high, low) = Self.parseV6(UnsafeBufferPointer(rebasing: bytes[start..<end])) else { return nil }
        if high == 0, low >> 32 == 0xFFFF {
            self.init(ipv4: UInt32(truncatingIfNeeded: low))  // IPv4-mapped (RFC 4291 §2.5.5.2)
        } else {
            self.init(family: .v6, high: high, low: low)
        }
    }

    /// The value of `bytes` when they are exactly a dotted quad, `[` and `]` around it or not: four
    /// parts of one to three digits, each at most 255, apart by single dots (`parseV4`'s rules, leading
    /// zeros allowed); nil for anything else.
    @inline(__always)
    static func plainDottedQuad(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32? {
        var i = 0, end = bytes.count
        guard end >= 7 else { return nil }
        if bytes[0] == ASCII.openBracket {
            guard bytes[end &- 1] == ASCII.closeBracket else { return nil }
            i = 1
            end &-= 1
        }
        var quad: UInt32 = 0
        for part in 0..<4 {
            if part > 0 {
                guard i < end, bytes[i] == ASCII.dot else { return nil }
                i &+= 1
            }
            guard i < end else { return nil }
            var value = UInt32(bytes[i] &- ASCII.zero)
            guard value <= 9 else { return nil }
            i &+= 1
            // Up to two more digits.
            if i < end, bytes[i] &- ASCII.zero <= 9 {
                value = value &* 10 &+ UInt32(bytes[i] &- ASCII.zero)
                i &+= 1
                if i < end, bytes[i] &- ASCII.zero <= 9 {
                    value = value &* 10 &+ UInt32(bytes[i] &- ASCII.zero)
                    i &+= 1
                }
            }
            guard value <= 255 else { return nil }
            quad = quad &<< 8 | value
        }
        return i == end ? quad : nil
    }

    /// Whether it is a public unicast address: not private (RFC 1918), loopback, "this network",
    /// link-local (RFC 3927, RFC 4291 §2.5.6), shared CGNAT space (RFC 6598) or unique-local (RFC 4193),
    /// and not `::` or `::x`. Read from the bits, without the `bytes` array.
    public var isPublic: Bool {
        switch family {
        case .v4:
            let first = (low >> 24) & 0xFF, second = (low >> 16) & 0xFF
            if first == 10 || first == 127 || first == 0 { return false }
            if first == 172, (16...31).contains(second) { return false }
            if first == 192, second == 168 { return false }
            if first == 169, second == 254 { return false }
            if first == 100, (64...127).contains(second) { return false }
            return true
        case .v6:
            if high == 0, low >> 8 == 0 { return false }                // ::, ::1 and the like
            if high >> 56 == 0xFE, (high >> 48) & 0xC0 == 0x80 { return false }  // fe80::/10
            if (high >> 56) & 0xFE == 0xFC { return false }             // fc00::/7
            return true
        }
    }

    /// The address bytes in network order: 4 for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        switch family {
        case .v4: return (0..<4).map { UInt8(truncatingIfNeeded: low >> (24 - 8 * UInt64($0))) }
        case .v6:
            return (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64($0))) }
                + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64($0))) }
        }
    }

    /// Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as `::`).
    public var description: String {
        switch family {
        case .v4:
            // Written digit by digit straight into the String's storage, the octets read from the bits:
            // this runs for every Received hop the classifier reads. (The `bytes` array, a growing array
            // of the text and a String decoded from it cost ~1,450 instructions an address on the
            // sisimai bsd mbox x3, 3,164 addresses, 4.61M.) At most 15 bytes: four octets of at most
            // three digits and three dots.
            let value = low
            return String(unsafeUninitializedCapacity: 15) { text in
                var n = 0
                for i in 0..<4 {
                    let octet = UInt8(truncatingIfNeeded: value >> UInt64(24 - 8 * i))
                    if i > 0 { text[n] = ASCII.dot; n += 1 }
                    if octet >= 100 { text[n] = 0x30 + octet / 100; n += 1 }
                    if octet >= 10 { text[n] = 0x30 + octet / 10 % 10; n += 1 }
                    text[n] = 0x30 + octet % 10
                    n += 1
                }
                return n
            }
        case .v6:
            // Written straight into the String's storage, the groups read from the bits (an array of the
            // groups, a String per group joined, and the two halves concatenated cost ~5,000 instructions
            // an address: sisimai bsd x3, 40 addresses read 80 times, 0.21M). At most 39 bytes: eight
            // groups of at most four digits and seven colons.
            let (high, low) = (high, low)
            @inline(__always) func group(_ i: Int) -> UInt16 {
                UInt16(truncatingIfNeeded: (i < 4 ? high : low) >> UInt64(48 - 16 * (i & 3)))
            }
            // RFC 5952 §4.2: the longest run (>= 2) of zero groups, the first on a tie.
            var bestStart = -1, bestLength = 0, runStart = -1
            for i in 0...8 {
                if i < 8, group(i) == 0 {
                    if runStart < 0 { runStart = i }
                } else if runStart >= 0 {
                    if i - runStart > bestLength, i - runStart >= 2 { bestStart = runStart; bestLength = i - runStart }
                    runStart = -1
                }
            }
            return String(unsafeUninitializedCapacity: 39) { text in
                var n = 0
                var i = 0
                while i < 8 {
                    if i == bestStart {
                        text[n] = ASCII.colon
                        text[n + 1] = ASCII.colon
                        n += 2
                        i += bestLength
                        continue
                    }
                    // A colon between groups, none after the `::`.
                    if i > 0, i != bestStart + bestLength { text[n] = ASCII.colon; n += 1 }
                    // Lower-case hex without leading zeros (`String(_:radix: 16)`), at least one digit.
                    let g = group(i)
                    var shift: UInt16 = 12
                    while shift > 0, (g >> shift) & 0xF == 0 { shift -= 4 }
                    while true {
                        let digit = UInt8(truncatingIfNeeded: (g >> shift) & 0xF)
                        text[n] = digit < 10 ? ASCII.zero + digit : UInt8(ascii: "a") - 10 + digit
                        n += 1
                        if shift == 0 { break }
                        shift -= 4
                    }
                    i += 1
                }
                return n
            }
        }
    }

    /// Whether this address lies in `network`/`prefixLength` (same family only; lengths are clamped to
    /// 0...32 or 0...128).
    public func isIn(network: IPAddress, prefixLength: Int) -> Bool {
        guard family == network.family else { return false }
        switch family {
        case .v4:
            let length = max(0, min(32, prefixLength))
            if length == 0 { return true }
            let mask = UInt64(UInt32.max << UInt32(32 - length))
            return low & mask == network.low & mask
        case .v6:
            let length = max(0, min(128, prefixLength))
            let highMask: UInt64 = length >= 64 ? .max : (length == 0 ? 0 : UInt64.max << UInt64(64 - length))
            let lowMask: UInt64 = length <= 64 ? 0 : (length == 128 ? .max : UInt64.max << UInt64(128 - length))
            return high & highMask == network.high & highMask && low & lowMask == network.low & lowMask
        }
    }

    /// Parses `192.0.2.0/24` or `2001:db8::/32` (a bare address is a full-length prefix).
    public static func parseNetwork(_ text: String) -> (address: IPAddress, prefixLength: Int)? {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let address = IPAddress(String(first)) else { return nil }
        let maxLength = address.family == .v4 ? 32 : 128
        guard parts.count == 2 else { return (address, maxLength) }
        guard let length = Int(parts[1]), (0...maxLength).contains(length) else { return nil }
        return (address, length)
    }

    /// Dotted quad, each part 1-3 decimal digits up to 255.
    static func parseV4(_ text: UnsafeBufferPointer<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var parts = 0
        var part: UInt32 = 0
        var digits = 0
        for b in text {
            if ASCII.isDigit(b) {
                part = part * 10 + UInt32(b - ASCII.zero)
                digits += 1
                if digits > 3 || part > 255 { return nil }
            } else if b == ASCII.dot {
                guard digits > 0, parts < 3 else { return nil }
                value = value << 8 | part
                parts += 1
                part = 0
                digits = 0
            } else {
                return nil
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        return value << 8 | part
    }

    /// RFC 4291 §2.2 text forms. The groups before `::` and after it are gathered as 128-bit numbers
    /// (arrays of them were two allocations an address); more than eight groups is never an address.
    static func parseV6(_ text: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        var head: UInt128 = 0, tail: UInt128 = 0
        var headCount = 0, tailCount = 0
        var sawDoubleColon = false
        var i = 0
        let end = text.count
        /// Adds a group before or after the `::`; false when there are more than eight.
        func append(_ group: UInt16) -> Bool {
            guard headCount + tailCount < 8 else { return false }
            if sawDoubleColon { tail = tail << 16 | UInt128(group); tailCount += 1 } else { head = head << 16 | UInt128(group); headCount += 1 }
            return true
        }
        if end >= 2, text[i] == ASCII.colon {
            guard text[i + 1] == ASCII.colon else { return nil }
            sawDoubleColon = true
            i += 2
        }
        while i < end {
            // One group: hex digits, or a final dotted quad.
            var j = i
            var value: UInt32 = 0
            while j < end, let v = hexValue(text[j]), j - i < 4 {
                value = value << 4 | UInt32(v)
                j += 1
            }
            if j < end, text[j] == ASCII.dot {
                guard let v4 = parseV4(UnsafeBufferPointer(rebasing: text[i..<end])),
                      append(UInt16(truncatingIfNeeded: v4 >> 16)), append(UInt16(truncatingIfNeeded: v4)) else { return nil }
                i = end
                break
            }
            guard j > i, append(UInt16(value)) else { return nil }
            i = j
            if i == end { break }
            guard text[i] == ASCII.colon else { return nil }
            i += 1
            if i < end, text[i] == ASCII.colon {
                guard !sawDoubleColon else { return nil }
                sawDoubleColon = true
                i += 1
            } else if i == end {
                return nil  // trailing single colon
            }
        }
        let count = headCount + tailCount
        if sawDoubleColon { guard count <= 7 else { return nil } } else { guard count == 8 else { return nil } }
        // The zero groups of `::` lie between the head and the tail.
        let groups = (headCount == 0 ? 0 : head << (16 * (8 - headCount))) | tail
        return (UInt64(truncatingIfNeeded: groups >> 64), UInt64(truncatingIfNeeded: groups))
    }
}
