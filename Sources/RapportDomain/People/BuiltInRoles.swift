/// The roles every new Rapport starts with (P1). Administrators may change their rights;
/// the keys stay so the demo and later capabilities can find them.
public enum BuiltInRole: String, CaseIterable, Sendable {
    case administrator
    case headOfSales = "head_of_sales"
    case salesManager = "sales_manager"
    case fieldTechnician = "field_technician"
    case marketer
    case support

    /// The name a new installation gives the role, in the company's language.
    public func defaultName(_ locale: AppLocale) -> String {
        guard locale == .ru else { return defaultName }
        return switch self {
        case .administrator: "Администратор"
        case .headOfSales: "Руководитель отдела продаж"
        case .salesManager: "Менеджер по продажам"
        case .fieldTechnician: "Выездной специалист"
        case .marketer: "Маркетолог"
        case .support: "Поддержка"
        }
    }

    /// The English name a new installation gives the role.
    public var defaultName: String {
        switch self {
        case .administrator: "Administrator"
        case .headOfSales: "Head of sales"
        case .salesManager: "Sales manager"
        case .fieldTechnician: "Field technician"
        case .marketer: "Marketer"
        case .support: "Support"
        }
    }

    /// The rights a new installation gives the role.
    public var defaultPermissions: PermissionMatrix {
        let clientEntities: [PermissionEntity] = [.company, .contact, .lead, .deal, .activity, .task]
        var m = PermissionMatrix()
        switch self {
        case .administrator:
            return .uniform(.all)
        case .headOfSales:
            for e in clientEntities { for a in PermissionAction.allCases { m.set(e, a, .departmentTree) } }
            m.set(.user, .read, .all); m.set(.department, .read, .all); m.set(.role, .read, .all)
            m.set(.settings, .read, .all); m.set(.audit, .read, .departmentTree)
        case .salesManager:
            for e in clientEntities {
                m.set(e, .read, .department); m.set(e, .create, .own); m.set(e, .update, .own)
            }
            m.set(.user, .read, .all); m.set(.department, .read, .all); m.set(.settings, .read, .all)
        case .fieldTechnician:
            for e in [PermissionEntity.activity, .task] {
                m.set(e, .read, .own); m.set(e, .update, .own); m.set(e, .create, .own)
            }
            m.set(.contact, .read, .own); m.set(.company, .read, .own)
            m.set(.user, .read, .all); m.set(.settings, .read, .all)
        case .marketer:
            for e in [PermissionEntity.lead, .company, .contact] {
                m.set(e, .read, .all); m.set(e, .export, .all)
            }
            m.set(.lead, .create, .own); m.set(.lead, .update, .own)
            m.set(.user, .read, .all); m.set(.department, .read, .all); m.set(.settings, .read, .all)
        case .support:
            for e in [PermissionEntity.company, .contact, .activity] { m.set(e, .read, .all) }
            m.set(.activity, .create, .own); m.set(.activity, .update, .own)
            m.set(.task, .read, .own); m.set(.task, .create, .own); m.set(.task, .update, .own)
            m.set(.user, .read, .all); m.set(.settings, .read, .all)
        }
        return m
    }
}
