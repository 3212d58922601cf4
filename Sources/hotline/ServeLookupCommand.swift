import ArgumentParser
import HotlineWorkers

/// The citizens' progress lookup over HTTP (巴林左旗 第二十四条), its own process: README
/// "Progress lookup", contract `docs/openapi/lookup.yaml`.
struct ServeLookupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-lookup",
        abstract: "Serve the citizens' progress lookup over HTTP (POST /v1/progress, /health, /ready) until SIGTERM or SIGINT.")

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.lookup", defaultLevel: "info")
        let configuration: LookupConfiguration
        do {
            configuration = try LookupConfiguration.fromEnvironment()
        } catch {
            throw CommandSupport.fail("\(error)")
        }
        try await LookupRunner.run(configuration, logger: logger)
    }
}
