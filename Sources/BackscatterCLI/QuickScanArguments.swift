/// Reads a plain `scan` command line without swift-argument-parser, whose parsing is most of a
/// process's start: it reflects over every command and option, and each protocol conformance it asks
/// the runtime about is a walk over all the binary's conformance records (the static binary on an
/// empty mbox: 17.3M instructions, 13.0M of them in `parseAsRoot`; 2026-12-01). That start is paid once
/// per message where a mail system runs `backscatter scan -` on each one it delivers.
///
/// Only the forms that cannot mean anything else are read here: `scan`, then paths and `scan`'s own
/// options, each at most once, as `--name value`, `--name=value` or `-x value`, flags alone. Anything
/// else (help, `--version`, another command, an unknown option, combined short flags, `--`, a value
/// that starts with `-`, a value the option does not take) gives nil, and swift-argument-parser reads
/// the line as before, with its messages. The tests hold this reader to what swift-argument-parser makes
/// of the same lines (`QuickScanArgumentsTests`).
enum QuickScanArguments {
    /// The invocation a plain `scan` command line asks for; `arguments` without the program's name.
    /// Nil when the line is not one this reader takes (see the type's comment).
    static func invocation(_ arguments: some Sequence<String>) -> ScanInvocation? {
        var remaining = arguments.makeIterator()
        guard remaining.next() == "scan" else { return nil }
        var invocation = ScanInvocation(paths: [], reading: ReadingSettings(), format: nil, output: nil,
                                        summary: nil, since: nil, until: nil, only: nil, noClassify: false,
                                        color: .auto)
        // Which options were given, a bit each (a `Set` cost 0.3M instructions: its metadata needs the
        // runtime to find `Option`'s Hashable conformance, one walk over all the conformance records).
        var seen: UInt32 = 0
        while let argument = remaining.next() {
            guard argument.hasPrefix("-"), argument != "-" else {
                invocation.paths.append(argument)
                continue
            }
            var spelling = Substring(argument)
            var attached: Substring?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                spelling = argument[..<equals]
                attached = argument[argument.index(after: equals)...]
            }
            guard let option = Option(spelling: spelling), seen & option.bit == 0 else { return nil }
            seen |= option.bit
            if option.isFlag {
                guard attached == nil else { return nil }
                option.set(on: &invocation)
                continue
            }
            guard let value = attached.map(String.init) ?? remaining.next(), !value.hasPrefix("-"),
                  option.set(value, on: &invocation) else { return nil }
        }
        return invocation
    }

    /// `scan`'s options, as `BackscatterCommand.Scan` and `ReadingOptions` declare them.
    enum Option: Int {
        case profile, jobs, quiet, format, output, summary, since, until, only, noClassify, color

        /// The option's bit in a set of them.
        var bit: UInt32 { 1 << rawValue }

        /// The option a spelling names (`--jobs`, `-j` ...), if `scan` has it.
        init?(spelling: Substring) {
            switch spelling {
            case "--profile": self = .profile
            case "--jobs", "-j": self = .jobs
            case "--quiet", "-q": self = .quiet
            case "--format", "-f": self = .format
            case "--output", "-o": self = .output
            case "--summary": self = .summary
            case "--since": self = .since
            case "--until": self = .until
            case "--only": self = .only
            case "--no-classify": self = .noClassify
            case "--color": self = .color
            default: return nil
            }
        }

        /// Whether the option is a flag, taking no value.
        var isFlag: Bool { self == .quiet || self == .noClassify }

        /// Sets a flag.
        func set(on invocation: inout ScanInvocation) {
            switch self {
            case .quiet: invocation.reading.quiet = true
            case .noClassify: invocation.noClassify = true
            default: preconditionFailure("\(self) takes a value")
            }
        }

        /// Sets the option to `value`; false when it is not a value the option takes.
        func set(_ value: String, on invocation: inout ScanInvocation) -> Bool {
            switch self {
            case .profile: invocation.reading.profile = value
            case .jobs:
                guard let jobs = Int(value) else { return false }
                invocation.reading.jobs = jobs
            case .format:
                guard let format = OutputFormat(rawValue: value) else { return false }
                invocation.format = format
            case .output: invocation.output = value
            case .summary: invocation.summary = value
            case .since: invocation.since = value
            case .until: invocation.until = value
            case .only:
                guard let only = OnlyChoice(rawValue: value) else { return false }
                invocation.only = only
            case .color:
                guard let color = ColorChoice(rawValue: value) else { return false }
                invocation.color = color
            case .quiet, .noClassify: preconditionFailure("\(self) is a flag")
            }
            return true
        }
    }
}
