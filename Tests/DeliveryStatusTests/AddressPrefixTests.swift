import Testing
import TestSupport
@testable import DeliveryStatus

/// `TextScan.withoutAddressPrefix`: its byte reading of ASCII blocks and addresses
/// (`asciiWithoutAddressPrefix`) gives what the reading by Characters gives, label by label.
@Suite struct AddressPrefixTests {
    static let addresses = ["a@b.example", "User@Example.COM", "x", "", "<a>", "a:b", "A@B"]
    static let pieces = [
        "<", ">", ":", " ", "\t", "\r\n", "\n", "\r", "550 5.1.1 unknown", "User@Example.COM", "user@example.com",
        "a@b.example", "A@B.EXAMPLE", "x", "X", "a", "b", "\u{00E9}", "\u{0301}", "K",
    ]

    @Test func bytesAgreeWithCharacters() {
        var generator = SplitMix64(seed: 2_804)
        var cuts = 0, byBytes = 0
        for _ in 0..<20_000 {
            let address = generator.below(4) == 0
                ? (0..<generator.below(4)).map { _ in Self.pieces[generator.below(Self.pieces.count)] }.joined()
                : Self.addresses[generator.below(Self.addresses.count)]
            var block = (0..<generator.below(3)).map { _ in [" ", "\t", "\n", "<"][generator.below(4)] }.joined()
            // Often the address itself (in another case, or cut short) at the start.
            switch generator.below(4) {
            case 0: block += address
            case 1: block += address.uppercased()
            case 2: block += String(address.dropLast())
            default: break
            }
            for _ in 0..<generator.below(6) { block += Self.pieces[generator.below(Self.pieces.count)] }
            let reference = TextScan.withoutAddressPrefixByCharacters(block, address: address)
            let result = TextScan.withoutAddressPrefix(block, address: address)
            #expect(result == reference, "\(block.debugDescription) \(address.debugDescription)")
            #expect(Array(result.utf8) == Array(reference.utf8), "\(block.debugDescription) \(address.debugDescription)")
            if result != block.trimmed { cuts += 1 }
            var b = block, a = address
            if b.withUTF8({ bb in a.withUTF8 { TextScan.asciiWithoutAddressPrefix(bb, address: $0) } }) != nil { byBytes += 1 }
        }
        #expect(cuts > 2_000)
        #expect(byBytes > 5_000)
    }

    @Test func labels() {
        #expect(TextScan.withoutAddressPrefix(" <A@b.example>: 550 unknown \n", address: "a@B.example") == "550 unknown")
        #expect(TextScan.withoutAddressPrefix("a@b.example: 550", address: "a@b.example") == "550")
        #expect(TextScan.withoutAddressPrefix("<a@b.example> 550", address: "a@b.example") == "550")
        #expect(TextScan.withoutAddressPrefix("a@b.example 550", address: "a@b.example") == "550")
        #expect(TextScan.withoutAddressPrefix("a@b.exampl 550", address: "a@b.example") == "a@b.exampl 550")
        #expect(TextScan.withoutAddressPrefix("  550  ", address: "") == "550")
        // A CR in the address: left to the reading by Characters.
        var block = "a\r\nb", address = "a\r"
        #expect(block.withUTF8 { b in address.withUTF8 { TextScan.asciiWithoutAddressPrefix(b, address: $0) } } == nil)
    }
}
