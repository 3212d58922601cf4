import Foundation
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO
import ServiceLifecycle

/// Reports this worker instance in `worker_members` every few seconds (the partitions
/// it holds and their lag, for a consumer) so `hotline status` can list each group's
/// members; removes the row when the instance stops cleanly. A killed instance's
/// row stops being refreshed and shows as lost.
struct MemberHeartbeat: Service {
    let worker: WorkerName
    let consumer: KafkaConsumer?
    let client: PostgresClient
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let started = Date()
        let memberID = UUID()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await WorkerMemberStore.heartbeat(member(memberID, started: started), client: client, logger: logger)
                } catch {
                    if Task.isCancelled { break }
                    logger.warning("recording the member heartbeat failed; retrying", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
        do {
            // Bounded: with PostgreSQL unreachable, stopping must not wait for the pool's retries.
            try await withTimeout(.seconds(2)) { [client, logger] in
                try await WorkerMemberStore.leave(memberID: memberID, client: client, logger: logger)
            }
        } catch {
            logger.warning("could not remove the member record; hotline status shows it as lost", metadata: ["error": "\(error)"])
        }
    }

    private func member(_ memberID: UUID, started: Date) -> WorkerMember {
        let partitions = consumer?.statistics?.partitions
        return WorkerMember(
            memberID: memberID, worker: worker.rawValue, groupID: consumer?.groupID,
            host: ProcessInfo.processInfo.hostName, pid: ProcessInfo.processInfo.processIdentifier, startedAt: started,
            partitions: (consumer?.assignment ?? []).map(\.description).sorted(),
            lag: partitions.map { $0.values.reduce(0) { $0 + $1.lag } })
    }
}
