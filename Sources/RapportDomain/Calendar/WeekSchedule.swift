/// A working week as people write it: groups of days with their hours, separated by `;` or
/// new lines — `пн-пт 09:00-18:00; сб 10:00-14:00`, `Mon-Thu 9:00-13:00,14:00-18:00; Fri
/// 9:00-16:45`. Days are Russian, Azerbaijani or English abbreviations (or whole names);
/// a day not named is a day off. Ranges take `-` or `–`.
public enum WeekSchedule {
    /// The week, or the reason it cannot be read (the group that failed, quoted).
    public static func parse(_ text: String) -> Result<WorkWeek, ScheduleError> {
        var days = [DayHours](repeating: .off, count: 7)
        var named = Set<Int>()
        let groups = text.replacingOccurrences(of: "–", with: "-").replacingOccurrences(of: "—", with: "-")
            .split(whereSeparator: { $0 == ";" || $0.isNewline }).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !groups.isEmpty else { return .failure(.empty) }
        for group in groups {
            // "пн-пт 09:00-18:00": the days, then the hours.
            guard let space = group.firstIndex(where: \.isWhitespace) else { return .failure(.unreadable(group)) }
            let dayText = group[..<space].lowercased(), hourText = group[space...].trimmingCharacters(in: .whitespaces)
            guard let weekdays = Self.weekdays(dayText), let hours = DayHours(text: hourText.replacingOccurrences(of: " ", with: ""))
            else { return .failure(.unreadable(group)) }
            for day in weekdays {
                guard named.insert(day).inserted else { return .failure(.repeated(group)) }
                days[day - 1] = hours
            }
        }
        guard let week = WorkWeek(days) else { return .failure(.empty) }
        return .success(week)
    }

    public enum ScheduleError: Error, Equatable {
        case empty
        case unreadable(String)
        case repeated(String)
    }

    /// `пн`, `пн-пт`, `mon,wed` → ISO weekdays.
    static func weekdays(_ text: String) -> [Int]? {
        var out: [Int] = []
        for part in text.split(separator: ",") {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(ends.count), let first = day(ends[0]), let last = day(ends.last!) else { return nil }
            guard first <= last else { return nil }
            out += Array(first...last)
        }
        return out.isEmpty ? nil : out
    }

    static let names: [[String]] = [
        ["пн", "пон", "понедельник", "mon", "monday", "b.e."],
        ["вт", "вто", "вторник", "tue", "tuesday", "ç.a."],
        ["ср", "сре", "среда", "wed", "wednesday", "ç."],
        ["чт", "чет", "четверг", "thu", "thursday", "c.a."],
        ["пт", "пят", "пятница", "fri", "friday", "c."],
        ["сб", "суб", "суббота", "sat", "saturday", "ş."],
        ["вс", "вос", "воскресенье", "sun", "sunday", "b."],
    ]

    static func day(_ text: Substring) -> Int? {
        let word = text.trimmingCharacters(in: .whitespaces).lowercased()
        return names.firstIndex { $0.contains(word) }.map { $0 + 1 }
    }
}
