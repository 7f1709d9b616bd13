/// Walks the lines of a byte slice, accepting LF, CRLF and lone CR as line ends (CR-only files exist:
/// sisimai `maildir/mac`).
///
/// It never rescans: the next LF and the next CR are searched with `memchr` once each and cached, so a
/// whole scan is linear whatever the line-end style.
package struct LineScanner {
    /// A line: `content` excludes the line end; `end` is the index after the line end.
    package struct Line {
        package var content: Range<Int>
        package var end: Int
        /// Whether the line had a line end (false only for a last line cut off by end of input).
        package var isTerminated: Bool { end > content.upperBound }
    }

    private let bytes: ByteSlice
    package private(set) var position: Int
    private var nextLF: Int?
    private var nextCR: Int?
    private var searchedLFFrom = -1
    private var searchedCRFrom = -1

    package init(_ bytes: ByteSlice, from start: Int? = nil) {
        self.bytes = bytes
        self.position = start ?? bytes.startIndex
    }

    /// Whether all input has been consumed.
    package var isAtEnd: Bool { position >= bytes.endIndex }

    private mutating func locateLF() -> Int? {
        if searchedLFFrom >= 0, let lf = nextLF, lf >= position { return lf }
        if searchedLFFrom >= 0, nextLF == nil, searchedLFFrom <= position { return nil }
        nextLF = bytes.firstIndex(ofByte: ASCII.lineFeed, from: position)
        searchedLFFrom = position
        return nextLF
    }

    private mutating func locateCR() -> Int? {
        if searchedCRFrom >= 0, let cr = nextCR, cr >= position { return cr }
        if searchedCRFrom >= 0, nextCR == nil, searchedCRFrom <= position { return nil }
        nextCR = bytes.firstIndex(ofByte: ASCII.carriageReturn, from: position)
        searchedCRFrom = position
        return nextCR
    }

    /// The next line, or nil at end of input.
    package mutating func next() -> Line? {
        let start = position
        guard start < bytes.endIndex else { return nil }
        while true {
            let lf = locateLF()
            let cr = locateCR()
            if let cr, cr < (lf ?? Int.max) {
                if cr + 1 < bytes.endIndex, bytes[cr + 1] == ASCII.lineFeed {
                    position = cr + 2
                    return Line(content: start..<cr, end: cr + 2)
                }
                // A lone CR ends the line (CR-only line ends). A CR that is the very last byte does too.
                position = cr + 1
                return Line(content: start..<cr, end: cr + 1)
            }
            if let lf {
                position = lf + 1
                return Line(content: start..<lf, end: lf + 1)
            }
            position = bytes.endIndex
            return Line(content: start..<bytes.endIndex, end: bytes.endIndex)
        }
    }
}
