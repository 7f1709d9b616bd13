/// Postfix queue file records, written as Postfix writes them, for tests of the queue file reader.
public enum PostfixRecords {
    /// One record: the type byte, the data's length in 7-bit groups lowest first (the eighth bit set on
    /// all but the last), the data (Postfix's record.c, `rec_put`).
    public static func record(_ type: Character, _ data: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8(ascii: type.unicodeScalars.first!)]
        var rest = data.count
        repeat {
            var byte = UInt8(rest & 0x7F)
            rest >>= 7
            if rest != 0 { byte |= 0x80 }
            out.append(byte)
        } while rest != 0
        return out + data
    }
}
