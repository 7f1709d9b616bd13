/// What kind of input a `MailboxReader` found at its path. Detected, never declared by the user.
public enum MailboxKind: String, Sendable, Hashable {
    /// One file in mbox format: it starts with a `From ` line (RFC 4155). Any dialect.
    case mbox
    /// One file in MMDF format (`MMDFParser`): each message between two lines of four Control-A bytes, as
    /// SCO's MMDF and Mutt's `mbox_type=MMDF` write it. It starts with such a line.
    case mmdf
    /// One Dovecot dbox file (`DboxParser`): an sdbox message file (`u.N`) or an mdbox storage file
    /// (`m.N`, several messages). A dbox mailbox or storage folder is a `.directory`.
    case dboxFile
    /// A Maildir: a folder with `cur/` and/or `new/` (and Maildir++ `.Folder`s or nested trees below it).
    case maildir
    /// One file holding one RFC 5322 message; an Apple Mail `.emlx` file too (its byte count line and
    /// property list are not the message: `EmlxFile`).
    case messageFile
    /// A folder of message files (read recursively, sorted by path; files named with a number, an MH
    /// folder's or Dovecot's `u.N`, by number), e.g. an MTA's queue or Badmail folder (of a qmail queue,
    /// its `mess/` folder alone), or a Dovecot dbox folder.
    case directory
    /// Standard input (path `-`): an mbox if it starts with `From `, an MMDF mailbox, `postcat` output or
    /// a Postfix queue file if it starts as one does, else one message.
    case standardInput
    /// One file of Postfix's `postcat` output: queued messages printed one after another (`PostcatParser`).
    case postcatOutput
    /// One Postfix queue file (`/var/spool/postfix/deferred/...`), its message decoded from its records
    /// (`PostfixQueueFile`). A folder of them (a queue) is a `.directory`.
    case postfixQueueFile
    /// One message of Exim's spool (`/var/spool/exim4/input/ID-H` with its `ID-D`), put together from the
    /// two files (`EximSpoolMessage`). A folder of them (the spool's `input`) is a `.directory`.
    case eximSpoolMessage
    /// One entry of Sendmail's queue (`/var/spool/mqueue/qfID` with its `dfID`), put together from the two
    /// files (`SendmailQueueMessage`). A folder of them (the queue) is a `.directory`.
    case sendmailQueueMessage
    /// One message of OpenSMTPD's queue (`/var/spool/smtpd/queue/05/05adcc12/message`, or one of the
    /// envelope files beside it), read with the envelope files (`OpenSMTPDQueue`). A folder of them (the
    /// queue) is a `.directory`.
    case openSMTPDQueueMessage
    /// One entry of the Courier mail server's queue (`/var/lib/courier/msgs/26/C1041826` with its
    /// `D1041826`), put together from the two files (`CourierQueueMessage`). A folder of them (the queue's
    /// `msgs`) is a `.directory`.
    case courierQueueMessage
}
