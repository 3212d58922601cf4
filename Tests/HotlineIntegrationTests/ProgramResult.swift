import Foundation

/// What a finished program printed and how it exited.
struct ProgramResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Standard output then standard error, as a terminal would show them.
    var output: String { stdout + stderr }

    /// Runs a program to completion. Both pipes are drained concurrently so a
    /// program that fills one while we read the other cannot deadlock.
    static func run(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil,
        input: Data? = nil, directory: String
    ) throws -> ProgramResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe(), inputPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inputPipe
        try process.run()
        if let input { inputPipe.fileHandleForWriting.write(input) }
        try inputPipe.fileHandleForWriting.close()
        let errorText = PipeDrain(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = errorText.wait()
        process.waitUntilExit()
        return ProgramResult(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// Reads a pipe to its end on its own thread.
private final class PipeDrain: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
