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
        // Nearly every name: well-formed, with no 0xF4 (the lead byte of every carried scalar); read in
        // place when the bytes are contiguous (a `d_name`).
        if let plain = bytes.withContiguousStorageIfAvailable({ plainString($0) }) {
            if let plain { return plain }
        } else if let plain = Array(bytes).withUnsafeBufferPointer({ plainString($0) }) {
            return plain
        }
        let array = Array(bytes)
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index < array.count {
            if let (scalar, length) = wellFormedScalar(array, at: index), !isCarrier(scalar.value) {
                scalars.append(scalar)
                index += length
            } else {
                scalars.append(Unicode.Scalar(escapeBase + UInt32(array[index]))!)
                index += 1
            }
        }
        return String(scalars)
    }

    /// The path for a C string the system gave (a `d_name`, an argument, realpath(3)'s result).
    public static func string(fromCString pointer: UnsafePointer<CChar>) -> String {
        let length = strlenOf(pointer)
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            string(fromNativeBytes: UnsafeBufferPointer(start: $0, count: length))
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
                out.append(contentsOf: String(scalar).utf8)
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
                for byte in String(scalar).utf8 { appendHex(byte) }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Whether `path` carries a byte that is not UTF-8 (one cheap test: no 0xF4 byte, no carrier).
    public static func carriesBytes(_ path: String) -> Bool {
        guard path.utf8.contains(0xF4) else { return false }
        return path.unicodeScalars.contains { isCarrier($0.value) }
    }

    // MARK: - UTF-8

    /// The String of well-formed UTF-8 bytes without a 0xF4; nil otherwise.
    private static func plainString(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard !bytes.contains(0xF4) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Whether a scalar is one of the 128 that carry a byte.
    static func isCarrier(_ value: UInt32) -> Bool {
        value >= escapeBase + 0x80 && value <= escapeBase + 0xFF
    }

    /// The scalar of the well-formed UTF-8 sequence at `index` and its length, or nil when the bytes there
    /// are not one (RFC 3629 §4: no overlong forms, no surrogates, nothing above U+10FFFF).
    static func wellFormedScalar(_ bytes: [UInt8], at index: Int) -> (Unicode.Scalar, Int)? {
        let lead = bytes[index]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let length: Int, low: UInt8, high: UInt8, initial: UInt32
        switch lead {
        case 0xC2...0xDF: (length, low, high, initial) = (2, 0x80, 0xBF, UInt32(lead & 0x1F))
        case 0xE0: (length, low, high, initial) = (3, 0xA0, 0xBF, 0)
        case 0xE1...0xEC, 0xEE, 0xEF: (length, low, high, initial) = (3, 0x80, 0xBF, UInt32(lead & 0x0F))
        case 0xED: (length, low, high, initial) = (3, 0x80, 0x9F, 0x0D)
        case 0xF0: (length, low, high, initial) = (4, 0x90, 0xBF, 0)
        case 0xF1...0xF3: (length, low, high, initial) = (4, 0x80, 0xBF, UInt32(lead & 0x07))
        case 0xF4: (length, low, high, initial) = (4, 0x80, 0x8F, 4)
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        var value = initial
        for offset in 1..<length {
            let byte = bytes[index + offset]
            // The second byte's range depends on the lead (§4's table); the others are 0x80...0xBF.
            let (min, max) = offset == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
            guard byte >= min, byte <= max else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }

    private static func strlenOf(_ pointer: UnsafePointer<CChar>) -> Int {
        var length = 0
        while pointer[length] != 0 { length += 1 }
        return length
    }
}
