// Times the structured field parsers (addresses, message ids, dates, Received, RFC 2047) over every header
// field of an mbox (default: the shared corpus's backscatter-dev inbox), one core, in memory.
// Run from Benchmarks/: `swift run -c release FieldParsingProbe [path.mbox]`; `ONLY=received` runs one.
import Foundation
import MailParsing

let corpus = ProcessInfo.processInfo.environment["BACKSCATTER_CORPUS"]
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../../shared/corpus").standardized.path
let path = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : corpus + "/backscatter-dev/corpus.mbox"
var reader = try MailboxReader(path: path)
var collected: [HeaderSection] = []
while let m = try reader.next() { collected.append(HeaderSection.parse(Array(m.bytes)[...])) }
let sections = collected
func values(_ names: [String], _ sections: [HeaderSection] = sections) -> [ByteSlice] {
    sections.flatMap { s in names.flatMap { n in s.all(n).map { ByteSlice($0.unfoldedValue) } } }
}
let only = ProcessInfo.processInfo.environment["ONLY"]
func time(_ label: String, _ inputs: [ByteSlice], repeat n: Int = 20, _ body: (ByteSlice) -> Int) {
    if let only, only != label { return }
    let bytes = inputs.reduce(0) { $0 + $1.count }
    var sink = 0
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<n { for v in inputs { sink &+= body(v) } }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let perValue = seconds / Double(n * inputs.count) * 1e9
    print(String(format: "%-16@ %7d values %9d bytes  %7.1f MB/s  %6.0f ns/value  (%d)", label as NSString,
                 inputs.count, bytes, Double(bytes * n) / seconds / 1e6, perValue, sink & 1))
}
time("addresses", values(["from", "to", "cc", "reply-to"])) { AddressParser.parseList($0).count }
time("message-ids", values(["message-id", "references", "in-reply-to"])) { MessageIDParser.parseList($0).count }
time("dates", values(["date"])) { MailDate.parse($0) == nil ? 0 : 1 }
time("received", values(["received"])) { ReceivedField.parse($0).from == nil ? 0 : 1 }
time("subjects", values(["subject"])) { EncodedWords.decode($0).utf8.count }
let encoded = values(["subject", "from", "to"]).filter { v in v.indices.contains { i in v[i] == 0x3D && i + 1 < v.endIndex && v[i + 1] == 0x3F } }
time("encoded-words", encoded) { EncodedWords.decode($0).utf8.count }
