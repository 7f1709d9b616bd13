internal import CPCRE2
import Synchronization

/// A compiled PCRE2 regular expression that matches bytes (UTF-8 or not).
///
/// The one type in the project that owns PCRE2 code. Everything C stays inside this module
/// (`internal import CPCRE2`): callers see byte offsets, never a PCRE2 type.
///
/// ## Why this is `Sendable`
/// PCRE2's compiled code (`pcre2_code`) and its JIT machine code are read-only after
/// `pcre2_compile` / `pcre2_jit_compile` return: `pcre2_match` never writes to them (PCRE2 manual,
/// pcre2api "MULTITHREADING": "the compiled code ... can be shared by multiple threads"). The same
/// holds for the match context, which is configured once here and never modified afterwards. What
/// a match does write — the ovector and the JIT stack — lives in match data that each call creates
/// for itself (`pcre2_match_data_create_from_pattern`, or `withMatchData(pairs:)` for a block that
/// one call of a `PatternSetGroup` uses for all its patterns), so no two threads ever share mutable state.
/// `code` is never written after `init`: the JIT compiles a copy of it (`pcre2_code_copy`), under a
/// lock, and publishes the copy with release ordering once finished (`codeToRun`), so a match running
/// meanwhile on the interpreter reads nothing being written.
/// The class is `final`, its stored properties are `let`, and its pointers are freed only in
/// `deinit`, when no other reference can exist. Hence `@unchecked Sendable` is sound.
///
/// ## Hostile input
/// Every match runs under a match limit and a depth limit (`PatternLimits`), so catastrophic
/// backtracking ends with "no match" instead of hanging; the JIT honours the match limit.
public final class BytePattern: @unchecked Sendable {
    /// The pattern text as given.
    public let pattern: String
    /// The options it was compiled with.
    public let options: PatternOptions
    /// Number of capturing groups in the pattern (group 0, the whole match, not counted).
    public let captureCount: Int

    private let code: OpaquePointer
    private let matchContext: OpaquePointer?
    private let limits: PatternLimits
    /// The JIT-compiled copy of `code`, once made (nil before). It is made at a match rather than in
    /// `init`: most patterns of a run are never tried (a phrase whose literal never occurs), and JIT
    /// compilation is the larger part of compiling (callgrind: 25M instructions of a 40M start).
    private let jitCode = Atomic<OpaquePointer?>(nil)
    private let jitLock = Mutex<Void>(())
    /// Matches run on the interpreter before the JIT copy is made (0: it is made at the first), and
    /// how many have been.
    private let jitAfter: Int
    private let interpretedMatches = Atomic<Int>(0)

    /// Compiles `pattern`; it is JIT-compiled before its first match when the platform supports the JIT.
    ///
    /// - Parameters:
    ///   - pattern: PCRE2 syntax. Its length is its UTF-8 byte count.
    ///   - options: compile options (case-less, multi-line, ...).
    ///   - limits: the match and depth limits every match of this pattern runs under.
    /// - Throws: `BytePatternError` with PCRE2's message and the byte offset in `pattern`.
    /// - Complexity: compilation is O(pattern length); do it once (a `static let`), not per message.
    public convenience init(_ pattern: String, options: PatternOptions = [], limits: PatternLimits = .init()) throws(BytePatternError) {
        try self.init(pattern, options: options, limits: limits, jitAfter: 0)
    }

    /// Compiles `pattern` to be run by PCRE2's interpreter for its first `jitAfter` matches and
    /// JIT-compiled only then (0: before the first match). JIT compilation costs ~40,000 instructions
    /// for a short phrase (callgrind), an interpreted match of an anchored phrase a few thousand more
    /// than a JIT one: a phrase tried at a handful of offsets in a run never repays its compilation
    /// (`PatternSetGroup`'s alternatives: 166 of them were compiled for 1,144 matches on the sisimai
    /// bsd mbox).
    init(_ pattern: String, options: PatternOptions, limits: PatternLimits, jitAfter: Int) throws(BytePatternError) {
        self.pattern = pattern
        self.jitAfter = jitAfter
        self.options = options
        self.limits = limits
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let compiled: OpaquePointer? = pattern.utf8.withContiguousStorageIfAvailable { buffer -> OpaquePointer? in
            pcre2_compile_8(buffer.baseAddress, buffer.count, options.pcre2Flags, &errorCode, &errorOffset, nil)
        } ?? {
            var copy = Array(pattern.utf8)
            copy.append(0)
            return copy.withUnsafeBufferPointer {
                pcre2_compile_8($0.baseAddress, $0.count - 1, options.pcre2Flags, &errorCode, &errorOffset, nil)
            }
        }()
        guard let compiled else {
            throw BytePatternError(message: BytePatternError.describe(errorCode), patternOffset: errorOffset)
        }
        var groups: UInt32 = 0
        _ = pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &groups)
        self.captureCount = Int(groups)
        self.code = compiled
        let context = pcre2_match_context_create_8(nil)
        if let context {
            _ = pcre2_set_match_limit_8(context, limits.matchLimit)
            _ = pcre2_set_depth_limit_8(context, limits.depthLimit)
            _ = pcre2_set_heap_limit_8(context, limits.heapLimitKiB)
        }
        self.matchContext = context
    }

    /// The code a match runs: the JIT-compiled copy once made, `code` on the interpreter before. The
    /// match that makes the copy holds the lock while it compiles; matches in other threads go on with
    /// `code`, or wait for the lock if they would make it too. A JIT failure (an unsupported platform)
    /// is no error: the copy then runs on the interpreter. (If the copy cannot be allocated, the next
    /// match tries again.)
    @inline(__always) private func codeToRun() -> OpaquePointer {
        if let jit = jitCode.load(ordering: .acquiring) { return jit }
        if jitAfter > 0, interpretedMatches.add(1, ordering: .relaxed).newValue <= jitAfter { return code }
        return jitLock.withLock { _ in
            if let jit = jitCode.load(ordering: .relaxed) { return jit }
            guard let copy = pcre2_code_copy_8(code) else { return code }
            _ = pcre2_jit_compile_8(copy, PCRE2_JIT_COMPLETE)
            jitCode.store(copy, ordering: .releasing)
            return copy
        }
    }

    /// Whether JIT compilation has been done (or tried, where the platform has no JIT).
    var jitCompilationDone: Bool { jitCode.load(ordering: .acquiring) != nil }

    deinit {
        if let matchContext { pcre2_match_context_free_8(matchContext) }
        if let jit = jitCode.load(ordering: .relaxed) { pcre2_code_free_8(jit) }
        pcre2_code_free_8(code)
    }

    // MARK: Matching

    /// The first match at or after `start` (an index of `bytes`), or nil when there is none, or when a
    /// limit stopped the search (hostile input counts as "no match").
    ///
    /// Ranges in the result are indices of `bytes` (an `ArraySlice` keeps its parent's indices).
    /// - Complexity: bounded by `PatternLimits`, linear for the usual phrase patterns.
    public func firstMatch(in bytes: ArraySlice<UInt8>, from start: Int? = nil) -> PatternMatch? {
        let from = start ?? bytes.startIndex
        guard from >= bytes.startIndex, from <= bytes.endIndex else { return nil }
        return bytes.withUnsafeBytes { raw in
            firstMatch(in: raw, fromOffset: from - bytes.startIndex)
        }.map { $0.shifted(by: bytes.startIndex) }
    }

    /// The first match at or after byte offset `offset` of `buffer`; ranges are offsets into `buffer`.
    public func firstMatch(in buffer: UnsafeRawBufferPointer, fromOffset offset: Int = 0) -> PatternMatch? {
        guard offset >= 0, offset <= buffer.count else { return nil }
        guard let data = pcre2_match_data_create_from_pattern_8(code, nil) else { return nil }
        defer { pcre2_match_data_free_8(data) }
        return match(buffer, offset: offset, data: data)
    }

    /// Whether the pattern matches anywhere in `bytes`.
    public func hasMatch(in bytes: ArraySlice<UInt8>) -> Bool { firstMatch(in: bytes) != nil }

    /// Whether the pattern matches anywhere in the UTF-8 bytes of `text`.
    public func hasMatch(in text: String) -> Bool {
        var text = text
        return text.withUTF8 { firstMatch(in: UnsafeRawBufferPointer($0)) != nil }
    }

    /// The first match in the UTF-8 bytes of `text`; ranges are UTF-8 byte offsets.
    public func firstMatch(in text: String) -> PatternMatch? {
        var text = text
        return text.withUTF8 { firstMatch(in: UnsafeRawBufferPointer($0)) }
    }

    /// All non-overlapping matches, left to right. An empty match advances by one byte.
    /// - Parameter maxMatches: stop after this many (bounded output for hostile input).
    public func matches(in bytes: ArraySlice<UInt8>, maxMatches: Int = 10_000) -> [PatternMatch] {
        bytes.withUnsafeBytes { raw in matches(in: raw, maxMatches: maxMatches) }
            .map { $0.shifted(by: bytes.startIndex) }
    }

    /// All non-overlapping matches in `buffer`, left to right; ranges are offsets into `buffer`.
    public func matches(in buffer: UnsafeRawBufferPointer, maxMatches: Int = 10_000) -> [PatternMatch] {
        guard let data = pcre2_match_data_create_from_pattern_8(code, nil) else { return [] }
        defer { pcre2_match_data_free_8(data) }
        var out: [PatternMatch] = []
        var offset = 0
        while offset <= buffer.count, out.count < maxMatches, let found = match(buffer, offset: offset, data: data) {
            out.append(found)
            offset = found.range.isEmpty ? found.range.upperBound + 1 : found.range.upperBound
        }
        return out
    }

    /// Runs `body` with match data of `pairs` offset pairs, for any pattern with fewer than `pairs`
    /// capture groups (nil when PCRE2 cannot allocate it).
    package static func withMatchData<Result>(pairs: Int, _ body: (OpaquePointer) -> Result) -> Result? {
        guard let data = pcre2_match_data_create_8(UInt32(clamping: max(1, pairs)), nil) else { return nil }
        defer { pcre2_match_data_free_8(data) }
        return body(data)
    }

    /// Match data of `pairs` offset pairs, for any pattern with fewer than `pairs` capture groups
    /// (nil when PCRE2 cannot allocate it), to be freed by `freeMatchData`: for a caller that needs
    /// it only now and then during a pass (`PatternSetGroup`), where `withMatchData(pairs:_:)` would
    /// make it for every pass.
    package static func makeMatchData(pairs: Int) -> OpaquePointer? {
        pcre2_match_data_create_8(UInt32(clamping: max(1, pairs)), nil)
    }

    /// Frees match data made by `makeMatchData(pairs:)` (nothing for nil).
    package static func freeMatchData(_ data: OpaquePointer?) {
        if let data { pcre2_match_data_free_8(data) }
    }

    /// Runs `body` with match data sized for this pattern (nil when PCRE2 cannot allocate it).
    package func withMatchData<Result>(_ body: (OpaquePointer) -> Result) -> Result? {
        guard let data = pcre2_match_data_create_from_pattern_8(code, nil) else { return nil }
        defer { pcre2_match_data_free_8(data) }
        return body(data)
    }

    /// The first match at or after byte `offset` of `buffer` (for an `.anchored` pattern: a match
    /// starting exactly there), with caller-provided match data (see `withMatchData`).
    package func firstMatch(in buffer: UnsafeRawBufferPointer, fromOffset offset: Int, data: OpaquePointer) -> PatternMatch? {
        guard offset >= 0, offset <= buffer.count else { return nil }
        return match(buffer, offset: offset, data: data)
    }

    /// Whether the pattern matches at or after byte `offset` of `buffer` (for an `.anchored` pattern:
    /// exactly there), with caller-provided match data — which may come from another pattern with
    /// at least as many capture groups (pcre2api: a match data block serves any pattern). Builds no
    /// `PatternMatch`.
    func matches(in buffer: UnsafeRawBufferPointer, at offset: Int, data: OpaquePointer) -> Bool {
        guard offset >= 0, offset <= buffer.count else { return false }
        let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? BytePattern.emptySubject
        // rc > 0: a match; 0 cannot happen with match data large enough; < 0: no match or a limit.
        return pcre2_match_8(codeToRun(), base, buffer.count, offset, 0, data, matchContext) > 0
    }

    /// Runs one match with caller-provided match data. Returns nil for no match and for errors.
    private func match(_ buffer: UnsafeRawBufferPointer, offset: Int, data: OpaquePointer, options: UInt32 = 0) -> PatternMatch? {
        // pcre2_match needs a non-null subject even when it is empty.
        let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? BytePattern.emptySubject
        let rc = pcre2_match_8(codeToRun(), base, buffer.count, offset, options, data, matchContext)
        // rc < 0: PCRE2_ERROR_NOMATCH, or a limit (MATCHLIMIT, DEPTHLIMIT, HEAPLIMIT), or bad input:
        // all read as "no match". rc == 0 cannot happen with match data sized from the pattern.
        guard rc > 0, let vector = pcre2_get_ovector_pointer_8(data) else { return nil }
        let pairs = Int(pcre2_get_ovector_count_8(data))
        let start = vector[0], end = vector[1]
        // PCRE2_UNSET is ~(size_t)0, which Swift sees as -1.
        guard start >= 0, end >= start, end <= buffer.count else { return nil }
        var captures: [Range<Int>?] = []
        captures.reserveCapacity(captureCount)
        var group = 1
        while group <= captureCount {
            if group < pairs, group < Int(rc) {
                let s = vector[2 * group], e = vector[2 * group + 1]
                if s >= 0, e >= s, e <= buffer.count { captures.append(s..<e) } else { captures.append(nil) }
            } else {
                captures.append(nil)
            }
            group += 1
        }
        var mark: String? = nil
        if let markPointer = pcre2_get_mark_8(data) {
            // The mark name is preceded by its length in one code unit (pcre2api "pcre2_get_mark").
            let length = Int((markPointer - 1).pointee)
            mark = String(decoding: UnsafeBufferPointer(start: markPointer, count: length), as: UTF8.self)
        }
        return PatternMatch(range: start..<end, captures: captures, mark: mark)
    }

    nonisolated(unsafe) private static let emptySubject: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    /// The pattern text with every character taken literally (for phrase tables).
    public static func escaped(_ literal: String) -> String {
        // \Q...\E would break if the literal contained "\E"; escape each metacharacter instead.
        // Byte by byte: the metacharacters are ASCII, and no byte of a multi-byte UTF-8 sequence is
        // ASCII, so the other bytes are copied as they are. (A scalar at a time, each looked up in
        // the metacharacters' scalars: 1.5M instructions at start-up for 97 phrase tables' literals
        // on the sisimai bsd mbox x3.)
        //
        // A literal without a metacharacter (most words and phrases) is its own pattern: given back as
        // it is, not copied into a new String (whose UTF-8 was checked again); the table read once, not
        // through its lazy global at each byte (the providers' 103 words and host suffixes at start-up, bsd.mbox x3:
        // 0.14M -> 0.10M instructions with the table's making).
        let isMeta = isEscapedMeta
        var literal = literal
        let metaCount = literal.withUTF8 { bytes in
            var count = 0
            for byte in bytes where byte < 0x80 && isMeta[Int(byte)] { count += 1 }
            return count
        }
        guard metaCount > 0 else { return literal }
        return literal.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: bytes.count + metaCount) { out in
                var n = 0
                for byte in bytes {
                    if byte < 0x80 && isMeta[Int(byte)] { out[n] = UInt8(ascii: "\\"); n += 1 }
                    out[n] = byte
                    n += 1
                }
                return n
            }
        }
    }

    /// The ASCII bytes `escaped` puts a backslash before: `\^$.|?*+()[]{}/#`.
    /// Set from the metacharacters' bytes: each byte's search of them (`utf8.contains`, 128 searches)
    /// was 0.07M instructions at start-up (bsd.mbox).
    private static let isEscapedMeta: [Bool] = {
        var table = [Bool](repeating: false, count: 128)
        for byte in "\\^$.|?*+()[]{}/#".utf8 { table[Int(byte)] = true }
        return table
    }()
}

/// One match: the whole range, each capture group's range (nil when the group did not take part),
/// and the `(*MARK:name)` passed on the matching path, if any.
public struct PatternMatch: Sendable, Hashable {
    /// The bytes the whole pattern matched.
    public var range: Range<Int>
    /// Capture group 1, 2, ... (index 0 here is group 1).
    public var captures: [Range<Int>?]
    /// The last `(*MARK:NAME)` seen on the matching path; `PatternSet` uses it to say which pattern hit.
    public var mark: String?

    /// Group `n` (0 = the whole match), or nil if it did not participate or does not exist.
    public subscript(group n: Int) -> Range<Int>? {
        if n == 0 { return range }
        guard n >= 1, n <= captures.count else { return nil }
        return captures[n - 1]
    }

    func shifted(by delta: Int) -> PatternMatch {
        guard delta != 0 else { return self }
        return PatternMatch(
            range: (range.lowerBound + delta)..<(range.upperBound + delta),
            captures: captures.map { $0.map { ($0.lowerBound + delta)..<($0.upperBound + delta) } },
            mark: mark)
    }
}

/// Compile options, as PCRE2 defines them.
public struct PatternOptions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Letters match either case (ASCII only unless `.utf` is also given).
    public static let caseless = PatternOptions(rawValue: 1 << 0)
    /// `^` and `$` match at every line start and end, not only at the subject's ends.
    public static let multiline = PatternOptions(rawValue: 1 << 1)
    /// `.` matches line ends too.
    public static let dotAll = PatternOptions(rawValue: 1 << 2)
    /// Treat pattern and subject as UTF-8; invalid subject bytes never match but are no error
    /// (`PCRE2_MATCH_INVALID_UTF`), so hostile 8-bit input is safe.
    public static let utf = PatternOptions(rawValue: 1 << 3)
    /// Whitespace and `#` comments in the pattern are ignored.
    public static let extended = PatternOptions(rawValue: 1 << 4)
    /// A match must start exactly at the start offset (PCRE2_ANCHORED at compile time, which,
    /// unlike the match-time flag, keeps the JIT).
    public static let anchored = PatternOptions(rawValue: 1 << 5)

    var pcre2Flags: UInt32 {
        var flags: UInt32 = 0
        if contains(.caseless) { flags |= PCRE2_CASELESS }
        if contains(.multiline) { flags |= PCRE2_MULTILINE }
        if contains(.dotAll) { flags |= PCRE2_DOTALL }
        if contains(.utf) { flags |= PCRE2_UTF | PCRE2_MATCH_INVALID_UTF }
        if contains(.extended) { flags |= PCRE2_EXTENDED }
        if contains(.anchored) { flags |= PCRE2_ANCHORED }
        return flags
    }
}

/// Bounds on the work one match may do, so that hostile input cannot hang a scan.
public struct PatternLimits: Sendable, Hashable {
    /// Maximum calls of PCRE2's internal match function per match (`pcre2_set_match_limit`).
    /// Default: 1,000,000 (PCRE2's own default is 10,000,000).
    public var matchLimit: UInt32 = 1_000_000
    /// Maximum backtracking depth (`pcre2_set_depth_limit`; the JIT ignores it, the match limit still
    /// applies). Default: 10,000.
    public var depthLimit: UInt32 = 10_000
    /// Maximum heap for backtracking, in KiB (`pcre2_set_heap_limit`). Default: 20,000 (20 MB).
    public var heapLimitKiB: UInt32 = 20_000
    /// The defaults above.
    public init() {}
}

/// A pattern that did not compile.
public struct BytePatternError: Error, Sendable, CustomStringConvertible {
    /// PCRE2's description of the problem.
    public let message: String
    /// Byte offset in the pattern where compilation failed.
    public let patternOffset: Int

    static func describe(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBufferPointer { pcre2_get_error_message_8(code, $0.baseAddress, $0.count) }
        guard n > 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer.prefix(Int(n)), as: UTF8.self)
    }

    public var description: String { "pattern error at offset \(patternOffset): \(message)" }
}
