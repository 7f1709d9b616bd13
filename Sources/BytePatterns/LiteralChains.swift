/// A pattern read as the literals its matches are made of, when it is no more than literals, groups
/// of literal alternatives, optional characters or groups, and `.*` under `.dotAll`: the reason
/// tables' phrases are nearly all of this shape ("user (does not exist|unknown)", "mailbox .*full",
/// "unrout(e)?able address").
///
/// Such a pattern matches at an offset exactly when one of its chains does: the chain's first
/// literal starts there, and each of the others occurs, in order, after the one before it ends
/// (`.*` with `.dotAll` takes any bytes, none included). So `PatternSetGroup` decides it by byte
/// comparisons, without PCRE2: on the sisimai bsd mbox x3, 3,432 anchored PCRE2 matches (8.1M
/// instructions, 2,355 a match, and 2.7M compiling the phrases tried) and 7,332 searches for a
/// required suffix (6.2M) were spent on phrases of this shape.
///
/// Read conservatively, like `RequiredSuffix`: anything else gives no chains (the pattern is then
/// tried by PCRE2): escapes other than escaped punctuation, classes, `(?` and `(*` groups, nested
/// groups, a quantifier other than `?` (and `?` made lazy or possessive), `.` other than `.*`, a
/// `.*` made lazy or possessive, a top-level `|`, `^` and `$`, or more than `maxExpansions` chains.
/// A chain whose first literal would be empty (the pattern starts with `.*`, or with an optional
/// part and then `.*`) is not anchored where the finder reports it, and gives none either.
enum LiteralChains {
    /// The most chains one pattern may expand to (the reason tables' largest, "user (does not
    /// exist|missing home directory|not active|not exist|not found|not known|unknown)", has 7).
    static let maxExpansions = 32

    /// The chains of `pattern` compiled with `options`: each a list of literals (ASCII letters
    /// lower-cased when `.caseless`), the first non-empty, to be found in order with any bytes
    /// between them; nil when the pattern is not of the shape described above.
    static func of(_ pattern: String, options: PatternOptions) -> [[[UInt8]]]? {
        guard !options.contains(.utf), !options.contains(.extended) else { return nil }
        let dotAll = options.contains(.dotAll)
        // Most phrases are plain literals: one chain of one literal, without the parse below (which
        // for the reason tables' 576 phrases cost 4.2M instructions at start-up), read in the
        // pattern's own bytes and written, folded, in one pass (a copy of the pattern, a search of it
        // and a folded copy, each made by a closure over an Array, were half of this function's
        // 2.65M instructions for the 743 phrases of `DiagnosticWords.group` on bsd.mbox x3).
        if let literal = plainLiteral(pattern, caseless: options.contains(.caseless)) { return [[literal]] }
        // Folded here when caseless, not each chain's literals after the parse (by `map`, 20
        // instructions a byte: 0.15M at start-up, sisimai bsd mbox x3): folding turns no byte into
        // or out of `isMeta` or `isAlphanumeric`, so the parse reads the same.
        let p = bytes(of: pattern, caseless: options.contains(.caseless))
        // Each chain as its literals so far; a gap (`.*`) starts a new literal unless the last is empty.
        var chains: [[[UInt8]]] = [[[]]]
        // The literal bytes read since the last group, optional byte or gap, appended to every chain
        // at once (appending the pattern's bytes one at a time, each as a choice, was 51M
        // instructions at start-up for the reason tables; 21M in place).
        var run: [UInt8] = []
        run.reserveCapacity(p.count)
        func flush() {
            guard !run.isEmpty else { return }
            for k in chains.indices { chains[k][chains[k].count - 1] += run }
            run.removeAll(keepingCapacity: true)
        }
        /// Every chain followed by each of `choices` in turn.
        func append(_ choices: [[UInt8]]) -> Bool {
            flush()
            guard chains.count * choices.count <= maxExpansions else { return false }
            var next: [[[UInt8]]] = []
            next.reserveCapacity(chains.count * choices.count)
            for chain in chains {
                for choice in choices {
                    var extended = chain
                    extended[extended.count - 1] += choice
                    next.append(extended)
                }
            }
            chains = next
            return true
        }
        /// The literal byte at `i` (a plain byte, or punctuation escaped by `\`) and its width, or nil.
        func literal(at i: Int) -> (byte: UInt8, width: Int)? {
            let c = p[i]
            if c == UInt8(ascii: "\\") {
                guard i + 1 < p.count, p[i + 1] < 0x80, !LiteralPrefilter.isAlphanumeric(p[i + 1]) else { return nil }
                return (p[i + 1], 2)
            }
            return isMeta(c) ? nil : (c, 1)
        }
        /// The quantifier at `i`: none (false), `?` (true), or nil for any other (or `?` followed by
        /// `?` or `+`, lazy or possessive).
        func optional(at i: Int) -> Bool? {
            guard i < p.count else { return false }
            switch p[i] {
            case UInt8(ascii: "?"):
                if i + 1 < p.count, p[i + 1] == UInt8(ascii: "?") || p[i + 1] == UInt8(ascii: "+") { return nil }
                return true
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "{"):
                return nil
            default:
                return false
            }
        }
        var i = 0
        while i < p.count {
            let c = p[i]
            if c == UInt8(ascii: ".") {
                // `.*` under `.dotAll`: any bytes. Not lazy, not possessive (`.*+` takes all and gives nothing back).
                guard dotAll, i + 1 < p.count, p[i + 1] == UInt8(ascii: "*") else { return nil }
                if i + 2 < p.count, p[i + 2] == UInt8(ascii: "?") || p[i + 2] == UInt8(ascii: "+") { return nil }
                flush()
                for k in chains.indices where !chains[k][chains[k].count - 1].isEmpty { chains[k].append([]) }
                // A gap before any literal: the chain is not anchored at its first literal.
                guard chains.allSatisfy({ !$0[0].isEmpty }) else { return nil }
                i += 2
            } else if c == UInt8(ascii: "(") {
                guard i + 1 < p.count, p[i + 1] != UInt8(ascii: "?"), p[i + 1] != UInt8(ascii: "*") else { return nil }
                var choices: [[UInt8]] = [[]]
                var j = i + 1
                while j < p.count, p[j] != UInt8(ascii: ")") {
                    if p[j] == UInt8(ascii: "|") {
                        choices.append([])
                        j += 1
                        continue
                    }
                    guard let (byte, width) = literal(at: j), optional(at: j + width) == false else { return nil }
                    choices[choices.count - 1].append(byte)
                    j += width
                }
                guard j < p.count, let isOptional = optional(at: j + 1) else { return nil }
                if isOptional { choices.append([]) }
                guard append(choices) else { return nil }
                i = j + (isOptional ? 2 : 1)
            } else {
                guard let (byte, width) = literal(at: i), let isOptional = optional(at: i + width) else { return nil }
                if isOptional {
                    guard append([[byte], []]) else { return nil }
                } else {
                    run.append(byte)
                }
                i += width + (isOptional ? 1 : 0)
            }
        }
        flush()
        var result: [[[UInt8]]] = []
        for var chain in chains {
            if chain.count > 1, chain[chain.count - 1].isEmpty { chain.removeLast() }   // a trailing `.*` asks nothing
            guard !chain[0].isEmpty else { return nil }
            if !result.contains(chain) { result.append(chain) }
        }
        return result
    }

    /// The one chain's one literal of `pattern` compiled with `options` when it is a plain literal (not
    /// empty, no `isMeta` byte): `of(pattern, options:)` is then `[[plain(pattern, options:)]]`.
    static func plain(_ pattern: String, options: PatternOptions) -> [UInt8]? {
        guard !options.contains(.utf), !options.contains(.extended) else { return nil }
        return plainLiteral(pattern, caseless: options.contains(.caseless))
    }

    /// `plain(pattern, options:)` appended to `bytes`, its length returned; nil (nothing appended)
    /// when it is nil. For `GroupPlan`, which lays its literals one after another (`LiteralList`):
    /// no array a literal, allocated and released (0.39M instructions and 743 releases at start-up,
    /// sisimai bsd mbox x3).
    static func plain(_ pattern: String, options: PatternOptions, appendingTo bytes: inout [UInt8]) -> Int? {
        guard !options.contains(.utf), !options.contains(.extended) else { return nil }
        let caseless = options.contains(.caseless)
        var pattern = pattern
        return pattern.withUTF8 { literal -> Int? in
            guard !literal.isEmpty else { return nil }
            for c in literal where isMeta(c) { return nil }
            let start = bytes.count
            bytes.append(contentsOf: literal)
            if caseless {
                bytes.withUnsafeMutableBufferPointer { out in
                    for i in start..<out.count { out[i] = LiteralPrefilter.fold(out[i]) }
                }
            }
            return literal.count
        }
    }

    /// The bytes of `pattern` (ASCII letters lower-cased when `caseless`) when it is not empty and
    /// holds no `isMeta` byte; else nil. Copied by `Array.init`, folded in place: made by
    /// `Array(unsafeUninitializedCapacity:)`, unspecialized, the copy's allocation was 530
    /// instructions (0.33M for 614 phrases at start-up, sisimai bsd mbox x3).
    private static func plainLiteral(_ pattern: String, caseless: Bool) -> [UInt8]? {
        var pattern = pattern
        return pattern.withUTF8 { bytes -> [UInt8]? in
            guard !bytes.isEmpty else { return nil }
            for c in bytes where isMeta(c) { return nil }
            var literal = Array(bytes)
            if caseless {
                literal.withUnsafeMutableBufferPointer { out in
                    for i in out.indices { out[i] = LiteralPrefilter.fold(out[i]) }
                }
            }
            return literal
        }
    }

    /// The UTF-8 bytes of `pattern`, ASCII letters lower-cased when `caseless` (a constant for
    /// `of`'s nested functions, which a `var` there would have them read through a box).
    private static func bytes(of pattern: String, caseless: Bool) -> [UInt8] {
        var bytes = Array(pattern.utf8)
        if caseless {
            for i in bytes.indices { bytes[i] = LiteralPrefilter.fold(bytes[i]) }
        }
        return bytes
    }

    /// The bytes that are not literal outside a class (PCRE2 syntax, pcre2pattern "Characters and
    /// metacharacters"), and `]` and `}`, which are literal there but read as meta here, to be safe.
    private static func isMeta(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "\\"), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "."), UInt8(ascii: "|"),
             UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"):
            return true
        default:
            return false
        }
    }
}
