import Foundation

/// One year of the State Council's holiday schedule, as shipped in
/// `Ops/calendars/cn-<year>.yaml`: the days off besides weekends, and the weekend
/// days that are worked (调休). Both directions are dated overrides, because a
/// weekday-hours-plus-holidays model cannot express a worked Saturday.
public struct CalendarYear: Sendable, Decodable, Equatable {
    public struct Holiday: Sendable, Decodable, Equatable {
        public var name: String
        public var from: String
        public var to: String

        public init(name: String, from: String, to: String) {
            self.name = name
            self.from = from
            self.to = to
        }
    }

    public struct Workday: Sendable, Decodable, Equatable {
        public var date: String
        public var `for`: String

        public init(date: String, for festival: String) {
            self.date = date
            self.for = festival
        }
    }

    /// A statutory holiday (《全国年节及纪念日放假办法》第二条) that the notice makes a working
    /// day. No notice has done so; a file that does must say so here, with the reason, so a
    /// typing slip in `holidays` can never silently remove a day off.
    public struct StatutoryException: Sendable, Decodable, Equatable {
        public var date: String
        public var reason: String

        public init(date: String, reason: String) {
            self.date = date
            self.reason = reason
        }
    }

    public var year: Int
    /// The notice the year's days come from (its title and document number).
    public var source: String
    public var holidays: [Holiday]
    public var workdays: [Workday]
    public var statutoryExceptions: [StatutoryException]

    public init(year: Int, source: String, holidays: [Holiday], workdays: [Workday], statutoryExceptions: [StatutoryException] = []) {
        self.year = year
        self.source = source
        self.holidays = holidays
        self.workdays = workdays
        self.statutoryExceptions = statutoryExceptions
    }

    enum CodingKeys: String, CodingKey {
        case year, source, holidays, workdays
        case statutoryExceptions = "statutory_exceptions"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        year = try container.decode(Int.self, forKey: .year)
        source = try container.decode(String.self, forKey: .source)
        holidays = try container.decode([Holiday].self, forKey: .holidays)
        workdays = try container.decode([Workday].self, forKey: .workdays)
        statutoryExceptions = try container.decodeIfPresent([StatutoryException].self, forKey: .statutoryExceptions) ?? []
    }
}
