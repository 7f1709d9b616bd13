import MailParsing

/// amavisd-new's reports, from `"Content-filter at ..."`.
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-amavis-01 and Sisimai's Lhost::Amavis.
struct AmavisRecognizer: Recognizer {
    var name: String { "amavis" }

    func claims(_ context: BounceContext) -> Bool {
        context.fromText.hasNamePrefix("Content-filter at ")
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
