import Foundation
import OversightDomain
import Testing

/// What `Config/routing.yaml` promises for one category, written out by hand so that the test
/// fails when the shipped file or the router drifts from DOMAIN.md.
struct RoutingTestExpectation: Sendable, CustomTestStringConvertible {
    let position: Int
    let category: String
    let office: String
    let kind: CaseKind
    let priority: Priority
    /// nil: no triage deadline (the ombuds workflow imposes none).
    let triageHours: Int?

    var testDescription: String { "\(category) -> \(office) \(kind)" }
}

private let routingTestNow = FixtureTime.at("2026-03-02", hour: 9)

private let expectedShippedRoutes: [RoutingTestExpectation] = [
    RoutingTestExpectation(position: 0, category: "fraud", office: "OIG", kind: .investigation, priority: .normal, triageHours: 72),
    RoutingTestExpectation(position: 1, category: "corruption", office: "OIG", kind: .investigation, priority: .normal, triageHours: 72),
    RoutingTestExpectation(position: 2, category: "theft", office: "OIG", kind: .investigation, priority: .normal, triageHours: 72),
    RoutingTestExpectation(position: 3, category: "misuse_of_assets", office: "OIG", kind: .investigation, priority: .normal, triageHours: 72),
    RoutingTestExpectation(
        position: 4, category: "sexual_exploitation_and_abuse", office: "OIG", kind: .investigation, priority: .urgent,
        triageHours: 24),
    RoutingTestExpectation(position: 5, category: "sexual_harassment", office: "OIG", kind: .investigation, priority: .high, triageHours: 72),
    RoutingTestExpectation(position: 6, category: "harassment", office: "OIG", kind: .investigation, priority: .normal, triageHours: 72),
    RoutingTestExpectation(position: 7, category: "abuse_of_authority", office: "OIG", kind: .investigation, priority: .normal, triageHours: 72),
    RoutingTestExpectation(position: 8, category: "other_misconduct", office: "OIG", kind: .investigation, priority: .normal, triageHours: 72),
    RoutingTestExpectation(position: 9, category: "retaliation", office: "ECO", kind: .retaliationReview, priority: .normal, triageHours: 72),
    RoutingTestExpectation(position: 10, category: "ethics_question", office: "ECO", kind: .ethicsAdvice, priority: .normal, triageHours: 72),
    RoutingTestExpectation(position: 11, category: "workplace_concern", office: "OMB", kind: .ombudsCase, priority: .normal, triageHours: nil),
    RoutingTestExpectation(position: 12, category: "evaluation_request", office: "EVM", kind: .evaluation, priority: .normal, triageHours: 72),
    RoutingTestExpectation(
        position: 13, category: "personal_data_breach", office: "OLA", kind: "data_protection_incident", priority: .normal,
        triageHours: 72),
    RoutingTestExpectation(position: 14, category: "threat_to_safety", office: "OSS", kind: "security_incident", priority: .urgent, triageHours: 24),
    RoutingTestExpectation(position: 15, category: "security_incident", office: "OSS", kind: "security_incident", priority: .normal, triageHours: 72),
]

/// The shipped offices with no regions listed: the regional-rule tests use regions of their own.
private func officesWithoutRegions() throws -> OfficeDirectory {
    let shipped = try FixtureConfiguration.shipped().offices
    return OfficeDirectory(offices: shipped.offices, alternate: shipped.alternate, directorGeneralOffice: shipped.directorGeneralOffice)
}

private func routingTestRouter() throws -> CaseRouter {
    CaseRouter(try FixtureConfiguration.shipped())
}

@Suite("Routing: category to office, kind, priority and triage deadline")
struct RoutingTests {
    @Test func shippedCategoriesAreExactlyTheExpectedOnes() throws {
        let router = try routingTestRouter()
        #expect(router.routing.categories == expectedShippedRoutes.map(\.category))
        #expect(router.routing.defaultTriageHours == 72)
        #expect(router.routing.rules.allSatisfy { $0.region == nil })
    }

    @Test(arguments: expectedShippedRoutes)
    func routesEveryShippedCategory(_ expected: RoutingTestExpectation) throws {
        let router = try routingTestRouter()
        let decision = try router.route(Intake(category: expected.category, region: "Europe"), at: routingTestNow)
        #expect(decision.office == FixtureOrg.code(expected.office))
        #expect(decision.kind == expected.kind)
        #expect(decision.priority == expected.priority)
        #expect(decision.triageDueAt == expected.triageHours.map { routingTestNow.addingTimeInterval(Double($0) * FixtureTime.hour) })
        #expect(decision.rule == "routing.yaml rules[\(expected.position)] (\(expected.category))")
        #expect(decision.rule.hasPrefix("routing.yaml"))
        #expect(decision.rule.contains(expected.category))
        #expect(decision.conflict == nil)
        #expect(decision.sealedFrom.isEmpty)
        #expect(decision.restrictedToHead == false)
    }

    @Test func aRegionOrCountryOfficeOutsideConfigIsRefused() throws {
        let router = try routingTestRouter()
        #expect(throws: RoutingRefusal.self) { try router.route(Intake(category: "fraud", region: "Atlantis"), at: routingTestNow) }
        #expect(throws: RoutingRefusal.self) {
            try router.route(Intake(category: "fraud", region: "Europe", countryOffice: "Nairobi"), at: routingTestNow)
        }
        #expect(
            try router.route(Intake(category: "fraud", region: "Europe", countryOffice: "Vienna"), at: routingTestNow).office
                == FixtureOrg.code("OIG"))
    }

    @Test func urgentCategoriesAreTriagedWithinADay() throws {
        let router = try routingTestRouter()
        for category in ["sexual_exploitation_and_abuse", "threat_to_safety"] {
            let decision = try router.route(Intake(category: category), at: routingTestNow)
            #expect(decision.priority == .urgent, "\(category)")
            #expect(decision.triageDueAt?.timeIntervalSince(routingTestNow) == 24 * FixtureTime.hour, "\(category)")
        }
        let ordinary = try router.route(Intake(category: "fraud"), at: routingTestNow)
        #expect(ordinary.priority == .normal)
        #expect(ordinary.triageDueAt?.timeIntervalSince(routingTestNow) == 72 * FixtureTime.hour)
    }

    @Test func unknownCategoryIsRefusedWithTheKnownOnes() throws {
        let router = try routingTestRouter()
        let refusal = #expect(throws: RoutingRefusal.self) {
            try router.route(Intake(category: "parking_dispute"), at: routingTestNow)
        }
        #expect(refusal == .unknownCategory("parking_dispute", known: expectedShippedRoutes.map(\.category)))
        // The office is never a category: naming one does not route.
        #expect(throws: RoutingRefusal.self) { try router.route(Intake(category: "OIG"), at: routingTestNow) }
        #expect(throws: RoutingRefusal.self) { try router.route(Intake(category: "Fraud"), at: routingTestNow) }
    }

    // MARK: Conflict routing

    @Test func subjectInReceivingOfficeGoesToItsHead() throws {
        let router = try routingTestRouter()
        let intake = Intake(category: "fraud", subjects: [NamedSubject(personID: "inv-7", office: FixtureOrg.code("OIG"))])
        let decision = try router.route(intake, at: routingTestNow)
        #expect(decision.office == FixtureOrg.code("OIG"))
        #expect(decision.kind == .investigation)
        #expect(decision.conflict == .subjectInReceivingOffice)
        #expect(decision.restrictedToHead)
        #expect(decision.sealedFrom.isEmpty)
        #expect(decision.rule == "routing.yaml rules[0] (fraud)")
    }

    @Test func subjectWhoHeadsReceivingOfficeGoesToTheAlternateSealed() throws {
        let router = try routingTestRouter()
        let intake = Intake(category: "fraud", subjects: [NamedSubject(personID: "ig", office: FixtureOrg.code("OIG"), headsOffice: true)])
        let decision = try router.route(intake, at: routingTestNow)
        #expect(decision.office == FixtureOrg.code("AOAC"))
        #expect(decision.kind == .investigation)
        #expect(decision.conflict == .subjectHeadsReceivingOffice)
        #expect(decision.sealedFrom == [FixtureOrg.code("OIG")])
        #expect(decision.restrictedToHead == false)
        // The priority and triage deadline still come from the category's rule.
        #expect(decision.priority == .normal)
        #expect(decision.triageDueAt == routingTestNow.addingTimeInterval(72 * FixtureTime.hour))
    }

    @Test func directorGeneralAsSubjectGoesToTheAlternateSealedFromODGAndOIG() throws {
        let router = try routingTestRouter()
        let intake = Intake(
            category: "sexual_exploitation_and_abuse",
            subjects: [NamedSubject(personID: "dg", office: FixtureOrg.code("ODG"), headsOffice: true, isDirectorGeneral: true)])
        let decision = try router.route(intake, at: routingTestNow)
        #expect(decision.office == FixtureOrg.code("AOAC"))
        #expect(decision.conflict == .subjectIsDirectorGeneral)
        #expect(decision.sealedFrom.contains(FixtureOrg.code("ODG")))
        #expect(decision.sealedFrom.contains(FixtureOrg.code("OIG")))
        #expect(!decision.sealedFrom.contains(FixtureOrg.code("AOAC")))
        #expect(decision.priority == .urgent)
        #expect(decision.triageDueAt == routingTestNow.addingTimeInterval(24 * FixtureTime.hour))
    }

    @Test func directorGeneralFlagAloneIsEnough() throws {
        // The staff directory may not give the DG an office; the flag still routes to the alternate.
        let router = try routingTestRouter()
        let intake = Intake(category: "harassment", subjects: [NamedSubject(personID: "dg", office: nil, isDirectorGeneral: true)])
        let decision = try router.route(intake, at: routingTestNow)
        #expect(decision.office == FixtureOrg.code("AOAC"))
        #expect(decision.conflict == .subjectIsDirectorGeneral)
        #expect(decision.sealedFrom == [FixtureOrg.code("ODG"), FixtureOrg.code("OIG")])
    }

    @Test func subjectInAnUnrelatedOfficeDoesNotChangeRouting() throws {
        let router = try routingTestRouter()
        let subjects = [
            NamedSubject(personID: "eval-1", office: FixtureOrg.code("EVM")),
            NamedSubject(personID: "eval-head", office: FixtureOrg.code("EVM"), headsOffice: true),
            NamedSubject(personID: "ddg", office: FixtureOrg.code("ODG")),
        ]
        let decision = try router.route(Intake(category: "fraud", subjects: subjects), at: routingTestNow)
        #expect(decision.office == FixtureOrg.code("OIG"))
        #expect(decision.conflict == nil)
        #expect(decision.sealedFrom.isEmpty)
        #expect(decision.restrictedToHead == false)
    }

    @Test func retaliationSubjectWhoHeadsECOGoesToTheAlternateSealedFromECO() throws {
        let router = try routingTestRouter()
        let intake = Intake(
            category: "retaliation",
            subjects: [NamedSubject(personID: "ethics-head", office: FixtureOrg.code("ECO"), headsOffice: true)])
        let decision = try router.route(intake, at: routingTestNow)
        #expect(decision.office == FixtureOrg.code("AOAC"))
        #expect(decision.kind == .retaliationReview)
        #expect(decision.conflict == .subjectHeadsReceivingOffice)
        #expect(decision.sealedFrom == [FixtureOrg.code("ECO")])
        #expect(decision.rule == "routing.yaml rules[9] (retaliation)")
    }

    @Test func headConflictOutranksMembershipConflict() throws {
        // One subject works in OIG, another heads it: the stronger conflict decides.
        let router = try routingTestRouter()
        let subjects = [
            NamedSubject(personID: "inv-7", office: FixtureOrg.code("OIG")),
            NamedSubject(personID: "ig", office: FixtureOrg.code("OIG"), headsOffice: true),
        ]
        let decision = try router.route(Intake(category: "theft", subjects: subjects), at: routingTestNow)
        #expect(decision.office == FixtureOrg.code("AOAC"))
        #expect(decision.conflict == .subjectHeadsReceivingOffice)
        #expect(decision.restrictedToHead == false)
    }

    @Test func linkedCaseOpensAtTheAlternateWhenOIGIsConflicted() throws {
        let router = try routingTestRouter()
        let oig = FixtureOrg.code("OIG")
        let conflicted = router.place(in: oig, subjects: [NamedSubject(personID: "ig", office: oig, headsOffice: true)])
        #expect(conflicted.office == FixtureOrg.code("AOAC"))
        #expect(conflicted.conflict == .subjectHeadsReceivingOffice)
        #expect(conflicted.sealedFrom == [oig])
        #expect(conflicted.restrictedToHead == false)

        // The same retaliation subjects, when they are ECO staff, do not conflict OIG.
        let clear = router.place(in: oig, subjects: [NamedSubject(personID: "ethics-head", office: FixtureOrg.code("ECO"), headsOffice: true)])
        #expect(clear.office == oig)
        #expect(clear.conflict == nil)
        #expect(clear.sealedFrom.isEmpty)
    }

    // MARK: Region rules

    private func regionalTable() -> RoutingTable {
        RoutingTable(
            defaultTriageHours: 48,
            rules: [
                RoutingRule(
                    category: "fraud", label: "Fraud (East Africa)", office: FixtureOrg.code("AOAC"), kind: .investigation,
                    priority: .high, triageHours: 12, region: "east_africa", position: 0),
                RoutingRule(
                    category: "fraud", label: "Fraud", office: FixtureOrg.code("OIG"), kind: .investigation, priority: .normal,
                    position: 1),
                // Listed after the general rule, so it can never win (first match wins).
                RoutingRule(
                    category: "fraud", label: "Fraud (Europe)", office: FixtureOrg.code("ECO"), kind: .investigation,
                    priority: .low, region: "europe", position: 2),
            ])
    }

    @Test func regionRuleWinsForItsRegionOnly() throws {
        let router = CaseRouter(routing: regionalTable(), offices: try officesWithoutRegions())

        let regional = try router.route(Intake(category: "fraud", region: "east_africa"), at: routingTestNow)
        #expect(regional.office == FixtureOrg.code("AOAC"))
        #expect(regional.priority == .high)
        #expect(regional.triageDueAt == routingTestNow.addingTimeInterval(12 * FixtureTime.hour))
        #expect(regional.rule == "routing.yaml rules[0] (fraud, region east_africa)")

        let elsewhere = try router.route(Intake(category: "fraud", region: "asia_pacific"), at: routingTestNow)
        #expect(elsewhere.office == FixtureOrg.code("OIG"))
        #expect(elsewhere.priority == .normal)
        #expect(elsewhere.triageDueAt == routingTestNow.addingTimeInterval(48 * FixtureTime.hour))
        #expect(elsewhere.rule == "routing.yaml rules[1] (fraud)")

        let noRegion = try router.route(Intake(category: "fraud"), at: routingTestNow)
        #expect(noRegion.office == FixtureOrg.code("OIG"))
        #expect(noRegion.rule == "routing.yaml rules[1] (fraud)")

        let shadowed = try router.route(Intake(category: "fraud", region: "europe"), at: routingTestNow)
        #expect(shadowed.office == FixtureOrg.code("OIG"))
        #expect(shadowed.rule == "routing.yaml rules[1] (fraud)")
        #expect(router.routing.categories == ["fraud"])
    }

    @Test func regionOnlyRuleDoesNotRouteOtherRegions() throws {
        let table = RoutingTable(
            defaultTriageHours: 72,
            rules: [
                RoutingRule(
                    category: "fraud", label: "Fraud (East Africa)", office: FixtureOrg.code("OIG"), kind: .investigation,
                    priority: .normal, region: "east_africa", position: 0)
            ])
        let router = CaseRouter(routing: table, offices: try officesWithoutRegions())
        #expect(try router.route(Intake(category: "fraud", region: "east_africa"), at: routingTestNow).office == FixtureOrg.code("OIG"))
        let refusal = #expect(throws: RoutingRefusal.self) {
            try router.route(Intake(category: "fraud", region: "europe"), at: routingTestNow)
        }
        #expect(refusal == .unknownCategory("fraud", known: ["fraud"]))
    }

    @Test func conflictRulesApplyAfterARegionRule() throws {
        let router = CaseRouter(routing: regionalTable(), offices: try officesWithoutRegions())
        let intake = Intake(
            category: "fraud", region: "asia_pacific",
            subjects: [NamedSubject(personID: "ig", office: FixtureOrg.code("OIG"), headsOffice: true)])
        let decision = try router.route(intake, at: routingTestNow)
        #expect(decision.office == FixtureOrg.code("AOAC"))
        #expect(decision.sealedFrom == [FixtureOrg.code("OIG")])
        #expect(decision.rule == "routing.yaml rules[1] (fraud)")
    }
}

struct ConfidentialRoutingTests {
    /// An ombuds case never leaves the Ombudsperson's office, even when the concern names
    /// the Ombudsperson or the DG: no one else may read it.
    @Test func ombudsCasesAreNeverConflictRoutedOutOfTheOffice() throws {
        let router = CaseRouter(shippedConfiguration)
        let omb = try #require(OfficeCode("OMB"))
        for subject in [
            NamedSubject(office: omb, headsOffice: true), NamedSubject(office: nil, isDirectorGeneral: true),
            NamedSubject(office: omb),
        ] {
            let decision = try router.route(Intake(category: "workplace_concern", subjects: [subject]), at: epoch)
            #expect(decision.office == omb)
            #expect(decision.sealedFrom.isEmpty)
            #expect(decision.conflict == nil)
        }
    }
}
