import MailParsing

/// RFC 6376 §3.4 header canonicalization and §3.7 header hash input.
enum DKIMCanonicalization {
    /// The data the signature covers: the signed fields picked per h= (§5.4.2: each name takes the last
    /// not-yet-used instance, bottom-up; a name with no instance left contributes nothing), each
    /// canonicalized with CRLF, then the DKIM-Signature field itself with the b= value emptied and no CRLF.
    static func headerHashInput(fields: [HeaderField], in raw: ByteSlice, signatureField: HeaderField,
                                signature: DKIMSignature) -> [UInt8] {
        let relaxed = signature.headerCanonicalization == "relaxed"
        var used = [Bool](repeating: false, count: fields.count)
        var out = Output()
        for name in signature.signedHeaders {
            guard let index = lastUnused(name, in: fields, used: used) else { continue }
            used[index] = true
            let field = fields[index]
            if relaxed {
                out.appendRelaxed(field.name, field.rawValue)
            } else {
                var simple: [UInt8] = []
                appendSimple(field, in: raw, to: &simple)
                out.append(simple[...])
            }
            out.appendCRLF()
        }
        let emptied = emptyingSignatureValue(signatureField.rawValue)
        if relaxed {
            out.appendRelaxed(signatureField.name, emptied[...])
        } else {
            var simple: [UInt8] = []
            appendSimple(name: signatureField.name, rawValue: emptied[...], in: raw, to: &simple)
            out.append(simple[...])
        }
        return out.finish()
    }

    /// §5.4.2: the last field named `name` (lower case, compared ASCII case-insensitively) not used yet.
    private static func lastUnused(_ name: String, in fields: [HeaderField], used: [Bool]) -> Int? {
        var expected = name   // native, so that its UTF-8 can be read in place
        return expected.withUTF8 { expected -> Int? in
            var i = fields.count - 1
            while i >= 0 {
                if !used[i], fields[i].name.count == expected.count,
                   fields[i].name.withUnsafeBufferPointer({ actual in
                       for k in 0..<actual.count where ASCII.lowercased(actual[k]) != expected[k] { return false }
                       return true
                   }) {
                    return i
                }
                i -= 1
            }
            return nil
        }
    }

    /// The hash input, written into storage grown ahead of each piece (relaxed canonicalization never
    /// lengthens a field: at most its name, a colon, its value and CRLF).
    struct Output {
        private var storage = [UInt8](repeating: 0, count: 2048)
        private var count = 0

        private mutating func reserve(_ more: Int) {
            if count + more > storage.count {
                storage.append(contentsOf: repeatElement(0, count: max(count + more, storage.count * 2) - storage.count))
            }
        }

        mutating func append(_ bytes: ByteSlice) {
            reserve(bytes.count)
            let start = count
            storage.withUnsafeMutableBufferPointer { target in
                bytes.withUnsafeBufferPointer { source in
                    guard let from = source.baseAddress, let to = target.baseAddress else { return }
                    (to + start).update(from: from, count: source.count)
                }
            }
            count += bytes.count
        }

        mutating func appendCRLF() {
            reserve(2)
            storage[count] = ASCII.carriageReturn
            storage[count + 1] = ASCII.lineFeed
            count += 2
        }

        /// `DKIMCanonicalization.appendRelaxed`, written in place.
        mutating func appendRelaxed(_ name: ByteSlice, _ rawValue: ByteSlice) {
            reserve(name.count + 1 + rawValue.count)
            var n = count
            storage.withUnsafeMutableBufferPointer { out in
                name.withUnsafeBufferPointer { name in
                    var nameEnd = name.count
                    while nameEnd > 0, ASCII.isWhitespace(name[nameEnd - 1]) { nameEnd -= 1 }
                    for k in 0..<nameEnd {
                        out[n] = ASCII.lowercased(name[k])
                        n += 1
                    }
                }
                out[n] = ASCII.colon
                n += 1
                rawValue.withUnsafeBufferPointer { value in
                    var pendingSpace = false
                    var started = false
                    for b in value {
                        if b == ASCII.carriageReturn || b == ASCII.lineFeed { continue }
                        if ASCII.isWhitespace(b) {
                            pendingSpace = started
                            continue
                        }
                        if pendingSpace {
                            out[n] = ASCII.space
                            n += 1
                        }
                        pendingSpace = false
                        started = true
                        out[n] = b
                        n += 1
                    }
                }
            }
            count = n
        }

        consuming func finish() -> [UInt8] {
            storage.removeLast(storage.count - count)
            return storage
        }
    }

    /// §3.4.1 simple: the field exactly as written (name, anything before the colon, value, folding), with
    /// line ends made CRLF (a message stored with bare LF or CR had CRLF when it was signed).
    static func appendSimple(_ field: HeaderField, in raw: ByteSlice, to out: inout [UInt8]) {
        // The bytes from the name's start to the value's end are one piece of the parsed buffer.
        let start = field.offset
        let end = field.rawValue.endIndex
        guard start >= raw.startIndex, end <= raw.endIndex, start <= end else {
            return appendSimple(name: field.name, rawValue: field.rawValue, in: raw, to: &out)
        }
        appendWithCRLF(raw[start..<end], to: &out)
    }

    /// Simple canonicalization from a name and a (possibly rewritten) value: what lies between the name and
    /// the colon is taken from the original bytes when they are available.
    static func appendSimple(name: ByteSlice, rawValue: ByteSlice, in raw: ByteSlice, to out: inout [UInt8]) {
        out += name
        var i = name.endIndex
        // Keep white space written before the colon (RFC 5322 §4.5 obsolete syntax) when we can see it.
        while i < raw.endIndex, i >= raw.startIndex, ASCII.isWhitespace(raw[i]) {
            out.append(raw[i])
            i += 1
        }
        out.append(ASCII.colon)
        appendWithCRLF(rawValue, to: &out)
    }

    /// §3.4.2 relaxed: lower-case name; unfold; runs of WSP to one SP; WSP at the value's end removed;
    /// no WSP around the colon.
    static func appendRelaxed(_ name: ByteSlice, _ rawValue: ByteSlice, to out: inout [UInt8]) {
        var nameEnd = name.endIndex
        while nameEnd > name.startIndex, ASCII.isWhitespace(name[nameEnd - 1]) { nameEnd -= 1 }
        for b in name[..<nameEnd] { out.append(ASCII.lowercased(b)) }
        out.append(ASCII.colon)
        var pendingSpace = false
        var started = false
        for b in rawValue {
            if b == ASCII.carriageReturn || b == ASCII.lineFeed { continue }
            if ASCII.isWhitespace(b) {
                pendingSpace = started
                continue
            }
            if pendingSpace { out.append(ASCII.space) }
            pendingSpace = false
            started = true
            out.append(b)
        }
    }

    /// The field value with the b= tag's value removed (§3.7: treated as the empty string), FWS included,
    /// everything else byte for byte. `bh=` and other tags are untouched.
    static func emptyingSignatureValue(_ value: ByteSlice) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(value.count)
        // Tag by tag (each up to its ';', which is kept): a "b" tag keeps its name, WSP and '=' only.
        var start = value.startIndex
        while start < value.endIndex {
            let end = value.firstIndex(ofByte: ASCII.semicolon, from: start) ?? value.endIndex
            var i = start
            while i < end, ASCII.isWhitespaceOrNewline(value[i]) { i += 1 }
            var kept = end
            if i < end, value[i] == UInt8(ascii: "b") {
                var j = i + 1
                while j < end, ASCII.isWhitespaceOrNewline(value[j]) { j += 1 }
                if j < end, value[j] == ASCII.equals { kept = j + 1 }
            }
            out += value[start..<kept]
            if end < value.endIndex { out.append(ASCII.semicolon) }
            start = end + 1
        }
        return out
    }

    /// Every bare LF or CR, and every CRLF, becomes CRLF.
    static func appendWithCRLF(_ bytes: ByteSlice, to out: inout [UInt8]) {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == ASCII.carriageReturn || b == ASCII.lineFeed {
                out.append(ASCII.carriageReturn)
                out.append(ASCII.lineFeed)
                if b == ASCII.carriageReturn, i + 1 < bytes.endIndex, bytes[i + 1] == ASCII.lineFeed { i += 1 }
            } else {
                out.append(b)
            }
            i += 1
        }
    }
}
