// SEAM(mailbox): a stand-in with the landed API's names, deleted when `MailParsing.MailboxReader`
// reaches main. Reads whole files (no streaming) and splits mboxes naively on From_ lines.
#if canImport(Glibc)
import Glibc
#endif
import MailParsing

struct MailboxError: Error, Sendable, CustomStringConvertible {
    var code: String
    var path: String
    var byteOffset: Int
    var description: String { "\(code): \(path) at byte \(byteOffset)" }
}

struct MailboxReader: Sendable {
    let path: String
    private var files: [String] = []
    private var pending: [MailboxMessage] = []
    private var nextFile = 0

    init(path: String) throws(MailboxError) {
        self.path = path
        if path == "-" { files = ["-"]; return }
        var info = stat()
        guard stat(path, &info) == 0 else { throw MailboxError(code: "not-found", path: path, byteOffset: 0) }
        if info.st_mode & S_IFMT == S_IFDIR {
            files = Self.walk(path)
        } else {
            guard access(path, R_OK) == 0 else { throw MailboxError(code: "cannot-open", path: path, byteOffset: 0) }
            files = [path]
        }
    }

    mutating func next() throws(MailboxError) -> MailboxMessage? {
        while pending.isEmpty {
            guard nextFile < files.count else { return nil }
            let file = files[nextFile]
            nextFile += 1
            guard let bytes = Self.readAll(file) else { throw MailboxError(code: "cannot-open", path: file, byteOffset: 0) }
            pending = Self.split(bytes, source: file).reversed()
        }
        return pending.removeLast()
    }

    static func readRawEntry(path: String, offset: Int, length: Int) throws(MailboxError) -> [UInt8] {
        guard let bytes = readAll(path), offset >= 0, offset + length <= bytes.count else {
            throw MailboxError(code: "cannot-read", path: path, byteOffset: offset)
        }
        return Array(bytes[offset..<offset + length])
    }

    private static func split(_ bytes: [UInt8], source: String) -> [MailboxMessage] {
        let all = bytes[...]
        guard all.starts(with: Array("From ".utf8)) else {
            return bytes.isEmpty ? [] : [MailboxMessage(source: source, index: 0, offset: 0, length: bytes.count, bytes: all)]
        }
        var starts: [Int] = [0]
        var i = 0
        while i + 5 < bytes.count {
            if bytes[i] == 10, bytes[i + 1] == 70, bytes[i + 2] == 114, bytes[i + 3] == 111, bytes[i + 4] == 109,
               bytes[i + 5] == 32 { starts.append(i + 1) }
            i += 1
        }
        var out: [MailboxMessage] = []
        for (n, start) in starts.enumerated() {
            let end = n + 1 < starts.count ? starts[n + 1] : bytes.count
            var bodyStart = start
            while bodyStart < end, bytes[bodyStart] != 10 { bodyStart += 1 }
            bodyStart = min(end, bodyStart + 1)
            out.append(MailboxMessage(source: source, index: n, offset: start, length: end - start,
                                      envelopeLine: all[start..<max(start, bodyStart - 1)], bytes: all[bodyStart..<end]))
        }
        return out
    }

    private static func readAll(_ path: String) -> [UInt8]? {
        let fd = path == "-" ? 0 : open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { if fd != 0 { close(fd) } }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return nil }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    private static func walk(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name.hasPrefix(".") || name == "tmp" { continue }
            names.append(name)
        }
        closedir(dir)
        var out: [String] = []
        for name in names.sorted() {
            let full = path + "/" + name
            var info = stat()
            guard stat(full, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR { out += walk(full) } else { out.append(full) }
        }
        return out
    }
}
