import Testing
import TestSupport
@testable import MailParsing

/// `HeaderParameters.parse` reads a list directly until a name holds a `*`, and then reads it again with
/// the RFC 2231 assembly (before, any `*` in the bytes, values too, sent it to the assembly). A list
/// read directly must give what the assembly gives; one with a piece must be assembled.
@Suite struct HeaderParametersStarTests {
    static func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func starsInValuesAndNamesAgreeWithTheAssembly() {
        var values = ["; boundary=\"=_a*b\"", "; name=a*b; charset=x", "; a*=x", "; a*0=x; a*1=y", "; name*=utf-8''%41",
                      "; *=x", "; a=1; b*=2", "; x (c*) =1", "; a=\"*\"; A*0=z", "; filename*0*=utf-8''%C3%A9; filename*1=b",
                      "; a*", "; a*;b=*"].map(Self.ascii)
        var generator = SplitMix64(seed: 41)
        let alphabet = Self.ascii("ab*0=;\" ()\\'%") + [0xE9]
        for _ in 0..<6000 { values.append(generator.bytes(alphabet, count: generator.below(28))) }
        for value in values {
            let (read, readMalformed) = HeaderParameters.parse(value[...])
            // A name with a star (not an RFC 2231 piece: four digits) sends the list through the assembly.
            let (assembled, assembledMalformed) = HeaderParameters.parse((value + Self.ascii(";zz*9999=x"))[...])
            guard assembled.entries.last?.name == "zz*9999" else { continue }
            #expect(read.entries.map { "\($0.name)=\($0.value)" }
                    == assembled.entries.dropLast().map { "\($0.name)=\($0.value)" }, "\(value)")
            #expect(readMalformed == assembledMalformed || !readMalformed, "\(value)")
        }
        // Pieces are still assembled, whatever comes before them.
        let (pieces, _) = HeaderParameters.parse(Self.ascii("; boundary=b; filename*1=c; filename*0*=utf-8''a%41")[...])
        #expect(pieces["filename"] == "aAc")
        #expect(pieces["boundary"] == "b")
    }

    /// The parameters a library user reads: `Parameter` values in order of first appearance, names
    /// lower-cased, a repeated name's first value kept, comparable as they are (no tuple to take apart).
    @Test func entriesAreParametersInOrderOfFirstAppearance() {
        let expected = [HeaderParameters.Parameter(name: "charset", value: "utf-8"),
                        HeaderParameters.Parameter(name: "format", value: "flowed"),
                        HeaderParameters.Parameter(name: "name", value: "a b.txt")]
        // Read directly, and through the RFC 2231 assembly (a piece in the list).
        let (direct, _) = HeaderParameters.parse(Self.ascii("; Charset=utf-8; FORMAT=flowed; name=\"a b.txt\"; charset=x")[...])
        #expect(direct.entries == expected)
        let (assembled, _) = HeaderParameters.parse(Self.ascii("; Charset=utf-8; FORMAT=flowed; name*0=\"a b\"; name*1=.txt; charset=x")[...])
        #expect(assembled.entries == expected)
        #expect(direct == assembled && direct.hashValue == assembled.hashValue)
        #expect(Set([direct, assembled, HeaderParameters()]).count == 2)
    }
}
