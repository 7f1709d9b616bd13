import DeliveryStatus
/// The classifier layer: site profile, evidence, scoring, stream findings, audit.
public enum BackscatterModule {}
