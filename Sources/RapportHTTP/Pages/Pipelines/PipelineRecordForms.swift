import Foundation
import RapportDomain
import RapportServices

/// The fields of a lead's or deal's form as the `pipeline_record` template draws them, and
/// what the submitted forms mean as service input.
enum PipelineRecordForms {
    /// A plain input (`type` text, date or number) or, with `textarea`, a text area.
    static func field(_ name: String, _ label: String, _ value: String, type: String = "text", wide: Bool = false,
                      textarea: Bool = false, hint: String = "", error: String?) -> [String: Any] {
        ["name": name, "label": label, "value": value, "type": type, "wide": wide, "textarea": textarea, "plain": !textarea,
         "hint": hint, "error": error ?? ""]
    }

    static func select(_ name: String, _ label: String, options: [[String: Any]], error: String?) -> [String: Any] {
        ["name": name, "label": label, "select": true, "options": options, "error": error ?? "", "hint": ""]
    }

    /// A record picker (`entity` company or contact): a search box that keeps the chosen id.
    static func picker(_ name: String, _ label: String, entity: String, id: Int64?, text: String, placeholder: String,
                       hint: String, error: String?) -> [String: Any] {
        ["name": name, "label": label, "picker": entity, "picked_id": id.map(String.init) ?? "", "picked_label": text,
         "placeholder": placeholder, "hint": hint, "error": error ?? ""]
    }

    static func lines(_ text: String?) -> [String]? {
        text.map { $0.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    static func leadInput(_ form: PageForm) -> LeadInput {
        var input = LeadInput()
        input.title = form["title"]
        input.firstName = form["first_name"]
        input.middleName = form["middle_name"]
        input.lastName = form["last_name"]
        input.phones = lines(form["phones"])
        input.emails = lines(form["emails"])
        input.companyName = form["company_name"]
        input.source = form["source"]
        input.topic = form["topic"]
        input.clientType = form["client_type"]
        input.objectAddress = form["object_address"]
        input.region = form["region"]
        input.language = form["language"]
        input.amount = form["amount"].map(MoneyText.init)
        input.comments = form["comments"]
        input.ownerID = form.id("owner_id")
        return input
    }

    static func dealInput(_ form: PageForm) -> DealInput {
        var input = DealInput()
        input.title = form["title"]
        input.companyID = picked(form, "company_id")
        input.contactID = picked(form, "contact_id")
        input.amount = form["amount"].map(MoneyText.init)
        input.closeDate = form["close_date"]
        if let text = form.text("probability") { input.probability = Int(text) ?? -1 }
        input.ownerID = form.id("owner_id")
        input.pipelineID = form.id("pipeline_id")
        return input
    }

    /// A picker's choice: its id, 0 when emptied, -1 for a name typed but not chosen from
    /// the list (refused as "not found" rather than quietly dropped); nil when the form has none.
    static func picked(_ form: PageForm, _ name: String) -> Int64? {
        guard form[name] != nil || form["\(name)_query"] != nil else { return nil }
        if let id = PageForm.pickedID(form[name], form["\(name)_query"]) { return id }
        return (form.text("\(name)_query") ?? "").isEmpty ? 0 : -1
    }

    // MARK: line items

    /// The rows of the line items editor: each line, then one blank row to add a line.
    static func itemRows(_ items: [LineItem], currency: String) -> [[String: Any]] {
        let digits = MinorUnits.digits(currency)
        var rows = items.enumerated().map { index, item -> [String: Any] in
            ["n": index, "number": index + 1, "name": item.name, "quantity": "\(item.quantity)", "unit": item.unit ?? "",
             "price": MinorUnits.text(item.price, digits: digits), "discount": item.discountPercent.map { "\($0)" } ?? "",
             "tax": item.taxPercent.map { "\($0)" } ?? "", "blank": false]
        }
        rows.append(["n": items.count, "number": items.count + 1, "name": "", "quantity": "1", "unit": "", "price": "",
                     "discount": "", "tax": "", "blank": true])
        return rows
    }

    /// The editor's rows as a refused form sent them, and a blank row after them.
    static func itemRows(sent values: [String: String]) -> [[String: Any]] {
        var rows: [[String: Any]] = []
        var n = 0
        while values["item_name_\(n)"] != nil || values["item_price_\(n)"] != nil {
            func value(_ name: String) -> String { values["item_\(name)_\(n)"] ?? "" }
            let blank = value("name").trimmingCharacters(in: .whitespaces).isEmpty
                && value("price").trimmingCharacters(in: .whitespaces).isEmpty
            if !blank && values["item_remove_\(n)"] == nil {
                rows.append(["n": rows.count, "number": rows.count + 1, "name": value("name"), "quantity": value("quantity"),
                             "unit": value("unit"), "price": value("price"), "discount": value("discount"), "tax": value("tax"),
                             "blank": false])
            }
            n += 1
        }
        rows.append(["n": rows.count, "number": rows.count + 1, "name": "", "quantity": "1", "unit": "", "price": "",
                     "discount": "", "tax": "", "blank": true])
        return rows
    }

    /// The editor's rows as the record's whole list of lines: rows marked for removal and
    /// blank rows (no name and no price) are left out.
    static func lineItems(_ form: PageForm) -> [LineItemInput] {
        var inputs: [LineItemInput] = []
        var n = 0
        while form["item_name_\(n)"] != nil || form["item_price_\(n)"] != nil {
            defer { n += 1 }
            let name = form.text("item_name_\(n)"), price = form.text("item_price_\(n)")
            if form["item_remove_\(n)"] != nil || (name == nil && price == nil) { continue }
            inputs.append(LineItemInput(name: name, quantity: form.text("item_quantity_\(n)"), unit: form.text("item_unit_\(n)"),
                                        price: price, discountPercent: form.text("item_discount_\(n)"),
                                        taxPercent: form.text("item_tax_\(n)")))
        }
        return inputs
    }
}
