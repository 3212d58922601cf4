import Foundation

/// The code a citizen is given with their case number to follow the appeal's progress
/// (巴林左旗 第二十四条 「诉求人对其提出的热线事项的办理进度和办理结果享有知情权」): twelve decimal
/// digits, read out or texted as `4821-0937-5516`. About 40 bits: with at most 5 wrong
/// tries per case number per lockout (`LookupLimits`), guessing one case's code takes
/// on the order of 10^11 tries. Digits, so any phone keypad and IVR can take it.
public struct QueryCode: Sendable, Equatable, CustomStringConvertible {
    /// The twelve digits, without separators.
    public let digits: String

    public static let digitCount = 12
    static let modulus: UInt64 = 1_000_000_000_000

    /// The code of a 64-bit value (a keyed derivation's first eight bytes): the value
    /// modulo 10^12 (the bias, 2^64 mod 10^12 over 2^64, is below 10^-7).
    public init(derivedFrom value: UInt64) {
        let number = String(value % Self.modulus)
        digits = String(repeating: "0", count: Self.digitCount - number.count) + number
    }

    /// A code as the citizen types or says it: three groups of four digits, each group
    /// after the first optionally preceded by a hyphen or a space; nil for anything else.
    public init?(parsing text: String) {
        let characters = Array(text)
        var digits = ""
        var index = 0
        for group in 0..<3 {
            if group > 0, index < characters.count, characters[index] == "-" || characters[index] == " " { index += 1 }
            guard index + 4 <= characters.count, characters[index..<index + 4].allSatisfy(\.isASCIIDigit) else { return nil }
            digits += String(characters[index..<index + 4])
            index += 4
        }
        guard index == characters.count else { return nil }
        self.digits = digits
    }

    /// How it is printed on the receipt: `4821-0937-5516`.
    public var description: String {
        let characters = Array(digits)
        return [0, 4, 8].map { String(characters[$0..<$0 + 4]) }.joined(separator: "-")
    }
}
