/// The regulation article a decision rests on, as events carry it.
public struct PolicyBasis: Sendable, Codable, Equatable {
    public var policy: String
    public var policyVersion: String
    public var article: String

    public init(policy: String, policyVersion: String, article: String) {
        self.policy = policy
        self.policyVersion = policyVersion
        self.article = article
    }

    enum CodingKeys: String, CodingKey {
        case policy, article
        case policyVersion = "policy_version"
    }
}
