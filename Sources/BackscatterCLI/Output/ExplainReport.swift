import Backscatter
import MailParsing

/// `explain`: one message in plain words, for someone who has never heard of a DSN.
struct ExplainReport {
    var record: ScanRecord
    var style: Style

    func render() -> String {
        var out = style.bold("Message #\(record.sequence)") + "  " + TextTable.clean(NativePath.displayed(record.source))
        out += "  (message \(record.index), byte \(record.offset), \(Numbers.grouped(record.length)) bytes)\n"
        out += field("From", record.from)
        out += field("To", record.to.isEmpty ? nil : record.to.joined(separator: ", "))
        out += field("Date", record.date)
        out += field("Subject", record.subject)
        out += field("Message-ID", record.messageId)
        out += "\n" + style.bold("What it is") + "\n" + Self.wrap(Self.describe(record.kind, format: record.format), first: "  ", width: 100)
        if !record.recipients.isEmpty {
            out += "\n" + style.bold("Recipients it reports on") + "\n"
            for recipient in record.recipients {
                out += Self.wrap(Self.describe(recipient), first: "  • " + TextTable.clean(Self.shortened(recipient.recipient, 80)) + ": ",
                                 rest: "    ", width: 100)
                if let diagnostic = recipient.diagnostic, !diagnostic.isEmpty {
                    out += Self.wrap("\"" + TextTable.clean(String(diagnostic.prefix(500))) + "\"",
                                     first: "    the server said: ", rest: "      ", width: 100)
                }
                if let remote = recipient.remoteMTA {
                    out += Self.wrap(TextTable.clean(Self.shortened(remote)), first: "    refused by: ", width: 100)
                }
            }
        } else if record.kind == .bounce {
            // A bounce known by its sender, words and returned original (`format` generic) that names no
            // recipient in a form the readers know.
            out += "\n" + style.bold("Recipients it reports on") + "\n"
            out += Self.wrap("None that could be read: the notice does not name the address that failed in a form we know. The original below shows whom it was written to.", first: "  ", width: 100)
        }
        if record.isBounceLike {
            out += "\n" + style.bold("The message it is about (the \"original\")") + "\n"
            let original = record.original
            switch original.present {
            case .full: out += "  The notice carries the whole original message.\n"
            case .headers: out += "  The notice carries the original's headers only.\n"
            case .none: out += "  The notice does not carry the original, so it cannot be checked directly.\n"
            }
            out += field("From", original.from, indent: 4)
            out += field("To", original.to.isEmpty ? nil : original.to.joined(separator: ", "), indent: 4)
            out += field("Date", original.date, indent: 4)
            out += field("Subject", original.subject, indent: 4)
            out += field("Message-ID", original.messageId, indent: 4)
            for (i, received) in original.received.prefix(6).enumerated() {
                out += field(i == 0 ? "Received" : "", String(received.prefix(400)), indent: 4)
            }
        }
        out += "\n" + style.bold("Evidence") + "\n"
        if record.evidence.isEmpty {
            out += record.isBounceLike ? "  none recorded (no classifier has judged this message)\n"
                : record.kind == .feedbackReport ? "  none needed: a complaint is not judged\n"
                : "  none needed: this is not a notice about another message\n"
        }
        for item in record.evidence {
            let weight = (item.weight >= 0 ? "+" : "") + Decimals.fixed(item.weight, places: 2)
            let painted = item.weight > 0 ? style.red(weight) : item.weight < 0 ? style.green(weight) : weight
            let text = Self.wrap(TextTable.clean(Self.shortened(item.detail, 1000)) + " [" + item.signal + "]",
                                 first: "  " + weight + "  ", width: 100)
            out += style.enabled ? text.replacingFirst(weight, with: painted) : text
        }
        out += "\n" + style.bold("Verdict") + "\n" + Self.wrap(verdictSentence(), first: "  ", width: 100)
        return out
    }

    private func field(_ name: String, _ value: String?, indent: Int = 2) -> String {
        guard let value, !value.isEmpty else { return "" }
        let label = name.isEmpty ? "" : name + ":"
        let head = String(repeating: " ", count: indent) + label + String(repeating: " ", count: max(1, 12 - label.count))
        return Self.wrap(TextTable.clean(Self.shortened(value)), first: head, width: 100)
    }

    /// Word-wraps `text` to `width` columns: the first line after `first`, the rest indented as deep. A
    /// word longer than a whole line (spam's runs of one letter, a base64 blob) is cut across lines: kept
    /// whole, it made one line of 100,000 columns.
    static func wrap(_ text: String, first: String, rest: String? = nil, width: Int) -> String {
        let indent = rest ?? String(repeating: " ", count: first.count)
        var out = ""
        var line = first
        var lineHasWord = false
        func breakLine() {
            out += line + "\n"
            line = indent
            lineHasWord = false
        }
        for whole in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = whole
            while !word.isEmpty {
                let gap = lineHasWord ? 1 : 0
                if line.count + gap + word.count <= width {
                    line += (lineHasWord ? " " : "") + word
                    lineHasWord = true
                    break
                }
                if lineHasWord, word.count <= width - indent.count {
                    breakLine()   // it fits on a line of its own
                    continue
                }
                // Longer than a line, or too long for the first line's room: this line filled with its
                // start (or the next one, when this one has little room left), the rest on the next lines.
                let room = width - line.count - gap
                if room < 8, lineHasWord || room < 1 {
                    breakLine()
                    continue
                }
                let piece = word.prefix(max(1, room))
                line += (lineHasWord ? " " : "") + piece
                word = word.dropFirst(piece.count)
                breakLine()
            }
        }
        return out + line + "\n"
    }

    /// `text` cut after `limit` characters, with an ellipsis, for a value that is shown, not kept.
    static func shortened(_ text: String, _ limit: Int = 500) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    private func verdictSentence() -> String {
        let score = record.score.map { " (score \(Decimals.fixed($0, places: 2)) on a scale from 0, surely legitimate, to 1, surely backscatter)" } ?? ""
        let campaign = record.campaign.map { " It belongs to campaign \($0)." } ?? ""
        switch record.effectiveVerdict {
        case .backscatter:
            // A replay's original was ours once: not forged, but sent again by someone else.
            if record.evidence.contains(where: { Signal.isReplay($0.signal) }) {
                return style.red("backscatter") + score + ": your site sent the original once, but someone sent a copy of it on to others (a replay), and this notice is about their copy, not your sending." + campaign
            }
            return style.red("backscatter") + score + ": your site most likely never sent the original; someone forged your address, and this notice went to you instead of the real sender." + campaign
        case .legitimate:
            return style.green("legitimate") + score + ": your site really sent the original, so this notice is about your own mail." + campaign
        case .uncertain:
            return style.yellow("uncertain") + score + ": the evidence does not decide whether your site sent the original." + campaign
        case .notBounce:
            // A complaint speaks of a message too, but it is no delivery notice: not judged.
            if record.kind == .feedbackReport {
                return "not-bounce: a complaint about a message, not a delivery notice, so it is not judged as backscatter."
            }
            return "not-bounce: ordinary mail, not a notice about another message."
        }
    }

    static func describe(_ kind: ScanRecord.Kind, format: String?) -> String {
        let by = format.map { " (format: \($0))" } ?? ""
        switch kind {
        case .notBounce: return "Ordinary mail: not a bounce or an automatic reply."
        case .bounce: return "A bounce (non-delivery report): a mail server says a message could not be delivered." + by
        case .delay: return "A delay warning: a server is still trying to deliver a message; nothing has failed yet." + by
        case .success: return "A delivery confirmation: a server reports a message as delivered or relayed." + by
        case .autoReply: return "An automatic reply (out-of-office or vacation message) to a message." + by
        case .challenge: return "A challenge: a spam filter asks the sender of a message to confirm they are human." + by
        case .virusNotice: return "A virus or content-filter notice: a filter stopped a message." + by
        case .feedbackReport: return "A feedback (abuse) report: a mailbox provider reports a complaint. Not a bounce." + by
        }
    }

    static func describe(_ recipient: ScanRecord.Recipient) -> String {
        var parts: [String] = []
        switch recipient.action {
        case "failed"?: parts.append("delivery failed")
        case "delayed"?: parts.append("delivery delayed")
        case "delivered"?: parts.append("delivered")
        case "relayed"?: parts.append("relayed onwards")
        case "expanded"?: parts.append("delivered to a list's members")
        case let other?: parts.append(other)
        case nil: break
        }
        if let reason = recipient.reason { parts.append(reasonText(reason)) }
        let notAFailure = ["vacation", "delivered", "feedback"].contains(recipient.reason ?? "")
        if let hard = recipient.hard, !notAFailure { parts.append(hard ? "permanent" : "temporary") }
        var codes: [String] = []
        if let status = recipient.status { codes.append("status \(status)") }
        if let reply = recipient.replyCode { codes.append("SMTP \(reply)") }
        if !codes.isEmpty { parts.append(codes.joined(separator: ", ")) }
        return parts.isEmpty ? "no details given" : parts.joined(separator: "; ")
    }

    /// Sisimai's reason names in words (reasons.tsv).
    static func reasonText(_ reason: String) -> String {
        switch reason {
        case "userunknown": "the mailbox does not exist"
        case "mailboxfull": "the mailbox is full"
        case "hostunknown": "the domain does not exist"
        case "filtered": "a filter at the recipient refused it"
        case "rejected": "the sender was refused"
        case "blocked": "the sending server is blocked"
        case "spamdetected": "it was judged to be spam"
        case "policyviolation": "it broke the receiving site's policy"
        case "authfailure": "sender authentication (SPF, DKIM, DMARC) failed"
        case "requireptr": "the sending server has no reverse DNS"
        case "expired": "delivery was tried for too long and given up"
        case "suspend": "the mailbox is suspended"
        case "mesgtoobig": "the message is too big"
        case "exceedlimit": "it exceeds a size limit"
        case "securityerror": "a security check failed"
        case "virusdetected": "a virus was found in it"
        case "networkerror": "a network error"
        case "systemerror": "a system error at the remote server"
        case "systemfull": "the remote server's disk is full"
        case "toomanyconn": "too many connections"
        case "norelaying": "the server refused to relay it"
        case "notaccept": "the domain accepts no mail"
        case "contenterror": "its content was refused"
        case "syntaxerror": "an SMTP syntax error"
        case "delivered": "delivered"
        case "vacation": "an automatic reply"
        case "feedback": "a complaint report"
        case "undefined", "unknown": "no reason given"
        default: reason
        }
    }
}
