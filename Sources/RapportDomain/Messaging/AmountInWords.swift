/// An amount written out in words for invoices ("сумма прописью"): in Russian as the law and
/// custom want it — «Двести пятьдесят тысяч рублей 50 копеек» — and in English for documents
/// in English ("Two hundred fifty thousand roubles 50 kopecks").
public enum AmountInWords {
    /// A currency's names in Russian: the major unit's three forms (1, 2–4, 5+) and gender,
    /// and the minor unit's three forms.
    struct RussianUnit {
        var major: (String, String, String)
        var feminine: Bool
        var minor: (String, String, String)
    }

    static let russianUnits: [String: RussianUnit] = [
        "RUB": RussianUnit(major: ("рубль", "рубля", "рублей"), feminine: false, minor: ("копейка", "копейки", "копеек")),
        "USD": RussianUnit(major: ("доллар США", "доллара США", "долларов США"), feminine: false, minor: ("цент", "цента", "центов")),
        "EUR": RussianUnit(major: ("евро", "евро", "евро"), feminine: false, minor: ("цент", "цента", "центов")),
        "AZN": RussianUnit(major: ("манат", "маната", "манатов"), feminine: false, minor: ("гяпик", "гяпика", "гяпиков")),
        "KZT": RussianUnit(major: ("тенге", "тенге", "тенге"), feminine: false, minor: ("тиын", "тиына", "тиынов")),
        "BYN": RussianUnit(major: ("белорусский рубль", "белорусских рубля", "белорусских рублей"), feminine: false,
                           minor: ("копейка", "копейки", "копеек")),
    ]

    static let englishUnits: [String: (major: String, majorPlural: String, minor: String, minorPlural: String)] = [
        "RUB": ("rouble", "roubles", "kopeck", "kopecks"), "USD": ("dollar", "dollars", "cent", "cents"),
        "EUR": ("euro", "euros", "cent", "cents"), "AZN": ("manat", "manats", "qepik", "qepiks"),
        "GBP": ("pound", "pounds", "penny", "pence"), "KZT": ("tenge", "tenge", "tiyn", "tiyn"),
    ]

    /// `minor` units of `currency` (kopecks for RUB) in Russian words, the first letter capital;
    /// the minor part as two digits, as invoices write it. A currency without names here is
    /// written with its code.
    public static func russian(minor: Int64, currency: String) -> String {
        let negative = minor < 0
        let magnitude = minor.magnitude
        let whole = magnitude / 100, cents = Int(magnitude % 100)
        let unit = russianUnits[currency]
        var words = russianNumber(whole, feminine: unit?.feminine ?? false)
        if negative { words = "минус " + words }
        let major = unit.map { form(whole, $0.major) } ?? currency
        let minorName = unit.map { form(UInt64(cents), $0.minor) } ?? ""
        let text = "\(words) \(major) \(cents < 10 ? "0" : "")\(cents)" + (minorName.isEmpty ? "" : " \(minorName)")
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    /// The same in English: "Two hundred fifty thousand roubles 50 kopecks".
    public static func english(minor: Int64, currency: String) -> String {
        let negative = minor < 0
        let magnitude = minor.magnitude
        let whole = magnitude / 100, cents = Int(magnitude % 100)
        var words = englishNumber(whole)
        if negative { words = "minus " + words }
        let names = englishUnits[currency]
        let major = names.map { whole == 1 ? $0.major : $0.majorPlural } ?? currency
        let minorName = names.map { cents == 1 ? $0.minor : $0.minorPlural } ?? ""
        let text = "\(words) \(major) \(cents < 10 ? "0" : "")\(cents)" + (minorName.isEmpty ? "" : " \(minorName)")
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    /// The Russian form for a count: 1 рубль, 2 рубля, 5 рублей, 11 рублей, 21 рубль.
    static func form(_ n: UInt64, _ forms: (String, String, String)) -> String {
        let lastTwo = n % 100, last = n % 10
        if (11...14).contains(lastTwo) { return forms.2 }
        switch last {
        case 1: return forms.0
        case 2, 3, 4: return forms.1
        default: return forms.2
        }
    }

    static let ones = ["", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
    static let onesFeminine = ["", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
    static let teens = ["десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
                        "семнадцать", "восемнадцать", "девятнадцать"]
    static let tens = ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"]
    static let hundreds = ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"]
    /// Thousands (feminine), millions, billions, trillions.
    static let scales: [(forms: (String, String, String), feminine: Bool)] = [
        (("тысяча", "тысячи", "тысяч"), true), (("миллион", "миллиона", "миллионов"), false),
        (("миллиард", "миллиарда", "миллиардов"), false), (("триллион", "триллиона", "триллионов"), false),
        (("квадриллион", "квадриллиона", "квадриллионов"), false), (("квинтиллион", "квинтиллиона", "квинтиллионов"), false),
    ]

    /// A whole number in Russian words ("ноль" for 0); `feminine` for the units (одна, две).
    static func russianNumber(_ n: UInt64, feminine: Bool) -> String {
        guard n > 0 else { return "ноль" }
        var groups: [UInt64] = []
        var rest = n
        while rest > 0 {
            groups.append(rest % 1000)
            rest /= 1000
        }
        var words: [String] = []
        for (index, group) in groups.enumerated().reversed() where group > 0 {
            let isFeminine = index == 0 ? feminine : scales[index - 1].feminine
            words += russianTriple(Int(group), feminine: isFeminine)
            if index > 0 { words.append(form(group, scales[index - 1].forms)) }
        }
        return words.joined(separator: " ")
    }

    static func russianTriple(_ n: Int, feminine: Bool) -> [String] {
        var words: [String] = []
        if n / 100 > 0 { words.append(hundreds[n / 100]) }
        let lastTwo = n % 100
        if (10...19).contains(lastTwo) {
            words.append(teens[lastTwo - 10])
        } else {
            if lastTwo / 10 > 0 { words.append(tens[lastTwo / 10]) }
            if lastTwo % 10 > 0 { words.append((feminine ? onesFeminine : ones)[lastTwo % 10]) }
        }
        return words
    }

    static let englishOnes = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                              "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    static let englishTens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    static let englishScales = ["thousand", "million", "billion", "trillion", "quadrillion", "quintillion"]

    /// A whole number in English words ("zero" for 0), without "and": "two hundred fifty thousand".
    static func englishNumber(_ n: UInt64) -> String {
        guard n > 0 else { return "zero" }
        var groups: [UInt64] = []
        var rest = n
        while rest > 0 {
            groups.append(rest % 1000)
            rest /= 1000
        }
        var words: [String] = []
        for (index, group) in groups.enumerated().reversed() where group > 0 {
            let g = Int(group)
            if g / 100 > 0 { words += [englishOnes[g / 100], "hundred"] }
            let lastTwo = g % 100
            if lastTwo >= 20 {
                words.append(englishTens[lastTwo / 10] + (lastTwo % 10 > 0 ? "-" + englishOnes[lastTwo % 10] : ""))
            } else if lastTwo > 0 {
                words.append(englishOnes[lastTwo])
            }
            if index > 0 { words.append(englishScales[index - 1]) }
        }
        return words.joined(separator: " ")
    }
}
