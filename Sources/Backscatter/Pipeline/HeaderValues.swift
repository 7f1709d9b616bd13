import DeliveryStatus
import MailParsing

/// The few header values a `ScanRecord` shows, read with MailParsing's field parsers.
enum HeaderValues {
    /// The record's four values of the message's own header, in one table walk: the Message-ID in
    /// angle brackets (`<id@host>`, as the corpora's labels write it) and the Date of the first of
    /// each, the first From address (`FirstAddressReading`) with its shape, and the addr-specs of every
    /// To, in order, the null path `<>` left out. (Four walks by name before, one a value: sisimai bsd
    /// mbox x3, on the slotted `HeaderNameTable`, `Main.main` 401.10M -> 400.54M; `HeaderValuesRecordTests`
    /// holds it to those four walks.) The message's header section is read where it lies: passed as a
    /// `HeaderSection` read from the parse, it was copied and destroyed at each call (bsd.mbox x3:
    /// 0.16M + 0.12M instructions; `Main.main` 311.70M -> 311.34M).
    /// `firstTo`: the first address of the first To field alone (nil when it holds none, or there is
    /// none): `AddressParser.firstAddressString` of its value, as the observation reads the notice's
    /// first To (`ObservationReader.observe`'s `noticeFirstTo`), since `addressStrings` and
    /// `firstAddressString` read a value alike. (Not `to.first`: a first To without an address leaves
    /// that to a later To field.)
    static func record(of message: borrowing ParsedMessage)
        -> (messageId: String?, date: MailDate?, from: String?, shapedFrom: String?, to: [String], firstTo: String?) {
        var messageId: String? = nil
        var date: MailDate? = nil
        var from = FirstAddressReading()
        var to: [String] = []
        var firstTo: String? = nil
        var readsFirstTo = true
        message.headers.forEachUnfoldedValue(in: recordNames) { name, value in
            switch name {
            case 0: messageId = MessageIDParser.parseBracketed(value)
            case 1: date = MailDate.parse(value)
            case 2: _ = from.read(value)
            default:
                let found = AddressParser.addressStrings(value)
                if readsFirstTo {
                    readsFirstTo = false
                    firstTo = found.first
                }
                if to.isEmpty { to = found } else { to += found }
            }
        }
        let (fromAddress, shapedFrom) = from.take()
        return (messageId, date, fromAddress, shapedFrom, to, firstTo)
    }

    private static let recordNames = HeaderNameTable(firstOf: ["message-id", "date"], allOf: ["from", "to"])

    /// The first address among a field's values, read value by value (the rule shared by `record`'s
    /// and `original`'s walks, for the message's From and the original's): the first value that holds an address
    /// gives it; when none does, the first value's decoded text.
    struct FirstAddressReading {
        /// The first value's address was found and of a shape `AddressParser.singleAddressString` reads
        /// alike (`found` never changes once set:
        /// one String held, not two; with `firstValue` kept only when needed, bsd.mbox x3: Main.main
        /// 322.99M -> 322.64M).
        private var firstShaped = false
        private var found: String? = nil
        private var readFirst = false
        /// The first value, kept only when it held no address (`address` reads it only then: kept
        /// always, it was retained and released for each of the 3,366 first From values of bsd.mbox x3).
        private var firstValue: ByteSlice? = nil

        /// Reads the field's next value; false once an address is found (no later value counts).
        mutating func read(_ value: ByteSlice) -> Bool {
            guard found == nil else { return false }
            if !readFirst {
                readFirst = true
                let (address, shaped) = AddressParser.firstAddressStringAndShape(value)
                found = address
                firstShaped = shaped && address != nil
                if address == nil { firstValue = value }
            } else {
                found = AddressParser.firstAddressString(value)
            }
            return found == nil
        }

        /// The address found, or the first value's decoded text when none held one (nil when empty); and
        /// the first value's address when of a shape `AddressParser.singleAddressString` reads alike. Both
        /// taken out of the reading, which is left empty: read by getters, the address was retained for
        /// each and released with the reading (bsd.mbox x3, 3,447 readings: `record` 6.81M -> 6.61M,
        /// `original` 10.07M -> 9.88M instructions).
        mutating func take() -> (address: String?, shapedFirst: String?) {
            if let found = found.take() { return (found, firstShaped ? found : nil) }
            guard let firstValue = firstValue.take() else { return (nil, nil) }
            let text = EncodedWords.decode(firstValue)
            return (text.isEmpty ? nil : text, nil)
        }
    }

    /// The names `original` reads, compiled once: the first Message-ID, Subject and Date, every
    /// From, To and Received; and, for the observation alone (`OriginalHeaderFields`), every Cc and
    /// DKIM-Signature.
    private static let originalNames = HeaderNameTable(
        firstOf: ["message-id", "subject", "date"], allOf: ["from", "to", "received", "cc", "dkim-signature"])

    /// The returned original's fields for the record.
    /// `values`: set to the Subject and Date read, when the original has a header section.
    static func original(_ original: ReturnedOriginal, values: inout OriginalHeaderValues?) -> ScanRecord.Original {
        let (record, read) = Self.original(original)
        values = read
        return record
    }

    /// The returned original's fields for the record, and the values read for the observation
    /// (`OriginalHeaderValues`: the Subject and Date read, nil when the original has no header section).
    /// Returned, not set through an `inout` optional: assigning it destroyed the nil it replaced (~70
    /// instructions an original, an outlined destroy) and the caller's variable was copied into the
    /// message for the stage (its Strings retained, and released with the variable).
    static func original(_ original: ReturnedOriginal) -> (ScanRecord.Original, OriginalHeaderValues?) {
        let present: ScanRecord.Original.Presence
        switch original.presence {
        case .full: present = .full
        case .headers: present = .headers
        case .none: present = .none
        }
        guard let headers = original.headers else { return (ScanRecord.Original(present: present), nil) }
        // One walk over the fields for all six names, each field read in place (`messageId`,
        // `firstAddress`, `addresses`, `subject`, `date` and the Received loop walked the section
        // six times and copied every field they looked at: 24.1M instructions over 1,887 originals on
        // bsd.mbox x3); each value is what those give.
        // The values in variables of their own, the record's original made of them at the end: filled
        // in a variable the closure wrote to, it was copied twice and the copies destroyed (bsd.mbox
        // x3: 0.71M + 0.55M instructions).
        var messageId: String? = nil
        var subjectText: String? = nil
        var date: MailDate? = nil
        var from = FirstAddressReading()
        var to: [String] = []
        // For the observation (`OriginalHeaderValues`): the To fields' `addressCount` sum (and, in
        // `from`, the first From's address when of a shape `AddressParser.singleAddressString` reads alike).
        var toAddressCount = 0
        var received: [String] = []
        // What the observation reads besides, noted in this walk (`OriginalHeaderFields`).
        var fields = OriginalHeaderFields()
        let sectionStart = headers.raw.startIndex
        headers.forEachFieldInPlace(in: originalNames) { name, field in
            switch name {
            case 0:
                fields.hasMessageID = true
                messageId = MessageIDParser.parseBracketed(field.unfoldedValue)
            case 1: subjectText = EncodedWords.decode(field.unfoldedValue)
            case 2: date = MailDate.parse(field.unfoldedValue)
            case 3:
                fields.hasFrom = true
                _ = from.read(field.unfoldedValue)
            case 4:
                fields.hasTo = true
                let (found, count) = AddressParser.addressStringsAndCount(field.unfoldedValue)
                toAddressCount += count
                if to.isEmpty { to = found } else { to += found }
            case 6: fields.addCc(field)
            case 7: fields.hasDKIMSignature = true   // the observation keeps the field (looked up by name)
            default:   // received
                fields.addReceived(field.rawValue, sectionStart: sectionStart)
                // Room for four at the first: most originals have one to four Received fields, which
                // grew the array up to three times (bsd.mbox x3: 2,466 values, ~2,200 growths).
                if received.isEmpty { received.reserveCapacity(4) }
                // `HeaderField.valueString`; a folded value (most are) made a String from its
                // unfolded bytes where they lie, not from an array of them.
                received.append(field.unfoldedValueString)
            }
        }
        let (fromAddress, shapedFrom) = from.take()
        let values = OriginalHeaderValues(subject: subjectText, date: date, shapedFromAddress: shapedFrom,
                                          toAddressCount: toAddressCount, bracketedMessageID: messageId,
                                          readsMessageID: true, fields: fields)
        return (ScanRecord.Original(present: present, messageId: messageId, from: fromAddress, to: to,
                                    subject: subjectText, date: ScanRecord.RecordDate(date), received: received), values)
    }

    /// The recipient reports in the record's terms, each report's fields read in place through the
    /// buffer: `reports.map(recipient)`, with a function making one, copied every report out of the
    /// array first, and so did passing `reports[index]` to it (a retain and a release of each of its
    /// strings: bsd.mbox x3, 2,034 reports, ~40,000 retains and ~60,000 releases; 476.0M -> 474.4M).
    static func recipients(_ reports: [RecipientReport]) -> [ScanRecord.Recipient] {
        reports.withUnsafeBufferPointer { reports in
            var out: [ScanRecord.Recipient] = []
            out.reserveCapacity(reports.count)
            for index in reports.indices {
                out.append(ScanRecord.Recipient(
                    recipient: reports[index].recipient, action: reports[index].action?.rawValue,
                    status: reports[index].status.map(\.description), replyCode: reports[index].replyCode.map { Int($0.value) },
                    reason: reports[index].reason.rawValue, hard: reports[index].hard,
                    diagnostic: reports[index].diagnostic.isEmpty ? nil : reports[index].diagnostic,
                    remoteMTA: reports[index].remoteMTA))
            }
            return out
        }
    }
}
