import Foundation
import HotlineDomain
import PostgresNIO
import Testing

/// DESIGN.md "The calendar never runs out": a year with no State Council notice yet is
/// counted provisionally from the statutory holidays (全国年节及纪念日放假办法, 国务院令第795号)
/// and recounted when its notice is added, through the real workers and `hotline calendar replan`.
@Suite(.serialized)
struct CalendarReplanTests {
    /// A stand-in for the 2027 notice: the statutory days as ranges, and one worked Saturday
    /// (2027-01-02, 调休 for 元旦) inside the window the cases' clocks count over.
    static let official2027 = """
        year: 2027
        source: "国务院办公厅关于2027年部分节假日安排的通知（测试）"
        holidays:
          - {name: 元旦, from: 2027-01-01, to: 2027-01-01}
          - {name: 春节, from: 2027-02-05, to: 2027-02-10}
          - {name: 清明节, from: 2027-04-05, to: 2027-04-05}
          - {name: 劳动节, from: 2027-05-01, to: 2027-05-04}
          - {name: 端午节, from: 2027-06-09, to: 2027-06-09}
          - {name: 中秋节, from: 2027-09-15, to: 2027-09-15}
          - {name: 国庆节, from: 2027-10-01, to: 2027-10-05}
        workdays:
          - {date: 2027-01-02, for: 元旦}
        """

    /// 长沙 第十七条 (sign by the next working day) and 第十九条（二） (a complaint within 10
    /// working days of signing), dispatched on 2026-12-31: both clocks reach into 2027 and
    /// are provisional; the notice with a worked Saturday moves each one working day
    /// earlier, with an event, a history row and the case's handling deadline; a second
    /// replan changes nothing.
    @Test func provisionalClocksAreRecountedWhenTheNoticeIsAdded() async throws {
        try await TestStack.with { stack in
            let calendars = stack.directory.appendingPathComponent("calendars")
            try FileManager.default.createDirectory(at: calendars, withIntermediateDirectories: true)
            for year in [2025, 2026] {
                try FileManager.default.copyItem(
                    atPath: stack.values.root + "/Ops/calendars/cn-\(year).yaml", toPath: calendars.appendingPathComponent("cn-\(year).yaml").path)
            }
            let environment = [
                "HOTLINE_CLOCK": "simulated", "HOTLINE_POLICY": "changsha-2020",
                "HOTLINE_CALENDAR_DIR": calendars.path,
            ]
            try stack.setClock("2026-12-31T09:00:00+08:00")
            for worker in ["intake", "dispatch", "relay"] { try stack.startWorker(worker, extraEnvironment: environment) }
            let cases = try await stack.dispatchedCases([IntakeEvents.appeal(1), IntakeEvents.appeal(2)])
            try #require(cases.count == 2)
            let (unsigned, signed) = (cases[0], cases[1])
            try stack.setClock("2026-12-31T10:00:00+08:00")
            try await stack.unitActs([Actions.unit("sign", case: signed.id, unit: signed.lead, id: "ua-sign-replan")])

            // Counted provisionally: 2027-01-01 is 元旦, no 调休 is guessed.
            #expect(try await clock(of: unsigned, "sign", stack) == Clock(due: "2027-01-04T23:59:59+08:00", provisional: true))
            #expect(try await clock(of: signed, "handling", stack) == Clock(due: "2027-01-15T23:59:59+08:00", provisional: true))
            #expect(try await stack.state(signed).handlingDue == "2027-01-15T23:59:59+08:00")
            let deadline = try stack.run(
                ["deadline", "--policy", "changsha-2020", "--obligation", "handling", "--category", "投诉", "--from", "2026-12-31T10:00:00+08:00"],
                extraEnvironment: environment)
            #expect(deadline.stdout == "2027-01-15T23:59:59+08:00\n")
            #expect(deadline.stderr.contains("provisional") && deadline.stderr.contains("cn-2027.yaml"))

            try Self.official2027.write(to: calendars.appendingPathComponent("cn-2027.yaml"), atomically: true, encoding: .utf8)
            let first = try stack.run(["calendar", "replan"], extraEnvironment: environment)
            #expect(first.stdout.contains("examined 2 provisional clocks: 2 moved"), "\(first.output)")
            #expect(try await clock(of: unsigned, "sign", stack) == Clock(due: "2027-01-02T23:59:59+08:00", provisional: false))
            #expect(try await clock(of: signed, "handling", stack) == Clock(due: "2027-01-14T23:59:59+08:00", provisional: false))
            #expect(try await stack.state(signed).handlingDue == "2027-01-14T23:59:59+08:00", "the case's deadline follows its clock")
            #expect(try await stack.count("SELECT count(*) FROM case_history WHERE action = 'deadline_replanned'") == 2)
            #expect(try await stack.count(
                "SELECT count(*) FROM case_clocks WHERE calendar_basis LIKE '%2027年部分节假日安排的通知（测试）%' AND state = 'open'") == 2)

            try await stack.waitUntil("the relay publishes the replan events") { try await stack.count("SELECT count(*) FROM outbox") == 0 }
            let replanned = try await stack.readTopic("hotline.cases.v1", expected: 8).compactMap { message -> [String: Any]? in
                guard let value = message.value, let object = try JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
                      object["type"] as? String == "deadline.replanned" else { return nil }
                return object
            }
            let moves = Set(replanned.map { "\($0["case_id"] ?? "") \($0["obligation"] ?? "") \($0["previous_due_at"] ?? "") -> \($0["due_at"] ?? "")" })
            #expect(moves == [
                "\(unsigned.id) sign 2027-01-04T23:59:59+08:00 -> 2027-01-02T23:59:59+08:00",
                "\(signed.id) handling 2027-01-15T23:59:59+08:00 -> 2027-01-14T23:59:59+08:00",
            ])
            #expect(replanned.allSatisfy { $0["provisional"] as? Bool == false })

            let second = try stack.run(["calendar", "replan"], extraEnvironment: environment)
            #expect(second.stdout.contains("examined 0 provisional clocks"), "\(second.output)")
            #expect(try await stack.count("SELECT count(*) FROM case_history WHERE action = 'deadline_replanned'") == 2)
            #expect(try await stack.count("SELECT count(*) FROM outbox") == 0)
        }
    }

    /// DESIGN.md "no case ever runs without its clocks": with the clock at 2027-12-20, 长沙's
    /// longest chain of limits reaches 2028, past the provisional 2027: the worker refuses to
    /// start in one line naming the year and the file to add.
    @Test func aWorkerRefusesToStartWhenTheCalendarFallsShort() async throws {
        try await TestStack.with { stack in
            try stack.setClock("2027-12-20T09:00:00+08:00")
            try stack.startWorker("dispatch", extraEnvironment: ["HOTLINE_CLOCK": "simulated", "HOTLINE_POLICY": "changsha-2020"])
            try await stack.waitUntil(timeout: .seconds(60), "the worker exits") { !stack.isRunning("dispatch") }
            #expect(stack.exitedProcesses.contains("dispatch exited") && !stack.exitedProcesses.contains("dispatch exited 0"), "\(stack.exitedProcesses)")
            let log = try String(contentsOf: stack.directory.appendingPathComponent("dispatch.log"), encoding: .utf8)
            #expect(log.contains("HOTLINE_CALENDAR_DIR") && log.contains("2028") && log.contains("cn-2028.yaml"), "\(log.suffix(800))")
        }
    }

    struct Clock: Equatable {
        var due: String
        var provisional: Bool
    }

    func clock(of tracked: TrackedCase, _ obligation: String, _ stack: TestStack) async throws -> Clock {
        let rows = try await stack.client.query(
            """
            SELECT due_at, provisional FROM case_clocks
            WHERE case_id = \(UUID(uuidString: tracked.id)!) AND obligation = \(obligation) AND state = 'open'
            """, logger: stack.logger)
        for try await (due, provisional) in rows.decode((Date, Bool).self) {
            return Clock(due: RFC3339.formatSeconds(due), provisional: provisional)
        }
        throw StackError("no open \(obligation) clock for case \(tracked.id)")
    }
}

/// `hotline calendar show` and `hotline deadline` as an operator runs them, without a stack.
@Suite struct CalendarCommandTests {
    func hotline(_ arguments: [String], calendars: String? = nil) throws -> ProgramResult {
        let values = try TestEnvironment.require()
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HOTLINE_") }
        environment["HOTLINE_CALENDAR_DIR"] = calendars ?? values.root + "/Ops/calendars"
        environment["HOTLINE_POLICY_DIR"] = values.root + "/Ops/policies"
        return try TestStack.hotline(values, arguments, environment: environment)
    }

    /// 第二条 and 第六条 for 2027: 春节 on a weekend gives two substitute days off.
    @Test func showsAProvisionalYearWithTheBasisOfEachDay() throws {
        let result = try hotline(["calendar", "show", "2027"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.hasPrefix("2027 provisional"))
        #expect(result.stdout.contains("2027-02-09 Tue  day off  春节补假  [第六条 (provisional)]"))
        #expect(result.stdout.contains("2027-10-01 Fri  day off  国庆节  [第二条 (provisional)]"))
        #expect(!result.stdout.contains("worked"), "no 调休 is guessed")
    }

    @Test func showsAnOfficialYearWithItsWorkedDays() throws {
        let result = try hotline(["calendar", "show", "2026"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("2026-10-10 Sat  worked   调休 for 国庆节"))
        #expect(result.stdout.contains("2026-02-17 Tue  day off  春节 (第二条)"))
    }

    @Test func aYearPastTheHorizonIsAnErrorNamingIt() throws {
        let result = try hotline(["calendar", "show", "2028"])
        #expect(result.status == 2)
        #expect(result.output.contains("2028") && result.output.contains("cn-2028.yaml"))
    }

    /// A notice that drops a statutory holiday without saying so is refused with the file and the date.
    @Test func aFileDroppingAStatutoryHolidayIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("calendars-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let root = try TestEnvironment.require().root
        try FileManager.default.copyItem(atPath: root + "/Ops/calendars/cn-2026.yaml", toPath: folder.appendingPathComponent("cn-2026.yaml").path)
        try CalendarReplanTests.official2027.replacingOccurrences(of: "  - {name: 中秋节, from: 2027-09-15, to: 2027-09-15}\n", with: "")
            .write(to: folder.appendingPathComponent("cn-2027.yaml"), atomically: true, encoding: .utf8)
        let result = try hotline(["calendar", "show", "2027"], calendars: folder.path)
        #expect(result.status == 2)
        #expect(result.output.contains("cn-2027.yaml") && result.output.contains("2027-09-15") && result.output.contains("中秋节"), "\(result.output)")
    }

    /// The demo's units plan by these days: the National Day break skipped, its adjusted
    /// Saturday 10-10 worked, the first day included when it is a working day.
    @Test func workingDaysSkipTheBreakAndCountTheAdjustedSaturday() throws {
        let result = try hotline(["calendar", "working-days", "2026-09-30", "--count", "4"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout == "2026-09-30\n2026-10-08\n2026-10-09\n2026-10-10\n")
        #expect(result.stderr.isEmpty)
    }

    /// Into 2027, which has no notice yet: 元旦 (第二条) is off, no 调休 guessed, and standard
    /// error says the days are provisional; past the horizon is an error naming the year.
    @Test func workingDaysIntoAProvisionalYearSaySoAndStopAtTheHorizon() throws {
        let provisional = try hotline(["calendar", "working-days", "2026-12-31", "--count", "3"])
        #expect(provisional.status == 0, "\(provisional.output)")
        #expect(provisional.stdout == "2026-12-31\n2027-01-04\n2027-01-05\n")
        #expect(provisional.stderr.contains("provisional") && provisional.stderr.contains("cn-2027.yaml"), "\(provisional.stderr)")
        let beyond = try hotline(["calendar", "working-days", "2027-12-20", "--count", "30"])
        #expect(beyond.status == 2)
        #expect(beyond.output.contains("2028") && beyond.output.contains("cn-2028.yaml"), "\(beyond.output)")
    }

    /// Staff type the policy's Chinese label; `--help` lists every obligation.
    @Test func deadlineTakesTheCategoryLabelAndListsEveryObligation() throws {
        let label = try hotline(["deadline", "--policy", "changsha-2020", "--obligation", "handling", "--category", "咨询", "--from", "2026-10-09T15:00:00+08:00"])
        #expect(label.stdout == "2026-10-13T23:59:59+08:00\n")
        let help = try hotline(["deadline", "--help"])
        for obligation in Obligation.allCases { #expect(help.output.contains(obligation.rawValue), "\(obligation)") }
    }
}
