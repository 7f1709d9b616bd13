#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension BounceContext {
    /// The claims' Received needles that hold an opening parenthesis, each found by `receivedHas(_:)`.
    enum ReceivedSign: Int, CaseIterable {
        /// "(OpenSMTPD)": OpenSMTPD's `by` clause.
        case openSMTPD
        /// "(qmail ": qmail's `by` clause.
        case qmail
        /// " with Internet Mail Service (": Exchange 2003's `with` clause.
        case internetMailService
        /// "ezweb.ne.jp (": KDDI's EZweb hosts.
        case ezwebHost
        /// "ezweb.ne.jp (EZweb Mail) with": EZweb's own hop.
        case ezwebMail
        /// ".au.com (": KDDI's au hosts.
        case auCom

        /// The needle, ASCII, holding a "(".
        var text: StaticString {
            switch self {
            case .openSMTPD: "(OpenSMTPD)"
            case .qmail: "(qmail "
            case .internetMailService: " with Internet Mail Service ("
            case .ezwebHost: "ezweb.ne.jp ("
            case .ezwebMail: "ezweb.ne.jp (EZweb Mail) with"
            case .auCom: ".au.com ("
            }
        }
    }

    /// Whether the top-level Received values contain `sign`'s needle, as `receivedContains(sign.text)`
    /// answers. Every sign is looked for at the first question, in one walk over the opening
    /// parentheses of `receivedBytes` (a few a value), each compared with the bytes around it that a
    /// needle would have there: every occurrence of a needle has its first "(" at one of them.
    ///
    /// OpenSMTPD's, qmail's, Exchange 2003's and KDDI's `claims` each searched the values for theirs
    /// (memchr anchored on the rarest of a needle's first eight bytes; "P", "q" and "m" stop at many
    /// places in Received values: bsd.mbox x3, ~1,700 messages, ~1,200 instructions a message).
    /// Asked only where the raw values may hold the needle (`receivedMayHave`): most hold none.
    func receivedHas(_ sign: ReceivedSign) -> Bool {
        if receivedSignBits == 0 {
            guard receivedMayHave(1 << UInt16(sign.rawValue)) else { return false }
            receivedSignBits = Self.receivedSigns(in: receivedBytes) | Self.receivedSignsRead
        }
        return receivedSignBits & (1 << UInt8(sign.rawValue)) != 0
    }

    /// The bit of `receivedSignBits` that says the signs were looked for.
    private static let receivedSignsRead: UInt8 = 0x80

    /// The signs whose needles occur in `all`, bit `rawValue` each. At each "(", the needles that
    /// begin with it are told apart by the byte after it, those that end in " (" by the byte before the
    /// blank, and only the one that byte names is compared (comparing all six at each "(" from a table
    /// of needles and offsets cost ~160 instructions a parenthesis: bsd.mbox x3, 8,283 of them, 1.3M).
    private static func receivedSigns(in all: UnsafeBufferPointer<UInt8>) -> UInt8 {
        guard let base = all.baseAddress else { return 0 }
        var found: UInt8 = 0
        let count = all.count
        /// Whether `needle` is at `start` (`start + needle.count <= count` checked here).
        @inline(__always) func has(_ needle: StaticString, at start: Int) -> Bool {
            start >= 0 && needle.utf8CodeUnitCount <= count &- start
                && memcmp(base + start, needle.utf8Start, needle.utf8CodeUnitCount) == 0
        }
        /// Sets `sign`'s bit when its needle is at `start`.
        @inline(__always) func note(_ sign: ReceivedSign, at start: Int) {
            if has(sign.text, at: start) { found |= 1 << UInt8(sign.rawValue) }
        }
        var from = 0
        while from < count, let hit = memchr(base + from, 0x28, count - from) {
            let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if at + 1 < count {
                switch base[at + 1] {
                case UInt8(ascii: "O"): note(.openSMTPD, at: at)
                case UInt8(ascii: "q"): note(.qmail, at: at)
                default: break
                }
            }
            if at >= 2 && base[at - 1] == UInt8(ascii: " ") {
                switch base[at - 2] {
                // These needles end in the "(" (EZweb's own hop begins as its host does).
                case UInt8(ascii: "e"): note(.internetMailService, at: at + 1 - ReceivedSign.internetMailService.text.utf8CodeUnitCount)
                case UInt8(ascii: "p"):
                    let start = at + 1 - ReceivedSign.ezwebHost.text.utf8CodeUnitCount
                    note(.ezwebHost, at: start)
                    note(.ezwebMail, at: start)
                case UInt8(ascii: "m"): note(.auCom, at: at + 1 - ReceivedSign.auCom.text.utf8CodeUnitCount)
                default: break
                }
            }
            from = at + 1
        }
        return found
    }
}
