import Foundation
import Hummingbird
import RapportDomain
import RapportServices

extension WebFormInput: StrictInput { typealias Keys = CodingKeys }

/// `/api/v1/web-forms` (settings right): the forms, with their hosted page and snippet.
struct WebFormsAPI {
    let forms: WebFormService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("web-forms") { _, context in
            let list = try await forms.list(by: try context.requirePrincipal())
            return try JSONResponse.make(["data": list.map(WebFormDTO.init)])
        }
        group.post("web-forms") { request, context in
            let body = try await JSONBody.decode(WebFormInput.self, from: request, context: context)
            let form = try await forms.create(body, by: try context.requirePrincipal())
            return try JSONResponse.make(WebFormDTO(form: form), status: .created, version: form.version,
                                         headers: [.location: "/api/v1/web-forms/\(form.id)"])
        }
        group.get("web-forms/{id}") { _, context in
            let form = try await forms.get(try context.id(entity: "web_form"), by: try context.requirePrincipal())
            return try JSONResponse.make(WebFormDTO(form: form), version: form.version)
        }
        group.patch("web-forms/{id}") { request, context in
            let id = try context.id(entity: "web_form")
            let body = try await JSONBody.decode(WebFormInput.self, from: request, context: context)
            let form = try await forms.update(id, body, expectedVersion: try request.ifMatchVersion(), by: try context.requirePrincipal())
            return try JSONResponse.make(WebFormDTO(form: form), version: form.version)
        }
    }
}

/// The snippet a site pastes: an iframe of the hosted page that carries the site page's
/// address and UTM tags along.
enum WebFormSnippet {
    static func html(_ form: WebForm, origin: String) -> String {
        let id = "rapport-form-\(form.slug)"
        return """
            <div id="\(id)"></div>
            <script>(function(){var f=document.createElement('iframe');var q=location.search.replace(/^\\?/,'');\
            f.src='\(origin)/f/\(form.slug)?embed=1&ref='+encodeURIComponent(location.href)+(q?'&'+q:'');\
            f.title=\(jsString(form.name));f.style.cssText='width:100%;min-height:560px;border:0';\
            document.getElementById('\(id)').appendChild(f);})();</script>
            """
    }

    /// A JavaScript string literal of `text`, safe inside a script element.
    static func jsString(_ text: String) -> String {
        var out = "'"
        for scalar in text.unicodeScalars {
            switch scalar {
            case "'", "\\", "<", ">", "&", "\n", "\r", "\u{2028}", "\u{2029}":
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }
}

struct WebFormDTO: Encodable {
    var form: WebForm

    enum CodingKeys: String, CodingKey {
        case id, name, slug, fields, source, active, version
        case thankYou = "thank_you", pageURL = "page_url"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(form.id, forKey: .id)
        try c.encode(form.name, forKey: .name)
        try c.encode(form.slug, forKey: .slug)
        try c.encode(form.fields, forKey: .fields)
        try c.encode(form.thankYou, forKey: .thankYou)
        try c.encode(form.source, forKey: .source)
        try c.encode(form.active, forKey: .active)
        try c.encode("/f/\(form.slug)", forKey: .pageURL)
        try c.encode(form.version, forKey: .version)
    }
}
