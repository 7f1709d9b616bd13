import MailParsing

/// RFC 6376 §3.4 header canonicalization and §3.7 header hash input.
enum DKIMCanonicalization {
    /// The data the signature covers: the signed fields picked per h= (§5.4.2: each name takes the last
    /// not-yet-used instance, bottom-up; a name with no instance left contributes nothing), each
    /// canonicalized with CRLF, then the DKIM-Signature field itself with the b= value emptied and no CRLF.
    static func headerHashInput(fields: [HeaderField], in raw: ByteSlice, signatureField: HeaderField,
                                signature: DKIMSignature) -> [UInt8] {
        let relaxed = signature.headerCanonicalization == "relaxed"
        var used = Set<Int>()
        var out: [UInt8] = []
        for name in signature.signedHeaders {
            guard let index = fields.indices.reversed().first(where: { !used.contains($0) && fields[$0].hasName(name) })
            else { continue }
            used.insert(index)
            let field = fields[index]
            out += relaxed ? relaxedField(field) : simpleField(field, in: raw)
            out += [ASCII.carriageReturn, ASCII.lineFeed]
        }
        var own = signatureField
        let emptied = emptyingSignatureValue(signatureField.rawValue)
        own.rawValue = emptied[...]
        own.isFolded = emptied.contains(ASCII.lineFeed) || emptied.contains(ASCII.carriageReturn)
        out += relaxed ? relaxedField(own) : simpleField(own, name: signatureField.name, rawValue: emptied[...],
                                                         in: raw)
        return out
    }

    /// §3.4.1 simple: the field exactly as written (name, anything before the colon, value, folding), with
    /// line ends made CRLF (a message stored with bare LF or CR had CRLF when it was signed).
    static func simpleField(_ field: HeaderField, in raw: ByteSlice) -> [UInt8] {
        // The bytes from the name's start to the value's end are one piece of the parsed buffer.
        let start = field.offset
        let end = field.rawValue.endIndex
        guard start >= raw.startIndex, end <= raw.endIndex, start <= end else {
            return simpleField(field, name: field.name, rawValue: field.rawValue, in: raw)
        }
        return crlfLineEnds(raw[start..<end])
    }

    /// Simple canonicalization from a name and a (possibly rewritten) value: what lies between the name and
    /// the colon is taken from the original bytes when they are available.
    static func simpleField(_ field: HeaderField, name: ByteSlice, rawValue: ByteSlice, in raw: ByteSlice) -> [UInt8] {
        var out = Array(name)
        var i = name.endIndex
        // Keep white space written before the colon (RFC 5322 §4.5 obsolete syntax) when we can see it.
        while i < raw.endIndex, i >= raw.startIndex, ASCII.isWhitespace(raw[i]) {
            out.append(raw[i])
            i += 1
        }
        out.append(ASCII.colon)
        out += crlfLineEnds(rawValue)
        return out
    }

    /// §3.4.2 relaxed: lower-case name; unfold; runs of WSP to one SP; WSP at the value's end removed;
    /// no WSP around the colon.
    static func relaxedField(_ field: HeaderField) -> [UInt8] {
        var out = field.name.map(ASCII.lowercased)
        while let last = out.last, ASCII.isWhitespace(last) { out.removeLast() }
        out.append(ASCII.colon)
        var pendingSpace = false
        var started = false
        for b in field.rawValue {
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
        return out
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
    static func crlfLineEnds(_ bytes: ByteSlice) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == ASCII.carriageReturn {
                out += [ASCII.carriageReturn, ASCII.lineFeed]
                if i + 1 < bytes.endIndex, bytes[i + 1] == ASCII.lineFeed { i += 1 }
            } else if b == ASCII.lineFeed {
                out += [ASCII.carriageReturn, ASCII.lineFeed]
            } else {
                out.append(b)
            }
            i += 1
        }
        return out
    }
}
