import Testing

@Test func BackscatterTestsBuilds() { #expect(Bool(true)) }
