/// The Kafka topics, as defined in `Topics/`.
public enum TopicName {
    public static let intake = "hotline.intake.v1"
    public static let receipts = "hotline.intake.receipts.v1"
    public static let deadLetters = "hotline.intake.dlq.v1"
    public static let cases = "hotline.cases.v1"
    public static let escalations = "hotline.escalations.v1"
}

extension TopicName {
    public static let unitActions = "hotline.unit-actions.v1"
    public static let centreActions = "hotline.centre-actions.v1"
    public static let actionOutcomes = "hotline.action-outcomes.v1"
}

extension TopicName {
    public static let callbackTasks = "hotline.callback-tasks.v1"
    public static let callbackResults = "hotline.callback-results.v1"
    public static let callbackOutcomes = "hotline.callback-outcomes.v1"
}

extension TopicName {
    public static let notifications = "hotline.notifications.v1"
    public static let reports = "hotline.reports.v1"
}

extension TopicName {
    public static let knowledge = "hotline.knowledge.v1"
    public static let knowledgeOutcomes = "hotline.knowledge-outcomes.v1"
}

extension TopicName {
    public static let historyDigests = "hotline.history-digests.v1"
    public static let workOrders = "hotline.work-orders.v1"
    /// The inbound topics every message of which is signed by its sender (issue 19,
    /// docs/CONTRACTS.md "Signed messages"): the pipeline authenticates them at decode.
    public static let signed: Set<String> = [unitActions, centreActions, callbackResults, knowledge]
}
