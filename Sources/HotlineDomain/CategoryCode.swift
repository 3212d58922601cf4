/// The appeal categories named across the five regulations. A policy picks its
/// own subset and labels (长沙 第十九条; 鄂尔多斯 第十九条; 宜宾 第十一条; 兰溪 三).
public enum CategoryCode: String, Sendable, CaseIterable, Codable, Comparable {
    case consultation, help, complaint, report, suggestion, opinion, praise, criticism, other

    public static func < (lhs: CategoryCode, rhs: CategoryCode) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where a case's category came from.
public enum CategorySource: String, Sendable, Codable {
    /// The adapter sent a category the policy names.
    case event
    /// The adapter sent a category the policy folds into another (category_aliases).
    case alias
    /// Classified from the subject and content, by the policy's labelled examples or its keywords.
    case text
    /// No keyword matched: the policy's default category.
    case `default`
}
