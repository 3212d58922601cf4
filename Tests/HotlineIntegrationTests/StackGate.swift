import Foundation

/// Lets at most `limit` test stacks run at once. Swift Testing starts every suite together:
/// on two cores, dozens of brokers and worker sets starved one another until waits that take
/// seconds alone timed out (CI, 2026-12: four tests past their 90 s waits). A test waits here
/// before its stack starts, so its timeouts only count time it has the machine to itself
/// with a few others. `HOTLINE_TEST_STACKS` overrides the default of three per core: a stack
/// mostly waits on its broker and workers, and at two per core the machine sat a third idle
/// through the run (2026-12-07, 2 cores: at three per core the integration suites passed in
/// 400 s on their own).
actor StackGate {
    static let shared = StackGate(limit: {
        if let text = ProcessInfo.processInfo.environment["HOTLINE_TEST_STACKS"], let limit = Int(text), limit > 0 { return limit }
        return max(3, 3 * ProcessInfo.processInfo.activeProcessorCount)
    }())

    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = limit }

    func enter() async {
        guard running >= limit else {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the place straight to the longest waiter, if any.
    func leave() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
