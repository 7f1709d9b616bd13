// Prints header-section and MIME-tree parsing throughput over one mbox, one core, plus peak memory:
//   swift run -c release HeaderParsingProbe [MBOX]      (default: the generated 512 MB benchmark mbox)
import BenchmarkInputs
import Foundation
import MailParsing

let path = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : try BenchmarkInputs.largeMbox(megabytes: 512)

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func run(_ label: String, _ body: (MailboxMessage) -> Int) throws {
    var best = Double.infinity
    var bytes = 0
    var messages = 0
    var count = 0
    for _ in 0..<3 {
        let start = ContinuousClock.now
        var reader = try MailboxReader(path: path)
        bytes = 0
        messages = 0
        while let message = try reader.next() {
            bytes &+= message.length
            messages += 1
            count &+= body(message)
        }
        best = min(best, seconds(ContinuousClock.now - start))
    }
    print(String(format: "%@: %d messages, %.1f MB in %.3f s: %.0f MB/s (%d)", label, messages,
                 Double(bytes) / 1e6, best, Double(bytes) / best / 1e6, count % 10))
}

try run("split only") { _ in 0 }
try run("split + header sections") { HeaderSection.parse($0.bytes).fields.count }
try run("split + MIME trees") { ParsedMessage(parsing: $0.bytes).allParts().count }
if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
   let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM") }) {
    print("peak resident: \(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))")
}
