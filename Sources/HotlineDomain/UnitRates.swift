import Foundation

/// One unit's orders over a review window, as counted from its deadline clocks.
public struct UnitRates: Sendable, Equatable {
    public var unitID: String
    public var unitName: String
    /// Orders whose sign clock fell due in the window; an order returned or
    /// re-dispatched before it was due is not counted against the unit.
    public var ordersDue: Int
    /// Of those, the orders signed by their sign deadline.
    public var signedInTime: Int
    /// Handling clocks due in the window that passed unmet or were met late.
    public var overdueOrders: Int

    public init(unitID: String, unitName: String, ordersDue: Int, signedInTime: Int, overdueOrders: Int) {
        self.unitID = unitID
        self.unitName = unitName
        self.ordersDue = ordersDue
        self.signedInTime = signedInTime
        self.overdueOrders = overdueOrders
    }

    /// 响应率: the share of orders due that were signed in time; nil with no order due.
    public var responseRate: Double? {
        ordersDue == 0 ? nil : Double(signedInTime) / Double(ordersDue)
    }
}
