import Foundation

/// A horizontal bar chart as inline SVG, drawn by us so the bulletin needs no script or
/// external asset: one row per bar, its length the value's share of `maximum`, the value's
/// text after it. A bar without a value (a rate with no data) is drawn empty with its text.
struct SVGBarChart {
    struct Bar {
        var label: String
        var value: Double?
        var text: String
    }

    var title: String
    var bars: [Bar]
    var maximum: Double

    static let width = 720.0, labelWidth = 260.0, textWidth = 120.0, rowHeight = 24.0, barHeight = 16.0, top = 28.0

    var svg: String {
        let height = Self.top + Double(bars.count) * Self.rowHeight + 8
        let track = Self.width - Self.labelWidth - Self.textWidth
        var parts = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"\(Self.format(Self.width))\" height=\"\(Self.format(height))\" "
                + "viewBox=\"0 0 \(Self.format(Self.width)) \(Self.format(height))\" aria-label=\"\(title.htmlEscaped)\">",
            "<title>\(title.htmlEscaped)</title>",
            "<text class=\"chart-title\" x=\"0\" y=\"18\">\(title.htmlEscaped)</text>",
        ]
        for (index, bar) in bars.enumerated() {
            let y = Self.top + Double(index) * Self.rowHeight
            let middle = y + Self.barHeight / 2 + 4
            // A value above the maximum (none should be) is drawn full rather than past the track.
            let length = maximum > 0 ? track * min(max((bar.value ?? 0) / maximum, 0), 1) : 0
            parts += [
                "<g class=\"bar\">",
                "<text class=\"bar-label\" x=\"\(Self.format(Self.labelWidth - 8))\" y=\"\(Self.format(middle))\" text-anchor=\"end\">\(bar.label.htmlEscaped)</text>",
                "<rect class=\"bar-track\" x=\"\(Self.format(Self.labelWidth))\" y=\"\(Self.format(y))\" width=\"\(Self.format(track))\" height=\"\(Self.format(Self.barHeight))\"/>",
                "<rect class=\"bar-value\" x=\"\(Self.format(Self.labelWidth))\" y=\"\(Self.format(y))\" width=\"\(Self.format(length))\" height=\"\(Self.format(Self.barHeight))\"/>",
                "<text class=\"bar-text\" x=\"\(Self.format(Self.labelWidth + track + 8))\" y=\"\(Self.format(middle))\">\(bar.text.htmlEscaped)</text>",
                "</g>",
            ]
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    /// Coordinates with at most two decimals, the same on every machine.
    static func format(_ value: Double) -> String {
        String(format: "%.2f", value).replacingOccurrences(of: ".00", with: "")
    }
}
