import ArgumentParser
import HotlineWorkers

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Work with jurisdiction policies.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate policy files; prints each problem with file, key and reason, exits 1 if any.")

        @Argument(help: "Policy YAML files.")
        var files: [String]

        func run() async throws {
            var failed = false
            for file in files {
                do {
                    let policy = try PolicyLoader.load(file: file)
                    print("\(file): ok (\(policy.policy) version \(policy.version), \(policy.categories.count) categories, \(policy.scope.redirect.count) redirect and \(policy.scope.notAccepted.count) not-accepted rules)")
                } catch {
                    print("\(error)")
                    failed = true
                }
            }
            if failed { throw ExitCode(1) }
        }
    }
}
