import Foundation
import Hummingbird
import RapportHTTP
import RapportStore
import RapportTestSupport
import Testing

/// The OpenAPI document is the contract: every API route the router serves is in it, and
/// everything in it is served.
@Suite struct OpenAPIDocumentTests {
    @Test func every_route_is_documented_and_every_documented_route_exists() async throws {
        try await TestHarness.with(.sqlite) { harness in
            // setup
            let router = try await buildRouter(settings: HTTPSettings(), services: harness.services)
            let data = try Data(contentsOf: HTTPSettings().resources.root.appendingPathComponent("openapi.json"))
            let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let methods: Set<String> = ["get", "put", "post", "patch", "delete", "head", "options"]
            let documented = Set(paths.flatMap { path, item in
                item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
            })
            // MUT: the routes of the JSON API and the machine endpoints (pages are HTML, not API)
            let served = Set(router.routes.map { route -> String in
                let path = "/" + "\(route.path)".split(separator: "/").joined(separator: "/")
                return "\(route.method) \(path)"
            }.filter { $0.contains(" /api/") || $0.hasSuffix(" /health") || $0.hasSuffix(" /metrics") })
            // validation
            #expect(served.subtracting(documented).sorted() == [], "served but not documented")
            #expect(documented.subtracting(served).sorted() == [], "documented but not served")
            #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
        }
    }
}
