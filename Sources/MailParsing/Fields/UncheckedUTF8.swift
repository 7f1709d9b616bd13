/// Strings made of bytes already known to be valid UTF-8, copied without validating them again.
///
/// Only for bytes the caller knows: checked ASCII in the same reading, written by the caller, or a valid
/// String's bytes with ASCII bytes only taken out or put in (an ASCII byte never stands inside a
/// multi-byte sequence). Input bytes nobody checked go through `String(decoding:as:)`.
package enum UncheckedUTF8 {
    /// The String of `bytes`, every one of them below 0x80. `String(copying:)` of a known-ASCII
    /// `UTF8Span`, ~212 instructions a String against `String(decoding:as:)`'s ~267 (bsd.mbox x3, the
    /// 3,333 ISO 8601 dates: 0.89M -> 0.71M).
    @inline(__always)
    package static func asciiString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        string(bytes, isASCII: true)
    }

    /// The String of `bytes`, valid UTF-8; `isASCII` when they are also known to be ASCII (false is
    /// always safe). Without validation: validating again what a String already held cost a byte-by-byte
    /// pass over non-ASCII text (`LeadText.sweptJoinedLines`, bsd.mbox x3: 6.55M -> 5.59M instructions).
    @inline(__always)
    package static func string(_ bytes: UnsafeBufferPointer<UInt8>, isASCII: Bool) -> String {
        if #available(macOS 26.0, *) {
            return String(copying: UTF8Span(unchecked: Span(_unsafeElements: bytes), isKnownASCII: isASCII))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
