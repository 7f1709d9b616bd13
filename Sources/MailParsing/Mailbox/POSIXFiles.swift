#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one layer that talks to the file system for the mailbox readers: C return codes become
/// `MailboxError`s here and nowhere else.
package enum POSIXFiles {
    enum FileType { case regular, directory, stream, other }

    /// The type of what is at `path` (following symbolic links), or a `.notFound` / `.cannotOpen` error.
    static func fileType(_ path: String) throws(MailboxError) -> FileType {
        try fileInfo(path).type
    }

    /// The type and size (in bytes; meaningful for a regular file) of what is at `path`, from one
    /// stat(2), or a `.notFound` / `.cannotOpen` error.
    static func fileInfo(_ path: String) throws(MailboxError) -> (type: FileType, size: Int) {
        var info = stat()
        guard statFollowingLinks(path, &info) else {
            let code = errno
            throw MailboxError(code == ENOENT || code == ENOTDIR ? .notFound : .cannotOpen, path: path, errno: code)
        }
        let size = max(0, Int(info.st_size))
        switch info.st_mode & S_IFMT {
        case S_IFREG: return (.regular, size)
        case S_IFDIR: return (.directory, size)
        case S_IFIFO, S_IFCHR: return (.stream, size)  // a pipe (`<(zcat box.gz)`) or a terminal: read like a file
        default: return (.other, size)
        }
    }

    /// The last component of `path` (all of it without a `/`), found by a byte search: splitting the path
    /// into its components for every file of a folder cost ~25,000 instructions a file.
    package static func fileName(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.utf8.index(after: slash)...])
    }

    /// A path's folder (`.` for a bare name, `/` at the root) and last component, by a byte search as
    /// `fileName`.
    package static func folderAndName(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return (".", path) }
        let folder = slash == path.utf8.startIndex ? "/" : String(path[..<slash])
        return (folder, String(path[path.utf8.index(after: slash)...]))
    }

    /// `name` in `folder`: one slash between them, whether `folder` ends with one or not.
    package static func joined(_ folder: String, _ name: String) -> String {
        folder.utf8.last == UInt8(ascii: "/") ? folder + name : folder + "/" + name
    }

    static func isDirectory(_ path: String) -> Bool {
        (try? fileType(path)) == .directory
    }

    /// Opens `path` read-only.
    static func openForReading(_ path: String) throws(MailboxError) -> FileDescriptor {
        while true {
            let fd = NativePath.withCString(path) { open($0, O_RDONLY | O_CLOEXEC) }
            if fd >= 0 { return FileDescriptor(fd, closeOnDeinit: true) }
            let code = errno
            if code == EINTR { continue }
            throw MailboxError(code == ENOENT ? .notFound : .cannotOpen, path: path, errno: code)
        }
    }

    /// Reads at most `count` bytes into `buffer` at `offset`; 0 means end of file. Retries on EINTR.
    static func read(_ fd: FileDescriptor, into buffer: inout [UInt8], at offset: Int, count: Int,
                     path: String, fileOffset: Int) throws(MailboxError) -> Int {
        precondition(offset >= 0 && count >= 0 && offset + count <= buffer.count)
        while true {
            let got = buffer.withUnsafeMutableBytes { raw -> Int in
                Glibc_read(fd.rawValue, raw.baseAddress! + offset, count)
            }
            if got >= 0 { return got }
            let code = errno
            if code == EINTR { continue }
            throw MailboxError(.cannotRead, path: path, byteOffset: fileOffset, errno: code)
        }
    }

    /// The whole file at `path`, read with read(2) into one array sized by fstat(2) (no zero-filling,
    /// no intermediate `Data`); a file that grows meanwhile is read to its end. For the small files a
    /// profile names (sent log, users file): nothing bounds the size.
    package static func readWholeFile(_ path: String) throws(MailboxError) -> [UInt8] {
        let fd = try openForReading(path)
        var info = stat()
        let size = fstat(fd.rawValue, &info) == 0 ? max(0, Int(info.st_size)) : 0
        var failure: Int32 = 0
        var out = [UInt8](uninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size, let base = buffer.baseAddress {
                let got = Glibc_read(fd.rawValue, base + count, size - count)
                if got > 0 { count += got; continue }
                if got < 0, errno == EINTR { continue }
                if got < 0 { failure = errno }
                return
            }
        }
        if failure != 0 { throw MailboxError(.cannotRead, path: path, byteOffset: out.count, errno: failure) }
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let got = try read(fd, into: &chunk, at: 0, count: chunk.count, path: path, fileOffset: out.count)
            if got == 0 { return out }
            out.append(contentsOf: chunk[..<got])
        }
    }

    /// The size of the open file `fd` when it is a regular file (one pread(2) can read anywhere); nil for
    /// a pipe, a terminal or anything fstat(2) cannot tell.
    static func regularFileSize(_ fd: FileDescriptor) -> Int? {
        var info = stat()
        guard fstat(fd.rawValue, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return max(0, Int(info.st_size))
    }

    /// The first `limit` bytes at most of the file at `path`, and its size (what fstat(2) gave, or the
    /// bytes read when the file grew meanwhile).
    package static func readPrefix(_ path: String, limit: Int) throws(MailboxError) -> (bytes: [UInt8], size: Int) {
        let fd = try openForReading(path)
        var info = stat()
        let size = fstat(fd.rawValue, &info) == 0 ? max(0, Int(info.st_size)) : 0
        var out = [UInt8](repeating: 0, count: max(0, min(size, limit)))
        var count = 0
        while count < out.count {
            let got = try read(fd, into: &out, at: count, count: out.count - count, path: path, fileOffset: count)
            if got == 0 { break }
            count += got
        }
        out.removeLast(out.count - count)
        return (out, max(size, count))
    }

    /// `length` bytes of the open file `fd` (at `path`) from `offset`, read with pread(2).
    static func readRange(_ fd: FileDescriptor, path: String, offset: Int, length: Int) throws(MailboxError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: max(0, length))
        var done = 0
        while done < length {
            let got = out.withUnsafeMutableBytes { raw -> Int in
                pread(fd.rawValue, raw.baseAddress! + done, length - done, off_t(offset + done))
            }
            if got < 0 {
                let code = errno
                if code == EINTR { continue }
                throw MailboxError(.cannotRead, path: path, byteOffset: offset + done, errno: code)
            }
            if got == 0 { throw MailboxError(.outOfRange, path: path, byteOffset: offset + done) }
            done += got
        }
        return out
    }

    /// Names in a folder, without `.` and `..`, unsorted.
    package static func listDirectory(_ path: String) throws(MailboxError) -> [String] {
        guard let dir = NativePath.withCString(path, { opendir($0) }) else {
            let code = errno
            throw MailboxError(.cannotListDirectory, path: path, errno: code)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = entryName(entry)
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        return names
    }

    /// A directory entry's name, read in place up to its NUL (bytes that are not UTF-8 carried as
    /// `NativePath` says, so that the name opens the file). Not by copying `d_name` whole: readdir(3)'s
    /// records are only as long as their names need (`d_reclen`), so a copy of the 256-byte array read past
    /// the end of the last record in its buffer (AddressSanitizer, heap-buffer-overflow:
    /// `split-campaign.sh` seed 379 x 2,000, a folder of 2,000 files).
    private static func entryName(_ entry: UnsafeMutablePointer<dirent>) -> String {
        NativePath.string(fromCString: (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self))
    }

    /// stat(2) of `path` (following symbolic links) into `info`; false when it failed (`errno` says why).
    package static func statFollowingLinks(_ path: String, _ info: inout stat) -> Bool {
        NativePath.withCString(path) { stat($0, &info) } == 0
    }

    /// lstat(2) of `path` (a symbolic link itself) into `info`; false when it failed (`errno` says why).
    package static func statNotFollowingLinks(_ path: String, _ info: inout stat) -> Bool {
        NativePath.withCString(path) { lstat($0, &info) } == 0
    }

    /// realpath(3) of `path`: the absolute path without links, `.` or `..`; nil when it cannot be resolved.
    package static func resolvedPath(_ path: String) -> String? {
        guard let real = NativePath.withCString(path, { realpath($0, nil) }) else { return nil }
        defer { free(real) }
        return NativePath.string(fromCString: real)
    }

    /// Where `d_name` lies in a `dirent` (a stored field of the C struct: never nil).
    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
}

/// An open file descriptor, closed when the last copy of the reader that owns it goes away.
final class FileDescriptor: Sendable {
    let rawValue: Int32
    let closeOnDeinit: Bool

    init(_ rawValue: Int32, closeOnDeinit: Bool) {
        self.rawValue = rawValue
        self.closeOnDeinit = closeOnDeinit
    }

    static let standardInput = FileDescriptor(0, closeOnDeinit: false)

    deinit {
        if closeOnDeinit { _ = close(rawValue) }
    }
}

@inline(__always)
private func Glibc_read(_ fd: Int32, _ pointer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, pointer, count)
}
