import Backscatter

/// Date display for reports (UTC).
enum Dates {
    static func iso(_ timestamp: Int64) -> String { Timestamps.iso8601(timestamp) }

    /// `2026-01-05 14:00` (UTC), for tables.
    static func short(_ timestamp: Int64) -> String {
        let text = Timestamps.iso8601(timestamp)
        return String(text.prefix(16).map { $0 == "T" ? " " : $0 })
    }
}
