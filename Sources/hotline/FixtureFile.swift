import Foundation
import HotlineDomain

/// A JSON-lines fixture as `hotline publish` sends it and `hotline intake judge` judges it:
/// one message per line, `{"key": ..., "value": {...}}` or `{"key": ..., "value_base64": "..."}`
/// for raw bytes, with an optional `"wave"` to publish in rounds, an optional `"sign_as"`
/// naming the party whose key signs the line (`hotline publish --key-dir`) and optional
/// `"headers"` (name to text, e.g. an adapter's W3C `traceparent`). Both commands read the
/// same bytes from a line, so what is judged is what is published.
struct FixtureFile {
    struct Line {
        /// 1-based, as an editor shows it.
        var number: Int
        var wave: Int?
        var key: String?
        var value: [UInt8]
        var signAs: String?
        var headers: [String: String]
    }

    private struct Parsed: Decodable {
        var wave: Int?
        var key: String?
        var value: JSONValue?
        var valueBase64: String?
        var signAs: String?
        var headers: [String: String]?

        enum CodingKeys: String, CodingKey {
            case wave, key, value, headers
            case valueBase64 = "value_base64"
            case signAs = "sign_as"
        }
    }

    var lines: [Line]

    /// Reads every non-empty line; an error (exit 2) names the file and the line.
    init(path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CommandSupport.fail("\(path): cannot be read as UTF-8 text (\(error.localizedDescription))")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        lines = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            let parsed: Parsed
            do {
                parsed = try JSONDecoder().decode(Parsed.self, from: Data(line.utf8))
            } catch {
                throw CommandSupport.fail("\(path):\(index + 1): not a fixture line (\(error))")
            }
            let value: [UInt8]
            if let base64 = parsed.valueBase64 {
                guard let bytes = Data(base64Encoded: base64) else { throw CommandSupport.fail("\(path):\(index + 1): value_base64 is not base64") }
                value = Array(bytes)
            } else if let object = parsed.value {
                value = Array(try encoder.encode(object))
            } else {
                value = []
            }
            lines.append(Line(
                number: index + 1, wave: parsed.wave, key: parsed.key, value: value, signAs: parsed.signAs, headers: parsed.headers ?? [:]))
        }
    }
}
