import Foundation
import Hummingbird
import NIOCore
import RapportStore

/// `/health`, `/metrics` and the OpenAPI document: no sign-in needed.
struct OperationsRoutes {
    let database: Database
    let openAPI: ByteBuffer

    func register(on router: Router<RapportRequestContext>) {
        router.get("health") { _, _ in
            do {
                try await database.ping()
                return try JSONResponse.make(["status": "ok"])
            } catch {
                return try JSONResponse.make(["status": "unavailable"], status: .serviceUnavailable)
            }
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: MetricsRegistry.shared.emitToBuffer())))
        }
        router.get("api/v1/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-cache"],
                     body: .init(byteBuffer: openAPI))
        }
    }
}
