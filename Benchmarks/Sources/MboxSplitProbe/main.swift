// Splits one mbox with MailboxReader and prints messages, bytes, MB/s and peak resident memory.
// Usage: MboxSplitProbe [PATH | --build MEGABYTES]
import BenchmarkInputs
import Foundation
import MailParsing

let arguments = CommandLine.arguments.dropFirst()
let path: String
if arguments.first == "--build", let megabytes = arguments.dropFirst().first.flatMap({ Int($0) }) {
    path = try BenchmarkInputs.largeMbox(megabytes: megabytes)
} else if let given = arguments.first {
    path = given
} else {
    path = try BenchmarkInputs.largeMbox(megabytes: 512)
}

let clock = ContinuousClock()
var messages = 0
var bytes = 0
var truncated = 0
let elapsed = try clock.measure {
    var reader = try MailboxReader(path: path)
    while let message = try reader.next() {
        messages += 1
        bytes += message.length
        if message.defects.contains(.truncated) { truncated += 1 }
    }
}
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
let peak = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map(String.init) ?? "VmHWM: ?"
print("\(path): \(messages) messages, \(bytes) bytes, \(truncated) truncated")
print(String(format: "%.3f s, %.0f MB/s, peak resident %@", seconds, Double(bytes) / seconds / 1e6,
             peak.replacingOccurrences(of: "VmHWM:", with: "").trimmingCharacters(in: .whitespaces)))
