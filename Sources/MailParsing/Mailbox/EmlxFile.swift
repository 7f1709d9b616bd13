/// Apple Mail's message file, `.emlx` (and `.partial.emlx`, whose attachments Mail keeps apart), as
/// `~/Library/Mail/V10/.../Messages/` holds them: a first line giving the message's length in bytes
/// (decimal, padded with blanks), the message (LF line ends), then an XML property list of Mail's flags,
/// which is not the message:
///
///     1234      LF
///     Return-Path: <>                       <- 1,234 bytes of message
///     ...
///     <?xml version="1.0" encoding="UTF-8"?> <- Mail's property list
///
/// `MailboxReader` reads such a file as one message: its `offset` is the first line's length, its
/// `length` the byte count (or what the file holds of it), so that `split` writes the message alone. A
/// file shorter than its count gives what it holds, `.damagedFile`.
package enum EmlxFile {
    /// Bytes enough for `byteCountLine`: twelve digits (a terabyte) and blanks to pad them.
    package static let bytesToDetect = 24

    /// The byte count and the length of the first line (its LF included), when `head` starts with a line
    /// of 1 to 12 decimal digits and blanks after them, ended by LF or CRLF, within `bytesToDetect`; nil
    /// otherwise. No RFC 5322 message starts so: a field needs a name and a colon.
    package static func byteCountLine<Bytes: Collection<UInt8>>(_ head: Bytes) -> (count: Int, lineLength: Int)? {
        var count = 0
        var digits = 0
        var length = 0
        var sawBlank = false
        for byte in head.prefix(bytesToDetect) {
            length += 1
            switch byte {
            case ASCII.zero...UInt8(ascii: "9") where !sawBlank:
                digits += 1
                guard digits <= 12 else { return nil }
                count = count * 10 + Int(byte - ASCII.zero)
            case ASCII.space, ASCII.tab, ASCII.carriageReturn:
                guard digits > 0 else { return nil }
                sawBlank = true
            case ASCII.lineFeed:
                return digits > 0 ? (count, length) : nil
            default:
                return nil
            }
        }
        return nil
    }
}
