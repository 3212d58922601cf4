/// A unit's late knowledge uploads over a review window and the policy's most, as
/// `hotline.escalations.v1` carries them on a `knowledge_late` supervision (巴林左旗
/// 第十五条（八）「未按照规定模板、格式和时限要求，及时上传、更新知识库内容的单位」).
public struct KnowledgeLateFigures: Sendable, Codable, Equatable {
    public var windowFrom: String
    public var windowTo: String
    /// Versions the unit published in the window after their predecessor's review-by date.
    public var lateUploads: Int
    public var maxLateUploads: Int

    public init(windowFrom: String, windowTo: String, lateUploads: Int, maxLateUploads: Int) {
        self.windowFrom = windowFrom
        self.windowTo = windowTo
        self.lateUploads = lateUploads
        self.maxLateUploads = maxLateUploads
    }

    /// Above the policy's most: the unit is supervised.
    public var isLate: Bool { lateUploads > maxLateUploads }

    enum CodingKeys: String, CodingKey {
        case windowFrom = "window_from"
        case windowTo = "window_to"
        case lateUploads = "late_uploads"
        case maxLateUploads = "max_late_uploads"
    }
}
