/// How one try to hand a message over ended: taken (with the gateway's id of it), to be tried
/// again later, or refused for good.
enum DeliveryOutcome: Equatable, Sendable {
    case sent(providerID: String?)
    case retry(String)
    case failed(String)
}
