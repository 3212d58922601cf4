import HotlineDomain

/// One decoder that reads untrusted bytes off a topic, constructed as its worker constructs
/// it. The fuzzer, the replay command and the regression tests name targets the same way,
/// so a crash input found under `Tests/Fuzz/regressions/<target>/` replays against the
/// decoder that crashed.
enum FuzzTarget: String, CaseIterable, Sendable {
    case intake
    case actionUnits = "action-units"
    case actionCentre = "action-centre"
    case knowledge
    case callbackResult = "callback-result"

    /// Decodes `bytes`; nil when the decoder accepted them, else its typed rejection.
    func decode(_ bytes: [UInt8]) -> IntakeRejection? {
        switch self {
        case .intake: rejection(IntakeEventDecoder().decode(bytes))
        case .actionUnits: rejection(CaseActionDecoder(.units).decode(bytes).mapError(\.rejection))
        case .actionCentre: rejection(CaseActionDecoder(.centre).decode(bytes).mapError(\.rejection))
        case .knowledge: rejection(KnowledgeEventDecoder().decode(bytes).mapError(\.rejection))
        case .callbackResult: rejection(CallbackResultDecoder().decode(bytes).mapError(\.rejection))
        }
    }

    private func rejection<Value>(_ result: Result<Value, IntakeRejection>) -> IntakeRejection? {
        if case let .failure(rejection) = result { return rejection }
        return nil
    }

    /// The names, for usage lines and error messages.
    static var names: String { allCases.map(\.rawValue).joined(separator: " | ") }
}
