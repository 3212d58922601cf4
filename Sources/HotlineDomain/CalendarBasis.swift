import Foundation

/// What a counted instant rests on: the State Council notices of the official years
/// its count crossed, and the years counted provisionally from the statutory holidays
/// alone (国务院令第795号, no 调休 guessed). A clock row keeps it, so an operator can
/// tell which deadlines may still move when next year's notice is added.
public struct CalendarBasis: Sendable, Equatable, CustomStringConvertible {
    public var notices: [String]
    public var provisionalYears: [Int]

    public init(notices: [String], provisionalYears: [Int]) {
        self.notices = notices
        self.provisionalYears = provisionalYears
    }

    /// The rules a provisional year is counted from.
    public static let statutoryRules = "全国年节及纪念日放假办法 as amended by 国务院令第795号"

    /// Hour limits (72 h, 2 h) are plain elapsed time: no calendar is consulted.
    public static let elapsedTime = CalendarBasis(notices: [], provisionalYears: [])

    /// Counted on at least one day of a year whose notice is not yet published: the
    /// instant may move when it is (`hotline calendar replan`).
    public var isProvisional: Bool { !provisionalYears.isEmpty }

    /// The text kept in `case_clocks.calendar_basis`.
    public var description: String {
        if notices.isEmpty && provisionalYears.isEmpty { return "elapsed time" }
        let provisional = provisionalYears.map { "\($0) provisional (\(Self.statutoryRules), no 调休)" }
        return (notices + provisional).joined(separator: "; ")
    }
}
