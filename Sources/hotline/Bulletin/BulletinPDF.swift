import Foundation

/// Prints the bulletin to PDF with headless Chromium (Debian package `chromium`; Ops/dev
/// installs it with the CJK font `fonts-wqy-microhei`), the one Debian tool that lays out
/// the page, its CSS and its SVG charts as a browser shows them.
enum BulletinPDF {
    enum Failure: Error, CustomStringConvertible {
        case chromiumMissing
        case printFailed(status: Int32, output: String)
        case nothingWritten(path: String)

        var description: String {
            switch self {
            case .chromiumMissing:
                "--format pdf prints with chromium, which is not on PATH: install the Debian package chromium "
                    + "(apt-get install chromium fonts-wqy-microhei), or write --format html and print that"
            case .printFailed(let status, let output):
                "chromium --headless --print-to-pdf exited \(status): \(output.suffix(2000))"
            case .nothingWritten(let path):
                "chromium --headless --print-to-pdf exited 0 but wrote no \(path)"
            }
        }
    }

    /// The first `chromium` on PATH.
    static func chromium(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        (environment["PATH"] ?? "").split(separator: ":").lazy
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent("chromium") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static func write(_ html: String, to output: URL) throws {
        guard let chromium = chromium() else { throw Failure.chromiumMissing }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-bulletin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let page = work.appendingPathComponent("bulletin.html")
        try Data(html.utf8).write(to: page)
        let log = work.appendingPathComponent("chromium.log")
        try Data().write(to: log)
        try? FileManager.default.removeItem(at: output)

        let process = Process()
        process.executableURL = chromium
        // --no-sandbox: Chromium refuses to start as root with its sandbox, and the page is
        // our own document without scripts. A profile of its own lets two prints run at once.
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--user-data-dir=\(work.appendingPathComponent("profile").path)",
            "--print-to-pdf=\(output.path)", page.absoluteString,
        ]
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure.printFailed(status: process.terminationStatus, output: (try? String(contentsOf: log, encoding: .utf8)) ?? "")
        }
        guard FileManager.default.fileExists(atPath: output.path) else { throw Failure.nothingWritten(path: output.path) }
    }
}
