import Foundation
import Hummingbird

/// A case's JSON written by hand, by `ListJSON`'s rules: the case view is the answer the
/// service gives most, and the shared `JSONEncoder` was a ninth of its CPU. The rarer nested
/// parts (answers, a plan, a recommendation) still go through that encoder, so their text is
/// its text by construction; a test holds the whole to what the encoder writes.
extension CaseResponse {
    func response(from request: Request, context: some RequestContext) throws -> Response {
        var json = ListJSON(capacity: 1024 + (narrative?.utf8.count ?? 0))
        try write(into: &json)
        return json.response()
    }

    /// The object, its keys in sorted order (the snake_case names the encoder gives them).
    func write(into json: inout ListJSON) throws {
        var object = JSONObjectWriter()
        json.raw("{")
        if let actions {
            object.key("actions", &json)
            json.strings(actions)
        }
        if let answers {
            object.key("answers", &json)
            try json.encoded(answers)
        }
        if let assignee { object.string("assignee", assignee, &json) }
        if let availableTransitions {
            object.key("available_transitions", &json)
            json.strings(availableTransitions)
        }
        if let category { object.string("category", category, &json) }
        if let closedAt { object.date("closed_at", closedAt, &json) }
        if let conflict { object.string("conflict", conflict, &json) }
        if let countryOffice { object.string("country_office", countryOffice, &json) }
        if let dueAt { object.date("due_at", dueAt, &json) }
        if let filedBy { object.string("filed_by", filedBy, &json) }
        if let kind { object.string("kind", kind, &json) }
        if let links {
            object.key("links", &json)
            json.raw("[")
            for (position, link) in links.enumerated() {
                json.raw(position == 0 ? "{\"reference\":" : ",{\"reference\":")
                json.string(link.reference)
                json.raw(",\"relation\":")
                json.string(link.relation)
                json.raw("}")
            }
            json.raw("]")
        }
        if let location { object.string("location", location, &json) }
        if let narrative { object.string("narrative", narrative, &json) }
        if let occurredOn { object.string("occurred_on", occurredOn, &json) }
        if let office { object.string("office", office, &json) }
        object.date("opened_at", openedAt, &json)
        if let outcome { object.string("outcome", outcome, &json) }
        if let plan {
            object.key("plan", &json)
            try json.encoded(plan)
        }
        if let priority { object.string("priority", priority, &json) }
        if let recommendation {
            object.key("recommendation", &json)
            try json.encoded(recommendation)
        }
        object.string("reference", reference, &json)
        if let region { object.string("region", region, &json) }
        if let reporterDue {
            object.key("reporter_due", &json)
            var due = JSONObjectWriter()
            json.raw("{")
            if let acknowledgement = reporterDue.acknowledgement { due.date("acknowledgement", acknowledgement, &json) }
            if let feedback = reporterDue.feedback { due.date("feedback", feedback, &json) }
            json.raw("}")
        }
        if let routingRule { object.string("routing_rule", routingRule, &json) }
        if let state { object.string("state", state, &json) }
        object.string("status", status, &json)
        object.string("title", title, &json)
        object.key("version", &json)
        json.integer(version)
        object.string("view", view, &json)
        json.raw("}")
    }
}

/// The commas between an object's members.
struct JSONObjectWriter {
    private var empty = true

    mutating func key(_ name: StaticString, _ json: inout ListJSON) {
        json.raw(empty ? "\"" : ",\"")
        empty = false
        json.raw(name)
        json.raw("\":")
    }

    mutating func string(_ name: StaticString, _ value: String, _ json: inout ListJSON) {
        key(name, &json)
        json.string(value)
    }

    mutating func date(_ name: StaticString, _ value: Date, _ json: inout ListJSON) {
        key(name, &json)
        json.date(value)
    }
}

extension ListJSON {
    mutating func strings(_ values: [String]) {
        raw("[")
        for (position, value) in values.enumerated() {
            if position > 0 { raw(",") }
            string(value)
        }
        raw("]")
    }

    /// What the service's encoder writes for `value`, as is.
    mutating func encoded(_ value: some Encodable) throws {
        append(contentsOf: try oversightResponseEncoder.encode(value))
    }
}
