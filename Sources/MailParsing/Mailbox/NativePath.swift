#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// File names that are not UTF-8, carried in Swift `String`s without loss.
///
/// A POSIX file name is bytes. Most are UTF-8, but a folder unpacked from an old zip archive, or a
/// mailbox saved on a Latin-1 system, holds names such as `caf\xE9.eml` that no `String` can spell:
/// `String(cString:)` replaces the byte with U+FFFD, and the name no longer opens the file. The library's
/// paths are `String`s, so each byte of a name that is not part of a well-formed UTF-8 sequence is
/// carried as one of 128 private-use scalars, U+10FF80 + (byte - 0x80) (that is U+10FF00 + byte; only
/// bytes 0x80...0xFF can be ill-formed), and turned back into the byte whenever the path is handed to
/// the system. A name that holds one of those scalars itself, well-formed, has its bytes carried the same
/// way, so the mapping is one to one: `nativeBytes(string(fromNativeBytes: b)) == b` for every `b`.
///
/// The mailbox readers list folders and open files through these functions, and the command line reads
/// its arguments with `string(fromCString:)`, so a path typed or listed reaches the same file.
/// JSON Lines output writes the path as held (the private-use scalars are valid UTF-8, and a reader
/// recovers the bytes with the rule above); text for a person shows each carried byte, and each byte of
/// a control character, as `\xHH` (`displayed`).
public enum NativePath {
    /// The scalar that carries byte 0x00 (never used: only 0x80...0xFF are carried); byte `b` is
    /// `escapeBase + b`.
    public static let escapeBase: UInt32 = 0x10FF00

    /// The path for a name's bytes (no NUL among them): UTF-8 as it is, each ill-formed byte carried.
    public static func string<Bytes: Collection>(fromNativeBytes bytes: Bytes) -> String where Bytes.Element == UInt8 {
        if let path = bytes.withContiguousStorageIfAvailable({ string(fromNativeBuffer: $0) }) { return path }
        return Array(bytes).withUnsafeBufferPointer { string(fromNativeBuffer: $0) }
    }

    /// `string(fromNativeBytes:)` of bytes in place (a `d_name`, an argument): the runs `UTF8Check` finds
    /// well-formed kept as text, each byte where it finds an ill-formed sequence carried.
    static func string(fromNativeBuffer bytes: UnsafeBufferPointer<UInt8>) -> String {
        // Nearly every name: well-formed, with no 0xF4 (the lead byte of every carrier).
        if !holdsCarrierLead(bytes), let plain = UTF8Check.validString(bytes) { return plain }
        var scalars = String.UnicodeScalarView()
        var start = 0
        while start < bytes.count {
            let rest = UnsafeBufferPointer(rebasing: bytes[start...])
            let invalid = UTF8Check.firstInvalidOffset(rest) ?? rest.count
            // The well-formed run; a carrier written in it well-formed is carried too, a byte at a time.
            for scalar in UTF8Check.string(UnsafeBufferPointer(rebasing: rest[..<invalid])).unicodeScalars {
                if isCarrier(scalar.value) {
                    for byte in scalar.utf8 { scalars.append(carrier(of: byte)) }
                } else {
                    scalars.append(scalar)
                }
            }
            if invalid < rest.count { scalars.append(carrier(of: rest[invalid])) }
            start += invalid + 1
        }
        return String(scalars)
    }

    /// The path for a C string the system gave (a `d_name`, an argument, realpath(3)'s result).
    public static func string(fromCString pointer: UnsafePointer<CChar>) -> String {
        let length = strlen(pointer)
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            string(fromNativeBuffer: UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// The bytes the system knows `path` by: each carried byte turned back, everything else UTF-8.
    public static func nativeBytes(_ path: String) -> [UInt8] {
        guard carriesBytes(path) else { return Array(path.utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(path.utf8.count)
        for scalar in path.unicodeScalars {
            if isCarrier(scalar.value) {
                out.append(UInt8(truncatingIfNeeded: scalar.value - escapeBase))
            } else {
                out.append(contentsOf: scalar.utf8)
            }
        }
        return out
    }

    /// Calls `body` with `path` as the NUL-terminated bytes the system knows it by; `errno` afterwards is
    /// as `body` left it (a system call's failure is read after this returns).
    public static func withCString<Result>(_ path: String, _ body: (UnsafePointer<CChar>) throws -> Result) rethrows -> Result {
        guard carriesBytes(path) else { return try path.withCString(body) }
        var code: Int32 = 0
        let result = try withNativeCString(path) { pointer in
            defer { code = errno }
            return try body(pointer)
        }
        // The copy was freed after `body`, and free(3) may set errno.
        errno = code
        return result
    }

    /// `body` on a NUL-terminated copy of `nativeBytes(path)`, freed when this returns.
    private static func withNativeCString<Result>(_ path: String, _ body: (UnsafePointer<CChar>) throws -> Result) rethrows -> Result {
        var bytes = nativeBytes(path).map { CChar(bitPattern: $0) }
        bytes.append(0)
        return try bytes.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// `path` for a person: each carried byte, and each UTF-8 byte of a control character (C0, DEL, C1:
    /// a name's ESC or line end would act on a terminal), as `\xHH` (upper-case hex); everything else as
    /// it is. With `escapingControls` false, only the carried bytes: for text that holds paths among
    /// other words and its own line ends (an error line).
    public static func displayed(_ path: String, escapingControls: Bool = true) -> String {
        func isControl(_ value: UInt32) -> Bool { value < 0x20 || (0x7F...0x9F).contains(value) }
        guard carriesBytes(path) || (escapingControls && path.unicodeScalars.contains(where: { isControl($0.value) })) else {
            return path
        }
        var out = ""
        func appendHex(_ byte: UInt8) {
            out += "\\x" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
        }
        for scalar in path.unicodeScalars {
            if isCarrier(scalar.value) {
                appendHex(UInt8(truncatingIfNeeded: scalar.value - escapeBase))
            } else if escapingControls, isControl(scalar.value) {
                for byte in scalar.utf8 { appendHex(byte) }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Whether `path` carries a byte that is not UTF-8 (one cheap test first: no 0xF4 byte, no carrier).
    /// Asked at every path handed to the system: a native String's bytes are searched in place with
    /// memchr(3) (with the UTF-8 view's generic `contains`, `POSIXFiles.openForReading` took ~1,940
    /// instructions an open, ~210 so, and ~550 as `open(path, ...)` before paths carried bytes: callgrind,
    /// `scan --no-classify` of the 629 files of the sisimai bsd folder).
    public static func carriesBytes(_ path: String) -> Bool {
        let mayCarry = path.utf8.withContiguousStorageIfAvailable { holdsCarrierLead($0) } ?? path.utf8.contains(0xF4)
        return mayCarry && path.unicodeScalars.contains { isCarrier($0.value) }
    }

    // MARK: - Carriers

    /// Whether a scalar is one of the 128 that carry a byte.
    static func isCarrier(_ value: UInt32) -> Bool {
        value >= escapeBase + 0x80 && value <= escapeBase + 0xFF
    }

    /// Whether `bytes` hold 0xF4, the lead byte of every carrier (memchr(3)).
    private static func holdsCarrierLead(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
        return memchr(base, 0xF4, bytes.count) != nil
    }

    /// The scalar that carries `byte` (0x80...0xFF).
    private static func carrier(of byte: UInt8) -> Unicode.Scalar {
        Unicode.Scalar(escapeBase + UInt32(byte))!
    }
}
