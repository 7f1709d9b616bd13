import MailParsing

/// Names numbered in the order first seen and counted, as a `[String: Int]` map of counts would keep
/// them, with an `ASCIIKeyCache` in front: a name seen before and ASCII is found by its bytes, not
/// hashed and compared as a String (the stream pass's victims, reflectors and made-up recipients,
/// inference's delivery domains: sisimai bsd mbox x3, ~600 instructions a lookup by String). Each name
/// is held as first spelled (canonically equal names share one place and one count, as in the map).
///
/// The map is made only when a name is not ASCII (or one the cache cannot hold comes): until then every
/// name numbered is ASCII and held by the cache, so a name it does not hold is new, and ASCII names are
/// equal as Strings only when their bytes are. (Each new name hashed into the map, and the map grown,
/// cost ~0.5M instructions on the sisimai bsd mbox x3, its names all ASCII.)
struct CountedNames: Sendable {
    /// Each name's place in `names` and `counts`, once `indexed`: then the authority (the cache only
    /// repeats its answers). Empty before.
    private var places: [String: Int32] = [:]
    /// Whether `places` holds every name: else every name is ASCII and held by `cache`.
    private var indexed = false
    /// The room `places` is made with.
    private let capacity: Int
    private var cache = ASCIIKeyCache()
    /// The names, in the order first numbered.
    private(set) var names: [String] = []
    /// Each name's count, by place.
    private(set) var counts: [Int] = []

    /// An empty count; `capacity` names are held without the map growing, once it is made.
    init(capacity: Int = 0) {
        self.capacity = capacity
    }

    /// The number of names numbered.
    var count: Int { names.count }

    /// `name`'s place, numbered (with a count of 0) when it is new and fewer than `limit` are held.
    /// - Returns: the place and whether it was new; nil when it is new and there is no room.
    mutating func number(_ name: String, limit: Int) -> (place: Int, isNew: Bool)? {
        let next = Int32(truncatingIfNeeded: names.count)
        if !indexed {
            switch cache.find(name) {
            case .held(let place):
                return (Int(place), false)
            case .absent:
                // ASCII and not held: new (every name numbered is held).
                guard names.count < limit else { return nil }
                if !cache.insert(name, value: next) {
                    // The cache could not hold it: the map takes over.
                    index()
                    places[name] = next
                }
                names.append(name)
                counts.append(0)
                return (Int(next), true)
            case .notASCII:
                index()
            }
        } else if let place = cache.value(for: name) {
            return (Int(place), false)
        }
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

    /// Makes the map of every name's place (`indexed`).
    private mutating func index() {
        places.reserveCapacity(Swift.max(capacity, names.count + 1))
        for (place, name) in names.enumerated() { places[name] = Int32(truncatingIfNeeded: place) }
        indexed = true
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

    /// `name`'s place when it is numbered; nothing is numbered or cached (the map is made for a name
    /// that is not ASCII).
    mutating func place(of name: String) -> Int? {
        if !indexed {
            switch cache.find(name) {
            case .held(let place): return Int(place)
            case .absent: return nil
            case .notASCII: index()
            }
        }
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
