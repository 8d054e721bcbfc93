import RapportDomain

/// Whether a text with `{{placeholders}}` reads and names only what exists — stage task
/// templates and message templates alike; each mistake says where it is.
enum TemplateCheck {
    /// Adds to `v` (under `field`) a syntax error, and each placeholder that is not one of
    /// `known` or a section (with its fields) that is not one of `sections`.
    static func check(_ text: String, field: String, known: Set<String>, sections: [String: Set<String>] = [:],
                      _ v: inout Validator) {
        do {
            let template = try Placeholders(text)
            func at(_ name: String) -> String { template.position(of: name).map { " (character \($0))" } ?? "" }
            for name in template.fields.sorted() where !known.contains(name) {
                v.add(field, "unknown_field", "the placeholder {{\(name)}}\(at(name)) names no field")
            }
            for (section, inner) in template.sections.sorted(by: { $0.key < $1.key }) {
                guard let allowed = sections[section] else {
                    v.add(field, "unknown_field", "the section {{#\(section)}}\(at(section)) names no list")
                    continue
                }
                for name in inner.sorted() where !allowed.contains(name) && !known.contains(name) {
                    v.add(field, "unknown_field", "the placeholder {{\(name)}}\(at(name)) names no field of \(section)")
                }
            }
        } catch {
            v.add(field, "syntax", "the template does not read \(error.description)")
        }
    }
}
