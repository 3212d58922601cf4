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

    /// How long a consumer waits for more when a batch comes back short. Supervision and
    /// callbacks act on what has already happened to a case, where half a second changes
    /// nothing, and fuller batches cost them fewer statements and less CPU per event (in
    /// Ops/dev bench they ran two to three times as many batches as dispatch). Intake and
    /// dispatch are on the path a caller's appeal waits on: they never wait.
    public var defaultBatchLinger: Duration {
        switch self {
        case .supervision, .callbacks: .milliseconds(500)
        case .intake, .dispatch, .deadlines, .relay: .zero
        }
    }
}
