@testable import DeliveryStatus
import Testing

/// What the Sendmail readers take from a transcript beyond the replies: the server the transcript was
/// talking to (`SendmailTextRecognizer.talkedTo(in:)`, the remote MTA of a one-recipient report), and
/// each reply once in a recipient's diagnostic (`SendmailTextRecognizer.appending(_:to:)`).
@Suite struct SendmailTranscriptTests {
    @Test func theServerTalkedTo() {
        func host(_ text: String) -> String? { SendmailTextRecognizer.talkedTo(in: text) }
        let transcript = "   ----- Transcript of session follows -----\n"
        #expect(host(transcript + "... while talking to mx.example.com.:\n>>> DATA\n<<< 550 5.1.1 unknown\n") == "mx.example.com")
        // Without the root's dot; an address literal, IPv4 or IPv6; CR LF line ends.
        #expect(host("... while talking to mx.example.com:\n") == "mx.example.com")
        #expect(host("... while talking to [192.0.2.7].:\r\n<<< 421 busy\r\n") == "[192.0.2.7]")
        #expect(host("... while talking to [IPv6:2001:db8::1].:\n") == "[IPv6:2001:db8::1]")
        // A forwarded copy's `>` marks before the line (sisimai lhost-sendmail-14).
        #expect(host("> ... while talking to mx.example.com.:\n> >>> DATA\n") == "mx.example.com")
        // Two servers: the transcript would have to say whose recipient is whose.
        #expect(host("... while talking to a.example.com.:\n<<< 550 x\n... while talking to b.example.com.:\n<<< 550 y\n") == nil)
        // Not the line's own words, no colon at the line's end, or no host name.
        #expect(host("He wrote \"... while talking to mx.example.com.:\"\n") == nil)
        #expect(host("... while talking to mx.example.com. about it\n") == nil)
        #expect(host("... while talking to <a@b>.:\n") == nil)
        #expect(host("... while talking to :\n") == nil)
        #expect(host("nothing here\n") == nil)
    }

    @Test func eachReplyOnce() {
        let reply = "550 5.1.1 <nina@example.com>... User unknown"
        #expect(SendmailTextRecognizer.appending([">>> RCPT To:<nina@example.com>", reply, reply], to: reply)
                == reply + " >>> RCPT To:<nina@example.com>")
        #expect(SendmailTextRecognizer.appending([reply, "503 5.0.0 Need RCPT (recipient)"], to: "") == reply + " 503 5.0.0 Need RCPT (recipient)")
        #expect(SendmailTextRecognizer.appending(["", "421 busy"], to: "x") == "x 421 busy")
    }
}
