import Foundation
import RapportDomain

/// The string catalogues (`Locales/en.json`, `ru.json`), loaded once. An empty text is
/// left out at load, so a page model can carry a catalogue as it is (see
/// `PageModel.droppingEmptyStrings`).
public struct Localizer: Sendable {
    let catalogs: [AppLocale: [String: String]]

    init(resources: ResourceFiles) throws {
        var catalogs: [AppLocale: [String: String]] = [:]
        for locale in AppLocale.allCases {
            catalogs[locale] = try JSONDecoder().decode([String: String].self,
                                                        from: resources.read("Locales/\(locale.rawValue).json"))
                .filter { !$0.value.isEmpty }
        }
        self.catalogs = catalogs
    }

    func catalog(_ locale: AppLocale) -> [String: String] { catalogs[locale] ?? [:] }

    /// The text for `key`, falling back to English and then to the key itself.
    func text(_ key: String, _ locale: AppLocale) -> String {
        catalogs[locale]?[key] ?? catalogs[.en]?[key] ?? key
    }

    /// Picks the interface language from an `Accept-Language` header (ru or en).
    static func locale(acceptLanguage: String?) -> AppLocale? {
        guard let header = acceptLanguage?.lowercased() else { return nil }
        for part in header.split(separator: ",") {
            let tag = part.split(separator: ";")[0].trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("ru") { return .ru }
            if tag.hasPrefix("en") { return .en }
        }
        return nil
    }
}
