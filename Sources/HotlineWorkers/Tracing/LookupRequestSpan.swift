import HTTPTypes
import Hummingbird
import Tracing

/// A span per progress lookup request (docs/TRACING.md), continuing the `traceparent` the
/// citizens' portal or gateway sent, so a slow answer can be followed into the lookup. Our
/// own and not Hummingbird's `TracingMiddleware`, which records the client's address and user
/// agent: a lookup's span holds the method, the route and the status, never who asked, the
/// case number or the code. Health, readiness and metrics requests make no span.
struct LookupRequestSpan<Context: RequestContext>: RouterMiddleware {
    let path: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path == path else { return try await next(request, context) }
        var parent = InstrumentationContext.topLevel
        InstrumentationSystem.instrument.extract(request.headers, into: &parent, using: HTTPFieldsExtractor())
        return try await withSpan("lookup \(request.method.rawValue) \(path)", context: parent, ofKind: .server) { span in
            span.attributes["http.request.method"] = request.method.rawValue
            span.attributes["http.route"] = path
            let response = try await next(request, context)
            span.attributes["http.response.status_code"] = Int(response.status.code)
            if response.status.code >= 500 { span.setStatus(SpanStatus(code: .error)) }
            return response
        }
    }
}

private struct HTTPFieldsExtractor: Extractor {
    func extract(key: String, from carrier: HTTPFields) -> String? {
        HTTPField.Name(key).flatMap { carrier[$0] }
    }
}
