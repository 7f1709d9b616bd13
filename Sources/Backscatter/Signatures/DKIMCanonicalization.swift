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
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        for name in signature.signedHeaders {
            guard let index = fields.indices.reversed().first(where: { !used[$0] && fields[$0].hasName(name) })
            else { continue }
            used[index] = true
            let field = fields[index]
            if relaxed { appendRelaxed(field.name, field.rawValue, to: &out) } else { appendSimple(field, in: raw, to: &out) }
            out.append(ASCII.carriageReturn)
            out.append(ASCII.lineFeed)
        }
        let emptied = emptyingSignatureValue(signatureField.rawValue)
        if relaxed {
            appendRelaxed(signatureField.name, emptied[...], to: &out)
        } else {
            appendSimple(name: signatureField.name, rawValue: emptied[...], in: raw, to: &out)
        }
        return out
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
        var i = value.startIndex
        var tagStart = true
        while i < value.endIndex {
            let b = value[i]
            if tagStart, !ASCII.isWhitespaceOrNewline(b) {
                tagStart = false
                // Is this tag "b" (followed by optional WSP and '=')?
                if b == UInt8(ascii: "b") {
                    var j = i + 1
                    while j < value.endIndex, ASCII.isWhitespaceOrNewline(value[j]) { j += 1 }
                    if j < value.endIndex, value[j] == ASCII.equals {
                        out += value[i...j]
                        var k = j + 1
                        while k < value.endIndex, value[k] != ASCII.semicolon { k += 1 }
                        i = k
                        continue
                    }
                }
            }
            if b == ASCII.semicolon { tagStart = true }
            out.append(b)
            i += 1
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
