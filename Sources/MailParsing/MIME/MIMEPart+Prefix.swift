extension MIMEPart {
    /// The first `maxLength` bytes of `decodedBody()`, as a slice: a body of an identity encoding
    /// (7bit, 8bit, binary, none) is the part's own slice, read in place, where `decodedBody()` copies
    /// the whole of it into an array (for the classifier's spam-shape reading, which reads at most
    /// 32 KB of each text part: sisimai bsd x3, 672 such bodies copied).
    package func decodedBodyPrefix(_ maxLength: Int) -> ByteSlice {
        let body = self.body
        guard let decoded = Self.decoded(body, transferEncoding: tree.nodes[index].transferEncoding) else {
            return body.prefix(maxLength)
        }
        return decoded.prefix(maxLength)
    }
}
