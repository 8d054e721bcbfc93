import Foundation
import RapportDomain
import Testing

@Suite struct SupportRulesTests {
    @Test(arguments: [
        ("8 (916) 123-45-67", "+79161234567"), ("+7 916 1234567", "+79161234567"), ("9161234567", "+79161234567"),
        ("00 49 30 1234567", "+49301234567"), ("+994 12 555 12 34", "+994125551234"),
    ])
    func phones_normalise_to_e164(raw: String, expected: String) {
        #expect(Phone.normalize(raw) == expected)
    }

    @Test(arguments: ["", "abc", "12", "+7 916 123-45-67 ext", "'; DROP TABLE users; --"])
    func bad_phones_are_refused(raw: String) {
        #expect(Phone.normalize(raw) == nil)
    }

    @Test func emails_are_lower_cased_and_checked() {
        #expect(Email.normalize("  Anna.Morozova@Kitchen.Example ") == "anna.morozova@kitchen.example")
        for bad in ["", "anna", "anna@", "@kitchen.example", "anna@kitchen", "an na@kitchen.example", "a@b@c.d"] {
            #expect(Email.normalize(bad) == nil, "\(bad)")
        }
    }

    @Test func cursors_round_trip_and_forged_ones_are_refused() throws {
        let cursor = PageCursor(sortValue: "Иванов|x", id: 42)
        #expect(try PageCursor.decode(cursor.encoded) == cursor)
        #expect(throws: RapportError.self) { try PageCursor.decode("not a cursor!") }
        #expect(throws: RapportError.self) { try PageCursor.decode(Data("x|y".utf8).base64EncodedString()) }
    }

    @Test func page_limits_are_checked() throws {
        #expect(try PageRequest.parse(limit: nil, cursor: nil).limit == 50)
        #expect(try PageRequest.parse(limit: "500", cursor: nil).limit == 500)
        for bad in ["0", "501", "-1", "ten", "1; DROP TABLE users"] {
            #expect(throws: RapportError.self) { try PageRequest.parse(limit: bad, cursor: nil) }
        }
    }

    @Test func login_throttle_locks_after_the_limit_and_releases_after_the_lockout() {
        let rule = LoginThrottle(maxFailures: 3, window: 600, lockout: 900)
        let start = Date(timeIntervalSince1970: 1_000_000)
        var state: LoginThrottle.State?
        for i in 0..<3 {
            #expect(rule.retryAfter(state, now: start) == nil)
            state = rule.failed(state, now: start.addingTimeInterval(Double(i)))
        }
        #expect(rule.retryAfter(state, now: start.addingTimeInterval(3)) == 899)
        #expect(rule.retryAfter(state, now: start.addingTimeInterval(903)) == nil)
        // A failure after the lockout starts a new window.
        state = rule.failed(state, now: start.addingTimeInterval(1000))
        #expect(state?.failures == 1)
    }

    @Test func failures_spread_beyond_the_window_do_not_lock() {
        let rule = LoginThrottle(maxFailures: 3, window: 60, lockout: 900)
        var state: LoginThrottle.State?
        for i in 0..<10 { state = rule.failed(state, now: Date(timeIntervalSince1970: Double(i * 100))) }
        #expect(rule.retryAfter(state, now: Date(timeIntervalSince1970: 1000)) == nil)
    }

    @Test func change_sets_record_only_differences() {
        var changes = ChangeSet()
        changes.compare("name", "A", "A")
        changes.compare("position", nil, "")
        changes.compare("phone", "1", "2")
        #expect(changes.changes == [FieldChange(field: "phone", old: "1", new: "2")])
    }
}

@Suite struct MinorUnitsTests {
    @Test func amounts_are_read_as_people_type_them() {
        #expect(MinorUnits.parse("1 234,50") == 123_450)
        #expect(MinorUnits.parse("1,234.50") == 123_450)
        #expect(MinorUnits.parse("1\u{202F}234,5") == 123_450)
        #expect(MinorUnits.parse("-10") == -1000)
        #expect(MinorUnits.parse("12,5") == 1250)
        #expect(MinorUnits.parse("100", digits: 0) == 100)
        for bad in ["", "1.234.5", "10.555", "abc", "1e5", "--1", "1.", "1234567890123456"] {
            #expect(MinorUnits.parse(bad) == nil, "\(bad)")
        }
        #expect(MinorUnits.text(123_450) == "1234.50")
        #expect(MinorUnits.text(-5) == "-0.05")
        #expect(MinorUnits.text(7, digits: 0) == "7")
    }
}

@Suite struct TrigramTests {
    @Test func similarity_matches_pg_trgm() {
        // pg_trgm: similarity('кухни люкс', 'кухни люск') = 0.5714286 (8 shared of 14)
        #expect(abs(Trigrams.similarity("кухни люкс", "кухни люск") - 8.0 / 14.0) < 1e-9)
        #expect(Trigrams.similarity("word", "word") == 1)
        #expect(Trigrams.similarity("кухни люкс", "кухни лайт") < Trigrams.duplicateThreshold)
        #expect(Trigrams.similarity("иванов иван", "иваноф иван") >= Trigrams.duplicateThreshold)
        #expect(Trigrams.similarity("", "") == 0)
        #expect(Trigrams.of("ab") == ["  a", " ab", "ab "])
    }

    /// The packed trigrams give the same similarity as the trigrams written out as text, for
    /// names of every shape: Cyrillic, Latin, digits, several words, a letter of two scalars.
    @Test func packed_trigrams_agree_with_the_written_out_ones() {
        var random = SystemRandomNumberGenerator()
        let pieces = ["ива", "нов", "й", "и\u{306}", "кух", "ни", "люкс", "ab", "c", "1", "22", " ", "-", "Ё", "ё", "ooo"]
        func name() -> String { (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined() }
        for _ in 0..<2_000 {
            let a = name(), b = name()
            let left = Trigrams.of(a), right = Trigrams.of(b)
            let shared = left.intersection(right).count
            let expected = left.isEmpty && right.isEmpty ? 0 : Double(shared) / Double(left.count + right.count - shared)
            #expect(abs(Trigrams.similarity(a, b) - expected) < 1e-12, "\(a) / \(b)")
        }
    }

    @Test func alike_names_are_one_typo_apart_or_share_most_pieces() {
        #expect(Trigrams.alike("мебельград", "мебельгард"))
        #expect(Trigrams.alike("кухни люкс", "кухни люск"))
        #expect(!Trigrams.alike("кухни люкс", "кухни лайт"))
        #expect(!Trigrams.alike("иванов иван", "петров иван"))
        #expect(!Trigrams.alike("кухниплюс", "кухнипро"))
        #expect(!Trigrams.alike("салон 1", "салон 2"))
        #expect(!Trigrams.alike("дизайнстудия 184", "дизайнстудия 185"))
        #expect(Trigrams.distance("kitten", "sitting", limit: 3) == 3)
        #expect(Trigrams.distance("kitten", "sitting", limit: 2) == nil)
        #expect(Trigrams.distance("ab", "ba", limit: 1) == 1)
        #expect(Trigrams.distance("", "abc", limit: 3) == 3)
    }

    @Test func runs_cut_a_name_in_three() {
        #expect(Trigrams.runs("кухни люкс") == ["кух", "ни ", "люкс"])
        #expect(Trigrams.runs("короткое") == nil)
    }
}

@Suite struct PersonNameTests {
    @Test func a_name_on_one_line_is_split_into_its_parts() {
        #expect(PersonName.split("  Анна ") == PersonName(first: "Анна"))
        #expect(PersonName.split("Иван Петров") == PersonName(first: "Иван", last: "Петров"))
        #expect(PersonName.split("Петров Иван Сергеевич") == PersonName(first: "Иван", middle: "Сергеевич", last: "Петров"))
        #expect(PersonName.split("Сидорова Ольга Ильинична") == PersonName(first: "Ольга", middle: "Ильинична", last: "Сидорова"))
        #expect(PersonName.split("Mary Ann van Dyke") == PersonName(first: "Mary", middle: "Ann van", last: "Dyke"))
        #expect(PersonName.split("") == PersonName(first: ""))
    }
}
