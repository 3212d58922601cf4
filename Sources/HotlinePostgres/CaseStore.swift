import Foundation
import Logging
import PostgresNIO

/// What every published event says about its case.
public struct CaseHeader: Sendable {
    public var caseNumber: String
    public var policyID: String
    public var policyVersion: String
}

/// Small reads of the `cases` table shared by workers.
public enum CaseStore {
    public static func header(of caseID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> CaseHeader? {
        let rows = try await connection.query(
            "SELECT case_number, policy_id, policy_version FROM cases WHERE id = \(caseID)", logger: logger)
        for try await (number, policy, version) in rows.decode((String, String, String).self) {
            return CaseHeader(caseNumber: number, policyID: policy, policyVersion: version)
        }
        return nil
    }
}
