#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing

/// One message as the recognisers see it: the parsed message plus the views they share, each built
/// at most once (the subject and sender are cheap; the flattened text only when a recogniser asks).
///
/// Line ends are normalised to LF in every text view, so LF, CRLF and CR-only copies of a message
/// give identical results.
package final class BounceContext {
    /// The parsed message.
    package let message: ParsedMessage
    /// `Subject`, RFC 2047 decoded, unfolded, without the tags a filter or a list put in front
    /// (`SubjectTags`: `[SPAM] `, `*****SPAM*****`); empty when there is none. What the recognisers read.
    package let subject: String
    /// `Subject` as written (decoded, unfolded, tags kept), nil when there is none (for
    /// `BounceReport.subject`). Both are stored: `subject` computed from it cost 2.8M instructions more
    /// on the sisimai bsd mbox x3 (the recognisers read it dozens of times a message).
    package let subjectField: String?
    /// `From`, RFC 2047 decoded; made at the first read (`fromString`): the `claims` read its bytes
    /// (`fromText`), and only a few readers the String.
    package var from: String {
        if let fromString { return fromString }
        let text = UncheckedUTF8.asciiString(fromText.bytes)
        fromString = text
        return text
    }
    /// `from` once made. Made by `init` only where decoding changes the value (an encoded word, an 8-bit
    /// byte); a plain ASCII value is its own text, `fromText`'s bytes, and is made a String only when
    /// `from` is read (`TextScan.ownAddressKeys`, FML's `claims`, an auto-reply's record). Decoded for
    /// every message, each sender was a String made and freed (bsd.mbox x3, 1,887 senders:
    /// `BounceContext.init` 6.09M -> 5.38M instructions, its deinit 2.88M -> 2.68M).
    @exclusivity(unchecked) private var fromString: String? = nil

    /// The names `init` reads, the first field of each: Subject (0), From (1) and Message-ID (2).
    private static let claimFields = HeaderNameTable(firstOf: ["subject", "from", "message-id"])

    package init(_ message: ParsedMessage) {
        let headers = message.headers
        // Moved in after its headers are read: an initializer owns its argument, and stored first the
        // message was copied and the argument destroyed at the end (bsd.mbox x3, 1,887 of each; with
        // `HeaderNameFilter` borrowing the section, Main.main 320.30M -> 319.56M instructions).
        self.message = consume message
        // The first Subject and From are decoded from their unfolded values read in place: `first(_:)`
        // copied each field out and destroyed the copy through the generic Optional witness
        // (bsd.mbox x3, 3,774 lookups: BounceContext.init 11.23M -> 9.58M instructions with HeaderNameFilter),
        // both in one walk of a name table, which stops once both are found.
        // The Message-ID in the same walk, for the `claims` (`withMessageID`), which ask it of nearly
        // every message: read at the first question, it was a walk of its own and an allocation for
        // its copy (bsd.mbox x3: 1,614 messages, 1.0M instructions).
        var subjectField: String? = nil
        var fromValue: ByteSlice = []
        var messageID: ByteSlice? = nil
        headers.forEachUnfoldedValue(in: Self.claimFields) { name, value in
            switch name {
            case 0: subjectField = EncodedWords.decode(value)
            case 1: fromValue = value
            default: messageID = value
            }
        }
        self.subjectField = subjectField
        // The subject the recognisers read: without the tags a filter or a list put in front
        // (`SubjectTags`); `subjectField`, as written, is the report's.
        self.subject = subjectField.map(SubjectTags.stripped) ?? ""
        // The sender decoded into a String only where its text differs from its bytes (`fromString`).
        let fromIsPlain = fromValue.withUnsafeBufferPointer(Self.isPlainASCII)
        if !fromIsPlain { fromString = EncodedWords.decode(fromValue) }
        self.fieldNames = HeaderNameFilter(headers)
        // Moved in after the reads above (stored first, it was copied once more for them and one more
        // copy destroyed: bsd.mbox x3, 1,887 sections; Main.main 322.87M -> 322.56M instructions).
        self.headers = consume headers
        // The subject's and the sender's bytes, then their ASCII-lower-cased copies (written only for
        // ASCII text), then the Message-ID's bytes, in one allocation freed by `deinit`.
        var subjectCopy = subject, fromCopy = fromString ?? ""
        let subjectCount = subjectCopy.utf8.count
        let fromCount = fromIsPlain ? fromValue.count : fromCopy.utf8.count
        let messageIDStart = 2 * (subjectCount + fromCount)
        // From malloc (`MallocBytes`; posix_memalign's, it was ~120 instructions a message: bsd.mbox x3,
        // 1,887 messages).
        let storage = MallocBytes.allocate(messageIDStart + (messageID?.count ?? 0))
        self.claimStorage = storage
        func place(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, lowerAt lowerStart: Int) -> (ClaimText, UnsafeBufferPointer<UInt8>?) {
            guard let source = bytes.baseAddress, let base = storage.baseAddress else {
                return (ClaimText(UnsafeBufferPointer(start: nil, count: 0), isASCII: true), UnsafeBufferPointer(start: nil, count: 0))
            }
            let count = bytes.count
            (base + start).initialize(from: source, count: count)
            let exact = UnsafeBufferPointer(start: base + start, count: count)
            // Sixteen bytes at a time (SIMD), the last sixteen read again where they overlap the
            // block before (their lower-cased bytes written again are the same); eight and eight
            // for a shorter value, byte by byte under eight. (A byte loop cost ~650 instructions a
            // value, bsd.mbox x3, 3,774 values: 2.4M; eight bytes a step and the tail byte by
            // byte: `BounceContext.init` 7.77M, this 7.38M.)
            var high: UInt64 = 0
            let raw = UnsafeRawPointer(source), lower = UnsafeMutableRawPointer(base + lowerStart)
            if count >= 16 {
                let a = SIMD16<UInt8>(repeating: UInt8(ascii: "A")), letters = SIMD16<UInt8>(repeating: 26)
                let caseBit = SIMD16<UInt8>(repeating: 0x20)
                var any = SIMD16<UInt8>()
                @inline(__always) func lowerBlock(at offset: Int) {
                    let block = raw.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
                    any |= block
                    lower.storeBytes(of: block.replacing(with: block | caseBit, where: block &- a .< letters),
                                     toByteOffset: offset, as: SIMD16<UInt8>.self)
                }
                var i = 0
                while i + 16 <= count {
                    lowerBlock(at: i)
                    i += 16
                }
                if i < count { lowerBlock(at: count - 16) }
                let halves = unsafeBitCast(any, to: SIMD2<UInt64>.self)
                high = halves[0] | halves[1]
            } else if count >= 8 {
                let first = raw.loadUnaligned(as: UInt64.self), last = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                high = first | last
                lower.storeBytes(of: ByteWord.lowercased(first), as: UInt64.self)
                lower.storeBytes(of: ByteWord.lowercased(last), toByteOffset: count - 8, as: UInt64.self)
            } else {
                for i in 0..<count {
                    high |= UInt64(source[i])
                    base[lowerStart + i] = ASCII.lowercased(source[i])
                }
            }
            guard high & ByteWord.highs == 0 else { return (ClaimText(exact, isASCII: false), nil) }
            return (ClaimText(exact, isASCII: true), UnsafeBufferPointer(start: base + lowerStart, count: count))
        }
        (self.subjectText, self.lowercaseSubjectBytes) = subjectCopy.withUTF8 { place($0, at: 0, lowerAt: subjectCount + fromCount) }
        // A plain sender's bytes are its text (`fromString`).
        (self.fromText, self.lowercaseFromBytes) = fromIsPlain
            ? fromValue.withUnsafeBufferPointer { place($0, at: subjectCount, lowerAt: 2 * subjectCount + fromCount) }
            : fromCopy.withUTF8 { place($0, at: subjectCount, lowerAt: 2 * subjectCount + fromCount) }
        self.fromByteSet = ByteSet64(self.fromText.bytes)
        self.subjectByteSet = ByteSet64(self.subjectText.bytes)
        self.messageIDText = messageID?.withUnsafeBufferPointer { bytes in
            guard let source = bytes.baseAddress, let base = storage.baseAddress else {
                return ClaimText(UnsafeBufferPointer(start: nil, count: 0), isASCII: true)
            }
            (base + messageIDStart).initialize(from: source, count: bytes.count)
            let text = UnsafeBufferPointer(start: base + messageIDStart, count: bytes.count)
            return ClaimText(text, isASCII: ASCII.isASCII(text))
        }
    }

    /// Whether `EncodedWords.decode` gives `bytes` back as they are, as ASCII text: every byte below
    /// 0x80, none of them `?` (no encoded word), CR or LF (`EncodedWords.plainnessWithoutMarks`'s one
    /// pass, without the byte-by-byte reading of a value with a `?`, which is decoded).
    static func isPlainASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        EncodedWords.plainnessWithoutMarks(bytes) == .plainASCII
    }

    deinit {
        MallocBytes.free(claimStorage)
        if let receivedStorage { MallocBytes.free(receivedStorage) }
    }

    /// The bytes `subjectText`, `fromText`, the lower-cased copies and `messageIDText` point into (the context's own:
    /// reading them needs no reference counting, which a lazy array's getter did at each question:
    /// ~100 instructions, 14,000 questions of the sender on bsd.mbox x3).
    private let claimStorage: UnsafeMutableBufferPointer<UInt8>
    /// `subject`'s bytes for the recognisers' `claims` (`ClaimText`), valid while the context lives.
    package let subjectText: ClaimText
    /// `from`'s bytes for the recognisers' `claims`, as `subjectText`.
    package let fromText: ClaimText
    /// `subject` with its ASCII letters lower-cased, nil unless it is ASCII (then `lowercaseSubject`'s bytes).
    private let lowercaseSubjectBytes: UnsafeBufferPointer<UInt8>?
    /// `from` as `lowercaseSubjectBytes`.
    private let lowercaseFromBytes: UnsafeBufferPointer<UInt8>?

    /// The message's top-level header section (kept, not read from the message's root part at each
    /// `header(_:)` lookup, which copied it: bsd.mbox x3, 4,863 copies and destroys, 0.64M instructions).
    package let headers: HeaderSection

    /// Which field names the top-level section has (a filter with no false negatives): most of the
    /// recognisers' header questions are about fields the message lacks, answered without a scan.
    private let fieldNames: HeaderNameFilter
    /// The values looked up so far by `header(_:)`, by name (a message's recognisers ask for the same
    /// few fields, and each lookup otherwise scans and unfolds again): the first here, the others in
    /// `moreHeaderValues`. Most messages look up one field (bsd.mbox x3: 1,173 lookups in 993
    /// messages), for which an array was allocated (0.25M instructions).
    ///
    /// Not checked for exclusive access at run time: only `header(_:)` reads or writes it, and never
    /// while it runs already (a context serves one thread); the checks were 1.6M instructions on
    /// bsd.mbox x3 (18,882 accesses).
    @exclusivity(unchecked) private var firstHeaderValue: LookedUpHeader? = nil
    /// The values looked up after `firstHeaderValue`, as it is kept.
    @exclusivity(unchecked) private var moreHeaderValues: [LookedUpHeader] = []

    /// A header field's value as `header(_:)` looked it up (nil: the message has no such field). A
    /// struct, not a tuple: an array of tuples is destroyed through the runtime's generic tuple
    /// witnesses, element by element (bsd.mbox x3, made structs together with `HeaderParameters.entries`
    /// and `BounceReport.extensionFields`: the runtime's `tuple_destroy` 0.99M -> 0.27M instructions,
    /// `Main.main` 234.48M -> 234.29M).
    private struct LookedUpHeader {
        let name: String
        let value: String?
    }

    /// The first value of a top-level header field, or nil.
    package func header(_ lowercaseName: String) -> String? {
        guard fieldNames.mayContain(lowercaseName) else { return nil }
        return lookedUpHeader(lowercaseName)
    }

    /// `header(name.lowercaseName)`, the filter asked with the name's bit made once by the caller
    /// (`HeaderNameFilter.Name`, a static of the recogniser), not hashed from the String at each
    /// question: most of the `claims`' questions are of fields the message lacks (bsd.mbox x3: 35,634
    /// `header(_:)` calls, 1.81M instructions in `mayContain`; with the claims asking this, the lookups
    /// 4.96M -> 2.48M, `TypedRecognizerReference.claims` 42.19M -> 40.85M).
    func header(_ name: HeaderNameFilter.Name) -> String? {
        guard fieldNames.mayContain(name) else { return nil }
        return lookedUpHeader(name.lowercaseName)
    }

    /// `header(name)?.trimmed == literal`, read from the first field's unfolded bytes where they are
    /// ASCII (`ClaimText.trimmedEquals`), without making or keeping the String: for the `claims` that
    /// compare a field no other reader asks for (SendGrid's Return-Path, KDDI's Reply-To; bsd.mbox x3,
    /// SendGrid's 333 lookups and comparisons 0.41M instructions).
    /// - Parameter literal: ASCII, without spaces, tabs, CR or LF at either end.
    func headerTrimmedEquals(_ name: HeaderNameFilter.Name, _ literal: StaticString) -> Bool {
        guard fieldNames.mayContain(name) else { return false }
        var answer: Bool? = false
        headers.forEachFieldInPlace(named: name.lowercaseName) { field in
            answer = field.unfoldedValue.withUnsafeBufferPointer { ClaimText($0, isASCII: ASCII.isASCII($0)).trimmedEquals(literal) }
            return false
        }
        return answer ?? (lookedUpHeader(name.lowercaseName)?.trimmed == literal.description)
    }

    /// `header(_:)` past the filter: the value looked up before, or looked up now and kept.
    private func lookedUpHeader(_ lowercaseName: String) -> String? {
        guard let first = firstHeaderValue else {
            let value = headers[lowercaseName]
            firstHeaderValue = LookedUpHeader(name: lowercaseName, value: value)
            return value
        }
        if first.name == lowercaseName { return first.value }
        for entry in moreHeaderValues where entry.name == lowercaseName { return entry.value }
        let value = headers[lowercaseName]
        if moreHeaderValues.isEmpty { moreHeaderValues.reserveCapacity(4) }   // grown from one: reallocated at each append
        moreHeaderValues.append(LookedUpHeader(name: lowercaseName, value: value))
        return value
    }

    /// Whether the top-level header section may have a field of one of `names` (false: it has none;
    /// `HeaderNameFilter.mayContainAny(of:)`), for a `claims` that asks `hasHeader` of a list of names.
    func mayHaveAnyHeader(of names: HeaderNameFilter.Names) -> Bool {
        fieldNames.mayContainAny(of: names)
    }

    /// Whether the top-level header section has a field named `lowercaseName`.
    package func hasHeader(_ lowercaseName: String) -> Bool {
        fieldNames.mayContain(lowercaseName) && headers.hasField(named: lowercaseName)
    }

    /// `hasHeader(name.lowercaseName)`, the filter asked with the name's bits made once (as `header(_:)`
    /// with a `HeaderNameFilter.Name`: `mayContain` hashed the String, ~100 instructions a question).
    func hasHeader(_ name: HeaderNameFilter.Name) -> Bool {
        fieldNames.mayContain(name) && headers.hasField(named: name.lowercaseName)
    }

    /// Whether the value of a top-level Received field contains `needle` (several recognisers'
    /// `claims` look for their MTA's words there), compared as bytes in the unfolded values.
    /// - Parameter needle: ASCII text without a line end.
    package func receivedContains(_ needle: StaticString) -> Bool {
        // A literal's bytes are at hand (a String needle was copied and opened for each of the ~6
        // questions a message: bsd.mbox x3, 10,158 calls).
        needle.withUTF8Buffer { ByteSubstring.firstOffset(of: $0, in: receivedBytes) != nil }
    }

    /// The unfolded values of the top-level Received fields, each followed by LF (an unfolded value
    /// holds none, so the LFs tell where each ends), undecoded: one buffer for every `receivedContains`
    /// and `receivedProviders`, no String per field. In the context's own allocation
    /// (`receivedStorage`), read at the first question.
    var receivedBytes: UnsafeBufferPointer<UInt8> {
        if !receivedRead { readReceivedValues() }
        return UnsafeBufferPointer(start: receivedStorage?.baseAddress, count: receivedCount)
    }

    /// Whether `receivedStorage` and `receivedCount` hold `receivedBytes`.
    @exclusivity(unchecked) private var receivedRead = false
    /// The bytes `receivedBytes` are the first `receivedCount` of, nil when there are none; freed by
    /// `deinit`. Not a lazy `[UInt8]`: its getter retained and released the array at each of the ~6
    /// questions a message (bsd.mbox x3, 10,158 calls).
    @exclusivity(unchecked) private var receivedStorage: UnsafeMutableBufferPointer<UInt8>? = nil
    /// How many bytes of `receivedStorage` are `receivedBytes`.
    @exclusivity(unchecked) private var receivedCount = 0
    /// The Received signs (`receivedHas(_:)`): bit `ReceivedSign.rawValue` of each found, and 0x80
    /// once they were looked for; 0 before.
    @exclusivity(unchecked) var receivedSignBits: UInt8 = 0
    /// What `receivedMayHave(_:)` found in the raw Received values: bit `ReceivedSign.rawValue` and
    /// `ReceivedWord.rawMark` of each needle they may hold, and 0x8000 once they were read; 0 before.
    @exclusivity(unchecked) var receivedRawMarks: UInt16 = 0
    /// `received`'s bit in the header-name filter.
    static let receivedField = HeaderNameFilter.Names(["received"])

    /// Fills `receivedStorage`: each Received field's raw value unfolded straight into it
    /// (`appendUnfolded`), with room for the whole header section made at once (every value and its LF
    /// fit, since each field's name and colon are longer than the LF).
    ///
    /// `HeaderFieldInPlace.appendUnfoldedValue` into an array, which this replaces, cost ~930
    /// instructions a value (memchr for LF and CR on each line, `append(contentsOf:)` per run;
    /// bsd.mbox x3: 3,306 values of 1,707 messages, the build 4.05M instructions; 2.63M this way, the
    /// walk of the fields and the allocation included; bsd.mbox x3 full 445.9M -> 444.2M, the array's
    /// retain and release at each question gone too). The values are cut
    /// at `ParsingLimits.maxFieldBytes` when unfolded, which this does not do: a section with a field
    /// over the limit (`HeaderDefects.fieldTooLong`) is read by `unfoldedByMailParsing` instead.
    private func readReceivedValues() {
        receivedRead = true
        guard fieldNames.mayContainAny(of: Self.receivedField) else { return }
        let capacity = headers.raw.count
        guard !headers.defects.contains(.fieldTooLong), capacity > 0 else { return readReceivedValuesByMailParsing() }
        let storage = MallocBytes.allocate(capacity)
        var count = 0
        var fits = true
        headers.forEachFieldInPlace(named: "received") { field in
            // The raw value's bytes in place (`rawValue`'s slice: a retain and a release a field).
            let raw = field.rawValueBytes
            let (start, end) = raw.trimmedBounds
            // Never past the allocation: the value (at most `end - start` bytes) and its LF.
            guard let target = storage.baseAddress, end - start < capacity - count else { fits = false; return false }
            count += Self.appendUnfolded(raw, from: start, to: end, into: target + count)
            target[count] = ASCII.lineFeed
            count += 1
            return true
        }
        guard fits else {
            MallocBytes.free(storage)
            return readReceivedValuesByMailParsing()
        }
        receivedStorage = storage
        receivedCount = count
    }

    /// `readReceivedValues` by MailParsing's unfolding (`unfoldedByMailParsing`), limits applied.
    private func readReceivedValuesByMailParsing() {
        let joined = Self.unfoldedByMailParsing(headers)
        guard !joined.isEmpty else { return }
        let storage = MallocBytes.allocate(joined.count)
        _ = storage.initialize(from: joined)
        receivedStorage = storage
        receivedCount = joined.count
    }

    /// The unfolded values of `headers`' Received fields, each followed by LF, as
    /// `HeaderFieldInPlace.appendUnfoldedValue` makes them (what `receivedBytes` holds; the reference
    /// of the tests).
    static func unfoldedByMailParsing(_ headers: HeaderSection) -> [UInt8] {
        var out: [UInt8] = []
        var first = true
        headers.forEachFieldInPlace(named: "received") { field in
            if first { out.reserveCapacity(headers.raw.count); first = false }
            field.appendUnfoldedValue(to: &out)
            out.append(ASCII.lineFeed)
            return true
        }
        return out
    }

    /// Writes `raw[start..<end]` without its CR and LF bytes at `target` and returns how many bytes
    /// that is (at most `end - start`; nothing is written past them). With `start` and `end` the
    /// trimmed bounds (`UnsafeBufferPointer.trimmedBounds`), that is `HeaderField.unfoldedValue` of a value no longer than
    /// the field limit: RFC 5322 §2.2.3, unfolding removes the line ends (MailParsing's unfolding drops
    /// every CR and LF, and the header parser ends a line at each, so a value with none is one line,
    /// unfolded by its trim alone), and the blanks at either end go.
    ///
    /// The bytes are copied by MailParsing's `HeaderField.copyDroppingLineEnds` (sixteen at a time), the
    /// loop `HeaderField`'s own unfolding runs.
    @inline(__always)
    private static func appendUnfolded(_ raw: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                                       into target: UnsafeMutablePointer<UInt8>) -> Int {
        guard start < end, end <= raw.count else { return 0 }
        // Bytes are only dropped: at most `end - start` are written, the room the caller gives.
        return HeaderField.copyDroppingLineEnds(UnsafeBufferPointer(rebasing: raw[start..<end]), into: target,
                                                limit: end - start)
    }

    /// The providers `receivedNames(provider:)` was asked about (bit i for `RemoteHostRules.providers[i]`),
    /// and of them those the report's Received fields name (`BounceContext+Providers.swift`).
    @exclusivity(unchecked) var receivedProvidersAsked: UInt64 = 0
    @exclusivity(unchecked) var receivedProvidersFound: UInt64 = 0

    /// Calls `body` with each of the first 30 Received values, trimmed, until it returns true: the
    /// values whose host names (`ReceivedHostWords`) name providers for the provider rules
    /// (`receivedNames(provider:)`).
    func forEachReceivedValueForProviders(_ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        // Where the values are not unfolded yet (`receivedBytes`, which most messages no longer need:
        // `receivedMayHave`), each raw value trimmed is read as it is: the host words are split at
        // blanks, CR and LF (`ReceivedHostWords.isSeparator`), and a CR or LF inside a value is followed
        // by a blank, so dropping them joins no words (bsd.mbox x3: 468 messages unfolded their values
        // for this alone, 0.59M instructions). Not where a value is over the field limit, whose
        // unfolded copy is cut.
        if !receivedRead && !headers.defects.contains(.fieldTooLong) {
            guard mayHaveAnyHeader(of: Self.receivedField) else { return }
            var count = 0
            headers.forEachFieldInPlace(named: "received") { field in
                var stop = false
                let raw = field.rawValueBytes   // in place, without `rawValue`'s slice
                let (start, end) = raw.trimmedBounds
                if start < end { stop = body(UnsafeBufferPointer(rebasing: raw[start..<end])) }
                count += 1
                return !stop && count < 30
            }
            return
        }
        let all = receivedBytes
        guard let base = all.baseAddress else { return }
        var start = 0
        for _ in 0..<30 {
            guard start < all.count, let hit = memchr(base + start, 0x0A, all.count - start) else { break }
            let end = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if body(UnsafeBufferPointer(rebasing: all[start..<end])) { return }
            start = end + 1
        }
    }

    /// The first `Message-ID` field's unfolded value (undecoded, as `header("message-id")` reads it,
    /// without making that String), in `claimStorage`; nil when there is none. Only `claims` read it
    /// (`withMessageID`).
    ///
    /// Read by `init`, in its walk for Subject and From (a lazy `(ByteSlice, Bool)?` was copied out and
    /// destroyed at each question; then a state read at the first question, with its own walk and
    /// its own allocation: bsd.mbox x3, 1,614 of 1,887 messages, 1.0M instructions).
    private let messageIDText: ClaimText?

    /// `body` of the Message-ID's bytes (`messageIDText`), nil when there is none. Repairing invalid
    /// UTF-8 in the String leaves ASCII bytes as they are, so ASCII questions (contains, prefix and
    /// suffix after trimming) get the String's answers; others need `isASCII`.
    package func withMessageID<Result>(_ body: (ClaimText) -> Result) -> Result? {
        guard let text = messageIDText else { return nil }
        return body(text)
    }

    /// The bytes of `fromText` (`ByteSet64`): a needle with a byte the sender lacks is answered
    /// without a search (bsd.mbox x3: 33,000 of the claims' ~40,000 Subject and From searches).
    /// Made by `init`, not at the first search: the claims' tests of it are then a few instructions
    /// inlined where they are asked (`fromContains` and the like), not a call each that first asked
    /// whether the set was made (bsd.mbox x3: ~20,000 questions answered by the set alone).
    private let fromByteSet: ByteSet64
    /// The bytes of `subjectText`, as `fromByteSet`.
    private let subjectByteSet: ByteSet64

    /// Whether `needle` is in `haystack` (the search `fromContains` and the like make once the
    /// haystack's byte set may hold the needle). Out of line: most questions end before it.
    @inline(never) private static func search(_ needle: StaticString, in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        needle.withUTF8Buffer { ByteSubstring.firstOffset(of: $0, in: haystack) != nil }
    }

    /// Whether `needle` is in `haystack`, searched only when `bytes` may hold every byte of the needle
    /// (a byte the haystack lacks cannot be in a match).
    @inline(__always) private static func search(_ needle: ClaimNeedle, in haystack: UnsafeBufferPointer<UInt8>,
                                                 bytes: ByteSet64) -> Bool {
        bytes.contains(allOf: needle.bytes) && search(needle.text, in: haystack)
    }

    /// `fromText.contains(needle.text)` (the package's byte `String.contains` of `from`), answered
    /// without a search when the sender lacks one of the needle's bytes (`fromByteSet`).
    @inline(__always) package func fromContains(_ needle: ClaimNeedle) -> Bool {
        Self.search(needle, in: fromText.bytes, bytes: fromByteSet)
    }

    /// `subjectText.contains(needle.text)`, as `fromContains`.
    @inline(__always) package func subjectContains(_ needle: ClaimNeedle) -> Bool {
        Self.search(needle, in: subjectText.bytes, bytes: subjectByteSet)
    }

    /// `lowercaseFrom.contains(needle.text)`, without making `lowercaseFrom` for an ASCII sender (its
    /// bytes are lower-cased once in `init`; `lowercasedIfNeeded` lower-cases ASCII text the same way),
    /// and without a search when the lower-cased sender lacks one of the needle's bytes
    /// (`fromByteSet.lowercased`: `init` lower-cases A-Z and no other byte, and the lower-cased set adds
    /// the bits of their lower-case letters).
    /// - Parameter needle: ASCII, lower case.
    @inline(__always) package func fromContainsLowercased(_ needle: ClaimNeedle) -> Bool {
        guard let lower = lowercaseFromBytes else { return lowercaseFrom.contains(needle.text.description) }
        return Self.search(needle, in: lower, bytes: fromByteSet.lowercased)
    }

    /// `lowercaseSubject.contains(needle.text)`, as `fromContainsLowercased`.
    @inline(__always) package func subjectContainsLowercased(_ needle: ClaimNeedle) -> Bool {
        guard let lower = lowercaseSubjectBytes else { return lowercaseSubject.contains(needle.text.description) }
        return Self.search(needle, in: lower, bytes: subjectByteSet.lowercased)
    }

    /// Whether the subject holds one of `needles` (ASCII, lower case) with its ASCII letters compared
    /// without case and its other bytes as they are, as a case-less pattern that is not UTF
    /// (`PatternSet.compiled`) compares them: for the `claims` that ask a subject pattern set only when
    /// one of the literals its every alternative holds is there. An ASCII subject is searched
    /// lower-cased (`subjectContainsLowercased`), any other case-insensitively as it is.
    func subjectContainsCaseless(anyOf needles: [ClaimNeedle]) -> Bool {
        if let lower = lowercaseSubjectBytes {
            let bytes = subjectByteSet.lowercased
            for needle in needles where Self.search(needle, in: lower, bytes: bytes) { return true }
            return false
        }
        for needle in needles
        where needle.text.withUTF8Buffer({ ASCIICaseInsensitive.firstOffset(of: $0, in: subjectText.bytes) != nil }) { return true }
        return false
    }

    /// `subject == literal` (`ClaimText.equals`; the String compared only when the subject is not ASCII).
    /// Inlined, the String's comparison out of line: the claims ask it of ~8,000 literals on bsd.mbox x3,
    /// each a call of ~46 instructions.
    @inline(__always) package func subjectEquals(_ literal: StaticString) -> Bool {
        subjectText.equals(literal) ?? subjectStringEquals(literal)
    }

    /// `subject == literal.description`, for `subjectEquals` of a subject that is not ASCII.
    @inline(never) private func subjectStringEquals(_ literal: StaticString) -> Bool {
        subject == literal.description
    }

    /// Whether the first field named `lowercaseName` has `needle` in its unfolded value, as
    /// `header(lowercaseName)?.contains(needle) == true` answers, without making or keeping the String
    /// (MessagingServer's Content-Type question: bsd.mbox x3, 1,446 first lookups of a field nobody else
    /// reads through `header`, 2.5M instructions).
    /// - Parameter needle: ASCII. Repairing invalid UTF-8 leaves ASCII bytes as they are and puts
    ///   non-ASCII bytes in place of the rest, so an ASCII needle is in the bytes exactly when it is in
    ///   the String.
    package func headerValueContains(_ lowercaseName: String, _ needle: StaticString) -> Bool {
        fieldNames.mayContain(lowercaseName) && firstValue(named: lowercaseName, contains: needle)
    }

    /// `headerValueContains(name.lowercaseName, needle)`, the filter asked with the name's bits made
    /// once (`mayContain` hashed the String: bsd.mbox x3, MessagingServer's 1,446 questions, 0.15M).
    func headerValueContains(_ name: HeaderNameFilter.Name, _ needle: StaticString) -> Bool {
        fieldNames.mayContain(name) && firstValue(named: name.lowercaseName, contains: needle)
    }

    /// Whether the first field named `name` has `lowercaseNeedle` in its unfolded value with ASCII
    /// letters compared without case, as `header(name)?.lowercasedIfNeeded().contains(lowercaseNeedle)`
    /// answers, nil when there is no such field; without making or keeping the String (GoogleGroups'
    /// X-Failed-Recipients, which Exim's reports carry and no other reader of most of them asks:
    /// bsd.mbox x3, ~250 Strings made for the question).
    /// - Parameter lowercaseNeedle: ASCII, lower case, without "k" or "i": the only ASCII letters a
    ///   character that is not ASCII lower-cases to (U+212A KELVIN SIGN, U+0130), so that the bytes
    ///   hold the needle, letters folded, exactly when the lower-cased String does (repairing invalid
    ///   UTF-8 leaves ASCII bytes as they are).
    func headerValueContainsIgnoringCase(_ name: HeaderNameFilter.Name, _ lowercaseNeedle: StaticString) -> Bool? {
        assert(lowercaseNeedle.withUTF8Buffer { !$0.contains(UInt8(ascii: "k")) && !$0.contains(UInt8(ascii: "i")) && ASCII.isASCII($0) })
        guard fieldNames.mayContain(name) else { return nil }
        var answer: Bool? = nil
        headers.forEachFieldInPlace(named: name.lowercaseName) { field in
            answer = field.unfoldedValue.withUnsafeBufferPointer { value in
                lowercaseNeedle.withUTF8Buffer { ASCIICaseInsensitive.firstOffset(of: $0, in: value) != nil }
            }
            return false
        }
        return answer
    }

    /// `headerValueContains` past the filter.
    private func firstValue(named lowercaseName: String, contains needle: StaticString) -> Bool {
        // The first field read in place (`first(_:)` copied it out: a retain and a release of each slice).
        var answer = false
        headers.forEachFieldInPlace(named: lowercaseName) { field in
            answer = Self.value(of: field, contains: needle)
            return false
        }
        return answer
    }

    /// `headerValueContains`'s test of one field.
    private static func value(of field: HeaderFieldInPlace, contains needle: StaticString) -> Bool {
        // Unfolding only takes bytes out (CR, LF, blanks at the ends, what is over the limit): a byte
        // of the needle absent from the raw value is absent from the unfolded one, and most values
        // are then not unfolded (a copy when folded; bsd.mbox x3 Content-Type, 1,161 values, 0.9M).
        // The needle's `(` if it has one (rare in field values; Messaging Server's boundaries have it),
        // else its last byte.
        let rare = needle.withUTF8Buffer { $0.contains(UInt8(ascii: "(")) ? UInt8(ascii: "(") : $0.last }
        let raw = field.rawValueBytes
        if let rare, raw.baseAddress.map({ memchr($0, Int32(rare), raw.count) == nil }) ?? true { return false }
        return field.unfoldedValue.withUnsafeBufferPointer { value in
            needle.withUTF8Buffer { ByteSubstring.firstOffset(of: $0, in: value) != nil }
        }
    }

    /// The subject, lower-cased (for cheap dispatch).
    package private(set) lazy var lowercaseSubject: String = subject.lowercasedIfNeeded()
    /// The sender, lower-cased. An ASCII sender's is its lower-cased bytes (`lowercaseFromBytes`: A-Z
    /// lower-cased, as `lowercasedIfNeeded` lower-cases ASCII text) made a String, without making
    /// `from` and scanning it (bsd.mbox x3, 303 senders, BIGLOBE's `claims` the most: this getter 0.28M
    /// -> 0.10M instructions; Main.main 240.55M -> 240.35M).
    package private(set) lazy var lowercaseFrom: String =
        lowercaseFromBytes.map { UncheckedUTF8.asciiString($0) } ?? from.lowercasedIfNeeded()

    /// The first `message/delivery-status` or `message/global-delivery-status` part (RFC 3464, RFC 6533),
    /// at any depth (a gateway may wrap the report in `multipart/mixed`).
    /// Read where `reportParts` holds it, as `feedbackReportPart` and `originalPart` are, not kept again
    /// in a lazy optional of an optional.
    package var deliveryStatusPart: MIMEPart? { findReportPartsOnce(); return reportParts.firstDeliveryStatus }

    /// Every `message/delivery-status` or `message/global-delivery-status` part, in document order.
    var deliveryStatusParts: [MIMEPart] {
        findReportPartsOnce()
        guard let first = reportParts.firstDeliveryStatus else { return [] }
        return [first] + reportParts.moreDeliveryStatus
    }

    /// The parts the recognisers look for, found in one depth-first walk of the part tree, the root
    /// first (`BounceContext.findReportParts`): the delivery-status parts (`deliveryStatusParts`), the
    /// first feedback-report part and the first part, the root aside, carrying the returned original.
    ///
    /// Each part's media type is read once, without its parameters, and compared by length first
    /// (`MIMEPart.isName`); no array of every part is made (`ParsedMessage.allParts`, which only this
    /// walk and `originalPart` read: bsd.mbox x3, 1,887 messages, 7,275 parts, `reportParts` 4.72M ->
    /// 3.37M instructions, `originalPart` 0.36M, as before). Held as a struct: as a final class, whose
    /// fields the walk writes under exclusivity checks, the whole was 1.3M instructions dearer.
    ///
    /// Stored, filled by `findReportPartsOnce()`, and each value read where it lies: as a lazy struct,
    /// its getter copied all three values for the one asked (bsd.mbox x3: 6,036 copies, ~18,000 retains).
    @exclusivity(unchecked) private var reportParts = ReportParts()
    /// Whether `reportParts` has been filled.
    @exclusivity(unchecked) private var reportPartsFound = false

    /// Fills `reportParts` at the first question, in place (filled in a copy and stored, its empty
    /// values were released and the copy moved in: bsd.mbox x3, 1,887 walks, 7,548 releases; the part
    /// getters, now small, inlined: Main.main 240.35M -> 240.08M instructions).
    private func findReportPartsOnce() {
        if reportPartsFound { return }
        reportPartsFound = true
        BounceContext.findReportParts(in: message.root, isRoot: true, into: &reportParts)
    }

    /// What `reportParts` holds.
    private struct ReportParts {
        /// The first delivery-status part.
        var firstDeliveryStatus: MIMEPart? = nil
        /// The delivery-status parts after the first, in document order: nearly always none, so no
        /// array is made for the one a report has (an array of every delivery-status part allocated
        /// at its first append: bsd.mbox x3, 1,032 arrays, 0.26M instructions).
        var moreDeliveryStatus: [MIMEPart] = []
        /// The first `message/feedback-report` part.
        var feedbackReport: MIMEPart? = nil
        /// The first encapsulating part (`MIMEPart.isEncapsulating`) that is not the root.
        var original: MIMEPart? = nil
    }

    /// Adds `part` and the parts under it, depth-first, to `found` (`reportParts`). Recursive, as deep
    /// as the parser nests parts (`ParsingLimits.maxNestingDepth`, 24 by default), as `ParsedMessage.allParts` was.
    private static func findReportParts(in part: MIMEPart, isRoot: Bool, into found: inout ReportParts) {
        // The media type and the children read in place (`mediaType` and `parts` copied them), the
        // type classified as `collect` classifies it (`collectStep`, inlined: its `.stop` types are
        // `MIMEPart.isEncapsulating`'s, which was a call for each part not a report's own; bsd.mbox
        // x3, 2,880 calls: Main.main 240.87M -> 240.58M instructions).
        switch part.withMediaType({ BounceContext.collectStep($0, $1) }) {
        case .deliveryStatus:
            if found.firstDeliveryStatus == nil { found.firstDeliveryStatus = part } else { found.moreDeliveryStatus.append(part) }
        case .feedbackReport:
            if found.feedbackReport == nil { found.feedbackReport = part }
        case .stop:
            if !isRoot && found.original == nil { found.original = part }
        case .parts, .alternative, .text, .html, .skip:
            break
        }
        part.forEachPart { findReportParts(in: $0, isRoot: false, into: &found) }
    }

    /// The delivery-status parts' texts decoded so far (`deliveryStatusText(of:)`), by the part's
    /// `MIMEPart.identity`, which every copy of a part shares: the message, which this context holds,
    /// keeps the parts. (Keyed by the body's address and length, each lookup took the body's buffer,
    /// retained and released: bsd.mbox x3, 2,835 lookups, ~140 instructions each.)
    ///
    /// Not checked for exclusive access at run time: only `deliveryStatusText(of:)` reads or writes it,
    /// and never while it runs already (decoding a part does not come back here); the checks were
    /// 0.36M instructions on bsd.mbox x3 (3,867 accesses).
    ///
    /// The first text decoded is kept apart, the others in `moreDecodedDeliveryStatusTexts`: a report
    /// has one delivery-status part, and an array for it allocated at its first append (bsd.mbox x3:
    /// 1,032 arrays, 0.28M instructions).
    @exclusivity(unchecked) private var firstDecodedDeliveryStatusText: (part: MIMEPart.Identity, text: String)? = nil
    /// The texts decoded after `firstDecodedDeliveryStatusText`, as it is kept.
    @exclusivity(unchecked) private var moreDecodedDeliveryStatusTexts: [(part: MIMEPart.Identity, text: String)] = []

    /// A delivery-status part's decoded text, LF line ends: decoded once for `text`, `deliveryStatusText`
    /// and `allDeliveryStatusTexts`, which each decoded it again (bsd.mbox x3: 4,758 decodes of parts for
    /// 1,887 messages).
    private func deliveryStatusText(of part: MIMEPart) -> String {
        if let decoded = decodedDeliveryStatusText(of: part) { return decoded }
        let text = BounceContext.normalizedText(of: part)
        if firstDecodedDeliveryStatusText == nil {
            firstDecodedDeliveryStatusText = (part.identity, text)
        } else {
            moreDecodedDeliveryStatusTexts.append((part.identity, text))
        }
        return text
    }

    /// The text `deliveryStatusText(of:)` decoded for `part` already, or nil (nothing decoded here).
    private func decodedDeliveryStatusText(of part: MIMEPart) -> String? {
        guard let first = firstDecodedDeliveryStatusText else { return nil }
        let key = part.identity
        if first.part == key { return first.text }
        for entry in moreDecodedDeliveryStatusTexts where entry.part == key { return entry.text }
        return nil
    }

    /// Whether `firstDeliveryStatusBodyAsIs` was looked for.
    @exclusivity(unchecked) private var lookedForFirstDeliveryStatusBodyAsIs = false
    /// `deliveryStatusPart?.bodyIfDecodedAsIs`, once `lookedForFirstDeliveryStatusBodyAsIs`: asked by
    /// Postfix's `claims` and the RFC 3464 reader of one message, each checked the body.
    @exclusivity(unchecked) private var firstDeliveryStatusBodyAsIsFound: ByteSlice? = nil

    /// The first delivery-status part's body when its decoded text is its bytes as they stand
    /// (`MIMEPart.bodyIfDecodedAsIs`), looked for once.
    private var firstDeliveryStatusBodyAsIs: ByteSlice? {
        if !lookedForFirstDeliveryStatusBodyAsIs {
            lookedForFirstDeliveryStatusBodyAsIs = true
            firstDeliveryStatusBodyAsIsFound = deliveryStatusPart?.bodyIfDecodedAsIs
        }
        return firstDeliveryStatusBodyAsIsFound
    }

    /// The body of the one delivery-status part when it is all the bytes the RFC 3464 reader reads
    /// (`RFC3464Recognizer.deliveryStatusBytes`: no other delivery-status part, no report in the
    /// epilogue) and its decoded text is its bytes as they stand (`MIMEPart.bodyIfDecodedAsIs`), else
    /// nil. Read in place, the body is neither decoded into a String nor copied into an array (bsd.mbox
    /// x3: 807 of 981 reports; with Postfix's `claims` and `text` reading it so, Main.main 234.26M ->
    /// 233.52M instructions).
    package var soleDeliveryStatusBodyAsIs: ByteSlice? {
        findReportPartsOnce()
        guard reportParts.moreDeliveryStatus.isEmpty, let body = firstDeliveryStatusBodyAsIs, epilogueReport == nil else { return nil }
        return body
    }

    /// `deliveryStatusText?.contains(needle) == true`, read in the part's body when its text is the
    /// body as it stands and was not decoded yet (Postfix's `claims`, whose question decoded the part).
    /// The body is searched for the needle's bytes: for an ASCII needle the same answer, except where
    /// a combining mark follows the needle's last byte, which `String.contains`, comparing Characters,
    /// does not count as a match (a claim only: the recogniser still reads the fields). Case counts: for
    /// the fields an MTA names after itself (Postfix's `X-Postfix-`), which it writes so; compared
    /// without case, as field names are, the claim cost 1.4M instructions more on bsd.mbox x3.
    package func deliveryStatusTextContains(_ needle: String) -> Bool {
        guard let part = deliveryStatusPart else { return false }
        if decodedDeliveryStatusText(of: part) == nil, let body = firstDeliveryStatusBodyAsIs {
            return body.withUnsafeBufferPointer { h in
                needle.utf8.withContiguousStorageIfAvailable { n in ByteSubstring.firstOffset(of: n, in: h) != nil }
            } ?? deliveryStatusText(of: part).contains(needle)
        }
        return deliveryStatusText(of: part).contains(needle)
    }

    /// The first `message/feedback-report` part (RFC 5965).
    package var feedbackReportPart: MIMEPart? { findReportPartsOnce(); return reportParts.feedbackReport }

    /// The first part carrying the returned original (whole message or headers), in document order,
    /// not counting the root.
    package var originalPart: MIMEPart? { findReportPartsOnce(); return reportParts.original }

    /// The human-readable text of the report: the decoded text of every leaf part before the returned
    /// original (text/plain preferred over text/html in an alternative), or the whole body of a
    /// single-part message. LF line ends.
    package var text: String {
        if let flattenedText { return flattenedText }
        let text = flatten(message.root)
        flattenedText = text
        return text
    }
    /// `text` once made (`sweptLeadText` asks whether it was, as a lazy `text` could not say).
    @exclusivity(unchecked) private(set) var flattenedText: String? = nil

    /// The human-readable text before the delivery-status part (or before the DSN fields of a
    /// single-part report), without MIME noise lines (`Content-...`, boundaries, "This is a MIME...").
    package private(set) lazy var leadText: String = {
        var text = self.text
        return text.withUTF8 { LeadText.joinedLines(of: $0) }
    }()

    /// `leadText` with its whitespace runs collapsed (`Diagnostic.sweep`), made from `text` in one
    /// pass (`LeadText.sweptJoinedLines`), not by sweeping `leadText`, which only `leadTextCommand`
    /// needs.
    package private(set) lazy var sweptLeadText: String = {
        if flattenedText == nil, let swept = sweptLeadTextBeforeDeliveryStatus() { return swept }
        var text = self.text
        // The swept copy of an ASCII text is ASCII.
        var isASCII = false
        if #available(macOS 26.0, *) { isASCII = text.utf8Span.isKnownASCII }
        return text.withUTF8 { LeadText.sweptJoinedLines(of: $0, isASCII: isASCII) }
    }()

    /// `sweptLeadText` swept from the text's pieces before the first delivery-status part alone, when
    /// that part's text is its body (`firstDeliveryStatusBodyAsIs`) and opens, past blank lines, with
    /// a line that ends the lead text (`LeadText.opensWithEnd`): the text is those pieces, the part's
    /// text and more, each piece on lines of its own, so its sweep ends at the part's first line, where
    /// the pieces' own ends. Nil otherwise; when the pieces are the whole text (no such part reached),
    /// they are kept as `text` and nil returned. The part's text and the pieces after it are not
    /// copied into a text that most DSNs, read by their fields, never ask for again (bsd.mbox x3: 342
    /// of 969 lead texts swept without it; Main.main 233.52M -> 233.10M instructions).
    private func sweptLeadTextBeforeDeliveryStatus() -> String? {
        guard let part = deliveryStatusPart, let body = firstDeliveryStatusBodyAsIs,
              body.withUnsafeBufferPointer(LeadText.opensWithEnd) else { return nil }
        let root = message.root
        switch root.withMediaType({ BounceContext.collectStep($0, $1) }) {
        case .parts, .alternative: if root.parts.isEmpty { return nil }
        case .stop, .text, .html, .feedbackReport, .deliveryStatus, .skip: return nil
        }
        var out = TextBuffer(capacity: min(root.body.count, 1 << 18) + 1)
        var stop = CollectStop.going
        collect(root, into: &out, stop: &stop, leadUpTo: part.identity)
        switch stop {
        case .leadEnd:
            let isASCII = out.isASCII
            return out.withBytes { LeadText.sweptJoinedLines(of: $0, isASCII: isASCII) }
        case .going, .original:
            // Every piece collected: the whole text.
            flattenedText = out.makeString()
            return nil
        case .otherDeliveryStatus:
            return nil
        }
    }

    /// The SMTP command `leadText` names, if any (`SMTPCommandFinder`).
    /// Found in `leadText`'s bytes (`LeadText.withJoinedLines`), not in the String, which nothing else reads.
    package private(set) lazy var leadTextCommand: SMTPCommand? = {
        var text = self.text
        return text.withUTF8 { LeadText.withJoinedLines(of: $0) { SMTPCommandFinder.find(in: $0) } }
    }()

    /// Whether `text` has sendmail's "----- The following addresses had" or "----- Transcript of session
    /// follows -----" line, as `text.containsIgnoringCase` answers for either (SendmailDSN's and
    /// SendmailText's `claims`, which asked both of the whole text, each of them).
    ///
    /// Both begin with "----- t": each place that does is compared with both, in one search (two
    /// searches of the text before: bsd.mbox x3, 1,059 calls, 2.8M instructions). Such a place can only
    /// be five dashes before the end of a run of dashes, so each run is crossed byte by byte after
    /// memchr finds its first dash, and its end alone is looked at (a case-insensitive search for
    /// "----- t" stopped at every dash of the texts' rules and separators, with a comparison there:
    /// bsd.mbox x3, 684 texts, this getter 1.41M -> 1.04M instructions). Where neither is found
    /// and the text holds a lead byte of U+0130 or U+212A (C4, E2: the two characters whose lower case
    /// is ASCII), the two `containsIgnoringCase` calls answer, as they would have.
    package private(set) lazy var hasSendmailSectionLine: Bool = {
        var text = self.text
        // An ASCII text (the String's own flag) holds neither lead byte: not searched for them.
        var isASCII = false
        if #available(macOS 26.0, *) { isASCII = text.utf8Span.isKnownASCII }
        let found: Bool? = text.withUTF8 { t in
            guard let base = t.baseAddress else { return false }
            let (addresses, transcript) = (BounceContext.addressesHad, BounceContext.transcriptFollows)
            /// Whether the bytes at `at` are `needle` (lower case) with ASCII letters compared without case.
            func matches(_ needle: [UInt8], at: Int) -> Bool {
                guard needle.count <= t.count - at else { return false }
                for j in 0..<needle.count where ASCII.lowercased(t[at + j]) != needle[j] { return false }
                return true
            }
            let count = t.count
            var from = 0
            while from < count, let hit = memchr(base + from, 0x2D, count - from) {
                let runStart = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                var end = runStart + 1
                while end < count && t[end] == 0x2D { end += 1 }
                // "----- t" or "----- T" ending the run: the one place in it "----- t" can begin.
                if end - runStart >= 5, end + 1 < count, t[end] == 0x20, t[end + 1] | 0x20 == 0x74 {
                    let at = end - 5
                    if matches(addresses, at: at) || matches(transcript, at: at) { return true }
                }
                // `t[end]` is no dash.
                from = end + 1
            }
            if !isASCII && (memchr(base, 0xC4, t.count) != nil || memchr(base, 0xE2, t.count) != nil) { return nil }
            return false
        }
        return found ?? (text.containsIgnoringCase("----- the following addresses had")
            || text.containsIgnoringCase("----- transcript of session follows -----"))
    }()
    private static let addressesHad = Array("----- the following addresses had".utf8)
    private static let transcriptFollows = Array("----- transcript of session follows -----".utf8)

    /// `text` split into lines (LF removed), each made when read (`TextLines`).
    package private(set) lazy var lines = TextLines(text)

    /// The address blocks of the text (computed once; `TextScan.blocks`).
    private(set) lazy var addressBlocks: [TextScan.Block] = TextScan.blocks(in: lines, excludingOwn: TextScan.ownAddressKeys(self),
                                                                             markerStart: originalMarkerStart)

    /// Where the first line announcing an inline original starts in `text`
    /// (`OriginalLocator.firstMarkerStart(in:)`; without one, in a report without a Content-Type field,
    /// a MIME delimiter line that the original's fields follow, `lostDelimiterStart(in:)`), or nil:
    /// searched once for the two that ask,
    /// `TextScan.blocks` (the blocks end there) and `OriginalLocator.locate` (the copy follows it),
    /// which searched the whole text each (bsd.mbox x3: 228 texts searched twice, 0.55M instructions).
    package private(set) lazy var originalMarkerStart: Int? = {
        var text = self.text
        // A report without a Content-Type field (the default text/plain) may be a multipart that lost it.
        let mayHaveLostItsType = !hasHeader("content-type")
        return text.withUTF8 { OriginalLocator.firstMarkerStart(in: $0) ?? (mayHaveLostItsType ? OriginalLocator.lostDelimiterStart(in: $0) : nil) }
    }()

    /// The index in `addressBlocks` of each address's first block, by lower-cased address (a DSN with
    /// thousands of recipients looks each one up).
    private(set) lazy var firstAddressBlock: [String: Int] = {
        var first: [String: Int] = [:]
        // Of the address's blocks, the first that says more than the address (sendmail lists each failed
        // address under "----- The following addresses had permanent fatal errors -----" and then quotes
        // its reply in the transcript: "554 <bob@example.net>... Service unavailable"), else its first.
        var saysMore: Set<String> = []
        for (i, block) in addressBlocks.enumerated() where !saysMore.contains(block.key) {
            let more = !RFC3464Recognizer.isBlank(TextScan.withoutAddressPrefix(block.text, address: block.address))
            if first[block.key] == nil || more { first[block.key] = i }
            if more { saysMore.insert(block.key) }
        }
        return first
    }()

    /// The decoded bodies of every delivery-status part, in document order, and the epilogue's report.
    /// The epilogue's report appended only when there is one: `map { ... } + epilogueReport` copied the
    /// mapped array into a new one even when nothing was added (bsd.mbox x3, 966 of 1,023 reports).
    package private(set) lazy var allDeliveryStatusTexts: [String] = {
        findReportPartsOnce()
        var texts: [String] = []
        if let first = reportParts.firstDeliveryStatus {
            texts = [deliveryStatusText(of: first)]
            for part in reportParts.moreDeliveryStatus { texts.append(deliveryStatusText(of: part)) }
        }
        if let epilogue = epilogueReport { texts.append(epilogue) }
        return texts
    }()

    /// A second report glued after the close delimiter of the first (sisimai rhost-cox-01, rfc3464-28
    /// are two Postfix reports in one file): its DSN fields, if any. Read once (`readEpilogueReport`):
    /// `soleDeliveryStatusBodyAsIs` asks it at each call and `allDeliveryStatusTexts` after it, and
    /// each searched the epilogue again (bsd.mbox x3: 1,029 reads of 423 epilogues; Main.main 239.29M ->
    /// 239.23M instructions).
    private var epilogueReport: String? {
        if let found = epilogueReportFound { return found }
        let report = readEpilogueReport()
        epilogueReportFound = .some(report)
        return report
    }
    /// `epilogueReport` once read.
    @exclusivity(unchecked) private var epilogueReportFound: String?? = nil

    /// `epilogueReport` read from the root's epilogue.
    private func readEpilogueReport() -> String? {
        let epilogue = message.root.epilogue
        guard !epilogue.isEmpty, epilogue.firstRange(ofCaseInsensitive: "final-recipient:") != nil else { return nil }
        let text = BounceContext.normalizeLineEnds(String(decoding: epilogue, as: UTF8.self))
        // The field names in any case (RFC 5322 §1.2.2), found in the text's bytes.
        let bytes = ByteSlice(text.utf8)
        guard let start = bytes.firstRange(ofCaseInsensitive: "reporting-mta:") ?? bytes.firstRange(ofCaseInsensitive: "final-recipient:")
        else { return nil }
        return String(decoding: bytes[start.lowerBound...], as: UTF8.self)
    }

    /// DSN fields written into the text itself (no `message/delivery-status` part, or a broken one):
    /// the text from the first `Reporting-MTA:` or `Final-Recipient:` line on, if a `Final-Recipient:`
    /// line exists (sisimai rfc3464-04, lhost-sendmail-53).
    package private(set) lazy var inlineDeliveryStatusText: String? = {
        guard deliveryStatusPart == nil else { return nil }
        // Line by line on the text's bytes, not through `lines`: a message that is no report at all
        // would build its lines for this question alone. A line's first byte is looked at first, since
        // only lines beginning with R, O, F or f can open the fields (comparing every line with four
        // prefixes was 4% of `--no-classify` on backscatter-dev: 62M of 1,305M instructions).
        var text = self.text
        let startOffset: Int? = text.withUTF8 { bytes -> Int? in
            guard let base = bytes.baseAddress else { return nil }
            var first: Int? = nil
            var lineStart = 0
            while lineStart <= bytes.count {
                let lineEnd = memchr(base + lineStart, 0x0A, bytes.count - lineStart)
                    .map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? bytes.count
                if lineStart < lineEnd {
                    // Field names in any case (RFC 5322 §1.2.2; `Tests/Fuzz/fieldnames.py`).
                    let lead = bytes[lineStart] | 0x20
                    if lead == UInt8(ascii: "r") || lead == UInt8(ascii: "o") || lead == UInt8(ascii: "f") {
                        let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
                        if first == nil, line.hasPrefixCaseInsensitive("reporting-mta:") || line.hasPrefixCaseInsensitive("final-recipient:")
                            || line.hasPrefixCaseInsensitive("original-recipient:") {
                            first = lineStart
                        }
                        // The fields count only when a Final-Recipient line (any case) follows: the text
                        // from the first field line on, or nothing when none came before it.
                        if line.hasPrefixCaseInsensitive("final-recipient:") { return first }
                    }
                }
                lineStart = lineEnd + 1
            }
            return nil
        }
        guard let startOffset else { return nil }
        // The lines from there on joined by LF: the rest of the text as it is.
        let u = text.utf8
        return String(Substring(u[u.index(u.startIndex, offsetBy: startOffset)...]))
    }()

    /// The decoded body of the delivery-status part, LF line ends: read where `deliveryStatusText(of:)`
    /// keeps it, not kept again in a lazy optional of an optional, which every context initialised
    /// and destroyed (bsd.mbox x3, 1,887 contexts, 840 of them with the text: Main.main 240.08M ->
    /// 239.94M instructions).
    package var deliveryStatusText: String? {
        guard let part = deliveryStatusPart else { return nil }
        return deliveryStatusText(of: part)
    }

    /// The RFC 3464 reading of `allDeliveryStatusTexts`, kept when a recogniser read them before the
    /// RFC 3464 reader does (`RFC3464Recognizer.firstPartNamesRecipient(_:)`), for the reader to take;
    /// or by the reader, when they name no recipient, for Postfix's "Delivery report unavailable".
    /// Not checked for exclusive access at run time: only those read or write it, none while
    /// another runs.
    @exclusivity(unchecked) var keptDeliveryStatusReading: KeptDeliveryStatusReading? = nil

    /// `text` of the tree under `root`.
    private func flatten(_ root: MIMEPart) -> String {
        // The root's media type read once, in place, by `collectStep` (`isMultipart`, `isEncapsulating`
        // and the type compared through `contentType`, copied at each read: bsd.mbox x3, 1,887 roots).
        switch root.withMediaType({ BounceContext.collectStep($0, $1) }) {
        case .parts, .alternative:
            if root.parts.isEmpty {
                // A multipart whose boundary never appears (sisimai rfc3464-04, rhost-google-02): read the body as text.
                return BounceContext.normalizeLineEnds(String(decoding: root.body, as: UTF8.self))
            }
        case .stop: return ""  // encapsulating (`MIMEPart.isEncapsulating`)
        case .text, .feedbackReport: return BounceContext.normalizedText(of: root)
        // Stripped of its tags as an HTML part below the root is (`collect`), so that a report reads
        // the same wrapped by a gateway or not (backscatter-dev corpus.mbox #5, a single-part HTML
        // notice: `Tests/Fuzz/nesting.py`).
        case .html: break
        case .deliveryStatus: return deliveryStatusText(of: root)
        case .skip:
            // Another message type, or a defaulted one: read as text; any other type has none.
            let type = root.contentType
            return type.type == "message" || type.isDefaulted ? BounceContext.normalizedText(of: root) : ""
        }
        // The pieces decoded into one buffer, made a String once: a String a part appended to the
        // text made a String a part, copied it again and the text at each growth (bsd.mbox x3, 1,191
        // texts of 2,319 pieces: `text` 12.19M -> 11.82M instructions). Room for the root's body:
        // the parts collected lie in it, and their decoded text and an LF each are no longer, unless
        // converted from another charset (the buffer then grows).
        var out = TextBuffer(capacity: min(root.body.count, 1 << 18) + 1)
        var stop = CollectStop.going
        collect(root, into: &out, stop: &stop)
        return out.makeString()
    }

    /// What `collect` does with a part, by its media type.
    private enum CollectStep { case parts, alternative, stop, text, html, deliveryStatus, feedbackReport, skip }

    /// Whether `collect` goes on, or where it stopped: at the returned original, or (asked to stop at
    /// a delivery-status part, `leadUpTo`) at that part or at another delivery-status part before it.
    private enum CollectStop { case going, original, leadEnd, otherDeliveryStatus }

    /// Appends the text of the leaves under `part` to `out` (see `text`), up to the returned original,
    /// or, given `leadUpTo`, up to the first delivery-status part (not appended).
    /// `out` is empty or ends in LF between calls: each piece is appended on lines of its own (an LF
    /// after a piece unless it ends in one, `TextBuffer.endLine`).
    private func collect(_ part: MIMEPart, into out: inout TextBuffer, stop: inout CollectStop, leadUpTo: MIMEPart.Identity? = nil) {
        if stop != .going { return }
        // Read in place (`mediaType` copied both strings: a retain and a release each).
        switch part.withMediaType({ BounceContext.collectStep($0, $1) }) {
        case .alternative:
            // RFC 2046 §5.1.4: the last alternative is the richest; we want the plainest.
            if let plain = part.parts.first(where: { $0.mediaType == ("text", "plain") }) {
                collect(plain, into: &out, stop: &stop, leadUpTo: leadUpTo)
            } else if let first = part.parts.first {
                collect(first, into: &out, stop: &stop, leadUpTo: leadUpTo)
            }
        // Each child made where it is read (`forEachPart`): iterating `parts` retained the tree for
        // the view and for each child (bsd.mbox x3: `collect` 11.90M -> 11.67M instructions).
        case .parts:
            if part.parts.isEmpty {
                // A multipart whose boundary never appears, below the root too: its body read as text, as
                // `flatten` reads such a root (sisimai lhost-messagingserver-03 wrapped in a multipart/mixed
                // by a gateway was no bounce).
                part.appendDecodedTextWithLFLineEnds(to: &out)
                out.endLine()
            } else {
                part.forEachPart { collect($0, into: &out, stop: &stop, leadUpTo: leadUpTo) }
            }
        case .stop: stop = .original
        case .text, .feedbackReport:
            // Decoded straight into the text (`normalizedText(of:)` made a String of it).
            part.appendDecodedTextWithLFLineEnds(to: &out)
            out.endLine()
        case .html:
            // Decoded into the text and stripped there, in place (the text is never longer than the HTML).
            let (start, asciiBefore) = (out.count, out.isASCII)
            part.appendDecodedTextWithLFLineEnds(to: &out)
            out.rewrite(from: start, asciiBefore: asciiBefore) { HTMLText.strip($0) }
            out.endLine()
        case .deliveryStatus:
            if let leadUpTo {
                stop = part.identity == leadUpTo ? .leadEnd : .otherDeliveryStatus
                return
            }
            // Decoded straight into the text unless decoded already: the RFC 3464 reader reads most
            // parts in place (`soleDeliveryStatusBodyAsIs`), so that none else asks for their String.
            let start = out.count
            if let decoded = decodedDeliveryStatusText(of: part) { out.append(decoded) } else { part.appendDecodedTextWithLFLineEnds(to: &out) }
            // Its fields unfolded (RFC 5322 §2.2.3), one line each, as the recognisers that read them
            // in the text by lines take them: a folded Diagnostic-Code read there lost its continuation
            // or gave it twice (sisimai lhost-x3-06, lhost-exim-44 folded: `Tests/Fuzz/fieldnames.py`).
            // (Only LFs are taken out: whether the text is ASCII does not change, nothing to check again.)
            out.rewrite(from: start, asciiBefore: false) { BounceContext.unfoldInPlace($0) }
            out.endLine()
        case .skip: break
        }
    }

    /// Unfolds the header-like fields of `text` (LF line ends) in place: each LF followed by a space
    /// or tab is removed, unless it ends an empty line (a group's end stays one). Returns the bytes kept.
    /// Line ends found by memchr and the runs between removed ones moved whole: most texts have no
    /// fold, and a loop over every byte was 3.5M instructions on bsd.mbox x3.
    static func unfoldInPlace(_ text: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard let base = text.baseAddress else { return 0 }
        let count = text.count
        var read = 0, kept = 0, from = 0
        while from < count, let hit = memchr(base + from, 0x0A, count &- from) {
            let lf = UnsafeMutableRawPointer(hit) - UnsafeMutableRawPointer(base)
            from = lf &+ 1
            // A removed LF is followed by a blank, so the byte before an LF is one kept: it ends an
            // empty line exactly when it is an LF itself (or the text starts there).
            guard from < count, base[from] == ASCII.space || base[from] == ASCII.tab,
                  lf > 0, base[lf &- 1] != ASCII.lineFeed else { continue }
            if kept != read { memmove(base + kept, base + read, lf &- read) }
            kept &+= lf &- read
            read = from
        }
        if kept != read { memmove(base + kept, base + read, count &- read) }
        return kept &+ (count &- read)
    }

    /// `collect`'s step for a part of media type `type/subtype` (lower case), each name compared once:
    /// `collect` compared the type to "multipart", "text" and "message" and then again in
    /// `MIMEPart.isEncapsulating`, whose `isName` calls are not inlined here (bsd.mbox x3: 3,423 leaves;
    /// `isEncapsulating` 0.25M, `==` 0.15M instructions; this step with `isName` 0.78M). Each name is
    /// compared only with the literals of its length (`==` of two different strings is a call,
    /// `_stringCompareWithSmolCheck`: bsd.mbox x3, 10,965 calls, 0.29M instructions).
    @inline(__always)
    private static func collectStep(_ type: String, _ subtype: String) -> CollectStep {
        switch type.utf8.count {
        case 9 where type == "multipart": return subtype.utf8.count == 11 && subtype == "alternative" ? .alternative : .parts
        case 4 where type == "text":
            switch subtype.utf8.count {
            case 4 where subtype == "html": return .html
            case 14 where subtype == "rfc822-headers": return .stop
            default: return .text
            }
        case 7 where type == "message":
            switch subtype.utf8.count {
            case 15 where subtype == "delivery-status": return .deliveryStatus
            case 22 where subtype == "global-delivery-status": return .deliveryStatus
            case 15 where subtype == "feedback-report": return .feedbackReport
            // `MIMEPart.isEncapsulating`
            case 6 where subtype == "rfc822" || subtype == "global": return .stop
            case 14 where subtype == "global-headers" || subtype == "rfc822-headers": return .stop
            default: return .skip
            }
        default: return .skip
        }
    }

    /// A part's decoded text with CRLF and lone CR turned into LF.
    static func normalizedText(of part: MIMEPart) -> String {
        part.decodedTextWithLFLineEnds()
    }

    /// `s` with CRLF and lone CR turned into LF; `s` itself when it has no CR.
    static func normalizeLineEnds(_ s: String) -> String {
        TextDecoding.turningCRIntoLF(s)
    }
}

/// Minimal HTML to text, for HTML-only bounces: tags removed, `<br>`/`</p>`/`</div>`/`</tr>` become
/// line ends, the common entities decoded.
enum HTMLText {
    /// The text of an HTML part: tags removed (a line end for `<br>`, `<p>` and the ends of paragraphs,
    /// divisions and table rows), `style` and `script` elements dropped, five entities decoded.
    /// O(n): the runs between `<` and `&` are copied whole, and an end tag found missing from some place
    /// on is not looked for again, so that many unclosed `<style>` tags (spam), or many closed only in
    /// upper case, do not each search the rest of the text.
    static func strip(_ html: String) -> String {
        var html = html
        return html.withUTF8 { h -> String in
            guard let base = h.baseAddress else { return "" }
            // Written into a buffer as long as the HTML (the text is never longer: a tag or an entity
            // gives at most one byte), not appended to an array (bsd.mbox x3, 12 parts: 4,272 appends
            // of runs, 0.38M instructions).
            let out = UnsafeMutablePointer<UInt8>.allocate(capacity: h.count)
            defer { out.deallocate() }
            let n = strip(UnsafeBufferPointer(start: base, count: h.count), into: out)
            return String(decoding: UnsafeBufferPointer(start: out, count: n), as: UTF8.self)
        }
    }

    /// `strip` of the HTML in `html`, in place: the text is written from its start, and the count of
    /// its bytes returned. Valid UTF-8 stays valid (bytes are taken out or put in only at ASCII bytes).
    static func strip(_ html: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard let base = html.baseAddress else { return 0 }
        return strip(UnsafeBufferPointer(html), into: base)
    }

    /// Writes the text of the HTML `h` at `out`, which is `h`'s start or has room for `h.count` bytes
    /// elsewhere, and returns how many bytes it wrote. Each byte is written at or before the place it
    /// is read from, so the HTML may be stripped in place (runs moved by `update`, a memmove).
    private static func strip(_ h: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int {
        guard let base = h.baseAddress else { return 0 }
        /// The first `>` at or after `from`.
        func tagEnd(_ from: Int) -> Int? {
            guard from < h.count, let hit = memchr(base + from, 0x3E, h.count - from) else { return nil }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
        }
        var n = 0
        /// Writes `byte`.
        func put(_ byte: UInt8) {
            out[n] = byte
            n += 1
        }
        // For each of `endTags`: from where on it was searched for and is not there (a later search,
        // from further on, would fail too).
        var absentFrom = [Int](repeating: .max, count: endTags.count)
        func endTag(_ which: Int, from: Int) -> Int? {
            guard from < absentFrom[which] else { return nil }
            let needle = endTags[which]
            let hit = needle.withUnsafeBufferPointer { ByteSubstring.firstOffset(of: $0, in: UnsafeBufferPointer(rebasing: h[from...])) }
            if let hit { return from + hit + needle.count }
            absentFrom[which] = from
            return nil
        }
        /// The offset of the first `byte` at or after `from`, or `h.count`.
        func next(_ byte: UInt8, from: Int) -> Int {
            guard from < h.count, let hit = memchr(base + from, Int32(byte), h.count - from) else { return h.count }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
        }
        // The next `<` and `&` at or after where the last search began, each searched for again
        // only once passed (each search covers bytes the one before did not: O(n) in all). A byte
        // loop testing each byte for both was most of `strip` (bsd.mbox x3, 12 HTML parts: `strip`
        // 2.49M -> 1.51M instructions, with the prefixes tried by the tag's first byte below).
        var nextOpen = next(0x3C, from: 0), nextAmpersand = next(0x26, from: 0)
        var i = 0
        while i < h.count {
            if nextOpen < i { nextOpen = next(0x3C, from: i) }
            if nextAmpersand < i { nextAmpersand = next(0x26, from: i) }
            let j = min(nextOpen, nextAmpersand)   // < &
            if j > i {
                (out + n).update(from: base + i, count: j - i)
                n += j - i
            }
            i = j
            guard i < h.count else { break }
            if h[i] == 0x3C {
                guard let close = tagEnd(i) else { break }
                let tag = UnsafeBufferPointer(rebasing: h[(i + 1)..<close])
                // Only the prefixes starting with the tag's first byte (lower-cased, as
                // `ASCII.hasPrefix(_:ignoringCase:)` compares it) are tried, an end tag's by the
                // byte after its `/`; compared inline (`hasPrefixCaseInsensitive` was a call
                // each, three for every end tag: bsd.mbox x3, 12 parts, 6,384 calls, 0.23M).
                let lead = tag.first.map { ASCII.lowercased($0) }
                let breaksLine: Bool
                switch lead {
                case UInt8(ascii: "b"): breaksLine = ASCII.hasPrefix(tag, ignoringCase: "br")
                case UInt8(ascii: "/"):
                    switch tag.count > 1 ? ASCII.lowercased(tag[1]) : 0 {
                    case UInt8(ascii: "p"): breaksLine = true  // "/p"
                    case UInt8(ascii: "d"): breaksLine = ASCII.hasPrefix(tag, ignoringCase: "/div")
                    case UInt8(ascii: "t"): breaksLine = ASCII.hasPrefix(tag, ignoringCase: "/tr")
                    default: breaksLine = false
                    }
                case UInt8(ascii: "p"): breaksLine = tag.count == 1 || ASCII.hasPrefix(tag, ignoringCase: "p ")
                default: breaksLine = false
                }
                if breaksLine { put(10) }
                let style = lead == UInt8(ascii: "s") && ASCII.hasPrefix(tag, ignoringCase: "style")
                if style || (lead == UInt8(ascii: "s") && ASCII.hasPrefix(tag, ignoringCase: "script")) {
                    // Skip to the closing tag (lower- or upper-case as written in practice).
                    let lower = style ? 0 : 2
                    if let r = endTag(lower, from: close) ?? endTag(lower + 1, from: close) {
                        i = tagEnd(r).map { $0 + 1 } ?? h.count
                        continue
                    }
                }
                i = close + 1
                continue
            }
            // `&`
            var matched = false
            for (entity, replacement) in entities where UnsafeBufferPointer(rebasing: h[i...]).hasPrefix(entity) {
                put(replacement)
                i += entity.utf8CodeUnitCount
                matched = true
                break
            }
            if !matched {
                put(0x26)
                i += 1
            }
        }
        return n
    }

    /// The end tags of the elements whose content is dropped, lower- and upper-case as written in practice:
    /// `style` at 0 and 1, `script` at 2 and 3.
    private static let endTags: [[UInt8]] = ["</style", "</STYLE", "</script", "</SCRIPT"].map { Array($0.utf8) }

    private static let entities: [(StaticString, UInt8)] = [("&nbsp;", 0x20), ("&lt;", 0x3C), ("&gt;", 0x3E), ("&amp;", 0x26), ("&quot;", 0x22)]
}

/// A header value's bytes for the recognisers' `claims`: the same answers as the String tests they
/// replace, read in place instead of through a String per question.
///
/// The package's `String.contains`, `hasPrefix` and `hasSuffix` (MailParsing) compare UTF-8 bytes, so
/// `contains`, `hasPrefix` and `hasSuffix` here answer as they do for any text. `==` and `trimmed` then
/// `==` are the standard library's (canonical equivalence: U+212A KELVIN SIGN equals "K"): their byte
/// forms (`equals`, `trimmedEquals`) answer only for ASCII text, where they agree, and return nil
/// otherwise, for the caller to ask the String.
///
/// A view, not a copy: valid while what it was made from is (the context, or the closure it is handed to).
package struct ClaimText {
    /// The UTF-8 bytes.
    package let bytes: UnsafeBufferPointer<UInt8>
    /// Whether every byte is ASCII.
    package let isASCII: Bool

    /// A view of `bytes`.
    package init(_ bytes: UnsafeBufferPointer<UInt8>, isASCII: Bool) {
        self.bytes = bytes
        self.isASCII = isASCII
    }

    /// Whether `needle` occurs in the bytes (the package's `String.contains`).
    package func contains(_ needle: StaticString) -> Bool {
        needle.withUTF8Buffer { ByteSubstring.firstOffset(of: $0, in: bytes) != nil }
    }

    /// Whether `byte` is one of the bytes (memchr): a cheap first test for a needle with a rare byte.
    package func has(_ byte: UInt8) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        return memchr(base, Int32(byte), bytes.count) != nil
    }

    /// Whether the bytes from `start` on begin with `prefix`.
    @inline(__always) private func has(_ prefix: UnsafeBufferPointer<UInt8>, at start: Int, before end: Int) -> Bool {
        guard start >= 0, prefix.count <= end - start else { return false }
        for i in 0..<prefix.count where bytes[start + i] != prefix[i] { return false }
        return true
    }

    /// Whether the bytes start with `prefix` (the package's `String.hasPrefix`). Inlined: the claims
    /// ask it of literals (bsd.mbox x3, ~8,000 questions, each a call of ~25 instructions).
    @inline(__always) package func hasPrefix(_ prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { has($0, at: 0, before: bytes.count) }
    }

    /// Whether the bytes start with `prefix` or with a quote and `prefix`: a display name's start, quoted
    /// or not (RFC 5322 §3.2.5: atoms or a quoted string; a name written as an encoded word decodes
    /// without the quotes: `Tests/Fuzz/relayed.py`).
    /// (`prefix` does not start with a quote. One comparison, from after a leading quote: the two tried
    /// in turn in a closure, the claims that ask it cost 0.6M instructions more on bsd.mbox x3.)
    @inline(__always)
    package func hasNamePrefix(_ prefix: StaticString) -> Bool {
        let start = bytes.first == UInt8(ascii: "\"") ? 1 : 0
        return prefix.withUTF8Buffer { has($0, at: start, before: bytes.count) }
    }

    /// Whether the bytes end with `suffix` (the package's `String.hasSuffix`).
    package func hasSuffix(_ suffix: StaticString) -> Bool {
        suffix.withUTF8Buffer { has($0, at: bytes.count - $0.count, before: bytes.count) }
    }

    /// `String(decoding: bytes) == literal` for ASCII bytes; nil when the bytes are not ASCII.
    /// - Parameter literal: any text; a non-ASCII one never equals ASCII bytes unless it is canonically
    ///   equivalent to ASCII, which the literals passed here (ASCII, Japanese) are not.
    @inline(__always) package func equals(_ literal: StaticString) -> Bool? {
        guard isASCII else { return nil }
        return literal.withUTF8Buffer { $0.count == bytes.count && has($0, at: 0, before: bytes.count) }
    }

    /// The bounds of the bytes without the spaces, tabs, CR and LF at either end (`trimmed`).
    private var trimmedBounds: (start: Int, end: Int) { bytes.trimmedBounds }

    /// `trimmed == literal` for ASCII bytes; nil otherwise.
    /// - Parameter literal: ASCII, without spaces, tabs, CR or LF at either end.
    package func trimmedEquals(_ literal: StaticString) -> Bool? {
        guard isASCII else { return nil }
        let (start, end) = trimmedBounds
        return literal.withUTF8Buffer { $0.count == end - start && has($0, at: start, before: end) }
    }

    /// `trimmed.hasPrefix(prefix)` (the package's byte `hasPrefix`).
    package func trimmedHasPrefix(_ prefix: StaticString) -> Bool {
        let (start, end) = trimmedBounds
        return prefix.withUTF8Buffer { has($0, at: start, before: end) }
    }

    /// `trimmed.hasSuffix(suffix)` (the package's byte `hasSuffix`).
    package func trimmedHasSuffix(_ suffix: StaticString) -> Bool {
        let (start, end) = trimmedBounds
        return suffix.withUTF8Buffer { end - $0.count >= start && has($0, at: end - $0.count, before: end) }
    }
}
