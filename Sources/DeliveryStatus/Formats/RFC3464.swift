import MailParsing

/// Standard delivery status notifications: `multipart/report; report-type=delivery-status`
/// (RFC 6522, RFC 3464) and `message/global-delivery-status` (RFC 6533), also nested in a
/// `multipart/mixed` by a gateway. Also the base other recognisers build on.
struct RFC3464Recognizer: Recognizer {
    var name: String { "rfc3464" }

    func claims(_ context: BounceContext) -> Bool {
        context.deliveryStatusPart != nil || context.inlineDeliveryStatusText != nil
    }

    func recognize(_ context: BounceContext) -> Finding? {
        var finding: Finding
        // A reading another recogniser made already (`firstPartNamesRecipient(_:)`) is taken, not made again.
        if let kept = context.keptDeliveryStatusReading {
            context.keptDeliveryStatusReading = nil
            finding = kept.finding
        } else if let body = context.soleDeliveryStatusBodyAsIs {
            // The part's body is the bytes `deliveryStatusBytes` copies out of its decoded text.
            finding = RFC3464Recognizer.read(bytes: body)
        } else {
            guard let bytes = RFC3464Recognizer.deliveryStatusBytes(of: context) else { return nil }
            finding = RFC3464Recognizer.read(bytes: bytes[...])
        }
        // `complete` adds no record: a finding without one is nil already. Returned as it stands, not
        // through `isEmpty ? nil : finding`, which copied the finding and destroyed the original
        // (bsd.mbox x3, 1,017 findings: `recognize` 37.39M -> 36.93M instructions).
        guard !finding.recipients.isEmpty else {
            // Kept for a recogniser that reads on without a recipient (Postfix's "Delivery report
            // unavailable", for the per-message fields), so that it need not read the bytes again.
            context.keptDeliveryStatusReading = KeptDeliveryStatusReading(finding)
            return nil
        }
        RFC3464Recognizer.complete(&finding, from: context)
        return finding
    }

    /// The bytes `recognize` reads: the message's delivery-status texts (`allDeliveryStatusTexts`,
    /// else the inline one), a blank line between two; nil when there is none.
    static func deliveryStatusBytes(of context: BounceContext) -> [UInt8]? {
        // Every delivery-status part: a report may carry several (sisimai rfc3464-28 nests two reports).
        var texts = context.allDeliveryStatusTexts
        if texts.isEmpty, let inline = context.inlineDeliveryStatusText { texts = [inline] }
        guard !texts.isEmpty else { return nil }
        // The texts' bytes, a blank line between two, copied once into the buffer the reader reads
        // (joining them into a String first copied them twice).
        // One text (most reports) is copied whole by `Array(_:)`, which allocated and copied for less
        // than the reserved array appended to (bsd.mbox x3, 1,023 reports: ~350 instructions each).
        guard texts.count > 1 else { return Array(texts[0].utf8) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(texts.reduce(2 * texts.count) { $0 + $1.utf8.count })
        for (i, text) in texts.enumerated() {
            if i > 0 { bytes.append(ASCII.lineFeed); bytes.append(ASCII.lineFeed) }
            var text = text
            text.withUTF8 { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// `!read(context.deliveryStatusText).recipients.isEmpty`: whether the first delivery-status
    /// part's fields name a recipient (false without one). When that part's text is all the texts
    /// `recognize` reads (`allDeliveryStatusTexts` holds it alone), its reading is kept in the context
    /// for `recognize` to take: Office 365's reports defer to the RFC 3464 reader when the answer is
    /// yes, and that reader read the same bytes again (bsd.mbox x3: 42 readings, 0.44M instructions).
    static func firstPartNamesRecipient(_ context: BounceContext) -> Bool {
        guard let text = context.deliveryStatusText else { return false }
        let texts = context.allDeliveryStatusTexts
        // With a delivery-status part, the texts start with its text, the one `deliveryStatusText` decoded.
        // Then `deliveryStatusBytes` are that text's bytes, the very bytes `recognize` would read.
        guard texts.count == 1, let bytes = deliveryStatusBytes(of: context) else { return !read(text).recipients.isEmpty }
        let kept = KeptDeliveryStatusReading(read(bytes: bytes[...]))
        context.keptDeliveryStatusReading = kept
        return !kept.finding.recipients.isEmpty
    }

    /// Completes each record from the human-readable part: the diagnostic when the DSN gave none, and
    /// the SMTP command, which only the text usually names (Postfix "in reply to RCPT TO command").
    static func complete(_ finding: inout Finding, from context: BounceContext) {
        // A single recipient's record is read together with the report's own words (the DSN often
        // carries only "5.0.0" while the text says why), as Sisimai does.
        // Whether recipient 0's decision text is the swept lead text, alone or followed by a space and
        // the record's own swept diagnostic (not empty: then the whole is swept too).
        var decisionTextFromLead = false
        // Whether a single recipient's lead text quotes a pipe command (`"|`): then sendmail's line for
        // it may be the diagnostic a DSN without one lacks.
        var leadHoldsPipe = false
        // The records of several whose reason an agent's line gave: complete as they are.
        var agentDecided: Set<Int> = []
        // A single recipient's swept lead text when it is short enough to stand as its diagnostic.
        var shortLead: String? = nil
        if finding.recipients.count == 1 {
            let lead = context.sweptLeadText
            if !lead.isEmpty, lead.utf8.count <= maxLeadDiagnosticBytes { shortLead = lead }
            let own = Diagnostic.sweep(finding.recipients[0].diagnostic)
            finding.recipients[0].sweptDiagnostic = (finding.recipients[0].diagnostic, own)
            if !lead.isEmpty {
                // An empty `own` is in every text (`containsIgnoringCase("")` is true).
                let leadHasOwn = own.isEmpty
                    || (leadHoldsIgnoringCase(lead, own) ?? (leadHoldsExactly(lead, own) || lead.containsIgnoringCase(own)))
                finding.recipients[0].decisionText = leadHasOwn ? lead : joined(lead, own)
                decisionTextFromLead = leadHasOwn || !own.isEmpty
                // A local delivery agent's own line ("mail.local: unknown user: kijitora") says why, more
                // exactly than the DSN's "5.5.0" and the lead text around it (sisimai rfc3464-06,
                // Sisimai's MDA rule). In a report of several recipients, only a line that names one
                // speaks of it (below).
                leadHoldsPipe = LocalDeliveryAgent.holdsPipeCommand(lead)
                if leadHoldsPipe || LocalDeliveryAgent.namesAgentBeforeAColon(lead), let agent = LocalDeliveryAgent.message(in: context.text) {
                    finding.recipients[0].reason = agent.reason
                    finding.recipients[0].diagnostic = agent.text
                    finding.recipients[0].sweptDiagnostic = nil
                    finding.recipients[0].command = nil
                    return
                }
            }
            if Self.agentFailedOnItsOwn(own, type: finding.recipients[0].diagnosticType, command: finding.recipients[0].command) {
                finding.recipients[0].reason = .mailerError
            }
        } else if finding.recipients.count > 1 {
            agentDecided = decideByAgents(&finding, context)
        }
        // Each record's fields read in place: copied out of the array (`let r = finding.recipients[i]`),
        // each record's dozen strings were retained and released (bsd.mbox x3, 1,068 copies). The
        // command is searched for in the diagnostic the DSN gave, as before the block replaced it.
        for i in finding.recipients.indices where !agentDecided.contains(i) {
            let givenDiagnostic = finding.recipients[i].diagnostic
            // The text's block for the address is looked up only when the DSN gave no diagnostic; a
            // single recipient's alone (`TextScan.onlyBlock`).
            if isBlank(givenDiagnostic) {
                if let block = finding.recipients.count == 1 ? TextScan.onlyBlock(for: finding.recipients[i].recipient, in: context)
                    : TextScan.block(for: finding.recipients[i].recipient, in: context) {
                    finding.recipients[i].diagnostic = TextScan.explanation(of: finding.recipients[i].recipient, from: block, in: context)
                }
                if isBlank(finding.recipients[i].diagnostic), leadHoldsPipe, let line = LocalDeliveryAgent.pipeRecipientLine(in: context.text) {
                    // A pipe recipient's line of sendmail (`554 "|/usr/local/bin/filter"... Service
                    // unavailable`): the only words the report has for a recipient that is a program.
                    finding.recipients[i].diagnostic = line
                } else if isBlank(finding.recipients[i].diagnostic), let shortLead {
                    // Nothing in the text speaks of the address: a single recipient's report says why in
                    // its own words ("Unable to deliver message to the following recipients, due to being
                    // unable to connect successfully to the destination mail server.", sisimai
                    // lhost-outlook-07, as Sisimai reports it).
                    finding.recipients[i].diagnostic = shortLead
                }
            }
            if finding.recipients[i].command == nil {
                let decisionText = finding.recipients[i].decisionText
                let named = SMTPCommandFinder.find(in: decisionText ?? givenDiagnostic)
                if i == 0 && decisionTextFromLead, let decisionText {
                    // No command in the swept lead text and what follows it means none in the lead text
                    // either: sweeping only turns blank runs into one space, so each occurrence of a
                    // word without a space, and the bytes around it (blank or space, neither a word
                    // byte), match one in the swept text, and a word with a space found in the lead
                    // text is found in the swept text too. `leadTextCommand` is not searched (bsd.mbox
                    // x3: 606 searches of whole lead texts, 2.97M instructions).
                    finding.recipients[i].command = named
                    finding.recipients[i].sweptDecisionText = (decisionText, named)
                } else {
                    finding.recipients[i].command = named ?? context.leadTextCommand
                }
            }
        }
    }

    /// For a report of several recipients: an agent line that names one (`mail.local: unknown user: bob`)
    /// says why for that one, as Sisimai 5 reads each record's own diagnostic for an agent's words; a
    /// record's own agent line without such words is the mailer's failure (`agentFailedOnItsOwn`).
    /// Returns the records decided so, which `complete` leaves as they are. Out of line: few reports have
    /// several recipients.
    @inline(never)
    static func decideByAgents(_ finding: inout Finding, _ context: BounceContext) -> Set<Int> {
        var decided: Set<Int> = []
        if LocalDeliveryAgent.namesAgentBeforeAColon(context.text) {
            let messages = LocalDeliveryAgent.messages(in: context.text)
            for i in finding.recipients.indices {
                guard let agent = LocalDeliveryAgent.message(for: finding.recipients[i].recipient, among: messages) else { continue }
                finding.recipients[i].reason = agent.reason
                finding.recipients[i].diagnostic = agent.text
                finding.recipients[i].command = nil
                decided.insert(i)
            }
        }
        // A record's own diagnostic is asked whatever the report's text names, as for a single recipient.
        for i in finding.recipients.indices where !decided.contains(i)
        && agentFailedOnItsOwn(finding.recipients[i].diagnostic, type: finding.recipients[i].diagnosticType, command: finding.recipients[i].command) {
            finding.recipients[i].reason = .mailerError
        }
        return decided
    }

    /// Whether a record's own diagnostic, of type `x-unix` (RFC 3464 §2.3.6: a program's words, not a
    /// remote server's), is a local delivery agent's line whose words name no reason ("procmail: Lock
    /// failure on ..."), given after DATA or with no command: the program that was to write the message
    /// failed, `mailererror`, the last line of Sisimai 5's lda rule (sisimai lhost-postfix-79, as Sisimai
    /// 4.25 reports it too). Words of a reason anywhere in it leave the decision to the reason tables.
    @inline(never)
    static func agentFailedOnItsOwn(_ diagnostic: String, type: String?, command: SMTPCommand?) -> Bool {
        guard let type, type.utf8.count >= 6, type.utf8.prefix(6).elementsEqual("x-unix".utf8, by: { ASCII.lowercased($0) == $1 }),
              command == nil || command == .data, LocalDeliveryAgent.namesAgentBeforeAColon(diagnostic) else { return false }
        return !LocalDeliveryAgent.holdsAnAgentsWords(diagnostic)
    }

    /// The longest swept lead text that stands as a single recipient's diagnostic when nothing else in the
    /// report speaks of it (a longer one is more than an explanation: boilerplate, a whole notice).
    static let maxLeadDiagnosticBytes = 400

    /// `a + " " + b`: the bytes of both, a space between, copied into one buffer and made a String
    /// without validation (two valid UTF-8 texts and a space are valid UTF-8). `+` copied `a` into a
    /// new String and went through `String.append` twice (bsd.mbox x3, 252 single recipients' decision
    /// texts and 48 diagnostics: ~1,350 instructions a call).
    static func joined(_ a: String, _ b: String) -> String {
        var a = a, b = b
        return a.withUTF8 { u in
            b.withUTF8 { v in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: u.count &+ 1 &+ v.count) { out in
                    if let base = out.baseAddress {
                        if let p = u.baseAddress { base.update(from: p, count: u.count) }
                        base[u.count] = UInt8(ascii: " ")
                        if let q = v.baseAddress { (base + (u.count &+ 1)).update(from: q, count: v.count) }
                    }
                    let bytes = UnsafeBufferPointer(out)
                    return UncheckedUTF8.string(bytes, isASCII: ASCII.isASCII(bytes))
                }
            }
        }
    }

    /// `text.trimmedSlice.isEmpty`: every UTF-8 byte a space, tab, CR or LF, read up to the first
    /// other byte, most often the first (`trimmedSlice` made a Substring and measured both ends:
    /// bsd.mbox x3, 1,068 diagnostics, 0.30M instructions).
    static func isBlank(_ text: String) -> Bool {
        text.utf8.allSatisfy(ASCII.isWhitespaceOrNewline)
    }

    /// Whether ASCII `needle` occurs byte for byte in `haystack` (`ByteSubstring`): then `containsIgnoringCase`
    /// is true too, since lower-casing maps each ASCII character to the same byte wherever it stands.
    /// False for a non-ASCII or empty needle (asked of `containsIgnoringCase` then). Most single
    /// recipients' swept diagnostics stand in the swept lead text as they are.
    /// Read through the UTF-8 views, not `withUTF8` of copies, each retained and released (bsd.mbox
    /// x3, 957 calls: 0.51M -> 0.43M instructions).
    static func leadHoldsExactly(_ haystack: String, _ needle: String) -> Bool {
        haystack.utf8.withContiguousStorageIfAvailable { h in
            needle.utf8.withContiguousStorageIfAvailable { n in
                guard !n.isEmpty, n.count <= h.count, ASCII.isASCII(n) else { return false }
                return ByteSubstring.firstOffset(of: n, in: h) != nil
            } ?? false
        } ?? false
    }

    /// `haystack.containsIgnoringCase(needle)` when `haystack` is known to be ASCII (its String's flag)
    /// and `needle` is ASCII and not empty; nil otherwise (asked of `leadHoldsExactly` and
    /// `containsIgnoringCase` then). No U+0130 or U+212A (whose lower case holds ASCII letters) stands
    /// in such a haystack, so the answer is the case-less search's (`ASCIICaseInsensitive.contains(anyCase:in:)`) alone: one
    /// search of the swept lead text, where the exact search and, after a miss, the case-less one and
    /// two searches for those characters read it up to four times (bsd.mbox x3, 903 of 957 single
    /// recipients answered here: 0.84M -> 0.56M instructions). The needle's bytes are read for ASCII
    /// only when its String's flag does not tell.
    static func leadHoldsIgnoringCase(_ haystack: String, _ needle: String) -> Bool? {
        var knownASCII = false, needleKnownASCII = false
        if #available(macOS 26.0, *) {
            knownASCII = haystack.utf8Span.isKnownASCII
            needleKnownASCII = needle.utf8Span.isKnownASCII
        }
        guard knownASCII else { return nil }
        return haystack.utf8.withContiguousStorageIfAvailable { h in
            needle.utf8.withContiguousStorageIfAvailable { n -> Bool? in
                guard !n.isEmpty, needleKnownASCII || ASCII.isASCII(n) else { return nil }
                return ASCIICaseInsensitive.contains(anyCase: n, in: h)
            } ?? nil
        } ?? nil
    }

    /// Reads the fields of a delivery-status body (RFC 3464 §2.2 and §2.3) as a stream: a blank
    /// line ends a recipient's group, and so does a second `Final-Recipient` without one (sisimai
    /// rhost-aol-03 runs the groups together).
    static func read(_ text: String) -> Finding {
        read(bytes: Array(text.utf8)[...])
    }

    /// `read(_:)` over the body's bytes: field names are recognised as bytes and a value becomes a
    /// String only when it is read.
    ///
    /// Each group's fields are parsed into one buffer, reused, and read where they stand: a record's
    /// fields are a run of the group's (`segment`), and a per-message field is read into the
    /// `PerMessageFields` when it is met, in the order it was appended to a list read afterwards
    /// before. (The list and a record's fields were copied field by field into two more arrays, three
    /// allocated a DSN: bsd.mbox x3, `read(bytes:)` 18.36M -> 17.34M instructions.)
    ///
    /// A group's fields are parsed into a buffer on the stack, emptied for the next group
    /// (`FieldBuffer`): the array they were appended to was allocated and freed once a report, each
    /// append checked for room and uniqueness (bsd.mbox x3, 1,068 reports). A report with a group of
    /// more fields than the buffer holds is read again by `readGrowing(bytes:)`.
    static func read(bytes: ArraySlice<UInt8>) -> Finding {
        let inPlace: Finding? = withUnsafeTemporaryAllocation(of: DeliveryStatusFields.Field.self,
                                                               capacity: DeliveryStatusFields.FieldBuffer.capacity) { storage in
            var fields = DeliveryStatusFields.FieldBuffer(storage)
            var recipients: [RecipientFinding] = []
            var perMessage = PerMessageFields()
            var groups = DeliveryStatusFields.Groups(bytes)
            // The values are read in place from the body's buffer, taken once (`Field.withValueBytes`).
            let read: Bool = bytes.withUnsafeBufferPointer { buffer in
                while groups.next(into: &fields) {
                    if fields.overflowed { return false }
                    readGroup(fields.fields, in: bytes, buffer: buffer, recipients: &recipients, perMessage: &perMessage)
                    fields.removeAll()
                }
                return true
            }
            return read ? Finding(recipients: recipients, perMessage: perMessage) : nil
        }
        return inPlace ?? readGrowing(bytes: bytes)
    }

    /// `read(bytes:)` with the fields in an array, for a report with a group of more fields than
    /// `FieldBuffer` holds.
    static func readGrowing(bytes: ArraySlice<UInt8>) -> Finding {
        var recipients: [RecipientFinding] = []
        var perMessage = PerMessageFields()
        var groups = DeliveryStatusFields.Groups(bytes)
        var fields: [DeliveryStatusFields.Field] = []
        // Each group's fields are appended after the last group's and read from where they start.
        var groupStart = 0
        bytes.withUnsafeBufferPointer { buffer in
            while groups.next(into: &fields) {
                fields.withUnsafeBufferPointer { all in
                    readGroup(UnsafeBufferPointer(rebasing: all[groupStart...]), in: bytes, buffer: buffer,
                              recipients: &recipients, perMessage: &perMessage)
                }
                groupStart = fields.count
            }
        }
        return Finding(recipients: recipients, perMessage: perMessage)
    }

    /// Reads the fields of one group into `recipients` and `perMessage`: its records, ended by a
    /// second Final-Recipient as by the group's end, and the per-message fields before them.
    private static func readGroup(_ group: UnsafeBufferPointer<DeliveryStatusFields.Field>, in bytes: ArraySlice<UInt8>,
                                  buffer: UnsafeBufferPointer<UInt8>, recipients: inout [RecipientFinding],
                                  perMessage: inout PerMessageFields) {
        // The record being read is `group[segmentStart..<k]`, with whether it holds a
        // Final-Recipient / an Original-Recipient field, and where the first of them stands.
        var segmentStart = 0
        var hasFinal = false, hasOriginal = false
        var firstRecipientField = group.count
        for k in 0..<group.count {
            let name = group[k].name
            let isFinal = name == .finalRecipient
            let isOriginal = name == .originalRecipient
            // A second Final-Recipient without a blank line ends the record (sisimai rhost-aol-03).
            if (isFinal && hasFinal) || (isOriginal && hasFinal && hasOriginal) {
                endRecord(group, segmentStart..<k, firstRecipientField: firstRecipientField,
                          in: bytes, buffer: buffer, recipients: &recipients, perMessage: &perMessage)
                segmentStart = k
                hasFinal = false
                hasOriginal = false
                firstRecipientField = group.count
            }
            // RFC 3464 §2.2 per-message fields before any recipient field belong to the message
            // even when no blank line separates them from the first recipient (sisimai rhost-aol-03).
            if !hasFinal && !hasOriginal {
                if name.isPerMessage {
                    readPerMessage(group[k], in: bytes, buffer: buffer, into: &perMessage)
                    continue
                }
                if isFinal || isOriginal { firstRecipientField = k }
            }
            hasFinal = hasFinal || isFinal
            hasOriginal = hasOriginal || isOriginal
        }
        endRecord(group, segmentStart..<group.count, firstRecipientField: firstRecipientField,
                  in: bytes, buffer: buffer, recipients: &recipients, perMessage: &perMessage)
    }

    /// Ends the record of `group[segment]`: a recipient's record appended when the run holds a
    /// Final-Recipient or Original-Recipient field (at `firstRecipientField`, the run's end when
    /// none) and names an address; otherwise, while no record was read, its fields are the message's,
    /// but for the per-message fields before `firstRecipientField`, read already.
    ///
    /// The run may hold those per-message fields: `appendRecipient` reads none of their names.
    private static func endRecord(_ group: UnsafeBufferPointer<DeliveryStatusFields.Field>, _ segment: Range<Int>,
                                  firstRecipientField: Int, in bytes: ArraySlice<UInt8>, buffer: UnsafeBufferPointer<UInt8>,
                                  recipients: inout [RecipientFinding], perMessage: inout PerMessageFields) {
        guard segment.lowerBound >= 0, segment.upperBound <= group.count, !segment.isEmpty else { return }
        let run = UnsafeBufferPointer(rebasing: group[segment])
        let hasRecipientField = firstRecipientField < segment.upperBound
        if hasRecipientField && appendRecipient(run, in: bytes, buffer: buffer, to: &recipients) { return }
        guard recipients.isEmpty else { return }
        for k in segment where k >= firstRecipientField || !group[k].name.isPerMessage {
            readPerMessage(group[k], in: bytes, buffer: buffer, into: &perMessage)
        }
    }

    /// Reads one per-message field into `m` (RFC 3464 §2.2); a later field of a name replaces an
    /// earlier one, and `x-` fields are kept in order. `buffer` is the buffer of `bytes`.
    /// Not inlined: inlined into `read(bytes:)`, the message's fields were copied and destroyed once a
    /// report (bsd.mbox x3, 1,068 copies, 0.36M instructions).
    @inline(never)
    static func readPerMessage(_ field: DeliveryStatusFields.Field, in bytes: ArraySlice<UInt8>, buffer: UnsafeBufferPointer<UInt8>,
                               into m: inout PerMessageFields) {
        switch field.name {
        case .reportingMTA: m.reportingMTA = TypedValue.value(of: field, in: bytes, buffer: buffer)
        case .dsnGateway: m.dsnGateway = TypedValue.value(of: field, in: bytes, buffer: buffer)
        case .receivedFromMTA: m.receivedFromMTA = TypedValue.value(of: field, in: bytes, buffer: buffer)
        case .arrivalDate: m.arrivalDate = field.trimmedValue(in: bytes, buffer: buffer)
        case .originalEnvelopeID: m.originalEnvelopeID = XText.decode(field.trimmedValue(in: bytes, buffer: buffer))
        default:
            if field.isASCII {
                // An ASCII name lower-cases byte by byte, and only an `x-` name is kept. The name read
                // in the buffer, not through a slice of `bytes` (retained, its subscripts checked).
                let lower = field.nameRange.lowerBound &- bytes.startIndex, upper = field.nameRange.upperBound &- bytes.startIndex
                guard buffer.count == bytes.count, lower >= 0, upper <= buffer.count, lower <= upper else {
                    let name = bytes[field.nameRange]
                    guard name.count >= 2, name[name.startIndex] | 0x20 == UInt8(ascii: "x"), name[name.startIndex + 1] == UInt8(ascii: "-") else { return }
                    m.extensionFields.append(BounceReport.ExtensionField(name: field.lowercasedASCIIName(in: bytes), value: field.value(in: bytes)))
                    return
                }
                let name = UnsafeBufferPointer(rebasing: buffer[lower..<upper])
                guard name.count >= 2, name[0] | 0x20 == UInt8(ascii: "x"), name[1] == UInt8(ascii: "-") else { return }
                // Room for a few from the first: Postfix's groups hold two (bsd.mbox x3: 819 fields
                // of 459 messages, 819 allocations -> 459).
                if m.extensionFields.isEmpty { m.extensionFields.reserveCapacity(4) }
                m.extensionFields.append(BounceReport.ExtensionField(name: DeliveryStatusFields.Field.lowercasedASCIIName(name),
                                                                       value: field.value(in: bytes, buffer: buffer)))
            } else {
                let name = field.lowercasedName(in: bytes)
                if name.hasPrefix("x-") { m.extensionFields.append(BounceReport.ExtensionField(name: name, value: field.value(in: bytes))) }
            }
        }
    }

    /// The record of a recipient's group appended to `recipients`; false (nothing appended) when the
    /// group names no address. The record is filled in place in the array: built in a local and
    /// returned, it was copied once and destroyed once (bsd.mbox x3, 1,113 records, 0.70M).
    static func appendRecipient(_ fields: UnsafeBufferPointer<DeliveryStatusFields.Field>, in bytes: ArraySlice<UInt8>,
                                buffer: UnsafeBufferPointer<UInt8>, to recipients: inout [RecipientFinding]) -> Bool {
        // The first field of each record name, found in one forward pass over the run (each name was
        // looked for by a scan of its own, ten scans a record: bsd.mbox x3, 1,113 records).
        var firstFinal = -1, firstOriginal = -1, firstActual = -1, firstAction = -1, firstStatus = -1
        var firstRemoteMTA = -1, firstDiagnostic = -1, firstAttempt = -1, firstLogID = -1, firstRetry = -1
        for i in fields.indices {
            switch fields[i].name {
            case .finalRecipient: if firstFinal < 0 { firstFinal = i }
            case .originalRecipient: if firstOriginal < 0 { firstOriginal = i }
            case .xActualRecipient: if firstActual < 0 { firstActual = i }
            case .action: if firstAction < 0 { firstAction = i }
            case .status: if firstStatus < 0 { firstStatus = i }
            case .remoteMTA: if firstRemoteMTA < 0 { firstRemoteMTA = i }
            case .diagnosticCode: if firstDiagnostic < 0 { firstDiagnostic = i }
            case .lastAttemptDate: if firstAttempt < 0 { firstAttempt = i }
            case .finalLogID: if firstLogID < 0 { firstLogID = i }
            case .willRetryUntil: if firstRetry < 0 { firstRetry = i }
            case .reportingMTA, .dsnGateway, .receivedFromMTA, .arrivalDate, .originalEnvelopeID, .other: break
            }
        }
        /// The index noted for a name, nil when none (-1).
        func first(_ noted: Int) -> Int? { noted >= 0 && noted < fields.count ? noted : nil }
        // A field's address with `Addresses.isAddress` of it, an ASCII one judged on its bytes.
        func addressOf(_ field: DeliveryStatusFields.Field) -> (address: String, isAddress: Bool) {
            if field.isASCII { return field.withValueBytes(in: bytes, buffer: buffer) { TypedValue.checkedAddress(ascii: $0) } }
            let address = TypedValue(field.value(in: bytes)).address
            return (address, Addresses.isAddress(address))
        }
        let final = first(firstFinal).map { addressOf(fields[$0]) }
        // An Original-Recipient that repeats the Final-Recipient's value (but for blanks after the
        // `;`, Postfix's "rfc822;a@b" against "rfc822; a@b") has its address (bsd.mbox x3: 354 of 444).
        let original = first(firstOriginal).map { k in
            if let given = final, let f = first(firstFinal), sameTypedValue(fields[f], fields[k], in: bytes, buffer: buffer) { return given }
            return addressOf(fields[k])
        }
        let finalAddress = final?.address
        let originalAddress = original?.address
        // RFC 3464 §2.3.2: Final-Recipient is required; fall back to Original-Recipient, then to the
        // X-Actual-Recipient some MTAs add. (`isAddress("")` is false.)
        var address = finalAddress ?? ""
        var isAddress = final?.isAddress ?? false
        if !isAddress, let o = original, o.isAddress { address = o.address; isAddress = true }
        if !isAddress, let x = first(firstActual).map({ addressOf(fields[$0]) }), x.isAddress { address = x.address }
        /// The record's fields after its address.
        func fill(_ r: inout RecipientFinding) {
            if finalAddress != nil { r.finalRecipient = finalAddress }
            if originalAddress != nil { r.originalRecipient = originalAddress }
            if let a = first(firstAction) { r.action = DeliveryAction(fields[a], in: bytes, buffer: buffer) }
            if let k = first(firstStatus) {
                let s = fields[k]
                if s.isASCII {
                    let (status, comment) = s.withValueBytes(in: bytes, buffer: buffer) { readStatus($0) }
                    r.status = status
                    if let comment { r.diagnostic = comment }
                } else {
                    let s = s.value(in: bytes)
                    // "5.1.1", "5.1.1 (bad destination)", "#5.1.1": first token.
                    let token = s.trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "(" }).first.map(String.init) ?? ""
                    r.status = EnhancedStatusCode(token)
                    // "Status: 4.0.0 (cat.example.net: host name lookup failure)": the comment is a diagnostic too.
                    if let open = s.firstIndex(of: "("), let close = s.lastIndex(of: ")"), open < close {
                        r.diagnostic = String(s[s.index(after: open)..<close])
                    }
                }
            }
            if let mta = first(firstRemoteMTA) { r.remoteMTA = TypedValue.value(of: fields[mta], in: bytes, buffer: buffer) }
            if let d = first(firstDiagnostic) {
                let (type, value) = diagnosticCode(fields[d], in: bytes, buffer: buffer)
                r.diagnosticType = type
                r.diagnostic = r.diagnostic.isEmpty ? value : joined(r.diagnostic, value)
            }
            // Assigned only when present: each assignment of nil destroyed the nil it replaced through
            // an outlined call.
            if let k = first(firstAttempt) { r.lastAttemptDate = fields[k].trimmedValue(in: bytes, buffer: buffer) }
            if let k = first(firstLogID) { r.finalLogID = fields[k].trimmedValue(in: bytes, buffer: buffer) }
            if let k = first(firstRetry) { r.willRetryUntil = fields[k].trimmedValue(in: bytes, buffer: buffer) }
        }
        guard !address.isEmpty else { return false }
        recipients.append(RecipientFinding(recipient: address))
        fill(&recipients[recipients.count - 1])
        return true
    }

    /// Whether the ASCII fields `a` and `b` of `bytes` (`buffer` its buffer) read as the same typed
    /// value (`TypedValue.asciiParts` of their values: the same type and value bytes), so that
    /// `TypedValue.checkedAddress` gives both the same answer: unfolded, equal up to the first `;`,
    /// which follows a valid type, and equal after the blanks that follow it. False when unsure.
    static func sameTypedValue(_ a: DeliveryStatusFields.Field, _ b: DeliveryStatusFields.Field,
                               in bytes: ArraySlice<UInt8>, buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.isASCII, b.isASCII, !a.isFolded, !b.isFolded, buffer.count == bytes.count else { return false }
        let base = bytes.startIndex
        let ra = (a.rawValueRange.lowerBound &- base)..<(a.rawValueRange.upperBound &- base)
        let rb = (b.rawValueRange.lowerBound &- base)..<(b.rawValueRange.upperBound &- base)
        guard ra.lowerBound >= 0, rb.lowerBound >= 0, ra.upperBound <= buffer.count, rb.upperBound <= buffer.count,
              ra.count < DeliveryStatusFields.Field.maxUnfoldedBytes, rb.count < DeliveryStatusFields.Field.maxUnfoldedBytes
        else { return false }
        let u = UnsafeBufferPointer(rebasing: buffer[ra]), v = UnsafeBufferPointer(rebasing: buffer[rb])
        @inline(__always) func blank(_ x: UInt8) -> Bool { x == 32 || x == 9 || x == 13 || x == 10 }
        // The first `;` of each, at the same offset, and the bytes up to it the same.
        var semi = 0
        while semi < u.count, semi < v.count, u[semi] == v[semi], u[semi] != UInt8(ascii: ";") { semi &+= 1 }
        guard semi < u.count, semi < v.count, u[semi] == UInt8(ascii: ";"), v[semi] == UInt8(ascii: ";") else { return false }
        // The head before it a valid type (`asciiParts` splits both there): not empty once trimmed,
        // at most 40 bytes, all type bytes.
        var lower = 0, upper = semi
        while lower < upper, blank(u[lower]) { lower &+= 1 }
        while upper > lower, blank(u[upper &- 1]) { upper &-= 1 }
        guard upper > lower, upper &- lower <= 40 else { return false }
        for k in lower..<upper where !TypedValue.isTypeByte(u[k]) { return false }
        // The rest after the blanks that follow the `;` the same.
        var i = semi &+ 1, j = semi &+ 1
        while i < u.count, blank(u[i]) { i &+= 1 }
        while j < v.count, blank(v[j]) { j &+= 1 }
        guard u.count &- i == v.count &- j else { return false }
        while i < u.count {
            if u[i] != v[j] { return false }
            i &+= 1
            j &+= 1
        }
        return true
    }

    /// A `Diagnostic-Code` field's upper-cased type (nil when none) and value: `TypedValue(field, in:)`
    /// with `type?.uppercased()`, an ASCII type upper-cased from its bytes (the type lower-cased into
    /// a String, then `uppercased()`, cost ~250 instructions a field: bsd.mbox x3, 1,029 fields).
    static func diagnosticCode(_ field: DeliveryStatusFields.Field, in bytes: ArraySlice<UInt8>) -> (type: String?, value: String) {
        bytes.withUnsafeBufferPointer { diagnosticCode(field, in: bytes, buffer: $0) }
    }

    /// `diagnosticCode(_:in:)` with `buffer`, the buffer of `bytes`, the value read in place.
    static func diagnosticCode(_ field: DeliveryStatusFields.Field, in bytes: ArraySlice<UInt8>,
                               buffer: UnsafeBufferPointer<UInt8>) -> (type: String?, value: String) {
        guard field.isASCII else {
            let typed = TypedValue(field.value(in: bytes, buffer: buffer))
            return (typed.type?.uppercased(), typed.value)
        }
        return field.withValueBytes(in: bytes, buffer: buffer) { asciiDiagnosticCode($0) }
    }

    /// `diagnosticCode`'s answer for an ASCII value's bytes (its value made a String unchecked).
    private static func asciiDiagnosticCode(_ valueBytes: UnsafeBufferPointer<UInt8>) -> (type: String?, value: String) {
        let parts = TypedValue.asciiParts(valueBytes)
        let value = UncheckedUTF8.asciiString(UnsafeBufferPointer(rebasing: valueBytes[parts.value]))
        guard let type = parts.type else { return (nil, value) }
        let typeBytes = UnsafeBufferPointer(rebasing: valueBytes[type])
        // Most types are `smtp` (bsd.mbox x3: 945 of 1,029 typed values): its upper case as a literal, not a new String.
        if typeBytes.count == 4, ASCII.equals(typeBytes, ignoringCase: "smtp") {
            return ("SMTP", value)
        }
        // Type bytes are ASCII letters, digits, `-`, `.` and `_`: only a-z change.
        let upper = String(unsafeUninitializedCapacity: typeBytes.count) { out in
            var k = 0
            for b in typeBytes {
                out[k] = b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") ? b - 32 : b
                k += 1
            }
            return k
        }
        return (upper, value)
    }

    /// The `Status:` value of ASCII bytes: the code of its first token ("5.1.1", "5.1.1 (bad
    /// destination)", "#5.1.1"), and the text between the first `(` and the last `)`, which is a
    /// diagnostic too ("Status: 4.0.0 (cat.example.net: host name lookup failure)").
    static func readStatus(_ value: ArraySlice<UInt8>) -> (EnhancedStatusCode?, comment: String?) {
        value.withUnsafeBufferPointer { readStatus($0) }
    }

    /// `readStatus(_:)` of the value's bytes read in place (`Field.withValueBytes`), the code read by
    /// `EnhancedStatusCode(tokenBytes:)`: an `ArraySlice` of each value was made for the code
    /// (bsd.mbox x3, 1,098 values: `appendRecipient` 4.54M -> 4.34M instructions).
    static func readStatus(_ value: UnsafeBufferPointer<UInt8>) -> (EnhancedStatusCode?, comment: String?) {
        @inline(__always) func separates(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == UInt8(ascii: "(") }
        var start = 0
        while start < value.count, separates(value[start]) { start &+= 1 }
        var end = start
        while end < value.count, !separates(value[end]) { end &+= 1 }
        let status = EnhancedStatusCode(tokenBytes: UnsafeBufferPointer(rebasing: value[start..<end]))
        var comment: String? = nil
        if let open = value.firstIndex(of: UInt8(ascii: "(")), let close = value.lastIndex(of: UInt8(ascii: ")")), open < close {
            comment = String(decoding: UnsafeBufferPointer(rebasing: value[(open &+ 1)..<close]), as: UTF8.self)
        }
        return (status, comment)
    }

}

extension TypedValue {
    /// `init(_:)` of a field's value; an ASCII value is split on its bytes.
    init(_ field: DeliveryStatusFields.Field, in bytes: ArraySlice<UInt8>) {
        if field.isASCII { self.init(asciiBytes: field.valueBytes(in: bytes)) } else { self.init(field.value(in: bytes)) }
    }

    /// `init(field, in: bytes).value`, the type left unread: an ASCII value's type is not made a
    /// lower-cased String only to be dropped (the MTA name fields, `Reporting-MTA`, `Remote-MTA` ...:
    /// bsd.mbox x3, 2,100 values; `read(bytes:)` 17.34M -> 16.57M instructions).
    static func value(of field: DeliveryStatusFields.Field, in bytes: ArraySlice<UInt8>) -> String {
        bytes.withUnsafeBufferPointer { value(of: field, in: bytes, buffer: $0) }
    }

    /// `value(of:in:)` with `buffer`, the buffer of `bytes`, the value read in place.
    static func value(of field: DeliveryStatusFields.Field, in bytes: ArraySlice<UInt8>, buffer: UnsafeBufferPointer<UInt8>) -> String {
        guard field.isASCII else { return TypedValue(field.value(in: bytes, buffer: buffer)).value }
        return field.withValueBytes(in: bytes, buffer: buffer) { valueBytes in
            UncheckedUTF8.asciiString(UnsafeBufferPointer(rebasing: valueBytes[TypedValue.asciiParts(valueBytes).value]))
        }
    }
}

extension DeliveryAction {
    /// `init(field:)` of a field's value; an ASCII value's first word is read from its bytes, with
    /// the same table (a test holds the two together).
    init?(_ field: DeliveryStatusFields.Field, in bytes: ArraySlice<UInt8>, buffer: UnsafeBufferPointer<UInt8>) {
        guard field.isASCII else { self.init(field: field.value(in: bytes, buffer: buffer)); return }
        guard let action = field.withValueBytes(in: bytes, buffer: buffer, { value -> DeliveryAction? in
            let word = DeliveryAction.firstWordRange(value)
            return DeliveryAction.named(UnsafeBufferPointer(rebasing: value[word]))
        }) else { return nil }
        self = action
    }

    /// `init(asciiWord: firstWord(value))` without the word made a String: its bytes compared
    /// ASCII case-insensitively with the same table's words of its length (a test holds the two
    /// together). (The lower-cased String cost ~270 instructions a value: bsd.mbox x3, 1,110 values.)
    init?(asciiValue value: ArraySlice<UInt8>) {
        let word = DeliveryAction.firstWordRange(value)
        let base = value.startIndex
        guard let action = value.withUnsafeBufferPointer({ u -> DeliveryAction? in
            guard word.lowerBound >= base, word.upperBound - base <= u.count else { return nil }
            return DeliveryAction.named(UnsafeBufferPointer(rebasing: u[(word.lowerBound - base)..<(word.upperBound - base)]))
        }) else { return nil }
        self = action
    }

    /// The action the ASCII bytes `w` name, compared without case with the table's words of their
    /// length (`ASCII.equals(_:ignoringCase:)`).
    private static func named(_ w: UnsafeBufferPointer<UInt8>) -> DeliveryAction? {
        func matches(_ word: StaticString) -> Bool { ASCII.equals(w, ignoringCase: word) }
        switch w.count {
        case 4: if matches("fail") { return .failed }
        case 5: if matches("delay") { return .delayed }
        case 6: if matches("failed") { return .failed }
        case 7:
            if matches("failure") || matches("expired") { return .failed }
            if matches("delayed") { return .delayed }
            if matches("success") { return .delivered }
            if matches("relayed") { return .relayed }
        case 8: if matches("expanded") { return .expanded }
        case 9: if matches("delivered") || matches("succeeded") { return .delivered }
        case 11: if matches("deliverable") { return .delivered }
        case 13: if matches("undeliverable") { return .failed }
        default: break
        }
        return nil
    }

    /// The first word of ASCII bytes, lower-cased, cut at space, tab, `(` and `;`.
    static func firstWord(_ value: ArraySlice<UInt8>) -> String {
        let word = firstWordRange(value)
        return String(unsafeUninitializedCapacity: word.count) { out in
            for k in 0..<word.count { out[k] = ASCII.lowercased(value[word.lowerBound + k]) }
            return word.count
        }
    }

    /// `firstWordRange(_:)` of a buffer, as offsets.
    static func firstWordRange(_ value: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        func separates(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == UInt8(ascii: "(") || b == UInt8(ascii: ";") }
        var start = 0
        while start < value.count, separates(value[start]) { start &+= 1 }
        var end = start
        while end < value.count, !separates(value[end]) { end &+= 1 }
        return start..<end
    }

    /// Where `firstWord(_:)` finds the word in `value` (its indices).
    static func firstWordRange(_ value: ArraySlice<UInt8>) -> Range<Int> {
        func separates(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == UInt8(ascii: "(") || b == UInt8(ascii: ";") }
        var start = value.startIndex
        while start < value.endIndex, separates(value[start]) { start += 1 }
        var end = start
        while end < value.endIndex, !separates(value[end]) { end += 1 }
        return start..<end
    }
}

/// `RFC3464Recognizer.read(bytes:)` of a message's delivery-status bytes, kept in its context
/// (`BounceContext.keptDeliveryStatusReading`) for the RFC 3464 reader, or by that reader for a
/// recogniser that reads on where it found no recipient. A class: the context's
/// optional reference is tested at each `recognize` by a pointer comparison, where an optional
/// `Finding` in place was tested, copied and destroyed through outlined calls at every report
/// (bsd.mbox x3, 1,023 reports: ~0.3M instructions more).
final class KeptDeliveryStatusReading {
    /// The reading.
    let finding: Finding

    /// `finding` kept.
    init(_ finding: Finding) { self.finding = finding }
}
