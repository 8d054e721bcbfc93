import Foundation
import RapportDomain
import Testing

@Suite struct LineItemTests {
    @Test func a_line_is_priced_exactly_in_minor_units() {
        // MUT + validation: 2.5 m² at 3,333.33 ₽ = 8,333.325 → 8,333.33 (half away from zero)
        let worktop = LineItem(name: "Столешница", quantity: Decimal(string: "2.5")!, unit: "м²", price: 333_333)
        #expect(LineAmounts.of(worktop) == LineAmounts(gross: 833_333, discount: 0, tax: 0, total: 833_333))
        // VAT 20 % included in the price: 120.00 holds 20.00 of tax
        let included = LineItem(name: "Фасад", price: 12_000, taxPercent: 20)
        #expect(LineAmounts.of(included) == LineAmounts(gross: 12_000, discount: 0, tax: 2_000, total: 12_000))
        #expect(LineAmounts.of(included).net == 10_000)
        // on top, after a 10 % discount: 1,000.00 − 100.00 = 900.00, + 180.00 VAT
        let onTop = LineItem(name: "Монтаж", price: 100_000, discountPercent: 10, taxPercent: 20, taxIncluded: false)
        #expect(LineAmounts.of(onTop) == LineAmounts(gross: 100_000, discount: 10_000, tax: 18_000, total: 108_000))
        // totals add the rounded lines, as the invoice shows them
        #expect(LineAmounts.of([worktop, included, onTop])
            == LineAmounts(gross: 945_333, discount: 10_000, tax: 20_000, total: 953_333))
        // 0.01 ₽ with VAT 20 % included: the tax rounds to 0.00
        #expect(LineAmounts.of(LineItem(name: "x", price: 1, taxPercent: 20)).tax == 0)
        #expect(LineAmounts.of([]) == LineAmounts())
    }

    @Test func a_bad_line_names_its_field() {
        var v = Validator()
        // MUT + validation
        LineItem(name: " ", quantity: 0, price: -1, discountPercent: 101, taxPercent: -5).check(field: "items[1]", into: &v)
        #expect(v.errors.map(\.field) == ["items[1].name", "items[1].quantity", "items[1].price", "items[1].discount_percent",
                                          "items[1].tax_percent"])
        var fine = Validator()
        LineItem(name: "Кухня", quantity: Decimal(string: "1.2500")!, price: 0).check(field: "items[0]", into: &fine)
        LineItem(name: "Кухня", quantity: Decimal(string: "0.001")!, price: 5).check(field: "items[0]", into: &fine)
        #expect(fine.errors.isEmpty)
        var tooFine = Validator()
        LineItem(name: "Кухня", quantity: Decimal(string: "0.0005")!, price: 5).check(field: "items[0]", into: &tooFine)
        #expect(tooFine.errors.map(\.field) == ["items[0].quantity"])
    }
}
