extension Corpus {
    /// `isAvailable`, printing `skipMessage` when the corpus is absent: for suite traits,
    /// `.enabled(if: Corpus.availableOrSkipVisibly("suite name"))`, so that a skip is seen in the log.
    public static func availableOrSkipVisibly(_ suite: String) -> Bool {
        if isAvailable { return true }
        print("\(suite): \(skipMessage)")
        return false
    }
}
