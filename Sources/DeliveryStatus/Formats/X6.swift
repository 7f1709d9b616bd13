import MailParsing

/// An unnamed MTA (Sisimai's "X6"): Subject "There was an error sending your mail".
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-x6-01 and Sisimai's Lhost::X6.
struct X6Recognizer: Recognizer {
    var name: String { "x6" }

    /// `claims` holds only for a subject "There was an error sending your mail" (`Recognizer.claimSubjectLeads`: its first byte).
    static var claimSubjectLeads: StaticString? { "T" }

    func claims(_ context: BounceContext) -> Bool {
        context.subjectText.hasPrefix("There was an error sending your mail")
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
