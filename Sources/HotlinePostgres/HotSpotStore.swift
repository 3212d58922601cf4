import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// Named query behind the hot spots (docs/ASSESSMENT.md): accepted cases per area and category.
public enum HotSpotStore {
    /// Cases accepted between `since` and `until`, per area code (nil: the appeal named
    /// no area) and category. Merged repeats (催办) are not cases and do not count.
    public static func counts(since: Date, until: Date, on connection: PostgresConnection, logger: Logger) async throws -> [HotSpotCount] {
        let rows = try await connection.query(
            """
            SELECT area_code, category, count(*) FROM cases
            WHERE accepted_at BETWEEN \(since) AND \(until)
            GROUP BY area_code, category
            """, logger: logger)
        var counts: [HotSpotCount] = []
        for try await (area, category, count) in rows.decode((String?, String, Int64).self) {
            counts.append(HotSpotCount(areaCode: area, category: category, count: Int(count)))
        }
        return counts
    }
}
