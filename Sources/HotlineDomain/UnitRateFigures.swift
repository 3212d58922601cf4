import Foundation

/// A unit's figures and the policy's thresholds, as `hotline.escalations.v1` carries
/// them on a `low_rates` supervision and the supervision row keeps them.
public struct UnitRateFigures: Sendable, Codable, Equatable {
    public var windowFrom: String
    public var windowTo: String
    public var ordersDue: Int
    public var signedInTime: Int
    public var responseRate: Double?
    public var minResponseRate: Double?
    public var overdueOrders: Int
    public var maxOverdueOrders: Int?
    public var below: [UnitRateShortfall]

    public init(
        windowFrom: String, windowTo: String, ordersDue: Int, signedInTime: Int, responseRate: Double?, minResponseRate: Double?,
        overdueOrders: Int, maxOverdueOrders: Int?, below: [UnitRateShortfall]
    ) {
        self.windowFrom = windowFrom
        self.windowTo = windowTo
        self.ordersDue = ordersDue
        self.signedInTime = signedInTime
        self.responseRate = responseRate
        self.minResponseRate = minResponseRate
        self.overdueOrders = overdueOrders
        self.maxOverdueOrders = maxOverdueOrders
        self.below = below
    }

    enum CodingKeys: String, CodingKey {
        case below
        case windowFrom = "window_from"
        case windowTo = "window_to"
        case ordersDue = "orders_due"
        case signedInTime = "signed_in_time"
        case responseRate = "response_rate"
        case minResponseRate = "min_response_rate"
        case overdueOrders = "overdue_orders"
        case maxOverdueOrders = "max_overdue_orders"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(windowFrom, forKey: .windowFrom)
        try container.encode(windowTo, forKey: .windowTo)
        try container.encode(ordersDue, forKey: .ordersDue)
        try container.encode(signedInTime, forKey: .signedInTime)
        try container.encode(responseRate, forKey: .responseRate)
        try container.encode(minResponseRate, forKey: .minResponseRate)
        try container.encode(overdueOrders, forKey: .overdueOrders)
        try container.encode(maxOverdueOrders, forKey: .maxOverdueOrders)
        try container.encode(below, forKey: .below)
    }
}

/// Which figure put a unit under supervision.
public enum UnitRateShortfall: String, Sendable, Codable, CaseIterable {
    /// Fewer orders signed in time than `min_response_rate` (响应率偏低).
    case responseRate = "response_rate"
    /// More overdue orders than `max_overdue_orders` (超期诉求工单较多).
    case overdueOrders = "overdue_orders"
}
