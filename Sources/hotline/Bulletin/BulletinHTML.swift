import Foundation
import HotlineDomain

/// A period's assessment as the bulletin a centre publishes (长沙 第三十七条 「月度考核结果
/// 定期通报」): one self-contained HTML document, its styles inline and its charts inline SVG,
/// so it opens, prints and archives without any other file. It shows what `--format json`
/// carries, with the rates as the table prints them.
struct BulletinHTML {
    let report: PeriodReport
    let policy: Policy

    /// The rates the policy weighs, in the measures' own order.
    var measures: [AssessmentMeasure] { policy.assessment.weights.keys.sorted() }

    var document: String {
        let heading = "\(policy.jurisdiction) 12345 热线考核通报 \(report.period.label)"
        return """
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <title>\(heading.htmlEscaped)</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <h1>\(heading.htmlEscaped)</h1>
            <p class="subtitle">\(subtitle.htmlEscaped)</p>
            \(ranking)
            \(charts)
            \(hotSpots)
            \(supervisions)
            \(basis)
            </body>
            </html>

            """
    }

    var subtitle: String {
        "\(policy.title) · policy \(report.policyID) version \(report.policyVersion) · "
            + "\(report.period.kind.rawValue) \(report.period.firstDay) – \(report.period.lastDay)"
    }

    var ranking: String {
        let header = ["排名", "单位", "得分"] + measures.map(\.label) + ["工单"]
        var rows = report.units.map { unit in
            let figures = unit.figures
            let cells = [
                "<td class=\"rank\">\((unit.rank.map(String.init) ?? "未排名").htmlEscaped)</td>",
                "<td class=\"unit\">\(figures.unitName.htmlEscaped)<br><small>\(figures.unitID.htmlEscaped)</small></td>",
                "<td class=\"score\">\(AssessmentReport.percent(unit.score))</td>",
            ] + measures.map { "<td data-measure=\"\($0.rawValue)\">\(AssessmentReport.percent(unit.rate($0)))</td>" }
                + ["<td class=\"orders\">\(figures.ordersReceived)</td>"]
            return "<tr data-unit=\"\(figures.unitID.htmlEscaped)\">\(cells.joined())</tr>"
        }
        if rows.isEmpty { rows = ["<tr><td colspan=\"\(header.count)\">本期没有单位的工作记录。</td></tr>"] }
        var notes = [
            "得分 = \(policy.assessment.formula)（基本满意按 \(policy.assessment.basicallySatisfiedWeight) 计）；无数据的比率不计，其余权重按比例补足。",
            "本期受理工单少于 \(policy.assessment.minimumOrders) 件的单位列出得分，不参加排名。",
        ]
        if let top = report.top, let bottom = report.bottom {
            notes.append("第一名：\(top.unitName) \(AssessmentReport.percent(top.score))；末位：\(bottom.unitName) \(AssessmentReport.percent(bottom.score))。")
        }
        let centre = report.centre
        notes.append("中心即时办结率：\(AssessmentReport.percent(centre.directAnswerRate))（受理 \(centre.accepted) 件，其中 \(centre.directAnswers) 件由知识库即时办结）。")
        return """
            <h2>考核排名</h2>
            <table class="ranking">
            <thead><tr>\(header.map { "<th>\($0.htmlEscaped)</th>" }.joined())</tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody>
            </table>
            \(notes.map { "<p class=\"note\">\($0.htmlEscaped)</p>" }.joined(separator: "\n"))
            """
    }

    var charts: String {
        guard !report.units.isEmpty else { return "" }
        let figures = measures.map { measure in
            let chart = SVGBarChart(
                title: "\(measure.label) (\(measure.rawValue))",
                bars: report.units.map { .init(label: $0.figures.unitName, value: $0.rate(measure), text: AssessmentReport.percent($0.rate(measure))) },
                maximum: 1)
            return "<figure data-measure=\"\(measure.rawValue)\">\(chart.svg)</figure>"
        }
        return "<h2>各项比率</h2>\n" + figures.joined(separator: "\n")
    }

    var hotSpots: String {
        guard !report.hotSpots.isEmpty else { return "<h2>热点</h2>\n<p class=\"note\">本期未列出热点。</p>" }
        let labels = Dictionary(policy.categories.map { ($0.code.rawValue, $0.label) }, uniquingKeysWith: { first, _ in first })
        let area = { (spot: HotSpot) in spot.areaCode ?? "（未注明区域）" }
        let category = { (spot: HotSpot) in labels[spot.category].map { "\($0) \(spot.category)" } ?? spot.category }
        let rows = report.hotSpots.map { spot in
            let cells = [String(spot.rank), area(spot), category(spot), String(spot.count), String(spot.previousCount),
                         String(format: "%+ld", spot.change), AssessmentReport.change(spot)]
            return "<tr>\(cells.map { "<td>\($0.htmlEscaped)</td>" }.joined())</tr>"
        }
        let chart = SVGBarChart(
            title: "热点受理件数（\(report.period.label)）",
            bars: report.hotSpots.map { .init(label: "\(area($0)) \(category($0))", value: Double($0.count), text: String($0.count)) },
            maximum: Double(report.hotSpots.map(\.count).max() ?? 0))
        return """
            <h2>热点</h2>
            <p class="note">\("本期受理案件按区域 × 类别统计，与 \(report.period.previous.label) 比较。".htmlEscaped)</p>
            <table class="hot-spots">
            <thead><tr>\(["排名", "区域", "类别", "件数", "上期", "增减", "增减 %"].map { "<th>\($0)</th>" }.joined())</tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody>
            </table>
            <figure>\(chart.svg)</figure>
            """
    }

    /// Each unit's supervisions opened in the period by the ladder rank they stand on now
    /// (a table, a column per rank of the policy's ladder), and their count per unit as a chart.
    var supervisions: String {
        let ladder = policy.supervision.ladder
        let level = { (rank: Int) in ladder.indices.contains(rank - 1) ? "\(rank) \(ladder[rank - 1].label)" : String(rank) }
        let supervised = report.units.filter { $0.figures.supervisions > 0 }
        guard !supervised.isEmpty else { return "<h2>督办</h2>\n<p class=\"note\">本期没有单位被督办。</p>" }
        let ranks = Array(1...max(ladder.count, supervised.map(\.figures.highestLevel).max() ?? 0))
        let header = ["单位", "督办件数"] + ranks.map(level)
        let rows = supervised.map { unit in
            let counts = Dictionary(unit.figures.supervisionsByLevel.map { ($0.level, $0.count) }, uniquingKeysWith: +)
            let cells = ["<td class=\"unit\">\(unit.figures.unitName.htmlEscaped)</td>", "<td class=\"total\">\(unit.figures.supervisions)</td>"]
                + ranks.map { "<td data-level=\"\($0)\">\(counts[$0] ?? 0)</td>" }
            return "<tr data-supervised-unit=\"\(unit.figures.unitID.htmlEscaped)\">\(cells.joined())</tr>"
        }
        let chart = SVGBarChart(
            title: "本期督办件数（最高层级）",
            bars: supervised.map { unit in
                .init(label: unit.figures.unitName, value: Double(unit.figures.supervisions),
                      text: "\(unit.figures.supervisions)（\(level(unit.figures.highestLevel))）")
            },
            maximum: Double(supervised.map(\.figures.supervisions).max() ?? 0))
        let articles = ladder.map(\.article).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.joined(separator: "、")
        let note = "每个单位本期新开的督办，按其现处的督办层级（《\(policy.title)》\(articles)）分计；图为每个单位的督办件数，括号内为最高层级。"
        return """
            <h2>督办</h2>
            <p class="note">\(note.htmlEscaped)</p>
            <table class="supervisions">
            <thead><tr>\(header.map { "<th>\($0.htmlEscaped)</th>" }.joined())</tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody>
            </table>
            <figure>\(chart.svg)</figure>
            """
    }

    var basis: String {
        let quoted = [
            ("考核", policy.assessment.article, policy.assessment.note),
            ("通报", policy.reports.article, policy.reports.note),
        ]
        let items = quoted.map { name, article, note in
            "<blockquote><p><strong>\("\(name)：《\(policy.title)》\(article)".htmlEscaped)</strong></p>"
                + (note.map { "<p>\($0.htmlEscaped)</p>" } ?? "") + "</blockquote>"
        }
        return "<h2>依据</h2>\n" + items.joined(separator: "\n")
    }

    static let style = """
        body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;margin:2em auto;max-width:60em;color:#222}
        h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:1px solid #999;margin-top:1.6em}
        .subtitle,.note{color:#555;font-size:.9em}
        table{border-collapse:collapse;width:100%;font-size:.9em}th,td{border:1px solid #bbb;padding:.3em .5em;text-align:right}
        th{background:#eee}td.unit,th:nth-child(2),table.hot-spots td:nth-child(2),table.hot-spots :nth-child(3){text-align:left}
        figure{margin:1em 0;page-break-inside:avoid}.chart-title{font-weight:bold;font-size:14px}
        .bar-label,.bar-text{font-size:12px}.bar-track{fill:#eee}.bar-value{fill:#2b6cb0}
        blockquote{border-left:4px solid #bbb;margin:1em 0;padding:.2em 1em;color:#333}
        @page{size:A4;margin:15mm}
        """
}
