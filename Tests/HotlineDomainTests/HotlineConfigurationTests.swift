import Foundation
import HotlineWorkers
import Testing

/// A worker checks its environment at start-up and names the setting that is wrong.
@Suite struct HotlineConfigurationTests {
    static let minimal = [
        "KAFKA_BROKERS": "kafka-1:9092,kafka-2:9092",
        "DATABASE_URL": "postgres://hotline@db.internal:5432/hotline",
        "HOTLINE_DEV_MODE": "1",
    ]

    func environment(_ changes: [String: String?]) -> [String: String] {
        var environment = Self.minimal
        for (key, value) in changes { environment[key] = value }
        return environment
    }

    func refusedSetting(_ changes: [String: String?]) -> String? {
        do {
            _ = try HotlineConfiguration.fromEnvironment(environment(changes))
            return nil
        } catch let error as ConfigurationError {
            #expect(error.description.hasPrefix("\(error.setting): "))
            #expect(!error.problem.isEmpty)
            return error.setting
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func defaultsSuitTheDevStack() throws {
        let configuration = try HotlineConfiguration.fromEnvironment(Self.minimal)
        #expect(configuration.kafka.properties["bootstrap.servers"] == "kafka-1:9092,kafka-2:9092")
        #expect(configuration.policyID == "changsha-2020")
        #expect(configuration.policyDirectory == "Ops/policies")
        #expect(configuration.routingFile == "Ops/routing/changsha.yaml")
        #expect(configuration.clock == .system)
        #expect(configuration.batchSize == 500)
        #expect(configuration.maximumEventBytes == 65_536)
    }

    @Test func missingKafkaBrokersIsRefused() {
        #expect(refusedSetting(["KAFKA_BROKERS": nil]) == "KAFKA_BROKERS")
        #expect(refusedSetting(["KAFKA_BROKERS": "   "]) == "KAFKA_BROKERS")
    }

    @Test func missingOrMalformedDatabaseURLIsRefused() {
        #expect(refusedSetting(["DATABASE_URL": nil]) == "DATABASE_URL")
        #expect(refusedSetting(["DATABASE_URL": ""]) == "DATABASE_URL")
        #expect(refusedSetting(["DATABASE_URL": "mysql://hotline@localhost/hotline"]) == "DATABASE_URL")
        #expect(refusedSetting(["DATABASE_URL": "postgres://hotline@localhost:5432/"]) == "DATABASE_URL")
        #expect(refusedSetting(["DATABASE_URL": "postgres://hotline@localhost/hotline?sslmode=sometimes"]) == "DATABASE_URL")
    }

    @Test func theDatabasePasswordIsMaskedInDescriptions() throws {
        let configuration = try HotlineConfiguration.fromEnvironment(environment(["DATABASE_URL": "postgres://hotline:s3cret@db:5432/hotline"]))
        #expect(!configuration.databaseURL.description.contains("s3cret"))
    }

    func databaseSetting(_ name: String, url: String) throws -> String? {
        let configuration = try HotlineConfiguration.fromEnvironment(environment(["DATABASE_URL": url]))
        return Dictionary(configuration.effectiveSettings(), uniquingKeysWith: { $1 })[name]
    }

    /// Outside Ops/dev (whose URLs say sslmode=disable) the connection is encrypted unless
    /// the URL says otherwise; `config check` says how; verify-full checks against sslrootcert.
    @Test func databaseTLSDefaultsToRequireAndVerifiesAgainstTheCAFile() throws {
        #expect(try databaseSetting("database TLS", url: "postgres://hotline@db:5432/hotline") == "require (default): TLS, the server's certificate not verified")
        #expect(try databaseSetting("database TLS", url: "postgres://hotline@db:5432/hotline?sslmode=disable") == "disable: no TLS")
        let ca = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-ca-\(UUID().uuidString).pem")
        try Data("-----BEGIN CERTIFICATE-----".utf8).write(to: ca)
        defer { try? FileManager.default.removeItem(at: ca) }
        #expect(try databaseSetting("database TLS", url: "postgres://hotline@db:5432/hotline?sslmode=verify-full&sslrootcert=\(ca.path)")
            == "verify-full: TLS, the server's certificate and host name verified against \(ca.path)")
        #expect(refusedSetting(["DATABASE_URL": "postgres://hotline@db/hotline?sslmode=verify-full&sslrootcert=/no/such/ca.pem"]) == "DATABASE_URL")
        #expect(refusedSetting(["DATABASE_URL": "postgres://hotline@db/hotline?sslmode=require&sslrootcert=\(ca.path)"]) == "DATABASE_URL")
    }

    /// The workers' session limits, and libpq's `options` overriding one of them.
    @Test func workerSessionLimitsAreSetAndOverriddenByTheURL() throws {
        #expect(try databaseSetting("database session", url: "postgres://hotline@db:5432/hotline")
            == "statement_timeout=50s lock_timeout=20s idle_in_transaction_session_timeout=90s")
        #expect(try databaseSetting("database session", url: "postgres://hotline@db:5432/hotline?options=-c%20statement_timeout%3D45s")
            == "lock_timeout=20s idle_in_transaction_session_timeout=90s statement_timeout=45s")
        #expect(refusedSetting(["DATABASE_URL": "postgres://hotline@db/hotline?options=statement_timeout"]) == "DATABASE_URL")
    }

    @Test(arguments: ["0", "-5", "abc", "10001", "1.5"])
    func aBadBatchSizeIsRefused(value: String) {
        #expect(refusedSetting(["HOTLINE_BATCH_SIZE": value]) == "HOTLINE_BATCH_SIZE")
    }

    @Test func batchSizeAndEventLimitAreRead() throws {
        let configuration = try HotlineConfiguration.fromEnvironment(environment([
            "HOTLINE_BATCH_SIZE": "50", "HOTLINE_MAX_EVENT_BYTES": "1048576",
        ]))
        #expect(configuration.batchSize == 50)
        #expect(configuration.maximumEventBytes == 1_048_576)
        #expect(refusedSetting(["HOTLINE_MAX_EVENT_BYTES": "100"]) == "HOTLINE_MAX_EVENT_BYTES")
    }

    @Test func clockMode() throws {
        #expect(try HotlineConfiguration.fromEnvironment(environment(["HOTLINE_CLOCK": "simulated"])).clock == .simulated)
        #expect(refusedSetting(["HOTLINE_CLOCK": "fast"]) == "HOTLINE_CLOCK")
    }

    @Test func kafkaPropertiesPassThrough() throws {
        let configuration = try HotlineConfiguration.fromEnvironment(environment([
            "HOTLINE_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "HOTLINE_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        ]))
        #expect(configuration.kafka.properties["security.protocol"] == "SASL_SSL")
        #expect(configuration.kafka.properties["sasl.mechanism"] == "SCRAM-SHA-512")
    }

    @Test func kafkaPropertiesFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let file = directory.appendingPathComponent("client.properties").path
        try "# production\nssl.ca.location = /etc/ssl/ca.pem\n\nsasl.username=hotline\n".write(toFile: file, atomically: true, encoding: .utf8)
        let configuration = try HotlineConfiguration.fromEnvironment(environment(["HOTLINE_KAFKA_PROPERTIES_FILE": file]))
        #expect(configuration.kafka.properties["ssl.ca.location"] == "/etc/ssl/ca.pem")
        #expect(configuration.kafka.properties["sasl.username"] == "hotline")
        #expect(configuration.kafka.properties["properties.file"] == nil)

        let bad = directory.appendingPathComponent("bad.properties").path
        try "ssl.ca.location /etc/ssl/ca.pem\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(refusedSetting(["HOTLINE_KAFKA_PROPERTIES_FILE": bad]) == "HOTLINE_KAFKA_PROPERTIES_FILE")
        #expect(refusedSetting(["HOTLINE_KAFKA_PROPERTIES_FILE": directory.appendingPathComponent("missing").path])
            == "HOTLINE_KAFKA_PROPERTIES_FILE")
    }

    @Test(arguments: ["1", "true", "yes", "TRUE"])
    func devModeSpellings(value: String) throws {
        #expect(try HotlineConfiguration.fromEnvironment(environment(["HOTLINE_DEV_MODE": value])).devMode)
    }

    /// Outside dev mode no key is made up: a process without HOTLINE_DATA_KEY has none, and
    /// the ones that open personal data refuse to start (`PersonalDataVault`).
    @Test(arguments: ["0", nil] as [String?])
    func devModeOffNeedsKeys(value: String?) throws {
        let keys = try HotlineConfiguration.fromEnvironment(environment(["HOTLINE_DEV_MODE": value])).keys
        #expect(keys.active == nil && keys.indexKey == nil && keys.contact == nil && keys.queryCode == nil)
        #expect(throws: ConfigurationError.self) { try PersonalDataVault(keys: keys) }
    }

    /// `hotline config check` prints the effective settings; no secret reaches the output.
    @Test func effectiveSettingsMaskEverySecret() throws {
        let dataKey = Data(repeating: 7, count: 32).base64EncodedString()
        let contactKey = Data(repeating: 9, count: 32).base64EncodedString()
        let indexKey = Data(repeating: 3, count: 32).base64EncodedString()
        let configuration = try HotlineConfiguration.fromEnvironment(environment([
            "HOTLINE_DEV_MODE": nil, "DATABASE_URL": "postgres://hotline:pg-s3cret@db.internal:5432/hotline",
            "HOTLINE_DATA_KEY": "k2:\(dataKey)", "HOTLINE_DATA_KEYS_PREVIOUS": "k1:\(contactKey)", "HOTLINE_INDEX_KEY": indexKey,
            "HOTLINE_CONTACT_KEY": "c1:\(contactKey)", "HOTLINE_KAFKA_SASL_PASSWORD": "kafka-s3cret", "HOTLINE_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        ]))
        let settings = Dictionary(configuration.effectiveSettings(), uniquingKeysWith: { $1 })
        let printed = settings.map { "\($0) \($1)" }.joined(separator: "\n")
        for secret in ["pg-s3cret", "kafka-s3cret", dataKey, contactKey, indexKey] {
            #expect(!printed.contains(secret))
        }
        #expect(settings["DATABASE_URL"] == "postgres://hotline:****@db.internal:5432/hotline")
        #expect(settings["HOTLINE_DATA_KEY"] == "id k2 (key masked)" && settings["HOTLINE_DATA_KEYS_PREVIOUS"] == "id k1")
        #expect(settings["kafka sasl.password"] == "****" && settings["kafka security.protocol"] == "SASL_SSL")
        #expect(settings["HOTLINE_BATCH_SIZE"] == "500" && settings["HOTLINE_SWEEP_INTERVAL_MS"] == "1000")
    }

    /// `hotline config check` names the Kafka principal a worker will act as, so a worker
    /// started with another party's credential is seen before it is refused by the ACLs.
    @Test func effectiveSettingsNameTheKafkaPrincipal() throws {
        func principal(_ kafka: [String: String?]) throws -> String? {
            let configuration = try HotlineConfiguration.fromEnvironment(environment(kafka))
            return Dictionary(configuration.effectiveSettings(), uniquingKeysWith: { $1 })["Kafka principal"]
        }
        #expect(try principal([
            "HOTLINE_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "HOTLINE_KAFKA_SASL_MECHANISMS": "SCRAM-SHA-512",
            "HOTLINE_KAFKA_SASL_USERNAME": "hotline-intake", "HOTLINE_KAFKA_SASL_PASSWORD": "kafka-s3cret",
        ]) == "User:hotline-intake (SCRAM-SHA-512 over SASL_SSL)")
        #expect(try principal(["HOTLINE_KAFKA_SECURITY_PROTOCOL": "SSL", "HOTLINE_KAFKA_SSL_CERTIFICATE_LOCATION": "/etc/hotline/relay.pem"])
            == "the subject of /etc/hotline/relay.pem (mTLS)")
        #expect(try principal([:]) == "none (PLAINTEXT: the brokers cannot tell workers apart)")
    }
}
