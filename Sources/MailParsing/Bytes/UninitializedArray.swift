extension Array {
    /// `init(unsafeUninitializedCapacity:initializingWith:)`, but for a capacity of 0 the empty array,
    /// `initializer` not called. For 0 the standard library's initialiser writes the count (0) into the
    /// one empty-array storage all threads' empty arrays share: a data race with any other thread reading
    /// an empty array's count (ThreadSanitizer, `--jobs 2`, an empty quoted-printable body; benign on the
    /// hardware, 0 over 0, but a race). Every such array of the package is made through this.
    /// (`BytePatterns`, which does not see this module, guards its own.)
    @inlinable
    package init(
        uninitializedCapacity capacity: Int,
        initializingWith initializer: (inout UnsafeMutableBufferPointer<Element>, inout Int) throws -> Void
    ) rethrows {
        guard capacity > 0 else {
            self = []
            return
        }
        try self.init(unsafeUninitializedCapacity: capacity, initializingWith: initializer)
    }
}
