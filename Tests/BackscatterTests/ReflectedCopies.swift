import Backscatter
import DeliveryStatus
import Foundation
import MailParsing
import TestSupport

/// Copies of one backscatter notice (Fixtures/classifier/signals/original-spam-shape.eml), each from
/// another reflector (`mxN.reflector.example`) a minute after the one before: a flood and a campaign,
/// for the stream pass's tests. With the profile of the classifier's signal fixtures.
enum ReflectedCopies {
    /// `count` observations, the i-th sent to `victim(i)`; none when the fixture is not bounce-like.
    static func make(_ count: Int, victim: (Int) -> String) throws -> (SiteProfile, [Observation]) {
        let profile = try SiteProfile.load(path: Corpus.fixture("classifier/signals-profile.toml"))
        let path = Corpus.fixture("classifier/signals/original-spam-shape.eml")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let parsed = ParsedMessage(parsing: bytes[...])
        guard let base = ClassifierNote.read(parsed, report: BounceAnalyzer().analyze(parsed),
                                             reader: ObservationReader()).observation else { return (profile, []) }
        let copies = (0..<count).map { i in
            var o = base
            o.arrival = (o.arrival ?? 0) + Int64(i * 60)
            o.reportingMTA = "mx\(i).reflector.example"
            o.victim = victim(i)
            return o
        }
        return (profile, copies)
    }
}
