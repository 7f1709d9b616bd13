import Testing

@Test func MailParsingTestsBuilds() { #expect(Bool(true)) }
