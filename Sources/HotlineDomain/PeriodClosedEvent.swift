import Foundation

/// `report.period_closed` on `hotline.reports.v1`, keyed by policy id: a period the
/// policy reports on is over (长沙 第三十七条 monthly bulletin; 巴林左旗 第二十六条;
/// 鄂尔多斯 第二十九条; 兰溪 六.1; 宜宾 第十一条 每旬), with the same report
/// `hotline report --format json` prints for it. No personal data: units, counts, area codes.
public struct PeriodClosedEvent: Sendable, Encodable, Equatable {
    public var eventID: UUID
    public var report: PeriodReport
    public var occurredAt: Date

    public init(eventID: UUID, report: PeriodReport, occurredAt: Date) {
        self.eventID = eventID
        self.report = report
        self.occurredAt = occurredAt
    }

    /// The policy id: one policy's reports stay in order.
    public var key: String { report.policyID }

    enum CodingKeys: String, CodingKey {
        case type
        case schemaVersion = "schema_version"
        case eventID = "event_id"
        case occurredAt = "occurred_at"
    }

    public func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(1, forKey: .schemaVersion)
        try container.encode(eventID.uuidString.lowercased(), forKey: .eventID)
        try container.encode("report.period_closed", forKey: .type)
        try container.encode(RFC3339.format(occurredAt), forKey: .occurredAt)
    }
}
