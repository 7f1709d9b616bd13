import Testing
import CByteKernels

/// The SSE2 kernels of `CByteKernels` against their definitions, byte by byte: every byte value at every
/// lane of a block, among neighbours that do and do not match, and random blocks.
@Suite struct ByteKernelsTests {
    /// The mask `bs_mask16_below` is defined to give.
    private func below(_ block: [UInt8], _ limit: UInt8) -> UInt32 {
        var mask: UInt32 = 0
        for k in 0..<16 where block[k] < limit { mask |= 1 << UInt32(k) }
        return mask
    }

    /// The mask `bs_mask16_name_stops` is defined to give (RFC 5322 §3.6.8: ftext is 33...126 but ':').
    private func nameStops(_ block: [UInt8]) -> UInt32 {
        var mask: UInt32 = 0
        for k in 0..<16 where block[k] < 33 || block[k] > 126 || block[k] == UInt8(ascii: ":") { mask |= 1 << UInt32(k) }
        return mask
    }

    /// Blocks of `filler` with one byte changed: each byte value at each lane (`masks(of:_:)` reads them
    /// unaligned, one byte into a larger buffer).
    private func blocks(filler: UInt8) -> [[UInt8]] {
        var result: [[UInt8]] = []
        for value in 0...255 {
            for lane in 0..<16 {
                var block = [UInt8](repeating: filler, count: 16)
                block[lane] = UInt8(value)
                result.append(block)
            }
        }
        return result
    }

    private func masks(of block: [UInt8], _ kernel: (UnsafePointer<UInt8>) -> UInt32) -> UInt32 {
        // One byte in, so the load is unaligned.
        let buffer: [UInt8] = [0xEE] + block + [0xEE]
        return buffer.withUnsafeBufferPointer { kernel($0.baseAddress! + 1) }
    }

    @Test func belowIsEachByteComparedWithTheLimit() {
        var generator = SystemRandomNumberGenerator()
        var cases = blocks(filler: UInt8(ascii: "a")) + blocks(filler: 0) + blocks(filler: 0xFF)
        for _ in 0..<2_000 { cases.append((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
        for block in cases {
            for limit: UInt8 in [0, 1, 13, 14, 33, 127, 128, 255] {
                #expect(masks(of: block) { bs_mask16_below($0, limit) } == below(block, limit), "\(block) below \(limit)")
            }
        }
    }

    @Test func nameStopsAreTheBytesThatAreNoFtextOrTheColon() {
        var generator = SystemRandomNumberGenerator()
        var cases = blocks(filler: UInt8(ascii: "a")) + blocks(filler: UInt8(ascii: ":")) + blocks(filler: 0x80)
        for _ in 0..<2_000 { cases.append((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
        for block in cases {
            #expect(masks(of: block, bs_mask16_name_stops) == nameStops(block), "\(block)")
        }
    }

    @Test func equalIsEachByteComparedWithTheOne() {
        var generator = SystemRandomNumberGenerator()
        var cases = blocks(filler: UInt8(ascii: "a")) + blocks(filler: 10)
        for _ in 0..<2_000 { cases.append((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
        for block in cases {
            for byte: UInt8 in [0, 10, 13, 97, 127, 128, 255] {
                var expected: UInt32 = 0
                for k in 0..<16 where block[k] == byte { expected |= 1 << UInt32(k) }
                #expect(masks(of: block) { bs_mask16_equal($0, byte) } == expected, "\(block) against \(byte)")
            }
        }
    }

    @Test func equalThreeIsEachByteComparedWithTheThree() {
        var generator = SystemRandomNumberGenerator()
        var cases = blocks(filler: UInt8(ascii: "a")) + blocks(filler: UInt8(ascii: "="))
        for _ in 0..<2_000 { cases.append((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
        let triples: [(UInt8, UInt8, UInt8)] = [(UInt8(ascii: "="), 13, 10), (0, 0, 0), (255, 128, 127), (10, 10, 61)]
        for block in cases {
            for (a, b, c) in triples {
                var expected: UInt32 = 0
                for k in 0..<16 where block[k] == a || block[k] == b || block[k] == c { expected |= 1 << UInt32(k) }
                #expect(masks(of: block) { bs_mask16_equal3($0, a, b, c) } == expected, "\(block) against \(a) \(b) \(c)")
            }
        }
    }

    @Test func pairIsTheFirstAndFinalBytesComparedTogether() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<4_000 {
            // Few distinct bytes, so that both compares hold often, alone and together.
            let buffer: [UInt8] = (0..<40).map { _ in [UInt8(ascii: "a"), UInt8(ascii: "b"), 0, 0xFF][Int.random(in: 0..<4, using: &generator)] }
            let offset = Int.random(in: 0...24, using: &generator)
            let first = [UInt8(ascii: "a"), 0, 0xFF].randomElement(using: &generator)!
            let final = [UInt8(ascii: "b"), 0, 0xFF].randomElement(using: &generator)!
            var expected: UInt32 = 0
            for k in 0..<16 where buffer[k] == first && buffer[offset + k] == final { expected |= 1 << UInt32(k) }
            let mask = buffer.withUnsafeBufferPointer { bs_mask16_pair($0.baseAddress!, first, $0.baseAddress! + offset, final) }
            #expect(mask == expected, "\(buffer) \(offset) \(first) \(final)")
        }
    }
}
