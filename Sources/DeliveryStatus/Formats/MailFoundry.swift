/// MailFoundry's reports: Subject "Message delivery has failed" and a `(MAILFOUNDRY) id` Received line.
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-mailfoundry-01 and Sisimai's Lhost::MailFoundry.
struct MailFoundryRecognizer: Recognizer {
    var name: String { "mailfoundry" }

    /// `claims` holds only for a subject "Message delivery has failed" (`Recognizer.claimSubjectLeads`: its first byte).
    static var claimSubjectLeads: StaticString? { "M" }

    func claims(_ context: BounceContext) -> Bool {
        context.subjectEquals("Message delivery has failed")
            && context.receivedContains("(MAILFOUNDRY) id")
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
