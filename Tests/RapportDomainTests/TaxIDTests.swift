import PropertyBased
import RapportDomain
import Testing

@Suite struct TaxIDTests {
    @Test(arguments: ["7707083893", "7736207543", "500100732259", "773370857141"])
    func real_inns_pass(inn: String) {
        #expect(TaxID.innProblem(inn) == nil)
    }

    @Test func every_completed_inn_passes_and_every_changed_digit_fails() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...9).array(of: 10), Gen.bool) { digits, individual in
            let prefix = individual ? digits : Array(digits.prefix(9))
            let inn = TaxID.completeINN(prefix)
            let text = inn.map(String.init).joined()
            #expect(TaxID.innProblem(text) == nil, "\(text)")
            // Change one check digit: refused, and the message names it.
            var broken = inn
            broken[broken.count - 1] = (broken[broken.count - 1] + 1) % 10
            #expect(TaxID.innProblem(broken.map(String.init).joined()) == .checkDigit(position: broken.count))
        }
    }

    @Test func bad_inns_say_what_is_wrong() {
        #expect(TaxID.innProblem("77070838") == .wrongLength(8))
        #expect(TaxID.innProblem("77070838A3") == .notDigits)
        #expect(TaxID.innProblem("７７０７０８３８９３") == .notDigits)
        #expect(TaxID.innProblem("7707083894") == .checkDigit(position: 10))
        #expect(TaxID.innProblem("500100732269") == .checkDigit(position: 11))
        #expect(TaxID.innProblem("7707083893")?.message == nil)
        #expect(TaxID.INNProblem.checkDigit(position: 12).message.contains("12"))
    }

    @Test func kpp_is_checked_part_by_part() {
        #expect(TaxID.kppProblem("773601001") == nil)
        #expect(TaxID.kppProblem("7736AB001") == nil)
        #expect(TaxID.kppProblem("77360100") != nil)
        #expect(TaxID.kppProblem("A73601001")?.contains("tax office") == true)
        #expect(TaxID.kppProblem("7736ab001")?.contains("5–6") == true)
        #expect(TaxID.kppProblem("77360100X")?.contains("3 digits") == true)
    }

    @Test func calendar_dates_exist() {
        #expect(CalendarDate("2024-02-29")?.description == "2024-02-29")
        #expect(CalendarDate("2023-02-29") == nil)
        #expect(CalendarDate("2026-04-31") == nil)
        #expect(CalendarDate("26-04-01") == nil)
        #expect(CalendarDate("2026-13-01") == nil)
    }

    @Test func channels_are_normalised_and_bad_emails_named() {
        var v = Validator()
        let cleaned = ContactChannel.cleaned([
            ContactChannel(kind: .phone, type: "mobile", value: " 8 (916) 123-45-67 "),
            ContactChannel(kind: .phone, value: "ext. 12"),
            ContactChannel(kind: .email, value: "Info@Kitchen.Example"),
            ContactChannel(kind: .email, value: "not an email"),
        ], field: "channels", into: &v)
        #expect(cleaned.map(\.normalized) == ["+79161234567", nil, "info@kitchen.example"])
        #expect(cleaned[1].value == "ext. 12")  // kept as typed, flagged by a nil normalized form
        #expect(v.errors.map(\.field) == ["channels[3].value"])
    }
}
