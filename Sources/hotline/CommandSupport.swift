import ArgumentParser
import Foundation
import HotlinePostgres
import HotlineWorkers
import Logging

/// What every subcommand shares: logging, one-line failures, connection settings.
enum CommandSupport {
    /// Logs to standard error at HOTLINE_LOG_LEVEL; by default info for workers and
    /// migrate, error for the short tools whose output is their result.
    static func makeLogger(_ label: String, defaultLevel: String = "error") -> Logger {
        let levelText = ProcessInfo.processInfo.environment["HOTLINE_LOG_LEVEL"] ?? defaultLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: levelText) ?? .info
            return handler
        }
        return Logger(label: label)
    }

    /// A one-line error naming the setting, exit code 2.
    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("hotline: \(message)\n".utf8))
        return ExitCode(2)
    }

    static func databaseURL() throws -> DatabaseURL {
        guard let text = ProcessInfo.processInfo.environment["DATABASE_URL"], !text.isEmpty else {
            throw fail("DATABASE_URL: is not set; give postgres://user@host:5432/database (Ops/dev writes it to .hotline/dev.env)")
        }
        do {
            return try DatabaseURL(text)
        } catch {
            throw fail("DATABASE_URL: \(error.problem)")
        }
    }

    static func kafkaBrokers() throws -> String {
        guard let brokers = ProcessInfo.processInfo.environment["KAFKA_BROKERS"], !brokers.isEmpty else {
            throw fail("KAFKA_BROKERS: is not set; give the bootstrap servers (Ops/dev writes them to .hotline/dev.env)")
        }
        return brokers
    }
}
