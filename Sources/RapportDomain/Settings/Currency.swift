/// ISO 4217 codes Rapport accepts for prices and company settings.
public enum Currency {
    /// The active ISO 4217 codes a company in Rapport's markets may count in.
    public static let codes: Set<String> = [
        "AED", "AMD", "AUD", "AZN", "BGN", "BRL", "BYN", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP",
        "GEL", "HKD", "HUF", "ILS", "INR", "JPY", "KGS", "KRW", "KZT", "MDL", "MXN", "NOK", "NZD", "PLN",
        "RON", "RSD", "RUB", "SEK", "SGD", "THB", "TJS", "TMT", "TRY", "UAH", "USD", "UZS", "ZAR",
    ]

    public static func isValid(_ code: String) -> Bool { codes.contains(code) }
}
