import Foundation

/// The 清明 solar term, which dates 《全国年节及纪念日放假办法》第二条（三）
/// "清明节，放假1天（农历清明当日）": the China Standard Time day on which the Sun's
/// apparent geocentric ecliptic longitude reaches 15°.
///
/// The longitude is computed by the higher-accuracy method of Jean Meeus, *Astronomical
/// Algorithms*, 2nd ed. (1998), ch. 25 "Solar Coordinates": the Earth's heliocentric
/// longitude from the abridged VSOP87D series of its Appendix III (the terms also printed
/// as table A4.2 of I. Reda and A. Andreas, *Solar Position Algorithm for Solar Radiation
/// Applications*, NREL/TP-560-34302, 2004), plus 180°, the FK5 correction (−0.09033″),
/// the nutation in longitude (ch. 22, its four-term form, good to 0.5″) and the
/// aberration (−20.4898″ / R, with R taken as 1 AU: in early April the Earth is within
/// 0.1 % of it). That is about 1″, some 25 seconds of time, so a date could be wrong only
/// when 清明 falls within a minute of midnight. It gives 2024-04-04 15:02, 2025-04-04
/// 20:49 and 2026-04-05 02:40 (UTC+8), the instants 紫金山天文台 published.
public enum SolarTerm {
    /// The China (UTC+8) date of the 清明 solar term (apparent solar longitude 15°) in a year.
    public static func qingming(year: Int) -> CalendarDate {
        // The Sun moves about 1° a day and passes 15° around 5 April; between 21 March
        // and 20 April its longitude runs from about 0° to 30°, so one crossing lies inside.
        var before = Double(RFC3339.daysFromCivil(year: year, month: 3, day: 21))
        var after = Double(RFC3339.daysFromCivil(year: year, month: 4, day: 20))
        while after - before > 1.0 / 86_400 {
            let middle = (before + after) / 2
            if degreesPast15(daysSinceEpoch: middle) < 0 { before = middle } else { after = middle }
        }
        let chinaDays = after + Double(RFC3339.chinaOffsetSeconds) / 86_400
        return CalendarDate(daysSinceEpoch: Int(chinaDays.rounded(.down)))
    }

    /// ΔT = TT − UT, its value in the 2020s (32.184 s + 37 leap seconds − UT1−UTC). The
    /// instant moves by as much as ΔT is off, seconds for the years this code serves.
    private static let deltaTSeconds = 69.0

    /// The apparent longitude minus 15°, in (−180°, 180°], at a UT instant counted in days
    /// since 1970-01-01 00:00 UT.
    private static func degreesPast15(daysSinceEpoch: Double) -> Double {
        let julianEphemerisDay = 2_440_587.5 + daysSinceEpoch + deltaTSeconds / 86_400
        let difference = (apparentLongitude(julianEphemerisDay: julianEphemerisDay) - 15).truncatingRemainder(dividingBy: 360)
        return difference > 180 ? difference - 360 : (difference <= -180 ? difference + 360 : difference)
    }

    /// The Sun's apparent geocentric longitude in degrees, [0, 360), referred to the true
    /// equinox of the date (Meeus eq. 25.9 with the VSOP87 longitude of ch. 32).
    private static func apparentLongitude(julianEphemerisDay: Double) -> Double {
        let millennia = (julianEphemerisDay - 2_451_545) / 365_250
        var earthLongitude = 0.0
        var power = 1.0
        for series in earthLongitudeSeries {
            earthLongitude += series.reduce(0) { $0 + $1.a * cos($1.b + $1.c * millennia) } * power
            power *= millennia
        }
        let geometric = (earthLongitude / 1e8) * 180 / .pi + 180
        let centuries = millennia * 10
        let node = radians(125.04452 - 1934.136261 * centuries + 0.0020708 * centuries * centuries)
        let sunMean = radians(280.4665 + 36000.7698 * centuries)
        let moonMean = radians(218.3165 + 481267.8813 * centuries)
        let nutation = -17.20 * sin(node) - 1.32 * sin(2 * sunMean) - 0.23 * sin(2 * moonMean) + 0.21 * sin(2 * node)
        let fk5 = -0.09033
        let aberration = -20.4898
        let apparent = (geometric + (fk5 + nutation + aberration) / 3600).truncatingRemainder(dividingBy: 360)
        return apparent < 0 ? apparent + 360 : apparent
    }

    private static func radians(_ degrees: Double) -> Double { degrees * .pi / 180 }

    /// VSOP87D, the Earth's heliocentric longitude L0 … L5 (Meeus, Appendix III; NREL
    /// table A4.2): L = Σᵢ τⁱ Σ A cos(B + C τ) × 10⁻⁸ rad, τ in Julian millennia from J2000.0.
    private static let earthLongitudeSeries: [[(a: Double, b: Double, c: Double)]] = [
        [
            (175_347_046, 0, 0), (3_341_656, 4.6692568, 6283.07585), (34894, 4.6261, 12566.1517),
            (3497, 2.7441, 5753.3849), (3418, 2.8289, 3.5231), (3136, 3.6277, 77713.7715),
            (2676, 4.4181, 7860.4194), (2343, 6.1352, 3930.2097), (1324, 0.7425, 11506.7698),
            (1273, 2.0371, 529.691), (1199, 1.1096, 1577.3435), (990, 5.233, 5884.927),
            (902, 2.045, 26.298), (857, 3.508, 398.149), (780, 1.179, 5223.694),
            (753, 2.533, 5507.553), (505, 4.583, 18849.228), (492, 4.205, 775.523),
            (357, 2.92, 0.067), (317, 5.849, 11790.629), (284, 1.899, 796.298),
            (271, 0.315, 10977.079), (243, 0.345, 5486.778), (206, 4.806, 2544.314),
            (205, 1.869, 5573.143), (202, 2.458, 6069.777), (156, 0.833, 213.299),
            (132, 3.411, 2942.463), (126, 1.083, 20.775), (115, 0.645, 0.98),
            (103, 0.636, 4694.003), (102, 0.976, 15720.839), (102, 4.267, 7.114),
            (99, 6.21, 2146.17), (98, 0.68, 155.42), (86, 5.98, 161000.69),
            (85, 1.3, 6275.96), (85, 3.67, 71430.7), (80, 1.81, 17260.15),
            (79, 3.04, 12036.46), (75, 1.76, 5088.63), (74, 3.5, 3154.69),
            (74, 4.68, 801.82), (70, 0.83, 9437.76), (62, 3.98, 8827.39),
            (61, 1.82, 7084.9), (57, 2.78, 6286.6), (56, 4.39, 14143.5),
            (56, 3.47, 6279.55), (52, 0.19, 12139.55), (52, 1.33, 1748.02),
            (51, 0.28, 5856.48), (49, 0.49, 1194.45), (41, 5.37, 8429.24),
            (41, 2.4, 19651.05), (39, 6.17, 10447.39), (37, 6.04, 10213.29),
            (37, 2.57, 1059.38), (36, 1.71, 2352.87), (36, 1.78, 6812.77),
            (33, 0.59, 17789.85), (30, 0.44, 83996.85), (30, 2.74, 1349.87),
            (25, 3.16, 4690.48),
        ],
        [
            (628_331_966_747, 0, 0), (206_059, 2.678235, 6283.07585), (4303, 2.6351, 12566.1517),
            (425, 1.59, 3.523), (119, 5.796, 26.298), (109, 2.966, 1577.344),
            (93, 2.59, 18849.23), (72, 1.14, 529.69), (68, 1.87, 398.15),
            (67, 4.41, 5507.55), (59, 2.89, 5223.69), (56, 2.17, 155.42),
            (45, 0.4, 796.3), (36, 0.47, 775.52), (29, 2.65, 7.11),
            (21, 5.34, 0.98), (19, 1.85, 5486.78), (19, 4.97, 213.3),
            (17, 2.99, 6275.96), (16, 0.03, 2544.31), (16, 1.43, 2146.17),
            (15, 1.21, 10977.08), (12, 2.83, 1748.02), (12, 3.26, 5088.63),
            (12, 5.27, 1194.45), (12, 2.08, 4694), (11, 0.77, 553.57),
            (10, 1.3, 6286.6), (10, 4.24, 1349.87), (9, 2.7, 242.73),
            (9, 5.64, 951.72), (8, 5.3, 2352.87), (6, 2.65, 9437.76),
            (6, 4.67, 4690.48),
        ],
        [
            (52919, 0, 0), (8720, 1.0721, 6283.0758), (309, 0.867, 12566.152),
            (27, 0.05, 3.52), (16, 5.19, 26.3), (16, 3.68, 155.42),
            (10, 0.76, 18849.23), (9, 2.06, 77713.77), (7, 0.83, 775.52),
            (5, 4.66, 1577.34), (4, 1.03, 7.11), (4, 3.44, 5573.14),
            (3, 5.14, 796.3), (3, 6.05, 5507.55), (3, 1.19, 242.73),
            (3, 6.12, 529.69), (3, 0.31, 398.15), (3, 2.28, 553.57),
            (2, 4.38, 5223.69), (2, 3.75, 0.98),
        ],
        [
            (289, 5.844, 6283.076), (35, 0, 0), (17, 5.49, 12566.15),
            (3, 5.2, 155.42), (1, 4.72, 3.52), (1, 5.3, 18849.23),
            (1, 5.97, 242.73),
        ],
        [(114, 3.142, 0), (8, 4.13, 6283.08), (1, 3.84, 12566.15)],
        [(1, 3.14, 0)],
    ]
}
