import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RapportDomain
import RapportStore
import RapportTestSupport
import Testing

@Suite struct AttachmentsAPITests {
    @Test(arguments: TestDatabase.kinds)
    func files_go_up_as_raw_bytes_or_a_form_and_come_back_safely(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, _, token) = try await adminWithToken(harness)
            let created = try await client.api(.post, "/api/v1/companies", token: token, json: #"{"short_name": "Кухни"}"#)
            let id = try #require(jsonValue(created.body, "id") as? Int)
            func send(_ path: String, _ body: Data, type: String) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: path, method: .post,
                                         headers: [.authorization: "Bearer \(token)", .contentType: type],
                                         body: ByteBuffer(bytes: body)) { ($0.status, String(buffer: $0.body)) }
            }
            // MUT: raw bytes named by ?name=, and a multipart form
            let page = Data("<html><script>alert(1)</script></html>".utf8)
            let raw = try await send("/api/v1/companies/\(id)/attachments?name=%D0%BF%D0%BB%D0%B0%D0%BD.html", page,
                                     type: "text/html")
            #expect(raw.0 == .created, "\(raw.1)")
            var form = Data("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.png\"\r\n".utf8)
            form += Data("Content-Type: image/png\r\n\r\n".utf8) + Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A]) + Data("\r\n--XyZ--\r\n".utf8)
            let multipart = try await send("/api/v1/companies/\(id)/attachments", form, type: "multipart/form-data; boundary=XyZ")
            #expect(multipart.0 == .created, "\(multipart.1)")
            // validation: the list, then each download with safe headers
            let listed = try await client.api(.get, "/api/v1/companies/\(id)/attachments", token: token)
            let rows = try #require(jsonValue(listed.body, "data") as? [[String: Any]])
            #expect(rows.map { $0["file_name"] as? String } == ["photo.png", "план.html"])
            let htmlID = try #require(rows[1]["id"] as? Int)
            let html = try await client.execute(uri: "/api/v1/attachments/\(htmlID)", method: .get,
                                                headers: [.authorization: "Bearer \(token)"]) { $0 }
            #expect(html.status == .ok)
            #expect(html.headers[.contentType] == "application/octet-stream")
            #expect(html.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(html.headers[.contentDisposition]?.contains("filename*=UTF-8''%D0%BF%D0%BB%D0%B0%D0%BD") == true)
            #expect(html.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(Data(buffer: html.body) == page)
            let pngID = try #require(rows[0]["id"] as? Int)
            let png = try await client.execute(uri: "/api/v1/attachments/\(pngID)", method: .get,
                                               headers: [.authorization: "Bearer \(token)"]) { $0 }
            #expect(png.headers[.contentType] == "image/png" && png.headers[.contentDisposition]?.hasPrefix("inline;") == true)
            // bad uploads name what is wrong; a removed file is gone
            #expect(try await send("/api/v1/companies/\(id)/attachments", Data("x".utf8), type: "text/plain").0 == .unprocessableContent)
            #expect(try await send("/api/v1/companies/\(id)/attachments?name=a.txt", Data(), type: "text/plain").0 == .unprocessableContent)
            #expect(try await send("/api/v1/companies/\(id)/attachments", Data("--XyZ\r\nbroken".utf8),
                                   type: "multipart/form-data; boundary=XyZ").0 == .unprocessableContent)
            #expect(try await send("/api/v1/companies/999999/attachments?name=a.txt", Data("x".utf8), type: "text/plain").0
                == .notFound)
            let removed = try await client.api(.delete, "/api/v1/attachments/\(htmlID)", token: token)
            #expect(removed.status == .noContent)
            #expect(try await client.api(.get, "/api/v1/attachments/\(htmlID)", token: token).status == .notFound)
        }
    }
}
