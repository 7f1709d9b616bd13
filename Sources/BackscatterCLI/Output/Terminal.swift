#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing

/// write(2), named apart from the `write` methods below.
func posixWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(fd, bytes, count) }

/// A file descriptor written to with buffering, and what kind of thing it is.
final class OutputSink {
    let descriptor: Int32
    /// Not checked for exclusive access at run time: only `append` and `flush` touch it, neither calls
    /// out while it does, and a sink serves one thread (the check at each appended line: bsd.mbox x3,
    /// `swift_beginAccess` and `swift_endAccess` 0.24M instructions).
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    private let ownsDescriptor: Bool
    /// Whether write(2) failed (e.g. a full disk); later writes are dropped.
    private(set) var failed = false

    init(descriptor: Int32, owns: Bool = false) {
        self.descriptor = descriptor
        self.ownsDescriptor = owns
        buffer.reserveCapacity(1 << 16)
    }

    /// Opens `path` for writing (created or truncated).
    convenience init(path: String) throws(CLIFailure) {
        let fd = NativePath.withCString(path) { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        guard fd >= 0 else {
            throw CLIFailure.usage("cannot write \(NativePath.displayed(path)): \(String(cString: strerror(errno)))")
        }
        self.init(descriptor: fd, owns: true)
    }

    deinit {
        flush()
        if ownsDescriptor { close(descriptor) }
    }

    var isTerminal: Bool { isatty(descriptor) == 1 }

    func write(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    func write(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { append($0) } }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        guard !failed else { return }
        buffer.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = posixWrite(descriptor, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    return
                }
                done += n
            }
        }
    }
}

/// Standard streams and colour policy.
enum Terminal {
    nonisolated(unsafe) static let standardOutput = OutputSink(descriptor: 1)
    static let standardError = ErrorSink()

    /// Whether NO_COLOR is set to a non-empty value (no-color.org).
    static var noColorRequested: Bool {
        guard let value = getenv("NO_COLOR") else { return false }
        return value.pointee != 0
    }
}

/// Standard error, unbuffered: each line is written at once. The bytes of a path that are not UTF-8 are
/// shown as `\xHH` (`NativePath.displayed`: only paths carry them; its control characters are its own,
/// the progress line's CR and ESC among them).
struct ErrorSink {
    func write(_ text: String) {
        var text = NativePath.displayed(text, escapingControls: false)
        text.withUTF8 { buffer in
            var done = 0
            while done < buffer.count {
                let n = posixWrite(2, buffer.baseAddress! + done, buffer.count - done)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                done += n
            }
        }
    }

    var isTerminal: Bool { isatty(2) == 1 }
}

/// ANSI styles, applied only when colour is on.
struct Style {
    var enabled: Bool

    func paint(_ text: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { paint(text, "1") }
    func dim(_ text: String) -> String { paint(text, "2") }
    func red(_ text: String) -> String { paint(text, "31") }
    func green(_ text: String) -> String { paint(text, "32") }
    func yellow(_ text: String) -> String { paint(text, "33") }
    func cyan(_ text: String) -> String { paint(text, "36") }
}
