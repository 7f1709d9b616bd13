import MailParsing

extension EnhancedStatusCode {
    /// `init(token:)` of bytes read in place (a test holds the two together): the RFC 3464 reader's
    /// Status values are read in the report's buffer, where an `ArraySlice` of each was made for
    /// `init(token:)`, retained and released, its bytes read through checked subscripts.
    init?(tokenBytes bytes: UnsafeBufferPointer<UInt8>) {
        var end = bytes.count
        while end > 0 {
            let last = bytes[end &- 1]
            guard last == ASCIIByte.dot || last == ASCIIByte.comma || last == ASCIIByte.closeParen
                || last == ASCIIByte.space || last == ASCIIByte.tab else { break }
            end &-= 1
        }
        var i = 0
        while i < end, bytes[i] == ASCIIByte.hash || bytes[i] == ASCIIByte.openParen
            || bytes[i] == ASCIIByte.space || bytes[i] == ASCIIByte.tab { i &+= 1 }
        /// The number of 1 to `maxDigits` digits at `i`, `i` moved past it; nil when none.
        func number(maxDigits: Int) -> Int? {
            var value = 0, n = 0
            while i < end, n < maxDigits, bytes[i] >= ASCIIByte.zero, bytes[i] <= ASCIIByte.nine {
                value = value &* 10 &+ Int(bytes[i] &- ASCIIByte.zero)
                i &+= 1; n &+= 1
            }
            return n == 0 ? nil : value
        }
        // `scan(_:at:)` over `bytes[..<end]`, which must read the whole of it.
        guard let c = number(maxDigits: 1), i < end, bytes[i] == ASCIIByte.dot else { return nil }
        i &+= 1
        guard let s = number(maxDigits: 3), i < end, bytes[i] == ASCIIByte.dot else { return nil }
        i &+= 1
        guard let d = number(maxDigits: 3), i == end else { return nil }
        self.init(statusClass: c, subject: s, detail: d)
    }
}
