import Foundation
import HotlineDomain
import Testing

/// Knowledge search and the dates and lines a question names (`KnowledgeNumbers`): an entry
/// about the same kind of notice on another day or line is never a confident answer (长沙
/// 第十六条（一）: a case answered at once from a wrong entry is closed wrongly).
@Suite struct KnowledgeNumbersTests {
    @Test func monthsDaysAndLinesAreReadInDigitsAndChineseNumerals() {
        let numbers = KnowledgeNumbers(NormalizedText("10月23日停水，二十三号几点来水？坐11路还是2号线，一号线也行，十五号再说"))
        #expect(numbers.values[.month] == [10])
        #expect(numbers.values[.day] == [23, 15])
        #expect(numbers.values[.line] == [11, 2, 1])
    }

    @Test func durationsStreetsAndOtherNumbersAreNone() {
        let numbers = KnowledgeNumbers(NormalizedText("自收到之日起60日内，15日以内，五一路口，住28楼，电话12345，9:00开门，三十五号"))
        #expect(numbers.values.isEmpty, "\(numbers.values)")
    }

    @Test func anEntryAboutAnotherDayOrLineIsNoConfidentAnswer() throws {
        let search = KnowledgeSearch(entries: try LabelledSet.knowledgeEntries(), synonyms: try Fixtures.changsha().synonyms, places: try Fixtures.changsha().knowledgeRules.places)
        let otherDay = search.search("望月湖小区是不是30号又要停电，停到几点", limit: 3)
        #expect(otherDay.hits.first?.entry.entryID == "power-cut-yuelu-1025")
        #expect(!otherDay.confident && otherDay.differs == [.day])
        let sameDay = search.search("望月湖小区25号停电，停到几点", limit: 3)
        #expect(sameDay.hits.first?.entry.entryID == "power-cut-yuelu-1025" && sameDay.differs.isEmpty)
        let otherLine = search.search("905路公交改线了吗，以后在哪里坐", limit: 3)
        #expect(!otherLine.confident && otherLine.differs == [.line])
    }
}
