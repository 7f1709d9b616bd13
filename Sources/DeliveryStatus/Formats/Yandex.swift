import MailParsing

/// Yandex.Mail's reports: `X-Yandex-Uniq` from `mailer-daemon@yandex.ru`.
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-yandex-01 and Sisimai's Lhost::Yandex.
struct YandexRecognizer: Recognizer {
    var name: String { "yandex" }

    /// `x-yandex-uniq` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let xYandexUniqField = HeaderNameFilter.Name("x-yandex-uniq", bit: 120)

    func claims(_ context: BounceContext) -> Bool {
        context.hasHeader(Self.xYandexUniqField) && context.lowercaseFrom.contains("mailer-daemon@yandex.ru")
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
