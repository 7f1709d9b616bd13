import MailParsing

extension BounceContext {
    /// The providers (`RemoteHostRules.providers`, bit i for provider i) that the host names in the
    /// report's own Received fields name (the dotted words after `from` and `by`, in the first 30
    /// Received fields): each host name matched to every provider. The provider rules ask only about
    /// the provider that decides (`receivedNames(provider:)`); this is their reference.
    package var receivedProviders: UInt64 {
        var named: UInt64 = 0
        forEachReceivedValueForProviders { value in
            ReceivedHostWords.forEachHost(in: value) { named |= RemoteHostRules.providersNamed(byHostBytes: $0) }
            return false
        }
        return named
    }

    /// Whether the report's own Received fields name `RemoteHostRules.providers[i]` (bit i of
    /// `receivedProviders`), for the provider rules: asked only when that provider's rule decides and
    /// nothing else names it, and remembered for the message's other recipients.
    ///
    /// Each of the provider's host suffixes is looked for in the values, and only where one is found
    /// is it asked whether it ends a host name (`ReceivedHostWords.hasHost(endingWith:in:)`). Every host
    /// name matched to every provider (`receivedProviders`) cost ~3,500 instructions a message
    /// (bsd.mbox x3: 1.97M over 564 reports).
    func receivedNames(provider i: Int) -> Bool {
        let bit: UInt64 = 1 << UInt64(i)
        if receivedProvidersAsked & bit != 0 { return receivedProvidersFound & bit != 0 }
        var found = false
        forEachReceivedValueForProviders { value in
            found = ReceivedHostWords.hasHost(namingProvider: i, in: value)
            return found
        }
        receivedProvidersAsked |= bit
        if found { receivedProvidersFound |= bit }
        return found
    }
}
