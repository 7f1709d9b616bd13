@testable import Backscatter
import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// `ObservationReader.observe` keeps the first of each notice field it reads (`NoticeValues`) and reads
/// the others' unfolded values: each fact from its own field, the first of duplicates, folded values
/// unfolded, LF and CRLF alike.
struct NoticeFieldsTests {
    /// Fields put in front of the backscatter-bounce fixture's own (whose first is its Received).
    static let extra = [
        "X-Original-To: First@Example.test",
        "X-Original-To: second@example.test",
        "Delivered-To: other@example.test",
        "Return-Path: <",
        " >",
        "Reply-To: \"Robot\"",
        " <Robot@Remote.test>",
        "Reply-To: later@remote.test",
        "In-Reply-To: <a1@x.test>",
        "References: <r1@x.test>",
        "\t<r2@x.test>",
    ]

    static func observe(_ lines: [String], lineEnd: String, dropReceived: Bool = false,
                        fixture name: String = "classifier/backscatter-bounce.eml",
                        readsOnlyJudgedFacts: Bool = false) throws -> Observation? {
        var fixture = try String(contentsOfFile: Corpus.fixture(name), encoding: .utf8)
        if dropReceived {
            // The fixture's Received field is its first three lines.
            fixture = fixture.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(3).joined(separator: "\n")
        }
        let text = (lines.map { $0 + "\n" }.joined() + fixture).replacingOccurrences(of: "\n", with: lineEnd)
        let parsed = ParsedMessage(parsing: Array(text.utf8)[...])
        return ObservationReader(readsOnlyJudgedFacts: readsOnlyJudgedFacts).observe(parsed, report: BounceAnalyzer().analyze(parsed))
    }

    @Test(arguments: ["\n", "\r\n"])
    func eachFactFromItsField(_ lineEnd: String) throws {
        let o = try #require(try Self.observe(Self.extra, lineEnd: lineEnd))
        #expect(o.victimAsWritten == "First@Example.test")
        #expect(o.victim == "first@example.test")
        #expect(o.noticeFrom == "mailer-daemon@mx.remote.test")
        #expect(o.noticeReplyTo == "robot@remote.test")
        #expect(o.returnPath == "")
        #expect(o.replyIDs == ["a1@x.test", "r1@x.test", "r2@x.test"])
        #expect(o.connectingIP == "198.51.100.7")
        #expect(o.connectingHost == "mx.remote.test")
        // The Received stamp (10:00:05) first, else the Date (10:00:04).
        let withoutReceived = try #require(try Self.observe(Self.extra, lineEnd: lineEnd, dropReceived: true))
        let arrival = try #require(o.arrival), dated = try #require(withoutReceived.arrival)
        #expect(arrival - dated == 1)
        #expect(withoutReceived.connectingIP == nil)
    }

    /// `readsOnlyJudgedFacts` (the classifier's reader) reads each notice fact only for the notices
    /// judged by it, nil or empty for the others; the facts it reads are the full reader's.
    @Test(arguments: ["\n", "\r\n"])
    func onlyJudgedFacts(_ lineEnd: String) throws {
        // A bounce that returns its original: From, Return-Path, Reply-To and the reply ids are not read
        // (a notice without its original or an auto-reply is judged by them, no other); nor the
        // connecting host's name, as the fixture has a Reporting-MTA.
        let o = try #require(try Self.observe(Self.extra, lineEnd: lineEnd, readsOnlyJudgedFacts: true))
        #expect(o.victim == "first@example.test")
        #expect(o.noticeFrom == nil)
        #expect(o.returnPath == nil)
        #expect(o.noticeReplyTo == nil)
        #expect(o.replyIDs.isEmpty)
        #expect(o.connectingIP == "198.51.100.7")
        #expect(o.reportingMTA != nil && o.connectingHost == nil)
        // The subject's tail only for an original without fingerprints (this one has a subject).
        #expect(o.original?.subjectKey != nil && o.noticeSubjectTail == nil)
        #expect(try Self.observe(Self.extra, lineEnd: lineEnd)?.noticeSubjectTail != nil)
        // An auto-reply that returns nothing: all read, the In-Reply-To ids (the fixture's own after
        // the one put in front) before the References ids; the host's name (no Reporting-MTA).
        for lean in [true, false] {
            let reply = try #require(try Self.observe(Self.extra, lineEnd: lineEnd, fixture: "classifier/signals/reply-to-our-id.eml",
                                                      readsOnlyJudgedFacts: lean))
            #expect(reply.kind == .autoReply && reply.original == nil)
            #expect(reply.noticeFrom == "first@partner.example")
            #expect(reply.returnPath == "")
            #expect(reply.noticeReplyTo == "robot@remote.test")
            #expect(reply.replyIDs == ["a1@x.test", "20260112100000.ABCDEF0123@mx-out1.example.com", "r1@x.test", "r2@x.test"])
            #expect(reply.reportingMTA == nil && reply.connectingHost == "mx.partner.example")
        }
        // A bounce without its original: From and Return-Path read, the reply fields not.
        let bare = try #require(try Self.observe(Self.extra, lineEnd: lineEnd, fixture: "classifier/signals/no-original.eml",
                                                 readsOnlyJudgedFacts: true))
        #expect(bare.original == nil)
        #expect(bare.noticeFrom == "mailer-daemon@mx.partner.example")
        #expect(bare.returnPath == "")
        #expect(bare.noticeReplyTo == nil && bare.replyIDs.isEmpty)
    }

    /// Without X-Original-To the victim comes from Delivered-To, without both from To.
    @Test func victimInOrder() throws {
        let delivered = try #require(try Self.observe(["Delivered-To: Other@example.test"], lineEnd: "\n"))
        #expect(delivered.victimAsWritten == "Other@example.test")
        let to = try #require(try Self.observe([], lineEnd: "\n"))
        #expect(to.victimAsWritten == "xkqzvtrw7@example.test")
        #expect(to.returnPath == nil)
        #expect(to.noticeReplyTo == nil)
        #expect(to.replyIDs.isEmpty)
    }
}
