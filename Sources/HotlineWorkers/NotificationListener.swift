import Logging
import PostgresNIO

/// Listens on a PostgreSQL notification channel, on a connection of its own, until its task
/// is cancelled: `wake` runs each time it starts listening (a notification may have come while
/// it was not) and on every notification. A broken connection is listened on again after a
/// second; the warning says what the worker does meanwhile.
struct NotificationListener: Sendable {
    let client: PostgresClient
    let channel: String
    /// What the worker does while it cannot listen, for the log.
    let meanwhile: String
    let logger: Logger

    func run(wake: @escaping @Sendable () -> Void) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        wake()
                        for try await _ in notifications { wake() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("stopped listening on \(channel); \(meanwhile) until it listens again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
