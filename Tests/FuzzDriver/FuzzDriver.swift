#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import FuzzDriverC
import FuzzTargets
import MailParsing

// Built two ways (Tests/Fuzz/README.md, "Coverage-guided"):
// - with `-Xswiftc -DBACKSCATTER_LIBFUZZER -Xswiftc -sanitize=fuzzer,address`: `main` hands over to
//   libFuzzer's driver, which runs `fuzzOneInput` on the target that `BACKSCATTER_FUZZ_TARGET` names;
// - plainly: `BackscatterFuzz TARGET FILE-OR-FOLDER...` runs the target once on each file (a folder: on
//   each file in it), to replay what a fuzzing run kept, under a debugger or any build.

/// Writes `text` to standard error.
func printError(_ text: String) {
    var line = text
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// Prints the broken invariants of one input, naming it.
func report(_ broken: [String], input: String) {
    for line in broken { printError("\(input): \(line)\n") }
}

/// The target `BACKSCATTER_FUZZ_TARGET` names, read once.
let selectedTarget: FuzzTarget = {
    let name = getenv("BACKSCATTER_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        printError("set BACKSCATTER_FUZZ_TARGET to one of: \(names)\n")
        exit(2)
    }
    return target
}()

/// libFuzzer's callback: one input; a broken invariant aborts, so libFuzzer keeps the input.
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let broken = selectedTarget.run(input)
    if !broken.isEmpty {
        report(broken, input: "input of \(size) bytes")
        abort()
    }
    return 0
}

@main
struct FuzzDriver {
    static func main() {
        #if BACKSCATTER_LIBFUZZER
        _ = selectedTarget
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
        #else
        replay()
        #endif
    }

    /// Runs the target named first on each file named after it.
    static func replay() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            printError("usage: BackscatterFuzz \(names) FILE-OR-FOLDER...\n")
            exit(2)
        }
        var inputs = 0
        var failed = 0
        for path in arguments.dropFirst() {
            for file in files(at: path) {
                guard let bytes = try? POSIXFiles.readWholeFile(file) else {
                    printError("\(file): cannot read\n")
                    failed += 1
                    continue
                }
                inputs += 1
                let broken = target.run(bytes)
                report(broken, input: file)
                if !broken.isEmpty { failed += 1 }
            }
        }
        print("\(target.rawValue): \(inputs) inputs, \(failed) failed")
        exit(failed == 0 ? 0 : 1)
    }

    /// `path`, or the regular files directly in it when it is a folder, sorted.
    static func files(at path: String) -> [String] {
        guard let names = try? POSIXFiles.listDirectory(path) else { return [path] }
        return names.map { path + "/" + $0 }.filter { file in
            var info = stat()
            return stat(file, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
        }.sorted()
    }
}
