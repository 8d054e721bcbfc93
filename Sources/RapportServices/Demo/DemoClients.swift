import Foundation
import RapportDomain

/// Believable clients for the demo company: kitchen buyers, designers, builders and dealers,
/// with valid INNs, Russian phones and e-mails. Deterministic, so every demo looks the same.
struct DemoClients {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let maleFirst = ["Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Иван", "Михаил", "Олег", "Павел"]
    static let femaleFirst = ["Анна", "Елена", "Мария", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Юлия", "Екатерина"]
    static let lastNames = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
                            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов"]
    static let maleMiddle = ["Александрович", "Сергеевич", "Игоревич", "Петрович", "Викторович"]
    static let femaleMiddle = ["Александровна", "Сергеевна", "Игоревна", "Петровна", "Викторовна"]
    static let companyWords = ["Интерьер", "Дизайн", "Строй", "Мебель", "Дом", "Уют", "Кухни", "Ремонт", "Проект", "Стиль"]
    static let companySuffixes = ["Плюс", "Центр", "Групп", "Про", "М", "Сервис", "Холл", "Студия"]
    static let regions = ["Москва", "Московская область", "Тверская область", "Калужская область"]
    static let roles = ["директор", "дизайнер", "снабженец", "прораб", "владелец"]
    static let sources = ["Яндекс.Директ", "Сайт", "Рекомендация", "Выставка", "Авито", "ВКонтакте"]

    var rng: Generator

    init(seed: UInt64 = 2026) {
        rng = Generator(state: seed)
    }

    mutating func pick<T>(_ list: [T]) -> T { list[Int.random(in: 0..<list.count, using: &rng)] }

    mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &rng) }

    mutating func phone() -> String {
        "+7 9\(Int.random(in: 10...99, using: &rng)) \(Int.random(in: 100...999, using: &rng))-\(Int.random(in: 10...99, using: &rng))-\(Int.random(in: 10...99, using: &rng))"
    }

    mutating func inn() -> String {
        TaxID.completeINN([7, 7] + (0..<7).map { _ in Int.random(in: 0...9, using: &rng) }).map(String.init).joined()
    }

    /// A person: name parts and a transliterated e-mail local part.
    mutating func person() -> (first: String, middle: String, last: String) {
        let female = Bool.random(using: &rng)
        let last = pick(Self.lastNames)
        return female ? (pick(Self.femaleFirst), pick(Self.femaleMiddle), last + "а")
            : (pick(Self.maleFirst), pick(Self.maleMiddle), last)
    }

    mutating func companyName() -> String { "\(pick(Self.companyWords))\(pick(Self.companySuffixes))" }
}
