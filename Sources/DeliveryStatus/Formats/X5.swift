import MailParsing

/// An unnamed MTA (Sisimai's "X5", a Mirapoint gateway in its Remote-MTA): a DSN addressed to
/// "NotificationRecipients" from an ISO-2022-JP encoded "Mail Delivery Subsystem".
///
/// The layout itself is RFC 3464, which the shared reader reads, so this recogniser names the family and
/// hands the reading over (`SmallFamilies.readAsUsual`). Signature from sisimai lhost-x5-01 and Sisimai's
/// Lhost::X5.
struct X5Recognizer: Recognizer {
    var name: String { "x5" }

    /// `to` with its bit in the header-name filter, for `claims` (`BounceContext.headerValueContains`).
    private static let toField = HeaderNameFilter.Name("to", bit: 251)

    /// "Mail Delivery Subsystem" in the From field, for `claims` (`BounceContext.fromContains`).
    @inline(__always) private static var fromMailDeliverySubsystem: ClaimNeedle { ClaimNeedle("Mail Delivery Subsystem") }

    func claims(_ context: BounceContext) -> Bool {
        // The sender first: the To field is read only when it decides, in place (`headerValueContains`;
        // its String kept, sendmail's "Mail Delivery Subsystem" reports made it for this: bsd.mbox x3, 312).
        context.fromContains(Self.fromMailDeliverySubsystem) && context.headerValueContains(Self.toField, "NotificationRecipients")
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
