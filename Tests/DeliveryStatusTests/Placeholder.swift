import Testing

@Test func DeliveryStatusTestsBuilds() { #expect(Bool(true)) }
