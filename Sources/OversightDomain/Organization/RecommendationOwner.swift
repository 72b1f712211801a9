/// Who must act on a recommendation: the management office it is addressed to and the person
/// in it who answers for it. The office's head formally accepts the risk of not acting.
public struct RecommendationOwner: Sendable, Hashable, Codable {
    public let office: OfficeCode
    public let personID: String

    public init(office: OfficeCode, personID: String) {
        self.office = office
        self.personID = personID
    }
}
