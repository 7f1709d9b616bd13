import Backscatter

/// Bounce-like messages per time bucket, from the summary's hourly counts: at most `maxBuckets`
/// buckets of a whole number of hours. Dates far from the rest (a forged 1970 or 2099 Date) would
/// stretch the axis, so when the span exceeds two months only a month either side of the median
/// message is drawn and the rest is counted in `outside`.
struct Timeline {
    var startHour: Int64 = 0
    var hoursPerBucket: Int64 = 1
    var buckets: [ScanSummary.VerdictCounts] = []
    var outside = 0

    init(_ hourly: [Int64: ScanSummary.VerdictCounts], maxBuckets: Int) {
        let hours = hourly.sorted { $0.key < $1.key }
        guard let first = hours.first, let last = hours.last else { return }
        var low = first.key
        var high = last.key
        if high - low > 24 * 62 {
            // Keep a month either side of the median message's hour.
            let total = hours.reduce(0) { $0 + $1.value.total }
            var seen = 0
            var median = first.key
            for (hour, counts) in hours {
                seen += counts.total
                if seen * 2 >= total { median = hour; break }
            }
            low = max(low, median - 24 * 31)
            high = min(high, median + 24 * 31)
            low = hours.first { $0.key >= low }?.key ?? low
            high = hours.last { $0.key <= high }?.key ?? high
        }
        let span = high - low + 1
        hoursPerBucket = max(1, (span + Int64(maxBuckets) - 1) / Int64(maxBuckets))
        startHour = low
        buckets = Array(repeating: ScanSummary.VerdictCounts(), count: Int((span + hoursPerBucket - 1) / hoursPerBucket))
        for (hour, counts) in hours {
            guard hour >= low, hour <= high else { outside += counts.total; continue }
            let i = Int((hour - low) / hoursPerBucket)
            buckets[i].backscatter += counts.backscatter
            buckets[i].legitimate += counts.legitimate
            buckets[i].uncertain += counts.uncertain
            buckets[i].notBounce += counts.notBounce
        }
    }

    var isEmpty: Bool { buckets.isEmpty }
    var startTimestamp: Int64 { startHour * 3600 }
    var endTimestamp: Int64 { (startHour + Int64(buckets.count) * hoursPerBucket) * 3600 }

    /// One row of block characters (▁..█, space for zero) for a count per bucket.
    static func sparkline(_ values: [Int], max top: Int) -> String {
        let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        var out = ""
        for value in values {
            if value <= 0 || top <= 0 { out.append(" "); continue }
            let level = min(7, (value * 8 - 1) / top)
            out.append(blocks[level])
        }
        return out
    }
}
