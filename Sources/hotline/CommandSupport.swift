import ArgumentParser
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers
import Logging

/// What every subcommand shares: logging, one-line failures, connection settings.
enum CommandSupport {
    /// Logs to standard error at HOTLINE_LOG_LEVEL (by default info for workers and
    /// migrate, error for the short tools whose output is their result), as text lines
    /// or, with HOTLINE_LOG_FORMAT=json, one JSON object per line.
    static func makeLogger(_ label: String, defaultLevel: String = "error") throws -> Logger {
        let environment = ProcessInfo.processInfo.environment
        let levelText = environment["HOTLINE_LOG_LEVEL"] ?? defaultLevel
        guard let level = Logger.Level(rawValue: levelText) else {
            throw fail("HOTLINE_LOG_LEVEL: must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), found '\(levelText)'")
        }
        let formatText = environment["HOTLINE_LOG_FORMAT"] ?? LogFormat.text.rawValue
        guard let format = LogFormat(rawValue: formatText) else {
            throw fail("HOTLINE_LOG_FORMAT: must be text or json, found '\(formatText)'")
        }
        LoggingSystem.bootstrap { label in
            switch format {
            case .json:
                return JSONLogHandler(label: label, level: level)
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        return Logger(label: label)
    }

    /// A one-line error naming the setting, exit code 2.
    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("hotline: \(message)\n".utf8))
        return ExitCode(2)
    }

    /// Runs `body`, turning what the policy and calendar loaders throw into a one-line
    /// failure (exit 2) that names the file or setting and the problem.
    static func reportingFileErrors<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as CalendarError {
            throw fail("\(error)")
        } catch let error as PolicyFileError {
            throw fail("\(error)")
        } catch let error as ConfigurationError {
            throw fail("\(error)")
        }
    }

    /// DATABASE_URL with the session limits of `session`'s role (README "Database roles").
    static func databaseURL(session: DatabaseSession = .worker) throws -> DatabaseURL {
        guard let text = ProcessInfo.processInfo.environment["DATABASE_URL"], !text.isEmpty else {
            throw fail("DATABASE_URL: is not set; give postgres://user@host:5432/database (Ops/dev writes it to .hotline/dev.env)")
        }
        do {
            return try DatabaseURL(text, session: session)
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
