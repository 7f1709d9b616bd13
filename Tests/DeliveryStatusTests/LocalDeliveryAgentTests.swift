import Testing
@testable import DeliveryStatus

/// The local delivery agents' lines (`LocalDeliveryAgent`): each agent's words name its reason, only at a
/// line's start, up to the blank line that ends the agent's message; `namesAgent` turns away texts
/// without an agent's name before a colon, and finds it where `message(in:)` would read it.
@Suite struct LocalDeliveryAgentTests {
    /// The test `RFC3464Recognizer.complete` makes of a lead text before reading its lines for an agent:
    /// a quoted pipe command or an agent's name before a colon.
    static func namesAgent(_ text: String) -> Bool {
        LocalDeliveryAgent.holdsPipeCommand(text) || LocalDeliveryAgent.namesAgentBeforeAColon(text)
    }

    @Test(arguments: [
        ("mail.local: unknown user: rex\n554 <rex@example.net>... Service unavailable\n", "mail.local", Reason.userUnknown),
        ("mail.local: Disc quota exceeded\n", "mail.local", .mailboxFull),
        ("mail.local: temporary file write error\n", "mail.local", .systemError),
        ("procmail: Quota exceeded while writing \"/var/mail/rex\"\n", "procmail", .mailboxFull),
        ("procmail: No space left to finish writing \"/var/mail/rex\"\n", "procmail", .systemFull),
        ("maildrop: maildir over quota.\n", "maildrop", .mailboxFull),
        ("maildrop: Invalid user specified.\n", "maildrop", .userUnknown),
        ("vdelivermail: Sorry, no mailbox here by that name. (#5.1.1)\n", "vpopmail", .userUnknown),
        ("vdeliver: Invalid or unknown virtual user 'rex'\n", "vmailmgr", .userUnknown),
        // Sisimai 5's lda table: a locked account is suspended, procmail's "user over quota" full.
        ("vdelivermail: account is locked email bounced\n", "vpopmail", .suspend),
        ("procmail: User over quota\n", "procmail", .mailboxFull),
        ("Your message to <rex@example.net> was automatically rejected:\nQuota exceeded (mailbox for user is full)\n", "dovecot", .mailboxFull),
    ])
    func eachAgentsWords(text: String, agent: String, reason: Reason) throws {
        let lead = "The original message was received at Mon, 16 Mar 2026\n\n   ----- Transcript of session follows -----\n"
        let message = try #require(LocalDeliveryAgent.message(in: lead + text + "\nReporting-MTA: dns; mx.example.net\n"))
        #expect(message.agent == agent)
        #expect(message.reason == reason)
        #expect(Self.namesAgent(Diagnostic.sweep(lead + text)))
    }

    @Test func onlyAtALinesStartAndUpToABlankLine() {
        // Quoted in a sentence, not at the line's start: no agent's line.
        #expect(LocalDeliveryAgent.message(in: "The program said mail.local: unknown user: rex\n") == nil)
        // The agent's line, then a blank line: the words after it are not its message.
        #expect(LocalDeliveryAgent.message(in: "mail.local: cannot deliver\n\nunknown user: rex\n") == nil)
        // The agent named, no words of a reason: nothing to say.
        #expect(LocalDeliveryAgent.message(in: "procmail: Couldn't create \"/var/mail/rex\"\n") == nil)
        // Dovecot's first line must end as it writes it.
        #expect(LocalDeliveryAgent.message(in: "Your message to <rex@example.net> was delivered:\nQuota exceeded\n") == nil)
    }

    /// Sendmail's line for a pipe recipient names the agent by its program in the quoted command, and
    /// says what the program's exit status meant (sisimai rfc3464-04); other programs, or the name
    /// inside a longer one, are no agent.
    @Test func aPipeRecipientsLineNamesTheAgentByItsProgram() throws {
        let line = "554 \"|IFS=' ' && exec /usr/local/bin/procmail -f- || exit 75 #rex\"... Service unavailable\n"
        let lead = "   ----- Transcript of session follows -----\n"
        let message = try #require(LocalDeliveryAgent.message(in: lead + line + "\nReporting-MTA: dns; mx.example.net\n"))
        #expect(message.agent == "procmail")
        #expect(message.reason == .systemError)
        #expect(message.text.hasSuffix("... Service unavailable"))
        #expect(Self.namesAgent(Diagnostic.sweep(lead + line)))
        let quota = "550 \"|/usr/bin/maildrop -d rex\"... maildrop: maildir over quota.\n"
        #expect(LocalDeliveryAgent.message(in: quota)?.reason == .mailboxFull)
        #expect(LocalDeliveryAgent.message(in: "554 \"|/usr/local/bin/myfilter --strict\"... Service unavailable\n") == nil)
        #expect(LocalDeliveryAgent.message(in: "554 \"|/usr/local/bin/procmailx -f-\"... Service unavailable\n") == nil)
        #expect(LocalDeliveryAgent.message(in: "554 \"|exec /usr/bin/procmail -f-... Service unavailable\n") == nil)  // no closing quote
        #expect(!Self.namesAgent("554 |/usr/bin/procmail... Service unavailable"))
    }

    /// Sendmail's line for a pipe recipient, whatever the program: the first at a line's start, trimmed;
    /// none for a command without its closing quote or a line that only mentions a pipe.
    @Test func aPipeRecipientsLineIsFoundWhateverTheProgram() {
        let text = "The original message was received\n  (expanded from: <rex@example.net>)\n"
            + "   ----- Transcript of session follows -----\n"
            + "554 \"|/usr/local/bin/myfilter --strict #rex\"... Service unavailable  \n\n"
        #expect(LocalDeliveryAgent.pipeRecipientLine(in: text) == "554 \"|/usr/local/bin/myfilter --strict #rex\"... Service unavailable")
        #expect(LocalDeliveryAgent.holdsPipeCommand(Diagnostic.sweep(text)))
        #expect(LocalDeliveryAgent.pipeRecipientLine(in: "554 \"|/usr/local/bin/myfilter... Service unavailable\n") == nil)
        #expect(LocalDeliveryAgent.pipeRecipientLine(in: "The recipient \"|/usr/bin/filter\" failed\n") == nil)
        #expect(!LocalDeliveryAgent.holdsPipeCommand("no pipe | here"))
    }

    @Test func namesAgentAtAWordsStartBeforeAColon() {
        #expect(!Self.namesAgent("Diagnostic-Code: smtp; 550 5.1.1 user unknown at 12:34:56 http://x.example"))
        #expect(!Self.namesAgent("xmail.local: unknown user"))
        #expect(Self.namesAgent("mail.local: unknown user"))
        #expect(Self.namesAgent("transcript follows maildrop: maildir over quota."))
        #expect(!Self.namesAgent(""))
        #expect(!Self.namesAgent(":"))
    }

    @Test func anAgentsMessageOfManyLinesIsBounded() {
        let text = "mail.local: cannot deliver\n" + String(repeating: "still cannot\n", count: 100_000) + "unknown user: rex\n"
        #expect(LocalDeliveryAgent.message(in: text) == nil)
    }

    /// A report of several recipients: each agent line that names a recipient (its address, or its local
    /// part as a word of its own) says why for that one; a line that names none, or two lines that name
    /// the same local part with different reasons, say nothing for it.
    @Test func severalRecipientsEachByTheLineThatNamesThem() {
        let text = """
            The original message was received at Tue, 3 Mar 2026 09:14:01 +0100

               ----- Transcript of session follows -----
            mail.local: unknown user: bob
            554 <bob@example.net>... Service unavailable
            mail.local: mailbox full or quota exceeded: carol
            554 <carol@example.net>... Service unavailable
            Your message to <erin@example.net> was automatically rejected:
            Quota exceeded (mailbox for user is full)

            maildrop: maildir over quota.

            """
        let messages = LocalDeliveryAgent.messages(in: text)
        #expect(messages.map(\.reason) == [.userUnknown, .mailboxFull, .mailboxFull, .mailboxFull])
        #expect(LocalDeliveryAgent.message(for: "bob@example.net", among: messages)?.reason == .userUnknown)
        #expect(LocalDeliveryAgent.message(for: "Carol@Example.net", among: messages)?.text == "mail.local: mailbox full or quota exceeded: carol")
        #expect(LocalDeliveryAgent.message(for: "erin@example.net", among: messages)?.agent == "dovecot")
        // "bobby" is not "bob", nor is "bob.smith"; maildrop's line names nobody.
        #expect(LocalDeliveryAgent.message(for: "bobby@example.net", among: messages) == nil)
        #expect(LocalDeliveryAgent.message(for: "bob.smith@example.net", among: messages) == nil)
        #expect(LocalDeliveryAgent.message(for: "frank@example.net", among: messages) == nil)
        // Two lines for the same local part that disagree: neither is taken.
        let twice = LocalDeliveryAgent.messages(in: "mail.local: unknown user: bob\nmail.local: Disc quota exceeded: bob\n")
        #expect(twice.count == 2)
        #expect(LocalDeliveryAgent.message(for: "bob@example.org", among: twice) == nil)
        // ... unless a later one names the whole address.
        let named = LocalDeliveryAgent.messages(in: "mail.local: unknown user: bob\nmail.local: Disc quota exceeded: bob\n"
                                                + "Your message to <bob@example.org> was automatically rejected:\nQuota exceeded\n")
        #expect(LocalDeliveryAgent.message(for: "bob@example.org", among: named)?.agent == "dovecot")
    }

    /// `messages(in:)` reads at most `maxMessages` agent lines, however many the text holds.
    @Test func severalRecipientsMessagesAreBounded() {
        let text = String(repeating: "mail.local: unknown user: rex\n", count: 10_000)
        #expect(LocalDeliveryAgent.messages(in: text).count == LocalDeliveryAgent.maxMessages)
    }

    /// Sisimai 5's lda rule's last line: a record's own diagnostic that is an agent's line with no words
    /// of a reason is the mailer's failure, after DATA or with no command; with words of a reason, or at
    /// another command, or naming no agent, it is not.
    @Test func anAgentsLineWithoutAReasonIsTheMailersFailure() {
        func failed(_ diagnostic: String, type: String? = "x-unix", _ command: SMTPCommand? = nil) -> Bool {
            RFC3464Recognizer.agentFailedOnItsOwn(diagnostic, type: type, command: command)
        }
        #expect(failed("procmail: Lock failure on \"/var/mail/rex.lock\""))
        #expect(failed("can't create user output file. Command output: procmail: Couldn't create", type: "X-Unix", .data))
        #expect(!failed("procmail: Couldn't create \"/var/mail/rex\"", .rcpt))
        #expect(!failed("procmail: Couldn't create \"/var/mail/rex\"", type: "smtp"))
        #expect(!failed("procmail: Couldn't create \"/var/mail/rex\"", type: nil))
        #expect(!failed("procmail: Quota exceeded while writing \"/var/mail/rex\""))
        #expect(!failed("Command output: maildrop: maildir over quota."))
        #expect(!failed("550 5.1.1 <rex@example.net>: Recipient address rejected"))
    }
}
