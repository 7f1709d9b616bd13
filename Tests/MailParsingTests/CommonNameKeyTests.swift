import Testing
import TestSupport
@testable import MailParsing

/// `ContentType.commonName` and `HeaderParameters.commonName` compare written-out `ShortNameKey`s: they
/// must find every common name in any case, and agree with `KnownNames` over the same names (the lookup
/// they replaced, kept as the reference) on near misses and random bytes.
@Suite struct CommonNameKeyTests {
    static let typeNames = ["text", "html", "plain", "mixed", "report", "rfc822", "message", "related", "multipart",
                            "alternative", "application", "rfc822-headers", "delivery-status"]
    static let parameterNames = ["charset", "boundary", "name", "filename", "format", "report-type", "delsp"]

    /// `lookup` of `bytes` read from the middle of a longer buffer (nothing outside may count).
    static func lookUp(_ bytes: [UInt8], _ lookup: (UnsafeBufferPointer<UInt8>) -> String?) -> String? {
        let padded: [UInt8] = [0x74, 0x65] + bytes + [0x78, 0x74, 0x74, 0x65, 0x78, 0x74, 0x74, 0x65]
        return padded.withUnsafeBufferPointer { lookup(UnsafeBufferPointer(rebasing: $0[2..<(2 + bytes.count)])) }
    }

    @Test func everyCommonNameIsFoundInAnyCase() {
        for (names, lookup) in [(Self.typeNames, ContentType.commonName), (Self.parameterNames, HeaderParameters.commonName)] {
            for name in names {
                let bytes = Array(name.utf8)
                #expect(Self.lookUp(bytes, lookup) == name)
                #expect(Self.lookUp(Array(name.uppercased().utf8), lookup) == name)
                for index in bytes.indices where ASCII.isAlpha(bytes[index]) {
                    var changed = bytes
                    changed[index] ^= 0x20
                    #expect(Self.lookUp(changed, lookup) == name, "\(changed)")
                }
            }
        }
    }

    @Test func lookupsAgreeWithKnownNames() {
        var generator = SplitMix64(seed: 31)
        for (names, lookup) in [(Self.typeNames, ContentType.commonName), (Self.parameterNames, HeaderParameters.commonName)] {
            let reference = KnownNames(names)
            var inputs: [[UInt8]] = [[], [0x74], Array("tex".utf8), Array("texts".utf8), Array("name\0".utf8),
                                     Array("delivery-status1".utf8), Array("delivery-statu".utf8), Array("REPORT_TYPE".utf8)]
            for _ in 0..<20000 {
                var name = Array(names[generator.below(names.count)].utf8)
                for i in name.indices where generator.below(2) == 0 && ASCII.isAlpha(name[i]) { name[i] ^= 0x20 }
                // One byte changed to any value (its case twin, 0x80 above it, a letter's neighbour...), or
                // one dropped or added.
                switch generator.below(6) {
                case 0: name[generator.below(name.count)] = UInt8(generator.below(256))
                case 1: name[generator.below(name.count)] ^= [0x01, 0x20, 0x40, 0x80][generator.below(4)]
                case 2: name.remove(at: generator.below(name.count))
                case 3: name.insert(UInt8(generator.below(256)), at: generator.below(name.count + 1))
                default: break
                }
                inputs.append(name)
                inputs.append(generator.bytes(Array("abcdeghilmnoprstxy-28".utf8) + [0x41, 0xC1, 0xE5, 0x00],
                                              count: generator.below(18)))
            }
            for input in inputs {
                let expected = input.withUnsafeBufferPointer { reference.match($0) }
                #expect(Self.lookUp(input, lookup) == expected, "\(input)")
            }
        }
    }
}
