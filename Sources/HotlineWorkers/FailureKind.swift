import PostgresNIO

/// How a failed batch transaction should be retried.
enum FailureKind: Equatable {
    /// PostgreSQL is unreachable or the connection broke: wait and retry, however long it takes.
    case infrastructure
    /// A conflict with a concurrent transaction (deadlock, serialization, unique race): retry soon.
    case conflict
    /// The data or a bug: retry a little, then isolate the message that fails.
    case poison

    static func of(_ error: any Error) -> FailureKind {
        if let transaction = error as? PostgresTransactionError {
            if let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError {
                return of(inner)
            }
            return .infrastructure
        }
        if let psql = error as? PSQLError {
            guard let state = psql.serverInfo?[.sqlState] else { return .infrastructure }
            if state.hasPrefix("40") || state == "23505" || state == "55P03" { return .conflict }
            if state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57") { return .infrastructure }
            return .poison
        }
        if error is CancellationError { return .infrastructure }
        return .poison
    }
}
