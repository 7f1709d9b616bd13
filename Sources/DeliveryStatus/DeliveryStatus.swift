import MailParsing
/// The delivery-status layer: RFC 3464 / 3463 / 6533 records, MTA format recognisers, reasons.
public enum DeliveryStatusModule {}
