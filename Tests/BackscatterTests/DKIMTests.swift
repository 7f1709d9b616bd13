@testable import Backscatter
import CryptoExtras
import Crypto
import Foundation
import MailParsing
import Testing
import TestSupport

@Suite struct DKIMTests {
    static let folder = Corpus.fixture("profile/dkim")

    static func keys() throws -> [DKIMKey] {
        let rsa = try String(contentsOfFile: folder + "/rsa.pub.pem", encoding: .utf8)
        let ed = try String(contentsOfFile: folder + "/ed25519.pub.b64", encoding: .utf8)
        return [try DKIMKey(domain: "example.com", selector: "s2026", publicKey: rsa),
                try DKIMKey(domain: "example.com", selector: "s2026", publicKey: ed)]
    }

    /// Rows of expected.tsv: fixture, change, expected result.
    static let rows: [[String]] = {
        guard let text = try? String(contentsOfFile: folder + "/expected.tsv", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
    }()

    static func replace(_ text: String, _ old: String, _ new: String) -> String {
        text.replacingOccurrences(of: old, with: new)
    }

    /// The changes the table names, applied to a signed message (CRLF text).
    static func apply(_ change: String, to text: String) -> String {
        switch change {
        case "none": return text
        case "lf-line-ends": return replace(text, "\r\n", "\n")
        case "cr-line-ends": return replace(text, "\r\n", "\r")
        case "body-cut": return String(text[..<(text.range(of: "\r\n\r\n")?.upperBound ?? text.endIndex)])
        case "subject-respaced": return replace(text, "Subject:   Quarterly   report \r\n", "Subject: Quarterly report\r\n")
        case "refolded": return replace(text, "X-Long: one two three", "X-Long: one two\r\n three")
        case "second-to-changed": return replace(text, "To: second@partner.example", "To: other@partner.example")
        case "first-to-changed": return replace(text, "To: first@partner.example", "To: other@partner.example")
        case "from-removed": return replace(text, "From: Alice <alice@example.com>\r\n", "")
        case "second-to-removed": return replace(text, "To: second@partner.example\r\n", "")
        // h= lists subject twice, so a Subject added at the bottom is signed as absent: adding one breaks it.
        case "added-subject": return replace(text, "MIME-Version: 1.0\r\n", "MIME-Version: 1.0\r\nSubject: added\r\n")
        case "received-changed": return replace(text, "from a.example by", "from evil.example by")
        case "unsigned-field-added": return replace(text, "MIME-Version: 1.0\r\n", "MIME-Version: 1.0\r\nX-Spam: no\r\n")
        case "signature-t-changed":
            return text.replacingOccurrences(of: "; t=1", with: "; t=2", options: [], range: text.range(of: "; t=1"))
        case "signature-b-changed":
            guard let r = text.range(of: " b=") else { return text }
            let i = text.index(r.upperBound, offsetBy: 5)
            return text.replacingCharacters(in: i...i, with: text[i] == "A" ? "B" : "A")
        case "signature-b-refolded":
            guard let r = text.range(of: " b=") else { return text }
            return text.replacingCharacters(in: r.upperBound..<text.index(r.upperBound, offsetBy: 10),
                                            with: text[r.upperBound..<text.index(r.upperBound, offsetBy: 5)] + "\r\n  "
                                                + text[text.index(r.upperBound, offsetBy: 5)..<text.index(r.upperBound, offsetBy: 10)])
        case "domain-renamed": return replace(text, "d=example.com;", "d=example.net;")
        case "selector-renamed": return replace(text, "s=s2026;", "s=s2025;")
        case "sha1": return replace(text, "a=rsa-sha256;", "a=rsa-sha1;")
        default: return "unknown change \(change)"
        }
    }

    static func name(_ result: DKIMResult) -> String {
        switch result {
        case .verified: "verified"
        case .failed: "failed"
        case .incomplete: "incomplete"
        case .noSignatureForDomain: "noSignatureForDomain"
        case .unsupported: "unsupported"
        }
    }

    @Test(arguments: rows)
    func verifiesFixturesSignedByDkimpy(_ row: [String]) throws {
        try #require(row.count == 3)
        let signed = try String(contentsOfFile: Self.folder + "/\(row[0]).eml", encoding: .utf8)
        let text = Self.apply(row[1], to: signed)
        #expect(text != signed || row[1] == "none", "change \(row[1]) did not apply")
        let headers = HeaderSection.parse(Array(text.utf8)[...])
        let result = DKIMVerifier(keys: try Self.keys()).verify(headers)
        #expect(Self.name(result) == row[2], "\(row[0]) \(row[1]): \(result)")
        // The same header section found inside a bounce's body.
        let bounce = "This is the mail system.\r\n\r\n--- returned message ---\r\n\r\n" + text
        let embedded = DKIMVerifier(keys: try Self.keys()).verify(embeddedIn: Array(bounce.utf8)[...])
        #expect(Self.name(embedded) == row[2], "embedded \(row[0]) \(row[1]): \(embedded)")
    }

    @Test func verifiesOneField() throws {
        let text = try String(contentsOfFile: Self.folder + "/rsa-simple.eml", encoding: .utf8)
        let headers = HeaderSection.parse(Array(text.utf8)[...])
        let field = try #require(headers.first("dkim-signature"))
        #expect(DKIMVerifier(keys: try Self.keys()).verify(field: field, in: headers) == .verified)
        let from = try #require(headers.first("from"))
        #expect(Self.name(DKIMVerifier(keys: try Self.keys()).verify(field: from, in: headers)) == "unsupported")
    }

    /// Inline originals as non-MIME bounces write them: right after a line of prose, indented, quoted.
    @Test(arguments: ["rsa-relaxed", "rsa-simple", "ed25519-simple"])
    func findsIndentedAndQuotedHeaderBlocks(_ name: String) throws {
        let signed = try String(contentsOfFile: Self.folder + "/\(name).eml", encoding: .utf8)
        let header = String(signed[..<(signed.range(of: "\r\n\r\n")?.lowerBound ?? signed.endIndex)])
        let lines = header.components(separatedBy: "\r\n")
        let verifier = DKIMVerifier(keys: try Self.keys())
        for (prefix, lineEnd) in [("", "\n"), ("  ", "\n"), ("> ", "\r\n"), ("\t", "\n")] {
            let bounce = "Delivery failed.\nOriginal Message:\n" + lines.map { prefix + $0 }.joined(separator: lineEnd)
                + lineEnd + prefix + lineEnd + "Body text.\n"
            let result = verifier.verify(embeddedIn: Array(bounce.utf8)[...])
            #expect(result == .verified, "\(name) with prefix \(prefix.debugDescription): \(result)")
        }
        // A prefix of prose is not an indentation.
        let prose = "see: " + lines.joined(separator: "\nsee: ")
        #expect(verifier.verify(embeddedIn: Array(prose.utf8)[...]) == .noSignatureForDomain)
    }

    @Test func wrongKeyFails() throws {
        let pem = try _RSA.Signing.PrivateKey(keySize: .bits2048).publicKey.pemRepresentation
        let verifier = DKIMVerifier(keys: [try DKIMKey(domain: "example.com", selector: "s2026", publicKey: pem)])
        let text = try String(contentsOfFile: Self.folder + "/rsa-relaxed.eml", encoding: .utf8)
        guard case .failed = verifier.verify(HeaderSection.parse(Array(text.utf8)[...])) else {
            Issue.record("a signature verified with the wrong key")
            return
        }
        let ed = try String(contentsOfFile: Self.folder + "/ed25519-relaxed.eml", encoding: .utf8)
        guard case .failed = verifier.verify(HeaderSection.parse(Array(ed.utf8)[...])) else {
            Issue.record("an Ed25519 signature checked with an RSA key did not fail")
            return
        }
    }

    /// A signature made here with freshly generated keys (RSA of 2048 and 1024 bits, Ed25519) over our
    /// own canonical form.
    @Test func signsAndVerifiesWithGeneratedKeys() throws {
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        // RFC 8301 §3.2: verifiers accept 1024-bit keys (swift-crypto 4 makes them only through its
        // "unsafe" entries, and DKIMKey hands it such a key as a DER it writes itself).
        let rsa1024 = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))
        let ed = Curve25519.Signing.PrivateKey()
        let message = "From: a@x.example\r\nTo:  b@y.example \r\nSubject: hi\r\n"
        typealias Signer = (Crypto.SHA256.Digest) throws -> Data
        let signers: [(String, String, Signer)] = [
            ("rsa-sha256", rsa.publicKey.pemRepresentation, { try rsa.signature(for: $0, padding: .insecurePKCS1v1_5).rawRepresentation }),
            ("rsa-sha256", rsa1024.publicKey.pemRepresentation, { try rsa1024.signature(for: $0, padding: .insecurePKCS1v1_5).rawRepresentation }),
            ("ed25519-sha256", ed.publicKey.rawRepresentation.base64EncodedString(), { try ed.signature(for: Data($0)) }),
        ]
        for (algorithm, publicKey, sign) in signers {
            let unsigned = "DKIM-Signature: v=1; a=\(algorithm); c=relaxed/simple; d=x.example; s=k1;\r\n h=from:to:subject; bh=; b=\r\n" + message
            let headers = HeaderSection.parse(Array(unsigned.utf8)[...])
            let field = try #require(headers.first("dkim-signature"))
            let signature = try DKIMSignature(parsing: Array("v=1; a=\(algorithm); d=x.example; s=k1; h=from:to:subject; b=AA==".utf8))
            var withHeaders = signature
            withHeaders.headerCanonicalization = "relaxed"
            let data = DKIMCanonicalization.headerHashInput(fields: headers.fields, in: headers.raw, signatureField: field,
                                                            signature: withHeaders)
            #expect(String(decoding: data, as: UTF8.self)
                == "from:a@x.example\r\nto:b@y.example\r\nsubject:hi\r\ndkim-signature:v=1; a=\(algorithm); c=relaxed/simple; d=x.example; s=k1; h=from:to:subject; bh=; b=")
            let digest = SHA256.hash(data: data)
            let b = try sign(digest)
            let signed = unsigned.replacingOccurrences(of: "b=\r\n", with: "b=\(b.base64EncodedString())\r\n")
            let key = try DKIMKey(domain: "x.example", selector: "k1", publicKey: publicKey)
            let result = DKIMVerifier(keys: [key]).verify(HeaderSection.parse(Array(signed.utf8)[...]))
            #expect(result == .verified, "\(algorithm): \(result)")
            let tampered = signed.replacingOccurrences(of: "Subject: hi", with: "Subject: ho")
            #expect(DKIMVerifier(keys: [key]).verify(HeaderSection.parse(Array(tampered.utf8)[...])) != .verified)
        }
    }

    static let badSignatures: [String] = [
        "a=rsa-sha256; d=x; s=y; h=from; b=AA==",              // no v=
        "v=1; d=x; s=y; h=from; b=AA==",                       // no a=
        "v=1; a=rsa-sha256; s=y; h=from; b=AA==",              // no d=
        "v=1; a=rsa-sha256; d=x; s=y; h=to; b=AA==",           // From not signed
        "v=1; a=rsa-sha256; d=x; s=y; h=from; b=A*A=",         // not base64
        "v=1; a=rsa-sha256; d=x; d=z; s=y; h=from; b=AA==",    // duplicate tag
        "v=1; a=rsa-sha256; c=weird; d=x; s=y; h=from; b=AA==",
        "v=1; a=rsa-sha256; d=x; s=y; h=from; junk",
    ]

    @Test(arguments: badSignatures)
    func rejectsMalformedSignatures(_ value: String) {
        #expect(throws: DKIMSignatureError.self) { try DKIMSignature(parsing: Array(value.utf8)) }
    }

    @Test func malformedSignatureOfOurDomainIsUnsupported() throws {
        let text = "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s2026; h=to; b=AA==\r\nFrom: a@example.com\r\n\r\n"
        let result = DKIMVerifier(keys: try Self.keys()).verify(HeaderSection.parse(Array(text.utf8)[...]))
        #expect(Self.name(result) == "unsupported")
        let none = DKIMVerifier(keys: try Self.keys()).verify(HeaderSection.parse(Array("From: a@b\r\n\r\n".utf8)[...]))
        #expect(none == .noSignatureForDomain)
    }

    @Test func keysFromPEMAndDNSText() throws {
        let rsa = try String(contentsOfFile: Self.folder + "/rsa.pub.pem", encoding: .utf8)
        let bare = rsa.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        #expect(try DKIMKey(domain: "A.example", selector: "S", publicKey: bare).algorithm == .rsa)
        #expect(try DKIMKey(domain: "A.example", selector: "S", publicKey: rsa).domain == "a.example")
        let ed = Curve25519.Signing.PrivateKey().publicKey.rawRepresentation
        let spki = Data([0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]) + ed
        let pem = "-----BEGIN PUBLIC KEY-----\n\(spki.base64EncodedString())\n-----END PUBLIC KEY-----\n"
        #expect(try DKIMKey(domain: "a", selector: "s", publicKey: pem).algorithm == .ed25519)
        #expect(throws: DKIMKeyError.self) { try DKIMKey(domain: "a", selector: "s", publicKey: "not base64 !") }
        #expect(throws: DKIMKeyError.self) { try DKIMKey(domain: "a", selector: "s", publicKey: "AAAA") }
    }

    /// Returned originals in backscatter-dev: a legitimate bounce's original carries our valid signature,
    /// a backscatter original never verifies (its sender forged our address but cannot sign).
    @Test(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
    func judgesTheCorpusReturnedOriginals() throws {
        let profile = try SiteProfile.load(path: Corpus.path("backscatter-dev/profile.toml"))
        let verifier = DKIMVerifier(profile)
        var counts: [String: Int] = [:]
        var legitimateWithSignature = 0, legitimateVerified = 0, truncated = 0
        for message in DevCorpus.messages where message.label != "not-bounce" {
            let parsed = ParsedMessage(parsing: message.bytes[...])
            var result = DKIMResult.noSignatureForDomain
            for part in parsed.allParts() {
                guard let original = part.encapsulatedMessage else { continue }
                let r = verifier.verify(original.headers)
                if r != .noSignatureForDomain { result = r }
                if r == .verified { break }
            }
            if result == .noSignatureForDomain { result = verifier.verify(embeddedIn: message.bytes[...]) }
            counts["\(message.label) \(Self.name(result))", default: 0] += 1
            if message.label == "backscatter" {
                #expect(result != .verified, "backscatter message \(message.index) verified")
            } else if result != .noSignatureForDomain {
                legitimateWithSignature += 1
                if result == .verified {
                    legitimateVerified += 1
                } else if case .incomplete(let missing) = result, message.hard.contains("truncated-legit") {
                    #expect(missing.contains("from"))
                    truncated += 1
                } else {
                    Issue.record("legitimate \(message.index) \(message.kind) \(message.hard): \(result)")
                }
            }
        }
        print("DKIM on backscatter-dev returned originals: \(counts.sorted { $0.key < $1.key })")
        #expect(legitimateWithSignature > 100)
        #expect(legitimateVerified + truncated == legitimateWithSignature)
        #expect(legitimateVerified > 300)
    }

    /// Mutated signed messages (bytes replaced, removed, duplicated, cut) never crash the verifier.
    @Test func mutatedMessagesNeverCrash() throws {
        var rng = SplitMix64(seed: 7)
        let verifier = DKIMVerifier(keys: try Self.keys())
        let interesting: [UInt8] = Array(";=:\r\n\t bhH".utf8) + [0x00, 0xFF]
        for name in ["rsa-relaxed", "rsa-simple", "ed25519-simple"] {
            let original = Array(try String(contentsOfFile: Self.folder + "/\(name).eml", encoding: .utf8).utf8)
            for _ in 0..<150 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...4, using: &rng) where !bytes.isEmpty {
                    let i = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: bytes[i] = interesting.randomElement(using: &rng) ?? 0
                    case 1: bytes.remove(at: i)
                    case 2: bytes.insert(contentsOf: bytes[i..<min(bytes.count, i + 12)], at: i)
                    default: bytes.removeSubrange(i...)
                    }
                }
                _ = verifier.verify(HeaderSection.parse(bytes[...]))
                _ = verifier.verify(embeddedIn: bytes[...])
            }
        }
    }

    /// Key sizes and encodings (keys made with openssl 3: 1024-bit SPKI and PKCS#1, 512-bit SPKI).
    @Test func rsaKeySizesAndEncodings() throws {
        let spki1024 = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCrnqJ7nPcW21rUYh7V2dMGKKenklYLBsd7px28ws9eawgz9ZL4OvvW2LqCmGsCPukE7XYs43QwmQtj6NALaCAFiz3+BuywCvxsAVhAiaSrHQmnEAje5pv6hFfpaR3AMWI0SCO4vhfnVpAd3cEdjdVtH++Al5mYPVlcLB5pCD6gXQIDAQAB"
        let pkcs1 = "MIGJAoGBAKueonuc9xbbWtRiHtXZ0wYop6eSVgsGx3unHbzCz15rCDP1kvg6+9bYuoKYawI+6QTtdizjdDCZC2Po0AtoIAWLPf4G7LAK/GwBWECJpKsdCacQCN7mm/qEV+lpHcAxYjRII7i+F+dWkB3dwR2N1W0f74CXmZg9WVwsHmkIPqBdAgMBAAE="
        let spki512 = "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBALeuR7UgLbZwaF/NdxrYjuG1NjzFfBMNex81pBkboRCve4OHfNXnrcAVa3vzSnd0gdAa/q31/tg51d94UhPDocECAwEAAQ=="
        #expect(try DKIMKey(domain: "a", selector: "s", publicKey: spki1024).algorithm == .rsa)
        let pem = "-----BEGIN RSA PUBLIC KEY-----\n\(pkcs1)\n-----END RSA PUBLIC KEY-----\n"
        #expect(try DKIMKey(domain: "a", selector: "s", publicKey: pem).algorithm == .rsa)
        // The PKCS#1 DER written from n and e (as handed to swift-crypto for keys under 2048 bits) is
        // openssl's, byte for byte.
        let der = try #require(DKIMKey.decodeKeyText(spki1024))
        let (n, e) = try #require(DKIMKey.rsaModulusAndExponent(der))
        #expect(DKIMKey.pkcs1DER(modulus: n, exponent: e) == DKIMKey.decodeKeyText(pkcs1))
        #expect {
            try DKIMKey(domain: "a", selector: "s", publicKey: spki512)
        } throws: { ($0 as? DKIMKeyError)?.reason.contains("512 bits") == true }
    }

    /// Broken key DER (cut, flipped, random) is refused, never handed to swift-crypto's DER parser, whose
    /// failure path frees its key twice (see DKIMKey.init).
    @Test func brokenKeysAreRefusedWithoutCrashing() throws {
        let good = try #require(DKIMKey.decodeKeyText(try String(contentsOfFile: Self.folder + "/rsa.pub.pem", encoding: .utf8)))
        var rng = SplitMix64(seed: 3)
        var refused = 0
        for round in 0..<300 {
            var der = good
            switch round % 3 {
            case 0: der.removeSubrange(Int.random(in: 0..<der.count, using: &rng)...)
            case 1: der[Int.random(in: 0..<min(40, der.count), using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            default: der = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            let text = Data(der).base64EncodedString()
            if (try? DKIMKey(domain: "a", selector: "s", publicKey: text)) == nil { refused += 1 }
        }
        #expect(refused > 250)
    }
}
