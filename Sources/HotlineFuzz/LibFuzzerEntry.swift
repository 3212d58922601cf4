#if FUZZING
import Foundation

/// The decoder this fuzzing process exercises, from `HOTLINE_FUZZ_TARGET`: libFuzzer owns
/// the command line, so the target comes through the environment.
private let target: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["HOTLINE_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("hotline-fuzz: set HOTLINE_FUZZ_TARGET to one of \(FuzzTarget.names)\n".utf8))
        exit(2)
    }
    return target
}()

/// libFuzzer's entry point (built with `-sanitize=fuzzer`): one input per call. A decoder
/// must return for any bytes; a trap, an overflow or an address error is the finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = target.decode(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// libFuzzer's own driver, which its `main` runs (compiler-rt's FuzzerDriver.cpp).
@_extern(c, "LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// SwiftPM links an executable's entry point as `main` (`--defsym main=HotlineFuzz_main`),
/// which takes the place of libFuzzer's `main`; this entry hands the command line (corpus
/// folders, `-max_total_time=…`) to the same driver.
@main
enum LibFuzzerEntry {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runDriver(&argc, &argv, fuzzOneInput))
    }
}
#endif
