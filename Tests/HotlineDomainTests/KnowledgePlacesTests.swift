import Foundation
import HotlineDomain
import Testing

/// 长沙 第十一条's 区县(市) as callers name them (`knowledge.places`): an entry about one district
/// answers no question about another, so knowledge search is not confident in it; an entry for
/// the whole city still answers a question that names a district.
@Suite struct KnowledgePlacesTests {
    static func search() throws -> KnowledgeSearch {
        let policy = try Fixtures.changsha()
        return KnowledgeSearch(entries: try LabelledSet.knowledgeEntries(), synonyms: policy.synonyms, places: policy.knowledgeRules.places)
    }

    @Test func anEntryAboutAnotherDistrictIsNoConfidentAnswer() throws {
        let search = try Self.search()
        let other = search.search("天心区政务服务中心在哪里，周六上班吗", limit: 3)
        #expect(other.hits.first?.entry.entryID == "furong-address-service")
        #expect(!other.confident && other.otherPlaces == ["天心区"], "\(other.otherPlaces)")
        let same = search.search("芙蓉区政务服务中心在哪里，周六上班吗", limit: 3)
        #expect(same.hits.first?.entry.entryID == "furong-address-service")
        #expect(same.confident && same.otherPlaces.isEmpty)
    }

    @Test func aCityWideEntryAnswersAQuestionNamingADistrict() throws {
        let search = try Self.search()
        let result = search.search("我住天心区，垃圾分类要分成哪几类", limit: 3)
        #expect(result.hits.first?.entry.entryID == "urban-garbage-sorting")
        #expect(result.otherPlaces.isEmpty, "the entry names no district")
    }

    /// Without places in the policy nothing changes: 芙蓉区's entry is a confident answer for 天心区.
    @Test func aPolicyWithoutPlacesComparesNone() throws {
        let policy = try Fixtures.changsha()
        let search = KnowledgeSearch(entries: try LabelledSet.knowledgeEntries(), synonyms: policy.synonyms, places: [])
        #expect(search.search("天心区政务服务中心在哪里，周六上班吗", limit: 3).otherPlaces.isEmpty)
    }
}
