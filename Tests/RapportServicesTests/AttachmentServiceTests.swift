import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

@Suite struct AttachmentServiceTests {
    static func storedFiles(_ harness: TestHarness) -> [String] {
        let root = harness.services.env.files.root.path
        return (FileManager.default.subpaths(atPath: root) ?? []).filter { $0.count == 35 }  // "ab/<32 hex>"
    }

    @Test(arguments: TestDatabase.kinds)
    func files_are_kept_served_to_readers_and_removed_with_their_record(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let a = try await harness.department("A")
            let b = try await harness.department("B")
            let anna = try await harness.principal(try await harness.makeUser("anna@x.example", role: .salesManager, department: a.id))
            let boris = try await harness.principal(try await harness.makeUser("boris@x.example", role: .salesManager, department: b.id))
            let files = harness.services.attachments
            let admin = try await harness.admin()
            let company = try await harness.services.companies.create(CompanyInput(shortName: "Кухни Люкс"), by: anna)
            let bytes = Data("%PDF-1.4 договор".utf8)
            // MUT
            let saved = try await files.add(to: .company, company.id, fileName: "../../etc/Договор №5.pdf",
                                            contentType: "application/pdf; charset=binary", bytes: bytes, by: anna)
            // validation: a clean name, a random storage name, the bytes as sent
            #expect(saved.fileName == "Договор №5.pdf" && saved.contentType == "application/pdf" && saved.size == Int64(bytes.count))
            #expect(saved.storageName.count == 32 && !saved.storageName.contains("Договор"))
            let found = try await files.get(saved.id, by: anna)
            #expect(FileManager.default.contents(atPath: found.path) == bytes)
            #expect(try await files.list(of: .company, company.id, by: anna).map(\.id) == [saved.id])
            // someone who may not read the record sees nothing
            await #expect(throws: RapportError.notFound(entity: "attachment")) { try await files.get(saved.id, by: boris) }
            await #expect(throws: RapportError.notFound(entity: "company")) {
                try await files.add(to: .company, company.id, fileName: "x.txt", contentType: nil, bytes: Data("x".utf8), by: boris)
            }
            // the history names the file
            let history = try await harness.services.events.list(.init(entity: "company", entityID: company.id),
                                                                 page: .init(), by: admin).items
            #expect(history.first?.changes == [FieldChange(field: "attachments", old: nil, new: "Договор №5.pdf")])
            // bad files are refused and leave nothing behind
            await #expect(throws: RapportError.self) {
                try await files.add(to: .company, company.id, fileName: "empty.txt", contentType: nil, bytes: Data(), by: anna)
            }
            await #expect(throws: RapportError.self) {
                try await files.add(to: .company, company.id, fileName: " / ", contentType: nil, bytes: bytes, by: anna)
            }
            await #expect(throws: RapportError.notFound(entity: "company")) {
                try await files.add(to: .company, 999_999, fileName: "x.txt", contentType: nil, bytes: bytes, by: anna)
            }
            var small = harness.services.env
            small.maxAttachmentBytes = 4
            await #expect(throws: RapportError.self) {
                try await AttachmentService(env: small).add(to: .company, company.id, fileName: "big.bin", contentType: nil,
                                                            bytes: Data(count: 5), by: anna)
            }
            #expect(Self.storedFiles(harness).count == 1)
            // a page that claims to be a picture is kept as plain bytes, never shown in place
            let lying = try await files.add(to: .company, company.id, fileName: "cat.png", contentType: "image/png",
                                            bytes: Data("<html><script>alert(1)</script>".utf8), by: anna)
            #expect(lying.contentType == "application/octet-stream")
            try await files.delete(lying.id, by: anna)
            // removing the file removes its bytes; deleting the record removes the rest
            let second = try await files.add(to: .company, company.id, fileName: "photo.jpg", contentType: "image/jpeg",
                                             bytes: Data([0xFF, 0xD8, 0xFF]), by: anna)
            try await files.delete(saved.id, by: anna)
            #expect(Self.storedFiles(harness).count == 1)
            try await harness.services.companies.delete(company.id, expectedVersion: nil, by: admin)
            #expect(Self.storedFiles(harness).isEmpty)
            await #expect(throws: RapportError.notFound(entity: "attachment")) { try await files.get(second.id, by: anna) }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_merge_moves_the_files_to_the_survivor(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let survivor = try await harness.services.contacts.create(ContactInput(firstName: "Анна", lastName: "Морозова"),
                                                                      by: admin)
            let duplicate = try await harness.services.contacts.create(
                ContactInput(firstName: "Анна", lastName: "Морозова"), allowDuplicates: true, by: admin)
            let file = try await harness.services.attachments.add(to: .contact, duplicate.contact.id, fileName: "plan.png",
                                                                  contentType: "image/png", bytes: Data([1, 2, 3]), by: admin)
            // MUT
            _ = try await harness.services.merge.mergeContacts(survivor.contact.id, duplicate: duplicate.contact.id, take: [],
                                                               expectedVersion: nil, by: admin)
            // validation
            #expect(try await harness.services.attachments.list(of: .contact, survivor.contact.id, by: admin).map(\.id) == [file.id])
            #expect(Self.storedFiles(harness).count == 1)
        }
    }
}
