/// The workers `hotline worker NAME` runs.
public enum WorkerName: String, CaseIterable, Sendable {
    case intake, dispatch, deadlines, supervision, callbacks, relay

    /// The consumer group a worker's instances form and the topics they consume; nil
    /// for the deadline watcher (it sweeps PostgreSQL) and the relay (it produces).
    public var subscription: (group: String, topics: [String])? {
        switch self {
        case .intake: ("hotline-intake", [TopicName.intake])
        case .dispatch: ("hotline-dispatch", DispatchHandler.topics)
        case .supervision: ("hotline-supervision", [TopicName.cases])
        case .callbacks: ("hotline-callbacks", CallbacksHandler.topics)
        case .deadlines, .relay: nil
        }
    }
}
