import MailParsing

/// Names numbered in the order first seen and counted, as a `[String: Int]` map of counts would keep
/// them, with an `ASCIIKeyCache` in front: a name seen before and ASCII is found by its bytes, not
/// hashed and compared as a String (the stream pass's victims, reflectors and made-up recipients,
/// inference's delivery domains: sisimai bsd mbox x3, ~600 instructions a lookup by String). Each name
/// is held as first spelled (canonically equal names share one place and one count, as in the map).
struct CountedNames: Sendable {
    /// Each name's place in `names` and `counts`: the authority (the cache only repeats its answers).
    private var places: [String: Int32] = [:]
    private var cache = ASCIIKeyCache()
    /// The names, in the order first numbered.
    private(set) var names: [String] = []
    /// Each name's count, by place.
    private(set) var counts: [Int] = []

    /// An empty count; `capacity` names are held without the map growing.
    init(capacity: Int = 0) {
        if capacity > 0 { places.reserveCapacity(capacity) }
    }

    /// The number of names numbered.
    var count: Int { names.count }

    /// `name`'s place, numbered (with a count of 0) when it is new and fewer than `limit` are held.
    /// - Returns: the place and whether it was new; nil when it is new and there is no room.
    mutating func number(_ name: String, limit: Int) -> (place: Int, isNew: Bool)? {
        if let place = cache.value(for: name) { return (Int(place), false) }
        let next = Int32(truncatingIfNeeded: names.count)
        let place: Int32
        if places.count < limit {
            // Found or numbered in one lookup; the default a constant (one that captured `next`
            // allocated twice a call).
            place = Self.placed(&places[name, default: -1], next: next)
        } else {
            place = places[name] ?? -1
        }
        guard place >= 0 else { return nil }
        cache.insert(name, value: place)
        guard place == next else { return (Int(place), false) }
        names.append(name)
        counts.append(0)
        return (Int(place), true)
    }

    /// Adds one to `name`'s count: a new name only while fewer than `limit` are held.
    /// - Returns: the name's place and whether it was new; nil when it is new and there is no room.
    @discardableResult
    mutating func add(_ name: String, limit: Int) -> (place: Int, isNew: Bool)? {
        guard let numbered = number(name, limit: limit) else { return nil }
        counts[numbered.place] += 1
        return numbered
    }

    /// `add(_:limit:)` of the name whose bytes are `bytes`, all ASCII: found by them when seen before,
    /// made a String only when not.
    @discardableResult
    mutating func add(asciiBytes bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> (place: Int, isNew: Bool)? {
        if let place = cache.value(for: bytes) {
            counts[Int(place)] += 1
            return (Int(place), false)
        }
        return add(UncheckedUTF8.asciiString(bytes), limit: limit)
    }

    /// Adds `count` to the count at `place` (one `number` gave).
    mutating func add(_ count: Int, at place: Int) { counts[place] += count }

    /// `name`'s place when it is numbered; nothing is numbered or cached.
    func place(of name: String) -> Int? {
        if let place = cache.value(for: name) { return Int(place) }
        return places[name].map(Int.init)
    }

    /// The place of the name whose UTF-8 bytes are `bytes` when the cache holds it (ASCII and seen
    /// before); nil says only "ask `number` with the String".
    func cachedPlace(ofBytes bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        cache.value(for: bytes).map(Int.init)
    }

    /// The number at `place`, which is given `next` when it holds none (a negative number).
    @inline(__always)
    private static func placed(_ place: inout Int32, next: Int32) -> Int32 {
        if place < 0 { place = next }
        return place
    }
}
