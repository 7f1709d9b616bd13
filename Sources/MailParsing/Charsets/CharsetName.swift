/// How bytes in one charset become text: a decoder written here, or a glibc iconv converter.
///
/// Charset labels in mail are messy: case, quotes, `x-` prefixes, RFC 2231 language suffixes
/// (`utf-8*en`), typos (`uft-8`, 13 times in the corpus), Microsoft names (`ks_c_5601-1987`) and
/// `unicode-1-1-utf-7` (53 times in sisimai's Microsoft bounces). `CharsetName.resolve` maps a label to
/// one of these decoders. Where a charset has a common superset the superset is used, as the WHATWG
/// Encoding Standard does for the web: ISO-8859-1 and US-ASCII → windows-1252, GB2312/GBK → GB18030,
/// EUC-KR → CP949, Shift_JIS → CP932, Big5 → Big5-HKSCS.
package enum CharsetKind: Hashable, Sendable {
    /// US-ASCII: 8-bit bytes in it are taken as UTF-8 when valid, else windows-1252.
    case ascii
    /// UTF-8, invalid sequences replaced with U+FFFD.
    case utf8
    /// ISO-8859-1 read as windows-1252 (WHATWG): 0x80-0x9F are the cp1252 punctuation.
    case windows1252
    /// UTF-16; `bigEndian` nil means "read the BOM, else guess, else big-endian" (RFC 2781 §4.3).
    case utf16(bigEndian: Bool?)
    /// ISO-2022-JP with the CP5022x extensions (`ISO2022JP`), ISO-2022-JP-2 escapes through glibc.
    case iso2022JP
    /// A glibc iconv converter name (e.g. `ISO-8859-2`, `CP932`).
    case iconv(String)
    /// No or an unknown label: UTF-8 when valid, else windows-1252.
    case unknown
}

package enum CharsetName {
    /// Longest label looked at; longer ones are junk and resolve to `.unknown`.
    package static let maxLabelBytes = 64

    /// The label in canonical form: lower case, no quotes or blanks, no RFC 2231 `*language` suffix.
    package static func canonicalLabel(_ label: String) -> String {
        // An ASCII label (nearly all) is written straight into the String (small: no allocation).
        var text = label
        let ascii: String? = text.withUTF8 { bytes in
            guard ASCII.isASCII(bytes) else { return nil }
            return String(unsafeUninitializedCapacity: min(bytes.count, maxLabelBytes)) { out in
                var n = 0
                for byte in bytes {
                    if byte == UInt8(ascii: "*") { break }  // RFC 2231 §5: charset*language
                    if byte == ASCII.quote || byte == UInt8(ascii: "'") || ASCII.isWhitespaceOrNewline(byte) { continue }
                    if n >= maxLabelBytes { break }
                    out[n] = ASCII.lowercased(byte)
                    n += 1
                }
                // Trailing punctuation left by sloppy parameter parsing (`utf-8;`).
                while n > 0, out[n - 1] == ASCII.semicolon || out[n - 1] == ASCII.comma { n -= 1 }
                return n
            }
        }
        if let ascii { return ascii }
        var out = [UInt8]()
        out.reserveCapacity(min(label.utf8.count, maxLabelBytes))
        for byte in label.utf8 {
            if byte == UInt8(ascii: "*") { break }  // RFC 2231 §5: charset*language
            if byte == ASCII.quote || byte == UInt8(ascii: "'") || ASCII.isWhitespaceOrNewline(byte) { continue }
            if out.count >= maxLabelBytes { break }
            out.append(ASCII.lowercased(byte))
        }
        // Trailing punctuation left by sloppy parameter parsing (`utf-8;`).
        while let last = out.last, last == ASCII.semicolon || last == ASCII.comma { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    /// Maps a charset label to the decoder that reads it.
    package static func resolve(_ label: String?) -> CharsetKind {
        guard let label else { return .unknown }
        return commonLabelKind(label) ?? resolveCanonically(label)
    }

    /// `resolve` without the shortcut for the common labels: the label made canonical, then looked up
    /// among the aliases, the numbered families and the names glibc may know.
    static func resolveCanonically(_ label: String) -> CharsetKind {
        var name = canonicalLabel(label)
        if name.isEmpty { return .unknown }
        if let kind = alias(name) { return kind }
        if name.hasPrefix("x-") {
            name.removeFirst(2)
            if let kind = alias(name) { return kind }
        }
        if let kind = patterned(name) { return kind }
        // Anything else glibc may know (e.g. `mac-cyrillic`); only plain names are handed on, never
        // `//TRANSLIT`-style suffixes from input.
        if name.utf8.allSatisfy({ ASCII.isAlpha($0) || ASCII.isDigit($0) || $0 == ASCII.hyphen || $0 == 0x5F
            || $0 == ASCII.dot || $0 == ASCII.colon })
        {
            return .iconv(name.uppercased())
        }
        return .unknown
    }

    /// The kind of the seven labels that are nearly all of those in mail (sisimai bsd mbox: utf-8 380,
    /// us-ascii 290, iso-2022-jp 127, iso-8859-1 40, unicode-1-1-utf-7 19, iso-8859-15 7, windows-1252 3
    /// Content-Type charsets), in any case
    /// and written exactly so; nil for any other label. The `aliases` entry, found without building the
    /// canonical label and hashing it (bsd.mbox x3: `resolve` cost ~1,090 instructions a label, 1.73M).
    static func commonLabelKind(_ label: String) -> CharsetKind? {
        var label = label
        return label.withUTF8 { bytes -> CharsetKind? in
            switch bytes.count {
            case 5: return equalsLowercased(bytes, "utf-8") ? .utf8 : nil
            case 8: return equalsLowercased(bytes, "us-ascii") ? .ascii : nil
            case 10: return equalsLowercased(bytes, "iso-8859-1") ? .windows1252 : nil
            case 11:
                if equalsLowercased(bytes, "iso-2022-jp") { return .iso2022JP }
                return equalsLowercased(bytes, "iso-8859-15") ? .iconv("ISO-8859-15") : nil
            case 12: return equalsLowercased(bytes, "windows-1252") ? .windows1252 : nil
            // Microsoft's label for the ASCII text of its delivery reports, and Latin-9: the canonical
            // lookup cost ~1,700 instructions a label (bsd.mbox x3: 81 lookups, 0.14M).
            case 17: return equalsLowercased(bytes, "unicode-1-1-utf-7") ? .iconv("UTF-7") : nil
            default: return nil
            }
        }
    }

    /// Whether `bytes`, ASCII-lower-cased, are `lowercase` (of the same length).
    @inline(__always)
    private static func equalsLowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
        lowercase.withUTF8Buffer { expected in
            guard expected.count == bytes.count else { return false }
            for i in 0..<bytes.count where ASCII.lowercased(bytes[i]) != expected[i] { return false }
            return true
        }
    }

    /// Families with numbered members: ISO-8859-N, windows-125N / cp125N, iso8859_N, latinN.
    private static func patterned(_ name: String) -> CharsetKind? {
        let bytes = Array(name.utf8)
        func trailingNumber(after prefixes: [String]) -> Int? {
            for prefix in prefixes where name.hasPrefix(prefix) {
                let rest = bytes[prefix.utf8.count...]
                // Allow `iso-8859-1:1987` and `iso-8859-8-i`.
                var value = 0
                var digits = 0
                for b in rest {
                    guard ASCII.isDigit(b) else { break }
                    value = value &* 10 &+ Int(b - ASCII.zero)
                    digits += 1
                    if digits > 4 { return nil }
                }
                if digits > 0 { return value }
            }
            return nil
        }
        if let n = trailingNumber(after: ["iso-8859-", "iso8859-", "iso_8859-", "iso8859_", "iso_8859_", "8859-", "iso-8859_", "iso8859"]) {
            switch n {
            case 1: return .windows1252
            case 2...16 where n != 12: return .iconv("ISO-8859-\(n)")
            default: return nil
            }
        }
        if let n = trailingNumber(after: ["windows-", "windows_", "windows", "cp-", "cp", "ms-", "win-", "win"]) {
            switch n {
            case 1252: return .windows1252
            case 1250...1258: return .iconv("CP\(n)")
            case 874: return .iconv("CP874")
            case 932: return .iconv("CP932")
            case 936: return .iconv("GB18030")
            case 949: return .iconv("CP949")
            case 950: return .iconv("BIG5-HKSCS")
            case 437, 850, 852, 855, 857, 860, 861, 862, 863, 864, 865, 866, 869: return .iconv("CP\(n)")
            case 65001: return .utf8
            default: return nil
            }
        }
        return nil
    }

    /// The kind of the alias `name` (a canonical label), or nil when it is none: compared as bytes with
    /// the aliases of its length (`aliasesByLength`). A name that is not ASCII is none, as a
    /// `[String: CharsetKind]` lookup (`==`) answers: every alias is ASCII, and none holds `K`, `;` or a
    /// grave accent, the only ASCII characters a non-ASCII one is canonically equivalent to (U+212A,
    /// U+037E, U+1FEF).
    static func alias(_ name: String) -> CharsetKind? {
        var name = name
        return name.withUTF8 { bytes -> CharsetKind? in
            guard bytes.count < aliasesByLength.count, let base = bytes.baseAddress, ASCII.isASCII(bytes) else { return nil }
            for entry in aliasesByLength[bytes.count] {
                let alias = entry.name.utf8Start
                var i = 0
                while i < bytes.count && base[i] == alias[i] { i &+= 1 }
                if i == bytes.count { return entry.kind }
            }
            return nil
        }
    }

    /// The aliases (lower case, ASCII, each once) by their UTF-8 length. In arrays, not a
    /// `[String: CharsetKind]`: hashing and inserting the 201 names cost 0.58M instructions at the first
    /// label outside `commonLabelKind`'s five (sisimai bsd x3: 102 lookups), a lookup's compares a few
    /// hundred.
    static let aliasesByLength: [[(name: StaticString, kind: CharsetKind)]] = {
        var table = [[(name: StaticString, kind: CharsetKind)]](repeating: [], count: 20)
        func add(_ kind: CharsetKind, _ names: StaticString...) {
            for n in names {
                let count = n.utf8CodeUnitCount
                if count >= table.count { table += [[(name: StaticString, kind: CharsetKind)]](repeating: [], count: count + 1 - table.count) }
                table[count].append((n, kind))
            }
        }
        add(.utf8, "utf-8", "utf8", "uft-8", "utf_8", "unicode-1-1-utf-8", "unicode-2-0-utf-8", "utf-8-sig")
        add(.ascii, "us-ascii", "ascii", "us", "ansi_x3.4-1968", "ansi_x3.4-1986", "iso646-us", "iso-646-us",
            "iso_646.irv:1991", "cp367", "ibm367", "csascii", "us_ascii", "usascii", "7bit", "8bit")
        add(.windows1252, "iso-8859-1", "latin1", "latin-1", "l1", "iso-ir-100", "csisolatin1", "ibm819",
            "cp819", "windows-1252", "cp1252", "iso_8859-1:1987", "ansi", "western")
        add(.iconv("ISO-8859-2"), "latin2", "l2", "csisolatin2", "iso-ir-101")
        add(.iconv("ISO-8859-3"), "latin3", "l3")
        add(.iconv("ISO-8859-4"), "latin4", "l4")
        add(.iconv("ISO-8859-5"), "cyrillic", "csisolatincyrillic")
        add(.iconv("ISO-8859-6"), "arabic", "iso-8859-6-i", "iso-8859-6-e", "asmo-708")
        add(.iconv("ISO-8859-7"), "greek", "greek8", "elot_928")
        add(.iconv("ISO-8859-8"), "hebrew", "iso-8859-8-i", "iso-8859-8-e", "visual", "logical")
        add(.iconv("ISO-8859-9"), "latin5", "l5")
        add(.iconv("ISO-8859-10"), "latin6", "l6")
        add(.iconv("ISO-8859-13"), "latin7", "l7")
        add(.iconv("ISO-8859-14"), "latin8", "l8")
        add(.iconv("ISO-8859-15"), "latin9", "latin-9", "l9", "latin0")
        add(.iconv("ISO-8859-16"), "latin10", "l10")
        add(.iconv("KOI8-R"), "koi8-r", "koi8r", "koi8_r", "koi", "koi8", "cskoi8r")
        add(.iconv("KOI8-U"), "koi8-u", "koi8u", "koi8-ru")
        // RFC 1468 text with Microsoft's CP5022x extensions; ISO-2022-JP-1/-2 (RFC 1554) escapes are
        // handed on to glibc's ISO-2022-JP-2 converter.
        add(.iso2022JP, "iso-2022-jp", "iso-2022-jp-1", "iso-2022-jp-2", "csiso2022jp",
            "csiso2022jp2", "jis", "jis_encoding", "iso2022jp", "iso-2022-jp-ms", "cp50220", "cp50221", "cp50222")
        add(.iconv("ISO-2022-JP-3"), "iso-2022-jp-3")
        add(.iconv("CP932"), "shift_jis", "shift-jis", "sjis", "shiftjis", "ms_kanji", "csshiftjis",
            "windows-31j", "cswindows31j", "ms932", "shift_jis-2004", "shift_jisx0213", "mskanji")
        add(.iconv("EUC-JP-MS"), "euc-jp", "eucjp", "euc_jp", "cseucpkdfmtjapanese", "ujis", "eucjp-ms",
            "euc-jp-ms")
        add(.iconv("CP949"), "euc-kr", "euckr", "euc_kr", "ks_c_5601-1987", "ks_c_5601", "ks_c_5601-1989",
            "ksc5601", "ksc_5601", "korean", "cseuckr", "uhc", "windows-949", "ms949", "iso-ir-149", "csksc56011987")
        add(.iconv("ISO-2022-KR"), "iso-2022-kr", "csiso2022kr")
        // GB18030 is a superset of GBK, which is a superset of GB2312 (EUC-CN).
        add(.iconv("GB18030"), "gb2312", "gbk", "gb18030", "euc-cn", "euccn", "csgb2312", "gb_2312-80",
            "gb_2312", "chinese", "cn-gb", "csiso58gb231280", "iso-ir-58", "ms936", "gb2312-80")
        add(.iconv("HZ"), "hz-gb-2312", "hz")
        add(.iconv("ISO-2022-CN-EXT"), "iso-2022-cn", "iso-2022-cn-ext")
        add(.iconv("BIG5-HKSCS"), "big5", "big-5", "big-five", "bigfive", "cn-big5", "csbig5", "big5-hkscs",
            "big5hkscs", "ms950")
        add(.iconv("UTF-7"), "utf-7", "utf7", "unicode-1-1-utf-7", "unicode-2-0-utf-7", "csunicode11utf7")
        add(.utf16(bigEndian: nil), "utf-16", "utf16", "ucs-2", "ucs2", "unicode", "iso-10646-ucs-2", "csunicode")
        add(.utf16(bigEndian: true), "utf-16be", "utf16be", "ucs-2be", "unicodefffe")
        add(.utf16(bigEndian: false), "utf-16le", "utf16le", "ucs-2le", "unicodefeff")
        add(.iconv("UTF-32"), "utf-32", "utf32", "ucs-4", "ucs4")
        add(.iconv("UTF-32BE"), "utf-32be")
        add(.iconv("UTF-32LE"), "utf-32le")
        add(.iconv("TIS-620"), "tis-620", "tis620", "iso-8859-11", "windows-874", "dos-874")
        add(.iconv("VISCII"), "viscii")
        add(.iconv("MACINTOSH"), "macintosh", "mac", "csmacintosh", "mac-roman", "macroman")
        add(.unknown, "unknown", "unknown-8bit", "none", "default", "charset", "x-unknown", "binary", "null")
        return table
    }()
}
