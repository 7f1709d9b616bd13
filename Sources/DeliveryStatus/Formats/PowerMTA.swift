/// Port25 PowerMTA's DSNs, Subject "Delivery report".
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-powermta-01 and Sisimai's Lhost::PowerMTA.
struct PowerMTARecognizer: Recognizer {
    var name: String { "powermta" }

    func claims(_ context: BounceContext) -> Bool {
        context.subject.contains("Delivery report")
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
