import Backscatter
import MailParsing
import Synchronization

/// `--format jsonl`: one JSON object per message, keys in the order of the README's schema.
enum JSONLinesFormat {
    /// Bytes of the block a line is written into: room for the longest line of bsd.mbox x3 (5,826
    /// bytes); a longer line is written a second time. (With 4096 bytes, 18 of its 1,887 lines were
    /// written twice: 20.4M instructions, not 19.7M.)
    private static let lineBlockBytes = 8192

    /// The address of the block the last line was written into, kept for the next (0 while a line
    /// is being written, or before the first). Lines written at once on other threads take blocks
    /// of their own; of two given back, one is freed. (An address, not a pointer: an atomic pointer
    /// is not Sendable.)
    private static let spareLineBlock = Atomic<UInt>(0)

    /// One record as a line of JSON.
    ///
    /// Written into a block kept from line to line and copied out at its exact size. (A block-sized
    /// array allocated for each line and written in place: `line(_:)` 14.93M instructions on
    /// bsd.mbox x3, 1.25M of them the allocations.)
    static func line(_ record: ScanRecord) -> [UInt8] {
        withLine(record) { [UInt8]($0) }
    }

    /// One record as a line of JSON, appended to `sink` straight from the block it was written into.
    /// (Through `line(_:)`, an array made and freed for each line: 0.8M instructions on bsd.mbox x3
    /// for its allocation and copy.)
    static func write(_ record: ScanRecord, to sink: OutputSink) {
        withLine(record) { sink.append($0) }
    }

    /// `body` called with the record's line, written into a block kept from line to line.
    private static func withLine<Result>(_ record: ScanRecord, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let block = UnsafeMutablePointer<UInt8>(bitPattern: spareLineBlock.exchange(0, ordering: .acquiring))
            ?? UnsafeMutablePointer<UInt8>.allocate(capacity: lineBlockBytes)
        defer {
            let other = spareLineBlock.exchange(UInt(bitPattern: block), ordering: .acquiringAndReleasing)
            UnsafeMutablePointer<UInt8>(bitPattern: other)?.deallocate()
        }
        return JSONWriter.withDocument(in: block, capacity: lineBlockBytes, { json in write(record, to: &json) }, body)
    }

    /// The record's object and a line feed.
    private static func write(_ record: ScanRecord, to json: inout JSONWriter) {
        json.beginObject()
        json.member("source", record.source)
        json.member("index", record.index)
        json.member("offset", record.offset)
        json.member("length", record.length)
        json.member("messageId", record.messageId)
        writeDate("date", record.dateValue, to: &json)
        json.member("from", record.from)
        json.member("to", record.to)
        json.member("subject", record.subject)
        json.member("defects", record.defects)
        json.member("kind", record.kind.rawValue)
        json.member("format", record.format)
        json.key("recipients")
        json.beginArray()
        // The recipients and the evidence read in place: `for recipient in record.recipients` copied
        // each element (a retain and a release of each of its strings).
        record.recipients.withUnsafeBufferPointer { recipients in
            for index in recipients.indices {
                json.beginObject()
                json.member("recipient", recipients[index].recipient)
                json.member("action", recipients[index].action)
                json.member("status", recipients[index].status)
                json.member("replyCode", recipients[index].replyCode)
                json.member("reason", recipients[index].reason)
                json.member("hard", recipients[index].hard)
                json.member("diagnostic", recipients[index].diagnostic)
                json.member("remoteMTA", recipients[index].remoteMTA)
                json.endObject()
            }
        }
        json.endArray()
        json.key("original")
        json.beginObject()
        json.member("present", record.original.present.rawValue)
        json.member("messageId", record.original.messageId)
        json.member("from", record.original.from)
        json.member("to", record.original.to)
        json.member("subject", record.original.subject)
        writeDate("date", record.original.dateValue, to: &json)
        json.member("received", record.original.received)
        json.endObject()
        json.member("verdict", record.audit?.rawValue ?? record.effectiveVerdict.rawValue)
        json.member("score", decimal: record.score)
        json.key("evidence")
        json.beginArray()
        record.evidence.withUnsafeBufferPointer { evidence in
            for index in evidence.indices {
                json.beginObject()
                json.member("signal", evidence[index].signal)
                json.member("weight", decimal: evidence[index].weight)
                json.member("detail", evidence[index].detail)
                json.endObject()
            }
        }
        json.endArray()
        json.member("campaign", record.campaign)
        json.key("envelope")
        if let envelope = record.envelope {
            json.beginObject()
            // The addresses read as UTF-8 (SMTPUTF8, RFC 6531); a byte that is not is U+FFFD.
            json.member("sender", envelope.sender.map { String(decoding: $0, as: UTF8.self) })
            json.member("recipients", envelope.recipients.map { String(decoding: $0, as: UTF8.self) })
            json.member("arrival", envelope.arrivalTime.map { Dates.iso(Int64($0)) })
            json.endObject()
        } else {
            json.null()
        }
        json.endObject()
        json.newline()
    }

    /// A member of a date as the record holds it: a date read, its ISO 8601 bytes stored in the line
    /// (`MailDate.iso8601Words`), no String made.
    @inline(__always)
    private static func writeDate(_ name: StaticString, _ date: ScanRecord.RecordDate, to json: inout JSONWriter) {
        switch date {
        case .mail(let date):
            if let words = date.iso8601Words { json.member(name, isoWords: words) } else { json.member(name, date.iso8601) }
        case .text(let text): json.member(name, text)
        }
    }

    /// A summary's `errors` member: each input that could not be read, as `path`, `index`, `offset`
    /// and `reason` (`scan --summary` and `audit --summary` alike).
    static func writeErrors(_ errors: [ScanError], to json: inout JSONWriter) {
        json.key("errors")
        json.beginArray()
        for error in errors {
            json.beginObject()
            json.key("path"); json.string(error.path)
            json.key("index"); json.int(error.index)
            json.key("offset"); json.int(error.byteOffset)
            json.key("reason"); json.string(error.reason)
            json.endObject()
        }
        json.endArray()
    }

    /// `--summary F`: the summary as one JSON document.
    static func summary(_ summary: ScanSummary) -> [UInt8] {
        JSONWriter.document(capacity: 16384) { json in write(summary, to: &json) }
    }

    /// The summary's object and a line feed.
    private static func write(_ summary: ScanSummary, to json: inout JSONWriter) {
        json.beginObject()
        json.key("messages"); json.int(summary.messages)
        json.key("bytes"); json.int(summary.bytes)
        json.key("verdicts")
        json.beginObject()
        for verdict in ScanRecord.Verdict.allCases {
            json.key(string: verdict.rawValue); json.int(summary.verdicts[verdict, default: 0])
        }
        json.endObject()
        json.key("kinds")
        json.beginObject()
        for kind in ScanRecord.Kind.allCases {
            json.key(string: kind.rawValue); json.int(summary.kinds[kind, default: 0])
        }
        json.endObject()
        json.key("reasons")
        json.beginObject()
        for entry in summary.sortedReasons { json.key(string: entry.reason); json.int(entry.count) }
        json.endObject()
        json.key("victims")
        json.beginArray()
        for victim in summary.topVictims(50) {
            json.beginObject()
            json.key("address"); json.string(victim.address)
            writeCounts(&json, victim.counts)
            json.endObject()
        }
        json.endArray()
        json.key("floods")
        json.beginArray()
        for flood in summary.floods {
            json.beginObject()
            json.key("victim"); json.string(flood.victim)
            json.key("start"); json.string(Dates.iso(flood.start))
            json.key("end"); json.string(Dates.iso(flood.end))
            json.key("messages"); json.int(flood.messages)
            json.key("rule"); json.string(flood.rule)
            json.endObject()
        }
        json.endArray()
        json.key("campaigns")
        json.beginArray()
        for campaign in summary.campaigns {
            json.beginObject()
            json.key("id"); json.string(campaign.id)
            json.key("subject"); json.string(campaign.subject)
            json.key("messages"); json.int(campaign.messages)
            json.key("first"); json.string(campaign.first.map(Dates.iso))
            json.key("last"); json.string(campaign.last.map(Dates.iso))
            json.key("victims"); json.int(campaign.victims)
            json.key("reflectors"); json.int(campaign.reflectors)
            json.endObject()
        }
        json.endArray()
        json.key("replays")
        json.beginArray()
        for replay in summary.replays {
            json.beginObject()
            json.key("messageId"); json.string(replay.messageID)
            json.key("notices"); json.int(replay.notices)
            json.key("recipients"); json.int(replay.recipients)
            json.key("sentTo"); json.int(replay.sentTo)
            json.endObject()
        }
        json.endArray()
        json.key("reflectors")
        json.beginArray()
        for reflector in summary.reportedReflectors.prefix(50) {
            json.beginObject()
            json.key("host"); json.string(reflector.host)
            json.key("address"); json.string(reflector.address)
            json.key("messages"); json.int(reflector.messages)
            json.endObject()
        }
        json.endArray()
        json.key("hourly")
        json.beginArray()
        for (hour, counts) in summary.hourly.sorted(by: { $0.key < $1.key }) {
            json.beginObject()
            json.key("hour"); json.string(Dates.iso(hour * 3600))
            writeCounts(&json, counts)
            json.endObject()
        }
        json.endArray()
        writeErrors(summary.errors, to: &json)
        json.key("remedies")
        json.beginArray()
        for remedy in summary.remedies { json.string(remedy) }
        json.endArray()
        json.endObject()
        json.newline()
    }

    private static func writeCounts(_ json: inout JSONWriter, _ counts: ScanSummary.VerdictCounts) {
        json.key("backscatter"); json.int(counts.backscatter)
        json.key("legitimate"); json.int(counts.legitimate)
        json.key("uncertain"); json.int(counts.uncertain)
    }
}
