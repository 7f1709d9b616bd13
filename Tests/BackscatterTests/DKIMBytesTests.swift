@testable import Backscatter
import Foundation
import MailParsing
import Testing
import TestSupport

/// The byte-level DKIM readers against the String-era code they replaced (kept here as the reference):
/// same values, same errors, on edge cases and on random mutations of real signatures.
@Suite struct DKIMBytesTests {
    // MARK: The reference (the code before the byte rewrite)

    struct Parsed: Equatable {
        var algorithm = "", header = "", body = "", domain = "", selector = ""
        var signed: [String] = []
        var b: [UInt8] = [], bh: [UInt8] = []
        var t: Int?, x: Int?
    }

    static func referenceBase64(_ bytes: some Collection<UInt8>, skippingWhitespace: Bool) -> [UInt8]? {
        var table = [UInt8](repeating: 255, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { table[Int(c)] = UInt8(i) }
        table[Int(UInt8(ascii: "="))] = 64
        for c in [ASCII.space, ASCII.tab, ASCII.carriageReturn, ASCII.lineFeed] { table[Int(c)] = 65 }
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        var padding = 0
        for b in bytes {
            let v = table[Int(b)]
            if v < 64 {
                if padding > 0 { return nil }
                buffer = buffer << 6 | UInt32(v)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                }
            } else if v == 64 {
                padding += 1
            } else if v == 65, skippingWhitespace {
                continue
            } else {
                return nil
            }
        }
        return padding <= 2 ? out : nil
    }

    static func referenceTagList(_ bytes: ByteSlice) throws(DKIMSignatureError) -> [(name: ByteSlice, value: ByteSlice)] {
        var out: [(name: ByteSlice, value: ByteSlice)] = []
        try bytes.forEachPiece(separatedBy: ASCII.semicolon) { (spec) throws(DKIMSignatureError) in
            let trimmed = spec.trimmingWhitespace()
            if trimmed.isEmpty { return }
            guard let eq = trimmed.firstIndex(of: UInt8(ascii: "=")) else {
                throw DKIMSignatureError("tag without '=': \(String(decoding: trimmed, as: UTF8.self).prefix(40))")
            }
            let name = trimmed[..<eq].trimmingWhitespace()
            let value = trimmed[(eq + 1)...].trimmingWhitespace()
            guard !name.isEmpty else { throw DKIMSignatureError("empty tag name") }
            if out.contains(where: { $0.name.elementsEqual(name) }) {
                throw DKIMSignatureError("duplicate \(String(decoding: name, as: UTF8.self))= tag")
            }
            out.append((name, value))
        }
        return out
    }

    static func referenceParse(_ bytes: ByteSlice) -> Result<Parsed, DKIMSignatureError> {
        do throws(DKIMSignatureError) {
            let tags = try referenceTagList(bytes)
            func tag(_ name: String) -> ByteSlice? { tags.first { $0.name.elementsEqual(name.utf8) }?.value }
            func required(_ name: String) throws(DKIMSignatureError) -> ByteSlice {
                guard let v = tag(name), !v.isEmpty else { throw DKIMSignatureError("missing \(name)= tag") }
                return v
            }
            guard let version = tag("v"), version.count == 1, version.first == UInt8(ascii: "1") else {
                throw DKIMSignatureError("v= is not 1")
            }
            var p = Parsed()
            p.algorithm = ASCII.lowercasedString(try required("a"))
            p.domain = ASCII.lowercasedString(try required("d"))
            p.selector = ASCII.lowercasedString(try required("s"))
            let canonicalization = tag("c").map { ASCII.lowercasedString($0) } ?? "simple/simple"
            let halves = canonicalization.utf8.split(separator: UInt8(ascii: "/"), maxSplits: 1)
            p.header = halves.first.map { String(decoding: $0, as: UTF8.self) } ?? "simple"
            p.body = halves.count > 1 ? String(decoding: halves[1], as: UTF8.self) : "simple"
            guard ["simple", "relaxed"].contains(p.header) else {
                throw DKIMSignatureError("unknown header canonicalization \(p.header)")
            }
            try required("h").forEachPiece(separatedBy: ASCII.colon) { name in
                let trimmed = name.trimmingWhitespace()
                if !trimmed.isEmpty { p.signed.append(ASCII.lowercasedString(trimmed)) }
            }
            guard p.signed.contains("from") else { throw DKIMSignatureError("h= does not include from") }
            guard let b = referenceBase64(try required("b"), skippingWhitespace: true) else { throw DKIMSignatureError("b= is not base64") }
            p.b = b
            p.bh = tag("bh").flatMap { referenceBase64($0, skippingWhitespace: true) } ?? []
            p.t = tag("t").flatMap { Int(String(decoding: $0, as: UTF8.self)) }
            p.x = tag("x").flatMap { Int(String(decoding: $0, as: UTF8.self)) }
            return .success(p)
        } catch {
            return .failure(error)
        }
    }

    static func newParse(_ bytes: ByteSlice) -> Result<Parsed, DKIMSignatureError> {
        do throws(DKIMSignatureError) {
            let s = try DKIMSignature(parsing: bytes)
            return .success(Parsed(algorithm: s.algorithm, header: s.headerCanonicalization, body: s.bodyCanonicalization,
                                   domain: s.domain, selector: s.selector, signed: s.signedHeaders,
                                   b: s.signature, bh: s.bodyHash, t: s.timestamp, x: s.expiration))
        } catch {
            return .failure(error)
        }
    }

    static func referenceEmptying(_ value: ByteSlice) -> [UInt8] {
        var out: [UInt8] = []
        var i = value.startIndex
        var tagStart = true
        while i < value.endIndex {
            let b = value[i]
            if tagStart, !ASCII.isWhitespaceOrNewline(b) {
                tagStart = false
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

    /// The relaxed header canonicalisation written field by field (the library writes it in place):
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

    static func referenceHashInput(fields: HeaderSection.Fields, in raw: ByteSlice, signatureField: HeaderField,
                                   signature: DKIMSignature) -> [UInt8] {
        let relaxed = signature.headerCanonicalization == "relaxed"
        var used = [Bool](repeating: false, count: fields.count)
        var out: [UInt8] = []
        for name in signature.signedHeaders {
            guard let index = fields.indices.reversed().first(where: { !used[$0] && fields[$0].hasName(name) }) else { continue }
            used[index] = true
            let field = fields[index]
            if relaxed {
                appendRelaxed(field.name, field.rawValue, to: &out)
            } else {
                DKIMCanonicalization.appendSimple(field, in: raw, to: &out)
            }
            out.append(ASCII.carriageReturn)
            out.append(ASCII.lineFeed)
        }
        let emptied = referenceEmptying(signatureField.rawValue)
        if relaxed {
            appendRelaxed(signatureField.name, emptied[...], to: &out)
        } else {
            DKIMCanonicalization.appendSimple(name: signatureField.name, rawValue: emptied[...], in: raw, to: &out)
        }
        return out
    }

    static func referenceTag(_ value: ByteSlice, _ name: String) -> String? {
        var items: [(name: ByteSlice, value: ByteSlice)] = []
        value.forEachPiece(separatedBy: ASCII.semicolon) { item in
            guard let eq = item.firstIndex(of: ASCII.equals) else { return }
            items.append((item[..<eq].trimmingWhitespace(), item[(eq + 1)...]))
        }
        guard let item = items.first(where: { $0.name.count == name.utf8.count && $0.name.lazy.map(ASCII.lowercased).elementsEqual(name.utf8) })
        else { return nil }
        return String(decoding: item.value.filter { !ASCII.isWhitespaceOrNewline($0) }, as: UTF8.self).lowercasedIfNeeded()
    }

    // MARK: Inputs

    static let edgeCases: [String] = [
        "", ";", ";;", "=", "v=1", " v = 1 ; a = RSA-SHA256 ; d = X.Example ; s = Sel ; h = From : To ; b = AA== ",
        "v=1; a=rsa-sha256; c=relaxed; d=x; s=y; h=from; b=AA==",
        "v=1; a=rsa-sha256; c=Relaxed/Relaxed; d=x; s=y; h=from; b=AA==",
        "v=1; a=rsa-sha256; c=/relaxed; d=x; s=y; h=from; b=AA==",
        "v=1; a=rsa-sha256; c=relaxed/; d=x; s=y; h=from; b=AA==",
        "v=1; a=rsa-sha256; c=simple//relaxed; d=x; s=y; h=from; b=AA==",
        "v=1; a=rsa-sha256; c=; d=x; s=y; h=from; b=AA==",
        "v=1; a=rsa-sha256; c=/; d=x; s=y; h=from; b=AA==",
        "v=1; a=rsa-sha256; c=ré/x; d=x; s=y; h=from; b=AA==",
        "v=1; a=rsa-sha256; d=x; s=y; h=FROM:; b=AA==; bh=A A=\r\n =; t=+12; x=-3",
        "v=1; a=rsa-sha256; d=x; s=y; h=from; b=AA==; t=99999999999999999999; x=12a",
        "v=1; a=rsa-sha256; d=x; s=y; h=from; b=AA==; t=; x=0012",
        "v=1; a=rsa-sha256; d=x; s=y; h=:from::to: ; b=A\r\n\tA==",
        "v=1; a=rsa-sha256; d=x; s=y; h=fro m; b=AA==",
        "v=1; a=rsa-sha256; d=x; s=y; h=from; b=AA===",
        "v=1; a=rsa-sha256; d=x; s=y; h=from; b=AA=A",
        "v=1; a=rsa-sha256; d=x; s=y; h=from; b=",
        "v=1; a=rsa-sha256; d=x; s=y; h=from; b=AA==; i=@x; i=@y",
        "v=1; a=rsa-sha256; d=x; s=y; h=from; b=AA==; bh=AA==; bh=BB==",
        "v=1; a=rsa-sha256; d=x; s=y; h=from; b=AA==; B=AA==; D=z",
        "v=1; a=rsa-sha256; d=x; s=y; h=from; b=AA==; =x",
        "v=1; a=rsa-sha256; d=x; s=y; h=from; b=AA==; just some junk that is longer than forty characters in all",
        "v=2; a=rsa-sha256; d=x; s=y; h=from; b=AA==",
        "v=11; a=rsa-sha256; d=x; s=y; h=from; b=AA==",
        "v=1; a=; d=x; s=y; h=from; b=AA==",
        "v=1; a=rsa-sha256; d=Ex\u{e4}mple.COM; s=y; h=from; b=AA==",
        "v=1; a=rsa-sha256; d=ex ample; s=y; h=from; b=AA==",
        "v=1;a=rsa-sha256;d=x;s=y;h=from;b=AA==;",
    ]

    static func signatureValues() throws -> [[UInt8]] {
        var out = edgeCases.map { Array($0.utf8) }
        for name in ["rsa-relaxed", "rsa-simple", "ed25519-simple"] {
            let text = try String(contentsOfFile: DKIMTests.folder + "/\(name).eml", encoding: .utf8)
            let headers = HeaderSection.parse(Array(text.utf8)[...])
            for field in headers.fields where field.hasName("dkim-signature") {
                out.append(Array(field.unfoldedValue))
                out.append(Array(field.rawValue))
            }
        }
        return out
    }

    /// Random edits of `bytes` with the bytes that matter to a tag-list.
    static func mutations(of bytes: [UInt8], count: Int, rng: inout SplitMix64) -> [[UInt8]] {
        let interesting: [UInt8] = Array(";=:/\r\n\t bBhHdDsSvVaAcCtTxX1+-é".utf8) + [0x00, 0xFF]
        var out: [[UInt8]] = []
        for _ in 0..<count {
            var b = bytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) where !b.isEmpty {
                let i = Int.random(in: 0..<b.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: b[i] = interesting.randomElement(using: &rng) ?? 0
                case 1: b.remove(at: i)
                case 2: b.insert(contentsOf: b[i..<min(b.count, i + 8)], at: i)
                default: b.insert(interesting.randomElement(using: &rng) ?? 0, at: i)
                }
            }
            out.append(b)
        }
        return out
    }

    static func allInputs() throws -> [[UInt8]] {
        var rng = SplitMix64(seed: 11)
        let base = try signatureValues()
        return base + base.flatMap { mutations(of: $0, count: 60, rng: &rng) }
    }

    // MARK: Tests

    @Test func signatureParsingMatchesTheReference() throws {
        for input in try Self.allInputs() {
            let slice = input[...]
            let new = Self.newParse(slice), old = Self.referenceParse(slice)
            #expect(new == old, "\(String(decoding: input, as: UTF8.self))")
            // A slice that does not start at 0 reads the same.
            let shifted = ([UInt8](repeating: 0x41, count: 3) + input)[3...]
            #expect(Self.newParse(shifted) == old)
        }
    }

    @Test func base64MatchesTheReference() throws {
        var rng = SplitMix64(seed: 5)
        let alphabet = Array("ABCxyz019+/= \t\r\n*-_".utf8)
        for length in 0..<40 {
            for _ in 0..<50 {
                let bytes = (0..<length).map { _ in alphabet.randomElement(using: &rng) ?? 0 }
                for skipping in [false, true] {
                    #expect(Base64.decode(bytes, skippingWhitespace: skipping) == Self.referenceBase64(bytes, skippingWhitespace: skipping))
                    #expect(Base64.decode(bytes[...], skippingWhitespace: skipping) == Self.referenceBase64(bytes, skippingWhitespace: skipping))
                }
            }
        }
    }

    @Test func domainAndSelectorMatchTheReference() throws {
        for input in try Self.allInputs() {
            let slice = input[...]
            let (d, s) = DKIMTags.domainAndSelector(slice)
            #expect(d == Self.referenceTag(slice, "d") && s == Self.referenceTag(slice, "s"), "\(String(decoding: input, as: UTF8.self))")
            #expect(d == DKIMTags(slice)["d"]?.lowercasedIfNeeded())
        }
    }

    @Test func emptyingMatchesTheReference() throws {
        for input in try Self.allInputs() {
            #expect(DKIMCanonicalization.emptyingSignatureValue(input[...]) == Self.referenceEmptying(input[...]))
        }
    }

    /// The hash input of each fixture, and of mutated copies, for both canonicalizations.
    @Test func headerHashInputMatchesTheReference() throws {
        var rng = SplitMix64(seed: 3)
        for name in ["rsa-relaxed", "rsa-simple", "ed25519-simple"] {
            let original = Array(try String(contentsOfFile: DKIMTests.folder + "/\(name).eml", encoding: .utf8).utf8)
            let texts = [original, original.filter { $0 != ASCII.carriageReturn }] + Self.mutations(of: original, count: 200, rng: &rng)
            for text in texts {
                let headers = HeaderSection.parse(text[...])
                for field in headers.fields where field.hasName("dkim-signature") {
                    guard var signature = try? DKIMSignature(parsing: field.unfoldedValue) else { continue }
                    for canonicalization in ["relaxed", "simple"] {
                        signature.headerCanonicalization = canonicalization
                        let new = DKIMCanonicalization.headerHashInput(fields: headers.fields, in: headers.raw,
                                                                       signatureField: field, signature: signature)
                        let old = Self.referenceHashInput(fields: headers.fields, in: headers.raw,
                                                          signatureField: field, signature: signature)
                        #expect(new == old)
                    }
                }
            }
        }
        // Many long fields: the output grows past its first storage.
        var text = ""
        for i in 0..<60 { text += "X-Long-\(i):   " + String(repeating: "word \t ", count: 40) + "\r\n\t more\r\n" }
        text += "From: a@x.example\r\nDKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=x; s=y; h=from"
        for i in 0..<60 { text += ":x-long-\(i)" }
        text += "; b=AAAA\r\n\r\n"
        let headers = HeaderSection.parse(Array(text.utf8)[...])
        let field = try #require(headers.first("dkim-signature"))
        let signature = try DKIMSignature(parsing: field.unfoldedValue)
        let new = DKIMCanonicalization.headerHashInput(fields: headers.fields, in: headers.raw, signatureField: field, signature: signature)
        #expect(new.count > 4096)
        #expect(new == Self.referenceHashInput(fields: headers.fields, in: headers.raw, signatureField: field, signature: signature))
    }
}
