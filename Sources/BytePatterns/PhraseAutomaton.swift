/// Every occurrence of many literals in one pass, one table lookup per text byte: an Aho-Corasick
/// automaton (Aho and Corasick, "Efficient string matching", CACM 18(6), 1975) turned into a full
/// transition table, over the literals a `PatternSetGroup` looks for (its alternatives' literal
/// starts as `LiteralPrefilter` takes them, and its phrases' literals, `LiteralChains`).
///
/// `PatternSetGroup` asks for every such literal in a diagnostic, in any order. The prefilter's scan
/// (a first-byte table, a trigram bit, a trie walk from each candidate) cost 68 instructions a byte of
/// diagnostic on the sisimai bsd mbox x3 (38.5M for 564,000 bytes), because English text is full of
/// the reason phrases' first trigrams ("mes", "you", "the"); the automaton reads each byte once (12
/// instructions, 7.0M, in `advance`) and stops only where a literal's first `maxDepth` bytes end,
/// where the rest is compared. Fewer instructions, not less time: each byte's lookup waits for the
/// last one in a 361 KB table, and in wall clock the two were within this VM's noise (bsd20 full,
/// three interleaved `perf stat -r 5`: 1.00-1.04 s, the prefilter 1.02-1.06 s; 2026-11-30).
/// It reports each literal where it ends, so offsets come in the order of those ends, not of the
/// starts. Not built (nil) when the table would pass `maxStates`; the group then keeps the
/// prefilter's scan.
///
/// A class, immutable once built: as a struct, each hand-over to a pass copied its seven arrays
/// (their retains and releases: 0.4M instructions on the sisimai bsd mbox x3). Unchecked Sendable:
/// its two tables are buffers of its own, written only by `init` and freed by `deinit`.
final class PhraseAutomaton: @unchecked Sendable {
    /// A literal whose first `maxDepth` bytes (or all, when shorter) end at a state: its group, its
    /// alternative's index in the group, how many of its bytes the automaton read (`prefixLength`),
    /// and where the rest are in `restBytes` (`restCount` of them, compared at the candidate).
    struct Output: Sendable {
        var group: Int32
        var alternative: Int32
        var prefixLength: Int32
        var restStart: Int32
        var restCount: Int32
    }

    /// The bytes of a literal the automaton reads; the rest are compared where the first ones occur.
    /// Literal starts run to dozens of bytes ("mailbox unavailable", "recipient address rejected"),
    /// and their tails made most of the states: when this was measured, the reason phrases' literals in
    /// full needed 12,961 states of 55 byte classes, a table of 1.4 MB built and its pages faulted in by
    /// every run that reads a diagnostic (sisimai bsd mbox: 450 more page faults); their first 12 bytes
    /// 3,283 (361 KB, 150 more; with the phrases added since, 4,500 states of 59 classes, 531 KB). Fewer
    /// bytes cost more in candidates that fail later (bsd mbox x3: 8 bytes +5M instructions, 6 bytes +13M).
    static let maxDepth = 12

    /// The most states the table holds (a state and the "has outputs" flag share 16 bits).
    static let maxStates = 1 << 15
    private static let hasOutputs: UInt16 = 0x8000

    /// The distance between two columns of `transitions`: the least power of two at least
    /// `stateCount` (at most `hasOutputs`, as `stateCount` is at most `maxStates`). A flagged state's
    /// slot in column `c`, `c * stride + hasOutputs + state`, is then column `c + hasOutputs / stride`'s
    /// slot for `state`, which no unflagged state has: the two kinds never meet.
    static func columnStride(stateCount: Int) -> Int {
        1 << (Int.bitWidth - (max(1, stateCount) - 1).leadingZeroBitCount)
    }

    /// Where column `c` of a table of `width` columns and `stateCount` states begins in `transitions`:
    /// `c * stride` and a shift of whole cache lines, one line more for each column before the last
    /// (while the room above `stateCount` holds them; less, in proportion, when it does not).
    ///
    /// A flagged state's slots in column `c` (its number with `hasOutputs`) fall into the block of
    /// column `c + hasOutputs / stride`, shifted as column `c` is. The flagged states are numbered after
    /// the unflagged ones (`init`), and column `c`'s shift is at least that later column's: a flagged
    /// slot lies past all the unflagged slots of that column, and the two kinds never meet.
    ///
    /// Without the shift every column began at a multiple of the stride (for the reason phrases'
    /// 4,500 states of 59 byte classes, 16 KiB), so a state's slots in all 59 columns fell into one set
    /// of the 8-way, 4 KiB-period first-level data cache, and the walk's steps (each in another column)
    /// evicted one another.
    static func columnStart(_ c: Int, width: Int, stateCount: Int) -> Int {
        let stride = columnStride(stateCount: stateCount)
        let lineSlots = 32   // 64-byte lines of 16-bit slots
        let roomLines = max(0, stride - stateCount) / lineSlots
        let later = max(0, width - 1 - c)
        let lines = roomLines >= width - 1 ? later : later * roomLines / max(1, width - 1)
        return c &* stride &+ lines &* lineSlots
    }

    /// The transition table, a column per byte class, the columns `columnStride(stateCount:)` slots
    /// apart, each shifted by a few cache lines (`columnStart(_:width:stateCount:)`): the state after `state`
    /// on a byte of class `c` is `transitions[columnStart(c) + state]`,
    /// with `hasOutputs` set when a literal's first `maxDepth` bytes end there. Such a state's slots
    /// are at its number with `hasOutputs` set, the others' at their number, so that a walk reads
    /// on from a state as the table gave it, flag or not, and tests for the flag once in a few
    /// steps (`advanceTwo`). The stride is a power of two at least `stateCount`, so the flagged
    /// states' slots (`hasOutputs` further on) fall into the room the unflagged ones leave in the
    /// columns after, never onto one of theirs: the table is `width * stride + hasOutputs` slots,
    /// at most about twice those in use. (Each column `hasOutputs + stateCount` slots high, the
    /// reason phrases' table took 4 MB of addresses for the 361 KB it used, every 2 MiB page of it
    /// touched: peak memory on bsd.mbox 27 MB -> 38 MB with mimalloc's large pages.) Bytes that begin
    /// no literal path share class 0.
    private let transitions: UnsafeMutableBufferPointer<UInt16>
    /// For each text byte, its class's column of `transitions` (case folded first when caseless): a
    /// step is `columnOf[byte][state]`, three instructions; with a row a state it was five (the class
    /// read, a multiplication by the row's width, the slot read). On bsd.mbox x3 the walks
    /// (`forEachLiteral`) went 12.87M -> 10.84M, and the rows' turning into columns at start-up cost
    /// 1.1M (`PhraseAutomaton.init` 2.74M -> 3.85M, four automata).
    private let columnOf: UnsafeMutablePointer<UnsafePointer<UInt16>>
    /// The literals that end at state `s`: `outputs[outputStarts[s]..<outputStarts[s + 1]]`, its
    /// own and those of the states its fail links lead to.
    private let outputs: [Output]
    private let outputStarts: [Int32]
    /// The bytes of the literals past `maxDepth`, one after another (folded when caseless), and
    /// for each the bits a text byte may differ in: 0x20 for a letter when caseless (a byte ORed
    /// with 0x20 is a lower-case letter exactly when it is that letter in either case), none for
    /// any other byte. Compared eight bytes at a time.
    private let restBytes: [UInt8]
    private let restMasks: [UInt8]

    /// The automaton over `groups` (literal starts as `LiteralPrefilter.literalStart` takes them, and
    /// under the same conditions), or nil when an alternative has none, the options rule it out, or
    /// it would need more than `maxStates` states.
    convenience init?(groups: [[String]], options: PatternOptions) {
        guard LiteralPrefilter.allowed(groups: groups, options: options),
              let starts = LiteralPrefilter.literalStarts(of: groups, caseless: options.contains(.caseless)) else { return nil }
        self.init(literals: LiteralList(starts), caseless: options.contains(.caseless))
    }

    /// The automaton over `list`'s literals, each reported with its group and alternative (its
    /// bytes folded already when `caseless`), or nil when there are none, one is empty, or it would
    /// need more than `maxStates` states.
    init?(literals list: LiteralList, caseless: Bool) {
        let literalCount = list.count
        guard literalCount > 0 else { return nil }
        for k in 0..<literalCount where list.starts[k] == list.starts[k + 1] { return nil }
        // The bytes the automaton reads of each literal, one after another (literal k's are
        // `prefixBytes[prefixStarts[k]..<prefixStarts[k + 1]]`), and its output: one buffer each, not
        // a (slice, output) pair a literal, whose copies in the loops below (a retain and release
        // each) were 0.57M instructions at start-up (sisimai bsd mbox x3).
        let depth = PhraseAutomaton.maxDepth
        var prefixTotal = 0
        for k in 0..<literalCount { prefixTotal += min(list.starts[k + 1] - list.starts[k], depth) }
        let restTotal = list.starts[literalCount] - prefixTotal
        let prefixBytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: prefixTotal)
        defer { prefixBytes.deallocate() }
        var prefixStarts = [Int](repeating: 0, count: literalCount + 1)
        var literalOutputs: [Output] = []
        literalOutputs.reserveCapacity(literalCount)
        var restCount = 0
        list.bytes.withUnsafeBufferPointer { bytes in
            guard let from = bytes.baseAddress, let to = prefixBytes.baseAddress else { return }
            for k in 0..<literalCount {
                let count = list.starts[k + 1] - list.starts[k]
                let prefixLength = min(count, depth)
                literalOutputs.append(Output(group: list.groups[k], alternative: list.alternatives[k],
                                             prefixLength: Int32(prefixLength), restStart: Int32(restCount),
                                             restCount: Int32(count - prefixLength)))
                (to + prefixStarts[k]).update(from: from + list.starts[k], count: prefixLength)
                prefixStarts[k + 1] = prefixStarts[k] + prefixLength
                restCount += count - prefixLength
            }
        }
        // Byte classes: one per distinct byte of the literals, 0 for the rest.
        var classes = [UInt8](repeating: 0, count: 256)
        var count = 1
        for byte in prefixBytes where classes[Int(byte)] == 0 {
            guard count < 256 else { return nil }
            classes[Int(byte)] = UInt8(count)
            count += 1
        }
        let width = count
        // The trie, in the table itself (0 where there is no child yet: the root is no one's child),
        // with room for the most states the literals could need; `endState[k]` is where literal k ends,
        // `parent` and `via` say where each state hangs. Built over the buffers: the table has
        // hundreds of thousands of slots and this runs at start-up. Only the rows of states made are
        // ever read or kept, and each is zeroed when its state is made: zeroing the whole table up
        // front (`repeating: 0`) was 1.09M instructions of memset for the five automata at start-up
        // (sisimai bsd mbox x3; callgrind counts `rep stosb` a byte at a time), and so was `calloc`
        // (mimalloc's, 1.63M: its pages are not known to be zero).
        //
        // The states' numbers (`parent`, `via`, `endState` here, and the arrays of the passes below)
        // are kept in buffers read and written through pointers: as arrays, each access's bounds
        // and uniqueness checks made ~250 instructions a state (4,985 states in the four automata
        // built at start-up, sisimai bsd mbox x3). Every index comes from the trie itself.
        let stateBound = min(PhraseAutomaton.maxStates, 1 + prefixBytes.count)
        let trieScratch = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * stateBound + literalCount)
        defer { trieScratch.deallocate() }
        let parent = trieScratch, via = trieScratch + stateBound, endState = trieScratch + 2 * stateBound
        var stateCount = 1
        let table = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: stateBound * width)
        defer { table.deallocate() }
        guard let base = table.baseAddress, let prefix = UnsafePointer(prefixBytes.baseAddress) else { return nil }
        base.initialize(repeating: 0, count: width)   // the root's row
        for k in 0..<literalCount {
            var state = 0
            for i in prefixStarts[k]..<prefixStarts[k + 1] {
                let c = Int(classes[Int(prefix[i])])
                let slot = state &* width &+ c
                if base[slot] == 0 {
                    guard stateCount < stateBound else { return nil }
                    (base + stateCount &* width).initialize(repeating: 0, count: width)
                    base[slot] = UInt16(stateCount)
                    parent[stateCount] = Int32(state)
                    via[stateCount] = Int32(c)
                    stateCount += 1
                }
                state = Int(base[slot])
            }
            endState[k] = Int32(state)
        }
        // Each state's literals (`ownCount`), children (by parent: `children[childStarts[s]..<childStarts[s + 1]]`)
        // and breadth-first `order`, all by its number in the trie; and by its number in the table
        // (`number[s]`, given as it is reached breadth first): its fail state, whether literals end
        // there, its outputs' count (`total`) and place (`outputStarts`).
        //
        // The table numbers the states without outputs 0, 1, 2, ... and those with outputs from the
        // last number down, so that each kind's rows are consecutive and its slots in a column too
        // (a flagged state's slot is `hasOutputs` on): the rows then turn into columns eight by eight
        // (`transposed`), not a slot at a time (3.5 instructions a slot, 1.03M of the four automata's
        // 2.64M at start-up on bsd.mbox x3). Which number a state has changes no transition and no
        // output, only where they are kept.
        let n = stateCount
        let stateScratch = UnsafeMutablePointer<Int32>.allocate(capacity: 10 * n + 2)
        defer { stateScratch.deallocate() }
        let ownCount = stateScratch, childStarts = stateScratch + n, children = childStarts + n + 1, placed = children + n
        let fail = placed + n, order = fail + n, hasOutputs = order + n, total = hasOutputs + n, starts = total + n
        let number = starts + n + 1
        ownCount.initialize(repeating: 0, count: n)
        for k in 0..<literalCount { ownCount[Int(endState[k])] += 1 }
        childStarts.initialize(repeating: 0, count: n + 1)
        for state in 1..<n { childStarts[Int(parent[state]) + 1] += 1 }
        for state in 0..<n { childStarts[state + 1] += childStarts[state] }
        placed.update(from: childStarts, count: n)
        for state in 1..<n {
            children[Int(placed[Int(parent[state])])] = Int32(state)
            placed[Int(parent[state])] += 1
        }
        // Breadth first, so that a state's fail state (shallower) is done before it: a state's row
        // is its fail state's row (the longest proper suffix of its path that is a trie path), with
        // its trie children put back; a child's fail state is where its parent's row led before
        // that; and a state has outputs when a literal ends there or its fail state has outputs.
        // The root's row is 0 (back to the root) but for its children. A state's row is written at
        // its table number, once its fail state's is done there (the trie's rows are not read
        // again: a state's children are in `children`): the table's rows, in its numbers, hold its
        // numbers.
        fail[0] = 0
        order[0] = 0
        hasOutputs[0] = 0
        number[0] = 0
        var nextPlain = 1, nextFlagged = n - 1
        var tail = 1
        for head in 0..<n {
            let state = Int(order[head])
            let own = Int(number[state])
            let row = own &* width
            if state != 0 { (base + row).update(from: base + Int(fail[own]) &* width, count: width) }
            for k in Int(childStarts[state])..<Int(childStarts[state + 1]) {
                let child = Int(children[k])
                let slot = row &+ Int(via[child])
                let childFail = state == 0 ? 0 : Int(base[slot] & ~PhraseAutomaton.hasOutputs)
                let has = ownCount[child] > 0 || hasOutputs[childFail] != 0
                let childNumber: Int
                if has {
                    childNumber = nextFlagged
                    nextFlagged -= 1
                } else {
                    childNumber = nextPlain
                    nextPlain += 1
                }
                number[child] = Int32(childNumber)
                fail[childNumber] = Int32(childFail)
                hasOutputs[childNumber] = has ? 1 : 0
                base[slot] = UInt16(childNumber) | (has ? PhraseAutomaton.hasOutputs : 0)
                order[tail] = Int32(child)
                tail += 1
            }
        }
        // Outputs per state: its own literals, then its fail state's outputs (already laid out,
        // being earlier in breadth-first order).
        total[0] = 0
        for head in 1..<n {
            let state = Int(number[Int(order[head])])
            total[state] = ownCount[Int(order[head])] + total[Int(fail[state])]
        }
        starts[0] = 0
        for state in 0..<n { starts[state + 1] = starts[state] + total[state] }
        let filled = placed
        filled.update(from: starts, count: n)
        // Never `Array(unsafeUninitializedCapacity: 0)`, which writes its count (0) into the empty-array
        // storage all threads share (a race ThreadSanitizer reports, automata being made on workers; the
        // rule of MailParsing's `Array(uninitializedCapacity:initializingWith:)`, a module this one does
        // not see).
        let flat = starts[n] == 0 ? [] : [Output](unsafeUninitializedCapacity: Int(starts[n])) { flat, written in
            for k in 0..<literalCount {
                let state = Int(number[Int(endState[k])])
                (flat.baseAddress! + Int(filled[state])).initialize(to: literalOutputs[k])
                filled[state] += 1
            }
            for head in 1..<n {
                let state = Int(number[Int(order[head])])
                let from = Int(starts[Int(fail[state])])
                for k in from..<from + Int(total[Int(fail[state])]) {
                    (flat.baseAddress! + Int(filled[state])).initialize(to: flat[k])
                    filled[state] += 1
                }
            }
            written = Int(starts[n])
        }
        // The rows made into columns, each state's slots at its number as the table gives it (with
        // `hasOutputs` when it has outputs): those without outputs, 0..<nextPlain, then those with.
        let height = PhraseAutomaton.columnStride(stateCount: stateCount)
        let columnStarts = (0..<width).map { PhraseAutomaton.columnStart($0, width: width, stateCount: stateCount) }
        let columns = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: height * width + Int(PhraseAutomaton.hasOutputs))
        if let to = columns.baseAddress {
            columnStarts.withUnsafeBufferPointer { starts in
                PhraseAutomaton.transposed(rows: UnsafePointer(base), width: width, states: 0..<nextPlain, to: to, columnStarts: starts)
                PhraseAutomaton.transposed(rows: UnsafePointer(base), width: width, states: nextPlain..<n,
                                           to: to + Int(PhraseAutomaton.hasOutputs), columnStarts: starts)
            }
        }
        transitions = columns
        columnOf = .allocate(capacity: 256)
        for byte in 0..<256 {
            let c = Int(classes[Int(caseless ? LiteralPrefilter.fold(UInt8(byte)) : UInt8(byte))])
            (columnOf + byte).initialize(to: UnsafePointer(columns.baseAddress! + columnStarts[c]))
        }
        outputs = flat
        outputStarts = Array(UnsafeBufferPointer(start: starts, count: n + 1))
        // The literals' tails, each copied whole, and their masks, sixteen at a time (by `+=` of each
        // tail and a `map`: 0.3M instructions at start-up, sisimai bsd mbox x3, four automata; a byte
        // at a time into place, 0.21M; now 0.03M).
        let tails = restTotal == 0 ? [] : [UInt8](unsafeUninitializedCapacity: restTotal) { tails, written in
            list.bytes.withUnsafeBufferPointer { bytes in
                guard let from = bytes.baseAddress, let to = tails.baseAddress else { return }
                for k in 0..<literalCount {
                    let start = min(list.starts[k] + depth, list.starts[k + 1]), count = list.starts[k + 1] - start
                    if count > 0 { (to + written).initialize(from: from + start, count: count) }
                    written += count
                }
            }
        }
        restBytes = tails
        restMasks = tails.isEmpty ? [] : [UInt8](unsafeUninitializedCapacity: tails.count) { masks, written in
            tails.withUnsafeBufferPointer { PhraseAutomaton.writeMasks(of: $0, caseless: caseless, to: masks) }
            written = tails.count
        }
    }

    /// Writes to `masks` (as many as `bytes`) each byte's mask (`restMasks`): 0x20 for a lower-case
    /// letter when `caseless`, else 0. Sixteen at a time, the last sixteen overlapping the ones before.
    static func writeMasks(of bytes: UnsafeBufferPointer<UInt8>, caseless: Bool, to masks: UnsafeMutableBufferPointer<UInt8>) {
        let count = bytes.count
        guard let from = bytes.baseAddress, let to = masks.baseAddress, masks.count >= count else { return }
        guard caseless, count >= 16 else {
            for i in 0..<count { to[i] = caseless && from[i] &- UInt8(ascii: "a") < 26 ? 0x20 : 0 }
            return
        }
        let raw = UnsafeRawPointer(from), out = UnsafeMutableRawPointer(to)
        let a = SIMD16<UInt8>(repeating: UInt8(ascii: "a")), letters = SIMD16<UInt8>(repeating: 26), bit = SIMD16<UInt8>(repeating: 0x20)
        var i = 0
        while true {
            let at = min(i, count &- 16)
            let lower = (raw.loadUnaligned(fromByteOffset: at, as: SIMD16<UInt8>.self) &- a) .< letters
            out.storeBytes(of: SIMD16<UInt8>(repeating: 0).replacing(with: bit, where: lower), toByteOffset: at, as: SIMD16<UInt8>.self)
            if at == count &- 16 { return }
            i &+= 16
        }
    }

    /// Writes the slots of the `states` (consecutive rows of `width` slots at `rows`, row `s` at
    /// `rows + s * width`) into columns at `to`, column `c` at `to + columnStarts[c]`
    /// (`columnStart(_:width:stateCount:)`): slot `c` of row `s` to `to[columnStarts[c] + s]`. Eight
    /// rows by eight slots at a time (`transposedBlock`), the last block of rows and of slots
    /// overlapping the one before when the count is not a multiple of eight (its slots written twice,
    /// the same each time); one slot at a time when there are fewer than eight of either.
    static func transposed(rows: UnsafePointer<UInt16>, width: Int, states: Range<Int>, to: UnsafeMutablePointer<UInt16>,
                           columnStarts: UnsafeBufferPointer<Int>) {
        precondition(columnStarts.count >= width)
        guard states.count >= 8, width >= 8 else {
            for state in states {
                for c in 0..<width { to[columnStarts[c] &+ state] = rows[state &* width &+ c] }
            }
            return
        }
        var s = states.lowerBound
        while true {
            let first = min(s, states.upperBound &- 8)
            var c = 0
            while true {
                let column = min(c, width &- 8)
                transposedBlock(rows + (first &* width &+ column), rowStride: width, to + first,
                                columnStarts: columnStarts.baseAddress! + column)
                if column == width &- 8 { break }
                c &+= 8
            }
            if first == states.upperBound &- 8 { break }
            s &+= 8
        }
    }

    /// Slots `0..<8` of the eight rows at `rows`, `rowStride` slots apart, written as eight columns
    /// of eight, column `k` at `to + columnStarts[k]`: the classic SSE2 transposition (interleaved
    /// 16-, 32- and 64-bit halves, `punpckl`/`punpckh`: 24 shuffles, 64 instructions a block).
    @inline(__always)
    private static func transposedBlock(_ rows: UnsafePointer<UInt16>, rowStride: Int, _ to: UnsafeMutablePointer<UInt16>,
                                        columnStarts: UnsafePointer<Int>) {
        typealias Lanes = SIMD8<UInt16>
        @inline(__always) func low16(_ a: Lanes, _ b: Lanes) -> Lanes { Lanes(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3]) }
        @inline(__always) func high16(_ a: Lanes, _ b: Lanes) -> Lanes { Lanes(a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7]) }
        @inline(__always) func low32(_ a: Lanes, _ b: Lanes) -> Lanes {
            let x = unsafeBitCast(a, to: SIMD4<UInt32>.self), y = unsafeBitCast(b, to: SIMD4<UInt32>.self)
            return unsafeBitCast(SIMD4<UInt32>(x[0], y[0], x[1], y[1]), to: Lanes.self)
        }
        @inline(__always) func high32(_ a: Lanes, _ b: Lanes) -> Lanes {
            let x = unsafeBitCast(a, to: SIMD4<UInt32>.self), y = unsafeBitCast(b, to: SIMD4<UInt32>.self)
            return unsafeBitCast(SIMD4<UInt32>(x[2], y[2], x[3], y[3]), to: Lanes.self)
        }
        @inline(__always) func low64(_ a: Lanes, _ b: Lanes) -> Lanes {
            let x = unsafeBitCast(a, to: SIMD2<UInt64>.self), y = unsafeBitCast(b, to: SIMD2<UInt64>.self)
            return unsafeBitCast(SIMD2<UInt64>(x[0], y[0]), to: Lanes.self)
        }
        @inline(__always) func high64(_ a: Lanes, _ b: Lanes) -> Lanes {
            let x = unsafeBitCast(a, to: SIMD2<UInt64>.self), y = unsafeBitCast(b, to: SIMD2<UInt64>.self)
            return unsafeBitCast(SIMD2<UInt64>(x[1], y[1]), to: Lanes.self)
        }
        let from = UnsafeRawPointer(rows)
        @inline(__always) func row(_ k: Int) -> Lanes { from.loadUnaligned(fromByteOffset: 2 &* k &* rowStride, as: Lanes.self) }
        let r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3), r4 = row(4), r5 = row(5), r6 = row(6), r7 = row(7)
        // Pairs of slots, then quadruples, then eights of each column.
        let a0 = low16(r0, r1), a1 = high16(r0, r1), a2 = low16(r2, r3), a3 = high16(r2, r3)
        let a4 = low16(r4, r5), a5 = high16(r4, r5), a6 = low16(r6, r7), a7 = high16(r6, r7)
        let b0 = low32(a0, a2), b1 = high32(a0, a2), b2 = low32(a1, a3), b3 = high32(a1, a3)
        let b4 = low32(a4, a6), b5 = high32(a4, a6), b6 = low32(a5, a7), b7 = high32(a5, a7)
        let out = UnsafeMutableRawPointer(to)
        @inline(__always) func put(_ k: Int, _ column: Lanes) {
            out.storeBytes(of: column, toByteOffset: 2 &* columnStarts[k], as: Lanes.self)
        }
        put(0, low64(b0, b4)); put(1, high64(b0, b4)); put(2, low64(b1, b5)); put(3, high64(b1, b5))
        put(4, low64(b2, b6)); put(5, high64(b2, b6)); put(6, low64(b3, b7)); put(7, high64(b3, b7))
    }

    deinit {
        transitions.deallocate()
        columnOf.deallocate()
    }

    /// Whether the bytes of `output`'s literal after those the automaton read follow at `offset`:
    /// eight bytes at a time, through the masks (byte by byte with a folding of each text byte, these
    /// comparisons were about half of the instructions of a pass outside `advance`).
    @inline(__always) private static func restFollows(_ output: Output, at offset: Int, in bytes: UnsafeBufferPointer<UInt8>,
                                                      rest: UnsafeBufferPointer<UInt8>, masks: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = Int(output.restCount)
        let start = Int(output.restStart)
        guard count > 0 else { return true }
        guard offset >= 0, offset + count <= bytes.count, start >= 0, start + count <= rest.count, start + count <= masks.count,
              let text = bytes.baseAddress, let restBase = rest.baseAddress, let maskBase = masks.baseAddress else { return false }
        let t = UnsafeRawPointer(text + offset), r = UnsafeRawPointer(restBase + start), m = UnsafeRawPointer(maskBase + start)
        var k = 0
        while k + 8 <= count {
            let word = t.loadUnaligned(fromByteOffset: k, as: UInt64.self) | m.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            if word != r.loadUnaligned(fromByteOffset: k, as: UInt64.self) { return false }
            k += 8
        }
        while k < count {
            if t.load(fromByteOffset: k, as: UInt8.self) | m.load(fromByteOffset: k, as: UInt8.self) != r.load(fromByteOffset: k, as: UInt8.self) {
                return false
            }
            k += 1
        }
        return true
    }

    /// Calls `body` with each occurrence of a literal in `buffer`, as the offset where it begins, its
    /// group and its alternative: every occurrence once, in the order of the offsets where their first
    /// `maxDepth` bytes end (those ending at one offset longest first), until `body` returns a value.
    /// `twoWalks: false` reads a long text in one walk too (for the tests: the order is the same).
    func forEachLiteral<Result>(in buffer: UnsafeRawBufferPointer, twoWalks: Bool = true,
                                _ body: (_ offset: Int, _ group: Int, _ alternative: Int) -> Result?) -> Result? {
        let bytes = buffer.bindMemory(to: UInt8.self)
        // The tables as pointers: an Array's bounds check and buffer load at each read were a good
        // part of the work at each stop. Every index below comes from the tables themselves, built
        // in range (a state from `transitions`, an output from `outputStarts`).
        let columnOf = UnsafePointer(columnOf)
        return outputStarts.withUnsafeBufferPointer { outputStarts in
            outputs.withUnsafeBufferPointer { outputs in
                restBytes.withUnsafeBufferPointer { rest in
                    restMasks.withUnsafeBufferPointer { masks in
                        // The literals whose first bytes end at `position` (just past the byte
                        // that led to `state`), given to `body`.
                        func report(_ position: Int, _ state: Int) -> Result? {
                            guard state >= 0, state + 1 < outputStarts.count else { return nil }
                            for k in Int(outputStarts[state])..<Int(outputStarts[state + 1]) {
                                let output = outputs[k]
                                if output.restCount > 0
                                    && !PhraseAutomaton.restFollows(output, at: position, in: bytes, rest: rest, masks: masks) { continue }
                                if let result = body(position - Int(output.prefixLength), Int(output.group), Int(output.alternative)) {
                                    return result
                                }
                            }
                            return nil
                        }
                        return PhraseAutomaton.walk(bytes, twoWalks: twoWalks, columnOf: columnOf, report)
                    }
                }
            }
        }
    }

    /// The shortest text read by two walks at once (`walk`): below it, the second walk's start and
    /// its held stops cost more than the overlap gains.
    static let twoWalksMinimum = 64

    /// How many stops of each walk `advanceTwo` collects before it returns: the first walk's are
    /// reported when it returns, the second walk's held while the first is still going. When the
    /// second's are all taken, the second walk waits, and the first goes on alone. More than
    /// `maxDepth`: the second walk's stops up to the middle (dropped when reported, as the first
    /// walk's) lie in its first `maxDepth` bytes, so it never waits before it has passed the middle,
    /// and the single walk that finishes it after the two reports no stop of the first walk again.
    static let stopsCapacity = 32

    /// Runs the automaton over `bytes` and calls `report` at each position where literals end (and
    /// the state there, without `hasOutputs`), in order of position, until it returns a value.
    ///
    /// Each byte's step is a table read whose address depends on the step before: one walk waits
    /// for each read in turn (bsd20 full, `perf record -e cpu-clock`: `advance` had 8.2% of the
    /// samples for 1.7% of the instructions, ~23 cycles a byte). A text of `twoWalksMinimum` bytes or
    /// more is read by two walks at once, whose reads overlap: the first over the first half, the
    /// second over the rest, from `maxDepth - 1` bytes before it, at the root. A state is the longest
    /// path of the trie that ends the text read (at most `maxDepth` bytes), so after those bytes the
    /// second walk is in the state a single walk would be, and its stops up to the middle, which the
    /// first walk makes, are dropped. Its stops past the middle are held (up to
    /// `stopsCapacity`) and reported once the first walk is done, so that `report` sees the
    /// positions in the order a single walk gives. (bsd20 full, three interleaved `perf record` runs
    /// each: the automaton's and its group's functions 9.1-10.3% of the samples before, 7.7-8.3% after;
    /// user time, eight interleaved runs, 0.50-0.65 s before, 0.48-0.55 s after. More instructions, not
    /// fewer when measured: the walks 8.3M -> 9.3M on bsd.mbox x3; at 8b62980, one walk instead of two
    /// cost more instructions too (`forEachLiteral` 7.67M -> 8.19M, `Main.main` 241.88M -> 242.40M).
    /// Numbering the states breadth first, to put the rows read most together, changed nothing
    /// measurable; rows of 64 slots, a shift for the product, neither.)
    @inline(__always)
    private static func walk<Result>(_ bytes: UnsafeBufferPointer<UInt8>, twoWalks: Bool, columnOf: UnsafePointer<UnsafePointer<UInt16>>,
                                     _ report: (_ position: Int, _ state: Int) -> Result?) -> Result? {
        let count = bytes.count
        // Every stop, of either walk, reported from one place, the loop at the end: from four
        // places, `report` and the caller's body in it were inlined into some and called from others
        // (bsd.mbox x3, the group's pass: 3,423 calls of its body; with two more instructions in
        // `walk`, 8,940).
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * stopsCapacity) { stops -> Result? in
            guard let firstStops = stops.baseAddress else { return nil }
            // The first walk's stops of one `advanceTwo` (or one walk's of `advanceOne`), then the
            // second walk's held ones, each packed (`Stop`).
            let held = firstStops + stopsCapacity
            var heldCount = 0
            let two = twoWalks && count >= twoWalksMinimum
            let middle = two ? count / 2 : count
            var first = (position: 0, state: 0)
            var second = (position: two ? middle + 1 - maxDepth : count, state: 0)
            var secondGoing = two, heldReported = !two
            while true {
                // The stops to report next, in order: `batch[0..<batchCount]`, those at or before `after` left out.
                var batch = UnsafePointer(firstStops), batchCount = 0, after = -1
                if first.position < middle {
                    if secondGoing && heldCount < stopsCapacity {
                        batchCount = advanceTwo(bytes, first: &first, firstEnd: middle, second: &second, secondEnd: count,
                                                columnOf: columnOf, firstStops: firstStops, secondStops: held, secondCount: &heldCount)
                        if second.position >= count { secondGoing = false }
                    } else {
                        batchCount = advanceOne(bytes, walk: &first, end: middle, columnOf: columnOf, stops: firstStops)
                    }
                } else if !heldReported {
                    // The second walk's stops up to the middle are the first walk's too.
                    (batch, batchCount, after) = (UnsafePointer(held), heldCount, middle)
                    heldReported = true
                } else if second.position < count {
                    batchCount = advanceOne(bytes, walk: &second, end: count, columnOf: columnOf, stops: firstStops)
                } else {
                    return nil
                }
                for k in 0..<batchCount where Stop.position(batch[k]) > after {
                    if let result = report(Stop.position(batch[k]), Stop.state(batch[k])) { return result }
                }
            }
        }
    }

    /// One walk of `advance` over `walk` up to `end`, until it reaches `end` (`walk` then at `end`,
    /// its state of no further use) or has `stopsCapacity` stops, which go to `stops`, packed; their
    /// count returned.
    @inline(__always)
    private static func advanceOne(_ bytes: UnsafeBufferPointer<UInt8>, walk: inout (position: Int, state: Int), end: Int,
                                   columnOf: UnsafePointer<UnsafePointer<UInt16>>, stops: UnsafeMutablePointer<Int>) -> Int {
        var stopCount = 0
        while walk.position < end && stopCount < stopsCapacity {
            let (position, state) = advance(bytes, from: walk.position, to: end, state: walk.state, columnOf: columnOf)
            guard state >= 0 else {
                walk.position = end
                break
            }
            walk = (position, state)
            stops[stopCount] = Stop.make(position, state)
            stopCount &+= 1
        }
        return stopCount
    }

    /// Runs the automaton over `bytes[position..<end]` in `state` until a state where literals end:
    /// returns the position just past the byte that led there and that state, or `end` and -1. A
    /// function of its own, with nothing but the walk in its loop: inside the loop that calls `body`,
    /// the walk's values were kept in memory, not registers (17 instructions a byte, by callgrind).
    /// Four bytes a round while four remain, one bounds test (12.4 instructions a byte before, 7.0M
    /// on the sisimai bsd mbox x3). The state returned keeps `hasOutputs`.
    @inline(never)
    private static func advance(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int, to end: Int, state: Int,
                                columnOf: UnsafePointer<UnsafePointer<UInt16>>) -> (position: Int, state: Int) {
        var state = state
        var i = position
        let end = min(end, bytes.count)
        while i &+ 4 <= end {
            let t0 = columnOf[Int(bytes[i])][state]
            if t0 & hasOutputs != 0 { return (i &+ 1, Int(t0)) }
            let t1 = columnOf[Int(bytes[i &+ 1])][Int(t0)]
            if t1 & hasOutputs != 0 { return (i &+ 2, Int(t1)) }
            let t2 = columnOf[Int(bytes[i &+ 2])][Int(t1)]
            if t2 & hasOutputs != 0 { return (i &+ 3, Int(t2)) }
            let t3 = columnOf[Int(bytes[i &+ 3])][Int(t2)]
            if t3 & hasOutputs != 0 { return (i &+ 4, Int(t3)) }
            state = Int(t3)
            i &+= 4
        }
        while i < end {
            let target = columnOf[Int(bytes[i])][state]
            i += 1
            state = Int(target)
            if target & hasOutputs != 0 { return (i, state) }
        }
        return (i, -1)
    }

    /// A stop of a walk (a position just past a byte that led to a state where literals end, and
    /// that state) packed into one word: the state (16 bits, with `hasOutputs`) in the high 16 bits, the
    /// position (a text shorter than 2^48 bytes) in the rest. With the
    /// position shifted, the compiler kept each walk's shifted position as a variable of the loop
    /// (two more instructions a round in `advanceTwo`: 5.91M -> 6.36M).
    private enum Stop {
        @inline(__always) static func make(_ position: Int, _ state: Int) -> Int { state &<< 48 | position }
        @inline(__always) static func position(_ stop: Int) -> Int { stop & (1 &<< 48 &- 1) }
        @inline(__always) static func state(_ stop: Int) -> Int { stop &>> 48 & (Int(hasOutputs) &- 1) }
    }

    /// Two walks of `advance` at once, a byte of each a round, over `first` up to `firstEnd` and
    /// `second` up to `secondEnd`, until either reaches its end or has `stopsCapacity` stops: the
    /// first walk's stops go to `firstStops` (their count returned), the second's to `secondStops`
    /// after the `secondCount` there (fewer than `stopsCapacity`). Returning at each stop, as it did,
    /// cost a call and the walks' hand-over a stop (~80 instructions, ~25,000 stops on bsd.mbox x3).
    @inline(never)
    private static func advanceTwo(_ bytes: UnsafeBufferPointer<UInt8>,
                                   first: inout (position: Int, state: Int), firstEnd: Int,
                                   second: inout (position: Int, state: Int), secondEnd: Int,
                                   columnOf: UnsafePointer<UnsafePointer<UInt16>>,
                                   firstStops: UnsafeMutablePointer<Int>,
                                   secondStops: UnsafeMutablePointer<Int>, secondCount: inout Int) -> Int {
        var i = first.position
        var a = first.state, b = second.state
        var firstCount = 0, heldCount = secondCount
        // The second walk's byte is `delta` bytes on from the first's: one index, one bound.
        let delta = second.position &- first.position
        let limit = i &+ max(0, min(min(firstEnd, bytes.count) &- i, min(secondEnd, bytes.count) &- second.position))
        // Loops of their own up to each stop, the stops taken outside them: with them inside, the
        // compiler kept each walk's position as a variable of the loop (one or two more
        // instructions a round). A state keeps `hasOutputs` (its slots are there), so four rounds
        // go before one test of the eight states, as the sign of their OR's low 16 bits (as
        // `& 0x8000` the compiler made it a comparison, one instruction more); the rounds of a pass
        // that stopped are read again one at a time up to the stop, which the last bytes are too.
        // (bsd.mbox x3: `advanceTwo` 5.45M -> 4.96M, 425,000 rounds, 12,000 stops. The four rounds'
        // states kept for the stop, not read again, were spilled to the stack: 5.18M. Two rounds a
        // pass: 5.02M.)
        let flag = Int(hasOutputs)
        while i < limit {
            while i &+ 3 < limit {
                let a1 = Int(columnOf[Int(bytes[i])][a])
                let b1 = Int(columnOf[Int(bytes[i &+ delta])][b])
                let a2 = Int(columnOf[Int(bytes[i &+ 1])][a1])
                let b2 = Int(columnOf[Int(bytes[i &+ 1 &+ delta])][b1])
                let a3 = Int(columnOf[Int(bytes[i &+ 2])][a2])
                let b3 = Int(columnOf[Int(bytes[i &+ 2 &+ delta])][b2])
                let a4 = Int(columnOf[Int(bytes[i &+ 3])][a3])
                let b4 = Int(columnOf[Int(bytes[i &+ 3 &+ delta])][b3])
                if Int16(truncatingIfNeeded: a1 | b1 | a2 | b2 | a3 | b3 | a4 | b4) < 0 { break }
                a = a4
                b = b4
                i &+= 4
            }
            while i < limit {
                a = Int(columnOf[Int(bytes[i])][a])
                b = Int(columnOf[Int(bytes[i &+ delta])][b])
                i &+= 1
                if Int16(truncatingIfNeeded: a | b) < 0 { break }
            }
            guard (a | b) & flag != 0 else { break }
            if a & flag != 0 {
                firstStops[firstCount] = Stop.make(i, a)
                firstCount &+= 1
            }
            if b & flag != 0 {
                secondStops[heldCount] = Stop.make(i &+ delta, b)
                heldCount &+= 1
            }
            if firstCount == stopsCapacity || heldCount == stopsCapacity { break }
        }
        first = (i, a)
        second = (i &+ delta, b)
        secondCount = heldCount
        return firstCount
    }
}

/// Literals to look for (`PhraseAutomaton`), each with the group and alternative it is reported
/// with: their bytes one after another in one array, not an array a literal (`GroupPlan` appends
/// the reason phrases' plain literals straight from their patterns: their arrays, made, copied into
/// the automaton's buffers and released, were ~0.5M instructions at start-up, sisimai bsd mbox x3).
struct LiteralList {
    /// The literals' bytes, one after another: literal k's are `bytes[starts[k]..<starts[k + 1]]`.
    /// Bytes appended here belong to the next literal `close` ends.
    var bytes: [UInt8] = []
    private(set) var starts: [Int] = [0]
    private(set) var groups: [Int32] = []
    private(set) var alternatives: [Int32] = []

    /// No literals.
    init() {}

    /// `literals`, in their order.
    init(_ literals: [(group: Int, alternative: Int, bytes: [UInt8])]) {
        for literal in literals { append(group: literal.group, alternative: literal.alternative, literal.bytes) }
    }

    /// How many literals there are.
    var count: Int { groups.count }

    /// Room for `literals` literals of `bytes` bytes in all, made at once (not as appends grow the arrays).
    mutating func reserveCapacity(literals: Int, bytes byteCount: Int) {
        bytes.reserveCapacity(byteCount)
        starts.reserveCapacity(literals + 1)
        groups.reserveCapacity(literals)
        alternatives.reserveCapacity(literals)
    }

    /// Ends a literal: the bytes appended to `bytes` since the last one ended, reported with
    /// `group` and `alternative`.
    mutating func close(group: Int, alternative: Int) {
        starts.append(bytes.count)
        groups.append(Int32(group))
        alternatives.append(Int32(alternative))
    }

    /// Appends `literal`, reported with `group` and `alternative`.
    mutating func append(group: Int, alternative: Int, _ literal: [UInt8]) {
        bytes += literal
        close(group: group, alternative: alternative)
    }

    /// The literals as the prefilter takes them.
    var tuples: [(group: Int, alternative: Int, bytes: [UInt8])] {
        (0..<count).map { (Int(groups[$0]), Int(alternatives[$0]), Array(bytes[starts[$0]..<starts[$0 + 1]])) }
    }
}
