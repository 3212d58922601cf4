import Foundation

/// A message the caller is to get, and the article it rests on.
public struct NotificationPlan: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        /// The case number, and that progress is looked up with it and the phone's last four digits.
        case accepted
        /// An approved extension's new handling deadline.
        case extended(handlingDue: Date)
        /// A unit's interim reply: the case is in hand and the date it committed to (承诺办结时限).
        case interimReply(committedDate: CalendarDate)
        /// The approved result and who tells it.
        case result(HandlingResult, sender: NotificationSender)
        /// A callback (回访) will ask the caller to rate the handling.
        case callbackRequest(taskID: UUID, channel: CallbackChannel)
    }

    public var content: Content
    public var article: String

    public init(content: Content, article: String) {
        self.content = content
        self.article = article
    }

    /// The `kind` the notification carries.
    public var kind: String {
        switch content {
        case .accepted: "accepted"
        case .extended: "extended"
        case .interimReply: "interim_reply"
        case .result: "result"
        case .callbackRequest: "callback_request"
        }
    }
}
