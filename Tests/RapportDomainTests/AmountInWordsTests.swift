import RapportDomain
import Testing

/// "Сумма прописью" as invoices write it: forms of рубль and копейка by number, тысяча in the
/// feminine, eleven to fourteen, zero, millions; and the English twin.
@Suite struct AmountInWordsTests {
    @Test func russian_amounts_are_written_as_invoices_write_them() {
        #expect(AmountInWords.russian(minor: 25_000_050, currency: "RUB") == "Двести пятьдесят тысяч рублей 50 копеек")
        #expect(AmountInWords.russian(minor: 100, currency: "RUB") == "Один рубль 00 копеек")
        #expect(AmountInWords.russian(minor: 201, currency: "RUB") == "Два рубля 01 копейка")
        #expect(AmountInWords.russian(minor: 1_102, currency: "RUB") == "Одиннадцать рублей 02 копейки")
        #expect(AmountInWords.russian(minor: 2_100_000, currency: "RUB") == "Двадцать одна тысяча рублей 00 копеек")
        #expect(AmountInWords.russian(minor: 214_200_000, currency: "RUB") == "Два миллиона сто сорок две тысячи рублей 00 копеек")
        #expect(AmountInWords.russian(minor: 0, currency: "RUB") == "Ноль рублей 00 копеек")
        #expect(AmountInWords.russian(minor: 1_112_500, currency: "RUB") == "Одиннадцать тысяч сто двадцать пять рублей 00 копеек")
        #expect(AmountInWords.russian(minor: 150_000, currency: "AZN") == "Одна тысяча пятьсот манатов 00 гяпиков")
        #expect(AmountInWords.russian(minor: 500, currency: "XYZ") == "Пять XYZ 00")
    }

    @Test func english_amounts_too() {
        #expect(AmountInWords.english(minor: 25_000_050, currency: "RUB") == "Two hundred fifty thousand roubles 50 kopecks")
        #expect(AmountInWords.english(minor: 100, currency: "USD") == "One dollar 00 cents")
        #expect(AmountInWords.english(minor: 4_299_901, currency: "EUR") == "Forty-two thousand nine hundred ninety-nine euros 01 cent")
    }
}
