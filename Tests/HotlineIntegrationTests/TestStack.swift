import Foundation
import HotlineKafka
import HotlineWorkers
import Logging
import PostgresNIO
import Testing

/// What `Ops/dev test` hands the integration tests: a running PostgreSQL server with
/// its admin URL and the logins granted the owner, worker, reader and lookup roles (README
/// "Database roles"), the built `hotline` executable and the repository root.
enum TestEnvironment {
    struct Values {
        var postgresAdminURL: String
        var ownerLogin: String
        var workerLogin: String
        var readerLogin: String
        var lookupLogin: String
        var executable: String
        var root: String
    }

    static func require() throws -> Values {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["HOTLINE_TEST_PG_URL"], let owner = environment["HOTLINE_TEST_PG_OWNER"],
              let worker = environment["HOTLINE_TEST_PG_WORKER"], let reader = environment["HOTLINE_TEST_PG_READER"],
              let lookup = environment["HOTLINE_TEST_PG_LOOKUP"], let executable = environment["HOTLINE_BIN"], let root = environment["HOTLINE_ROOT"]
        else {
            throw StackError(
                "integration tests need HOTLINE_TEST_PG_URL, HOTLINE_TEST_PG_OWNER, HOTLINE_TEST_PG_WORKER, HOTLINE_TEST_PG_READER, HOTLINE_TEST_PG_LOOKUP, HOTLINE_BIN and HOTLINE_ROOT: run them with Ops/dev test")
        }
        return Values(
            postgresAdminURL: url, ownerLogin: owner, workerLogin: worker, readerLogin: reader, lookupLogin: lookup, executable: executable, root: root)
    }
}

struct StackError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One test's private system: a fresh database on the shared PostgreSQL server, its
/// own dev broker, and real worker processes started and killed on demand. Processes
/// connect as the worker login, `hotline migrate` as the owner login; `client` is the
/// admin's, for what a test sets up or inspects behind the workers' backs.
final class TestStack: @unchecked Sendable {
    let values: TestEnvironment.Values
    let databaseName: String
    let databaseURL: String
    let ownerDatabaseURL: String
    let readerDatabaseURL: String
    let lookupDatabaseURL: String
    let directory: URL
    private(set) var kafkaBrokers = ""
    /// The dev broker's fault-injection port (`brokers/{id}/down`, …; DevBrokerControl).
    private(set) var brokerControlPort = 0
    private var processes: [String: Process] = [:]
    let client: PostgresClient
    private var clientTask: Task<Void, Never>?
    /// Quiet: the workers' own logs are in each test's folder and printed on failure.
    let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return logger
    }()

    /// Test keys: fixed, so every process of the test can read what another sealed.
    static let keys = [
        "HOTLINE_DATA_KEY": "test1:" + Data(repeating: 7, count: 32).base64EncodedString(),
        "HOTLINE_INDEX_KEY": Data(repeating: 9, count: 32).base64EncodedString(),
        "HOTLINE_CONTACT_KEY": "contact1:" + Data(repeating: 5, count: 32).base64EncodedString(),
        "HOTLINE_QUERY_CODE_KEY": Data(repeating: 11, count: 32).base64EncodedString(),
        "HOTLINE_LOOKUP_KEY": "lookup1:" + Data(repeating: 13, count: 32).base64EncodedString(),
    ]

    private init(values: TestEnvironment.Values) throws {
        self.values = values
        databaseName = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        guard let admin = URLComponents(string: values.postgresAdminURL) else { throw StackError("bad HOTLINE_TEST_PG_URL") }
        var url = admin
        url.path = "/" + databaseName
        let adminDatabaseURL = url.string!
        func login(_ user: String) -> String {
            url.user = user
            return url.string!
        }
        databaseURL = login(values.workerLogin)
        ownerDatabaseURL = login(values.ownerLogin)
        readerDatabaseURL = login(values.readerLogin)
        lookupDatabaseURL = login(values.lookupLogin)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-\(databaseName)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        client = PostgresClient(configuration: try Self.configuration(adminDatabaseURL), backgroundLogger: logger)
    }

    static func configuration(_ url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let host = components.host else { throw StackError("bad url \(url)") }
        return .init(host: host, port: components.port ?? 5432, username: components.user ?? "hotline", password: nil,
                     database: String(components.path.dropFirst()), tls: .disable)
    }

    /// Runs `body` with a fresh stack (database migrated, broker up, no workers yet)
    /// and tears everything down afterwards, also when the test fails.
    static func with<T>(_ body: (TestStack) async throws -> T) async throws -> T {
        let values = try TestEnvironment.require()
        await StackGate.shared.enter()
        defer { Task { await StackGate.shared.leave() } }
        let stack = try TestStack(values: values)
        try await stack.createDatabase()
        stack.clientTask = Task { [client = stack.client] in await client.run() }
        do {
            try await stack.startBroker()
            try stack.migrate()
            try stack.enrolParties()
            let result = try await body(stack)
            await stack.tearDown()
            try? FileManager.default.removeItem(at: stack.directory)
            return result
        } catch {
            stack.dumpLogs()
            await stack.tearDown()
            throw error
        }
    }

    private func createDatabase() async throws {
        let admin = PostgresClient(configuration: try Self.configuration(values.postgresAdminURL), backgroundLogger: logger)
        let task = Task { await admin.run() }
        defer { task.cancel() }
        try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(databaseName) OWNER \(values.ownerLogin)"), logger: logger)
    }

    private func dropDatabase() async {
        guard let admin = try? PostgresClient(configuration: Self.configuration(values.postgresAdminURL), backgroundLogger: logger) else { return }
        let task = Task { await admin.run() }
        defer { task.cancel() }
        _ = try? await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(databaseName) WITH (FORCE)"), logger: logger)
    }

    var environment: [String: String] {
        // Traces are off unless a test turns them on (TraceTests).
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HOTLINE_") && !$0.key.hasPrefix("OTEL_") }
        environment.merge(Self.keys) { $1 }
        environment["KAFKA_BROKERS"] = kafkaBrokers
        environment["DATABASE_URL"] = databaseURL
        environment["HOTLINE_POLICY_DIR"] = values.root + "/Ops/policies"
        environment["HOTLINE_ROUTING_FILE"] = values.root + "/Ops/routing/changsha.yaml"
        environment["HOTLINE_CALENDAR_DIR"] = values.root + "/Ops/calendars"
        environment["HOTLINE_LOG_LEVEL"] = "info"
        // Every test waits on each step it takes: supervision's and callbacks' half-second
        // linger (README "Configuration") would only add to every wait (BatchLingerTests has it).
        environment["HOTLINE_BATCH_LINGER_MS"] = "0"
        return environment
    }

    private func startBroker() async throws {
        let bootstrap = directory.appendingPathComponent("bootstrap").path
        brokerControlPort = try freePort()
        try launch("broker", [
            "dev-broker", "--topics", values.root + "/Topics", "--bootstrap-file", bootstrap, "--control-port", "\(brokerControlPort)",
        ])
        // Up in about a second alone; generous for a loaded CI machine (StackGate bounds the rest).
        try await waitUntil(timeout: .seconds(120), "the dev broker writes its bootstrap file") {
            FileManager.default.fileExists(atPath: bootstrap)
        }
        kafkaBrokers = try String(contentsOfFile: bootstrap, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A loopback port nothing listens on now.
    func freePort() throws -> Int {
        let text = try runTool("/usr/bin/python3", ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw StackError("no free port: \(text)") }
        return port
    }

    /// Injects a fault into the dev broker, e.g. `brokers/1/down` (DevBrokerControl).
    func brokerFault(_ path: String) throws {
        _ = try runTool("/usr/bin/curl", ["-sf", "-X", "POST", "http://127.0.0.1:\(brokerControlPort)/\(path)"])
    }

    /// Starts `hotline worker NAME` as its own process, named `id` for later kills.
    func startWorker(_ name: String, id: String? = nil, extraEnvironment: [String: String] = [:]) throws {
        try launch(id ?? name, ["worker", name], extraEnvironment: extraEnvironment)
    }

    /// Starts `hotline serve-lookup` on `port` as the lookup login (README "Progress lookup").
    func startLookup(port: Int, id: String = "lookup", extraEnvironment: [String: String] = [:]) throws {
        try launch(
            id, ["serve-lookup"],
            extraEnvironment: ["DATABASE_URL": lookupDatabaseURL, "HOTLINE_LOOKUP_PORT": "\(port)"].merging(extraEnvironment) { $1 })
    }

    /// Starts `Ops/tools/otlp_sink.py` on `port`, where a collector would be; the JSON-lines file it writes the spans to.
    func startOTLPSink(port: Int) throws -> URL {
        let spans = directory.appendingPathComponent("spans.jsonl")
        try launch(
            "otlp-sink", [values.root + "/Ops/tools/otlp_sink.py", "--port", "\(port)", "--out", spans.path], executable: "/usr/bin/python3")
        return spans
    }

    private func launch(_ id: String, _ arguments: [String], extraEnvironment: [String: String] = [:], executable: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? values.executable)
        process.arguments = arguments
        process.environment = environment.merging(extraEnvironment) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: values.root)
        let log = directory.appendingPathComponent("\(id).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes[id] = process
    }

    /// kill -9: no shutdown handler runs, nothing is committed that was not already.
    func kill9(_ id: String) {
        guard let process = processes.removeValue(forKey: id) else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func terminate(_ id: String) -> Int32 {
        guard let process = processes.removeValue(forKey: id) else { return -1 }
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGTERM to every one of `ids` at once; for each, its exit status and the seconds it
    /// took to exit, or nil for one still running after `limit` (then killed with SIGKILL).
    func terminateTogether(_ ids: [String], limit: Duration) async throws -> [String: (status: Int32, seconds: Double)?] {
        let started = ContinuousClock.now
        let stopping = ids.compactMap { id in processes.removeValue(forKey: id).map { (id, $0) } }
        for (_, process) in stopping { process.terminate() }
        var exits: [String: (status: Int32, seconds: Double)?] = [:]
        while exits.count < stopping.count {
            for (id, process) in stopping where exits[id] == nil {
                if !process.isRunning {
                    let elapsed = ContinuousClock.now - started
                    exits[id] = (process.terminationStatus, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                } else if ContinuousClock.now - started > limit {
                    kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()
                    exits[id] = .some(nil)
                }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return exits
    }

    func isRunning(_ id: String) -> Bool { processes[id]?.isRunning ?? false }

    /// Runs a short `hotline` command to completion; throws with its output if it fails.
    @discardableResult
    func run(_ arguments: [String], extraEnvironment: [String: String] = [:], expectSuccess: Bool = true) throws -> ProgramResult {
        let result = try Self.hotline(values, arguments, environment: environment.merging(extraEnvironment) { $1 })
        if expectSuccess && result.status != 0 {
            throw StackError("hotline \(arguments.joined(separator: " ")) exited \(result.status): \(result.output)")
        }
        return result
    }

    /// Runs `hotline ARGUMENTS` from the repository root. `output` is standard output
    /// and error together (what a person at a terminal sees); `stdout` is standard
    /// output alone, for machine-readable results such as `summary --json`.
    static func hotline(
        _ values: TestEnvironment.Values, _ arguments: [String], environment: [String: String]? = nil
    ) throws -> ProgramResult {
        try ProgramResult.run(values.executable, arguments, environment: environment, directory: values.root)
    }

    /// `hotline migrate` as the owner login.
    @discardableResult
    func migrate() throws -> ProgramResult {
        try run(["migrate"], extraEnvironment: ["DATABASE_URL": ownerDatabaseURL])
    }

    /// Runs any program (kcat, python3) to completion with optional standard input;
    /// returns its standard output, or throws with its standard error when it fails.
    func runTool(_ path: String, _ arguments: [String], input: Data? = nil, allowFailure: Bool = false) throws -> String {
        let result = try ProgramResult.run(path, arguments, input: input, directory: values.root)
        guard result.status == 0 || allowFailure else {
            throw StackError("\(path) \(arguments) exited \(result.status): \(result.stderr)")
        }
        return result.stdout + (result.status == 0 ? "" : result.stderr)
    }

    /// Writes fixture lines to a file and publishes them with `hotline publish`; on a signed
    /// topic each line is signed by its `signAs` party, or by the party it claims to be when
    /// that party holds a key (a line claiming a party not in the directory goes unsigned).
    func publish(_ lines: [FixtureLine], wave: Int? = nil, topic: String = "hotline.intake.v1") throws {
        let file = directory.appendingPathComponent("publish-\(UUID().uuidString).jsonl")
        let signed = TopicName.signed.contains(topic)
        let written = lines.map { line in
            var line = line
            if signed, line.signAs == nil, let claimed = line.claimedSender(on: topic),
               FileManager.default.fileExists(atPath: keyDirectory.appendingPathComponent("\(claimed).signing.key").path) {
                line.signAs = claimed
            }
            return line
        }
        try Data(written.map(\.jsonLine).joined(separator: "\n").utf8).write(to: file)
        try run(["publish", "--topic", topic, file.path] + (wave.map { ["--wave", "\($0)"] } ?? []) + (signed ? ["--key-dir", keyDirectory.path] : []))
    }

    func waitUntil(
        timeout: Duration = .seconds(90), _ what: String, pollEvery: Duration = .milliseconds(200),
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: pollEvery)
        }
        // Once more: a test task that woke late must not fail on what already holds.
        if try await condition() { return }
        throw StackError("timed out waiting until \(what)")
    }

    func count(_ query: PostgresQuery) async throws -> Int64 {
        for try await value in try await client.query(query, logger: logger).decode(Int64.self) { return value }
        return 0
    }

    func pairs(_ query: PostgresQuery) async throws -> [String: Int64] {
        var result: [String: Int64] = [:]
        for try await (key, value) in try await client.query(query, logger: logger).decode((String, Int64).self) {
            result[key] = value
        }
        return result
    }

    /// Waits until `messages` intake messages were answered or dead-lettered, the
    /// outbox is empty and no case waits for dispatch. On a timeout the error says how
    /// far the pipeline got and which worker processes had exited.
    func waitForPipeline(messages: Int, timeout: Duration = .seconds(180)) async throws {
        var reached = ""
        do {
            try await waitUntil(timeout: timeout, "\(messages) intake messages are fully processed") {
                let answered = try await count("SELECT coalesce(sum(times_received), 0)::bigint FROM intake_requests")
                let dead = try await count("SELECT count(*) FROM dead_letters")
                let outbox = try await count("SELECT count(*) FROM outbox")
                let waiting = try await count("SELECT count(*) FROM cases WHERE status = 'accepted'")
                reached = "answered \(answered), dead letters \(dead), outbox \(outbox), awaiting dispatch \(waiting)"
                return answered + dead >= messages && outbox == 0 && waiting == 0
            }
        } catch let error as StackError {
            throw StackError("\(error.description): \(reached); \(exitedProcesses)")
        }
    }

    /// The processes this test started that are no longer running, with their status.
    var exitedProcesses: String {
        let exited = processes.filter { !$0.value.isRunning }.sorted { $0.key < $1.key }
        guard !exited.isEmpty else { return "every process still running" }
        return exited.map { "\($0.key) exited \($0.value.terminationStatus)" }.joined(separator: ", ")
    }

    /// Reads a topic from the beginning with the project's own consumer: at least
    /// `expected` messages (or until the timeout), then whatever else arrives before
    /// the topic is quiet for 3 s (republished duplicates included).
    func readTopic(_ topic: String, expected: Int, timeout: Duration = .seconds(60)) async throws -> [ConsumedMessage] {
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: kafkaBrokers), groupID: "test-reader-\(UUID().uuidString)",
            topics: [topic], logger: logger)
        var messages: [ConsumedMessage] = []
        let deadline = ContinuousClock.now + timeout
        while true {
            // The first group join on the dev broker takes a few seconds.
            let batch = await consumer.nextBatch(maxMessages: 1000, timeout: messages.isEmpty ? .seconds(20) : .seconds(3))
            messages += batch
            if batch.isEmpty && (messages.count >= expected || ContinuousClock.now >= deadline) { break }
        }
        consumer.stopFetching()
        await consumer.close()
        return messages
    }

    private func tearDown() async {
        for id in processes.keys.sorted() where id != "broker" { terminate(id) }
        terminate("broker")
        clientTask?.cancel()
        await dropDatabase()
    }

    private func dumpLogs() {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for file in files.sorted() where file.hasSuffix(".log") {
            let text = (try? String(contentsOfFile: directory.appendingPathComponent(file).path, encoding: .utf8)) ?? ""
            print("──── \(file) (last lines)\n" + text.split(separator: "\n").suffix(25).joined(separator: "\n"))
        }
    }
}
