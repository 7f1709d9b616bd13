import ArgumentParser
import Backscatter

extension BackscatterCommand {
    /// `backscatter profile`: infer or check a site profile.
    struct Profile: ParsableCommand {
        static let configuration = CommandConfiguration(
            // Named here: a name derived from the type costs a reflection walk at every start.
            commandName: "profile",
            abstract: "Infer a site profile from mail, or check one.",
            subcommands: [Infer.self, Check.self]
        )

        /// `backscatter profile infer PATH...`
        struct Infer: ParsableCommand {
            static let configuration = CommandConfiguration(
                // Named here: a name derived from the type costs a reflection walk at every start.
                commandName: "infer",
                abstract: "Print the site profile inferred from a mailbox, as TOML to edit and pass to --profile.",
                discussion: """
                    Example:
                      backscatter profile infer inbox.mbox > site.toml
                    """
            )

            @Argument(help: ArgumentHelp("Mailboxes, Maildirs, folders or files.", valueName: "path"))
            var paths: [String]

            @OptionGroup var reading: ReadingOptions

            func validate() throws {
                if paths.isEmpty { throw ValidationError("give at least one path (- for standard input)") }
            }

            func run() throws {
                let runner = ScanRunner(paths: paths, reading: reading.settings)
                let summary = try runner.run(stage: InferenceStage()) { _ in }
                let out = Terminal.standardOutput
                out.write("# Site profile inferred by `backscatter profile infer` from \(summary.messages) messages.\n")
                out.write("# Check it, complete it (users, DKIM public key, BATV keys, sent log), then use it with\n")
                out.write("# `backscatter scan --profile FILE`. What was inferred, and from what:\n")
                for fact in summary.inferredProfile { out.write("#   - " + TextTable.clean(fact) + "\n") }
                out.write("\n" + (summary.inferredProfileTOML ?? ""))
                out.flush()
                let status = ScanRunner.status(of: summary)
                if status == .unreadableInput { throw ExitCode(status.rawValue) }
            }
        }

        /// `backscatter profile check FILE`
        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(
                // Named here: a name derived from the type costs a reflection walk at every start.
                commandName: "check",
                abstract: "Validate a site profile; say which key is wrong and why.",
                discussion: """
                    Exit status 0 when the profile loads, 2 when it does not.

                    Example:
                      backscatter profile check site.toml
                    """
            )

            @Argument(help: ArgumentHelp("The profile (TOML).", valueName: "file"))
            var file: String

            func run() throws {
                let profile: SiteProfile
                do {
                    profile = try SiteProfile.load(path: file)
                } catch {
                    throw CLIFailure.usage(error.description)
                }
                let out = Terminal.standardOutput
                for warning in profile.warnings { out.write("warning: \(warning)\n") }
                out.write(ProfileDescription.lines(profile, file: file))
                out.flush()
            }
        }
    }
}

/// What `profile check` prints about a profile that loads: one line per section in use.
enum ProfileDescription {
    static func lines(_ profile: SiteProfile, file: String) -> String {
        var out = "\(file): ok\n"
        func add(_ name: String, _ text: String) { out += "  " + name + String(repeating: " ", count: max(1, 14 - name.count)) + text + "\n" }
        add("domains", profile.site.domains.isEmpty ? "none" : profile.site.domains.joined(separator: ", "))
        let users = profile.site.users.count + profile.site.fileUsers.count
        add("users", users == 0 ? "none (unknown-recipient evidence off)" : "\(users)")
        add("relays", "\(profile.relays.hosts.count) hosts, \(profile.relays.networks.networks.count) networks")
        if let pattern = profile.messageID.pattern { add("message_id", "pattern " + pattern) }
        else if !profile.messageID.domains.isEmpty { add("message_id", "domains " + profile.messageID.domains.joined(separator: ", ")) }
        add("dkim", profile.dkim.isEmpty ? "none" : profile.dkim.map { "\($0.selector)._domainkey.\($0.domain)" }.joined(separator: ", "))
        add("batv", profile.batv.map { "\($0.keys.count) key(s), valid \($0.validDays) days" } ?? "none")
        add("srs", profile.srs.map { "\($0.secrets.count) secret(s)" } ?? "none")
        // Without recipients the log tells only which messages we sent: not whom we wrote to
        // (`recipient-written-to`) nor a replay (`recipient-not-of-message`, `message-id-replayed`).
        add("sent_log", profile.sentLog.map {
            "\($0.path): \($0.count) message\($0.count == 1 ? "" : "s")" + ($0.hasRecipients ? ", with their recipients" : " (no recipients: recipient and replay evidence off)")
        } ?? "none")
        add("thresholds", "backscatter >= \(profile.thresholds.backscatter), legitimate <= \(profile.thresholds.legitimate)")
        return out
    }
}
