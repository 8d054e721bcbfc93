import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// A personal API token as listed (never the secret).
struct TokenDTO: Encodable {
    var id: Int64
    var userID: Int64
    var name: String
    var prefix: String
    var createdAt: Date
    var lastUsedAt: Date?
    var expiresAt: Date?
    var revokedAt: Date?
    /// Only in the answer to the create request: the secret, shown this once.
    var token: String?

    enum CodingKeys: String, CodingKey {
        case id, name, prefix, token
        case userID = "user_id", createdAt = "created_at", lastUsedAt = "last_used_at", expiresAt = "expires_at"
        case revokedAt = "revoked_at"
    }

    init(_ t: APIToken, secret: String? = nil) {
        id = t.id; userID = t.userID; name = t.name; prefix = t.prefix; createdAt = t.createdAt
        lastUsedAt = t.lastUsedAt; expiresAt = t.expiresAt; revokedAt = t.revokedAt; token = secret
    }
}

struct TokenBody: StrictInput {
    var name: String?
    var expiresInDays: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
        case expiresInDays = "expires_in_days"
    }
    typealias Keys = CodingKeys
}

/// `/api/v1/tokens`: the caller's own personal tokens.
struct TokensAPI {
    let tokens: TokenService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("tokens") { request, context in
            let page = try await tokens.list(page: try QueryReader(request: request).page(),
                                             by: try context.requirePrincipal())
            return try JSONResponse.make(ListBody(page) { TokenDTO($0) })
        }
        group.post("tokens") { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(TokenBody.self, from: request, context: context)
            let issued = try await tokens.create(name: body.name, expiresInDays: body.expiresInDays,
                                                 for: principal.userID, by: principal)
            return try JSONResponse.make(TokenDTO(issued.token, secret: issued.secret), status: .created,
                                         headers: [.location: "/api/v1/tokens/\(issued.token.id)"])
        }
        group.delete("tokens/{id}") { _, context in
            _ = try await tokens.revoke(try context.id(entity: "api_token"), by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
    }
}
