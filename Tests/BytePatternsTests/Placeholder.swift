import Testing

@Test func BytePatternsTestsBuilds() { #expect(Bool(true)) }
