import Synchronization

/// A flag one thread raises and another polls; shared by reference.
final class StopFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    var isRaised: Bool { raised.load(ordering: .acquiring) }

    /// Raises the flag; returns false if it was already raised.
    func raise() -> Bool {
        !raised.exchange(true, ordering: .acquiringAndReleasing)
    }
}
