/// Names with the variety of a real client base, for load tests: the commonest Russian
/// surnames and first names far more often than the rest, and a long tail of rarer surnames
/// and company brands built from syllables. (A base drawn from a few dozen names, or from
/// names told apart only by a number, makes every name the near neighbour of thousands and
/// duplicate control look far slower than it is.)
struct NameVariety {
    static let commonSurnames = [
        "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров",
        "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев",
        "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев",
        "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
        "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов",
        "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров",
        "Матвеев", "Титов", "Марков", "Миронов", "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов",
        "Гаврилов", "Тихонов", "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов",
        "Мартынов", "Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев", "Чернышёв", "Быков", "Маслов",
        "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов", "Филатов", "Пономарёв", "Голубев", "Кудрявцев", "Прохоров",
    ]
    static let maleFirst = [
        "Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений", "Иван", "Михаил", "Артём",
        "Владимир", "Николай", "Денис", "Павел", "Роман", "Игорь", "Олег", "Антон", "Виктор", "Юрий",
        "Константин", "Илья", "Кирилл", "Вадим", "Никита", "Георгий", "Станислав", "Борис", "Тимур", "Руслан",
    ]
    static let femaleFirst = [
        "Елена", "Ольга", "Наталья", "Анна", "Татьяна", "Ирина", "Мария", "Екатерина", "Светлана", "Юлия",
        "Анастасия", "Марина", "Дарья", "Людмила", "Галина", "Валентина", "Надежда", "Оксана", "Ксения", "Виктория",
        "Алина", "Полина", "Вера", "Любовь", "Софья", "Кристина", "Алёна", "Евгения", "Лариса", "Жанна",
    ]
    /// Patronymics by their stem: `-вич` for men, `-вна` for women.
    static let patronymics = ["Александро", "Сергее", "Дмитрие", "Андрее", "Алексее", "Владимиро", "Николае", "Викторо",
                              "Юрье", "Игоре", "Михайло", "Ивано", "Петро", "Василье", "Борисо"]
    static let syllables = ["ба", "ве", "го", "да", "же", "зо", "ка", "ле", "ми", "но", "па", "ре", "са", "ту", "фе",
                            "ха", "че", "ша", "бру", "дро", "кра", "пло", "стра", "гри", "тве", "сло", "мар", "лин",
                            "вор", "тар"]
    static let surnameEndings = ["ов", "ев", "ин", "ский", "енко", "ук", "цев", "иков"]
    static let brandWords = ["Кухни", "Мебель", "Интерьер", "Дизайн", "Строй", "Дом", "Ремонт", "Студия", "Проект",
                             "Фасад", "Декор", "Плита", "Камень", "Массив"]

    /// Half the people carry one of the hundred commonest surnames (the earlier in the list,
    /// the likelier); the rest a rarer one from tens of thousands.
    static func surname(female: Bool, using rng: inout some RandomNumberGenerator) -> String {
        let base: String
        if Bool.random(using: &rng) {
            base = commonSurnames[skewed(commonSurnames.count, using: &rng)]
        } else {
            let root = (0..<Int.random(in: 2...3, using: &rng)).map { _ in syllables.randomElement(using: &rng)! }.joined()
            base = root.prefix(1).uppercased() + root.dropFirst() + surnameEndings.randomElement(using: &rng)!
        }
        guard female else { return base }
        if base.hasSuffix("ский") { return String(base.dropLast(2)) + "ая" }
        if base.hasSuffix("ов") || base.hasSuffix("ев") || base.hasSuffix("ин") || base.hasSuffix("ёв") { return base + "а" }
        return base
    }

    static func person(using rng: inout some RandomNumberGenerator) -> (first: String, middle: String, last: String) {
        let female = Bool.random(using: &rng)
        let first = female ? femaleFirst[skewed(femaleFirst.count, using: &rng)] : maleFirst[skewed(maleFirst.count, using: &rng)]
        let middle = patronymics[skewed(patronymics.count, using: &rng)] + (female ? "вна" : "вич")
        return (first, middle, surname(female: female, using: &rng))
    }

    /// A company's brand: a made-up word, with a trade word before or after it half the time.
    static func brand(using rng: inout some RandomNumberGenerator) -> String {
        let root = (0..<Int.random(in: 2...3, using: &rng)).map { _ in syllables.randomElement(using: &rng)! }.joined()
        let word = root.prefix(1).uppercased() + root.dropFirst()
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return "\(brandWords.randomElement(using: &rng)!) \(word)"
        case 1: return "\(word) \(brandWords.randomElement(using: &rng)!)"
        default: return word
        }
    }

    static let latinSyllables = ["ba", "ver", "co", "dal", "el", "fin", "gor", "han", "is", "ken", "lor", "mar", "nor",
                                 "pen", "ros", "stan", "tor", "wel", "ash", "brad"]
    static let englishEndings = ["son", "ley", "ton", "wood", "field", "er", "ford", "ham"]

    /// An English surname: one of the given common ones half the time, else a made-up one.
    static func englishSurname(common: [String], using rng: inout some RandomNumberGenerator) -> String {
        if Bool.random(using: &rng) { return common[skewed(common.count, using: &rng)] }
        return latinWord(using: &rng) + englishEndings.randomElement(using: &rng)!
    }

    /// A made-up English brand before a trade word (`Kenmar Works`).
    static func englishBrand(words: [String], using rng: inout some RandomNumberGenerator) -> String {
        "\(latinWord(using: &rng)) \(words.randomElement(using: &rng)!)"
    }

    static func latinWord(using rng: inout some RandomNumberGenerator) -> String {
        let root = (0..<Int.random(in: 2...3, using: &rng)).map { _ in latinSyllables.randomElement(using: &rng)! }.joined()
        return root.prefix(1).uppercased() + root.dropFirst()
    }

    /// An index in 0..<count, small ones far likelier (about Zipf's law).
    static func skewed(_ count: Int, using rng: inout some RandomNumberGenerator) -> Int {
        let u = Double.random(in: 0..<1, using: &rng)
        return min(count - 1, Int(Double(count) * u * u * u))
    }
}
