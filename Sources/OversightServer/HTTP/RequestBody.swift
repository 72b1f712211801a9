import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A JSON request body that names the fields it accepts, so an unknown field (a typo, or a
/// field meant for another endpoint) is refused with 400 instead of silently dropped.
public protocol StrictDecodable: Decodable {
    static var allowedFields: Set<String> { get }
    /// Bounds on the decoded values (lengths, counts, no NUL): a 400 problem naming the field.
    func validate() throws(Problem)
}

extension StrictDecodable {
    public func validate() throws(Problem) {}
}

extension Request {
    /// Decodes a JSON body: 415 for another content type, 413 over the context's size limit,
    /// 400 for malformed JSON, an unknown field, or a missing or mistyped one.
    func decodeStrict<Body: StrictDecodable>(_ type: Body.Type, context: some RequestContext) async throws -> Body {
        let contentType = headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard contentType == "application/json" else {
            throw Problem(.unsupportedMediaType, detail: "send the body as application/json")
        }
        let buffer = try await self.body.collect(upTo: context.maxUploadSize)
        let data = Data(buffer.readableBytesView)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Problem(.badRequest, detail: "the body must be a JSON object")
        }
        if let unknown = object.keys.sorted().first(where: { !Body.allowedFields.contains($0) }) {
            throw Problem(.unknownField, detail: "unknown field \"\(unknown)\"; accepted: \(Body.allowedFields.sorted().joined(separator: ", "))")
        }
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw Problem(.badRequest, detail: "missing field \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context) {
            throw Problem(.badRequest, detail: "field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type")
        } catch let DecodingError.valueNotFound(_, context) {
            throw Problem(.badRequest, detail: "field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" may not be null")
        } catch {
            throw Problem(.badRequest, detail: "the body does not match the expected JSON")
        }
        try body.validate()
        return body
    }
}
