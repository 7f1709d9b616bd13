import MailParsing

/// A value a scan can hold outside memory: written with `encode(to:)` into a compact binary form and
/// read back with `init(from:)`, by the same program in the same run (the form is not an interchange
/// format and has no version).
///
/// The form: integers as LEB128 varints (signed ones zig-zag mapped), `Double` as its 8-byte bit
/// pattern, strings as a varint byte count and their UTF-8 bytes, optionals as a 0/1 tag byte and the
/// value, arrays as a varint count and their elements, enums by their raw value.
public protocol SpillCodable {
    /// Appends the value's bytes.
    func encode(to encoder: inout SpillEncoder)
    /// Reads a value written by `encode(to:)`.
    /// - Throws: `SpillError` when the bytes end early or do not hold such a value.
    init(from decoder: inout SpillDecoder) throws(SpillError)
}

/// Bytes that could not be decoded: cut short, or not what the reader expected. The pipeline wrote
/// them itself, so this means a damaged spill file.
public struct SpillError: Error, Sendable, Hashable {
    /// Where in the value's bytes decoding stopped.
    public let byteOffset: Int
}

/// Appends values to a growing byte buffer, or (`measuring`) only counts the bytes they would take.
public struct SpillEncoder {
    /// The bytes written so far (empty when measuring).
    public var bytes: [UInt8] = []
    /// Bytes written (or counted) so far.
    public private(set) var count = 0
    /// Whether bytes are only counted, not kept: the exact encoded size at a fraction of the cost.
    public let measuring: Bool

    /// An empty encoder; a measuring one only counts.
    public init(measuring: Bool = false) {
        self.measuring = measuring
    }

    /// Appends one byte.
    @inline(__always)
    public mutating func writeByte(_ byte: UInt8) {
        count &+= 1
        if !measuring { bytes.append(byte) }
    }

    /// Counts `n` bytes that a measuring encoder does not write.
    mutating func countWithoutWriting(_ n: Int) {
        count &+= n
    }

    /// Appends an unsigned LEB128 varint: 7 bits per byte, low bits first, high bit set on all but the last.
    public mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            writeByte(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        writeByte(UInt8(truncatingIfNeeded: v))
    }

    /// Appends a signed integer zig-zag mapped (0, -1, 1, -2 ... become 0, 1, 2, 3 ...), so small negatives stay short.
    public mutating func writeSigned(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Appends a UTF-8 byte sequence with its length.
    public mutating func writeBytes(_ utf8: some Collection<UInt8>) {
        let n = utf8.count
        writeVarint(UInt64(n))
        count &+= n
        if !measuring { bytes.append(contentsOf: utf8) }
    }

    /// Appends a value.
    public mutating func write<Value: SpillCodable>(_ value: Value) {
        value.encode(to: &self)
    }
}

/// Reads values from bytes an `SpillEncoder` wrote, bounds-checked: bad bytes throw, never trap.
public struct SpillDecoder {
    private let bytes: ByteSlice
    private var position: Int

    /// A decoder over `bytes` (the encoded values, back to back).
    public init(_ bytes: ByteSlice) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { position >= bytes.endIndex }

    private var offset: Int { position - bytes.startIndex }

    /// The error for bytes that do not hold what was expected, at the current position.
    public var damage: SpillError { SpillError(byteOffset: offset) }

    /// Reads one byte.
    public mutating func readByte() throws(SpillError) -> UInt8 {
        guard position < bytes.endIndex else { throw SpillError(byteOffset: offset) }
        defer { position += 1 }
        return bytes[position]
    }

    /// Reads an unsigned LEB128 varint of at most 10 bytes.
    public mutating func readVarint() throws(SpillError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64 else { throw SpillError(byteOffset: offset) }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    /// Reads a zig-zag mapped signed integer.
    public mutating func readSigned() throws(SpillError) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Reads a length (a varint that must fit in the remaining bytes when `bounded`).
    public mutating func readCount(bounded: Bool) throws(SpillError) -> Int {
        let raw = try readVarint()
        guard raw <= UInt64(Int.max) else { throw SpillError(byteOffset: offset) }
        let count = Int(raw)
        if bounded, count > bytes.endIndex - position { throw SpillError(byteOffset: offset) }
        return count
    }

    /// Reads a length-prefixed byte run.
    public mutating func readBytes() throws(SpillError) -> ByteSlice {
        let count = try readCount(bounded: true)
        defer { position += count }
        return bytes[position..<position + count]
    }

    /// Reads a value.
    public mutating func read<Value: SpillCodable>(_ type: Value.Type = Value.self) throws(SpillError) -> Value {
        try Value(from: &self)
    }
}

// MARK: - Standard library values

extension Int: SpillCodable {
    public func encode(to encoder: inout SpillEncoder) { encoder.writeSigned(Int64(self)) }
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        let value = try decoder.readSigned()
        guard let fitted = Int(exactly: value) else { throw decoder.damage }
        self = fitted
    }
}

extension Int64: SpillCodable {
    public func encode(to encoder: inout SpillEncoder) { encoder.writeSigned(self) }
    public init(from decoder: inout SpillDecoder) throws(SpillError) { self = try decoder.readSigned() }
}

extension UInt64: SpillCodable {
    public func encode(to encoder: inout SpillEncoder) { encoder.writeVarint(self) }
    public init(from decoder: inout SpillDecoder) throws(SpillError) { self = try decoder.readVarint() }
}

extension UInt32: SpillCodable {
    public func encode(to encoder: inout SpillEncoder) { encoder.writeVarint(UInt64(self)) }
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        let value = try decoder.readVarint()
        guard let fitted = UInt32(exactly: value) else { throw decoder.damage }
        self = fitted
    }
}

extension Bool: SpillCodable {
    public func encode(to encoder: inout SpillEncoder) { encoder.writeByte(self ? 1 : 0) }
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        switch try decoder.readByte() {
        case 0: self = false
        case 1: self = true
        default: throw decoder.damage
        }
    }
}

extension Double: SpillCodable {
    /// The exact bit pattern, little-endian: NaN payloads, -0 and infinities survive.
    public func encode(to encoder: inout SpillEncoder) {
        var bits = bitPattern
        for _ in 0..<8 {
            encoder.writeByte(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        var bits: UInt64 = 0
        for shift in stride(from: 0 as UInt64, to: 64, by: 8) { bits |= UInt64(try decoder.readByte()) << shift }
        self = Double(bitPattern: bits)
    }
}

extension String: SpillCodable {
    public func encode(to encoder: inout SpillEncoder) {
        if encoder.measuring {
            // utf8.count is O(1) for native strings: no bytes are touched.
            let n = utf8.count
            encoder.writeVarint(UInt64(n))
            encoder.countWithoutWriting(n)
            return
        }
        var copy = self
        copy.withUTF8 { encoder.writeBytes($0) }
    }
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        self = String(decoding: try decoder.readBytes(), as: UTF8.self)
    }
}

extension Optional: SpillCodable where Wrapped: SpillCodable {
    public func encode(to encoder: inout SpillEncoder) {
        switch self {
        case .none: encoder.writeByte(0)
        case .some(let value):
            encoder.writeByte(1)
            value.encode(to: &encoder)
        }
    }
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        switch try decoder.readByte() {
        case 0: self = .none
        case 1: self = .some(try Wrapped(from: &decoder))
        default: throw decoder.damage
        }
    }
}

extension Array: SpillCodable where Element: SpillCodable {
    public func encode(to encoder: inout SpillEncoder) {
        encoder.writeVarint(UInt64(count))
        for element in self { element.encode(to: &encoder) }
    }
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        // Each element takes at least one byte, so a count larger than the bytes left is damage.
        let count = try decoder.readCount(bounded: true)
        self = []
        reserveCapacity(count)
        for _ in 0..<count { append(try Element(from: &decoder)) }
    }
}

/// Enums are written as their raw value; a raw value the enum does not know is damage.
extension SpillCodable where Self: RawRepresentable, RawValue == String {
    public func encode(to encoder: inout SpillEncoder) { rawValue.encode(to: &encoder) }
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        guard let value = Self(rawValue: try String(from: &decoder)) else { throw decoder.damage }
        self = value
    }
}
