import Foundation
import HotlineWorkers
import Testing

/// `Ops/deploy/kubernetes/render_autoscaling.py` scales each consumer group on the topics
/// whose `topic.yaml` names the worker among its `consumers`, and bounds it by their
/// partitions: those must be exactly the topics the worker subscribes to.
struct WorkerSubscriptionTests {
    @Test(arguments: WorkerName.allCases.filter { $0.subscription != nil })
    func topicFilesNameTheTopicsAWorkerConsumes(_ worker: WorkerName) throws {
        var named: Set<String> = []
        for topic in Repository.files(in: "Topics") where FileManager.default.fileExists(atPath: Repository.path("Topics/\(topic)/topic.yaml")) {
            let text = try Repository.text("Topics/\(topic)/topic.yaml")
            let line = text.split(separator: "\n").first { $0.hasPrefix("consumers:") } ?? ""
            let consumers = line.drop { $0 != "[" }.dropFirst().prefix { $0 != "]" }.split(separator: ",")
            if consumers.contains(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\(worker.rawValue) worker") }) { named.insert(topic) }
        }
        #expect(named == Set(try #require(worker.subscription).topics))
    }
}
