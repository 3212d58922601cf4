/// An appeal the centre's staff decided, as the policy's examples file holds it: the
/// subject and content a caller gave, and the label they chose, a scope rule's code (a
/// redirect or a matter not accepted) or a category's.
public struct LabelledAppeal: Sendable, Equatable {
    public var text: String
    public var label: String

    public init(text: String, label: String) {
        self.text = text
        self.label = label
    }
}
