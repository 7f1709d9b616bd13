import MailParsing

/// Oracle (Sun, iPlanet) Communications Messaging Server reports: its `Boundary_(ID_...)` MIME boundaries or a "Delivery Notification: " Subject.
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-messagingserver-01 and Sisimai's Lhost::MessagingServer.
struct MessagingServerRecognizer: Recognizer {
    var name: String { "messagingserver" }

    /// `content-type` with its bits in the header-name filter, for `claims`.
    private static let contentTypeField = HeaderNameFilter.Name("content-type", bit: 39)

    func claims(_ context: BounceContext) -> Bool {
        context.headerValueContains(Self.contentTypeField, "Boundary_(ID_") || context.subjectText.hasPrefix("Delivery Notification: ")
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
