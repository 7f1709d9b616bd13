import MailParsing

/// A set of IP addresses asked whether it holds one, as a sorted list of their keys
/// (`IPAddress.orderKey`) searched by halves: the relays' addresses, asked of every returned
/// original's hops. (A `Set<IPAddress>` hashed each address asked, three values through `Hasher`:
/// sisimai bsd x3, zero-config with 18 relays, ~250 instructions a lookup over ~1,700 lookups.)
struct IPAddressList: Sendable {
    /// The addresses' keys, sorted, without repeats.
    private let keys: [(family: UInt8, high: UInt64, low: UInt64)]

    /// The list of `addresses` (repeats are held once).
    init(_ addresses: some Sequence<IPAddress>) {
        var keys = addresses.map(\.orderKey)
        keys.sort { $0 < $1 }
        var distinct: [(family: UInt8, high: UInt64, low: UInt64)] = []
        distinct.reserveCapacity(keys.count)
        for key in keys where distinct.last.map({ $0 != key }) ?? true { distinct.append(key) }
        self.keys = distinct
    }

    /// Whether it holds no address.
    var isEmpty: Bool { keys.isEmpty }

    /// The number of addresses held.
    var count: Int { keys.count }

    /// Whether `address` is one of the addresses. O(log n).
    func contains(_ address: IPAddress) -> Bool {
        let key = address.orderKey
        return keys.withUnsafeBufferPointer { keys in
            var lo = 0, hi = keys.count
            while lo < hi {
                let mid = lo + (hi - lo) / 2
                if keys[mid] < key { lo = mid + 1 } else { hi = mid }
            }
            return lo < keys.count && keys[lo] == key
        }
    }
}
