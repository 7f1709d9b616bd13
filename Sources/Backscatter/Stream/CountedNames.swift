/// Counts by name, as a `[String: Int]` map of counts would keep them, with an `ASCIIKeyCache` in front:
/// a name seen before and ASCII is found by its bytes, not hashed and compared as a String (the stream
/// pass's reflectors and made-up recipients: sisimai bsd mbox x3, 812 lookups of 169 names, ~600
/// instructions each). Each name is held as first spelled (canonically equal names share one count,
/// as in the map).
struct CountedNames: Sendable {
    /// Each name's place in `names` and `counts`: the authority (the cache only repeats its answers).
    private var places: [String: Int32] = [:]
    private var cache = ASCIIKeyCache()
    /// The names, in the order first counted.
    private(set) var names: [String] = []
    /// Each name's count, by place.
    private(set) var counts: [Int] = []

    /// An empty count.
    init() {}

    /// The number of names counted.
    var count: Int { names.count }

    /// Adds one to `name`'s count: a new name only while fewer than `limit` are held.
    /// - Returns: the name's place and whether it was new; nil when it is new and there is no room.
    @discardableResult
    mutating func add(_ name: String, limit: Int) -> (place: Int, isNew: Bool)? {
        if let place = cache.value(for: name) {
            counts[Int(place)] += 1
            return (Int(place), false)
        }
        let next = Int32(truncatingIfNeeded: names.count)
        let place: Int32
        if places.count < limit {
            place = Self.placed(&places[name, default: -1], next: next)
        } else {
            place = places[name] ?? -1
        }
        guard place >= 0 else { return nil }
        cache.insert(name, value: place)
        if place == next {
            names.append(name)
            counts.append(1)
            return (Int(place), true)
        }
        counts[Int(place)] += 1
        return (Int(place), false)
    }

    /// The number at `place`, which is given `next` when it holds none (a negative number).
    @inline(__always)
    private static func placed(_ place: inout Int32, next: Int32) -> Int32 {
        if place < 0 { place = next }
        return place
    }
}
