import ArgumentParser
import HotlineWorkers

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run one worker process until SIGTERM or SIGINT.")

    @Argument(help: "intake | dispatch | relay")
    var name: String

    func run() async throws {
        guard let worker = WorkerName(rawValue: name) else {
            throw CommandSupport.fail("unknown worker '\(name)'; choose one of \(WorkerName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let logger = try CommandSupport.makeLogger("hotline.\(name)", defaultLevel: "info")
        let configuration: HotlineConfiguration
        do {
            configuration = try HotlineConfiguration.fromEnvironment()
        } catch {
            throw CommandSupport.fail("\(error)")
        }
        do {
            try await WorkerRunner.run(worker, configuration: configuration, logger: logger)
        } catch let error as PolicyFileError {
            throw CommandSupport.fail("\(error)")
        } catch let error as ConfigurationError {
            throw CommandSupport.fail("\(error)")
        }
    }
}
