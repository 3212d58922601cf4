import Foundation
import Testing

/// `hotline report --format html|pdf`, the bulletin (长沙 第三十七条 「月度考核结果定期通报」), on the
/// month `ReportTests` recorded by hand, looked at in headless Chromium: the page loads, and
/// every rank, score, weighed rate, hot spot and supervision it shows is the JSON report's,
/// printed as the table prints it.
@Suite(.serialized)
struct BulletinTests {
    /// A unit whose configured name holds markup: the page must show it as text.
    static let markup = "city-markup", markupName = "<b>测试</b> & \"单位\""
    /// changsha-2020's `assessment.weights`, in AssessmentMeasure's order.
    static let weighed = ["response_rate", "resolution_rate", "satisfaction_rate"]

    static func percent(_ value: Any?) -> String { (value as? Double).map { String(format: "%.1f%%", $0 * 100) } ?? "-" }

    /// Each match's capture groups.
    static func matches(_ pattern: String, in text: some StringProtocol) throws -> [[String]] {
        let regex = try NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        let text = String(text)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            (1..<match.numberOfRanges).map { Range(match.range(at: $0), in: text).map { String(text[$0]) } ?? "" }
        }
    }

    /// The page as Chromium holds it after loading (`--dump-dom`).
    static func loaded(_ page: URL, _ stack: TestStack) throws -> String {
        let profile = stack.directory.appendingPathComponent("chromium-profile").path
        return try stack.runTool("/usr/bin/env", [
            "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)", "--dump-dom", page.absoluteString,
        ])
    }

    @Test func theBulletinInABrowserShowsTheReportsNumbers() async throws {
        try await TestStack.with { stack in
            let recorded = ReportTests()
            try await recorded.recordOctober(stack)
            try await recorded.recordHotSpots(stack)
            _ = try await recorded.insertCase(stack, 201, unit: Self.markup, name: Self.markupName, assignedAt: ReportTests.october(15, 9))
            let october = ["report", "--policy", "changsha-2020", "--period", "2026-10"]
            let report = try ReportTests.object(try stack.run(october + ["--format", "json"]).stdout)
            let page = stack.directory.appendingPathComponent("bulletin.html")
            _ = try stack.run(october + ["--format", "html", "--output", page.path])
            let html = try String(contentsOf: page, encoding: .utf8)
            for external in ["<script", "<link", "src=", "href=", "url(", "@import"] {
                #expect(!html.contains(external), "self-contained: no \(external)")
            }

            let dom = try Self.loaded(page, stack)
            #expect(dom.contains("<h1>长沙市 12345 热线考核通报 2026-10</h1>"))
            #expect(dom.contains("changsha-2020") && dom.contains("第三十七条") && dom.contains("月度考核结果定期通报"), "the policy and its articles")
            #expect(!dom.contains("<b>") && dom.contains("&lt;b&gt;测试&lt;/b&gt; &amp; \"单位\""), "the unit's name is text, not markup")

            let units = try #require(report["units"] as? [[String: Any]])
            let rows = try Self.matches(#"<tr data-unit="([^"]*)">(.*?)</tr>"#, in: dom)
            #expect(rows.map { $0[0] } == units.map { ($0["figures"] as? [String: Any])?["unit_id"] as? String ?? "?" }, "every unit, in the report's order")
            for (row, unit) in zip(rows, units) {
                let rank = try Self.matches(#"<td class="rank">([^<]*)</td>"#, in: row[1]).first?.first
                let score = try Self.matches(#"<td class="score">([^<]*)</td>"#, in: row[1]).first?.first
                let rates = try Self.matches(#"<td data-measure="([^"]*)">([^<]*)</td>"#, in: row[1])
                #expect(rank == ((unit["rank"] as? Int).map(String.init) ?? "未排名"), "\(row[0]) rank")
                #expect(score == Self.percent(unit["score"]), "\(row[0]) score")
                #expect(rates.map { $0[0] } == Self.weighed, "\(row[0]) shows the rates the policy weighs")
                #expect(rates.map { $0[1] } == Self.weighed.map { Self.percent(unit[$0]) }, "\(row[0]) rates")
            }
            #expect(rows.first { $0[0] == ReportTests.urban }.map { $0[1].contains("75.0%") && $0[1].contains("72.5%") } == true,
                    "城管's 响应率 and 满意率, as computed by hand in ReportTests")

            for measure in Self.weighed {
                let figure = try #require(try Self.matches(#"<figure data-measure="\#(measure)">(.*?)</figure>"#, in: dom).first?.first, "\(measure) chart")
                let bars = try Self.matches(#"<text class="bar-text"[^>]*>([^<]*)</text>"#, in: figure).map { $0[0] }
                #expect(bars == units.map { Self.percent($0[measure]) }, "\(measure) bar per unit")
            }

            let hotSpotTable = try #require(try Self.matches(#"<table class="hot-spots">(.*?)</table>"#, in: dom).first?.first)
            let spots = try Self.matches(#"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>"#, in: hotSpotTable)
            // As ReportTests.describe writes the JSON's hot spots: no area as "-", the category's code without the policy's label.
            let shown = spots.map { cells in
                let area = cells[1] == "（未注明区域）" ? "-" : cells[1]
                return "\(cells[0]) \(area) \(cells[2].split(separator: " ").last ?? "") \(cells[3...].joined(separator: " "))"
            }
            #expect(shown == ReportTests.describe(try #require(report["hot_spots"] as? [[String: Any]])) && shown.count == 4)
            #expect(spots.map { $0[2] } == ["投诉 complaint", "求助 help", "投诉 complaint", "咨询 consultation"], "the policy's category names")
            let supervised = try Self.matches(#"<text class="bar-text"[^>]*>(1（2 [^<]*)</text>"#, in: dom)
            #expect(supervised.count == 1, "城管's one supervision, at ladder level 2")
            let byLevel = try #require(try Self.matches(#"<table class="supervisions">(.*?)</table>"#, in: dom).first?.first)
            for unit in units.compactMap({ $0["figures"] as? [String: Any] }) where (unit["supervisions"] as? Int ?? 0) > 0 {
                let id = try #require(unit["unit_id"] as? String)
                let row = try #require(try Self.matches(#"<tr data-supervised-unit="\#(id)">(.*?)</tr>"#, in: byLevel).first?.first, "\(id) by level")
                let cells = try Self.matches(#"<td data-level="(\d+)">(\d+)</td>"#, in: row).filter { $0[1] != "0" }.map { "\($0[0]):\($0[1])" }
                let reported = try #require(unit["supervisions_by_level"] as? [[String: Int]]).map { "\($0["level"]!):\($0["count"]!)" }
                #expect(cells == reported, "\(id)'s supervisions by level as the JSON report counts them")
            }
            #expect(try Self.matches(#"<tr data-supervised-unit="\#(ReportTests.urban)"><td class="unit">[^<]*</td><td class="total">1</td><td data-level="1">0</td><td data-level="2">1</td>"#, in: byLevel).count == 1,
                    "城管's one supervision stands on level 2")
        }
    }

    @Test func thePDFIsPrintedByChromiumOrRefusedSayingWhatIsMissing() async throws {
        try await TestStack.with { stack in
            try await ReportTests().recordOctober(stack)
            let october = ["report", "--policy", "changsha-2020", "--period", "2026-10", "--format", "pdf"]
            let pdf = stack.directory.appendingPathComponent("bulletin.pdf")
            _ = try stack.run(october + ["--output", pdf.path])
            #expect(try Data(contentsOf: pdf).prefix(5) == Data("%PDF-".utf8))

            let unnamed = try stack.run(october, expectSuccess: false)
            #expect(unnamed.status != 0 && unnamed.stderr.contains("--format pdf writes a file: give --output FILE"))
            let withoutChromium = try stack.run(
                october + ["--output", stack.directory.appendingPathComponent("none.pdf").path], extraEnvironment: ["PATH": "/nonexistent"],
                expectSuccess: false)
            #expect(withoutChromium.status != 0 && withoutChromium.stderr.contains("install the Debian package chromium"))
        }
    }
}
