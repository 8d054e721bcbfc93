/// Where a record's page is, by the entity names the permission matrix and links use.
enum RecordPaths {
    static func path(_ entity: String, _ id: Int64) -> String {
        switch entity {
        case "company": "/clients/companies/\(id)"
        case "contact": "/clients/contacts/\(id)"
        case "lead": "/leads/\(id)"
        case "deal": "/deals/\(id)"
        case "task": "/tasks/\(id)"
        default: "/"
        }
    }
}
