/// An IPv4 or IPv6 address with its bits exposed (used by the classifier's HostShape).
///
/// `NetworkSet` now uses MailParsing's `IPAddress`; this type stays because Evidence/HostShape.swift reads
/// `high` to classify address ranges. New code should use `IPAddress`.
///
/// Minimal on purpose: parsing from text (as written in profiles and in Received fields) and prefix
/// comparison. IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, RFC 4291 §2.5.5.2) are taken as the IPv4
/// address they carry, so that either spelling matches an IPv4 network.
package struct NetworkAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address family.
    package enum Family: Sendable, Hashable { case ipv4, ipv6 }

    package let family: Family
    /// The address's bits, left-aligned: an IPv4 address occupies the top 32 bits of `high`.
    package let high: UInt64
    package let low: UInt64

    /// The number of bits in an address of this family.
    package var bitCount: Int { family == .ipv4 ? 32 : 128 }

    package init(ipv4 value: UInt32) {
        family = .ipv4
        high = UInt64(value) << 32
        low = 0
    }

    package init(ipv6High high: UInt64, low: UInt64) {
        // RFC 4291 §2.5.5.2: ::ffff:0:0/96 holds an IPv4 address.
        if high == 0, low >> 32 == 0xFFFF {
            self.init(ipv4: UInt32(truncatingIfNeeded: low))
        } else {
            self.init(family: .ipv6, high: high, low: low)
        }
    }

    /// Parses an address as written in a profile or a Received field: `192.0.2.1`, `2001:db8::1`,
    /// `[192.0.2.1]`, `[IPv6:2001:db8::1]` (RFC 5321 §4.1.3 address literal), with an optional `%zone`.
    package init?(_ text: some StringProtocol) {
        var bytes = Array(text.utf8)[...]
        while let f = bytes.first, f == 0x20 || f == 0x09 { bytes = bytes.dropFirst() }
        while let l = bytes.last, l == 0x20 || l == 0x09 { bytes = bytes.dropLast() }
        if bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") {
            bytes = bytes.dropFirst().dropLast()
        }
        if bytes.count > 5, bytes.prefix(5).map({ $0 | 0x20 }) == Array("ipv6:".utf8) {
            bytes = bytes.dropFirst(5)
        }
        if let zone = bytes.firstIndex(of: UInt8(ascii: "%")) { bytes = bytes[..<zone] }
        if bytes.contains(UInt8(ascii: ":")) {
            guard let (high, low) = Self.parseIPv6(bytes) else { return nil }
            self.init(ipv6High: high, low: low)
        } else {
            guard let v4 = Self.parseIPv4(bytes) else { return nil }
            self.init(ipv4: v4)
        }
    }

    /// RFC 791 dotted quad: four decimal numbers 0-255 (at most three digits each).
    package static func parseIPv4(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var parts = 0
        var current: UInt32 = 0
        var digits = 0
        for b in bytes {
            if b == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return nil }
                value = value << 8 | current
                parts += 1
                current = 0
                digits = 0
            } else if b >= 0x30, b <= 0x39 {
                digits += 1
                guard digits <= 3 else { return nil }
                current = current * 10 + UInt32(b - 0x30)
                guard current <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard parts == 3, digits > 0 else { return nil }
        return value << 8 | current
    }

    /// RFC 4291 §2.2: eight groups of up to four hex digits, one `::` for a run of zero groups, and an
    /// optional dotted-quad tail for the last 32 bits.
    package static func parseIPv6(_ bytes: ArraySlice<UInt8>) -> (UInt64, UInt64)? {
        var groups: [UInt16] = []
        var gapAt: Int?
        var i = bytes.startIndex
        let end = bytes.endIndex
        if i + 1 < end, bytes[i] == UInt8(ascii: ":"), bytes[i + 1] == UInt8(ascii: ":") {
            gapAt = 0
            i += 2
        } else if i < end, bytes[i] == UInt8(ascii: ":") {
            return nil
        }
        while i < end {
            // A dotted-quad tail?
            var j = i
            while j < end, bytes[j] != UInt8(ascii: ":") { j += 1 }
            let part = bytes[i..<j]
            if part.contains(UInt8(ascii: ".")) {
                guard j == end, let v4 = parseIPv4(part) else { return nil }
                groups.append(UInt16(v4 >> 16))
                groups.append(UInt16(v4 & 0xFFFF))
                i = j
                break
            }
            guard !part.isEmpty, part.count <= 4 else { return nil }
            var group: UInt16 = 0
            for b in part {
                let v: UInt8
                switch b {
                case 0x30...0x39: v = b - 0x30
                case 0x41...0x46: v = b - 0x41 + 10
                case 0x61...0x66: v = b - 0x61 + 10
                default: return nil
                }
                group = group << 4 | UInt16(v)
            }
            groups.append(group)
            guard groups.count <= 8 else { return nil }
            i = j
            if i < end {
                // At a colon: "::" marks the gap (once), ":" separates.
                i += 1
                if i < end, bytes[i] == UInt8(ascii: ":") {
                    guard gapAt == nil else { return nil }
                    gapAt = groups.count
                    i += 1
                } else if i == end {
                    return nil
                }
            }
        }
        if let gap = gapAt {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gap)
        }
        guard groups.count == 8 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for k in 0..<4 { high = high << 16 | UInt64(groups[k]) }
        for k in 4..<8 { low = low << 16 | UInt64(groups[k]) }
        return (high, low)
    }

    /// The address with all bits after the first `prefixLength` cleared.
    package func masked(to prefixLength: Int) -> NetworkAddress {
        let n = max(0, min(prefixLength, bitCount))
        let highMask: UInt64 = n >= 64 ? ~0 : (n == 0 ? 0 : ~0 << UInt64(64 - n))
        let lowMask: UInt64 = n <= 64 ? 0 : (n >= 128 ? ~0 : ~0 << UInt64(128 - n))
        return NetworkAddress(family: family, high: high & highMask, low: low & lowMask)
    }

    private init(family: Family, high: UInt64, low: UInt64) {
        self.family = family
        self.high = high
        self.low = low
    }

    /// The usual text form: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as `::`).
    package var description: String {
        switch family {
        case .ipv4:
            let v = UInt32(truncatingIfNeeded: high >> 32)
            return "\(v >> 24).\(v >> 16 & 0xFF).\(v >> 8 & 0xFF).\(v & 0xFF)"
        case .ipv6:
            var groups: [UInt16] = []
            for k in (0..<4).reversed() { groups.append(UInt16(truncatingIfNeeded: high >> UInt64(k * 16))) }
            for k in (0..<4).reversed() { groups.append(UInt16(truncatingIfNeeded: low >> UInt64(k * 16))) }
            // RFC 5952 §4.2: the longest run (of two or more) of zero groups becomes "::", the first if tied.
            var bestStart = -1, bestLength = 1
            var k = 0
            while k < 8 {
                if groups[k] == 0 {
                    var e = k
                    while e < 8, groups[e] == 0 { e += 1 }
                    if e - k > bestLength { bestStart = k; bestLength = e - k }
                    k = e
                } else {
                    k += 1
                }
            }
            func hex(_ range: Range<Int>) -> String {
                groups[range].map { String($0, radix: 16) }.joined(separator: ":")
            }
            if bestStart < 0 { return hex(0..<8) }
            return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
        }
    }
}
