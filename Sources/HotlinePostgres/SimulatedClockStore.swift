import Foundation
import Logging
import PostgresNIO

/// The simulated clock every process reads when `HOTLINE_CLOCK=simulated`, so
/// tests and the demo can run weeks of deadlines in seconds.
public enum SimulatedClockStore {
    public static func now(client: PostgresClient, logger: Logger) async throws -> Date? {
        let rows = try await client.query("SELECT now FROM simulated_clock WHERE id = 1", logger: logger)
        for try await now in rows.decode(Date.self) { return now }
        return nil
    }

    public static func set(_ now: Date, client: PostgresClient, logger: Logger) async throws {
        try await client.query(
            """
            INSERT INTO simulated_clock (id, now) VALUES (1, \(now))
            ON CONFLICT (id) DO UPDATE SET now = EXCLUDED.now
            """, logger: logger)
    }
}
