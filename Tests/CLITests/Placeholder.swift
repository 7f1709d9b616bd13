import Testing

@Test func CLITestsBuilds() { #expect(Bool(true)) }
