#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The seam between MIME and the charset layer: every conversion of bytes to text in the MIME code goes
/// through here, so the charset engine can change without touching MIME.
package enum TextDecoding {
    /// Bytes in `charset` to a String (see `CharsetDecoder`); never fails.
    package static func decode(_ bytes: ByteSlice, charset: String?) -> String {
        CharsetDecoder.decode(bytes, charset: charset)
    }

    /// An unstructured header value (may hold RFC 2047 encoded words or raw 8-bit bytes) to display text.
    package static func decodeHeaderText(_ bytes: ByteSlice) -> String {
        EncodedWords.decode(bytes)
    }
}

/// A body's content transfer encoding, as `TextDecoding.decodeTurningCRIntoLF(_:transfer:kind:)` undoes it.
package enum TransferCoding: Sendable {
    /// 7bit, 8bit, binary or any other name: the body as it is.
    case identity
    case base64
    case quotedPrintable
}

extension TextDecoding {
    /// `decode(bytes, charset:)` with each CRLF and each lone CR made LF, as `kind` (`CharsetName.resolve`).
    ///
    /// UTF-8, US-ASCII, unlabelled and windows-1252 bytes are decoded byte-wise over ASCII (CR and LF
    /// are themselves, and no invalid sequence is cut short or made whole by the change, as both are
    /// ASCII): their line ends are made LF before decoding, so that one String is made, not a String
    /// decoded and then a second without its CRs (bsd.mbox x3: `BounceContext.text` 24.97M -> 24.53M
    /// instructions, 405 texts with CRs). Other charsets are decoded first.
    package static func decodeTurningCRIntoLF(_ bytes: ByteSlice, kind: CharsetKind) -> String {
        switch kind {
        case .utf8:
            // Written straight into the String's storage, which repairs invalid UTF-8 as
            // `String(decoding:as:)` does: no array between (bsd.mbox x3, 36 UTF-8 texts with CRs:
            // `decodeTurningCRIntoLF` 12.63M -> 12.25M, callgrind).
            return bytes.withUnsafeBufferPointer(stringTurningCRIntoLF) ?? CharsetDecoder.decode(bytes, kind: kind)
        case .ascii, .unknown, .windows1252:
            guard let normalized = bytes.withUnsafeBufferPointer(bytesTurningCRIntoLF) else {
                return CharsetDecoder.decode(bytes, kind: kind)
            }
            return CharsetDecoder.decode(normalized[...], kind: kind)
        case .utf16, .iso2022JP, .iconv:
            return turningCRIntoLF(CharsetDecoder.decode(bytes, kind: kind))
        }
    }

    /// How a byte-wise charset's text is read in place: whether it is UTF-8, and whether its bytes are
    /// read as UTF-8 (US-ASCII and unlabelled text are); nil for the charsets decoded into a String first
    /// (UTF-16, ISO-2022-JP, iconv's). Shared by `decodeTurningCRIntoLF` and `TextBuffer`.
    @inline(__always)
    package static func byteWise(_ kind: CharsetKind) -> (isUTF8: Bool, readsUTF8: Bool)? {
        switch kind {
        case .utf8: (true, true)
        case .ascii, .unknown: (false, true)
        case .windows1252: (false, false)
        case .utf16, .iso2022JP, .iconv: nil
        }
    }

    /// `decodeTurningCRIntoLF` of `body` with its transfer encoding undone. For the byte-wise charsets
    /// (UTF-8, US-ASCII, unlabelled, windows-1252) an identity body without CR is checked and copied
    /// once (`identityText`); any other is decoded as a piece of the bounce text is
    /// (`TextBuffer.appendDecodingTurningCRIntoLF`: the transfer encoding undone and the line ends made
    /// LF in one buffer, ASCII and valid UTF-8 kept as written, other 8-bit bytes repaired or converted
    /// as before) and copied into its String unvalidated.
    package static func decodeTurningCRIntoLF(_ body: ByteSlice, transfer: TransferCoding, kind: CharsetKind) -> String {
        guard case let (_, readsUTF8)? = byteWise(kind) else {
            switch transfer {
            case .identity: return decodeTurningCRIntoLF(body, kind: kind)
            case .base64: return decodeTurningCRIntoLF(TransferDecoding.base64(body)[...], kind: kind)
            case .quotedPrintable: return decodeTurningCRIntoLF(TransferDecoding.quotedPrintable(body)[...], kind: kind)
            }
        }
        if body.isEmpty { return "" }
        if transfer == .identity, let text = body.withUnsafeBufferPointer({ identityText($0, readsUTF8: readsUTF8) }) {
            return text
        }
        // One decoder for a body and a piece of the text: this decoded the body into the String's own
        // storage, in place, with a loop of its own, which the String then validated again (bsd.mbox
        // x3, 297 bodies: `decodeTurningCRIntoLF` 4.39M -> 4.36M instructions this way).
        var out = TextBuffer(capacity: transfer == .base64 ? body.count / 4 * 3 + 3 : body.count)
        out.appendDecodingTurningCRIntoLF(body, transfer: transfer, kind: kind)
        return out.makeString()
    }

    /// Whether `identityText` of `source` holds `source`'s bytes as they are (empty, or no CR and ASCII,
    /// or valid UTF-8 when `readsUTF8`): then the decoded text of an identity body is the body.
    package static func isTextAsIs(_ source: UnsafeBufferPointer<UInt8>, readsUTF8: Bool) -> Bool {
        guard let base = source.baseAddress, !source.isEmpty else { return true }
        guard memchr(base, 13, source.count) == nil else { return false }
        return readsUTF8 ? UTF8Check.classify(source) != .invalid : ASCII.isASCII(source)
    }

    /// The String of an identity-encoded body without CR that is ASCII, or valid UTF-8 when `readsUTF8`
    /// (UTF-8, US-ASCII and unlabelled text, whose valid UTF-8 `CharsetDecoder` reads as UTF-8): copied
    /// once and checked by `UTF8Check`, not by the String (whose check reads mostly-ASCII UTF-8 byte by
    /// byte). Nil otherwise, for the decoding that repairs or converts it.
    private static func identityText(_ source: UnsafeBufferPointer<UInt8>, readsUTF8: Bool) -> String? {
        guard let base = source.baseAddress, memchr(base, 13, source.count) == nil else { return nil }
        if readsUTF8 { return UTF8Check.validString(source) }
        return ASCII.isASCII(source) ? UncheckedUTF8.asciiString(source) : nil
    }

    /// `bytes` with each CRLF and each lone CR made one LF, or nil when they hold no CR.
    static func bytesTurningCRIntoLF(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let base = bytes.baseAddress, memchr(base, 13, bytes.count) != nil else { return nil }
        // Room for every byte (the result is never longer); the count written is the array's.
        return [UInt8](uninitializedCapacity: bytes.count) { out, written in
            guard let to = out.baseAddress else { return }
            written = copyTurningCRIntoLF(bytes, into: to)
        }
    }

    /// `bytes` read as UTF-8 (invalid sequences repaired to U+FFFD) with each CRLF and each lone CR made
    /// one LF, or nil when they hold no CR.
    static func stringTurningCRIntoLF(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = bytes.baseAddress, memchr(base, 13, bytes.count) != nil else { return nil }
        return String(unsafeUninitializedCapacity: bytes.count) { out in
            guard let to = out.baseAddress else { return 0 }
            return copyTurningCRIntoLF(bytes, into: to)
        }
    }

    /// `text` with each CRLF and each lone CR made one LF; `text` itself when it has no CR.
    package static func turningCRIntoLF(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard let base = bytes.baseAddress, memchr(base, 13, bytes.count) != nil else { return nil }
            return String(unsafeUninitializedCapacity: bytes.count) { out in
                guard let to = out.baseAddress else { return 0 }
                return copyTurningCRIntoLF(bytes, into: to)
            }
        } ?? text
    }

    /// Writes `bytes` at `to` with each CRLF and each lone CR made one LF, and returns how many bytes
    /// it wrote (never more than `bytes.count`, the room `to` must have; `to` must not overlap
    /// `bytes`: a block stored after the first CR reaches over bytes not yet read).
    ///
    /// Sixteen bytes a step, each block stored whole at the output's end and the output moved on to
    /// its first CR, if any; a CR before an LF is passed over (the LF is copied with the next block),
    /// a lone one written as LF. A memchr and a memcpy a line cost ~89 instructions a line, after a copy
    /// of the body (bsd.mbox x3, 369 identity bodies with CRs, 9,468 lines: 0.47M -> 0.34M instructions
    /// with the copy; the byte-run version is the tests' reference).
    static func copyTurningCRIntoLF(_ bytes: UnsafeBufferPointer<UInt8>, into to: UnsafeMutablePointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let count = bytes.count
        let raw = UnsafeRawPointer(base)
        let target = UnsafeMutableRawPointer(to)
        let returns = SIMD16<UInt8>(repeating: ASCII.carriageReturn)
        // Invariants: 0 <= n <= i <= count, so a block stored at `n` while `i <= lastBlock` ends
        // within the room, and the wrapping adds never wrap. (Thirty-two bytes a step, two blocks
        // tested at once, did worse on the short lines of mail: 0.35M -> 0.53M on the bodies below.)
        let lastBlock = count &- 16
        var n = 0
        var i = 0
        while i < count {
            if i <= lastBlock {
                let block = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                target.storeBytes(of: block, toByteOffset: n, as: SIMD16<UInt8>.self)
                guard let lane = ByteLanes.firstMarked(block .== returns) else {
                    n &+= 16
                    i &+= 16
                    continue
                }
                n &+= lane
                i &+= lane
            } else {
                let byte = base[i]
                if byte != ASCII.carriageReturn {
                    to[n] = byte
                    n &+= 1
                    i &+= 1
                    continue
                }
            }
            // A CR at `i`: passed over before an LF, else written as LF.
            i &+= 1
            if i < count && base[i] == ASCII.lineFeed { continue }
            to[n] = ASCII.lineFeed
            n &+= 1
        }
        return n
    }

    /// Writes `bytes` at `to` with each CRLF and each lone CR made one LF, and returns how many bytes
    /// it wrote (never more than `bytes.count`, the room `to` must have), in place too (`to` at
    /// `bytes`' start): the runs between CRs copied whole (memchr finds each CR), for the
    /// transfer-decoded text, whose CRs are found first.
    static func turnCRIntoLF(_ bytes: UnsafeBufferPointer<UInt8>, into to: UnsafeMutablePointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress, var cr = memchr(base, 13, bytes.count) else {
            if let base = bytes.baseAddress { to.update(from: base, count: bytes.count) }
            return bytes.count
        }
        var n = 0
        var i = 0
        while true {
            // The run before the CR whole, the CR as LF, an LF right after it skipped.
            let at = UnsafeRawPointer(cr).assumingMemoryBound(to: UInt8.self) - base
            (to + n).update(from: base + i, count: at - i)
            n += at - i
            to[n] = 10
            n += 1
            i = at + 1
            if i < bytes.count && base[i] == 10 { i += 1 }
            guard i < bytes.count, let next = memchr(base + i, 13, bytes.count - i) else { break }
            cr = next
        }
        (to + n).update(from: base + i, count: bytes.count - i)
        return n + bytes.count - i
    }
}
