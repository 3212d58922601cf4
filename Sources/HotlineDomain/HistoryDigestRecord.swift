/// A day's digest as the database recorded it, with the heads it folded.
public struct HistoryDigestRecord: Sendable, Equatable {
    public var day: CalendarDate
    public var digest: [UInt8]
    public var previousDay: CalendarDate?
    public var previousDigest: [UInt8]
    public var heads: [HistoryHead]

    public init(day: CalendarDate, digest: [UInt8], previousDay: CalendarDate?, previousDigest: [UInt8], heads: [HistoryHead]) {
        self.day = day
        self.digest = digest
        self.previousDay = previousDay
        self.previousDigest = previousDigest
        self.heads = heads
    }
}
