#if !FUZZING
import Foundation

/// `hotline-fuzz replay TARGET FILE…`: runs the decoder on each file, as the fuzzer did, and
/// prints what it answered. A crash input that no longer crashes returns; one that still does
/// kills the process, so exit 0 means every file was survived.
@main
enum Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard arguments.first == "replay", arguments.count >= 3,
              let target = FuzzTarget(rawValue: arguments[arguments.startIndex + 1])
        else {
            FileHandle.standardError.write(Data("usage: hotline-fuzz replay \(FuzzTarget.names) FILE…\n".utf8))
            exit(2)
        }
        for file in arguments.dropFirst(2) {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("hotline-fuzz: cannot read \(file)\n".utf8))
                exit(2)
            }
            let answer = target.decode(Array(data)).map { "rejected \($0.reason.rawValue)" } ?? "accepted"
            print("\(file): \(answer)")
        }
    }
}
#endif
