import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// Dispatch over the unit network: 长沙 第十六条（二）"按责转交责任单位…涉及2个及以上责任单位职责的事项，
/// 明确1个责任单位牵头办理，其他单位会同办理"; 巴林左旗 第十二条 "根据职责、属地或行业管理规定".
@Suite struct ChangshaRoutingTests {
    let router: Router

    init() throws {
        router = try Fixtures.changshaRouter()
    }

    func dispatch(_ category: CategoryCode, _ area: String?, _ text: String) -> (lead: HandlingUnit, co: [String], rule: String)? {
        guard case let .dispatch(lead, coUnits, ruleID) = router.route(category: category, areaCode: area, text: text) else {
            return nil
        }
        return (lead, coUnits.map(\.id), ruleID)
    }

    @Test func nightConstructionNoiseGoesToHousingLeadWithUrbanManagement() throws {
        // Rule night-construction-noise: 住建 leads, 城管 co-handles (第十六条（二）).
        let result = try #require(dispatch(.complaint, "430104007", "工地夜间施工噪音很大，吵得睡不着"))
        #expect(result.rule == "night-construction-noise")
        #expect(result.lead.id == "city-housing")
        #expect(result.lead.name == "长沙市住房和城乡建设局")
        #expect(result.co == ["city-urban"])
    }

    @Test func wageArrearsInAnUrbanDistrictGoToThatDistrictWithTheCityBureau() throws {
        let inYuelu = try #require(dispatch(.complaint, "430104003", "公司拖欠工资三个月了"))
        #expect(inYuelu.rule == "wage-arrears-district")
        #expect(inYuelu.lead.id == "yuelu")
        #expect(inYuelu.lead.level == .district)
        #expect(inYuelu.co == ["city-hrss"])
        // Without an area, or outside the six urban districts (430121 长沙县), the city 人社局 leads alone.
        for area in [nil, "430121"] as [String?] {
            let cityWide = try #require(dispatch(.complaint, area, "公司拖欠工资三个月了"))
            #expect(cityWide.rule == "wage-arrears-city")
            #expect(cityWide.lead.id == "city-hrss")
            #expect(cityWide.co.isEmpty)
        }
    }

    @Test func territoryRulesResolveTheStreetOfACommunityCode() throws {
        // A 12-digit community code in 梅溪湖街道 (430104010): the street office leads garbage collection.
        let result = try #require(dispatch(.complaint, "430104010002", "小区垃圾三天没人清运"))
        #expect(result.rule == "garbage-street")
        #expect(result.lead.id == "yuelu-meixihu")
        #expect(result.lead.level == .township)
        #expect(result.co == ["city-urban"])
    }

    @Test func higherPriorityWins() throws {
        // 医保 (84) before 社保 (83): "医保" texts are the 医保局's even when they say 社保.
        let insurance = try #require(dispatch(.consultation, nil, "医保和社保关系怎么转移"))
        #expect(insurance.rule == "medical-insurance")
        #expect(insurance.lead.id == "city-medinsure")
        // 夜间施工 (90) beats 物业 (76) in the same text.
        let noise = try #require(dispatch(.complaint, "430104001", "物业不管工地深夜施工"))
        #expect(noise.rule == "night-construction-noise")
    }

    @Test func equalPrioritiesGoByFileOrder() throws {
        // elevator-safety-street and elevator-safety-city are both 77; the street rule comes first.
        let street = try #require(dispatch(.complaint, "430111005001", "单元电梯故障一周了"))
        #expect(street.rule == "elevator-safety-street")
        #expect(street.lead.id == "yuhua-dongtang")
        #expect(street.co == ["city-market", "city-housing"])
        let city = try #require(dispatch(.complaint, nil, "单元电梯故障一周了"))
        #expect(city.rule == "elevator-safety-city")
        #expect(city.lead.id == "city-market")
        #expect(city.co == ["city-housing"])
    }

    @Test func categoryConditionsApply() throws {
        // Social assistance by the street office is for 求助 and 咨询 only.
        let help = try #require(dispatch(.help, "430104001", "想申请低保"))
        #expect(help.rule == "social-assistance-street")
        #expect(help.lead.id == "yuelu-wangyuehu")
        let complaint = try #require(dispatch(.complaint, "430104001", "想申请低保"))
        #expect(complaint.rule == "district-fallback")
        #expect(complaint.lead.id == "yuelu")
    }

    @Test func praiseForAStreetOfficeGoesToThatStreet() throws {
        let result = try #require(dispatch(.praise, "430103001001", "感谢坡子街街道工作人员"))
        #expect(result.rule == "praise-street")
        #expect(result.lead.id == "tianxin-pozijie")
    }

    @Test func noAreaAndNoKeywordGoesToManualDispatch() {
        guard case let .manual(reason) = router.route(category: .complaint, areaCode: nil, text: "有个问题想反映一下") else {
            Issue.record("expected manual dispatch"); return
        }
        #expect(!reason.isEmpty)
    }

    @Test func consultationAndAreasOutsideTheUrbanDistrictsHaveNoFallback() {
        #expect(router.route(category: .consultation, areaCode: "430104001", text: "有个问题想问问") == manual)
        #expect(router.route(category: .complaint, areaCode: "430121", text: "有个问题想反映一下") == manual)
        #expect(router.route(category: .complaint, areaCode: "430104", text: "有个问题想反映一下") != manual)
    }

    var manual: DispatchDecision {
        router.route(category: .complaint, areaCode: nil, text: "")
    }

    @Test func everyTerritoryRuleFindsAUnitForEachOfItsPrefixes() {
        // The file promises that the territory lookup always finds a unit.
        for rule in router.rules {
            guard case let .territory(level) = rule.lead else { continue }
            #expect(!rule.areaPrefixes.isEmpty, "\(rule.id) has no area_prefixes")
            for prefix in rule.areaPrefixes {
                #expect(router.network.territorial(level: level, areaCode: prefix) != nil, "\(rule.id): \(prefix)")
            }
        }
    }

    @Test func everyRuleQuotesAnArticle() {
        for rule in router.rules {
            #expect(rule.article?.hasPrefix("第") == true, "\(rule.id)")
        }
        for rule in router.rules where !rule.coUnits.isEmpty {
            #expect(rule.article == "第十六条（二）", "\(rule.id) names co-units")
        }
    }

    @Test func rulesAreOrderedByDescendingPriority() {
        let priorities = router.rules.map(\.priority)
        #expect(priorities == priorities.sorted(by: >))
    }
}

/// The router's own rules, on small in-memory networks.
@Suite struct RouterRuleTests {
    let network = UnitNetwork(units: [
        HandlingUnit(id: "city", name: "市政府", level: .city, parent: nil, areas: ["4301"]),
        HandlingUnit(id: "wide", name: "大区政府", level: .district, parent: "city", areas: ["4301"]),
        HandlingUnit(id: "narrow", name: "小区政府", level: .district, parent: "city", areas: ["430104"]),
        HandlingUnit(id: "a", name: "甲局", level: .bureau, parent: "city", areas: []),
        HandlingUnit(id: "b", name: "乙局", level: .bureau, parent: "city", areas: []),
    ])

    func rule(_ json: String) throws -> RoutingRule {
        try JSONDecoder().decode(RoutingRule.self, from: Data(json.utf8))
    }

    func lead(_ router: Router, _ category: CategoryCode = .complaint, area: String? = nil, text: String = "") -> String? {
        if case let .dispatch(lead, _, _) = router.route(category: category, areaCode: area, text: text) { return lead.id }
        return nil
    }

    @Test func decodingDefaults() throws {
        let decoded = try rule(#"{"id": "r", "lead": {"unit": "a"}}"#)
        #expect(decoded.priority == 0)
        #expect(decoded.categories.isEmpty && decoded.areaPrefixes.isEmpty && decoded.keywords.isEmpty && decoded.coUnits.isEmpty)
        #expect(decoded.lead == .unit("a"))
        #expect(try rule(#"{"id": "t", "lead": {"territory": "township"}}"#).lead == .territory(.township))
        #expect(throws: DecodingError.self) { try rule(#"{"id": "x", "lead": {}}"#) }
        #expect(throws: DecodingError.self) { try rule(#"{"id": "x", "lead": {"territory": "province"}}"#) }
    }

    @Test func equalPrioritiesGoByFileOrder() throws {
        let first = try rule(#"{"id": "first", "priority": 5, "keywords": ["路灯"], "lead": {"unit": "a"}}"#)
        let second = try rule(#"{"id": "second", "priority": 5, "keywords": ["路灯"], "lead": {"unit": "b"}}"#)
        #expect(lead(try Router(network: network, rules: [first, second]), text: "路灯不亮") == "a")
        #expect(lead(try Router(network: network, rules: [second, first]), text: "路灯不亮") == "b")
    }

    @Test func higherPriorityLaterInTheFileWins() throws {
        let low = try rule(#"{"id": "low", "priority": 1, "lead": {"unit": "a"}}"#)
        let high = try rule(#"{"id": "high", "priority": 9, "keywords": ["路灯"], "lead": {"unit": "b"}}"#)
        let router = try Router(network: network, rules: [low, high])
        #expect(lead(router, text: "路灯不亮") == "b")
        #expect(lead(router, text: "别的事") == "a")
    }

    @Test func territoryTakesTheLongestAreaPrefix() throws {
        let router = try Router(network: network, rules: [try rule(#"{"id": "t", "lead": {"territory": "district"}}"#)])
        #expect(lead(router, area: "430104001") == "narrow")
        #expect(lead(router, area: "430104") == "narrow")
        #expect(lead(router, area: "430102001") == "wide")
        #expect(lead(router, area: "440300") == nil)
        #expect(lead(router, area: nil) == nil)
    }

    @Test func anUnresolvableTerritoryFallsThroughToTheNextRule() throws {
        let township = try rule(#"{"id": "street", "priority": 9, "lead": {"territory": "township"}}"#)
        let fallback = try rule(#"{"id": "fallback", "lead": {"unit": "b"}}"#)
        let router = try Router(network: network, rules: [township, fallback])
        guard case let .dispatch(lead, _, ruleID) = router.route(category: .help, areaCode: "430104", text: "") else {
            Issue.record("expected dispatch"); return
        }
        #expect(lead.id == "b")
        #expect(ruleID == "fallback")
    }

    @Test func coUnitsKeepTheirOrderAndNeverRepeatTheLead() throws {
        let router = try Router(network: network, rules: [
            try rule(#"{"id": "t", "lead": {"territory": "district"}, "co_units": ["b", "narrow", "a"]}"#),
        ])
        guard case let .dispatch(lead, coUnits, _) = router.route(category: .report, areaCode: "430104002", text: "") else {
            Issue.record("expected dispatch"); return
        }
        #expect(lead.id == "narrow")
        #expect(coUnits.map(\.id) == ["b", "a"])
    }

    @Test func conditionsMustAllHold() throws {
        let router = try Router(network: network, rules: [
            try rule(#"{"id": "r", "categories": ["help"], "area_prefixes": ["430104"], "keywords": ["停水", "断水"], "lead": {"unit": "a"}}"#),
        ])
        #expect(lead(router, .help, area: "430104001", text: "小区断水了") == "a")
        #expect(lead(router, .complaint, area: "430104001", text: "小区断水了") == nil)
        #expect(lead(router, .help, area: "430102001", text: "小区断水了") == nil)
        // An area condition never matches a case without an area code.
        #expect(lead(router, .help, area: nil, text: "小区断水了") == nil)
        #expect(lead(router, .help, area: "430104001", text: "小区停电了") == nil)
    }

    @Test func unknownUnitsAreRefusedNamingTheKey() throws {
        let badLead = try rule(#"{"id": "r1", "lead": {"unit": "nowhere"}}"#)
        let badCo = try rule(#"{"id": "r2", "lead": {"unit": "a"}, "co_units": ["a", "ghost"]}"#)
        do {
            _ = try Router(network: network, rules: [badLead, badCo])
            Issue.record("a routing file naming unknown units was accepted")
        } catch {
            let keys = error.problems.map(\.key)
            #expect(keys.contains("rules.r1.lead.unit"))
            #expect(keys.contains("rules.r2.co_units"))
            #expect(error.description.contains("nowhere"))
            #expect(error.description.contains("ghost"))
        }
    }

    @Test func duplicateRuleIDsAndUnknownParentsAreRefused() throws {
        let rule = try rule(#"{"id": "same", "lead": {"unit": "a"}}"#)
        do {
            _ = try Router(network: network, rules: [rule, rule])
            Issue.record("duplicate rule ids were accepted")
        } catch {
            #expect(error.problems.map(\.key) == ["rules.same"])
        }
        let orphan = UnitNetwork(units: [HandlingUnit(id: "x", name: "某街道", level: .township, parent: "missing", areas: [])])
        do {
            _ = try Router(network: orphan, rules: [])
            Issue.record("a unit with an unknown parent was accepted")
        } catch {
            #expect(error.problems.map(\.key) == ["units.x.parent"])
        }
    }
}

/// Ops/routing files are refused with the file and key when they are wrong.
@Suite struct RoutingLoaderTests {
    func loadModified(_ change: (String) -> String) throws -> PolicyFileError? {
        let directory = try Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let file = directory.appendingPathComponent("changsha.yaml").path
        let original = try String(contentsOfFile: Fixtures.changshaRoutingFile, encoding: .utf8)
        let changed = change(original)
        #expect(changed != original, "the change applied")
        try changed.write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try RoutingLoader.load(file: file)
            return nil
        } catch let error as PolicyFileError {
            #expect(error.file == file)
            #expect(error.description.contains(file))
            return error
        }
    }

    @Test func aMisspeltKeyIsRefused() throws {
        let error = try #require(try loadModified {
            $0.replacingOccurrences(of: "    co_units: [city-urban]\n    article: \"第十六条（二）\"\n\n  # ---------- 80-86",
                                    with: "    co_unit: [city-urban]\n    article: \"第十六条（二）\"\n\n  # ---------- 80-86")
        })
        #expect(error.problems.map(\.key) == ["rules[0].co_unit"])
    }

    @Test func anUnknownLeadUnitIsRefused() throws {
        let error = try #require(try loadModified {
            $0.replacingOccurrences(of: "lead: {unit: city-housing}\n    co_units: [city-urban]",
                                    with: "lead: {unit: city-housng}\n    co_units: [city-urban]")
        })
        #expect(error.problems.map(\.key) == ["rules.night-construction-noise.lead.unit"])
        #expect(error.description.contains("city-housng"))
    }
}
