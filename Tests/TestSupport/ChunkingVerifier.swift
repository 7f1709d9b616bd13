/// Feeds a push parser the same input whole, one byte at a time and in random chunk sizes, and checks that
/// every way gives the same result (STYLE.md habit 10, after swift-nio's decoder tests).
///
/// The caller supplies `run`, which takes the input as a list of chunks, feeds them to a fresh parser one by
/// one (then signals end of input) and returns whatever it produced, as an `Equatable` value:
/// ```swift
/// let report = ChunkingVerifier.verify(bytes) { chunks in
///     var parser = MboxParser(); var input = ByteSlice(); var out: [Summary] = []
///     for chunk in chunks { input.append(contentsOf: chunk); while let m = parser.next(&input) { out.append(.init(m)) } }
///     while let m = parser.finish(&input) { out.append(.init(m)) }
///     return out
/// }
/// #expect(report.mismatches.isEmpty, "\(report.mismatches)")
/// ```
public enum ChunkingVerifier {
    /// What a verification found.
    public struct Report<Output: Equatable>: Sendable where Output: Sendable {
        /// The result of feeding the input whole.
        public var whole: Output
        /// The names of the chunkings (e.g. "byte-by-byte", "random(seed 3)") whose result differed.
        public var mismatches: [String]
    }

    /// The chunkings used: whole, byte by byte (only for inputs up to `byteByByteLimit`), fixed sizes at
    /// awkward lengths, and `randomRuns` random splits with seeded generators (reproducible).
    public static func chunkings(of input: [UInt8], randomRuns: Int = 4, byteByByteLimit: Int = 200_000)
        -> [(name: String, chunks: [ArraySlice<UInt8>])]
    {
        var result: [(String, [ArraySlice<UInt8>])] = [("whole", [input[...]])]
        if input.count <= byteByByteLimit { result.append(("byte-by-byte", split(input, sizes: { 1 }))) }
        for size in [2, 3, 7, 64, 4093] { result.append(("fixed(\(size))", split(input, sizes: { size }))) }
        for seed in 0..<randomRuns {
            var generator = SplitMix64(seed: UInt64(seed) &+ 0x5EED)
            let maxChunk = [5, 50, 700, 9000][seed % 4]
            result.append(("random(seed \(seed), ≤\(maxChunk))",
                           split(input, sizes: { Int(generator.next() % UInt64(maxChunk)) + 1 })))
        }
        return result
    }

    /// Runs `run` over every chunking of `input` and compares each result with the whole-input result.
    public static func verify<Output: Equatable & Sendable>(
        _ input: [UInt8], randomRuns: Int = 4, byteByByteLimit: Int = 200_000,
        run: ([ArraySlice<UInt8>]) throws -> Output
    ) rethrows -> Report<Output> {
        let all = chunkings(of: input, randomRuns: randomRuns, byteByByteLimit: byteByByteLimit)
        let whole = try run(all[0].chunks)
        var mismatches: [String] = []
        for (name, chunks) in all.dropFirst() where try run(chunks) != whole {
            mismatches.append(name)
        }
        return Report(whole: whole, mismatches: mismatches)
    }

    private static func split(_ input: [UInt8], sizes: () -> Int) -> [ArraySlice<UInt8>] {
        var chunks: [ArraySlice<UInt8>] = []
        var at = 0
        while at < input.count {
            let end = min(input.count, at + max(1, sizes()))
            chunks.append(input[at..<end])
            at = end
        }
        return chunks
    }
}

/// A small seeded random number generator (SplitMix64), so that random chunkings are reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }
    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<n` (by remainder: the same inputs on every run is what matters here).
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// `count` bytes drawn from `alphabet`.
    public mutating func bytes(_ alphabet: [UInt8], count: Int) -> [UInt8] {
        (0..<count).map { _ in alphabet[below(alphabet.count)] }
    }
}
