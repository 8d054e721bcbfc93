import RapportDomain

/// One test on a custom field in a list query: `cf.<code>=v`, `cf.<code>.from=v`,
/// `cf.<code>.to=v`, `cf.<code>.empty=true|false`. A many-of field "equals" when it holds
/// every given option.
public struct CustomFilter: Sendable, Equatable {
    public enum Test: Sendable, Equatable {
        case equals(CustomValue)
        case atLeast(CustomValue)
        case atMost(CustomValue)
        case present(Bool)
    }

    public var definition: CustomFieldDefinition
    public var test: Test

    public init(definition: CustomFieldDefinition, test: Test) {
        self.definition = definition; self.test = test
    }
}
