import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RapportDomain
import RapportStore

/// Hands one message to the HTTP gateway its settings describe, and reads the answer: an SMS
/// to the SMS gateway, a messenger reply to its chat's connector (`{{to}}` is then the chat id).
struct HTTPGateway {
    let settings: SMSGatewaySettings

    func send(_ message: OutboxMessage, timeout: TimeAmount = .seconds(10)) async -> DeliveryOutcome {
        let values = ["to": message.recipient, "text": message.body, "message_id": String(message.id), "sender": settings.sender ?? ""]
        let json = settings.contentType == .json
        let rendered: String
        do {
            rendered = try Placeholders(settings.bodyTemplate).render(values, escape: { json ? JSONText.escaped($0) : Self.formEncoded($0) })
        } catch {
            return .failed("the gateway's body template does not read \(error.description)")
        }
        var request: HTTPClientRequest
        if settings.method == .get {
            request = HTTPClientRequest(url: settings.url + (settings.url.contains("?") ? "&" : "?") + rendered)
            request.method = .GET
        } else {
            request = HTTPClientRequest(url: settings.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: settings.contentType == .json ? "application/json" : "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: rendered))
        }
        request.headers.add(name: "User-Agent", value: "Rapport")
        let response: HTTPClientResponse
        let body: String
        do {
            response = try await HTTPClient.shared.execute(request, timeout: timeout)
            body = String(buffer: try await response.body.collect(upTo: 64 * 1024))
        } catch {
            return .retry("the gateway could not be reached: \(SignedPost.describe(error))")
        }
        let status = Int(response.status.code)
        let said = "the gateway answered \(status)\(body.isEmpty ? "" : ": " + String(body.prefix(200)))"
        // Busy or broken for now: later. Refused the message itself (a bad number): for good.
        if status == 429 || status >= 500 { return .retry(said) }
        guard (200..<300).contains(status) else { return .failed(said) }
        if let expected = settings.successContains, !expected.isEmpty, !body.contains(expected) { return .failed(said) }
        return .sent(providerID: settings.providerIDField.flatMap { Self.field($0, in: body) })
    }

    /// A field of a JSON answer (top level, or a dotted path such as `result.id`), as text.
    /// An answer that is not JSON carries no id: the message is sent all the same, and its delivery
    /// report cannot be matched (the gateway's own choice).
    static func field(_ path: String, in body: String) -> String? {
        var value: Any
        do { value = try JSONSerialization.jsonObject(with: Data(body.utf8)) } catch { return nil }
        for key in path.split(separator: ".") {
            if let array = value as? [Any], let first = array.first { value = first }
            guard let object = value as? [String: Any], let next = object[String(key)] else { return nil }
            value = next
        }
        switch value {
        case let text as String: return text
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }


    static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
