import Foundation
import HotlineDomain
@testable import HotlineFuzz
import Testing

/// Every input kept under Tests/Fuzz/regressions/ goes through its decoder again: the crash
/// inputs `Ops/dev fuzz` copied into `<target>/`, and the hand-made nasty inputs of
/// `every-target/` (deep nesting, invalid UTF-8, NUL bytes, 1e999, duplicate keys, a BOM,
/// huge strings), which every decoder must survive. A decoder that still crashes takes the
/// test process down with it.
@Suite struct FuzzRegressionTests {
    static let folder = "Tests/Fuzz/regressions"
    /// The folder whose inputs replay against every target.
    static let everyTarget = "every-target"

    /// One kept input and the decoder it replays against.
    struct Input: Sendable, CustomTestStringConvertible {
        var target: FuzzTarget
        var path: String
        var testDescription: String { "\(target.rawValue) \(path)" }
    }

    static let folders = Repository.files(in: folder)

    static let inputs: [Input] = folders.flatMap { name in
        let targets = name == everyTarget ? FuzzTarget.allCases : FuzzTarget(rawValue: name).map { [$0] } ?? []
        return Repository.files(in: "\(folder)/\(name)").flatMap { file in
            targets.map { Input(target: $0, path: "\(folder)/\(name)/\(file)") }
        }
    }

    /// What a decoder answers for bytes that are not one JSON object within its size limit.
    static let parseReasons: Set<DeadLetterReason> = [.emptyValue, .tooLarge, .invalidUTF8, .invalidJSON]

    @Test func inputsAreKept() {
        #expect(Self.folders.contains(Self.everyTarget))
        #expect(Self.inputs.count >= FuzzTarget.allCases.count * 10)
    }

    /// A crash input saved under a folder that names no target would never be replayed.
    @Test func everyFolderNamesATarget() {
        for name in Self.folders {
            #expect(name == Self.everyTarget || FuzzTarget(rawValue: name) != nil, "\(Self.folder)/\(name) is not one of \(FuzzTarget.names)")
        }
    }

    @Test(arguments: inputs) func decoderAnswers(_ input: Input) throws {
        let bytes = try Repository.bytes(input.path)
        let rejection = input.target.decode(bytes)
        #expect(rejection?.reason != .processingError, "\(rejection?.message ?? "")")
        if !Self.isJSONObject(bytes) {
            #expect(rejection.map { Self.parseReasons.contains($0.reason) } == true, "\(String(describing: rejection))")
        }
    }

    /// Foundation's own reading, independent of the decoders' `JSONValue`.
    static func isJSONObject(_ bytes: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) is [String: Any]
    }
}
