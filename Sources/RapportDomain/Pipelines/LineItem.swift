import Foundation

/// A line of a lead's or deal's goods and work: what, how much, at what price, with what
/// discount and tax. Money is in minor units (`MinorUnits`); the quantity may be fractional
/// (2.5 m² of worktop), with at most three decimals.
public struct LineItem: Sendable, Equatable, Codable {
    public var name: String
    public var quantity: Decimal
    /// "шт", "м²", "пог. м" — as the company writes it.
    public var unit: String?
    /// Per unit, in minor units.
    public var price: Int64
    /// 0–100; nil for none.
    public var discountPercent: Decimal?
    /// The VAT rate in percent (20, 10, 0); nil for a line without VAT.
    public var taxPercent: Decimal?
    /// Whether the price already includes the tax ("в т. ч. НДС") or the tax comes on top.
    public var taxIncluded: Bool

    public init(name: String, quantity: Decimal = 1, unit: String? = nil, price: Int64, discountPercent: Decimal? = nil,
                taxPercent: Decimal? = nil, taxIncluded: Bool = true) {
        self.name = name
        self.quantity = quantity
        self.unit = unit
        self.price = price
        self.discountPercent = discountPercent
        self.taxPercent = taxPercent
        self.taxIncluded = taxIncluded
    }

    /// The rules a line must meet, each broken one named by its field (`field` is the prefix,
    /// e.g. `items[2]`).
    public func check(field: String, into v: inout Validator) {
        if name.trimmingCharacters(in: .whitespaces).isEmpty { v.add("\(field).name", "required", "name is required") }
        if quantity <= 0 || quantity > 1_000_000_000 || !Self.hasAtMostThreeDecimals(quantity) {
            v.add("\(field).quantity", "invalid", "quantity must be above 0, with at most three decimals")
        }
        if price < 0 || price > 100_000_000_000_000 { v.add("\(field).price", "invalid", "price must be 0 or more") }
        if let discount = discountPercent, discount < 0 || discount > 100 {
            v.add("\(field).discount_percent", "invalid", "discount_percent must be between 0 and 100")
        }
        if let tax = taxPercent, tax < 0 || tax > 100 {
            v.add("\(field).tax_percent", "invalid", "tax_percent must be between 0 and 100")
        }
    }

    static func hasAtMostThreeDecimals(_ value: Decimal) -> Bool {
        var scaled = value * 1000
        var whole = Decimal()
        NSDecimalRound(&whole, &scaled, 0, .plain)
        return whole == scaled
    }
}

/// A line's (or several lines') money: before the discount, the discount, the tax and the
/// total to pay; `net` is the total without the tax. Each line is rounded to the minor unit
/// (half away from zero) at each step, and totals add the rounded lines, as an invoice shows.
public struct LineAmounts: Sendable, Equatable {
    public var gross: Int64
    public var discount: Int64
    public var tax: Int64
    public var total: Int64
    public var net: Int64 { total - tax }

    public init(gross: Int64 = 0, discount: Int64 = 0, tax: Int64 = 0, total: Int64 = 0) {
        self.gross = gross
        self.discount = discount
        self.tax = tax
        self.total = total
    }

    public static func of(_ item: LineItem) -> LineAmounts {
        let gross = rounded(Decimal(item.price) * item.quantity)
        let discount = rounded(Decimal(gross) * (item.discountPercent ?? 0) / 100)
        let charged = gross - discount
        guard let rate = item.taxPercent, rate > 0 else {
            return LineAmounts(gross: gross, discount: discount, tax: 0, total: charged)
        }
        if item.taxIncluded {
            return LineAmounts(gross: gross, discount: discount, tax: rounded(Decimal(charged) * rate / (100 + rate)),
                               total: charged)
        }
        let tax = rounded(Decimal(charged) * rate / 100)
        return LineAmounts(gross: gross, discount: discount, tax: tax, total: charged + tax)
    }

    public static func of(_ items: [LineItem]) -> LineAmounts {
        items.map(of).reduce(into: LineAmounts()) { sum, line in
            sum.gross += line.gross
            sum.discount += line.discount
            sum.tax += line.tax
            sum.total += line.total
        }
    }

    /// To the nearest whole minor unit, halves away from zero (as accounting rounds kopecks).
    static func rounded(_ value: Decimal) -> Int64 {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, 0, .plain)
        return NSDecimalNumber(decimal: result).int64Value
    }
}
