import Foundation
import Hummingbird
import NIOCore

/// The files under `Public/`, read into memory at start and served at `/static/NAME`.
struct StaticAssets: Sendable {
    struct Asset: Sendable {
        var body: ByteBuffer
        var contentType: String
        var etag: String
    }

    let assets: [String: Asset]

    init(resources: ResourceFiles) throws {
        var assets: [String: Asset] = [:]
        for name in try resources.list("Public") {
            let data = try resources.read("Public/\(name)")
            let type: String = switch (name as NSString).pathExtension {
            case "css": "text/css; charset=utf-8"
            case "js": "text/javascript; charset=utf-8"
            case "svg": "image/svg+xml"
            case "png": "image/png"
            case "ico": "image/x-icon"
            default: "application/octet-stream"
            }
            let etag = "\"\(data.count)-\(data.reduce(UInt32(5381)) { ($0 &* 33) &+ UInt32($1) })\""
            assets[name] = Asset(body: ByteBuffer(bytes: data), contentType: type, etag: etag)
        }
        self.assets = assets
    }

    func register(on router: Router<RapportRequestContext>) {
        router.get("static/{file}") { request, context in
            guard let name = context.parameters.get("file"), let asset = assets[name] else {
                throw HTTPError(.notFound)
            }
            if request.headers[.ifNoneMatch] == asset.etag { return Response(status: .notModified) }
            return Response(status: .ok,
                            headers: [.contentType: asset.contentType, .eTag: asset.etag,
                                      .cacheControl: "public, max-age=3600"],
                            body: .init(byteBuffer: asset.body))
        }
    }
}
