/// Whom a process connects for, and the limits PostgreSQL holds its sessions to (README
/// "Database roles"). They travel in every connection's startup message: `ALTER ROLE … SET`
/// on a group role does not reach the logins granted it, and the logins are each
/// deployment's own. `options=-c name=value` in DATABASE_URL overrides any of them.
public enum DatabaseSession: String, Sendable {
    /// The workers and the commands that change data, as a login granted `hotline_worker`.
    case worker
    /// `hotline migrate`, as a login granted `hotline_owner`.
    case owner
    /// `hotline report` and `hotline status`, as a login granted `hotline_reader` (or any other).
    case reader
    /// `hotline serve-lookup`, as a login granted `hotline_lookup`.
    case lookup

    public var defaults: [(name: String, value: String)] {
        switch self {
        // A batch's statements take milliseconds (one per table, Ops/dev bench) and the worker
        // exits after 60 s without progress (StuckCallWatchdog): 50 s stops a runaway on the
        // server first, and a lock wait gives up at 20 s with an error the worker retries.
        // A transaction idle for 90 s belongs to a frozen process and loses its locks; a live
        // worker's watchdog ends its own first.
        case .worker: [("statement_timeout", "50s"), ("lock_timeout", "20s"), ("idle_in_transaction_session_timeout", "90s")]
        // A migration may rewrite a large table and must finish; a wait for a worker's lock
        // ends within the workers' own limits. Two migrators queue on the advisory lock.
        case .owner: [("statement_timeout", "0"), ("lock_timeout", "0"), ("idle_in_transaction_session_timeout", "60s")]
        // A report scans a period's history; reads wait for a lock only behind a migration.
        case .reader: [("statement_timeout", "120s"), ("lock_timeout", "5s"), ("idle_in_transaction_session_timeout", "60s")]
        // A lookup is a few indexed statements for a citizen who waits: an answer late by
        // seconds is no answer. Concurrent tries on one case number queue on its counter row.
        case .lookup: [("statement_timeout", "5s"), ("lock_timeout", "2s"), ("idle_in_transaction_session_timeout", "10s")]
        }
    }
}
