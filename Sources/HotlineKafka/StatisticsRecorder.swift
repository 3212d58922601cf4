import Foundation
import Synchronization

/// Keeps the latest statistics report of one librdkafka client. librdkafka calls
/// the statistics callback from the client's poll thread; readers (`/ready`,
/// `/metrics`) take the latest report from any thread.
final class StatisticsRecorder: Sendable {
    private let latest = Mutex<KafkaStatistics?>(nil)

    var current: KafkaStatistics? { latest.withLock { $0 } }

    func record(json: UnsafeMutablePointer<CChar>, length: Int) {
        let data = Data(bytes: json, count: length)
        guard let statistics = KafkaStatistics.parse(data, receivedAt: Date()) else { return }
        latest.withLock { $0 = statistics }
    }

    func clear() { latest.withLock { $0 = nil } }
}
