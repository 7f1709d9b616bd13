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
    /// between them; nil when the pattern is not of the shape described above. (`forEachChain` as
    /// arrays: what the tests read; `GroupPlan` reads the chains where `forEachChain` makes them.)
    static func of(_ pattern: String, options: PatternOptions) -> [[[UInt8]]]? {
        var result: [[[UInt8]]] = []
        let shaped = forEachChain(of: pattern, options: options) { bytes, ends in
            var chain: [[UInt8]] = []
            var from = 0
            for end in ends {
                chain.append(Array(UnsafeBufferPointer(rebasing: bytes[from..<Int(end)])))
                from = Int(end)
            }
            result.append(chain)
        }
        return shaped ? result : nil
    }

    /// Calls `body` with each chain `of(pattern, options:)` gives, in its order: the chain's literals'
    /// bytes one after another, and where each literal ends in them, both on the stack; returns
    /// whether `of` gives chains (if not, `body` is not called). For `GroupPlan`, which keeps only
    /// the literals it looks for after the pass: the chains as arrays of arrays were made, copied
    /// and released (an allocation a literal and a chain, ~1,000 at start-up, sisimai bsd mbox x3).
    static func forEachChain(of pattern: String, options: PatternOptions,
                             _ body: (_ bytes: UnsafeBufferPointer<UInt8>, _ ends: UnsafeBufferPointer<Int32>) -> Void) -> Bool {
        guard !options.contains(.utf), !options.contains(.extended) else { return false }
        let dotAll = options.contains(.dotAll), caseless = options.contains(.caseless)
        var pattern = pattern
        return pattern.withUTF8 { source in
            // Folded here when caseless, not each chain's literals after the parse (by `map`, 20
            // instructions a byte: 0.15M at start-up, sisimai bsd mbox x3): folding turns no byte into
            // or out of `isMeta` or `isAlphanumeric`, so the parse reads the same. On the stack.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: source.count) { folded in
                for i in source.indices { folded[i] = caseless ? LiteralPrefilter.fold(source[i]) : source[i] }
                // Most phrases are plain literals: one chain of one literal, without the parse below
                // (which for the reason tables' 576 phrases cost 4.2M instructions at start-up).
                if !source.isEmpty && !holdsMeta(source) {
                    withUnsafeTemporaryAllocation(of: Int32.self, capacity: 1) { ends in
                        ends[0] = Int32(source.count)
                        body(UnsafeBufferPointer(folded), UnsafeBufferPointer(ends))
                    }
                    return true
                }
                return chains(of: UnsafeBufferPointer(folded), dotAll: dotAll, body)
            }
        }
    }

    /// `of` of the (folded) pattern bytes `p`. The pattern is read once into its pieces, in order:
    /// runs of literal bytes, choices (a group's alternatives, or an optional byte or group with
    /// the empty choice last) and gaps (`.*`), their bytes in one array; then each chain is made
    /// from one choice of each piece that has them, the last piece's choice varying fastest. Its
    /// literals are the pieces' bytes between the gaps, those left empty dropped, but the first,
    /// which must not be empty. (Chains extended a piece at a time, each step copying every chain
    /// and literal so far: 6,600 instructions a pattern, 1.3M at start-up, sisimai bsd mbox x3.)
    private static func chains(of p: UnsafeBufferPointer<UInt8>, dotAll: Bool,
                               _ body: (_ bytes: UnsafeBufferPointer<UInt8>, _ ends: UnsafeBufferPointer<Int32>) -> Void) -> Bool {
        // Everything below is bounded by the pattern's length (a byte of the pieces, a piece, a
        // choice each stand for one pattern byte or more), so kept on the stack: as arrays grown
        // by appends, their allocations and uniqueness checks cost more than the copying chains.
        let n = p.count
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 3 * n + 3) { byteSpace -> Bool in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: 8 * n + 8) { space -> Bool in
                chains(of: p, dotAll: dotAll, byteSpace: byteSpace.baseAddress!, space: space.baseAddress!, body)
            }
        }
    }

    /// `chains(of:dotAll:_:)` over scratch space of `3 * p.count + 3` bytes and `8 * p.count + 8` numbers.
    private static func chains(of p: UnsafeBufferPointer<UInt8>, dotAll: Bool,
                               byteSpace: UnsafeMutablePointer<UInt8>, space: UnsafeMutablePointer<Int32>,
                               _ body: (_ bytes: UnsafeBufferPointer<UInt8>, _ ends: UnsafeBufferPointer<Int32>) -> Void) -> Bool {
        let n = p.count
        // The literal bytes of the runs and choices, one after another, and two chains' literals
        // being made (the one given to `body`, and an earlier one made again to compare with it).
        let bytes = byteSpace, made = byteSpace + n + 1, other = made + n + 1
        var byteCount = 0
        // The pieces: a run (`run`, its bytes' start and end in `bytes`), a gap, or choices (`choice`,
        // where its choices' ranges start in `choiceStarts`/`choiceEnds`, and how many); and, for a
        // chain, the choice it takes of each.
        let kinds = space, pieceA = space + n + 1, pieceB = pieceA + n + 1
        let choiceStarts = pieceB + n + 1, choiceEnds = choiceStarts + n + 1, picked = choiceEnds + n + 1
        // Where each literal of the two chains being made ends (a chain has at most a literal a piece).
        let madeEnds = picked + n + 1, otherEnds = madeEnds + n + 1
        var pieceCount = 0, choiceCount = 0
        let run: Int32 = 0, gap: Int32 = 1, choice: Int32 = 2
        var expansions = 1
        /// The literal byte at `i` (a plain byte, or punctuation escaped by `\\`) and its width, or nil.
        func literal(at i: Int) -> (byte: UInt8, width: Int)? {
            let c = p[i]
            if c == UInt8(ascii: "\\") {
                guard i + 1 < n, p[i + 1] < 0x80, !LiteralPrefilter.isAlphanumeric(p[i + 1]) else { return nil }
                return (p[i + 1], 2)
            }
            return isMeta(c) ? nil : (c, 1)
        }
        /// The quantifier at `i`: none (false), `?` (true), or nil for any other (or `?` followed by
        /// `?` or `+`, lazy or possessive).
        func optional(at i: Int) -> Bool? {
            guard i < n else { return false }
            switch p[i] {
            case UInt8(ascii: "?"):
                if i + 1 < n, p[i + 1] == UInt8(ascii: "?") || p[i + 1] == UInt8(ascii: "+") { return nil }
                return true
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "{"):
                return nil
            default:
                return false
            }
        }
        /// Where the run of plain (not `isMeta`) bytes from `i` ends, less its last byte when a
        /// quantifier (`?`, `*`, `+`, `{`) follows that: the bytes before the end take no quantifier.
        func plainRunEnd(from i: Int) -> Int? {
            var j = i
            while j < n, !isMeta(p[j]) { j += 1 }
            guard j < n else { return j }
            switch p[j] {
            case UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "{"): return j - 1
            default: return j
            }
        }
        func addPiece(_ kind: Int32, _ a: Int, _ b: Int) {
            kinds[pieceCount] = kind
            pieceA[pieceCount] = Int32(a)
            pieceB[pieceCount] = Int32(b)
            pieceCount += 1
        }
        func addChoice() {
            choiceStarts[choiceCount] = Int32(byteCount)
            choiceEnds[choiceCount] = Int32(byteCount)
            choiceCount += 1
        }
        var i = 0
        while i < n {
            let c = p[i]
            if c == UInt8(ascii: ".") {
                // `.*` under `.dotAll`: any bytes. Not lazy, not possessive (`.*+` takes all and gives nothing back).
                guard dotAll, i + 1 < n, p[i + 1] == UInt8(ascii: "*") else { return false }
                if i + 2 < n, p[i + 2] == UInt8(ascii: "?") || p[i + 2] == UInt8(ascii: "+") { return false }
                addPiece(gap, 0, 0)
                i += 2
            } else if c == UInt8(ascii: "(") {
                guard i + 1 < n, p[i + 1] != UInt8(ascii: "?"), p[i + 1] != UInt8(ascii: "*") else { return false }
                let first = choiceCount
                addChoice()
                var j = i + 1
                while j < n, p[j] != UInt8(ascii: ")") {
                    if p[j] == UInt8(ascii: "|") {
                        addChoice()
                        j += 1
                        continue
                    }
                    guard let (byte, width) = literal(at: j), optional(at: j + width) == false else { return false }
                    bytes[byteCount] = byte
                    byteCount += 1
                    choiceEnds[choiceCount - 1] += 1
                    j += width
                }
                guard j < n, let isOptional = optional(at: j + 1) else { return false }
                if isOptional { addChoice() }
                expansions *= choiceCount - first
                guard expansions <= maxExpansions else { return false }
                addPiece(choice, first, choiceCount - first)
                i = j + (isOptional ? 2 : 1)
            } else if !isMeta(c), let end = plainRunEnd(from: i), end > i {
                // A run of plain bytes, each followed by one that quantifies nothing: appended at once
                // to the run being made, as the byte-at-a-time branch below would one by one (each byte
                // read through `literal(at:)` and `optional(at:)`, ~60 instructions: most of the parse of
                // the reason tables' 195 phrases of this shape at start-up, bsd.mbox).
                if pieceCount == 0 || kinds[pieceCount - 1] != run { addPiece(run, byteCount, byteCount) }
                (bytes + byteCount).update(from: p.baseAddress! + i, count: end - i)
                byteCount += end - i
                pieceB[pieceCount - 1] += Int32(end - i)
                i = end
            } else {
                guard let (byte, width) = literal(at: i), let isOptional = optional(at: i + width) else { return false }
                if isOptional {
                    expansions *= 2
                    guard expansions <= maxExpansions else { return false }
                    addChoice()
                    choiceEnds[choiceCount - 1] += 1
                    bytes[byteCount] = byte
                    byteCount += 1
                    addChoice()
                    addPiece(choice, choiceCount - 2, 2)
                } else {
                    if pieceCount == 0 || kinds[pieceCount - 1] != run { addPiece(run, byteCount, byteCount) }
                    bytes[byteCount] = byte
                    byteCount += 1
                    pieceB[pieceCount - 1] += 1
                }
                i += width + (isOptional ? 1 : 0)
            }
        }
        /// Chain `e` (its choice of each piece with choices: the digits of `e`, the last piece's
        /// lowest) made into `out`, where each of its literals ends into `outEnds`: its literal
        /// count, or nil when its first literal is empty (the chain would not be anchored at it).
        func make(_ e: Int, _ out: UnsafeMutablePointer<UInt8>, _ outEnds: UnsafeMutablePointer<Int32>) -> Int? {
            var rest = e
            var k = pieceCount
            while k > 0 {
                k -= 1
                guard kinds[k] == choice else { continue }
                picked[k] = pieceA[k] + Int32(rest % Int(pieceB[k]))
                rest /= Int(pieceB[k])
            }
            var literals = 0, length = 0, literalStart = 0
            for k in 0..<pieceCount {
                let from: Int, to: Int
                switch kinds[k] {
                case run: (from, to) = (Int(pieceA[k]), Int(pieceB[k]))
                case choice: (from, to) = (Int(choiceStarts[Int(picked[k])]), Int(choiceEnds[Int(picked[k])]))
                default:
                    // A gap: ends the literal, unless it is empty; the first may not be.
                    if length == literalStart {
                        guard literals > 0 else { return nil }
                    } else {
                        outEnds[literals] = Int32(length)
                        literals += 1
                        literalStart = length
                    }
                    continue
                }
                (out + length).update(from: bytes + from, count: to - from)
                length += to - from
            }
            if length > literalStart {
                outEnds[literals] = Int32(length)
                literals += 1
            }
            return literals > 0 ? literals : nil
        }
        // Every chain made first: one without a first literal leaves the pattern with none.
        for e in 0..<expansions where make(e, made, madeEnds) == nil { return false }
        for e in 0..<expansions {
            guard let count = make(e, made, madeEnds) else { return false }
            let length = Int(madeEnds[count - 1])
            // A chain given before (choices that spell the same literals) is not given again.
            var repeated = false
            for earlier in 0..<e {
                guard make(earlier, other, otherEnds) == count,
                      UnsafeBufferPointer(start: madeEnds, count: count).elementsEqual(UnsafeBufferPointer(start: otherEnds, count: count)),
                      UnsafeBufferPointer(start: made, count: length).elementsEqual(UnsafeBufferPointer(start: other, count: length))
                else { continue }
                repeated = true
                break
            }
            if !repeated { body(UnsafeBufferPointer(start: made, count: length), UnsafeBufferPointer(start: madeEnds, count: count)) }
        }
        return true
    }

    /// The one chain's one literal of `pattern` compiled with `options` when it is a plain literal (not
    /// empty, no `isMeta` byte; `of(pattern, options:)` is then that one chain of one literal),
    /// appended to `bytes`, its length returned; nil (nothing appended) otherwise. For `GroupPlan`,
    /// which lays its literals one after another (`LiteralList`): no array a literal, allocated and
    /// released (0.39M instructions and 743 releases at start-up, sisimai bsd mbox x3).
    static func plain(_ pattern: String, options: PatternOptions, appendingTo bytes: inout [UInt8]) -> Int? {
        guard !options.contains(.utf), !options.contains(.extended) else { return nil }
        let caseless = options.contains(.caseless)
        var pattern = pattern
        return pattern.withUTF8 { literal -> Int? in
            guard !literal.isEmpty else { return nil }
            if holdsMeta(literal) { return nil }
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

    /// Whether `bytes` hold an `isMeta` byte: sixteen at a time (the last sixteen overlapping the
    /// ones before), one at a time under sixteen. (A byte at a time, `isMeta`'s switch a jump through
    /// a table, ~9.5 instructions a byte: 0.17M for the 17,000 bytes of the phrases at start-up,
    /// bsd.mbox x3.)
    static func holdsMeta(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        guard count >= 16, let base = bytes.baseAddress else {
            for c in bytes where isMeta(c) { return true }
            return false
        }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while true {
            let at = min(i, count &- 16)
            let marks = unsafeBitCast(metaLanes(raw.loadUnaligned(fromByteOffset: at, as: SIMD16<UInt8>.self)), to: SIMD2<UInt64>.self)
            if marks[0] | marks[1] != 0 { return true }
            if at == count &- 16 { return false }
            i &+= 16
        }
    }

    /// The lanes of `v` holding an `isMeta` byte: `$`, `(` to `+`, `.`, `?`, `[` to `^`, `{` to `}`.
    @inline(__always)
    private static func metaLanes(_ v: SIMD16<UInt8>) -> SIMDMask<SIMD16<Int8>> {
        @inline(__always) func within(_ first: UInt8, _ count: UInt8) -> SIMDMask<SIMD16<Int8>> {
            (v &- SIMD16(repeating: first)) .< SIMD16(repeating: count)
        }
        @inline(__always) func equal(_ byte: UInt8) -> SIMDMask<SIMD16<Int8>> {
            v .== SIMD16(repeating: byte)
        }
        return equal(UInt8(ascii: "$")) .| within(UInt8(ascii: "("), 4) .| equal(UInt8(ascii: ".")) .| equal(UInt8(ascii: "?"))
            .| within(UInt8(ascii: "["), 4) .| within(UInt8(ascii: "{"), 3)
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
