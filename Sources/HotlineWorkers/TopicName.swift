/// The Kafka topics, as defined in `Topics/`.
public enum TopicName {
    public static let intake = "hotline.intake.v1"
    public static let receipts = "hotline.intake.receipts.v1"
    public static let deadLetters = "hotline.intake.dlq.v1"
    public static let cases = "hotline.cases.v1"
    public static let escalations = "hotline.escalations.v1"
}
