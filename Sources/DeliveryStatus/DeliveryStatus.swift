// DeliveryStatus: what a bounce says.
//
//   BounceAnalyzer.analyze(ParsedMessage) -> BounceReport
//     1. BounceContext: the message plus shared views (subject, sender, flattened LF text, DSN parts).
//     2. RecognizerRegistry: dedicated formats (Formats/*.swift, cheap `claims` first), then the RFC 3464
//        reader, auto-replies, challenge/virus notices, then the generic text reader. A recogniser returns a
//        Finding: per-recipient raw facts (address, codes, diagnostic, maybe its own reason).
//     3. Finalization: codes from the text (RFC 3463, RFC 5321 §4.2), provider rules (RemoteHostRules), the
//        reason (ReasonDecision: status code first, phrase tables second), hard/soft, pseudo status codes,
//        in Sisimai 5's order so results compare with its corpus (`backscatter-harness sisimai`).
//     4. OriginalLocator: the returned original (encapsulated part or inline copy), parsed as headers.
// Patterns are PCRE2 through BytePatterns, compiled once as static lets.
