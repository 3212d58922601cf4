import Foundation
import HotlineDomain
import Testing

/// The citizens' progress lookup over HTTP (巴林左旗 第二十四条 「诉求人对其提出的热线事项的办理进度和
/// 办理结果享有知情权」): the real intake worker and relay give the receipt with its query code,
/// the real `hotline serve-lookup` answers, as the login granted `hotline_lookup` only.
@Suite(.serialized)
struct LookupTests {
    /// One appeal through intake and the relay: its case number and the query code on its receipt.
    func acceptedCase(_ stack: TestStack) async throws -> (number: String, code: String) {
        try stack.startWorker("intake")
        try stack.startWorker("relay")
        try stack.publish([IntakeEvents.appeal(1)])
        let receipts = try await stack.readTopic("hotline.intake.receipts.v1", expected: 1)
        let receipt = try JSONDecoder().decode(IntakeReceipt.self, from: Data(try #require(receipts.first?.value)))
        let number = try #require(receipt.caseNumber)
        let code = try #require(receipt.queryCode)
        return (number, code)
    }

    /// The right code answers the case's progress; a wrong code and a number no case has get
    /// the same status, headers and body; every attempt is in the audit, never the code.
    @Test func theRightCodeAnswersAndAWrongCodeOrAnUnknownNumberGetTheSameAnswer() async throws {
        try await TestStack.with { stack in
            let (number, code) = try await acceptedCase(stack)
            #expect(code.count == 14 && QueryCode(parsing: code) != nil)
            #expect(try await stack.count("SELECT count(*) FROM intake_requests WHERE receipt::text LIKE \("%" + code.replacingOccurrences(of: "-", with: "") + "%") OR receipt ? 'query_code'") == 0,
                    "the code is kept nowhere in clear")
            let port = try LookupClient.freePort(stack)
            try stack.startLookup(port: port, extraEnvironment: ["HOTLINE_LOOKUP_CASE_ATTEMPTS": "100", "HOTLINE_LOOKUP_CLIENT_ATTEMPTS": "1000"])
            let wrong = QueryCode(derivedFrom: (UInt64(code.replacingOccurrences(of: "-", with: ""))! + 1) % 1_000_000_000_000).description
            let answers = try LookupClient.post(stack, port: port, [
                .init(number, code), .init(number, wrong), .init("20991231-999999", code), .init(number, code.replacingOccurrences(of: "-", with: " ")),
            ])
            #expect(answers.map(\.status) == [200, 404, 404, 200])
            let progress = try #require(try JSONSerialization.jsonObject(with: Data(answers[0].body.utf8)) as? [String: Any])
            #expect(progress["case_number"] as? String == number && progress["status"] as? String == "accepted" && progress["category"] as? String == "complaint")
            #expect(Set(progress.keys) == ["case_number", "status", "category", "received_at", "accepted_at", "unit_name", "handling_due", "resolved_at", "closed_at", "result", "rating"])
            #expect(!answers[0].body.contains("测试来电人") && !answers[0].body.contains("13900000001") && !answers[0].body.contains("小区门口道路"),
                    "no caller data, no appeal text")
            #expect(answers[1].body == answers[2].body && answers[1].headers == answers[2].headers, "unknown number and wrong code: one answer")
            #expect(answers[1].headers["retry-after"] == nil && answers[0].headers["cache-control"] == "no-store")
            let audit = try await stack.pairs("SELECT id::text || ' ' || outcome || ' ' || coalesce(case_number_tried, '-') || ' ' || client, id FROM lookup_attempts")
            #expect(audit.sorted { $0.value < $1.value }.map { $0.key.split(separator: " ").dropFirst().joined(separator: " ") } == [
                "answered \(number) 127.0.0.1", "no_match \(number) 127.0.0.1", "no_match 20991231-999999 127.0.0.1", "answered \(number) 127.0.0.1",
            ])
            // Any 8 of the code's 12 digits in a row, with or without its separators: 4 digits alone
            // turned up by chance in a row's times and numbers.
            let digits = Array(code.filter(\.isNumber))
            let pieces = [code, code.replacingOccurrences(of: "-", with: " ")] + (0...(digits.count - 8)).map { String(digits[$0..<($0 + 8)]) }
            for piece in pieces {
                #expect(try await stack.count("SELECT count(*) FROM lookup_attempts a WHERE row_to_json(a)::text LIKE \("%" + piece + "%")") == 0,
                        "the audit holds no code")
            }
        }
    }

    /// The same work for a number no case has and for a wrong code: the median times of
    /// alternating tries agree (printed; the bound is loose, the machine is shared).
    @Test func aWrongCodeAndAnUnknownNumberTakeTheSameTime() async throws {
        try await TestStack.with { stack in
            let (number, code) = try await acceptedCase(stack)
            let port = try LookupClient.freePort(stack)
            try stack.startLookup(port: port, extraEnvironment: ["HOTLINE_LOOKUP_CASE_ATTEMPTS": "100", "HOTLINE_LOOKUP_CLIENT_ATTEMPTS": "10000"])
            let wrong = QueryCode(derivedFrom: (UInt64(code.replacingOccurrences(of: "-", with: ""))! + 7) % 1_000_000_000_000).description
            // Alternating, each number tried again and again: the first try on a number also
            // creates its counter row, whether a case has it or not.
            let tries = (0..<160).map { $0 % 2 == 0 ? LookupClient.Attempt(number, wrong) : LookupClient.Attempt("20991231-000101", wrong) }
            let answers = try LookupClient.post(stack, port: port, tries)
            #expect(Set(answers.map(\.status)) == [404])
            func median(_ parity: Int) -> Double {
                let times = answers.enumerated().filter { $0.offset % 2 == parity && $0.offset >= 20 }.map(\.element.seconds).sorted()
                return times[times.count / 2]
            }
            let (known, unknown) = (median(0), median(1))
            print("lookup timing: wrong code median \(known * 1000) ms, unknown number median \(unknown * 1000) ms")
            #expect(abs(known - unknown) < max(0.002, 0.25 * min(known, unknown)), "wrong code \(known) s, unknown number \(unknown) s")
        }
    }

    /// Wrong tries lock the case number tried (whether a case has it or not: the same 429)
    /// and the lock lifts when `Retry-After` said, by the shared simulated clock.
    @Test func theLockoutEngagesForAnyCaseNumberAndLifts() async throws {
        try await TestStack.with { stack in
            let start = "2026-10-12T10:00:00+08:00"
            try stack.run(["clock", "set", start])
            let simulated = ["HOTLINE_CLOCK": "simulated"]
            try stack.startWorker("intake", extraEnvironment: simulated)
            try stack.startWorker("relay")
            try stack.publish([IntakeEvents.appeal(1)])
            let receipts = try await stack.readTopic("hotline.intake.receipts.v1", expected: 1)
            let receipt = try JSONDecoder().decode(IntakeReceipt.self, from: Data(try #require(receipts.first?.value)))
            let number = try #require(receipt.caseNumber)
            let code = try #require(receipt.queryCode)
            let port = try LookupClient.freePort(stack)
            try stack.startLookup(port: port, extraEnvironment: simulated.merging([
                "HOTLINE_LOOKUP_CASE_ATTEMPTS": "3", "HOTLINE_LOOKUP_CLIENT_ATTEMPTS": "100", "HOTLINE_LOOKUP_LOCKOUT_SECONDS": "300",
            ]) { $1 })
            let wrong = "0000-0000-0000" == code ? "0000-0000-0001" : "0000-0000-0000"
            let unknown = "20991231-999999"
            let answers = try LookupClient.post(stack, port: port, [
                .init(number, wrong), .init(number, wrong), .init(number, wrong), .init(number, code),
                .init(unknown, wrong), .init(unknown, wrong), .init(unknown, wrong), .init(unknown, code),
            ])
            #expect(answers.map(\.status) == [404, 404, 404, 429, 404, 404, 404, 429])
            #expect(answers[3].headers["retry-after"] == "300" && answers[3].body == answers[7].body && answers[3].headers == answers[7].headers,
                    "locked: the same refusal for an existing and an unknown case number, saying when to try again")
            #expect(answers[3].body.contains("\"error\":\"too_many_attempts\"") && answers[3].body.contains("\"retry_after_seconds\":300"))
            try stack.run(["clock", "set", "2026-10-12T10:04:59+08:00"])
            #expect(try LookupClient.post(stack, port: port, [.init(number, code)]).map(\.status) == [429])
            try stack.run(["clock", "set", "2026-10-12T10:05:00+08:00"])
            let lifted = try LookupClient.post(stack, port: port, [.init(number, code)])
            #expect(lifted.map(\.status) == [200], "the lock lifted when Retry-After said")
            let outcomes = try await stack.pairs("SELECT id::text || ' ' || outcome || ' ' || coalesce(retry_after_seconds::text, '-'), id FROM lookup_attempts")
            #expect(outcomes.sorted { $0.value < $1.value }.map { $0.key.split(separator: " ").dropFirst().joined(separator: " ") } == [
                "no_match -", "no_match -", "no_match -", "locked 300", "no_match -", "no_match -", "no_match -", "locked 300", "locked 1", "answered -",
            ])
            // The operators see the same on /metrics, by outcome only: no case number, no client.
            let metrics = try LookupClient.get(stack, port: port, "/metrics")
            for line in [
                #"hotline_lookup_attempts_total{outcome="no_match"} 6"#, #"hotline_lookup_attempts_total{outcome="locked"} 3"#,
                #"hotline_lookup_attempts_total{outcome="answered"} 1"#, #"hotline_lookup_attempts_total{outcome="unavailable"} 0"#,
            ] {
                #expect(metrics.contains(line), "\(line) in \(metrics)")
            }
            #expect(!metrics.contains(number) && !metrics.contains("127.0.0.1"))
        }
    }

    /// Behind a trusted proxy each forwarded client has its own limit: one that tried too
    /// many numbers is refused, another is not; the audit names the forwarded client.
    @Test func eachClientBehindATrustedProxyHasItsOwnLimit() async throws {
        try await TestStack.with { stack in
            let port = try LookupClient.freePort(stack)
            try stack.startLookup(port: port, extraEnvironment: [
                "HOTLINE_LOOKUP_CASE_ATTEMPTS": "100", "HOTLINE_LOOKUP_CLIENT_ATTEMPTS": "4", "HOTLINE_LOOKUP_TRUSTED_PROXIES": "127.0.0.1",
            ])
            let first = ["X-Forwarded-For": "192.0.2.1, 198.51.100.7"]
            let answers = try LookupClient.post(stack, port: port, (1...5).map { LookupClient.Attempt("20261012-00000\($0)", "1111-2222-3333", headers: first) }
                + [LookupClient.Attempt("20261012-000009", "1111-2222-3333", headers: ["X-Forwarded-For": "198.51.100.8"]),
                   LookupClient.Attempt("not a number", "1111-2222-3333", headers: ["X-Forwarded-For": "198.51.100.8"])])
            #expect(answers.map(\.status) == [404, 404, 404, 404, 429, 404, 400])
            #expect(try await stack.count("SELECT count(*) FROM lookup_attempts WHERE client = '198.51.100.7'") == 5)
            #expect(try await stack.count("SELECT count(*) FROM lookup_attempts WHERE client = '198.51.100.8' AND outcome = 'malformed'") == 1)
        }
    }
}

/// Requests to `hotline serve-lookup` from Python's http.client over one connection, timed
/// around each request and response.
enum LookupClient {
    struct Attempt: Encodable {
        var body: String
        var headers: [String: String]

        init(_ caseNumber: String, _ code: String, headers: [String: String] = [:]) {
            body = "{\"case_number\":\"\(caseNumber)\",\"query_code\":\"\(code)\"}"
            self.headers = headers
        }
    }

    struct Answer: Decodable {
        var status: Int
        var headers: [String: String]
        var body: String
        var seconds: Double
    }

    static let script = """
        import http.client, json, sys, time
        port, attempts = int(sys.argv[1]), json.loads(sys.argv[2])
        for _ in range(300):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/ready")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        answers = []
        for attempt in attempts:
            started = time.perf_counter()
            connection.request("POST", "/v1/progress", body=attempt["body"].encode(), headers={"Content-Type": "application/json", **attempt["headers"]})
            response = connection.getresponse()
            body = response.read().decode()
            answers.append({"status": response.status, "body": body, "seconds": time.perf_counter() - started,
                            "headers": {k.lower(): v for k, v in response.getheaders() if k.lower() != "date"}})
        print(json.dumps(answers))
        """

    static func post(_ stack: TestStack, port: Int, _ attempts: [Attempt]) throws -> [Answer] {
        let input = String(decoding: try JSONEncoder().encode(attempts), as: UTF8.self)
        let output = try stack.runTool("/usr/bin/python3", ["-c", script, "\(port)", input])
        return try JSONDecoder().decode([Answer].self, from: Data(output.utf8))
    }

    /// The body of a GET.
    static func get(_ stack: TestStack, port: Int, _ path: String) throws -> String {
        try stack.runTool("/usr/bin/python3", [
            "-c", "import sys, urllib.request; print(urllib.request.urlopen(f'http://127.0.0.1:{sys.argv[1]}{sys.argv[2]}', timeout=10).read().decode())",
            "\(port)", path,
        ])
    }

    static func freePort(_ stack: TestStack) throws -> Int {
        let text = try stack.runTool("/usr/bin/python3", ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
        return try #require(Int(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}
