// String helpers of the recognisers that work on UTF-8 bytes instead of Characters. The recognisers
// trim, split and lower-case thousands of short strings per message; the standard library's
// Character-based versions (grapheme breaking, per-character Strings) were the largest costs left in a
// `perf` profile of the sisimai bsd mbox. Results equal the Character-based ones for the separators
// used here (space, tab, CR, LF are single-byte, never part of a grapheme with a following mark in
// mail text).

@inline(__always)
private func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }

extension Substring {
    /// Without leading and trailing spaces, tabs, CR and LF, as a slice of the same storage.
    var trimmedSlice: Substring {
        let u = utf8
        var start = u.startIndex
        var end = u.endIndex
        while start < end, isBlank(u[start]) { start = u.index(after: start) }
        while end > start {
            let before = u.index(before: end)
            guard isBlank(u[before]) else { break }
            end = before
        }
        return self[start..<end]
    }
}

extension String {
    /// Without leading and trailing spaces, tabs, CR and LF, as a slice of the same storage.
    var trimmedSlice: Substring { Substring(self).trimmedSlice }

    /// Without leading and trailing spaces, tabs, CR and LF.
    var trimmed: String {
        let slice = trimmedSlice
        if slice.utf8.count == utf8.count { return self }
        return String(slice)
    }

    /// The lines of the string (LF separated, LF removed, empty lines kept), as slices of its storage.
    var lineSlices: [Substring] {
        // Line-end offsets first (a plain byte loop), then indices advanced from one line end to the next,
        // instead of `split` over the UTF-8 view, whose generic index walk showed in `perf`.
        var copy = self
        let ends: [Int] = copy.withUTF8 { bytes in
            var out: [Int] = []
            for (offset, byte) in bytes.enumerated() where byte == 0x0A { out.append(offset) }
            return out
        }
        var lines: [Substring] = []
        lines.reserveCapacity(ends.count + 1)
        let u = utf8
        var start = u.startIndex
        var previousEnd = u.startIndex
        var previousOffset = 0
        for end in ends {
            let stop = u.index(previousEnd, offsetBy: end - previousOffset)
            lines.append(self[start..<stop])
            start = u.index(after: stop)
            previousEnd = stop
            previousOffset = end
        }
        lines.append(self[start...])
        return lines
    }
}

extension Substring {
    /// Without leading and trailing whitespace.
    var trimmed: String { String(trimmedSlice) }
}

extension StringProtocol {
    /// Whether the string starts with `prefix`, ASCII letters compared without case (`prefix` lower case).
    func hasPrefix(ignoringCase prefix: String) -> Bool {
        var it = utf8.makeIterator()
        for expected in prefix.utf8 {
            guard let b = it.next() else { return false }
            let lower = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
            if lower != expected { return false }
        }
        return true
    }
}
