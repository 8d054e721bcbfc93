/// Russian tax identifiers: INN (10 digits for organisations, 12 for individuals, with check
/// digits) and KPP (9 characters). Other countries' ids are kept as plain text elsewhere.
public enum TaxID {
    /// Why an INN was refused, in words a person can act on.
    public enum INNProblem: Equatable, Sendable {
        case notDigits
        case wrongLength(Int)
        /// The check digit at this 1-based position does not match the others.
        case checkDigit(position: Int)

        /// A code per check, so a form can say it in the reader's language.
        public var code: String {
            switch self {
            case .notDigits: "inn_not_digits"
            case .wrongLength: "inn_length"
            case .checkDigit(let position): "inn_check_digit_\(position)"
            }
        }

        public var message: String {
            switch self {
            case .notDigits: "INN must contain digits only"
            case .wrongLength(let count): "INN must have 10 digits (organisation) or 12 (individual), not \(count)"
            case .checkDigit(let position): "INN check digit \(position) does not match the other digits"
            }
        }
    }

    /// nil when `inn` is a valid INN, else the first check it fails.
    public static func innProblem(_ inn: String) -> INNProblem? {
        let digits = inn.compactMap { $0.wholeNumberValue }
        guard digits.count == inn.count, inn.allSatisfy({ $0.isASCII }) else { return .notDigits }
        func check(_ weights: [Int]) -> Int { (zip(weights, digits).map(*).reduce(0, +) % 11) % 10 }
        switch digits.count {
        case 10:
            return check([2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[9] ? nil : .checkDigit(position: 10)
        case 12:
            if check([7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) != digits[10] { return .checkDigit(position: 11) }
            if check([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) != digits[11] { return .checkDigit(position: 12) }
            return nil
        default:
            return .wrongLength(digits.count)
        }
    }

    /// The check digits that complete the first 9 (or 10) digits of an INN, for test data.
    public static func completeINN(_ prefix: [Int]) -> [Int] {
        func check(_ weights: [Int], _ digits: [Int]) -> Int { (zip(weights, digits).map(*).reduce(0, +) % 11) % 10 }
        if prefix.count == 9 { return prefix + [check([2, 4, 10, 3, 5, 9, 4, 6, 8], prefix)] }
        precondition(prefix.count == 10, "an INN prefix has 9 or 10 digits")
        let eleven = prefix + [check([7, 2, 4, 10, 3, 5, 9, 4, 6, 8], prefix)]
        return eleven + [check([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8], eleven)]
    }

    /// nil when `kpp` is valid (4 digits of the tax office, 2 digits or capital Latin letters
    /// of the reason, 3 digits), else what is wrong.
    public static func kppProblem(_ kpp: String) -> String? {
        kppCheck(kpp)?.message
    }

    /// nil when `kpp` is valid, else the failed check's code and message.
    public static func kppCheck(_ kpp: String) -> (code: String, message: String)? {
        let chars = Array(kpp)
        guard chars.count == 9 else { return ("kpp_length", "KPP must have 9 characters, not \(chars.count)") }
        let digit: (Character) -> Bool = { $0.isASCII && $0.isNumber }
        guard chars[0..<4].allSatisfy(digit) else { return ("kpp_office", "KPP must start with the 4 digits of the tax office") }
        guard chars[4..<6].allSatisfy({ digit($0) || ("A"..."Z").contains($0) }) else {
            return ("kpp_reason", "KPP characters 5–6 must be digits or capital Latin letters")
        }
        guard chars[6..<9].allSatisfy(digit) else { return ("kpp_tail", "KPP must end with 3 digits") }
        return nil
    }
}
