import Foundation
import HTTPTypes
import OversightDomain
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// Confidentiality and object-level authorization (DOMAIN.md, "Who may see and do what"): a
/// case someone may not see answers exactly like a case that does not exist, on every
/// endpoint, and a refused write leaves no trace. Every scenario runs twice: as the service
/// runs, and with the store's own access filters switched off, where row security alone must
/// hide the same cases (the second line holds by itself).
@Suite(.temporaryPostgres)
struct ConfidentialityTests {
    // MARK: - Ombuds cases stay in the Ombudsperson's office

    @Test(arguments: AccessEnforcement.allCases)
    func anOmbudsCaseIsInvisibleOutsideTheOmbudspersonsOffice(_ enforcement: AccessEnforcement) async throws {
        try await CaseAPIHarness.run(enforcement: enforcement) { api in
            let filer = try await api.token("hr-fatima", "HRM:staff")
            let reference = try await api.file(filer, category: "workplace_concern", title: "My manager shouts at me")
            #expect(try await api.office(of: reference) == "OMB")

            let outsiders: [(who: String, token: String)] = [
                ("DG as executive", try await api.token("dg", "ODG:executive")),
                ("DG as head of ODG", try await api.token("dg", "ODG:head")),
                ("DG as executive and head", try await api.token("dg", "ODG:executive", "ODG:head")),
                ("OIG lead", try await api.token("oig-lead", "OIG:lead")),
                ("administrator", try await api.token("admin-1", "OMB:admin", "ODG:admin")),
            ]
            for outsider in outsiders {
                for endpoint in Endpoint.reads {
                    try await expectHidden(api, endpoint, reference: reference, token: outsider.token, who: outsider.who)
                }
                let ombudsQueue = try await api.call(.get, "/v1/offices/OMB/queue", token: outsider.token)
                #expect(ombudsQueue.status == .forbidden, "\(outsider.who) reading the OMB queue")
                #expect(ombudsQueue.problemType == "/problems/forbidden")
                let own = try await filedByMe(api, token: outsider.token)
                #expect(!own.contains(reference), "\(outsider.who) lists it among their filings")
            }
            let oigLead = outsiders[3].token
            let oigQueue = try await queue(api, office: "OIG", token: oigLead)
            #expect(oigQueue.status == .ok)
            #expect(!oigQueue.references.contains(reference))
            // The DG as head of ODG has an (empty) ODG queue; the ombuds case is not in it.
            let dgQueue = try await queue(api, office: "ODG", token: outsiders[1].token)
            #expect(dgQueue.status == .ok)
            #expect(!dgQueue.references.contains(reference))

            // Inside the office: the Ombudsperson and an associate both work it.
            let insiders: [(who: String, token: String, view: String)] = [
                ("Ombudsperson", try await api.token("ombuds", "OMB:head"), "full"),
                ("associate ombudsperson", try await api.token("omb-dara", "OMB:officer"), "officer"),
            ]
            for insider in insiders {
                let shown = try await api.call(.get, "/v1/cases/\(reference)", token: insider.token)
                #expect(shown.status == .ok, "\(insider.who)")
                #expect(try shown.decode(APIBody.Case.self).reference == reference)
                #expect(try shown.decode(APIBody.Case.self).view == insider.view)
                #expect(try shown.decode(APIBody.Case.self).kind == "ombuds_case")
                for suffix in ["/comments", "/parties", "/events"] {
                    let reply = try await api.call(.get, "/v1/cases/\(reference)\(suffix)", token: insider.token)
                    #expect(reply.status == .ok, "\(insider.who) GET \(suffix)")
                    #expect(try reply.keys().contains("items"))
                }
                let ombudsQueue = try await queue(api, office: "OMB", token: insider.token)
                #expect(ombudsQueue.status == .ok)
                #expect(ombudsQueue.references == [reference], "\(insider.who)'s queue")
            }
            // And the visitor who filed it still finds it among their own filings.
            #expect(try await filedByMe(api, token: filer) == [reference])
        }
    }

    @Test(arguments: AccessEnforcement.allCases)
    func anOmbudsCaseNamingAnOmbudspersonStaysInTheOfficeAndRecusesThem(_ enforcement: AccessEnforcement) async throws {
        try await CaseAPIHarness.run(enforcement: enforcement) { api in
            let filer = try await api.token("hr-fatima", "HRM:staff")
            let reference = try await api.file(
                filer, category: "workplace_concern", title: "Dara dismissed my concern", subjects: ["omb-dara", "dg"])
            // Conflict routing never moves an ombuds case out of the office, not even when the DG is named.
            #expect(try await api.office(of: reference) == "OMB")
            let ombudsperson = try await api.token("ombuds", "OMB:head")
            let shown = try await api.call(.get, "/v1/cases/\(reference)", token: ombudsperson)
            #expect(shown.status == .ok)
            #expect(try shown.decode(APIBody.Case.self).office == "OMB")
            #expect(try await queue(api, office: "OMB", token: ombudsperson).references == [reference])

            let dara = try await api.token("omb-dara", "OMB:officer")
            for endpoint in Endpoint.reads + [Endpoint.reporterMessage] {
                try await expectHidden(api, endpoint, reference: reference, token: dara, who: "omb-dara (subject)")
            }
            try await expectHidden(
                api, Endpoint(method: .post, suffix: "/claim", body: nil), reference: reference, token: dara,
                who: "omb-dara (subject) claiming")
            let daraQueue = try await queue(api, office: "OMB", token: dara)
            #expect(daraQueue.status == .ok)
            #expect(daraQueue.references.isEmpty)
            let dg = try await api.token("dg", "ODG:executive", "ODG:head")
            try await expectHidden(api, .show, reference: reference, token: dg, who: "the DG (subject)")

            let refused = try await api.call(.post, "/v1/cases/\(reference)/assignment", token: ombudsperson, body: ["assignee": "omb-dara"])
            #expect(refused.status == .conflict)
            #expect(refused.problemType == "/problems/cannot-assign")
            let after = try await api.call(.get, "/v1/cases/\(reference)", token: ombudsperson)
            #expect(try after.decode(APIBody.Case.self).assignee == nil)
        }
    }

    // MARK: - The subject of an allegation learns nothing

    @Test(arguments: AccessEnforcement.allCases)
    func theNamedSubjectSeesNothingWhateverTheirRole(_ enforcement: AccessEnforcement) async throws {
        try await CaseAPIHarness.run(enforcement: enforcement) { api in
            let filer = try await api.token("hr-fatima", "HRM:staff")
            let reference = try await api.file(filer, category: "fraud", title: "Gus approves his own claims", subjects: ["fin-gus"])
            #expect(try await api.office(of: reference) == "OIG")
            let lead = try await api.token("oig-lead", "OIG:lead")
            // Control: the office does see it, so the 404s below are about the subject.
            #expect(try await queue(api, office: "OIG", token: lead).references == [reference])

            let subjectTokens: [(who: String, token: String)] = [
                ("fin-gus as staff", try await api.token("fin-gus", "FIN:staff")),
                ("fin-gus as staff and OIG officer", try await api.token("fin-gus", "FIN:staff", "OIG:officer")),
                ("fin-gus as staff and OIG lead", try await api.token("fin-gus", "FIN:staff", "OIG:lead")),
            ]
            for subject in subjectTokens {
                for endpoint in Endpoint.reads + [Endpoint.reporterMessage] {
                    try await expectHidden(api, endpoint, reference: reference, token: subject.token, who: subject.who)
                }
                let own = try await filedByMe(api, token: subject.token)
                #expect(!own.contains(reference), "\(subject.who)")
            }
            for subject in subjectTokens.dropFirst() {
                let oigQueue = try await queue(api, office: "OIG", token: subject.token)
                #expect(oigQueue.status == .ok)
                #expect(!oigQueue.references.contains(reference), "\(subject.who)'s OIG queue")
            }
            #expect(try await footprint(api, reference, token: lead).comments == 0)
        }
    }

    // MARK: - Recusal from assignment

    @Test(arguments: AccessEnforcement.allCases)
    func anOfficerNamedAsSubjectCannotBeAssigned(_ enforcement: AccessEnforcement) async throws {
        try await CaseAPIHarness.run(enforcement: enforcement) { api in
            let filer = try await api.token("hr-fatima", "HRM:staff")
            let reference = try await api.file(filer, category: "fraud", title: "Bruno sells case files", subjects: ["inv-bruno"])
            #expect(try await api.office(of: reference) == "OIG")
            let head = try await api.token("ig", "OIG:head")
            let lead = try await api.token("oig-lead", "OIG:lead")
            // A subject inside OIG: the case goes to the Inspector General, not the queue, so
            // the lead does not see it (DOMAIN.md, conflict routing).
            try await expectHidden(api, .show, reference: reference, token: lead, who: "OIG lead on a head-only case")
            let before = try await footprint(api, reference, token: head)
            #expect(before.assignee == nil)

            let recused = try await api.call(.post, "/v1/cases/\(reference)/assignment", token: head, body: ["assignee": "inv-bruno"])
            #expect(recused.status == .conflict)
            #expect(recused.problemType == "/problems/cannot-assign")
            let outsider = try await api.call(.post, "/v1/cases/\(reference)/assignment", token: head, body: ["assignee": "eco-chen"])
            #expect(outsider.status == .conflict)
            #expect(outsider.problemType == "/problems/cannot-assign")
            let unknown = try await api.call(.post, "/v1/cases/\(reference)/assignment", token: head, body: ["assignee": "nobody-here"])
            #expect(unknown.status == .conflict)
            #expect(unknown.problemType == "/problems/cannot-assign")
            #expect(try await footprint(api, reference, token: head) == before)

            // The subject, although an OIG officer, does not see the case.
            let bruno = try await api.token("inv-bruno", "OIG:officer")
            for endpoint in Endpoint.reads {
                try await expectHidden(api, endpoint, reference: reference, token: bruno, who: "inv-bruno (subject)")
            }

            let assigned = try await api.call(.post, "/v1/cases/\(reference)/assignment", token: head, body: ["assignee": "inv-amara"])
            #expect(assigned.status == .ok)
            #expect(try assigned.decode(APIBody.Case.self).assignee == "inv-amara")
            let amara = try await api.token("inv-amara", "OIG:officer")
            let shown = try await api.call(.get, "/v1/cases/\(reference)", token: amara)
            #expect(shown.status == .ok)
            #expect(try shown.decode(APIBody.Case.self).view == "officer")
        }
    }

    @Test(arguments: AccessEnforcement.allCases)
    func anOfficerWhoDeclaredAConflictCannotBeAssignedByTheLead(_ enforcement: AccessEnforcement) async throws {
        try await CaseAPIHarness.run(enforcement: enforcement) { api in
            let filer = try await api.token("hr-fatima", "HRM:staff")
            let reference = try await api.file(filer, category: "fraud", title: "Invoices paid twice", subjects: ["fin-gus"])
            let lead = try await api.token("oig-lead", "OIG:lead")
            let declared = try await api.call(
                .post, "/v1/cases/\(reference)/parties", token: lead,
                body: ["person_id": "inv-bruno", "role": "conflicted"])
            #expect(declared.status == .created)
            #expect(try declared.decode(APIBody.Party.self).role == "conflicted")
            let before = try await footprint(api, reference, token: lead)
            #expect(before.assignee == nil)

            for assignee in ["inv-bruno", "eco-chen"] {
                let refused = try await api.call(.post, "/v1/cases/\(reference)/assignment", token: lead, body: ["assignee": assignee])
                #expect(refused.status == .conflict, "assigning \(assignee)")
                #expect(refused.problemType == "/problems/cannot-assign", "assigning \(assignee)")
            }
            #expect(try await footprint(api, reference, token: lead) == before)
            let shown = try await api.call(.get, "/v1/cases/\(reference)", token: lead)
            #expect(try shown.decode(APIBody.Case.self).view == "full")
            #expect(try shown.decode(APIBody.Case.self).assignee == nil)

            let assigned = try await api.call(.post, "/v1/cases/\(reference)/assignment", token: lead, body: ["assignee": "inv-amara"])
            #expect(assigned.status == .ok)
            #expect(try assigned.decode(APIBody.Case.self).assignee == "inv-amara")

            // Naming the assignee as a witness recuses them: the case is unassigned again.
            let named = try await api.call(
                .post, "/v1/cases/\(reference)/parties", token: lead,
                body: ["person_id": "inv-amara", "role": "witness"])
            #expect(named.status == .created)
            let after = try await api.call(.get, "/v1/cases/\(reference)", token: lead)
            #expect(try after.decode(APIBody.Case.self).assignee == nil)
            let amara = try await api.token("inv-amara", "OIG:officer")
            try await expectHidden(api, .show, reference: reference, token: amara, who: "inv-amara (now a witness)")
        }
    }

    /// A claim on a case that already has an assignee is refused with 409 already-assigned.
    @Test(arguments: AccessEnforcement.allCases)
    func claimingAnAssignedCaseIsRefusedWithoutCrashingTheServer(_ enforcement: AccessEnforcement) async throws {
        try await CaseAPIHarness.run(enforcement: enforcement) { api in
            let filer = try await api.token("hr-fatima", "HRM:staff")
            let ombudsperson = try await api.token("ombuds", "OMB:head")
            let reference = try await api.file(filer, category: "workplace_concern", title: "Conflict with my team")
            let assigned = try await api.call(.post, "/v1/cases/\(reference)/assignment", token: ombudsperson, body: ["assignee": "omb-dara"])
            #expect(assigned.status == .ok)
            let before = try await footprint(api, reference, token: ombudsperson)

            let claimed = try await api.call(.post, "/v1/cases/\(reference)/claim", token: ombudsperson)
            #expect(claimed.status == .conflict)
            #expect(claimed.problemType == "/problems/already-assigned")
            #expect(try await footprint(api, reference, token: ombudsperson) == before)
            #expect(before.assignee == "omb-dara")
        }
    }

    // MARK: - Object-level authorization on every endpoint

    @Test(arguments: AccessEnforcement.allCases)
    func everyCaseEndpointAnswers404ToCallersOutsideTheCase(_ enforcement: AccessEnforcement) async throws {
        try await CaseAPIHarness.run(enforcement: enforcement) { api in
            let filer = try await api.token("hr-fatima", "HRM:staff")
            let oigLead = try await api.token("oig-lead", "OIG:lead")
            let ethicsHead = try await api.token("ethics-head", "ECO:head")
            let ombudsperson = try await api.token("ombuds", "OMB:head")

            struct Target {
                let reference: String
                let lead: String
                let officer: String
                let transition: String
                let fields: [String: Any]
                let outsiders: [(who: String, token: String)]
            }
            let common: [(who: String, token: String)] = [
                ("EVM head", try await api.token("evm-head", "EVM:head")),
                ("ODG executive", try await api.token("dg", "ODG:executive")),
                ("staff member who did not file", try await api.token("fin-gus", "FIN:staff")),
            ]
            let targets = [
                Target(
                    reference: try await api.file(filer, category: "fraud", subjects: ["fin-head"]), lead: oigLead,
                    officer: "inv-amara", transition: "begin_assessment", fields: [:],
                    outsiders: common + [
                        ("ECO officer", try await api.token("eco-chen", "ECO:officer")),
                        ("Ombudsperson", try await api.token("ombuds", "OMB:head")),
                        ("OIG officer not assigned", try await api.token("inv-bruno", "OIG:officer")),
                        ("administrator", try await api.token("admin-1", "OIG:admin", "ODG:admin")),
                    ]),
                Target(
                    reference: try await api.file(filer, category: "retaliation", title: "Demoted after reporting", subjects: ["fin-head"]),
                    lead: ethicsHead, officer: "eco-chen", transition: "begin_completeness_check", fields: [:],
                    outsiders: common + [
                        ("OIG lead", oigLead),
                        ("OIG head", try await api.token("ig", "OIG:head")),
                        ("administrator", try await api.token("admin-1", "ECO:admin", "ODG:admin")),
                    ]),
                Target(
                    reference: try await api.file(filer, category: "workplace_concern", title: "Conflict with my team"),
                    lead: ombudsperson, officer: "omb-dara", transition: "hold_intake_conversation",
                    fields: ["consent_scope": "ombuds only"],
                    outsiders: common + [
                        ("ECO officer", try await api.token("eco-chen", "ECO:officer")),
                        ("OIG lead", oigLead),
                        ("administrator", try await api.token("admin-1", "OMB:admin", "ODG:admin")),
                    ]),
            ]
            var offices: [String?] = []
            for target in targets { offices.append(try await api.office(of: target.reference)) }
            #expect(offices == ["OIG", "ECO", "OMB"])

            for target in targets {
                let reference = target.reference
                // Something of each kind to leak: an internal note besides the filing's events and parties.
                let note = try await api.call(
                    .post, "/v1/cases/\(reference)/comments", token: target.lead,
                    body: ["body": "internal note", "visibility": "internal"])
                #expect(note.status == .created)
                let before = try await footprint(api, reference, token: target.lead)
                let etag = try #require(before.etag)
                #expect(before.comments == 1)
                #expect(before.events >= 2)

                let endpoints = Endpoint.reads + Endpoint.writes(assignee: target.officer, transition: target.transition, fields: target.fields)
                for outsider in target.outsiders {
                    for endpoint in endpoints {
                        try await expectHidden(
                            api, endpoint, reference: reference, token: outsider.token,
                            who: "\(outsider.who) on \(reference)", headers: [.ifMatch: etag])
                    }
                }
                let after = try await footprint(api, reference, token: target.lead)
                #expect(after == before, "\(reference): a refused write changed the case")

                // The ETag used above was live: the lead's transition with it succeeds.
                var body: [String: Any] = ["transition": target.transition]
                if !target.fields.isEmpty { body["fields"] = target.fields }
                let taken = try await api.call(
                    .post, "/v1/cases/\(reference)/transitions", token: target.lead, body: body,
                    headers: [.ifMatch: etag])
                #expect(taken.status == .ok, "\(reference) \(target.transition): \(String(decoding: taken.body, as: UTF8.self))")
            }
        }
    }

    // MARK: - The filer's reporter view

    @Test(arguments: AccessEnforcement.allCases)
    func theFilerSeesOnlyTheReporterView(_ enforcement: AccessEnforcement) async throws {
        try await CaseAPIHarness.run(enforcement: enforcement) { api in
            let filer = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let reference = try await api.file(filer, category: "fraud", title: "Invoices paid twice", subjects: ["fin-gus"])
            #expect(try await api.call(.post, "/v1/cases/\(reference)/assignment", token: lead, body: ["assignee": "inv-amara"]).status == .ok)
            let internalNote = try await api.call(
                .post, "/v1/cases/\(reference)/comments", token: lead,
                body: ["body": "Gus's manager is a friend of the filer", "visibility": "internal"])
            #expect(internalNote.status == .created)
            let message = try await api.call(
                .post, "/v1/cases/\(reference)/comments", token: lead,
                body: ["body": "Thank you, we are assessing your report", "visibility": "reporter"])
            #expect(message.status == .created)
            let messageID = try message.decode(APIBody.Comment.self).id

            let shown = try await api.call(.get, "/v1/cases/\(reference)", token: filer)
            #expect(shown.status == .ok)
            let view = try shown.decode(APIBody.Case.self)
            #expect(view.view == "reporter")
            #expect(view.reference == reference)
            #expect(view.status == "received")
            let members = try shown.keys()
            for hidden in ["narrative", "state", "assignee", "kind", "office", "parties", "filed_by", "actions", "available_transitions"] {
                #expect(!members.contains(hidden), "the reporter view carries \(hidden)")
            }

            let thread = try await api.call(.get, "/v1/cases/\(reference)/comments", token: filer)
            #expect(thread.status == .ok)
            let items = try thread.decode(APIBody.List<APIBody.Comment>.self).items
            #expect(items.count == 1)
            #expect(items.first?.id == messageID)
            #expect(items.first?.visibility == "reporter")
            #expect(items.first?.body == "Thank you, we are assessing your report")

            let internalByFiler = try await api.call(
                .post, "/v1/cases/\(reference)/comments", token: filer,
                body: ["body": "May I see the notes?", "visibility": "internal"])
            #expect(internalByFiler.status == .forbidden)
            #expect(internalByFiler.problemType == "/problems/forbidden")
            let defaultByFiler = try await api.call(.post, "/v1/cases/\(reference)/comments", token: filer, body: ["body": "No visibility given"])
            #expect(defaultByFiler.status == .forbidden, "a comment without visibility is internal")
            let reply = try await api.call(
                .post, "/v1/cases/\(reference)/comments", token: filer,
                body: ["body": "Here are the invoice numbers", "visibility": "reporter"])
            #expect(reply.status == .created)
            #expect(try reply.decode(APIBody.Comment.self).visibility == "reporter")
            // Who reported is need-to-know: the thread names the role, never the person.
            #expect(try reply.decode(APIBody.Comment.self).author == "reporter")

            let afterReply = try await api.call(.get, "/v1/cases/\(reference)/comments", token: filer).decode(APIBody.List<APIBody.Comment>.self)
            #expect(afterReply.items.map(\.visibility) == ["reporter", "reporter"])
            let officerThread = try await api.call(.get, "/v1/cases/\(reference)/comments", token: lead).decode(APIBody.List<APIBody.Comment>.self)
            #expect(officerThread.items.map(\.visibility).sorted() == ["internal", "reporter", "reporter"])
            #expect(try await footprint(api, reference, token: lead).comments == 3)

            for endpoint in [Endpoint.parties, Endpoint.events] {
                try await expectHidden(api, endpoint, reference: reference, token: filer, who: "the filer")
            }
            // Their own filings list shows the same reporter view.
            let own = try await api.call(.get, "/v1/cases?filed_by=me", token: filer)
            let listed = try own.decode(APIBody.CaseList.self)
            #expect(listed.references == [reference])
            #expect(listed.cases.first?.view == "reporter")
            #expect(listed.cases.first?.narrative == nil)
            #expect(listed.cases.first?.state == nil)
        }
    }
}

// MARK: - Helpers

extension ConfidentialityTests {

    /// One case endpoint, relative to `/v1/cases/{reference}`.
    struct Endpoint: CustomStringConvertible {
        let method: HTTPRequest.Method
        let suffix: String
        let body: [String: Any]?

        var description: String { "\(method) {ref}\(suffix)" }

        static var show: Endpoint { Endpoint(method: .get, suffix: "", body: nil) }
        static var comments: Endpoint { Endpoint(method: .get, suffix: "/comments", body: nil) }
        static var parties: Endpoint { Endpoint(method: .get, suffix: "/parties", body: nil) }
        static var events: Endpoint { Endpoint(method: .get, suffix: "/events", body: nil) }
        static var reporterMessage: Endpoint { Endpoint(method: .post, suffix: "/comments", body: ["body": "probe", "visibility": "reporter"]) }

        static var reads: [Endpoint] { [show, comments, parties, events] }

        /// Every write, each with a body the case's own lead could send successfully.
        static func writes(assignee: String, transition: String, fields: [String: Any]) -> [Endpoint] {
            [
                Endpoint(method: .post, suffix: "/comments", body: ["body": "probe", "visibility": "internal"]),
                reporterMessage,
                Endpoint(method: .post, suffix: "/parties", body: ["person_id": "fin-gus", "role": "witness"]),
                Endpoint(method: .post, suffix: "/assignment", body: ["assignee": assignee]),
                Endpoint(method: .post, suffix: "/claim", body: nil),
                Endpoint(method: .post, suffix: "/transitions", body: ["transition": transition, "fields": fields]),
            ]
        }
    }

    /// A problem response reduced to what a caller can compare: everything but the request id
    /// and the instance (the path), which differ between any two requests.
    struct ProblemShape: Equatable, CustomStringConvertible {
        let httpStatus: Int
        let type: String?
        let title: String?
        let status: Int?
        let detail: String?
        let otherKeys: Set<String>

        init(_ reply: CaseAPIHarness.Reply) throws {
            let problem = try reply.decode(APIBody.Problem.self)
            httpStatus = reply.status.code
            type = problem.type
            title = problem.title
            status = problem.status
            detail = problem.detail
            otherKeys = try reply.keys().subtracting(["type", "title", "status", "detail", "request_id", "instance"])
        }

        var description: String { "\(httpStatus) \(type ?? "-") \"\(detail ?? "-")\" \(otherKeys.sorted())" }
    }

    /// Well-formed references that no case has.
    func madeUpReferences(like reference: String) -> [String] {
        [CaseReference.random().description, CaseReference.random().description].filter { $0 != reference }
    }

    /// Sends `endpoint` for `reference` and for references that do not exist: all must be the
    /// same 404, so the reply tells the caller nothing about the case.
    func expectHidden(
        _ api: CaseAPIHarness, _ endpoint: Endpoint, reference: String, token: String, who: String, headers: HTTPFields = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let real = try await api.call(
            endpoint.method, "/v1/cases/\(reference)\(endpoint.suffix)", token: token, body: endpoint.body,
            headers: headers)
        #expect(
            real.status == .notFound, "\(who): \(endpoint) answered \(real.status.code) \(String(decoding: real.body, as: UTF8.self))",
            sourceLocation: sourceLocation)
        let shape = try ProblemShape(real)
        #expect(shape.type == "/problems/not-found", "\(who): \(endpoint)", sourceLocation: sourceLocation)
        for madeUp in madeUpReferences(like: reference) {
            let missing = try await api.call(
                endpoint.method, "/v1/cases/\(madeUp)\(endpoint.suffix)", token: token, body: endpoint.body,
                headers: headers)
            #expect(try ProblemShape(missing) == shape, "\(who): \(endpoint) differs from \(madeUp)", sourceLocation: sourceLocation)
        }
    }

    /// What a refused write must not change, read behind the API and through the lead's eyes.
    struct Footprint: Equatable, CustomStringConvertible {
        let etag: String?
        let assignee: String?
        let state: String?
        let events: Int
        let comments: Int
        let parties: Int
        let outbox: Int

        var description: String {
            "etag \(etag ?? "-") assignee \(assignee ?? "-") state \(state ?? "-") "
                + "events \(events) comments \(comments) parties \(parties) outbox \(outbox)"
        }
    }

    func footprint(_ api: CaseAPIHarness, _ reference: String, token: String) async throws -> Footprint {
        let shown = try await api.call(.get, "/v1/cases/\(reference)", token: token)
        try #require(shown.status == .ok, "the case's own lead cannot read \(reference)")
        let shownCase = try shown.decode(APIBody.Case.self)
        return Footprint(
            etag: shown.etag, assignee: shownCase.assignee, state: shownCase.state,
            events: try await api.count("SELECT count(*) AS n FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.reference = \(reference)"),
            comments: try await api.count("SELECT count(*) AS n FROM comments m JOIN cases c ON c.id = m.case_id WHERE c.reference = \(reference)"),
            parties: try await api.count(
                "SELECT count(*) AS n FROM case_parties p JOIN cases c ON c.id = p.case_id WHERE c.reference = \(reference)"),
            outbox: try await api.count("SELECT count(*) AS n FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.reference = \(reference)"))
    }

    /// The references in an office's queue as `token`'s holder sees it.
    func queue(_ api: CaseAPIHarness, office: String, token: String) async throws -> (status: HTTPResponse.Status, references: [String]) {
        let reply = try await api.call(.get, "/v1/offices/\(office)/queue", token: token)
        guard reply.status == .ok else { return (reply.status, []) }
        return (reply.status, try reply.decode(QueueTests.Page.self).references)
    }

    /// The references of `GET /v1/cases?filed_by=me`.
    func filedByMe(_ api: CaseAPIHarness, token: String) async throws -> [String] {
        let reply = try await api.call(.get, "/v1/cases?filed_by=me", token: token)
        try #require(reply.status == .ok)
        return try reply.decode(APIBody.CaseList.self).references
    }
}
