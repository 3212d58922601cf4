import Foundation

/// Runs librdkafka's blocking request calls (metadata, committed offsets, watermarks)
/// on a thread of their own and suspends the caller meanwhile, so they never occupy
/// the cooperative pool.
func onDedicatedThread<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.name = name
        thread.start()
    }
}
