import MailParsing

/// RFC 6376 §3.4 header canonicalization and §3.7 header hash input.
enum DKIMCanonicalization {
    /// The data the signature covers: the signed fields picked per h= (§5.4.2: each name takes the last
    /// not-yet-used instance, bottom-up; a name with no instance left contributes nothing), each
    /// canonicalized with CRLF, then the DKIM-Signature field itself with the b= value emptied and no CRLF.
    static func headerHashInput(fields: HeaderSection.Fields, in raw: ByteSlice, signatureField: HeaderField,
                                signature: DKIMSignature) -> [UInt8] {
        let relaxed = signature.headerCanonicalization == "relaxed"
        let capacity = max(fields.count, 1)
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: capacity) { picked -> [UInt8] in
            withUnsafeTemporaryAllocation(of: Bool.self, capacity: capacity) { used -> [UInt8] in
                used.initialize(repeating: false)
                var count = 0
                for name in signature.signedHeaders {
                    guard let index = lastUnused(name, in: fields, used: used) else { continue }
                    used[index] = true
                    picked[count] = index
                    count += 1
                }
                return relaxed
                    ? relaxedInput(fields, picked: UnsafeBufferPointer(rebasing: picked[..<count]), signatureField: signatureField)
                    : simpleInput(fields, picked: UnsafeBufferPointer(rebasing: picked[..<count]), in: raw, signatureField: signatureField)
            }
        }
    }

    /// §3.4.2 relaxed, written straight into an array sized to a bound (relaxed canonicalization never
    /// lengthens a field: at most its name, a colon, its value and CRLF).
    private static func relaxedInput(_ fields: HeaderSection.Fields, picked: UnsafeBufferPointer<Int>,
                                     signatureField: HeaderField) -> [UInt8] {
        var bound = signatureField.name.count + 1 + signatureField.rawValue.count
        for index in picked { bound += fields[index].name.count + 3 + fields[index].rawValue.count }
        return [UInt8](uninitializedCapacity: bound) { out, written in
            var n = 0
            for index in picked {
                fields[index].name.withUnsafeBufferPointer { writeRelaxedName($0, to: out, at: &n) }
                var state = RelaxedValue()
                fields[index].rawValue.withUnsafeBufferPointer { state.write($0, to: out, at: &n) }
                out[n] = ASCII.carriageReturn
                out[n + 1] = ASCII.lineFeed
                n += 2
            }
            signatureField.name.withUnsafeBufferPointer { writeRelaxedName($0, to: out, at: &n) }
            // The signature's own value with b= emptied (§3.7), tag by tag as `emptyingSignatureValue` cuts it.
            var state = RelaxedValue()
            signatureField.rawValue.withUnsafeBufferPointer { value in
                forEachKeptPiece(value) { piece in state.write(piece, to: out, at: &n) }
            }
            written = n
        }
    }

    /// §3.4.1 simple, from the fields as written.
    private static func simpleInput(_ fields: HeaderSection.Fields, picked: UnsafeBufferPointer<Int>, in raw: ByteSlice,
                                    signatureField: HeaderField) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        for index in picked {
            appendSimple(fields[index], in: raw, to: &out)
            out.append(ASCII.carriageReturn)
            out.append(ASCII.lineFeed)
        }
        let emptied = emptyingSignatureValue(signatureField.rawValue)
        appendSimple(name: signatureField.name, rawValue: emptied[...], in: raw, to: &out)
        return out
    }

    /// The lower-case name without trailing WSP, then a colon (§3.4.2).
    private static func writeRelaxedName(_ name: UnsafeBufferPointer<UInt8>, to out: UnsafeMutableBufferPointer<UInt8>, at n: inout Int) {
        var nameEnd = name.count
        while nameEnd > 0, ASCII.isWhitespace(name[nameEnd - 1]) { nameEnd -= 1 }
        for k in 0..<nameEnd {
            out[n] = ASCII.lowercased(name[k])
            n += 1
        }
        out[n] = ASCII.colon
        n += 1
    }

    /// §3.4.2 for a value given in pieces: line ends dropped, each run of WSP one SP, none at either end.
    struct RelaxedValue {
        private var pendingSpace = false
        private var started = false

        mutating func write(_ value: UnsafeBufferPointer<UInt8>, to out: UnsafeMutableBufferPointer<UInt8>, at n: inout Int) {
            var w = n
            for b in value {
                if b == ASCII.carriageReturn || b == ASCII.lineFeed { continue }
                if ASCII.isWhitespace(b) {
                    pendingSpace = started
                    continue
                }
                if pendingSpace {
                    out[w] = ASCII.space
                    w += 1
                }
                pendingSpace = false
                started = true
                out[w] = b
                w += 1
            }
            n = w
        }
    }

    /// The pieces of a DKIM-Signature value that `emptyingSignatureValue` keeps, in order.
    static func forEachKeptPiece(_ value: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var start = 0
        while start < value.count {
            var end = start
            while end < value.count, value[end] != ASCII.semicolon { end += 1 }
            var i = start
            while i < end, ASCII.isWhitespaceOrNewline(value[i]) { i += 1 }
            var kept = end
            if i < end, value[i] == UInt8(ascii: "b") {
                var j = i + 1
                while j < end, ASCII.isWhitespaceOrNewline(value[j]) { j += 1 }
                if j < end, value[j] == ASCII.equals { kept = j + 1 }
            }
            if kept == end {
                // The whole tag, with its ';' when one follows.
                body(UnsafeBufferPointer(rebasing: value[start..<(end < value.count ? end + 1 : end)]))
            } else {
                body(UnsafeBufferPointer(rebasing: value[start..<kept]))
                if end < value.count { body(UnsafeBufferPointer(rebasing: value[end..<(end + 1)])) }
            }
            start = end + 1
        }
    }

    /// §5.4.2: the last field named `name` (lower case, compared ASCII case-insensitively) not used yet.
    private static func lastUnused(_ name: String, in fields: HeaderSection.Fields, used: UnsafeMutableBufferPointer<Bool>) -> Int? {
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

    /// The field value with the b= tag's value removed (§3.7: treated as the empty string), FWS included,
    /// everything else byte for byte. `bh=` and other tags are untouched.
    static func emptyingSignatureValue(_ value: ByteSlice) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(value.count)
        value.withUnsafeBufferPointer { forEachKeptPiece($0) { out.append(contentsOf: $0) } }
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
