/// The members of a history row's detail that hold what a person wrote: a unit's reply and
/// reasons (a result's action taken, a return, an extension, progress, a co-unit's part), the
/// centre's reasons and a rating appeal's statement. Free text may name the caller or other
/// people, so these members are kept sealed under the case's data key (migration 0035), never
/// in clear; the rest of a row (ids, dates, outcomes, units) stays readable for the assessment.
public enum HistoryFreeText {
    /// A reason, or a result's reply (its action taken), as the lifecycle records it.
    public static let reason = "reason"
    public static let members: Set<String> = [reason, "statement"]
    /// The detail member that holds the sealed texts (base64), and the one naming their key.
    public static let sealedMember = "sealed"
    public static let sealedKeyMember = "sealed_key"

    /// The detail split into what stays in clear and the free texts to seal.
    public static func split(_ detail: [String: String]) -> (clear: [String: String], texts: [String: String]) {
        (detail.filter { !members.contains($0.key) }, detail.filter { members.contains($0.key) })
    }
}
