import Backscatter

/// `backscatter-harness dev [CORPUS_DIR] [--dump FILE]`: scores the labelled backscatter-dev inbox with
/// its profile and without (zero-config) and prints precision, recall and the other targets of issue 4.
/// `--speed MBOX [PROFILE]` times the classifier's overhead instead. `--dump FILE` writes each bounce-like message's signals as JSON Lines (for calibrating weights).
enum DevCorpusCommand: HarnessCommand {
    static let name = "dev"
    static let summary = "score backscatter-dev (labels.jsonl) with its profile and zero-config; audit outbound.mbox"

    static func run(_ arguments: [String]) -> Int32 {
        var dir = "../shared/corpus/backscatter-dev"
        var dump: String?
        var i = 0
        if arguments.first == "--speed", arguments.count >= 2 {
            // `dev --speed MBOX [PROFILE]`: the classifier's overhead over parsing and bounce analysis.
            do {
                let profile = try arguments.count >= 3 ? SiteProfile.load(path: arguments[2]) : nil
                print(try DevMeasurement.speed(path: arguments[1], profile: profile))
                return 0
            } catch {
                print("dev --speed: \(error)")
                return 3
            }
        }
        while i < arguments.count {
            if arguments[i] == "--dump", i + 1 < arguments.count { dump = arguments[i + 1]; i += 2; continue }
            dir = arguments[i]
            i += 1
        }
        do {
            let result = try DevMeasurement.run(corpus: dir, dump: dump)
            print(result.report)
            return result.meetsTargets ? 0 : 1
        } catch {
            print("dev: \(error)")
            return 3
        }
    }
}
