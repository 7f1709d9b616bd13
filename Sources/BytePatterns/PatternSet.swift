#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Many patterns tried as one: a single PCRE2 alternation in which each alternative leaves a
/// `(*MARK)` naming its index, so one JIT-compiled scan says whether any pattern matches and which.
///
/// Built once (a `static let`), shared across threads for the same reasons as `BytePattern`.
public struct PatternSet: Sendable {
    /// The alternatives as given (regular-expression syntax).
    public let patterns: [String]
    /// The options the set was compiled with.
    public let options: PatternOptions
    /// Where every alternative begins with a literal: those literals, to find the few positions worth
    /// a PCRE2 call (see `LiteralPrefilter`). Built at once, or on first use in a set compiled on
    /// first use (`init(deferring:options:)`).
    fileprivate var prefilter: LiteralPrefilter? {
        switch literals {
        case .none: nil
        case .built(let prefilter): prefilter
        case .deferred(let lazy): lazy.prefilter
        }
    }
    /// Whether the set has a prefilter (built or to be).
    fileprivate var hasPrefilter: Bool { if case .none = literals { false } else { true } }
    private let literals: Literals
    /// For `hasMatch`, in a set with a prefilter: the set as a `PatternSetGroup` of one decides it,
    /// when every alternative is literals, groups of literals and `.*` (`LiteralChains`), by byte
    /// comparisons after one pass of an automaton; built on first use.
    private let phrases = LazyPhrasePlan()

    private enum Literals {
        case none
        case built(LiteralPrefilter)
        case deferred(LazyPrefilter)
    }
    /// The alternation: scanned by PCRE2 itself in a set without a prefilter; compiled `.anchored`
    /// and tried at the prefilter's candidates in a set with one (such a set compiles only this one:
    /// compiling and JIT-compiling patterns nobody runs was a fifth of all instructions of a scan of
    /// the 629 sisimai messages). Compiled at once, or on first use (`init(deferring:options:)`).
    private let alternation: Alternation

    private enum Alternation {
        case none
        case compiled(BytePattern)
        case deferred(LazyPattern)
    }

    /// The alternation, when the set has no prefilter.
    fileprivate var combined: BytePattern? { hasPrefilter ? nil : alternationPattern }
    /// The alternation compiled `.anchored`, when the set has a prefilter.
    fileprivate var anchored: BytePattern? { hasPrefilter ? alternationPattern : nil }
    /// Whether the set has an alternation (compiled or to be): false only for an empty set.
    fileprivate var hasAlternation: Bool { if case .none = alternation { false } else { true } }

    private var alternationPattern: BytePattern? {
        switch alternation {
        case .none: nil
        case .compiled(let pattern): pattern
        case .deferred(let lazy): lazy.compiled
        }
    }

    /// Compiles `patterns` into one alternation.
    /// - Throws: `BytePatternError` when the alternation does not compile; the message names the first
    ///   alternative that does not compile alone, if one does not.
    public init(_ patterns: [String], options: PatternOptions = [], limits: PatternLimits = .init()) throws(BytePatternError) {
        self.patterns = patterns
        self.options = options
        guard !patterns.isEmpty else { literals = .none; alternation = .none; return }
        let prefilter = LiteralPrefilter(alternatives: patterns, options: options)
        literals = prefilter.map { .built($0) } ?? .none
        do {
            let compiled = try PatternSet.compile(patterns, options: prefilter == nil ? options : options.union(.anchored), limits: limits)
            alternation = compiled.map { .compiled($0) } ?? .none
        } catch {
            // Name the culprit, not the whole alternation: the first alternative that does not compile alone.
            for p in patterns {
                do { _ = try BytePattern(p, options: options, limits: limits) } catch {
                    throw BytePatternError(message: "\(error.message) in alternative \"\(p)\"", patternOffset: error.patternOffset)
                }
            }
            throw error
        }
    }

    /// A set compiled on first use, by whichever thread uses it first: for tables built into the
    /// program, which the tests compile with `init(_:options:limits:)`, and of which a run may use
    /// only a few (the reason tables are searched through `PatternSetGroup`, which compiles each
    /// phrase alone: compiling every table's whole alternation at start-up was 5% of a scan of the
    /// 629 sisimai messages). A set whose alternation does not compile never matches on its own; in a
    /// `PatternSetGroup`, its alternatives that compile alone are still tried.
    public init(deferring patterns: [String], options: PatternOptions = []) {
        self.patterns = patterns
        self.options = options
        guard !patterns.isEmpty else { literals = .none; alternation = .none; return }
        // Whether there will be a prefilter, known without building it: the reason tables are searched
        // through a `PatternSetGroup`, which builds its own over all of them; building each table's
        // too was two thirds of the start-up cost of the tables.
        let prefiltered = LiteralPrefilter.isPossible(alternatives: patterns, options: options)
        literals = prefiltered ? .deferred(LazyPrefilter(patterns, options: options)) : .none
        alternation = .deferred(LazyPattern(alternation: patterns, options: prefiltered ? options.union(.anchored) : options))
    }

    private static func compile(_ patterns: [String], options: PatternOptions, limits: PatternLimits) throws(BytePatternError) -> BytePattern? {
        guard !patterns.isEmpty else { return nil }
        return try BytePattern(source(patterns), options: options, limits: limits)
    }

    /// The alternation of `patterns`, each leaving a `(*MARK)` with its index. Appended piece by piece
    /// (interpolating each piece cost ~4,400 instructions a pattern: 2.5M a run for the reason tables,
    /// whose alternations are built only when first compiled now).
    fileprivate static func source(_ patterns: [String]) -> String {
        var source = ""
        source.reserveCapacity(patterns.reduce(0) { $0 + $1.utf8.count + 16 })
        for (i, p) in patterns.enumerated() {
            if i > 0 { source += "|" }
            source += "(?:"
            source += p
            source += ")(*MARK:"
            source += String(i)
            source += ")"
        }
        return source
    }

    /// A set of literal phrases (each matched as written, no metacharacters).
    public init(literals: [String], options: PatternOptions = [.caseless]) {
        // Escaped literals always compile; an empty set yields a set that never matches.
        let escaped = literals.map(BytePattern.escaped)
        self.patterns = escaped
        self.options = options
        let prefilter = LiteralPrefilter(alternatives: escaped, options: options)
        self.literals = prefilter.map { .built($0) } ?? .none
        let compiled = try? PatternSet.compile(escaped, options: prefilter == nil ? options : options.union(.anchored), limits: .init())
        self.alternation = compiled.map { .compiled($0) } ?? .none
    }

    /// The leftmost match of any alternative and the index of the alternative that made it.
    public func firstMatch(in bytes: ArraySlice<UInt8>) -> (index: Int, match: PatternMatch)? {
        guard let found = bytes.withUnsafeBytes({ leftmost(in: $0) }) else { return nil }
        return (found.mark.flatMap { Int($0) } ?? 0, found.shifted(by: bytes.startIndex))
    }

    /// The leftmost match of any alternative in the UTF-8 bytes of `text`.
    public func firstMatch(in text: String) -> (index: Int, match: PatternMatch)? {
        var text = text
        guard let found = text.withUTF8({ leftmost(in: UnsafeRawBufferPointer($0)) }) else { return nil }
        return (found.mark.flatMap { Int($0) } ?? 0, found)
    }

    /// Whether any alternative matches `bytes`.
    public func hasMatch(in bytes: ArraySlice<UInt8>) -> Bool { bytes.withUnsafeBytes { matchesAnywhere(in: $0) } }

    /// Whether any alternative matches the UTF-8 bytes of `text`.
    public func hasMatch(in text: String) -> Bool {
        var text = text
        return text.withUTF8 { matchesAnywhere(in: UnsafeRawBufferPointer($0)) }
    }

    /// Whether any alternative matches `buffer`: decided by byte comparisons where every alternative
    /// is a phrase of literals (`phrases`), else the leftmost match's existence. The hasMatch calls of
    /// the recognisers and of `DiagnosticWords.isTemporary` on the sisimai bsd mbox x3 were 17.8M
    /// instructions through the prefilter's scan (12-15 a byte) and an anchored PCRE2 match at each
    /// candidate.
    fileprivate func matchesAnywhere(in buffer: UnsafeRawBufferPointer) -> Bool {
        if hasPrefilter, let plan = phrases.plan(for: self) { return plan.hasMatch(in: buffer) }
        return leftmost(in: buffer) != nil
    }

    /// The leftmost match: with a prefilter, an anchored PCRE2 match at each position where some
    /// alternative's literal start occurs (the same answer as PCRE2's own scan, which could match
    /// nowhere else); without one, PCRE2's scan.
    fileprivate func leftmost(in buffer: UnsafeRawBufferPointer) -> PatternMatch? {
        // A set of plain literals (`PatternSet(literals:)`): the leftmost literal, no PCRE2 (the
        // firstMatch calls of OriginalLocator and TextScan on the sisimai bsd mbox x3 were 14.7M
        // instructions through the prefilter's scan and PCRE2 at its candidates).
        if hasPrefilter, let plan = phrases.plan(for: self), plan.plainLiteralsOnly {
            guard let found = plan.leftmostLiteral(in: buffer) else { return nil }
            return PatternMatch(range: found.start..<(found.start + found.count), captures: [], mark: String(found.alternative))
        }
        guard let prefilter, let anchored else { return combined?.firstMatch(in: buffer) }
        return anchored.withMatchData { data in
            prefilter.forEachCandidate(in: buffer) { offset, _ in anchored.firstMatch(in: buffer, fromOffset: offset, data: data) }
        } ?? nil
    }
}

/// The literal bytes every alternative of a pattern set must start with, so that a scan can skip
/// the positions where no alternative can match. PCRE2 JIT tries every alternative of a large
/// alternation at every byte (the reason tables were the largest JIT share in `perf` on the sisimai
/// bsd mbox); a table lookup per byte and a byte comparison at the rare candidates cost far less.
///
/// Built only when each alternative starts with at least one literal byte (letters, digits,
/// punctuation, escaped metacharacters, not made optional by a quantifier) and the set is not
/// compiled with `.utf` or `.extended` (where case folding or ignored whitespace would change which
/// bytes a literal matches). With `.caseless`, ASCII letters compare without case, as PCRE2 does
/// without `.utf`.
///
/// A class, immutable once built: a pattern set hands its prefilter to every search, and as a struct
/// each hand-over copied its ten arrays (ten retains and releases; bsd.mbox x3 `--no-classify` 749.4M
/// -> 748.4M instructions as a class).
final class LiteralPrefilter: Sendable {
    /// A literal start of one or two bytes (folded when caseless): where its bytes are in
    /// `literalBytes`, and the set (group) its alternative belongs to. Plain values, so that the scan
    /// copies them without reference counting.
    struct Literal: Sendable {
        var start: Int
        var count: Int
        var group: Int
        /// The alternative's index within its group.
        var alternative: Int
    }
    /// A literal of three bytes or more that ends at a trie node: its bytes are the path to the node.
    struct Ending: Sendable {
        var group: Int
        /// The alternative's index within its group.
        var alternative: Int
    }
    /// A distinct first three bytes of long literals and the trie node for the bytes that follow.
    struct Root: Sendable {
        var key: UInt32
        var node: Int32
    }
    /// A node of the literals' trie (see `nodes`): the bytes that must follow before it (a chain of
    /// nodes with one child each, compressed into one), its edges and the literals that end there.
    struct TrieNode: Sendable {
        var labelStart: Int32
        var labelCount: Int32
        var edgesStart: Int32
        var edgeCount: Int32
        var endingsStart: Int32
        var endingCount: Int32
    }
    /// The bytes of every literal of one or two bytes, one after another.
    private let literalBytes: [UInt8]
    /// One bit per hash of a literal's first three bytes (literals of three bytes or more): the test
    /// at every position. (A first test on two bytes, tried before, let through most positions of
    /// English text and cost more in mispredicted branches than it saved.)
    private let trigramBits: [UInt64]
    /// The distinct first three bytes of the literals of three bytes or more, by bucket (the top bits
    /// of their trigram's hash): bucket `b` holds `roots[rootStarts[b]..<rootStarts[b + 1]]`. A flat
    /// table instead of a dictionary: the lookup at each candidate position is two loads, no hashing.
    private let roots: [Root]
    private let rootStarts: [Int32]
    /// The literals of three bytes or more as a trie of their bytes after the first three, one trie
    /// per distinct trigram (`Root.node`): common English trigrams ("mes", "you", "the") begin dozens
    /// of the reason tables' phrases, and comparing each phrase in turn at every such place was most
    /// of the scan (165,000 literal comparisons for 24,500 trigram hits on the sisimai mbox). Walking
    /// the trie reads each text byte once. `nodes[n]` is reached when the text goes on with
    /// `trieBytes[labelStart..<labelStart + labelCount]`; it has its children in
    /// `edgeBytes`/`edgeNodes[edgesStart..<edgesStart + edgeCount]` and the literals that end there in
    /// `endings[endingsStart..<endingsStart + endingCount]`. Chains compressed into labels keep the
    /// trie about twice as many nodes as literals, small enough to stay in cache.
    private let nodes: [TrieNode]
    private let trieBytes: [UInt8]
    private let edgeBytes: [UInt8]
    private let edgeNodes: [Int32]
    private let endings: [Ending]
    /// The literals of one or two bytes, by their first byte, laid out like `roots` (257 starts).
    private let short: [Literal]
    private let shortStarts: [Int32]
    /// For each byte as it is in the text (case folded here when caseless), whether a literal of
    /// three bytes or more begins with it (`longStart`) and whether one of one or two bytes does
    /// (`shortStart`): most positions of a text are passed over on this one load (the scan was 35
    /// instructions a byte on the sisimai mbox with bit tables and a folding table read at each).
    private let firstKinds: [UInt8]
    private static let longStart: UInt8 = 1
    private static let shortStart: UInt8 = 2
    private let caseless: Bool
    private static let trigramBitCount = 1 << 16
    /// Buckets of `roots`: the trigram hash's top 11 bits (2,048 buckets; the largest table, the
    /// reason phrases, has a few hundred literals).
    private static let bucketShift = 5
    /// ASCII upper case to lower case, every other byte to itself.
    private static let foldTable: [UInt8] = (0...255).map { fold(UInt8($0)) }
    /// Every byte to itself.
    private static let identityTable: [UInt8] = (0...255).map { UInt8($0) }

    /// A prefilter for one set of alternatives (group 0), or nil when one has no literal start.
    convenience init?(alternatives: [String], options: PatternOptions) {
        self.init(groups: [alternatives], options: options)
    }

    /// Whether `init(alternatives:options:)` builds a prefilter (every alternative has a literal
    /// start, and the options allow one), without building it.
    static func isPossible(alternatives: [String], options: PatternOptions) -> Bool {
        allowed(groups: [alternatives], options: options) && alternatives.allSatisfy(hasLiteralStart)
    }

    /// Every alternative's literal start (`literalStart(of:)`), folded when `caseless`, with its group
    /// and its index in the group; nil when an alternative has none.
    static func literalStarts(of groups: [[String]], caseless: Bool) -> [(group: Int, alternative: Int, bytes: [UInt8])]? {
        var out: [(group: Int, alternative: Int, bytes: [UInt8])] = []
        for (group, alternatives) in groups.enumerated() {
            for (index, alternative) in alternatives.enumerated() {
                var literal = literalStart(of: alternative)
                guard !literal.isEmpty else { return nil }
                if caseless { literal = literal.map(fold) }
                out.append((group, index, literal))
            }
        }
        return out
    }

    /// Whether the options and the groups' shapes allow finding literal starts at all (by a
    /// prefilter or a `PhraseAutomaton`): no empty group, and no option that changes which bytes a
    /// literal matches (`.utf`, `.extended`) or where (`.anchored`). A closure, not the key path
    /// `\.isEmpty`: each key path made and applied at run time (`swift_getKeyPath`,
    /// `swift_getAtKeyPath`) was ~840 instructions a set (0.2M at start-up, sisimai bsd mbox x3).
    static func allowed(groups: [[String]], options: PatternOptions) -> Bool {
        !groups.isEmpty && !groups.contains(where: { $0.isEmpty }) && !options.contains(.utf) && !options.contains(.extended)
            && !options.contains(.anchored)
    }

    /// A prefilter for several sets at once (group = index in `groups`), or nil when an alternative
    /// of any of them has no literal start.
    convenience init?(groups: [[String]], options: PatternOptions) {
        guard LiteralPrefilter.allowed(groups: groups, options: options),
              let starts = LiteralPrefilter.literalStarts(of: groups, caseless: options.contains(.caseless)) else { return nil }
        self.init(literals: starts, caseless: options.contains(.caseless))
    }

    /// A prefilter for `literals`, each reported with the group and alternative given (its bytes
    /// folded already when `caseless`), or nil when one is empty.
    init?(literals starts: [(group: Int, alternative: Int, bytes: [UInt8])], caseless: Bool) {
        guard !starts.contains(where: { $0.bytes.isEmpty }) else { return nil }
        self.caseless = caseless
        var bits = [UInt64](repeating: 0, count: LiteralPrefilter.trigramBitCount / 64)
        var bytes: [UInt8] = []
        var trie = TrieBuilder()
        var shortByFirst: [(bucket: Int, value: Literal)] = []
        for (group, index, literal) in starts {
            if literal.count >= 3 {
                // Its bytes go in the trie.
                trie.add(literal, Ending(group: group, alternative: index))
            } else {
                shortByFirst.append((Int(literal[0]), Literal(start: bytes.count, count: literal.count, group: group, alternative: index)))
                bytes.append(contentsOf: literal)
            }
        }
        var rootsByBucket: [(bucket: Int, value: Root)] = []
        for (key, node) in trie.build() {
            let bit = LiteralPrefilter.hash(key)
            bits[bit >> 6] |= 1 << UInt64(bit & 63)
            rootsByBucket.append((bit >> LiteralPrefilter.bucketShift, Root(key: key, node: Int32(node))))
        }
        literalBytes = bytes
        trigramBits = bits
        (roots, rootStarts) = LiteralPrefilter.table(rootsByBucket, buckets: LiteralPrefilter.trigramBitCount >> LiteralPrefilter.bucketShift)
        (nodes, trieBytes, edgeBytes, edgeNodes, endings) = (trie.nodes, trie.literalBytes, trie.edgeBytes, trie.edgeNodes, trie.endings)
        (short, shortStarts) = LiteralPrefilter.table(shortByFirst, buckets: 256)
        var kinds = [UInt8](repeating: 0, count: 256)
        for byte in 0..<256 where shortStarts[byte] < shortStarts[byte + 1] { kinds[byte] |= LiteralPrefilter.shortStart }
        for root in roots { kinds[Int(root.key >> 16)] |= LiteralPrefilter.longStart }
        // Indexed by the text's byte: an upper-case letter takes its lower-case letter's kinds.
        let folding = caseless
        firstKinds = (0..<256).map { kinds[Int(folding ? LiteralPrefilter.fold(UInt8($0)) : UInt8($0))] }
    }

    /// Lays out the trie of the long literals (see `nodes`): the literals are sorted by their bytes,
    /// so that those sharing a prefix are neighbours and each node is built from one range of them,
    /// without a dictionary or an array per node (the prefilters are built at start-up, hundreds of
    /// them).
    private struct TrieBuilder {
        /// Every long literal's bytes, one after another; `items` says where each one is.
        private(set) var literalBytes: [UInt8] = []
        private var items: [(start: Int, count: Int, ending: Ending)] = []
        var nodes: [TrieNode] = []
        var edgeBytes: [UInt8] = []
        var edgeNodes: [Int32] = []
        var endings: [Ending] = []

        mutating func add(_ literal: [UInt8], _ entry: Ending) {
            items.append((literalBytes.count, literal.count, entry))
            literalBytes += literal
        }

        /// Builds the trie; returns each distinct trigram (as `LiteralPrefilter.trigram` makes it)
        /// with its node, where the walk begins after the trigram's three bytes.
        mutating func build() -> [(key: UInt32, node: Int)] {
            let bytes = literalBytes
            bytes.withUnsafeBufferPointer { b in
                items.sort { x, y in
                    let n = min(x.count, y.count)
                    var i = 0
                    while i < n, b[x.start + i] == b[y.start + i] { i += 1 }
                    return i < n ? b[x.start + i] < b[y.start + i] : x.count < y.count
                }
            }
            var roots: [(key: UInt32, node: Int)] = []
            bytes.withUnsafeBufferPointer { b in
                var first = 0
                while first < items.count {
                    let s = items[first].start
                    var end = first + 1
                    while end < items.count, b[items[end].start] == b[s], b[items[end].start + 1] == b[s + 1],
                          b[items[end].start + 2] == b[s + 2] { end += 1 }
                    roots.append((LiteralPrefilter.trigram(b[s], b[s + 1], b[s + 2]), node(first..<end, depth: 3, b)))
                    first = end
                }
            }
            return roots
        }

        /// The node for `range`, sorted literals that share their first `depth` bytes, and below it the
        /// nodes for the longer ones; returns its index. The node's label is the bytes all of them
        /// share after those (none when one ends at `depth`).
        private mutating func node(_ range: Range<Int>, depth start: Int, _ b: UnsafeBufferPointer<UInt8>) -> Int {
            let index = nodes.count
            // Sorted, so what the first and the last share, all share.
            let first = items[range.lowerBound], last = items[range.upperBound - 1]
            var depth = start
            while depth < first.count, depth < last.count, b[first.start + depth] == b[last.start + depth] { depth += 1 }
            let endingsStart = endings.count
            // The literals that end here sort first (a prefix precedes its extensions).
            var k = range.lowerBound
            while k < range.upperBound, items[k].count == depth {
                endings.append(items[k].ending)
                k += 1
            }
            // One edge per distinct next byte, all reserved before any child is built, so that a
            // node's edges are contiguous.
            let edgesStart = edgeBytes.count
            var j = k
            while j < range.upperBound {
                let byte = b[items[j].start + depth]
                edgeBytes.append(byte)
                edgeNodes.append(-1)
                while j < range.upperBound, b[items[j].start + depth] == byte { j += 1 }
            }
            nodes.append(TrieNode(labelStart: Int32(first.start + start), labelCount: Int32(depth - start),
                                  edgesStart: Int32(edgesStart), edgeCount: Int32(edgeBytes.count - edgesStart),
                                  endingsStart: Int32(endingsStart), endingCount: Int32(endings.count - endingsStart)))
            var edge = edgesStart
            while k < range.upperBound {
                let byte = b[items[k].start + depth]
                var end = k + 1
                while end < range.upperBound, b[items[end].start + depth] == byte { end += 1 }
                edgeNodes[edge] = Int32(node(k..<end, depth: depth + 1, b))
                edge += 1
                k = end
            }
            return index
        }
    }

    /// The entries ordered by bucket (stable: a bucket keeps the order they were given in), and
    /// where each bucket starts (`buckets + 1` entries).
    private static func table<Entry>(_ entries: [(bucket: Int, value: Entry)], buckets: Int) -> ([Entry], [Int32]) {
        var starts = [Int](repeating: 0, count: buckets + 1)
        for entry in entries { starts[entry.bucket + 1] += 1 }
        for b in 0..<buckets { starts[b + 1] += starts[b] }
        var next = starts
        var ordered = [Entry?](repeating: nil, count: entries.count)
        for entry in entries {
            ordered[next[entry.bucket]] = entry.value
            next[entry.bucket] += 1
        }
        return (ordered.compactMap { $0 }, starts.map { Int32($0) })
    }

    @inline(__always) static func fold(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
    @inline(__always) private static func trigram(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt32 {
        UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c)
    }
    @inline(__always) private static func hash(_ key: UInt32) -> Int {
        Int((key &* 0x9E37_79B1) >> 16)
    }

    /// Calls `body` with each offset, left to right, where some alternative's literal start occurs,
    /// and the group of that alternative (once per group and offset), until it returns a value.
    func forEachCandidate<Result>(in buffer: UnsafeRawBufferPointer, _ body: (_ offset: Int, _ group: Int) -> Result?) -> Result? {
        scan(buffer, oncePerGroup: true) { offset, group, _ in body(offset, group) }
    }

    /// Calls `body` with each offset, left to right, where an alternative's literal start occurs, with
    /// the alternative's group and its index in the group (every literal found, one call each), until
    /// it returns a value.
    func forEachLiteral<Result>(in buffer: UnsafeRawBufferPointer,
                                _ body: (_ offset: Int, _ group: Int, _ alternative: Int) -> Result?) -> Result? {
        scan(buffer, oncePerGroup: false, body)
    }

    private func scan<Result>(_ buffer: UnsafeRawBufferPointer, oncePerGroup: Bool,
                              _ body: (_ offset: Int, _ group: Int, _ alternative: Int) -> Result?) -> Result? {
        let bytes = buffer.bindMemory(to: UInt8.self)
        let table = caseless ? LiteralPrefilter.foldTable : LiteralPrefilter.identityTable
        // The tables every position reads, as pointers (an Array's bounds check and buffer load at
        // each of them was a good part of the loop).
        return table.withUnsafeBufferPointer { table in
            literalBytes.withUnsafeBufferPointer { literalBytes in
                firstKinds.withUnsafeBufferPointer { firstKinds in
                    trigramBits.withUnsafeBufferPointer { trigramBits in
                        scan(bytes, table: table, literalBytes: literalBytes, firstKinds: firstKinds, trigramBits: trigramBits,
                             oncePerGroup: oncePerGroup, body)
                    }
                }
            }
        }
    }

    private func scan<Result>(_ bytes: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt8>,
                              literalBytes: UnsafeBufferPointer<UInt8>, firstKinds: UnsafeBufferPointer<UInt8>,
                              trigramBits: UnsafeBufferPointer<UInt64>, oncePerGroup: Bool,
                              _ body: (_ offset: Int, _ group: Int, _ alternative: Int) -> Result?) -> Result? {
        let count = bytes.count
        @inline(__always) func at(_ i: Int) -> UInt8 { table[Int(bytes[i])] }
        @inline(__always) func verify(_ literal: Literal, at start: Int, from first: Int) -> Bool {
            guard start + literal.count <= count else { return false }
            var j = first
            while j < literal.count {
                if at(start + j) != literalBytes[literal.start + j] { return false }
                j += 1
            }
            return true
        }
        guard count > 0 else { return nil }
        var tried: [Int] = []  // groups already offered at `triedAt`
        var triedAt = -1
        var i = -1
        while i + 1 < count {
            i += 1
            let kind = firstKinds[Int(bytes[i])]
            guard kind != 0 else { continue }
            let b0 = at(i)
            if kind & LiteralPrefilter.shortStart != 0 {
                for k in Int(shortStarts[Int(b0)])..<Int(shortStarts[Int(b0) + 1]) {
                    let literal = short[k]
                    guard !(oncePerGroup && triedAt == i && tried.contains(literal.group)) && verify(literal, at: i, from: 1) else { continue }
                    if let result = body(i, literal.group, literal.alternative) { return result }
                    guard oncePerGroup else { continue }
                    if triedAt != i { tried.removeAll(keepingCapacity: true); triedAt = i }
                    tried.append(literal.group)
                }
            }
            guard kind & LiteralPrefilter.longStart != 0, i + 2 < count else { continue }
            let key = LiteralPrefilter.trigram(b0, at(i + 1), at(i + 2))
            let bit = LiteralPrefilter.hash(key)
            guard trigramBits[bit >> 6] & (1 << UInt64(bit & 63)) != 0 else { continue }
            let bucket = bit >> LiteralPrefilter.bucketShift
            var node = -1
            for k in Int(rootStarts[bucket])..<Int(rootStarts[bucket + 1]) where roots[k].key == key {
                node = Int(roots[k].node)
                break
            }
            // Down the trie from the trigram's node, one text byte per level; at each node, the
            // literals that end there occur at `i`.
            var j = i + 3
            while node >= 0 {
                let n = nodes[node]
                if n.labelCount > 0 {
                    let label = Int(n.labelStart)
                    let end = j + Int(n.labelCount)
                    guard end <= count else { break }
                    var matched = true
                    while j < end {
                        if at(j) != trieBytes[label + j - (end - Int(n.labelCount))] { matched = false; break }
                        j += 1
                    }
                    guard matched else { break }
                }
                for e in Int(n.endingsStart)..<Int(n.endingsStart + n.endingCount) {
                    let literal = endings[e]
                    guard !(oncePerGroup && triedAt == i && tried.contains(literal.group)) else { continue }
                    if let result = body(i, literal.group, literal.alternative) { return result }
                    guard oncePerGroup else { continue }
                    if triedAt != i { tried.removeAll(keepingCapacity: true); triedAt = i }
                    tried.append(literal.group)
                }
                guard j < count, n.edgeCount > 0 else { break }
                let b = at(j)
                var next = -1
                for e in Int(n.edgesStart)..<Int(n.edgesStart + n.edgeCount) where edgeBytes[e] == b {
                    next = Int(edgeNodes[e])
                    break
                }
                node = next
                j += 1
            }
        }
        return nil
    }

    /// The bytes a match of `pattern` must begin with: its leading literal characters, up to the
    /// first metacharacter, escape class or quantified character.
    static func literalStart(of pattern: String) -> [UInt8] {
        // Read from the pattern's own bytes into an array made once (a copy of the pattern and an
        // array grown by appends were most of `literalStart`'s 2.0M instructions for 856 patterns at
        // start-up, sisimai bsd mbox x3).
        var pattern = pattern
        return pattern.withUTF8 { p in
            [UInt8](unsafeUninitializedCapacity: p.count) { out, count in count = literalStart(of: p, into: out) }
        }
    }

    /// Whether `literalStart(of: pattern)` is not empty, without making it.
    static func hasLiteralStart(_ pattern: String) -> Bool {
        var pattern = pattern
        return pattern.withUTF8 { literalStart(of: $0, into: nil) > 0 }
    }

    /// Writes `literalStart` of the pattern bytes `p` to `out` and returns its length; with no `out`,
    /// returns 1 at the first byte it would write (or 0). Each byte written stands for one or two of
    /// `p`, so at most `p.count` are written.
    private static func literalStart(of p: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>?) -> Int {
        guard !hasTopLevelAlternation(p) else { return 0 }
        var n = 0
        var i = 0
        while i < p.count {
            var c = p[i]
            var width = 1
            if c == UInt8(ascii: "\\") {
                // `\.` and the like stand for the character; `\d`, `\b`, `\x41`... end the literal.
                guard i + 1 < p.count, !isAlphanumeric(p[i + 1]), p[i + 1] < 0x80 else { break }
                c = p[i + 1]
                width = 2
            } else if isMeta(c) {
                break
            }
            let next = i + width < p.count ? p[i + width] : 0
            if next == UInt8(ascii: "?") || next == UInt8(ascii: "*") || next == UInt8(ascii: "{") { break }
            guard let out else { return 1 }
            guard n < out.count else { break }
            out[n] = c
            n += 1
            if next == UInt8(ascii: "+") { break }
            i += width
        }
        return n
    }

    /// Whether `p` has a `|` outside parentheses and character classes (then no literal is required).
    private static func hasTopLevelAlternation(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        // Most patterns hold no `|` at all: found by memchr first, not the walk below a byte at a
        // time (the tables' 800 patterns checked at start-up, `hasLiteralStart`: 0.37M instructions,
        // sisimai bsd mbox x3).
        guard let base = p.baseAddress, memchr(base, Int32(UInt8(ascii: "|")), p.count) != nil else { return false }
        var depth = 0
        var inClass = false
        var i = 0
        while i < p.count {
            let c = p[i]
            if c == UInt8(ascii: "\\") { i += 2; continue }
            if inClass {
                if c == UInt8(ascii: "]") { inClass = false }
            } else if c == UInt8(ascii: "[") {
                inClass = true
                // A `]` right after `[` or `[^` is a member, not the end.
                if i + 1 < p.count, p[i + 1] == UInt8(ascii: "^") { i += 1 }
                if i + 1 < p.count, p[i + 1] == UInt8(ascii: "]") { i += 1 }
            } else if c == UInt8(ascii: "(") {
                depth += 1
            } else if c == UInt8(ascii: ")") {
                depth = max(0, depth - 1)
            } else if c == UInt8(ascii: "|") && depth == 0 {
                return true
            }
            i += 1
        }
        return false
    }

    private static func isMeta(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "."), UInt8(ascii: "|"), UInt8(ascii: "?"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["),
             UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"):
            return true
        default:
            return false
        }
    }

    static func isAlphanumeric(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
    }
}

/// Several pattern sets asked the same question of one text — which of them match anywhere —
/// answered in one pass: one automaton (`PhraseAutomaton`, or the prefilter's scan where that would be
/// too large) over the literals of every set's alternatives, and where an alternative's literal
/// occurs, that alternative alone is decided there, only until its set has matched. An alternative
/// that is literals, groups of literals and `.*` (`LiteralChains`) is decided by byte comparisons:
/// a chain of one literal is one the automaton looks for; of a longer chain, the automaton looks for
/// the last literal and (unless it is short, `GroupPlan.firsts`) the first, and after the pass, a
/// chain whose last literal occurred is decided by where its first occurred (found then, when
/// short) and a search for its middle literals before where the last one last occurred. Any other
/// alternative is tried alone with PCRE2 (compiled `.anchored` on its own) at its literal start. An
/// alternative can match only where its literal start occurs, so this asks exactly the set's
/// question; it saves trying the set's whole alternation, dozens of alternatives, at every such place. A set whose alternatives may mean
/// something else alone (see `standsAlone`) has its whole alternation tried instead, once per place.
/// Sets that cannot be prefiltered (or were compiled with other options) are scanned on their own.
/// The answers are each set's `hasMatch` — except that PCRE2's match limit now applies to each
/// alternative's attempt rather than to the whole alternation's, and not at all to an alternative
/// decided by byte comparisons (hostile input only: a phrase with two `.*` over a text of many
/// thousand bytes).
public struct PatternSetGroup: Sendable {
    /// The sets, in the order given.
    public let sets: [PatternSet]
    /// What the pass reads, in one object: as the struct's own eleven arrays, the closure of the
    /// pass copied them all (their retains and releases) at every call (1.1M instructions on the
    /// sisimai bsd mbox x3).
    private let plan: GroupPlan

    /// A group of `sets`.
    public init(_ sets: [PatternSet]) {
        self.sets = sets
        plan = GroupPlan(sets)
    }

    /// Matches of an alternative run by PCRE2's interpreter before it is JIT-compiled. Its JIT
    /// compilation costs ~40,000 instructions, an interpreted match ~2,300 more than a JIT one
    /// (callgrind, the sisimai bsd mbox with and without the JIT for these alternatives): past ~16
    /// matches the JIT pays.
    static let interpretedMatches = 16

    /// Whether an alternative means the same compiled alone as inside the set's alternation: no back
    /// reference or subroutine call by number or name (their numbering is the whole alternation's),
    /// no conditional, no backtracking verb. Conservative: a pattern that merely looks like one (an
    /// escaped backslash before a digit, say) is tried the old way.
    static func standsAlone(_ pattern: String) -> Bool {
        // Over the pattern's own bytes, not a copy (741 copies at start-up: 0.2M instructions on the
        // sisimai bsd mbox x3).
        var pattern = pattern
        return pattern.withUTF8 { standsAlone(bytes: $0) }
    }

    /// `standsAlone` of a pattern's UTF-8 bytes.
    private static func standsAlone(bytes p: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = p.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        // Only a `\` or `(` with a byte after it decides: the bytes before the last passed over
        // eight at a time while none of them is either (a byte at a time, 334 instructions a
        // pattern: 0.21M at start-up, sisimai bsd mbox x3).
        let last = p.count - 1
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i < last {
            while i + 8 <= last {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\"))), opens = word ^ (ones &* UInt64(UInt8(ascii: "(")))
                // Some byte of either zero: the classic test.
                if ((backslashes &- ones) & ~backslashes | (opens &- ones) & ~opens) & highs != 0 { break }
                i += 8
            }
            guard i < last else { break }
            defer { i += 1 }
            let next = p[i + 1]
            if p[i] == UInt8(ascii: "\\") && ((next >= UInt8(ascii: "1") && next <= UInt8(ascii: "9"))
                || next == UInt8(ascii: "g") || next == UInt8(ascii: "k")) { return false }
            if p[i] == UInt8(ascii: "(") && (next == UInt8(ascii: "*") || next == UInt8(ascii: "?")) {
                // `(?:`, `(?i)`-style option settings and look-arounds are fine; `(?1)`, `(?R)`, `(?&`,
                // `(?P`, `(?(`, `(?+`, `(?-1)`, `(?|` (branch reset renumbers) are not.
                guard next == UInt8(ascii: "?"), i + 2 < p.count else { return false }
                let third = p[i + 2]
                switch third {
                case UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "<"), UInt8(ascii: "i"),
                     UInt8(ascii: "s"), UInt8(ascii: "m"), UInt8(ascii: "x"), UInt8(ascii: ">"):
                    break
                default:
                    return false
                }
                // `(?<name>...)` names a group, which `\k` would refer to (excluded above); `(?<=`/`(?<!` look behind.
            }
        }
        return true
    }

    /// How many `(` bytes `pattern`'s UTF-8 holds (`pattern.utf8.count { $0 == UInt8(ascii: "(") }`).
    static func openingParentheses(in pattern: String) -> Int {
        var pattern = pattern
        return pattern.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return 0 }
            var count = 0
            var from = 0
            while from < bytes.count, let hit = memchr(base + from, Int32(UInt8(ascii: "(")), bytes.count - from) {
                count += 1
                from = UnsafeRawPointer(hit) - UnsafeRawPointer(base) + 1
            }
            return count
        }
    }

    /// Whether the UTF-8 of `text` holds `byte`.
    static func containsByte(_ byte: UInt8, in text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, Int32(byte), bytes.count) != nil
        }
    }

    /// For each set, whether it matches anywhere in the UTF-8 bytes of `text`.
    public func matches(in text: String) -> [Bool] {
        var text = text
        return text.withUTF8 { matches(in: UnsafeRawBufferPointer($0)) }
    }

    /// For each set, whether it matches anywhere in `buffer`.
    public func matches(in buffer: UnsafeRawBufferPointer) -> [Bool] {
        var found = [Bool](repeating: false, count: sets.count)
        found.withUnsafeMutableBufferPointer { plan.search(buffer, sets: sets, found: $0) }
        return found
    }

    /// Calls `body` with, for each set, whether it matches anywhere in the UTF-8 bytes of `text`: the
    /// answers of `matches(in:)` without an array made for them (for a caller that keeps only a few
    /// bits of them, `DiagnosticWords.Matches`). Not generic: generic over the body's result, it was
    /// not specialized across the module boundary, and the `Result` metadata and the result's copies
    /// cost ~500 instructions a call (bsd.mbox x3, 1,833 calls: `withMatches` 16.05M -> 15.10M,
    /// `DiagnosticWords.Matches.init` 23.40M -> 22.44M).
    package func withMatches(in text: String, _ body: (UnsafeBufferPointer<Bool>) -> Void) {
        // Read in place where the String's bytes are contiguous (a native String), without the copy
        // `withUTF8` needs and its release (bsd.mbox x3, 1,833 diagnostics: `Main.main` -0.15M).
        if text.utf8.withContiguousStorageIfAvailable({ withMatches(inUTF8: $0, body) }) != nil { return }
        var text = text
        text.withUTF8 { withMatches(inUTF8: $0, body) }
    }

    /// `withMatches(in:_:)` of the text made of `utf8`.
    @inline(__always)
    private func withMatches(inUTF8 utf8: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<Bool>) -> Void) {
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: sets.count) { found in
            found.initialize(repeating: false)
            plan.search(UnsafeRawBufferPointer(utf8), sets: sets, found: found)
            body(UnsafeBufferPointer(found))
        }
    }
}

/// What a `PatternSetGroup` finds its sets' matches with (see there): the finder over the literals
/// of the sets' alternatives, and what an occurrence of each literal means.
fileprivate final class GroupPlan: Sendable {
    /// What finds the literals of `entries` (its group 0, alternative = index in `entries`) and the
    /// chains' last literals (its group 1, alternative = index in the chains' last literals): an
    /// automaton, or the prefilter's scan when the automaton would be too large.
    let finder: LiteralFinder?
    /// For each group of the prefilter, the index of its set in `sets`.
    let prefiltered: [Int]
    /// The indices of the sets searched by their own scan: those not prefiltered, or all of them
    /// when there is no finder.
    let scannedAlone: [Int]
    /// Every literal the finder looks for (but the chains' last ones), with what its occurrence means.
    let entries: [Entry]
    /// The alternatives tried alone by PCRE2 (`Entry.pattern`), each compiled `.anchored` on first
    /// use (most are never tried in a run).
    let alonePatterns: [LazyPattern]
    /// Pairs of the match data for the patterns tried at candidates: more than any of them has capture
    /// groups (a group opens with `(`, so the count of `(` in a set's alternatives bounds it), found
    /// without compiling them (pcre2api: a match data block serves any pattern).
    let matchPairs: Int
    /// The literals that matches of alternatives tried by PCRE2 must end with (`RequiredSuffix`), by
    /// `Entry.suffix`: such an alternative is tried at a candidate only if its suffix occurs from there on.
    let suffixes: [(bytes: [UInt8], anchor: Int)]
    /// The literals of the chains between their first and their last (`Entry.middles`), searched for
    /// in turn when a chain is decided.
    let middles: [(bytes: [UInt8], anchor: Int)]
    /// The first literal of each chain of more than one literal, by `Entry.chainSlot`, and whether
    /// it is `searched` for after the pass (only for a chain whose last literal occurred) rather
    /// than looked for by the finder: a short one ("<", "ip ", "host ", "user "), common in
    /// diagnostics, where the automaton stopped at each, and the middles of each chain so started
    /// were searched for after the pass whether or not its last literal occurred. A long one is
    /// rare in the text, and searching for it would read the text up to the last literal.
    /// (bsd.mbox x3: `DiagnosticWords.Matches.init` 20.04M -> 19.01M; `forEachLiteral` self 2.83M ->
    /// 1.99M, `pass` self 1.51M -> 1.25M. Every first literal searched: 20.11M, the searches
    /// reading ~650,000 bytes.)
    let firsts: [(bytes: [UInt8], anchor: Int, searched: Bool)]
    /// The chains (indices in `entries`) by their last literal: those of last literal `l` are
    /// `chainsByLast[chainsByLastStarts[l]..<chainsByLastStarts[l + 1]]`.
    let chainsByLast: [Int32]
    let chainsByLastStarts: [Int32]
    /// How many distinct last literals the chains have (`Entry.last`).
    let lastCount: Int
    let caseless: Bool
    /// Whether the plan is of one set whose alternatives are all plain literals (no group, so no
    /// capture either), found by the automaton: then its leftmost match is the leftmost literal
    /// occurrence (`leftmostLiteral`).
    let plainLiteralsOnly: Bool

    /// What an occurrence of a literal the finder looks for means.
    struct Entry: Sendable {
        enum Kind: UInt8 {
            /// A chain of one literal: the alternative matches.
            case literal
            /// A chain of several: it matches if the others follow (decided after the pass).
            case chain
            /// The literal start of an alternative tried by PCRE2.
            case pattern
        }
        var kind: Kind
        /// The group of the prefilter (index in `prefiltered`), and the alternative's index in its set.
        var group: Int32
        var alternative: Int32
        /// For `.literal` and `.chain`: the length of its (first) literal. For `.chain`: its number
        /// among the chains (`chainSlot`, its first literal's index in `firsts`), where its middle
        /// literals are in `middles`, and its last literal's index (`last`).
        var chainSlot: Int32 = -1
        var firstCount: Int32 = 0
        var middlesStart: Int32 = 0
        var middlesCount: Int32 = 0
        var last: Int32 = -1
        /// For `.pattern`: its index in `alonePatterns` (-1: the set's whole alternation is tried),
        /// and its required suffix in `suffixes` (-1: none).
        var pattern: Int32 = -1
        var suffix: Int32 = -1
    }

    /// A chain's first literal shorter than this is searched for after the pass, not looked for by
    /// the finder (`firsts`). (bsd.mbox x3, `Main.main`: 5 bytes 361.43M, 7 361.27M, 8 361.33M, 9
    /// 361.50M, 11 361.85M.)
    static let searchedFirstLength = 7

    /// The plan for `sets`.
    init(_ sets: [PatternSet]) {
        let options = sets.first?.options ?? []
        let caseless = options.contains(.caseless)
        self.caseless = caseless
        let eligible = sets.indices.filter { sets[$0].hasPrefilter && sets[$0].hasAlternation && sets[$0].options == options }
        prefiltered = eligible
        var entries: [Entry] = []
        var literals = LiteralList()
        var alonePatterns: [LazyPattern] = []
        var suffixes: [(bytes: [UInt8], anchor: Int)] = []
        var middles: [(bytes: [UInt8], anchor: Int)] = []
        var firsts: [(bytes: [UInt8], anchor: Int, searched: Bool)] = []
        var lasts: [[UInt8]] = []
        var chainLasts: [(entry: Int, last: Int)] = []
        // Room for the alternatives' entries and literals reserved at once: grown by appends, the
        // arrays were copied ~90 times, 0.17M instructions at start-up (bsd.mbox, the reason tables'
        // group). An alternative gives one entry and literal, or a few chains of at most its bytes
        // each; most give one.
        let patternCount = eligible.reduce(0) { $0 + sets[$1].patterns.count }
        let patternBytes = eligible.reduce(0) { total, index in sets[index].patterns.reduce(total) { $0 + $1.utf8.count } }
        entries.reserveCapacity(patternCount + patternCount / 2)
        literals.reserveCapacity(literals: patternCount + patternCount / 2, bytes: 2 * patternBytes)
        firsts.reserveCapacity(patternCount / 2)
        middles.reserveCapacity(patternCount / 2)
        chainLasts.reserveCapacity(patternCount / 2)
        var plainLiteralsOnly = sets.count == 1
        var complete = LiteralPrefilter.allowed(groups: eligible.map { sets[$0].patterns }, options: options)
        for (group, index) in eligible.enumerated() where complete {
            let set = sets[index]
            let alone = set.patterns.allSatisfy(PatternSetGroup.standsAlone)
            for (alternative, pattern) in set.patterns.enumerated() {
                // How many chains `LiteralChains.forEachChain` gives for this alternative.
                var chainCount = 0
                if alone, let count = LiteralChains.plain(pattern, options: options, appendingTo: &literals.bytes) {
                    // A plain literal (most phrases): `LiteralChains.of`'s one chain of one literal, without
                    // its nested arrays, allocated and released (with `plainLiteral`'s copy made by
                    // `Array.init`: `GroupPlan.init` 8.02M -> 7.38M at start-up, sisimai bsd mbox x3),
                    // nor an array of its own.
                    var entry = Entry(kind: .literal, group: Int32(group), alternative: Int32(alternative))
                    entry.firstCount = Int32(count)
                    literals.close(group: 0, alternative: entries.count)
                    entries.append(entry)
                } else if alone, LiteralChains.forEachChain(of: pattern, options: options, { bytes, ends in
                    // Each chain read where `forEachChain` made it: arrays made only of the literals
                    // kept for after the pass (as `LiteralChains.of`'s arrays of arrays, the chains'
                    // allocations and releases: ~0.4M instructions at start-up, sisimai bsd mbox x3).
                    chainCount += 1
                    if ends.count != 1 { plainLiteralsOnly = false }
                    func literal(_ k: Int) -> UnsafeBufferPointer<UInt8> {
                        UnsafeBufferPointer(rebasing: bytes[(k == 0 ? 0 : Int(ends[k - 1]))..<Int(ends[k])])
                    }
                    var entry = Entry(kind: ends.count == 1 ? .literal : .chain, group: Int32(group), alternative: Int32(alternative))
                    entry.firstCount = ends[0]
                    if ends.count > 1 {
                        let first = Array(literal(0))
                        entry.chainSlot = Int32(firsts.count)
                        let searched = first.count < GroupPlan.searchedFirstLength
                        firsts.append((first, RequiredSuffix.anchor(of: first), searched))
                        entry.middlesStart = Int32(middles.count)
                        entry.middlesCount = Int32(ends.count - 2)
                        for k in 1..<(ends.count - 1) {
                            let middle = Array(literal(k))
                            middles.append((middle, RequiredSuffix.anchor(of: middle)))
                        }
                        let lastBytes = literal(ends.count - 1)
                        let last = lasts.firstIndex { $0.elementsEqual(lastBytes) } ?? lasts.count
                        if last == lasts.count { lasts.append(Array(lastBytes)) }
                        entry.last = Int32(last)
                        chainLasts.append((entries.count, last))
                        if !searched { literals.append(group: 0, alternative: entries.count, first) }
                    } else {
                        literals.bytes.append(contentsOf: literal(0))
                        literals.close(group: 0, alternative: entries.count)
                    }
                    entries.append(entry)
                }) {
                    // A `(` in the pattern found by memchr (the UTF-8 view's generic `contains`: 0.5M
                    // instructions for 616 patterns at start-up, sisimai bsd mbox x3).
                    if chainCount != 1 || PatternSetGroup.containsByte(UInt8(ascii: "("), in: pattern) {
                        plainLiteralsOnly = false
                    }
                } else {
                    var start = LiteralPrefilter.literalStart(of: pattern)
                    guard !start.isEmpty else { complete = false; break }
                    if caseless { start = start.map(LiteralPrefilter.fold) }
                    plainLiteralsOnly = false
                    var entry = Entry(kind: .pattern, group: Int32(group), alternative: Int32(alternative))
                    if alone {
                        entry.pattern = Int32(alonePatterns.count)
                        alonePatterns.append(LazyPattern(pattern, options: options.union(.anchored), jitAfter: PatternSetGroup.interpretedMatches))
                        if let suffix = RequiredSuffix.of(pattern, caseless: caseless) {
                            entry.suffix = Int32(suffixes.count)
                            suffixes.append((suffix, RequiredSuffix.anchor(of: suffix)))
                        }
                    }
                    literals.append(group: 0, alternative: entries.count, start)
                    entries.append(entry)
                }
            }
        }
        for (l, last) in lasts.enumerated() { literals.append(group: 1, alternative: l, last) }
        finder = eligible.isEmpty || !complete ? nil
            : PhraseAutomaton(literals: literals, caseless: caseless).map(LiteralFinder.automaton)
                ?? LiteralPrefilter(literals: literals.tuples, caseless: caseless).map(LiteralFinder.prefilter)
        scannedAlone = finder == nil ? Array(sets.indices) : sets.indices.filter { !eligible.contains($0) }
        self.entries = entries
        self.alonePatterns = alonePatterns
        self.suffixes = suffixes
        self.middles = middles
        self.firsts = firsts
        lastCount = lasts.count
        var starts = [Int32](repeating: 0, count: lasts.count + 1)
        for chain in chainLasts { starts[chain.last + 1] += 1 }
        for l in lasts.indices { starts[l + 1] += starts[l] }
        var byLast = [Int32](repeating: 0, count: chainLasts.count)
        var next = starts
        for chain in chainLasts {
            byLast[Int(next[chain.last])] = Int32(chain.entry)
            next[chain.last] += 1
        }
        chainsByLast = byLast
        chainsByLastStarts = starts
        if case .automaton? = finder, eligible.count == 1, lasts.isEmpty {} else { plainLiteralsOnly = false }
        self.plainLiteralsOnly = plainLiteralsOnly
        // The `(` of each alternative counted in its own bytes with memchr: through the UTF-8 view's
        // generic `count(where:)`, a byte at a time, `GroupPlan.init` was 7.49M -> 6.83M
        // instructions at start-up (sisimai bsd mbox x3, callgrind; the five plans built there).
        matchPairs = 1 + (eligible.map { sets[$0].patterns.reduce(0) { $0 + PatternSetGroup.openingParentheses(in: $1) } }.max() ?? 0)
    }


    /// For a plan of `plainLiteralsOnly`: the leftmost occurrence of a literal in `buffer`, and of
    /// those there the first alternative (PCRE2's leftmost match of the alternation: at the leftmost
    /// place where some alternative matches, the first that does), with its length. The automaton
    /// reports literals where their first `maxDepth` bytes end, not where they start: once it reports
    /// one ending more than `maxDepth` bytes after the best start so far, every literal starting
    /// there or before has been reported.
    func leftmostLiteral(in buffer: UnsafeRawBufferPointer) -> (start: Int, alternative: Int, count: Int)? {
        guard plainLiteralsOnly, case .automaton(let automaton)? = finder else { return nil }
        let depth = PhraseAutomaton.maxDepth
        var best: (start: Int, alternative: Int, count: Int)? = nil
        _ = automaton.forEachLiteral(in: buffer) { offset, group, index -> Bool? in
            guard group == 0, index >= 0, index < entries.count else { return nil }
            let entry = entries[index]
            let count = Int(entry.firstCount)
            if best == nil || offset < best!.start || offset == best!.start && Int(entry.alternative) < best!.alternative {
                best = (offset, Int(entry.alternative), count)
            }
            return offset + min(count, depth) > best!.start + depth ? true : nil
        }
        return best
    }

    /// Whether the plan has a finder and decides every literal by bytes (no alternative tried by
    /// PCRE2, no set scanned on its own): then it never reads the sets it was made of.
    var decidesByBytesAlone: Bool {
        finder != nil && scannedAlone.isEmpty && !entries.contains { $0.kind == .pattern }
    }

    /// Whether the plan's only set matches anywhere in `buffer`, for a plan that `decidesByBytesAlone`
    /// (the set is not passed: an array of it made at each call cost an allocation).
    func hasMatch(in buffer: UnsafeRawBufferPointer) -> Bool {
        guard decidesByBytesAlone, prefiltered.count == 1 else { return false }
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: 1) { found in
            found.initialize(repeating: false)
            search(buffer, sets: [], found: found)
            return found[0]
        }
    }

    /// For each set of `sets` (the group's), whether it matches anywhere in `buffer`, into `found`
    /// (as many as `sets`, all false).
    func search(_ buffer: UnsafeRawBufferPointer, sets: [PatternSet], found: UnsafeMutableBufferPointer<Bool>) {
        if let finder {
            // Per call: where each last literal last occurs (`lastCount`, -1 for nowhere), and the
            // last literals seen so far in the order first seen (`lastCount`). A last literal after a
            // position occurs there exactly when its last occurrence does. 32-bit, so that the
            // reason tables' (72 last literals) fit the stack's 1 KB allowance: as 64-bit they were
            // allocated on the heap at each call (0.85M instructions on the sisimai bsd mbox x3).
            if buffer.count < Int(Int32.max) {
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * lastCount + firsts.count + 1) { scratch in
                    scratch.initialize(repeating: -1)
                    pass(buffer, finder: finder, sets: sets, lastStart: UnsafeMutableBufferPointer(rebasing: scratch[0..<lastCount]),
                         lastSeen: UnsafeMutableBufferPointer(rebasing: scratch[lastCount..<2 * lastCount]),
                         firstStart: UnsafeMutableBufferPointer(rebasing: scratch[(2 * lastCount)..<(2 * lastCount + firsts.count)]),
                         found: found)
                }
            } else {
                // Offsets past 32 bits (no diagnostic is that long): each set on its own.
                for index in prefiltered { found[index] = sets[index].leftmost(in: buffer) != nil }
            }
        }
        for index in scannedAlone {
            found[index] = sets[index].leftmost(in: buffer) != nil
        }
    }

    /// The pass of `finder` over `buffer` and the decisions at its literals (see `PatternSetGroup`).
    private func pass(_ buffer: UnsafeRawBufferPointer, finder: LiteralFinder, sets: [PatternSet], lastStart: UnsafeMutableBufferPointer<Int32>,
                      lastSeen: UnsafeMutableBufferPointer<Int32>, firstStart: UnsafeMutableBufferPointer<Int32>,
                      found: UnsafeMutableBufferPointer<Bool>) {
        var remaining = prefiltered.count
        var seenCount = 0
        // The places (offset and group) where a whole alternation was tried: once per place, and
        // the finder may offer a place more than once, not in a row (the automaton reports literals
        // where they end).
        var triedWhole: Set<Int> = []
        // Per suffix looked up so far (a few per text): where that suffix first occurs at or after
        // the offset it was looked up from, `Int.max` for nowhere. Offsets do not only grow (see
        // above), so an answer serves the offsets from `from` to `at`. A short list searched in
        // order, not an array over all suffixes (zeroing that cost more than the lookups).
        var suffixAt: [(slot: Int, from: Int, at: Int)] = []
        // PCRE2's match data, made when an alternative is first tried by PCRE2 (in few texts now).
        var data: OpaquePointer? = nil
        defer { BytePattern.freeMatchData(data) }
        let bytes = buffer.bindMemory(to: UInt8.self)
        let complete: Bool? = finder.forEachLiteral(in: buffer) { offset, group, index -> Bool? in
            if group == 1 {
                // A chain's last literal: reported in the order of its occurrences.
                if index < lastStart.count {
                    if lastStart[index] < 0 {
                        lastSeen[seenCount] = Int32(truncatingIfNeeded: index)
                        seenCount += 1
                    }
                    lastStart[index] = Int32(truncatingIfNeeded: offset)
                }
                return nil
            }
            let entry = entries[index]
            let set = prefiltered[Int(entry.group)]
            guard !found[set] else { return nil }
            let hit: Bool
            switch entry.kind {
            case .literal:
                hit = true
            case .chain:
                // A first literal the finder looks for: its first place kept for after the pass.
                let slot = Int(entry.chainSlot)
                if slot >= 0, slot < firstStart.count, firstStart[slot] < 0 { firstStart[slot] = Int32(truncatingIfNeeded: offset) }
                return nil
            case .pattern:
                if entry.suffix >= 0 {
                    let slot = Int(entry.suffix)
                    let suffix = suffixes[slot]
                    let known = suffixAt.firstIndex { $0.slot == slot }
                    var at = known.map { suffixAt[$0].from <= offset ? suffixAt[$0].at : -1 } ?? -1
                    if at < offset {
                        at = RequiredSuffix.firstOccurrence(of: suffix.bytes, anchor: suffix.anchor, in: bytes, from: offset, caseless: caseless) ?? Int.max
                        if let known {
                            suffixAt[known] = (slot, offset, at)
                        } else {
                            if suffixAt.isEmpty { suffixAt.reserveCapacity(8) }   // grown from 1: 3 reallocations a text
                            suffixAt.append((slot, offset, at))
                        }
                    }
                    if at == Int.max { return nil }
                }
                if data == nil { data = BytePattern.makeMatchData(pairs: matchPairs) }
                guard let data else { return nil }
                // The alternative alone, when it stands alone and compiles; else the whole alternation, once per place.
                if entry.pattern >= 0, let alone = alonePatterns[Int(entry.pattern)].compiled {
                    hit = alone.matches(in: buffer, at: offset, data: data)
                } else {
                    guard let anchored = sets[set].anchored,
                          triedWhole.insert(offset &* prefiltered.count &+ Int(entry.group)).inserted else { return nil }
                    hit = anchored.matches(in: buffer, at: offset, data: data)
                }
            }
            guard hit else { return nil }
            found[set] = true
            remaining -= 1
            return remaining == 0 ? true : nil
        }
        guard complete == nil else { return }
        // The chains whose last literal occurred, decided now that its last place is known: the
        // first literal's first occurrence, then each middle's first after the one before, all
        // ending by that place. Searched for in the bytes before it only: an occurrence that ends
        // later fails the chain wherever it is.
        for k in 0..<seenCount {
            let last = Int(lastSeen[k])
            let lastAt = Int(lastStart[last])
            let before = UnsafeBufferPointer(rebasing: bytes[..<lastAt])
            for c in Int(chainsByLastStarts[last])..<Int(chainsByLastStarts[last + 1]) {
                let entry = entries[Int(chainsByLast[c])]
                let set = prefiltered[Int(entry.group)]
                guard !found[set] else { continue }
                let slot = Int(entry.chainSlot)
                let first = firsts[slot]
                let start: Int
                if first.searched {
                    guard let at = RequiredSuffix.firstOccurrence(of: first.bytes, anchor: first.anchor, in: before,
                                                                  from: 0, caseless: caseless) else { continue }
                    start = at
                } else {
                    guard firstStart[slot] >= 0 else { continue }
                    start = Int(firstStart[slot])
                }
                var position = start + Int(entry.firstCount)
                var follows = true
                for m in Int(entry.middlesStart)..<Int(entry.middlesStart + entry.middlesCount) {
                    guard let at = RequiredSuffix.firstOccurrence(of: middles[m].bytes, anchor: middles[m].anchor, in: before,
                                                                  from: position, caseless: caseless) else { follows = false; break }
                    position = at + middles[m].bytes.count
                }
                if follows, lastAt >= position { found[set] = true }
            }
        }
    }
}

/// What finds the literal starts for a `PatternSetGroup`.
private enum LiteralFinder: Sendable {
    case automaton(PhraseAutomaton)
    case prefilter(LiteralPrefilter)

    /// Every literal start in `buffer` (see each finder's `forEachLiteral` for the order).
    func forEachLiteral<Result>(in buffer: UnsafeRawBufferPointer,
                                _ body: (_ offset: Int, _ group: Int, _ alternative: Int) -> Result?) -> Result? {
        switch self {
        case .automaton(let automaton): automaton.forEachLiteral(in: buffer, body)
        case .prefilter(let prefilter): prefilter.forEachLiteral(in: buffer, body)
        }
    }
}

/// A set's `GroupPlan` of its own (see `PatternSet.phrases`), built the first time it is asked
/// for, by whichever thread asks first; nil when an alternative is not a phrase of literals.
final class LazyPhrasePlan: Sendable {
    private let state = Mutex<GroupPlan??>(nil)

    /// The plan of `set` (always the same set: the one that holds this).
    fileprivate func plan(for set: PatternSet) -> GroupPlan? {
        state.withLock { state in
            if let built = state { return built }
            // Whether each alternative has chains, asked without making them.
            let phrases = set.patterns.allSatisfy { LiteralChains.forEachChain(of: $0, options: set.options) { _, _ in } }
            let plan = phrases ? GroupPlan([set]) : nil
            let built = plan?.decidesByBytesAlone == true ? plan : nil
            state = .some(built)
            return built
        }
    }
}

/// A set's prefilter built the first time it is asked for, by whichever thread asks first.
final class LazyPrefilter: Sendable {
    private let alternatives: [String]
    private let options: PatternOptions
    private let state = Mutex<LiteralPrefilter??>(nil)

    init(_ alternatives: [String], options: PatternOptions) {
        self.alternatives = alternatives
        self.options = options
    }

    /// The prefilter (nil only if `LiteralPrefilter.isPossible` said no).
    var prefilter: LiteralPrefilter? {
        state.withLock { state in
            if let built = state { return built }
            let built = LiteralPrefilter(alternatives: alternatives, options: options)
            state = .some(built)
            return built
        }
    }
}

/// A pattern compiled the first time it is asked for, by whichever thread asks first (JIT-compiled
/// later, by `BytePattern`, at a match); nil from then on if it does not compile.
final class LazyPattern: Sendable {
    /// What is compiled: a pattern, or alternatives joined by `PatternSet.source` when first compiled
    /// (most sets' alternations never are in a run).
    private enum Source {
        case pattern(String)
        case alternation([String])
    }
    private let source: Source
    private let options: PatternOptions
    private let state = Mutex<State>(.pending)

    private enum State {
        case pending
        case compiled(BytePattern)
        case failed
    }

    /// Matches run by the interpreter before the pattern is JIT-compiled (`BytePattern`); 0: none.
    private let jitAfter: Int

    init(_ source: String, options: PatternOptions, jitAfter: Int = 0) {
        self.source = .pattern(source)
        self.options = options
        self.jitAfter = jitAfter
    }

    /// The alternation of `patterns` (`PatternSet.source`), built when first compiled.
    init(alternation patterns: [String], options: PatternOptions) {
        self.source = .alternation(patterns)
        self.options = options
        self.jitAfter = 0
    }

    /// The compiled pattern, or nil when it does not compile.
    var compiled: BytePattern? {
        state.withLock { state in
            switch state {
            case .compiled(let pattern): return pattern
            case .failed: return nil
            case .pending:
                let text = switch source {
                case .pattern(let text): text
                case .alternation(let patterns): PatternSet.source(patterns)
                }
                guard let pattern = try? BytePattern(text, options: options, limits: .init(), jitAfter: jitAfter) else { state = .failed; return nil }
                state = .compiled(pattern)
                return pattern
            }
        }
    }
}
