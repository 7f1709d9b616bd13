/// What the stream pass found over all messages of a scan.
public struct StreamFindings: Sendable {
    /// Victims that got many bounces in a short window.
    public var floods: [Flood] = []
    /// One spam text reflected by many servers.
    public var campaigns: [Campaign] = []
    /// The servers that sent the backscatter, most first.
    public var reflectors: [Reflector] = []
    /// Our addresses with machine-made local parts that got only bounces.
    public var randomRecipients: [RandomRecipient] = []
    /// Messages of ours that someone else is sending on to others: those the sent log's recipients tell
    /// (`message-id-replayed`), in order of their first notice; then those whose notices date the copy
    /// (`dkim-ours-replayed`, `message-id-sent-long-ago`, `relay-ip-ours-long-ago`), likewise.
    public var replays: [Replay] = []

    /// Nothing found.
    public init() {}

    /// Many bounces to one victim within a short window.
    public struct Flood: Sendable, Hashable {
        /// The address flooded.
        public var victim: String
        /// Start of the busiest window, seconds since 1970 UTC.
        public var start: Int64
        /// End of the busiest window.
        public var end: Int64
        /// Bounce-like messages in that window.
        public var messages: Int
        /// The window's length in seconds (the rule's window).
        public var windowSeconds: Int64
        /// Messages per hour in the window.
        public var ratePerHour: Double
        /// The rule that made it a flood, in words.
        public var rule: String
    }

    /// One original reflected by many servers.
    public struct Campaign: Sendable, Hashable {
        /// The id records carry in `campaign` (`c1`, `c2`, ... in order of first message).
        public var id: String
        /// The original's subject, as one member returned it.
        public var subject: String?
        /// Messages in the campaign.
        public var messages: Int
        /// First message, seconds since 1970 UTC.
        public var first: Int64?
        /// Last message.
        public var last: Int64?
        /// Distinct victims (our addresses).
        public var victims: Int
        /// The victims with most messages, at most 5.
        public var topVictims: [String]
        /// Distinct reflecting servers.
        public var reflectors: Int
        /// What grouped it: `body`, `subject`, or `notice-subject`.
        public var groupedBy: String
        /// Share of its members judged backscatter on their own evidence (0...1).
        public var backscatterShare: Double
    }

    /// A message of ours that someone else sent on: it came back from more addresses we never sent it
    /// to than we sent it to, or in notices that date the copy long after our sending.
    public struct Replay: Sendable, Hashable {
        /// Its Message-ID, as the first notice gave it, without angle brackets.
        public var messageID: String
        /// Notices about the copies: those that name a recipient it was not sent to, or that date the copy.
        public var notices: Int
        /// The distinct addresses those notices name (failed recipients, or who sent an automatic reply);
        /// nil for a replay told by the copies' dates when none is known (a scan keeps the notices'
        /// recipients only with a sent log that lists recipients).
        public var recipients: Int?
        /// How many recipients the sent log has it going to; nil for a replay told by the copies' dates
        /// alone (the sent log is not asked, or there is none).
        public var sentTo: Int?

        /// A replay with these counts.
        public init(messageID: String, notices: Int, recipients: Int?, sentTo: Int?) {
            self.messageID = messageID
            self.notices = notices
            self.recipients = recipients
            self.sentTo = sentTo
        }
    }

    /// A server that sent backscatter.
    public struct Reflector: Sendable, Hashable {
        /// Its name (Reporting-MTA, or the name our MX recorded).
        public var host: String
        /// The connecting IP our MX recorded, when known.
        public var address: String?
        /// Messages judged backscatter it sent.
        public var messages: Int
    }

    /// A made-up address of ours that got bounces.
    public struct RandomRecipient: Sendable, Hashable {
        /// The address.
        public var address: String
        /// Bounce-like messages it got.
        public var messages: Int
    }
}
