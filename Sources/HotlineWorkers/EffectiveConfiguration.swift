import Foundation

extension HotlineConfiguration {
    /// The configuration as the processes will run it, one `(setting, value)` per line, for
    /// `hotline config check`: secrets never appear (the database password is masked, keys
    /// show their id only, Kafka properties naming a password, secret or key are masked).
    public func effectiveSettings() -> [(String, String)] {
        let secretWords = ["password", "secret", "key", "token", "jaas"]
        var settings: [(String, String)] = [
            ("KAFKA_BROKERS", kafka.properties["bootstrap.servers"] ?? ""),
            ("Kafka principal", kafkaPrincipal),
            ("DATABASE_URL", databaseURL.description),
            ("database TLS", databaseURL.tlsDescription),
            ("database session", databaseURL.sessionSettings.map { "\($0.name)=\($0.value)" }.joined(separator: " ")),
            ("HOTLINE_POLICY", policyID),
            ("HOTLINE_POLICY_DIR", policyDirectory),
            ("HOTLINE_CALENDAR_DIR", calendarDirectory),
            ("HOTLINE_CALENDAR_PROVISIONAL_YEARS", "\(calendarProvisionalYears)"),
            ("HOTLINE_ROUTING_FILE", routingFile),
            ("HOTLINE_CLOCK", clock.rawValue),
            ("HOTLINE_BATCH_SIZE", "\(batchSize)"),
            ("HOTLINE_SWEEP_INTERVAL_MS", "\(sweepInterval.components.seconds * 1000 + sweepInterval.components.attoseconds / 1_000_000_000_000_000)"),
            ("HOTLINE_MAX_EVENT_BYTES", "\(maximumEventBytes)"),
            ("HOTLINE_CONSUMER_BUFFER_BYTES", "\(consumerBufferBytes)"),
            ("HOTLINE_DEV_MODE", devMode ? "1" : "0"),
            ("HOTLINE_HTTP_HOST", httpHost),
            ("HOTLINE_HTTP_PORT", httpPort.map(String.init) ?? "not set (no /health, /ready, /metrics)"),
            ("traces (OTEL_EXPORTER_OTLP_ENDPOINT)", traceExport?.description ?? "off (no OTLP endpoint set)"),
            ("HOTLINE_DATA_KEY", keys.active.map { "id \($0.id) (key masked)" } ?? "not set (the intake, dispatch and callbacks workers refuse to start)"),
            ("HOTLINE_DATA_KEYS_PREVIOUS", keys.previous.isEmpty ? "none" : keys.previous.map { "id \($0.id)" }.joined(separator: ", ")),
            ("HOTLINE_INDEX_KEY", keys.indexKey == nil ? "not set (the intake, dispatch and callbacks workers refuse to start)" : "set (masked)"),
            ("HOTLINE_CONTACT_KEY", keys.contact.map { "id \($0.id) (key masked)" } ?? "not set (the callbacks worker refuses to start)"),
            ("HOTLINE_QUERY_CODE_KEY", keys.queryCode == nil ? "not set (the intake worker refuses to start)" : "set (masked)"),
            ("HOTLINE_LOOKUP_KEY", keys.lookup.map { "id \($0.id) (key masked)" } ?? "not set (the intake worker and the lookup refuse to start)"),
            ("HOTLINE_LOOKUP_KEYS_PREVIOUS", keys.lookupPrevious.isEmpty ? "none" : keys.lookupPrevious.map { "id \($0.id)" }.joined(separator: ", ")),
        ]
        for (name, value) in kafka.properties.sorted(by: { $0.key < $1.key }) where name != "bootstrap.servers" {
            let secret = secretWords.contains { name.lowercased().contains($0) }
            settings.append(("kafka \(name)", secret ? "****" : value))
        }
        return settings
    }

    /// Who the brokers will take this process for (RUNBOOK "Kafka credentials"): the SASL
    /// user, or the client certificate for mTLS; no credential on a plaintext listener.
    private var kafkaPrincipal: String {
        let protocolName = kafka.properties["security.protocol"]?.uppercased() ?? "PLAINTEXT"
        if protocolName.hasPrefix("SASL") {
            let mechanism = kafka.properties["sasl.mechanisms"] ?? kafka.properties["sasl.mechanism"] ?? "GSSAPI"
            let user = kafka.properties["sasl.username"].map { "User:\($0)" } ?? "no sasl.username set"
            return "\(user) (\(mechanism) over \(protocolName))"
        }
        if protocolName == "SSL" {
            return kafka.properties["ssl.certificate.location"].map { "the subject of \($0) (mTLS)" } ?? "no ssl.certificate.location set"
        }
        return "none (\(protocolName): the brokers cannot tell workers apart)"
    }
}
