import Backscatter
import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// The stream pass's final judging (`StreamJudge`): the same judgement for a message whatever order
/// the messages are judged in, and a message the pass never saw is judged on its own evidence.
struct StreamJudgeTests {
    /// Twelve copies of one backscatter notice (a campaign and a flood) among ordinary mail.
    static func notes() throws -> (SiteProfile, [ClassifierNote]) {
        let (profile, copies) = try ReflectedCopies.make(12) { $0 % 3 == 0 ? "qzxkvwtrpl@example.com" : "olga@example.com" }
        var notes: [ClassifierNote] = []
        for (i, o) in copies.enumerated() {
            notes.append(ClassifierNote(observation: o))
            notes.append(ClassifierNote(observation: nil, deliveredTo: "user\(i)@example.com"))
        }
        return (profile, notes)
    }

    @Test func orderOfJudgingDoesNotMatter() throws {
        let (profile, notes) = try Self.notes()
        #expect(notes.count == 24)
        let pass = StreamClassifier(profile: profile, notes: notes)
        let inOrder = pass.run(notes)
        #expect(inOrder.judgements.contains { $0.campaign == "c1" })
        var judge = pass.prepare(notes)
        var reversed = [Judgement?](repeating: nil, count: notes.count)
        for i in notes.indices.reversed() { reversed[i] = judge.judge(notes[i], at: i) }
        #expect(reversed.map { $0! } == inOrder.judgements)
        #expect(judge.findings.reflectors == inOrder.findings.reflectors)
        #expect(judge.findings.campaigns == inOrder.findings.campaigns)
        #expect(judge.findings.floods == inOrder.findings.floods)
    }

    /// A fake notice (a "bounce" sent with a return address, returning nothing) is `not-bounce` in the
    /// stream pass too, and keeps the evidence that says why (it had none there before).
    @Test func aFakeNoticeIsExplained() throws {
        let profile = try ClassifierFixtureTests.profile()
        let note = try ClassifierFixtureTests.note("fake-notice", profile: profile)
        let pass = StreamClassifier(profile: profile, notes: [note])
        let judgement = pass.run([note]).judgements[0]
        #expect(judgement.verdict == .notBounce)
        #expect(judgement.evidence.map(\.signal) == ["fake-notice"])
        #expect(judgement == pass.classifier.judge(note.observation))
    }

    @Test func aMessageThePassDidNotSeeIsJudgedAlone() throws {
        let (profile, notes) = try Self.notes()
        let pass = StreamClassifier(profile: profile, notes: notes)
        var judge = pass.prepare(notes)
        let j = judge.judge(notes[0], at: notes.count + 5)
        #expect(j == pass.classifier.judge(notes[0].observation))
        #expect(j.campaign == nil)
        #expect(judge.judge(ClassifierNote(observation: nil), at: 1) == .notBounce)
    }
}
