import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// 长沙 第二十七条 满意度申诉 as decisions under the real preset: only the rated unit, only a
/// 不满意, once, on one of the five grounds, within 5 working days; the centre decides once.
@Suite struct RatingAppealDeciderTests {
    static func decider(_ id: String = "changsha-2020") throws -> RatingAppealDecider {
        let policy = try PolicyLoader.load(file: Repository.path("Ops/policies/\(id).yaml"))
        return RatingAppealDecider(policy: policy, calendar: try CalendarLoader.load(name: policy.calendar, directory: Repository.path("Ops/calendars")))
    }

    func instant(_ text: String) throws -> Date { try #require(RFC3339.parse(text)) }

    /// Rated 不满意 on Friday 2026-09-25 (a 中秋节 holiday) for unit yuelu.
    func rated(_ rating: CallbackRating = .dissatisfied) throws -> RatedRound {
        RatedRound(taskID: UUID(), round: 1, unitID: "yuelu", rating: rating, ratedAt: try instant("2026-09-25T15:00:00+08:00"))
    }

    let unit = ActionActor.unit(id: "yuelu", staffID: "yl-0231")
    let centre = ActionActor.centre(staffID: "zx-chenjing")
    let filing = RatingAppealAction.file(ground: "leading_question", statement: "回访员引导", evidence: ["rec:1"], round: nil)

    func refusal(_ body: () throws -> RatingAppealNotice) -> ActionRefusal.Code? {
        do {
            _ = try body()
            return nil
        } catch let refusal as ActionRefusal {
            return refusal.code
        } catch {
            return nil
        }
    }

    /// 5 working days from the rating on Friday 09-25 (中秋节) across the National Day
    /// holiday (10-01…10-07): 09-28, 09-29, 09-30, 10-08, 10-09.
    @Test func theWindowCountsWorkingDaysAcrossTheHoliday() throws {
        let decider = try Self.decider()
        let notice = try decider.decide(filing, by: unit, caseNumber: "N", rated: try rated(), existing: nil, now: try instant("2026-10-09T20:00:00+08:00"))
        #expect(notice.step == .filed && notice.ground.article == "第二十七条（二）")
        #expect(notice.appealBy.map(RFC3339.formatSeconds) == "2026-10-09T23:59:59+08:00")
        #expect(refusal { try decider.decide(filing, by: unit, caseNumber: "N", rated: try rated(), existing: nil, now: try instant("2026-10-10T00:00:01+08:00")) }
                == .windowClosed)
    }

    @Test func onlyTheRatedUnitAppealsADissatisfiedRatingOnAListedGroundOnce() throws {
        let decider = try Self.decider()
        let now = try instant("2026-09-28T10:00:00+08:00")
        let other = ActionActor.unit(id: "furong", staffID: "fr-01")
        #expect(refusal { try decider.decide(filing, by: other, caseNumber: "N", rated: try rated(), existing: nil, now: now) } == .notAssignedUnit)
        #expect(refusal { try decider.decide(filing, by: unit, caseNumber: "N", rated: try rated(.basicallySatisfied), existing: nil, now: now) } == .wrongState)
        #expect(refusal { try decider.decide(filing, by: unit, caseNumber: "N", rated: nil, existing: nil, now: now) } == .wrongState)
        let noise = RatingAppealAction.file(ground: "noise", statement: "s", evidence: ["e"], round: nil)
        #expect(refusal { try decider.decide(noise, by: unit, caseNumber: "N", rated: try rated(), existing: nil, now: now) } == .unknownGround)
        let filed = RatingAppealRecord(id: UUID(), ground: "leading_question", state: .pending)
        #expect(refusal { try decider.decide(filing, by: unit, caseNumber: "N", rated: try rated(), existing: filed, now: now) } == .noChange)
    }

    @Test func theCentreDecidesAPendingAppealOnce() throws {
        let decider = try Self.decider()
        let now = try instant("2026-10-12T10:00:00+08:00")
        let pending = RatingAppealRecord(id: UUID(), ground: "recording_mismatch", state: .pending)
        let uphold = RatingAppealAction.uphold(reason: "录音核实", assessedRating: .notCounted, round: nil)
        let upheld = try decider.decide(uphold, by: centre, caseNumber: "N", rated: try rated(), existing: pending, now: now)
        #expect(upheld.step == .upheld && upheld.assessedRating == .notCounted && upheld.article == "第二十七条（一）")
        let reject = RatingAppealAction.reject(reason: "证据不足", round: nil)
        #expect(try decider.decide(reject, by: centre, caseNumber: "N", rated: try rated(), existing: pending, now: now).step == .rejected)
        #expect(refusal { try decider.decide(reject, by: centre, caseNumber: "N", rated: try rated(), existing: nil, now: now) } == .wrongState)
        let decided = RatingAppealRecord(id: UUID(), ground: "recording_mismatch", state: .upheld)
        #expect(refusal { try decider.decide(reject, by: centre, caseNumber: "N", rated: try rated(), existing: decided, now: now) } == .noChange)
    }

    /// 鄂尔多斯, 巴林左旗, 兰溪 and 宜宾 give units no rating appeal.
    @Test func theOtherPresetsProvideNoAppeal() throws {
        for id in ["ordos-2019", "bairin-left-banner", "lanxi-2010", "yibin-2007"] {
            let decider = try Self.decider(id)
            #expect(decider.policy.ratingAppeals == nil)
            #expect(refusal { try decider.decide(filing, by: unit, caseNumber: "N", rated: try rated(), existing: nil, now: try instant("2026-09-28T10:00:00+08:00")) }
                    == .notProvided, "\(id)")
        }
    }
}
