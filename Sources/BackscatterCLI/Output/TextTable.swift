/// Aligned plain-text tables that fit a width: the flexible column is cut (with `…`) to fit.
struct TextTable {
    enum Alignment { case left, right }
    struct Column {
        var title: String
        var alignment: Alignment
        var flexible: Bool
        init(_ title: String, _ alignment: Alignment = .left, flexible: Bool = false) {
            self.title = title
            self.alignment = alignment
            self.flexible = flexible
        }
    }

    var columns: [Column]
    var rows: [[String]] = []
    var width = 100
    var indent = 2

    init(_ columns: [Column]) { self.columns = columns }

    mutating func add(_ row: [String]) { rows.append(row.map(Self.clean)) }

    func render(style: Style) -> String {
        guard !rows.isEmpty else { return "" }
        var widths = columns.map { $0.title.count }
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        let gaps = 2 * (columns.count - 1)
        var total = widths.reduce(0, +) + gaps + indent
        if total > width, let flex = columns.firstIndex(where: \.flexible) {
            widths[flex] = max(columns[flex].title.count, max(8, widths[flex] - (total - width)))
            total = widths.reduce(0, +) + gaps + indent
        }
        var out = ""
        let pad = String(repeating: " ", count: indent)
        out += pad + style.dim(line(columns.map(\.title), widths)) + "\n"
        for row in rows { out += pad + line(row, widths) + "\n" }
        return out
    }

    private func line(_ cells: [String], _ widths: [Int]) -> String {
        var parts: [String] = []
        for (i, width) in widths.enumerated() {
            var cell = i < cells.count ? cells[i] : ""
            if cell.count > width { cell = String(cell.prefix(max(0, width - 1))) + "…" }
            let fill = String(repeating: " ", count: width - cell.count)
            parts.append(columns[i].alignment == .right ? fill + cell : cell + fill)
        }
        var text = parts.joined(separator: "  ")
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }

    /// Control characters (and anything that could move the cursor) become spaces or `?`.
    static func clean(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: out.unicodeScalars.append(" ")
            case 0x00..<0x20, 0x7F..<0xA0, 0x202A...0x202E, 0x2066...0x2069: out.unicodeScalars.append("?")
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Thousands separators for counts.
enum Numbers {
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, character) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "-" }
        return Decimals.fixed(Double(part) * 100 / Double(whole), places: 1) + "%"
    }
}
